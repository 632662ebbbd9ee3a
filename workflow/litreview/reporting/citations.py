"""The report's "Citation searching": each record citation chasing found, with the included
study it came from and how (backward: a reference of it; forward: a work citing it), read
from the chase's record (``citations_<date>.search.json``, which ``litreview search
citations`` writes beside the pages it saved) and matched to the imported records by their
id in the service (the OpenAlex W-id, a Crossref DOI), else by file and title."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from litreview.core.errors import InputError, Problem
from litreview.core.records import Record


@dataclass(frozen=True, slots=True)
class CitationRow:
    """One record found by citation chasing, from one included study, one way."""

    record_id: str  # "" when no imported record matches
    title: str
    study: str  # the included study's record id
    direction: str  # backward or forward
    via: str  # OpenAlex references, Crossref reference list, OpenAlex citing works


@dataclass(frozen=True, slots=True)
class Chased:
    """What the report shows of citation chasing: the rows, and the studies not found."""

    rows: tuple[CitationRow, ...]
    not_found: tuple[tuple[str, str], ...]  # (study, why)
    studies: int  # the included studies chased


def read_chase(path: str | Path) -> dict[str, Any]:
    """A chase's record; a located error when it cannot be read."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InputError(Problem(str(path), f"the citation chase's record cannot be read "
                                 f"({error})", hint="restore it from the chase, or chase "
                                 "again")) from None
    if not isinstance(data, dict) or not isinstance(data.get("records", []), list):
        raise InputError(Problem(str(path), "not the record of a citation chase"))
    return data


def _key(text: str) -> str:
    return " ".join("".join(c for c in text.casefold() if c.isalnum() or c.isspace()).split())


def citation_rows(chases: Iterable[Mapping[str, Any]], records: Sequence[Record]) -> Chased:
    """Each record of each chase with the studies it came from (see the module docstring)."""
    by_id = {(Path(r.source_file).name, r.source_id.casefold()): r for r in records
             if r.source_id}
    by_title = {(Path(r.source_file).name, _key(r.title)): r for r in records if r.title}
    rows: list[CitationRow] = []
    not_found: list[tuple[str, str]] = []
    studies = 0
    for chase in chases:
        studies += len(chase.get("studies", []))
        not_found += [(str(s.get("record_id")), str(s.get("why_not_found") or ""))
                      for s in chase.get("studies", []) if not s.get("openalex_id")]
        for entry in chase.get("records", []):
            file, title = str(entry.get("file") or ""), str(entry.get("title") or "")
            record = by_id.get((file, str(entry.get("id") or "").casefold())) or \
                by_title.get((file, _key(title)))
            rows += [CitationRow(record.record_id if record else "",
                                 record.title if record else title, str(came.get("study")),
                                 str(came.get("direction")), str(came.get("via") or ""))
                     for came in entry.get("came_from", [])]
    rows.sort(key=lambda r: (r.study, r.direction, r.record_id or "~", r.title))
    return Chased(tuple(rows), tuple(not_found), studies)


def citations_section(heading: Callable[..., None], parts: list[str],
                      table: Callable[[Sequence[str], Sequence[Sequence[object]]], str],
                      chased: Chased) -> None:
    """The section: how many records came from how many studies, each with the study it
    came from; the studies not found in OpenAlex, with why."""
    heading(2, "Citation searching", "citation-searching")
    records = len({(r.record_id, r.title) for r in chased.rows})
    parts.append(f'<p class="muted">{records} record(s) found by chasing the citations of '
                 f"{chased.studies} included study(ies): backward, the works a study "
                 "references; forward, the works citing it. A record reached from several "
                 "studies is listed with each.</p>")
    parts.append(table(["record", "title", "came from (included study)", "direction", "via"],
                       [[r.record_id or "(not imported)", r.title, r.study, r.direction, r.via]
                        for r in chased.rows]))
    if chased.not_found:
        items = "".join(f"<li>{escape(study)}: {escape(why)}</li>"
                        for study, why in chased.not_found)
        parts.append(f"<p>Included studies not found in OpenAlex (not chased):</p><ul>{items}"
                     "</ul>")
