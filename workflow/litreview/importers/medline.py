"""PubMed/MEDLINE text (``.nbib``, "PubMed format"): blank-line separated records of
``TAG - value`` lines (tags padded to four characters), wrapped lines indented six spaces.

Fields: ``PMID`` → source_id (and a PubMed link as url), ``TI`` (``BTI`` for books),
``AB``, ``FAU`` (else ``AU``) and ``CN`` → authors, ``DP`` → year, ``JT`` (else ``TA``,
``BTI``) → journal, ``VI``, ``IP``, ``PG`` (``349-69`` expanded), the ``LID``/``AID``
marked ``[doi]``, ``MH`` → subjects (the heading alone: ``*Anesthesia/methods`` →
``Anesthesia``; the original keeps the qualifiers and major-topic stars), ``OT`` →
keywords, ``LA``, ``PT`` → type.

A file cut short is told, not read as complete: PubMed ends every journal record with
``SO`` (and every file with a line break), so a last record without ``SO`` after records
with one, or a file that ends mid-line outside ``SO``, makes the last record a located
error, as a RIS record without ``ER`` is. Book records (``BTI``) need no ``SO``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from litreview.core.errors import Problem
from litreview.core.records import Record
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed
from litreview.importers.doctypes import type_from_name
from litreview.importers.fields import pages

_TAG = re.compile(r"([A-Z][A-Z0-9]{0,3}) *- ?(.*)")
_CONTINUATION = re.compile(r"\s{2,}\S")
_HINT = "MEDLINE lines look like 'TI  - A title' (tag padded to four characters, '- ')"

Fields = dict[str, list[str]]


def read_medline(text: str, ctx: Context) -> Parsed:
    """Parse MEDLINE text into records and located rejects."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    out = Parsed(source="PubMed")
    blocks = list(_blocks(text.split("\n")))
    ends_mid_line = not text.rstrip(" \t").endswith("\n")
    for index, block in enumerate(blocks):
        cut = index == len(blocks) - 1 and _cut_short(blocks, ends_mid_line)
        if cut:
            out.reject(Problem(ctx.source_file, f"record starting at line {block[0][0]} is cut "
                               f"short: {cut}", block[-1][0],
                               hint="the export may be truncated; export it again"),
                       "\n".join(line for _, line in block))
        else:
            _block(ctx, block, out)
    return out


def _blocks(lines: list[str]) -> Iterator[list[tuple[int, str]]]:
    """Each record's non-blank lines with their numbers: blank lines and ``PMID`` split."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip()
        if block and (not line or line.startswith("PMID-")):
            yield block
            block = []
        if line:
            block.append((number, line))
    if block:
        yield block


def _cut_short(blocks: list[list[tuple[int, str]]], ends_mid_line: bool) -> str:
    """Why the last record was cut short, or "" (see the module docstring)."""
    last = blocks[-1]
    if _has(last, "SO  -"):
        return ""  # SO comes last: at worst the citation line is cut
    if ends_mid_line:
        return f"the file ends mid-line, at line {last[-1][0]}, before its 'SO' line"
    before = [block for block in blocks[:-1] if _has(block, "PMID-")]
    if before and not _has(last, "BTI -") and all(_has(block, "SO  -") for block in before):
        return "it has no 'SO' line, which ends every record before it"
    return ""


def _has(block: list[tuple[int, str]], prefix: str) -> bool:
    return any(line.startswith(prefix) for _, line in block)


def _block(ctx: Context, block: list[tuple[int, str]], out: Parsed) -> None:
    """One record from its lines, or a reject saying which line does not fit."""
    start = block[0][0]
    raw = "\n".join(line for _, line in block)
    fields: Fields = {}
    last = ""
    for number, line in block:
        match = _TAG.fullmatch(line)
        if match and not line[0].isspace():
            last = match.group(1)
            fields.setdefault(last, []).append(match.group(2).strip())
        elif last and _CONTINUATION.match(line):
            fields[last][-1] = f"{fields[last][-1]}\n{line.strip()}"
        else:
            where = "before any tag" if not last else "that is neither a tag line nor indented"
            out.reject(Problem(ctx.source_file, f"text {line.strip()[:40]!r} {where} in the "
                               f"record starting at line {start}", number, hint=_HINT), raw)
            return
    if not (_first(fields, "PMID") or _first(fields, "TI", "BTI")):
        out.reject(Problem(ctx.source_file, f"record starting at line {start} has no PMID and "
                           "no title", start, hint="is this really a PubMed/MEDLINE export?"),
                   raw)
        return
    out.records.append(_record(ctx, out.blocks + 1, start, fields))


def _first(fields: Fields, *tags: str) -> str:
    return next((v for tag in tags for v in fields.get(tag, ()) if v), "")


def _all(fields: Fields, *tags: str) -> list[str]:
    return [v for tag in tags for v in fields.get(tag, ()) if v]


def _heading(value: str) -> str:
    """``*Anesthesia/*methods`` → ``Anesthesia``: the MeSH heading a strategy searches."""
    return value.split("/", 1)[0].lstrip("*").strip()


def _type(fields: Fields) -> str:
    kinds = [type_from_name(v) for v in _all(fields, "PT")]
    kind = next((k for k in kinds if k != "other"), "other")
    if kind in ("other", "article") and "BTI" in fields:
        return "chapter" if "TI" in fields else "book"
    return kind


def _record(ctx: Context, position: int, line: int, fields: Fields) -> Record:
    pmid = _first(fields, "PMID")
    raw = {
        "source_id": pmid,
        "type": _type(fields),
        "title": _first(fields, "TI", "BTI"),
        "authors": (_all(fields, "FAU") or _all(fields, "AU")) + _all(fields, "CN"),
        "year": _first(fields, "DP", "DEP", "EDAT"),
        "journal": _first(fields, "JT", "TA") or (_first(fields, "BTI") if "TI" in fields
                                                   else ""),
        "volume": _first(fields, "VI"),
        "issue": _first(fields, "IP"),
        "pages": pages(_first(fields, "PG")),
        "doi": next((v for v in _all(fields, "LID", "AID") if v.endswith("[doi]")), ""),
        "abstract": _first(fields, "AB"),
        "keywords": _all(fields, "OT"),
        "subjects": [_heading(v) for v in _all(fields, "MH")],
        "language": "; ".join(_all(fields, "LA")),
        "url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid.isdigit() else "",
    }
    return build_record(ctx, position, line, raw, fields)
