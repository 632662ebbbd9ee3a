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
* the record's fields are read from its tags as :mod:`litreview.importers.ris_fields`
  says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import rispy

from litreview.core.errors import Problem
from litreview.core.records import normalise_doi
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed
from litreview.importers.ris_fields import (
    DATE_TAGS,
    Fields,
    dialect,
    first,
    numbers_records,
    raw_fields,
)
from litreview.importers.ris_spellings import HINT_TAG, ONE_VALUE, Spellings

_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: |$)")
_OVID_NUMBER = re.compile(r"(\d+)\.?")
_LIST_TAGS = frozenset(rispy.LIST_TYPE_TAGS) | {"DE", "MH"}
_DATE_LINE = re.compile(r"(?:PY|Y1|DA)\s*[-:]\s*\S", re.IGNORECASE)
_HEADER = re.compile(r"(provider|database|content|search|query|date)\s*:\s*(.*)",
                     re.IGNORECASE)
_RECORD_OF = re.compile(r"record\s*#\s*(\d+\s+of\s+\d+)", re.IGNORECASE)

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
        self.spelt = Spellings(ctx)  # how the file spells its tag lines
        self.numbered_ids = numbers_records(source)  # IDs run 1, 2, 3…: no accessions
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
        misspelt = self.spelt.misspelt(number, line, self.fields is None, self.last_tag)
        if isinstance(misspelt, Problem):  # a tag RIS does not have: the record fails
            if self.problem is None:
                self.problem = misspelt
            misspelt = None
        if misspelt is not None:
            self.tag(number, *misspelt)
        elif self.fields is not None:
            if self.last_tag in ONE_VALUE:  # no export wraps such a field: said
                self.spelt.said(number, "", line, "", "", self.last_tag)
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
            raw = raw_fields(done.fields, self.numbered_ids)
            doi = str(raw["doi"])
            if (raw["title"] or normalise_doi(doi) or raw["source_id"]
                    or first(done.fields, "ID")):
                if not raw["year"] and first(done.fields, *DATE_TAGS):
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
        return done.start, first(done.fields, *DATE_TAGS)

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
        out.source = dialect(out, self.ovid)
        if self.fields is not None:
            self.reject_open(last, f"record starting at line {self.start} never ends: no "
                             "'ER  -' line before the end of the file",
                             "the export may be truncated; export again")
        out.rejects.sort(key=lambda r: r.problem.line or 0)
        for warning in self.spelt.warnings():
            self.ctx.warn(warning)
        if self.no_year:
            self.ctx.warn(_no_year_warning(self.ctx, self.no_year))
        return out


def _no_year_warning(ctx: Context, no_year: list[tuple[int, str]]) -> Problem:
    (line, text), more = no_year[0], len(no_year) - 1
    others = (f"; so did {more} more record(s), to line {no_year[-1][0]}" if more else "")
    return Problem(ctx.source_file, f"{text[:60]!r} gives no year of publication (none, or "
                   f"more than one): the record's year is left empty{others}", line,
                   hint="the dates are kept with the record's original fields; write the "
                   "year in the PY field if it should count in year limits")


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
    if tag in _LIST_TAGS or tag in ONE_VALUE or not values[-1]:
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
                   hint=f"{HINT_TAG}; is this really an RIS file?")
