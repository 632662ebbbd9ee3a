"""A review directory under a temporary folder: ``review.yaml`` naming the generated
databases (the example's six keep their strategies, thesaurus, dates and limits), the
example's strategies and criteria copied, and each database's records written as many
export files in its native format."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

from scale_bench import REPO
from scale_bench.templates import Pools
from scale_bench.works import DATABASES, Database, Maker
from scale_bench.writers import CSV_HEADER, EXTENSIONS, TEXT_WRITERS, csv_row

#: Records per export file (databases cap an export: Scopus 2,000–20,000, PubMed 10,000).
FILE_RECORDS = 5_000
NEW_SEARCHED = "2024-01-15"


@dataclass(frozen=True)
class Built:
    """What was generated: the review, its records, files and bytes, per database."""

    review: Path
    records: int
    works: int
    files: int
    bytes: int
    per_database: tuple[tuple[str, int], ...]


def review_config(databases: tuple[Database, ...]) -> dict[str, Any]:
    """The example's review.yaml with the generated databases and no other sources."""
    example = yaml.safe_load((REPO / "review.yaml").read_text(encoding="utf-8"))
    known = {entry["name"]: entry for entry in example["databases"]}
    entries = []
    for database in databases:
        entry = dict(known.get(database.name, {"name": database.name, "host": database.host,
                                               "searched": NEW_SEARCHED}))
        entry["format"] = database.format
        entries.append(entry)
    return {"review": example["review"], "databases": entries,
            "screening": example["screening"]}


class _Exports:
    """Each database's export files, a new file every ``FILE_RECORDS`` records."""

    def __init__(self, review: Path):
        self.review = review
        self.open: dict[str, tuple[IO[str], Any, int]] = {}
        self.files = 0
        self.counts: dict[str, int] = {}

    def write(self, database: Database, copy: Any) -> None:
        count = self.counts.get(database.name, 0)
        if count % FILE_RECORDS == 0:
            self._rotate(database, count // FILE_RECORDS)
        handle, writer, _ = self.open[database.name]
        if writer is not None:
            writer.writerow(csv_row(copy))
        else:
            handle.write(TEXT_WRITERS[database.format](copy))
        self.counts[database.name] = count + 1

    def _rotate(self, database: Database, index: int) -> None:
        if database.name in self.open:
            self.open[database.name][0].close()
        folder = self.review / "data" / "exports" / database.slug
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{database.slug}_{index + 1:04d}.{EXTENSIONS[database.format]}"
        handle = path.open("w", encoding="utf-8", newline="")
        writer = csv.writer(handle) if database.format == "csv" else None
        if writer is not None:
            writer.writerow(CSV_HEADER)
        self.open[database.name] = (handle, writer, index)
        self.files += 1

    def close(self) -> None:
        for handle, _, _ in self.open.values():
            handle.close()


def build(review: Path, size: int, seed: int, pools: Pools,
          databases: tuple[Database, ...] = DATABASES) -> Built:
    """Write a review of ``size`` records into the new folder ``review``."""
    review.mkdir(parents=True)
    shutil.copytree(REPO / "search_strategies", review / "search_strategies")
    (review / "screening" / "decisions").mkdir(parents=True)
    shutil.copy(REPO / "screening" / "criteria.yaml", review / "screening" / "criteria.yaml")
    exports = _Exports(review)
    maker = Maker(pools, databases, seed)
    works = set()
    try:
        for copy in maker.copies(size):
            works.add(copy.record.source_position)
            exports.write(copy.database, copy)
    finally:
        exports.close()
    present = tuple(d for d in databases if exports.counts.get(d.name))
    (review / "review.yaml").write_text(yaml.safe_dump(review_config(present),
                                                       sort_keys=False, allow_unicode=True),
                                        encoding="utf-8")
    size_bytes = sum(p.stat().st_size for p in (review / "data").rglob("*") if p.is_file())
    return Built(review, size, len(works), exports.files, size_bytes,
                 tuple((d.name, exports.counts[d.name]) for d in present))
