"""RIS reader that remembers where each record starts.

rispy has no line numbers, and a reviewer fixing a bad export needs them, so this is a
line-oriented state machine; rispy's tables still say which tags are multi-valued.

Conventions (what real exports do):

* blank lines between records are ignored; so are Ovid's ``1.`` lines before ``TY``,
  but the number and the trailer Ovid writes after each ``ER`` (``NL  -`` and a "Link to
  the Ovid Full Text" line) are kept in the record's original fields (``_number``,
  ``NL``, ``_trailer``): in a file whose records are numbered, anything between ``ER``
  and the next number belongs to the record before;
* publishers' platforms (Cochrane Library, JSTOR, APA PsycNET) write an export header
  outside the records: ``Provider:``, ``Database:``, ``Content:``, ``Search:``,
  ``Query:`` and ``Date:`` lines, and ``Record #3 of 18``. They are provenance, not stray
  text: a record keeps the header lines met before it in its original fields
  (``_provider``, ``_database``, ``_content``, ...; a header holds until the file gives
  another), and ``_record`` keeps its own ``3 of 18``. Other text outside a record is a
  located error;
* a line without a ``XX  - `` tag continues the previous field: another item for
  multi-valued tags (Rayyan writes one keyword per line under a single ``KW``), more text
  for the others (wrapped abstracts);
* unless it is a tag line spelt wrongly. With a known RIS code it is read as that tag,
  with one warning per spelling naming its first line. A *strong* spelling is a tag
  wherever it stands: one to four spaces before the dash (``TI - x``, ``TI   - x``,
  ``TI  -x``), two to four in any letter case (``ti  - x``, ``Py  - 2014``), a colon and
  two spaces (``TI:  x``), or a longer capitalised label spaced right (APA's
  ``DESCRIPTORS  - ``, kept under its own name). Any space character is spacing, and a
  tab does for two spaces (``ti``, a tab, ``- x`` is a tag as ``ti  - x`` is). Prose can
  begin like a *weak* spelling (``T1- and T2-weighted``, ``AD: Alzheimer's``, ``ED
  visits``, Rayyan's keyword ``ST segment``), so ``TI- x``, ``TI-x``, ``TI: x`` and a
  bare ``TI x`` are tags only where no continuation can be: after a field holding one
  code, date or number (``TY``, ``PY``, ``DO``, ``VL``, ...), outside a record (``TY
  JOUR`` opens one), and anywhere once the file has written a tag that way. Elsewhere
  such a line with a known code stays text, but is said (``AU Smith, J`` under ``TI``
  may be a lost author): one warning per spelling at its first line, listing the lines
  after it. A strong spelling with an unknown capital code (``XQ - x``) makes its record
  a located error: it is neither a tag to read nor text to bury in the field above;
* no export wraps a one-value field, so other text after one is said the same way and
  kept as one more value of the field, whose own value stays whole (``TY`` still
  ``JOUR``);
* a record with no title, DOI or ID (an accession or not) is a located error, as a table
  row without them is: there is nothing to screen or match it by. A DOI field that holds
  no DOI (``not-a-doi``) does not count;
* authors are ``AU`` and ``A1``; ``A2``-``A4`` (editors, or cited references in Ovid
  PsycINFO) are used only when a record has no ``AU``/``A1``;
* ``KW`` → keywords, always. ``DE`` and ``MH`` → subjects. ``KW`` → subjects as well
  when the record carries a ``DB`` tag: a host-database export (EBSCOhost, ProQuest,
  Ovid, Embase), whose ``KW`` are that database's thesaurus descriptors;
* the journal is ``JF``, ``JO``, ``T2``, ``JA`` or ``J2``, else ``SO`` (the source
  title of Web of Science and the tools that copy its tags);
* the year is the first plausible year in ``PY``, ``Y1`` or ``DA``, else the year of the
  one 8-digit date there (TRID's ``Start date: 20170812``); a record whose dates give no
  year is told in a warning (its dates stay in the original fields);
* the accession id is ``AN``, else ``ID``, else Embase's ``U2`` (``L123…``), else the
  Scopus EID inside the record URL (``eid=2-s2.0-…``), else the ``AN=`` of a record URL
  (EBSCOhost's RIS may carry its accession number only there): the ids the CSV exports of the
  same databases carry, so a record gets one ``record_id`` in either format. But ``ID``
  is also where tools number the records of one export (Nested Knowledge: 1, 2, 3…) or
  write a reference manager's record number (EndNote: 884, 889…) or citation key
  (``Kassin1997``): none of these names the paper, and as an id they would move a
  screening decision to another paper when a second export numbers from 1 again. So
  ``ID`` is an accession only when it is not a whole number below 100,000 (Ovid's PMIDs,
  Embase and CINAHL numbers are larger; ERIC's ``EJ…`` and PsycINFO's ``2019-…`` are not
  numbers), the file's whole-number ``ID`` values do not run consecutively (three or more,
  each the last plus one: a running number however large), and it is no citation key
  (:func:`~litreview.importers.common.citation_key`). Otherwise the record has the id
  of a record without accession, a hash of its content, and ``ID`` stays in its
  original fields (and still counts as something that identifies the record in the
  tool that wrote it: such a record is not rejected).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

import rispy

from litreview.core.errors import Problem
from litreview.core.records import normalise_doi, normalise_year
from litreview.importers.common import (
    RIS_TYPES,
    Context,
    Parsed,
    build_record,
    citation_key,
    pages,
)

_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: |$)")
_OVID_NUMBER = re.compile(r"(\d+)\.?")
_LIST_TAGS = frozenset(rispy.LIST_TYPE_TAGS) | {"DE", "MH"}
_EMBASE_ID = re.compile(r"L\d{6,}")
_SCOPUS_EID = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
#: The accession number in a platform's record link (``...login.aspx?...&AN=149876543``).
_URL_ACCESSION = re.compile(r"[?&]AN=([^&#\s]+)")
#: Whole-number ``ID`` lines, looked at before reading: do they number the file's records?
_NUMBER_ID = re.compile(r"^ID  - *(\d+) *$", re.MULTILINE)
#: Below this a whole-number ``ID`` is a running or record number (see the docstring).
_SMALLEST_NUMBER_ACCESSION = 100_000
#: An 8-digit date (``20170812``): the year of a value with no year standing alone.
_DATE8 = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)")
_DATE_TAGS = ("PY", "Y1", "DA")
_DATE_LINE = re.compile(r"(?:PY|Y1|DA)\s*[-:]\s*\S", re.IGNORECASE)
_HINT_TAG = "RIS tag lines look like 'TY  - JOUR': two letters, two spaces, '-', a space"

#: Codes a misspelt tag line may name: the RIS specification's (rispy's table, less its
#: ``UK`` "unknown tag" key) and those the dialects met use.
_KNOWN_TAGS = (frozenset(rispy.TAG_KEY_MAPPING) - {"UK"}) | {
    "BT", "CT", "DE", "ED", "J1", "L3", "M2", "MH", "SO", "U1", "U2", "U3", "U4", "U5", "Y3"}
#: Fields whose value is one code, date or number: no export wraps them onto a next line
#: (``SN`` and ``DB`` do: EndNote writes a second ISSN, a second database, below).
_ONE_VALUE = frozenset({"TY", "ID", "AN", "PY", "Y1", "DA", "VL", "IS", "SP", "EP", "DO"})
#: Misspelt tag lines as (spelling, pattern, strong): group 1 the code, group 2 the value.
#: Any space character is spacing (``\s``: a tab, a no-break space); where a spelling asks
#: for two spaces, one tab will do.
_SPELLINGS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("XX - ", re.compile(r"([A-Z][A-Z0-9])\s{1,4}-(?:\s|$)(.*)"), True),
    ("XX  -x", re.compile(r"([A-Z][A-Z0-9])\s{1,4}-(\S.*)"), True),
    ("xx  - ", re.compile(r"([A-Za-z][A-Za-z0-9])(?:\s{2,4}|\t)-(?:\s|$)(.*)"), True),  # any case
    ("XX:  ", re.compile(r"([A-Z][A-Z0-9]):(?:(?:\s{2,}|\t)(.*)|$)"), True),
    ("LABEL  - ", re.compile(r"([A-Z][A-Z0-9]{2,19})(?:\s{2}|\t)-(?:\s|$)(.*)"), True),
    ("XX- ", re.compile(r"([A-Z][A-Z0-9])-(?:\s|$)(.*)"), False),
    ("XX: ", re.compile(r"([A-Z][A-Z0-9]):(?:\s|$)(.*)"), False),
    ("XX-x", re.compile(r"([A-Z][A-Z0-9])-(\S.*)"), False),
    ("XX ", re.compile(r"([A-Z][A-Z0-9])(?:\s+(\S.*)|$)"), False),
)
#: Lines listed by number in a warning about text that may have been a tag line.
_LISTED_LINES = 10
#: The export header publishers write outside the records (see the module docstring).
_HEADER = re.compile(r"(provider|database|content|search|query|date)\s*:\s*(.*)",
                     re.IGNORECASE)
_RECORD_OF = re.compile(r"record\s*#\s*(\d+\s+of\s+\d+)", re.IGNORECASE)

Fields = dict[str, list[str]]


def read_ris(text: str, ctx: Context) -> Parsed:
    """Parse RIS text into records and located rejects (malformed or unterminated blocks,
    records with nothing to identify them); misspelt tag lines are read with a warning."""
    reader = _Reader(_normalise_newlines(text), ctx)
    match_tag, take_tag, take_text = _TAG.match, reader.tag, reader.text
    number = 0
    for number, line in enumerate(_iter_lines(reader.source), start=1):
        line = line.rstrip()
        match = match_tag(line)
        if match is None:
            take_text(number, line)
        else:
            take_tag(number, match.group(1), line[match.end():].strip())
    return reader.finish(number)


@dataclass(slots=True)
class _Spelling:
    """Where a file first spells tag lines one wrong way, and how often it does."""

    first: int
    text: str
    tag: str
    count: int = 1
    last: int = 0


@dataclass(slots=True)
class _AsText:
    """Lines read as text that might have been tag lines (one kind of them in a file):
    the first, with the tag it might be and the field it was read into, and every line."""

    text: str
    tag: str
    value: str
    field: str
    lines: list[int]


@dataclass(slots=True)
class _Done:
    """A record read up to its ``ER`` line (Ovid's trailer may still follow)."""

    position: int
    start: int
    end: int
    fields: Fields
    problem: Problem | None


class _Reader:
    """The state machine: one record open at a time; the export header and the file's
    tag spellings remembered."""

    def __init__(self, source: str, ctx: Context) -> None:
        self.source, self.ctx, self.out = source, ctx, Parsed()
        self.fields: Fields | None = None  # the open record
        self.start = 0
        self.last_tag = ""
        self.problem: Problem | None = None  # a line that makes the open record unreadable
        self.stray: list[int] = []  # consecutive line numbers outside records: one reject
        self.ovid = False  # records are numbered: text between ER and the next number is a trailer
        self.ovid_number = ""  # the Ovid number of the record about to start
        self.pending: _Done | None = None  # an Ovid record awaiting its trailer
        self.header: dict[str, str] = {}  # the export header, for every record after it
        self.record_of = ""  # "3 of 18": the next record's
        self.spellings: dict[str, _Spelling] = {}
        self.as_text: dict[str, _AsText] = {}  # by spelling, or "" after a one-value field
        self.dialect: set[str] = set()  # weak spellings this file has written tags in
        self.numbered_ids = _numbers_records(source)  # IDs run 1, 2, 3…: no accessions
        self.no_year: list[tuple[int, str]] = []  # (line, date field) of records without year
        self._lines: list[str] = []

    def lines(self) -> list[str]:
        """Every line, split only when a reject needs its raw text."""
        if not self._lines:
            self._lines.extend(self.source.split("\n"))
        return self._lines

    # --- lines ---------------------------------------------------------------------

    def tag(self, number: int, tag: str, value: str) -> None:
        fields = self.fields
        if fields is None:
            if tag == "TY":
                self.flush()
                self.open(number, value)
            elif self.pending is not None:
                self.pending.fields.setdefault(tag, []).append(value)
            else:
                self.stray.append(number)
        elif tag == "TY":
            self.reject_open(number - 1, f"record starting at line {self.start} has no "
                             f"'ER  -' before the next 'TY' at line {number}",
                             "end every record with an 'ER  -' line")
            self.open(number, value)
        elif tag == "ER":
            self.close(number)
        else:
            fields.setdefault(tag, []).append(value)
            self.last_tag = tag

    def text(self, number: int, line: str) -> None:
        """A line without a well-formed tag: a misspelt tag, more of the field above, or
        (outside a record) a header line, an Ovid number, an Ovid trailer or stray text."""
        if not line:
            return
        misspelt = self.misspelt(number, line)
        if misspelt is not None:
            self.tag(number, *misspelt)
        elif self.fields is not None:
            if self.last_tag in _ONE_VALUE:  # no export wraps such a field: said
                self.said(number, "", line, "", "")
            _continue(self.fields, self.last_tag, line)
        elif not self.header_line(line):
            numbered = _OVID_NUMBER.fullmatch(line)
            if numbered:
                self.flush()
                self.ovid, self.ovid_number = True, numbered.group(1)
            elif self.pending is not None:
                self.pending.fields.setdefault("_trailer", []).append(line)
            else:
                self.stray.append(number)

    def misspelt(self, number: int, line: str) -> tuple[str, str] | None:
        """``(tag, value)`` when ``line`` is a wrongly spelt tag line to read as a tag
        (the rule is in the module docstring); ``None`` when it is text."""
        if line[0] == " " or not line[:2].isalnum():
            return None
        outside = self.fields is None
        for spelling, pattern, strong in _SPELLINGS:
            match = pattern.match(line)
            if match is None:
                continue
            code, value = match.group(1), (match.group(2) or "").strip()
            tag = code if len(code) > 2 else code.upper()
            if outside and tag != "TY":
                return None  # stray text, or an Ovid trailer: as before
            if len(code) == 2 and tag not in _KNOWN_TAGS:
                if strong and code.isupper():
                    self.spoil(number, line, code)
                return None
            if not (strong or outside or spelling in self.dialect
                    or self.last_tag in _ONE_VALUE):
                self.said(number, spelling, line, tag, value)
                return None  # may be prose continuing the field above: text, said
            if not strong:
                self.dialect.add(spelling)
            if spelling == "xx  - " and not code.islower():
                spelling = "Xx  - "  # mixed case: a spelling of its own, told on its own
            self.note(spelling, number, line, tag)
            return tag, value
        return None

    def spoil(self, number: int, line: str, code: str) -> None:
        """A line that looks like a tag with a code RIS does not have: the record fails."""
        if self.problem is None:
            self.problem = Problem(
                self.ctx.source_file, f"{line[:40]!r} looks like a tag line, but '{code}' "
                "is no RIS tag", number, hint=f"{_HINT_TAG}; correct the tag, or join the "
                "line to the one above if it continues it")

    def said(self, number: int, spelling: str, line: str, tag: str, value: str) -> None:
        """Remember a line read as text that might be a tag line, for one warning per
        spelling (``""``: any text after a one-value field)."""
        seen = self.as_text.get(spelling)
        if seen is None:
            self.as_text[spelling] = _AsText(line[:40], tag, value, self.last_tag, [number])
        else:
            seen.lines.append(number)

    def note(self, spelling: str, number: int, line: str, tag: str) -> None:
        seen = self.spellings.get(spelling)
        if seen is None:
            self.spellings[spelling] = _Spelling(number, line[:40], tag, last=number)
        else:
            seen.count += 1
            seen.last = number

    def header_line(self, line: str) -> bool:
        """Keep a line of a publisher's export header for the records after it."""
        record_of = _RECORD_OF.fullmatch(line)
        header = None if record_of else _HEADER.fullmatch(line)
        if record_of is None and header is None:
            return False
        self.flush()
        if record_of is not None:
            self.record_of = " ".join(record_of.group(1).split())
        elif header is not None and header.group(2).strip():
            self.header[f"_{header.group(1).lower()}"] = header.group(2).strip()
        return True

    # --- records -------------------------------------------------------------------

    def open(self, number: int, value: str) -> None:
        fields: Fields = {"TY": [value]}
        for key, text in self.header.items():
            fields[key] = [text]
        if self.record_of:
            fields["_record"], self.record_of = [self.record_of], ""
        if self.ovid_number:
            fields["_number"], self.ovid_number = [self.ovid_number], ""
        self.fields, self.start, self.last_tag, self.problem = fields, number, "TY", None

    def close(self, number: int) -> None:
        assert self.fields is not None
        self.flush_pending()
        done = _Done(self.out.blocks + 1, self.start, number, self.fields, self.problem)
        if self.ovid:  # the trailer after ER is still this record's
            self.pending = done
        else:
            self.complete(done)
        self.fields, self.last_tag, self.problem = None, "", None

    def complete(self, done: _Done) -> None:
        """The record, or a located reject when a line spoilt it or nothing identifies it."""
        problem = done.problem
        if problem is None:
            raw = _raw_fields(done.fields, self.numbered_ids)
            doi = str(raw["doi"])
            if (raw["title"] or normalise_doi(doi) or raw["source_id"]
                    or _first(done.fields, "ID")):
                if not raw["year"] and _first(done.fields, *_DATE_TAGS):
                    self.no_year.append(self.date_line(done))
                self.out.records.append(
                    build_record(self.ctx, done.position, done.start, raw, done.fields))
                return
            no_doi = f" ({doi[:40]!r} is no DOI)" if doi else ""
            problem = Problem(self.ctx.source_file, f"record starting at line {done.start} "
                              f"has no title, DOI or ID{no_doi}", done.start,
                              hint="fill one in (TI, DO or AN), or delete the record if it "
                              "is not one")
        self.out.reject(problem, _raw(self.lines(), done.start, done.end))

    def date_line(self, done: _Done) -> tuple[int, str]:
        """The line and text of the first date field of a record (one that gave no year)."""
        lines = self.lines()
        for number in range(done.start, min(done.end, len(lines)) + 1):
            text = lines[number - 1].strip()
            if _DATE_LINE.match(text):
                return number, text
        return done.start, _first(done.fields, *_DATE_TAGS)

    def reject_open(self, end: int, message: str, hint: str) -> None:
        problem = self.problem or Problem(self.ctx.source_file, message, self.start, hint=hint)
        self.out.reject(problem, _raw(self.lines(), self.start, end))

    def flush_pending(self) -> None:
        if self.pending is not None:
            self.complete(self.pending)
            self.pending = None

    def flush(self) -> None:
        """Before a record, header line or number: the record before, then stray text."""
        self.flush_pending()
        if self.stray:
            self.out.reject(_stray_problem(self.ctx, self.lines(), self.stray),
                            _raw(self.lines(), self.stray[0], self.stray[-1]))
            self.stray.clear()

    def finish(self, last: int) -> Parsed:
        self.flush()
        out = self.out
        out.source = _dialect(out, self.ovid)
        if self.fields is not None:
            self.reject_open(last, f"record starting at line {self.start} never ends: no "
                             "'ER  -' line before the end of the file",
                             "the export may be truncated; export again")
        out.rejects.sort(key=lambda r: r.problem.line or 0)
        warnings = [_spelling_warning(self.ctx, seen) for seen in self.spellings.values()]
        warnings += [_as_text_warning(self.ctx, seen) for seen in self.as_text.values()]
        for warning in sorted(warnings, key=lambda w: w.line or 0):
            self.ctx.warn(warning)
        if self.no_year:
            self.ctx.warn(_no_year_warning(self.ctx, self.no_year))
        return out


def _spelling_warning(ctx: Context, seen: _Spelling) -> Problem:
    what = (f"a field of its own, '{seen.tag}' (kept with the record's original fields)"
            if len(seen.tag) > 2 else f"the tag '{seen.tag}'")
    more = (f"; so were {seen.count - 1} more line(s) spelt this way, to line {seen.last}"
            if seen.count > 1 else "")
    return Problem(ctx.source_file, f"{seen.text!r} read as {what}{more}", seen.first,
                   hint=_HINT_TAG)


def _as_text_warning(ctx: Context, seen: _AsText) -> Problem:
    """Lines read as text that a person may have meant as tag lines, listed."""
    first, *more = seen.lines
    listed = ", ".join(map(str, more[:_LISTED_LINES]))
    if len(more) > _LISTED_LINES:
        listed += f" and {len(more) - _LISTED_LINES} more to line {more[-1]}"
    also = (f"; so {'was' if len(more) == 1 else 'were'} {len(more)} more "
            f"line{'' if len(more) == 1 else 's'}{' written this way' if seen.tag else ''}: "
            f"{listed}" if more else "")
    if not seen.tag:
        return Problem(ctx.source_file, f"{seen.text!r} follows '{seen.field}', a field of "
                       "one value: kept beside its value in the record's original fields"
                       f"{also}", first, hint=f"{_HINT_TAG}; if it is a tag line, spell it "
                       "so; if it belongs to another field, move it there")
    return Problem(ctx.source_file, f"{seen.text!r} is read as part of '{seen.field}', not "
                   f"as the tag '{seen.tag}'{also}", first,
                   hint=f"if it is a tag, write it '{seen.tag}  - {_cut(seen.value, 20)}'; if "
                   "it is text, nothing needs changing")


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else f"{text[:size - 1]}…"


def _no_year_warning(ctx: Context, no_year: list[tuple[int, str]]) -> Problem:
    (line, text), more = no_year[0], len(no_year) - 1
    others = (f"; so did {more} more record(s), to line {no_year[-1][0]}" if more else "")
    return Problem(ctx.source_file, f"{text[:60]!r} gives no year of publication (none, or "
                   f"more than one): the record's year is left empty{others}", line,
                   hint="the dates are kept with the record's original fields; write the "
                   "year in the PY field if it should count in year limits")


def _numbers_records(text: str) -> bool:
    """Whether the file's whole-number ``ID`` values run consecutively (at least three):
    the export numbers its records, whatever the numbers' size."""
    numbers = {int(value) for value in _NUMBER_ID.findall(text)}
    return len(numbers) >= 3 and max(numbers) - min(numbers) + 1 == len(numbers)


def _dialect(out: Parsed, ovid: bool) -> str:
    """Who wrote the file, as its first record shows: Ovid's numbering, else the host
    database (``DB``), the platform (``DP``), the export header, or Rayyan's ids."""
    if not out.records:
        return "Ovid" if ovid else ""
    first = out.records[0].original_fields()
    host = (first.get("DB") or first.get("DP") or first.get("_database")
            or first.get("_provider") or "")
    host = (host[0] if isinstance(host, list) else host).split("\n")[0].split("<")[0].strip()
    accession = str(first.get("AN", ""))
    if accession.startswith("rayyan-"):
        host = "Rayyan"
    elif accession.startswith("WOS:"):
        host = host or "Web of Science"
    return f"Ovid {host}".strip() if ovid else host


def _normalise_newlines(text: str) -> str:
    """LF line ends, stray BOMs dropped: lines as an editor numbers them (``splitlines``
    would also split on form feeds and U+2028 and shift every later line number)."""
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _iter_lines(text: str, chunk: int = 1 << 20) -> Iterator[str]:
    """``text.split("\n")`` a megabyte at a time: as fast, without a list of every line
    of a 100,000-record export held at once."""
    start = 0
    while True:
        end = text.find("\n", start + chunk)
        if end < 0:
            yield from text[start:].split("\n")
            return
        yield from text[start:end].split("\n")
        start = end + 1


def _raw(lines: list[str], first: int, last: int) -> str:
    return "\n".join(lines[first - 1:last]).rstrip("\n")


def _continue(fields: Fields, tag: str, line: str) -> None:
    """More of the field above: another item of a list or one-value field (the value is
    kept whole), more text of a free-text one."""
    values = fields[tag]
    if tag in _LIST_TAGS or tag in _ONE_VALUE or not values[-1]:
        values.append(line.strip())
    else:
        values[-1] = f"{values[-1]}\n{line.strip()}"


def _stray_problem(ctx: Context, lines: list[str], numbers: list[int]) -> Problem:
    first, count = numbers[0], len(numbers)
    text = lines[first - 1].rstrip()
    match = _TAG.match(text)
    what = f"'{match.group(1)}' tag line" if match else f"text {text[:40]!r}"
    if count > 1:
        what += f" and {count - 1} more line(s) to line {numbers[-1]}"
    return Problem(ctx.source_file, f"{what} outside any record: a record starts with "
                   "'TY  - ' and ends with 'ER  -'", first,
                   hint=f"{_HINT_TAG}; is this really an RIS file?")


def _first(fields: Fields, *tags: str) -> str:
    for tag in tags:
        for value in fields.get(tag, ()):
            if value:
                return value
    return ""


def _all(fields: Fields, *tags: str) -> list[str]:
    return [v for tag in tags for v in fields.get(tag, ()) if v]


def _doi(fields: Fields) -> str:
    """``DO``, else a resolver URL in ``UR``/``L1``/``L2``, else a DOI in ``M3``/``N1``.

    Only resolver URLs count: a publisher link may carry another, URL-encoded DOI.
    """
    doi = _first(fields, "DO")
    if doi:
        return doi
    for url in _all(fields, "UR", "L2", "L1"):
        if "doi.org/" in url:
            return url
    return next((v for v in _all(fields, "M3", "N1") if normalise_doi(v)), "")


def _source_id(fields: Fields, numbered_ids: bool) -> str:
    """The accession id (the rule is in the module docstring)."""
    found = _first(fields, "AN") or _id_accession(_first(fields, "ID"), numbered_ids)
    if found:
        return found
    embase = _first(fields, "U2")
    if _EMBASE_ID.fullmatch(embase):
        return embase
    urls = _all(fields, "UR", "L2", "L1")
    for pattern in (_SCOPUS_EID, _URL_ACCESSION):
        match = next((m for m in map(pattern.search, urls) if m), None)
        if match:
            return unquote(match.group(1))
    return ""


def _id_accession(value: str, numbered_ids: bool) -> str:
    """``ID`` when it is an accession, not a number or key that only the exporting tool
    knows the record by; else ``""``."""
    value = value.strip()
    if value.isdigit() and (numbered_ids or int(value) < _SMALLEST_NUMBER_ACCESSION):
        return ""
    return "" if citation_key(value) else value


def _raw_fields(fields: Fields, numbered_ids: bool = False) -> dict[str, str | list[str]]:
    """The record's fields under :class:`Record` names, as the export has them."""
    authors = _all(fields, "AU", "A1") or _all(fields, "A2", "A3", "A4")
    keywords = _all(fields, "KW")
    subjects = _all(fields, "DE", "MH") + (keywords if "DB" in fields else [])
    return {
        "source_id": _source_id(fields, numbered_ids),
        "type": RIS_TYPES.get(_first(fields, "TY").upper(), "other"),
        "title": _first(fields, "TI", "T1", "CT", "BT", "ST"),
        "authors": authors,
        "year": _year(fields),
        "journal": _first(fields, "JF", "JO", "T2", "JA", "J2", "SO"),
        "volume": _first(fields, "VL"),
        "issue": _first(fields, "IS"),
        "pages": pages(_first(fields, "SP"), _first(fields, "EP")),
        "doi": _doi(fields),
        "abstract": _first(fields, "AB", "N2"),
        "keywords": keywords,
        "subjects": subjects,
        "language": _first(fields, "LA"),
        "url": _first(fields, "UR", "L2", "L1"),
    }


def _year(fields: Fields) -> str:
    """The first of ``PY``/``Y1``/``DA`` holding a plausible year (``"2006///"`` works),
    else the year of the one 8-digit date in them (``"Start date: 20170812"``)."""
    values = _all(fields, *_DATE_TAGS)
    for value in values:
        year = normalise_year(value)
        if year:
            return year
    years = {year for value in values for year in _DATE8.findall(value)}
    return years.pop() if len(years) == 1 else ""
