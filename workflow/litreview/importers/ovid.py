"""Ovid's own tagged export: what Ovid writes for "Direct Export", Citavi, Reference
Manager and EndNote (``.ovd``, ``.cgi``, ``.txt``), for every database it hosts (Embase,
MEDLINE, APA PsycInfo, ERIC, BIOSIS, Journals@Ovid, ...).

Each record opens with its number in brackets (``<3001. >``, or ``<12>`` in alerts), then
``TAG - value`` lines with the tag padded to four characters (``VN  - Ovid Technologies``,
``DB  - Embase``, ``UI  - 621381829``). It is not RIS: no ``TY``/``ER``, Ovid's own labels.

Conventions (what real exports do):

* a line indented six spaces continues its field; so does an unindented line that is no
  tag (the EndNote flavour breaks a structured abstract into unindented paragraphs), and
  a blank line inside a record (Ovid separates sub-values with one) is kept out;
* a record whose number line is missing starts at a second ``VN`` line;
* a tag line spaced otherwise (``TI - x``, ``TI  -x``) is read as that tag, with a warning;
  text before any tag of a record, or a record with no accession number and no title, is
  a located error; text before the first record (a search history) is left out with a
  warning naming its lines;
* fields: ``UI`` (else ``AN``, Ovid's label prefix and final stop removed) → source_id;
  ``TI`` (Ovid's ``[Article]``-type suffix removed); ``FA`` (else ``AU``, bracketed notes
  and affiliation marks removed) → authors; ``YR``/``PY``/``DP``/``PD`` → year; ``JN`` →
  journal; ``VO``/``VI``, ``IP``, ``PG``; ``DO``/``DI`` → doi; ``AB``; ``KW``, ``ID`` →
  keywords; ``MH``, ``DE`` → subjects (the heading alone: ``*asthma/dt [Drug Therapy]`` →
  ``asthma``); ``LG`` → language; ``PT``/``DT``/``ST`` → type; the first ``XL`` → url;
* ``SO`` fills what the dedicated tags leave empty: journal, volume, issue, pages and
  year, in Embase's (``Journal. 12 (3) (pp 1-9), 2018.``), MEDLINE's and BIOSIS's
  (``Journal. 12(3):1-9, 2018``), PsycInfo's (``Journal. Vol.12(3), 2018, pp. 1-9.``) and
  Journals@Ovid's (``Journal March 2018;12(3):1-9``) shapes; an Embase conference
  abstract's ``. Conference: …`` stays in ``SO``, not in the journal;
* a file whose last record lacks the tag that ends every record of its database before it
  (two or more: Ovid writes a database's fields in one order), or that ends mid-line
  before that tag, was cut short: its last record is a located error, as a RIS record
  without ``ER`` is;
* every field is kept in the record's original fields, with the number as ``_number``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from litreview.core.errors import Problem
from litreview.core.records import Record
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed
from litreview.importers.doctypes import type_from_name
from litreview.importers.fields import pages

_MARK = re.compile(r"<\s*(\d+)\s*\.?\s*>")
_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3})( *)-(?: |$)(.*)")
_LOOSE_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3})( {1,4})-(\S.*)")
_HINT = "Ovid lines look like 'TI  - A title' (tag padded to four characters, '- ')"
_CUT_HINT = "the export may be truncated; export the records again"
_TITLE_LABEL = re.compile(r"\s*\[(?:Article|Report|Miscellaneous|References)\]\s*\.?\s*$")
_AUTHOR_NOTE = re.compile(r"\s*\[[^\]]*\]\s*$|[\s\d,+*]+$")
_ACCESSION_LABEL = re.compile(r"^[^:]*:\s+")
_QUALIFIER = re.compile(r"/\*?[a-z]{2}(?: \[[^\]]*\])?$")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")

#: ``SO`` shapes, most distinctive first; each names what it holds.
_SOURCES = (
    re.compile(r"(?P<journal>.+?)\.\s+(?:(?P<volume>[^\s()]*\d[^\s()]*)\s*)?"  # Embase
               r"(?:\((?P<issue>[^)]*)\)\s*)?\((?:pp\s*(?P<pages>[^)]*)|no pagination)\)"
               r",\s*(?P<year>\d{4})"),
    re.compile(r"(?P<journal>.+?)\.\s+Vol\.?\s*(?P<volume>[^(),]+)"  # PsycInfo
               r"(?:\((?P<issue>[^)]*)\))?,(?:[^,]*?(?P<year>\d{4}))?"
               r"(?:.*?pp\.\s*(?P<pages>[\w-]+))?"),
    re.compile(r"(?P<journal>.+?)\.\s+(?P<volume>[^():,.]*\d[^():,.]*?)?"  # MEDLINE, BIOSIS
               r"(?:\((?P<issue>[^)]*)\))?:(?P<pages>[^,\s]+),.*?(?P<year>\d{4})"),
    re.compile(r"(?P<journal>.+?)\s+(?:[A-Z][a-z]+(?:/[A-Z][a-z]+)?\s+)?(?:\d{1,2},?\s+)?"
               r"(?P<year>\d{4});(?P<volume>[^(:]+)?(?:\((?P<issue>[^)]*)\))?"
               r":(?P<pages>\S+)"),  # Journals@Ovid
)

Fields = dict[str, list[str]]


@dataclass(slots=True)
class _Block:
    """One record's lines as read: its number, first line and fields."""

    number: str
    start: int
    end: int = 0
    fields: Fields = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    last: str = ""  # the tag a continuation line belongs to
    problem: Problem | None = None


def read_ovid(text: str, ctx: Context) -> Parsed:
    """Parse Ovid tagged text into records and located rejects."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    out = Parsed(source="Ovid")
    blocks = list(_blocks(text.split("\n"), ctx))
    ends_mid_line = not text.rstrip(" \t").endswith("\n")
    cut = _cut_short(blocks, ends_mid_line) if blocks else ""
    if cut:
        last = blocks[-1]  # the cut explains whatever else is wrong with it
        last.problem = Problem(ctx.source_file, f"record starting at line {last.start} is "
                               f"cut short: {cut}", last.end, hint=_CUT_HINT)
    for block in blocks:
        if not block.problem and not _first(block.fields, "UI", "AN", "TI"):
            block.problem = Problem(
                ctx.source_file, f"record starting at line {block.start} has no accession "
                "number (UI, AN) and no title (TI)", block.start,
                hint="is this really an Ovid export?")
        if block.problem:
            out.reject(block.problem, "\n".join(block.lines).strip("\n"))
        else:
            out.records.append(_record(ctx, out.blocks + 1, block))
    host = next((_first(b.fields, "DB") for b in blocks if not b.problem), "")
    out.source = f"Ovid {host}".strip()
    return out


def _blocks(lines: list[str], ctx: Context) -> Iterator[_Block]:
    """Records in file order; the lines before the first one are warned about."""
    block: _Block | None = None
    preamble: list[int] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip()
        mark = _MARK.fullmatch(line.strip())
        tag = None if mark or line[:1].isspace() else _tag(ctx, number, line)
        if mark or (tag and tag[0] == "VN" and block and "VN" in block.fields):
            if block:
                yield block
            block = _Block(mark.group(1) if mark else "", number)
            if mark:
                block.lines.append(line)
                block.end = number
                continue
        if block is None:
            if tag is None and line:
                preamble.append(number)
                continue
            if not line:
                continue
            block = _Block("", number)
        _add(ctx, block, number, line, tag)
    if preamble:
        ctx.warn(Problem(ctx.source_file, f"lines {preamble[0]}-{preamble[-1]} before the "
                         "first record are no record (a search history?) and were left out",
                         preamble[0], hint="each Ovid record starts with a line like '<1. >'"))
    if block:
        yield block


def _tag(ctx: Context, number: int, line: str) -> tuple[str, str] | None:
    """``(tag, value)`` of a tag line, a wrongly spaced one with a warning; else None."""
    match = _TAG.fullmatch(line)
    if match and len(match.group(1) + match.group(2)) == 4:
        return match.group(1), match.group(3)
    match = (match if match and match.group(2) else None) or _LOOSE_TAG.fullmatch(line)
    if not match:
        return None  # "T1- and T2-weighted": prose, not a tag
    ctx.warn(Problem(ctx.source_file, f"{line[:20]!r} read as the tag '{match.group(1)}'",
                     number, hint=_HINT))
    return match.group(1), match.group(3)


def _add(ctx: Context, block: _Block, number: int, line: str,
         tag: tuple[str, str] | None) -> None:
    """One line into its record: a field, a continuation, or the record's problem."""
    block.lines.append(line)
    if line:
        block.end = number
    if tag:
        block.last = tag[0]
        block.fields.setdefault(tag[0], []).append(tag[1].strip())
    elif not line:
        return
    elif block.last:
        values = block.fields[block.last]
        values[-1] = f"{values[-1]}\n{line.strip()}".strip("\n")
    elif block.problem is None:
        block.problem = Problem(ctx.source_file, f"text {line.strip()[:40]!r} before any tag "
                                f"in the record starting at line {block.start}", number,
                                hint=_HINT)


def _cut_short(blocks: list[_Block], ends_mid_line: bool) -> str:
    """Why the last record was cut, or "" (see the module docstring); the export options
    (links, copyright) apply to every record, so the tag that ends them is no option."""
    last = blocks[-1]
    host = _first(last.fields, "DB")
    before = [b for b in blocks[:-1]
              if b.problem is None and (not host or _first(b.fields, "DB") == host)]
    ends = {b.last for b in before}
    final = ends.pop() if len(before) >= 2 and len(ends) == 1 else ""
    if final and last.last == final:
        return ""  # it reached the field that ends every record: at worst that line is cut
    if ends_mid_line:
        return f"the file ends mid-line, at line {last.end}"
    if final:
        return f"it has no '{final}' line, which ends every record before it"
    return ""


def _first(fields: Fields, *tags: str) -> str:
    return next((v for tag in tags for v in fields.get(tag, ()) if v), "")


def _items(fields: Fields, *tags: str) -> list[str]:
    """Every value of ``tags``, a value's continuation lines as items of their own."""
    return [item.strip() for tag in tags for value in fields.get(tag, ())
            for item in value.split("\n") if item.strip()]


def _record(ctx: Context, position: int, block: _Block) -> Record:
    fields = block.fields
    source = _source_parts(_first(fields, "SO"))
    raw = {
        "source_id": _ACCESSION_LABEL.sub("", _first(fields, "UI", "AN")).rstrip(". "),
        "type": _type(fields),
        "title": _TITLE_LABEL.sub("", _first(fields, "TI")),
        "authors": [_author(a) for a in _items(fields, "FA") or _items(fields, "AU")],
        "year": _first(fields, "YR", "PY", "DP", "PD") or source.get("year", ""),
        "journal": _first(fields, "JN") or source.get("journal", "") or _first(fields, "JA"),
        "volume": _first(fields, "VO", "VI") or source.get("volume", ""),
        "issue": _first(fields, "IP") or source.get("issue", ""),
        "pages": pages(_first(fields, "PG") or source.get("pages", "")),
        "doi": next((v for v in _items(fields, "DO", "DI") if "10." in v), ""),
        "abstract": _first(fields, "AB"),
        "keywords": _items(fields, "KW") + _comma_terms(_items(fields, "ID")),
        "subjects": [_heading(v) for v in _items(fields, "MH", "DE")],
        "language": "; ".join(v.rstrip(". ") for v in _items(fields, "LG")),
        "url": _first(fields, "XL"),
    }
    original: dict[str, str | list[str]] = {**fields}
    if block.number:
        original["_number"] = block.number
    return build_record(ctx, position, block.start, raw, original)


def _type(fields: Fields) -> str:
    kinds = (type_from_name(v) for v in _items(fields, "PT", "DT", "ST"))
    return next((k for k in kinds if k != "other"), "other")


def _author(name: str) -> str:
    """``Werner, S. M. [Author; E-mail: …]`` and ``He, Zhimin 1,2,*`` → the name alone."""
    return _AUTHOR_NOTE.sub("", name).strip() or name


def _heading(value: str) -> str:
    """``*asthma/dt [Drug Therapy]`` → ``asthma``: the heading a strategy searches."""
    return _QUALIFIER.sub("", value).lstrip("*").strip()


def _comma_terms(values: list[str]) -> list[str]:
    """PsycInfo's ``ID`` holds one comma-separated list of keywords."""
    return [t.strip() for v in values for t in v.split(";" if ";" in v else ",") if t.strip()]


def _source_parts(value: str) -> dict[str, str]:
    """Journal, volume, issue, pages and year from an ``SO`` line, as far as its shape
    is known; ``{}`` for a shape that is not (the line stays in the original fields)."""
    text = " ".join(value.split())
    for shape in _SOURCES:
        match = shape.match(text)
        if match:
            parts = {k: v.strip() for k, v in match.groupdict().items() if v}
            parts["journal"] = parts["journal"].split(". Conference:")[0].strip()
            return parts
    year = _YEAR.findall(text)
    return {"year": year[-1]} if year else {}
