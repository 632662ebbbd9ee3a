"""Rayyan's export read as decisions: ``articles.csv`` (columns ``key, title, authors,
journal, issn, volume, issue, pages, year, …, notes, doi, keywords, pubmed_id, pmc_id``) or
its RIS, where each record's screening sits in its notes (``N1`` in RIS)::

    RAYYAN-INCLUSION: {"Alice"=>"Included", "Bob"=>"Excluded"} | RAYYAN-LABELS: RCT |
    RAYYAN-EXCLUSION-REASONS: wrong population,foreign language | USER-NOTES: {"Alice"=>["x"]}

One reviewer's decision is taken (``Included``, ``Excluded``, ``Maybe`` → include, exclude,
unsure); the exclusion reasons are the record's, as Rayyan exports them.
"""

from __future__ import annotations

import re
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.core.sheets import read_table
from litreview.screening.from_tools import ToolExport, ToolRow, is_ris, ris_field, ris_records

_SECTION = re.compile(r"(RAYYAN-INCLUSION|RAYYAN-LABELS|RAYYAN-EXCLUSION-REASONS|USER-NOTES)"
                      r"\s*:\s*", re.IGNORECASE)
_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_NOTES = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*\[(.*?)\]')
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_DECISIONS = {"included": "include", "excluded": "exclude", "maybe": "unsure"}
#: Rayyan's own key of a record (``rayyan-123456``): no id of the review.
_OWN_KEY = re.compile(r"rayyan-\d+", re.IGNORECASE)


def sections(notes: str) -> dict[str, str]:
    """The notes' ``KEY: value`` parts (separated by `` | ``), by upper-case key."""
    hits = list(_SECTION.finditer(notes))
    out = {}
    for hit, after in zip(hits, [*hits[1:], None], strict=True):
        end = after.start() if after else len(notes)
        out[hit.group(1).upper()] = notes[hit.end():end].strip().rstrip("|").strip()
    return out


def read_rayyan(path: str | Path, name: str) -> tuple[ToolExport, set[str]]:
    """The rows of a Rayyan export with the decisions of reviewer ``name`` (as Rayyan
    spells it, in any case), and every reviewer name the export holds."""
    path = Path(path)
    raw = _ris_rows(path) if is_ris(path) else _csv_rows(path)
    names: set[str] = set()
    rows = []
    for line, cells, ids in raw:
        notes = cells.get("notes", "")
        part = sections(notes)
        pairs = _PAIR.findall(part.get("RAYYAN-INCLUSION", ""))
        names |= {who for who, _ in pairs}
        decided = {who.casefold(): said for who, said in pairs}
        word = decided.get(name.casefold(), "")
        decision = _DECISIONS.get(word.strip().casefold(), "")
        if word and not decision:
            raise InputError(Problem(str(path), f"Rayyan decision '{word}' of {name} is not "
                                     "Included, Excluded or Maybe", line))
        reasons = tuple(r.strip().removeprefix("__EXR__").strip() for r in
                        part.get("RAYYAN-EXCLUSION-REASONS", "").split(",") if r.strip())
        rows.append(ToolRow(line, decision, ids, cells.get("doi", ""), cells.get("title", ""),
                            cells.get("year", ""), reasons if decision == "exclude" else (),
                            _note(part, name)))
    return ToolExport("Rayyan", str(path), tuple(rows)), names


def _note(part: dict[str, str], name: str) -> str:
    """The reviewer's own notes and the record's labels, as one note."""
    mine = [_QUOTED.findall(body) for who, body in _NOTES.findall(part.get("USER-NOTES", ""))
            if who.casefold() == name.casefold()]
    texts = [t.replace('\\"', '"').strip() for found in mine for t in found if t.strip()]
    labels = part.get("RAYYAN-LABELS", "")
    return "; ".join([*texts, *([f"Rayyan labels: {labels}"] if labels else [])])


def _csv_rows(path: Path) -> list[tuple[int, dict[str, str], tuple[str, ...]]]:
    table = read_table(path)
    table.require(("title", "notes"), hint="a Rayyan export has columns key, title, authors, "
                  "…, notes, doi; export with decisions, reasons, labels and notes")
    return [(row.line, row.cells, _ids(row.cells)) for row in table]


def _ids(cells: dict[str, str]) -> tuple[str, ...]:
    """What may name the record: the key the records came in with (not Rayyan's own),
    and the PubMed id."""
    key = cells.get("key", "")
    return tuple(v for v in (key if not _OWN_KEY.fullmatch(key) else "",
                             cells.get("pubmed_id", "")) if v)


def _ris_rows(path: Path) -> list[tuple[int, dict[str, str], tuple[str, ...]]]:
    rows = []
    for record in ris_records(path, "rayyan"):
        cells = {"title": record.title, "doi": record.doi, "year": record.year,
                 "notes": ris_field(record, "N1")}
        rows.append((record.source_line, cells, tuple(v for v in (record.source_id,) if v)))
    return rows
