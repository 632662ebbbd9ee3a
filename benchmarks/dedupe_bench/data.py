"""The labelled sets: records as the importers make them, and the true groups."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from litreview.core.records import Record
from litreview.importers import Context, build_record, type_from_name

from dedupe_bench import REPO

DATA = REPO.parent / "shared" / "realdata" / "dedup"
DATASETS = ("respiratory", "haematology", "stroke", "cytology_screening", "digital_work")

Groups = list[list[str]]


def record_from_row(row: dict[str, str], ctx: Context, position: int) -> Record:
    """A BibTeX-style CSV row as the importers would make it; ``ID`` is the record id."""
    raw = {
        "title": row.get("title") or "",
        "authors": row.get("author") or "",  # " and "-separated; split_authors splits it
        "year": row.get("year") or "",
        "journal": row.get("journal") or row.get("booktitle") or "",
        "volume": row.get("volume") or "",
        "issue": row.get("number") or "",
        "pages": row.get("pages") or "",
        "doi": row.get("doi") or "",
        "abstract": row.get("abstract") or "",
        "type": type_from_name(row.get("ENTRYTYPE")),
        "source_id": row.get("ID") or "",
    }
    return replace(build_record(ctx, position, position + 1, raw), record_id=row["ID"])


def load(name: str | Path) -> tuple[list[Record], Groups]:
    """A labelled set: a name under ``DATA`` or a folder in the same layout."""
    folder = DATA / name
    path = folder / "records_pre_merged.csv"
    ctx = Context(database=name, source_file=str(path))
    with open(path, newline="", encoding="utf-8") as handle:
        records = [record_from_row(row, ctx, n) for n, row in enumerate(csv.DictReader(handle))]
    with open(folder / "merged_record_ids.csv", newline="", encoding="utf-8") as handle:
        groups = [row["merged_ids"].split(";") for row in csv.DictReader(handle)]
    return records, groups


def found_groups(result: Any) -> Groups:
    """The groups of more than one record a deduplication found."""
    members: dict[str, list[str]] = defaultdict(list)
    for rid, group in result.groups.items():
        members[group].append(rid)
    return [g for g in members.values() if len(g) > 1]
