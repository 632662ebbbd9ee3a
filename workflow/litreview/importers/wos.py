"""Web of Science plain text ("Other file formats" → Plain text, ``savedrecs.txt``).

A header (``FN …``, ``VR 1.0``), then records from ``PT`` to ``ER``, then ``EF``. A line
is a two-character tag, a space and a value; a line indented three spaces continues the
tag above: another item for the one-per-line tags (authors, addresses, cited
references), more text for the others (a wrapped title or keyword list).

Fields: ``UT`` → source_id, ``TI``, ``AF`` (else ``AU``) and ``CA`` → authors, ``SO``,
``PY`` (else ``EA``, ``PD``), ``VL``, ``IS``, ``BP``-``EP`` (else ``AR``), ``DI`` (else
``D2``), ``AB``, ``DE`` and ``ID`` (Keywords Plus) → keywords, ``LA``, ``DT`` (else
``PT``) → type. Web of Science has no thesaurus, so subjects stay empty; its categories
(``WC``, ``SC``) are kept with the original fields.
"""

from __future__ import annotations

import re

from litreview.core.errors import Problem
from litreview.core.records import Record
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed
from litreview.importers.doctypes import type_from_name
from litreview.importers.fields import pages

_TAG = re.compile(r"([A-Z][A-Z0-9])(?: (.*))?")
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "CR", "C1", "C3"})
_PT_TYPES = {"J": "article", "B": "book", "S": "book", "C": "conference"}
_HEADER_TAGS = frozenset({"FN", "VR", "EF"})
_HINT = "Web of Science lines look like 'TI A title': two-character tag, one space, the value"

Fields = dict[str, list[str]]


def read_wos(text: str, ctx: Context) -> Parsed:
    """Parse Web of Science plain text into records and located rejects."""
    lines = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = Parsed(source="Web of Science")
    fields: Fields | None = None
    start = 0
    last = ""
    broken: Problem | None = None  # the first bad line of the current record
    stray: list[int] = []

    for number, line in enumerate(lines, start=1):
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("   ") or line.startswith("\t"):
            if fields is not None and last:
                _continue(fields, last, line.strip())
            elif fields is None:
                stray.append(number)
            continue
        match = _TAG.fullmatch(line)
        tag, value = (match.group(1), (match.group(2) or "").strip()) if match else ("", "")
        if fields is None:
            if tag == "PT":
                _flush_stray(ctx, lines, stray, out)
                fields, start, last = {"PT": [value]}, number, "PT"
            elif tag not in _HEADER_TAGS:
                stray.append(number)
            continue
        if tag == "ER":
            if broken is None:
                out.records.append(_record(ctx, out.blocks + 1, start, fields))
            else:
                out.reject(broken, _raw(lines, start, number))
            fields, last, broken = None, "", None
        elif tag == "PT" or tag == "EF":
            out.reject(Problem(ctx.source_file, f"record starting at line {start} has no 'ER' "
                               f"before line {number}", start, hint="end every record with "
                               "an 'ER' line"), _raw(lines, start, number - 1))
            fields, start, last = ({"PT": [value]}, number, "PT") if tag == "PT" else (None, 0, "")
            broken = None
        elif tag:
            fields.setdefault(tag, []).append(value)
            last = tag
        elif broken is None:
            broken = Problem(ctx.source_file, f"text {line.strip()[:40]!r} in the record starting "
                             f"at line {start} is neither a tag line nor an indented "
                             "continuation", number, hint=_HINT)
    _flush_stray(ctx, lines, stray, out)
    if fields is not None:
        out.reject(Problem(ctx.source_file, f"record starting at line {start} never ends: no "
                           "'ER' line before the end of the file", start,
                           hint="the export may be truncated; export again"),
                   _raw(lines, start, len(lines)))
    out.rejects.sort(key=lambda r: r.problem.line or 0)
    return out


def _flush_stray(ctx: Context, lines: list[str], stray: list[int], out: Parsed) -> None:
    """Consecutive lines outside any record, if any: one located reject."""
    if stray:
        text = lines[stray[0] - 1].strip()
        more = f" and {len(stray) - 1} more line(s)" if len(stray) > 1 else ""
        out.reject(Problem(ctx.source_file, f"text {text[:40]!r}{more} outside any record: "
                           "a record starts with 'PT' and ends with 'ER'", stray[0],
                           hint=_HINT), _raw(lines, stray[0], stray[-1]))
        stray.clear()


def _raw(lines: list[str], first: int, end: int) -> str:
    return "\n".join(lines[first - 1:end]).rstrip("\n")


def _continue(fields: Fields, tag: str, text: str) -> None:
    values = fields[tag]
    if tag in _LIST_TAGS:
        values.append(text)
    else:
        values[-1] = f"{values[-1]}\n{text}"


def _first(fields: Fields, *tags: str) -> str:
    return next((v for tag in tags for v in fields.get(tag, ()) if v), "")


def _all(fields: Fields, *tags: str) -> list[str]:
    return [v for tag in tags for v in fields.get(tag, ()) if v]


def _record(ctx: Context, position: int, line: int, fields: Fields) -> Record:
    kind = type_from_name(_first(fields, "DT"))
    if kind == "other":
        kind = _PT_TYPES.get(_first(fields, "PT").upper(), "other")
    raw = {
        "source_id": _first(fields, "UT"),
        "type": kind,
        "title": _first(fields, "TI"),
        "authors": (_all(fields, "AF") or _all(fields, "AU")) + _all(fields, "CA"),
        "year": _first(fields, "PY", "EA", "PD"),
        "journal": _first(fields, "SO", "SE", "BS"),
        "volume": _first(fields, "VL"),
        "issue": _first(fields, "IS"),
        "pages": pages(_first(fields, "BP"), _first(fields, "EP")) or _first(fields, "AR"),
        "doi": _first(fields, "DI", "D2"),
        "abstract": _first(fields, "AB"),
        "keywords": [term for value in _all(fields, "DE", "ID") for term in value.split(";")],
        "subjects": (),
        "language": "; ".join(_all(fields, "LA")),
        "url": "",
    }
    return build_record(ctx, position, line, raw, fields)
