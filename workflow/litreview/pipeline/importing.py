"""The import stage: every export file of one source read into records, in file order.

Files are read ``jobs`` at a time, each in a process of its own, and their records come
back file by file, so that ``litreview import`` writes them as they come and holds one
file's records at a time, not the source's: as Arrow tables made where the file was read
(:meth:`SourceReading.tables`) for a Parquet records file, as records for a CSV one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from litreview.core.columnar import load_arrow, pa_strings
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.records import Occurrences, Record
from litreview.core.records_parquet import records_table
from litreview.core.review import Source, search_date

if TYPE_CHECKING:
    from litreview.importers import Imported, Reject

T, R = TypeVar("T"), TypeVar("R")


@dataclass(frozen=True, slots=True)
class FileImport:
    """What one export file gave: its format, the tool it shows, records and rejects."""

    path: str
    format: str
    source: str
    records: int
    rejects: int


@dataclass(frozen=True, slots=True)
class SourceImport:
    """One source's records (final ids, file order), the blocks set aside as unreadable,
    what each file gave, and what was read but not quite as written."""

    records: tuple[Record, ...]
    rejects: tuple[Reject, ...]
    files: tuple[FileImport, ...]
    warnings: tuple[Problem, ...]


class SourceReading:
    """The files of one source being read: :meth:`records` (or :meth:`tables`) yields
    what they hold; the rejects, what each file gave and the warnings fill in as it goes."""

    def __init__(self, files: Sequence[str | Path], *, database: str, fmt: str = "auto",
                 searched: str = "", columns: Sequence[tuple[str, str]] = (),
                 set_aside: bool = False, names: Sequence[str] | None = None,
                 jobs: int = 1) -> None:
        self.named = list(zip(files, names or [str(f) for f in files], strict=True))
        self.options = {"database": database, "fmt": fmt, "columns": tuple(columns),
                        "searched": searched}
        self.set_aside, self.jobs = set_aside, jobs
        self.rejects: list[Reject] = []
        self.files: list[FileImport] = []
        self.warnings: list[Problem] = []
        self.count = 0

    def records(self) -> Iterator[Record]:
        """Every record, file after file, with final ids (an accession id met again in a
        later export gets ``~2``); then an :class:`InputError` naming every problem of every
        file, if there was one, so that a writer of them keeps nothing."""
        occurrences = Occurrences()
        for imported, _ in self._read(as_table=False):
            yield from occurrences.marked(imported.records)

    def tables(self) -> Iterator[Any]:
        """:meth:`records` as one Arrow table a file (:func:`records_table`), each made in
        the process that read the file: no record is handed between processes."""
        load_arrow()  # here, not again in each process that reads a file
        occurrences = Occurrences()
        for _, table in self._read(as_table=True):
            ids = table.column("record_id").to_pylist()
            marked = [occurrences.mark(record_id) for record_id in ids]
            if marked != ids:
                table = table.set_column(0, "record_id", pa_strings(marked))
            yield table

    def _read(self, as_table: bool) -> Iterator[tuple[Imported, Any]]:
        """Each file read, in order, once its bookkeeping is done; nothing more after a
        problem, and at the end every problem raised."""
        problems: list[Problem] = []
        read = partial(_import_one, **self.options, as_table=as_table)
        for (_, name), (imported, table, failed) in zip(
                self.named, _each(read, self.named, self.jobs), strict=True):
            problems += failed
            if imported is None:
                continue
            records = table.num_rows if as_table else len(imported.records)
            self.rejects += imported.rejects
            self.warnings += imported.warnings
            if not self.set_aside:  # every problem, in file order
                problems += [reject.problem for reject in imported.rejects]
            elif imported.rejects and not records:
                problems += nothing_read(name, imported.rejects)
            self.files.append(FileImport(name, imported.format, imported.source, records,
                                         len(imported.rejects)))
            self.count += records
            if not problems:  # after one, only the problems matter
                yield imported, table
        raise_if(problems)


def import_files(files: Sequence[str | Path], *, database: str, fmt: str = "auto",
                 searched: str = "", columns: Sequence[tuple[str, str]] = (),
                 set_aside: bool = False, names: Sequence[str] | None = None,
                 jobs: int = 1) -> SourceImport:
    """Import every export of one source. A file that is not an export fails the import,
    and so does any unreadable block unless ``set_aside``; a file whose every block is
    unreadable fails it even then. ``names`` are the files as records should name them
    (paths relative to the review); a date in a file's name wins over ``searched``.
    ``jobs`` files are read at once, each in a process of its own (0: one per core free
    to this process); the result is the same, in file order."""
    reading = SourceReading(files, database=database, fmt=fmt, searched=searched,
                            columns=columns, set_aside=set_aside, names=names, jobs=jobs)
    records = tuple(reading.records())
    return SourceImport(records, tuple(reading.rejects), tuple(reading.files),
                        tuple(reading.warnings))


def import_source(root: Path, source: Source) -> SourceImport:
    """One source of the review, as its ``import`` rule imports it."""
    return import_files([root / e for e in source.exports], names=source.exports,
                        database=source.name, fmt=source.format, searched=source.searched,
                        columns=source.columns, set_aside=source.rejects)


def nothing_read(file: str, rejects: Sequence[Reject]) -> list[Problem]:
    """A file of which every block was rejected: setting them aside would pass on a source
    with nothing from that file, which is a wrong format or a broken export, not a few
    damaged records; so it fails the import, as a file with no records at all does."""
    first = rejects[0].problem
    return [Problem(file, f"no record could be read from this file: all {len(rejects)} "
                    f"block(s) rejected, the first at line {first.line or 1}",
                    hint="check that it is the export it should be (and its --format); "
                    "the reasons follow"), *(reject.problem for reject in rejects)]


def _import_one(named: tuple[str | Path, str], *, database: str, fmt: str, searched: str,
                columns: tuple[tuple[str, str], ...],
                as_table: bool) -> tuple[Imported | None, Any, list[Problem]]:
    """One export file read, or the problems that stopped it (values, so that a process
    of a pool can hand them back); ``as_table``: its records as an Arrow table instead."""
    from litreview.importers import import_export

    file, name = named
    try:
        imported = import_export(file, database=database, fmt=fmt, columns=columns,
                                 searched=search_date(name, searched), display_path=name)
    except InputError as error:
        return None, None, list(error.problems)
    if not as_table:
        return imported, None, []
    return replace(imported, records=()), records_table(imported.records), []


def _each(read: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """``read`` of each item, in order: here, or in ``jobs`` processes when there is more
    than one item (0: one per core free to this process)."""
    jobs = min(jobs or len(os.sched_getaffinity(0)), len(items))
    if jobs <= 1:
        yield from map(read, items)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(read, items)
