"""RIS reader that remembers where each record starts.

rispy has no line numbers, and a reviewer fixing a bad export needs them, so this is a
line-oriented state machine; rispy's tables still say which tags are multi-valued.

Conventions (what real exports do):

* blank lines between records are ignored; so are Ovid's ``1.`` lines before ``TY``,
  but the number and the trailer Ovid writes after each ``ER`` (``NL  -`` and a "Link to
  the Ovid Full Text" line) are kept in the record's original fields (``_number``,
  ``NL``, ``_trailer``): in a file whose records are numbered, anything between ``ER``
  and the next number belongs to the record before;
* a line without a ``XX  - `` tag continues the previous field: another item for
  multi-valued tags (Rayyan writes one keyword per line under a single ``KW``), more text
  for the others (wrapped abstracts);
* authors are ``AU`` and ``A1``; ``A2``-``A4`` (editors, or cited references in Ovid
  PsycINFO) are used only when a record has no ``AU``/``A1``;
* ``KW`` → keywords, always. ``DE`` and ``MH`` → subjects. ``KW`` → subjects as well
  when the record carries a ``DB`` tag: a host-database export (EBSCOhost, ProQuest,
  Ovid, Embase), whose ``KW`` are that database's thesaurus descriptors;
* the accession id is ``AN``, else ``ID``, else Embase's ``U2`` (``L123…``), else the
  Scopus EID inside the record URL (``eid=2-s2.0-…``): the ids the CSV exports of the
  same databases carry, so a record gets one ``record_id`` in either format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import rispy

from litreview.errors import Problem
from litreview.importers.common import RIS_TYPES, Context, Parsed, build_record, pages
from litreview.records import Record, normalise_doi, normalise_year

_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: |$)")
_OVID_NUMBER = re.compile(r"(\d+)\.?")
_LIST_TAGS = frozenset(rispy.LIST_TYPE_TAGS) | {"DE", "MH"}
_EMBASE_ID = re.compile(r"L\d{6,}")
_SCOPUS_EID = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
_HINT_TAG = "RIS tag lines look like 'TY  - JOUR': two letters, two spaces, '-', a space"

Fields = dict[str, list[str]]


def read_ris(text: str, ctx: Context) -> Parsed:
    """Parse RIS text into records and located rejects (malformed or unterminated blocks)."""
    text = _normalise_newlines(text)
    cache: list[str] = []

    def lines() -> list[str]:  # every line, split only when a reject needs its raw text
        if not cache:
            cache.extend(text.split("\n"))
        return cache

    out = Parsed()
    fields: Fields | None = None
    start = 0
    last_tag = ""
    stray: list[int] = []  # consecutive line numbers outside records: one reject
    ovid = False  # records are numbered: text between ER and the next number is a trailer
    ovid_number = ""  # the Ovid number of the record about to start
    pending: tuple[int, int, Fields] | None = None  # an Ovid record awaiting its trailer

    def flush_stray() -> None:
        if stray:
            out.reject(_stray_problem(ctx, lines(), stray), _raw(lines(), stray[0], stray[-1]))
            stray.clear()

    def flush_pending() -> None:
        nonlocal pending
        if pending is not None:
            position, line, done = pending
            out.records.append(_record(ctx, position, line, done))
            pending = None

    def reject_open(end: int, message: str, hint: str) -> None:
        out.reject(Problem(ctx.source_file, message, start, hint=hint),
                   _raw(lines(), start, end))

    match_tag = _TAG.match
    number = 0
    for number, line in enumerate(_iter_lines(text), start=1):
        line = line.rstrip()
        match = match_tag(line)
        if match is None:
            if fields is not None:
                if line and last_tag:
                    _continue(fields, last_tag, line)
                continue
            numbered = _OVID_NUMBER.fullmatch(line)
            if numbered:
                flush_pending()
                flush_stray()
                ovid, ovid_number = True, numbered.group(1)
            elif line:
                if pending is not None:
                    pending[2].setdefault("_trailer", []).append(line)
                else:
                    stray.append(number)
            continue
        tag, value = match.group(1), line[match.end():].strip()
        if fields is None:
            if tag != "TY":
                if pending is not None:
                    pending[2].setdefault(tag, []).append(value)
                    last_tag = ""
                else:
                    stray.append(number)
                continue
            flush_pending()
            flush_stray()
            fields, start, last_tag = {"TY": [value]}, number, "TY"
            if ovid_number:
                fields["_number"], ovid_number = [ovid_number], ""
        elif tag == "TY":
            reject_open(number - 1, f"record starting at line {start} has no 'ER  -' before "
                        f"the next 'TY' at line {number}", "end every record with an 'ER  -' line")
            fields, start, last_tag = {"TY": [value]}, number, "TY"
        elif tag == "ER":
            flush_pending()
            if ovid:  # the trailer after ER is still this record's
                pending = (out.blocks + 1, start, fields)
            else:
                out.records.append(_record(ctx, out.blocks + 1, start, fields))
            fields, last_tag = None, ""
        else:
            fields.setdefault(tag, []).append(value)
            last_tag = tag
    flush_pending()
    flush_stray()
    out.source = _dialect(out, ovid)
    if fields is not None:
        reject_open(number, f"record starting at line {start} never ends: no 'ER  -' line "
                    "before the end of the file", "the export may be truncated; export again")
    out.rejects.sort(key=lambda r: r.problem.line or 0)
    return out


def _dialect(out: Parsed, ovid: bool) -> str:
    """Who wrote the file, as its first record shows: Ovid's numbering, else the host
    database (``DB``), the platform (``DP``), or Rayyan's ids."""
    if not out.records:
        return "Ovid" if ovid else ""
    first = out.records[0].original_fields()
    host = first.get("DB") or first.get("DP") or ""
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
    values = fields[tag]
    if tag in _LIST_TAGS or not values[-1]:
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


def _source_id(fields: Fields) -> str:
    found = _first(fields, "AN", "ID")
    if found:
        return found
    embase = _first(fields, "U2")
    if _EMBASE_ID.fullmatch(embase):
        return embase
    for url in _all(fields, "UR", "L2", "L1"):
        match = _SCOPUS_EID.search(url)
        if match:
            return match.group(1)
    return ""


def _record(ctx: Context, position: int, line: int, fields: Fields) -> Record:
    authors = _all(fields, "AU", "A1") or _all(fields, "A2", "A3", "A4")
    keywords = _all(fields, "KW")
    subjects = _all(fields, "DE", "MH") + (keywords if "DB" in fields else [])
    raw = {
        "source_id": _source_id(fields),
        "type": RIS_TYPES.get(_first(fields, "TY").upper(), "other"),
        "title": _first(fields, "TI", "T1", "CT", "BT", "ST"),
        "authors": authors,
        "year": _year(fields),
        "journal": _first(fields, "JF", "JO", "T2", "JA", "J2"),
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
    return build_record(ctx, position, line, raw, fields)


def _year(fields: Fields) -> str:
    """The first of ``PY``/``Y1``/``DA`` holding a plausible year (``"2006///"`` works)."""
    for value in _all(fields, "PY", "Y1", "DA"):
        year = normalise_year(value)
        if year:
            return year
    return ""
