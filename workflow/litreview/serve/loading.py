"""What the app reads of the workflow's results, and the first record it can show before
it has read them all.

A review of 50,000 records has a records file of over 100 MB: reading it takes seconds.
The app reads it in the background and shows, meanwhile, the first record of the stage's
``to_screen.csv`` (the workflow's sheet to screen from, in the workflow's order) that the
reviewer has not decided: its first lines are read at once.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from litreview.core import paths
from litreview.core.errors import InputError, Problem
from litreview.core.fileio import restore
from litreview.core.records import Record, read_records, split_list
from litreview.dedupe import read_groups


@dataclass(frozen=True, slots=True)
class Results:
    """The unique records and how the duplicates were grouped."""

    records: list[Record]
    by_id: dict[str, Record]
    aliases: dict[str, str]  # any member id of a group -> the group's record id
    database_of: dict[str, str]  # each imported record -> its source's name


def check_results(root: Path) -> None:
    """A clear error when the workflow has not run: the app screens what it wrote."""
    for path in (root / paths.UNIQUE, root / paths.GROUPS):
        if not path.is_file():
            raise InputError(Problem(str(path), "the workflow has not run yet",
                                     hint=f"run 'litreview run {root}' first: the app "
                                          "screens the unique records it writes"))


def read_results(root: Path) -> Results:
    """Every unique record and the duplicate groups (seconds on a large review)."""
    records = read_records(root / paths.UNIQUE)
    groups = read_groups(root / paths.GROUPS)
    aliases = {**groups.group_of, **{r.record_id: r.record_id for r in records}}
    return Results(records, {r.record_id: r for r in records}, aliases, groups.database_of)


def first_to_screen(root: Path, stage: str, decided: Collection[str]) -> Record | None:
    """The first record of the stage's ``to_screen.csv`` not in ``decided``, as far as
    the sheet tells it (no sheet, or none left: None)."""
    path = root / paths.stage_file(stage, paths.TO_SCREEN_CSV)
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        header: list[str] | None = None
        for row in rows:
            if header is None:  # the stopping estimate may stand above the header
                header = row if row[:1] == ["record_id"] else None
                continue
            cells = dict(zip(header, (restore(c) for c in row), strict=False))
            if cells.get("record_id") and cells["record_id"] not in decided:
                return _record(cells)
    return None


def files_state(*folders: Path) -> tuple:
    """The files of ``folders`` as they are now (name, time, size): changed when any is."""
    files = [p for folder in folders if folder.is_dir() for p in folder.iterdir()
             if p.is_file()]
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


def spelt_as_sheets(folder: Path, name: str) -> str:
    """``name`` as the sheets of ``folder`` already spell it: the workflow tells reviewers
    apart whatever the case, so "ae" must write AE's sheet, not a second one."""
    if not name or not folder.is_dir():
        return name
    for path in sorted(folder.iterdir()):
        _, _, who = path.stem.partition("-")
        if who.casefold() == name.casefold():
            return who
    return name


def _record(cells: dict[str, str]) -> Record:
    """A record from a row of ``to_screen.csv``: what the page shows of it."""
    return Record(cells["record_id"], "", "", 0, title=cells.get("title", ""),
                  abstract=cells.get("abstract", ""),
                  authors=split_list(cells.get("authors", "")), year=cells.get("year", ""),
                  journal=cells.get("journal", ""), doi=cells.get("doi", ""),
                  url=cells.get("url", ""), keywords=split_list(cells.get("keywords", "")),
                  subjects=split_list(cells.get("subjects", "")),
                  extra=(("sources", cells.get("sources", "")),))
