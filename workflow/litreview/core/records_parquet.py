"""Records files in Parquet (:mod:`litreview.core.columnar`): records to and from Arrow
tables, the records of a few columns, a few fields of each record without making records,
and the originals given back to records read without them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields, replace
from itertools import repeat
from pathlib import Path
from typing import Any

from litreview.core.columnar import arrow_table, is_parquet, read_columns, write_table, write_tables
from litreview.core.fileio import atomic_open_binary
from litreview.core.records import (
    COLUMNS,
    EXTRA_COLUMNS,
    FIELD_NAMES,
    KNOWN_COLUMNS,
    LIST_FIELDS,
    PROVENANCE,
    Record,
    iter_records,
    read_records,
)

#: Each field's default: what a record read without that column holds.
_DEFAULTS = {f.name: f.default for f in fields(Record)}


def write_parquet(path: str | Path, records: Iterable[Record],
                  extra_columns: Sequence[str] = ()) -> None:
    """A Parquet records file, written atomically a row group at a time."""
    header = [*COLUMNS, *EXTRA_COLUMNS, *extra_columns]
    with atomic_open_binary(path) as handle:
        write_table(handle, header, _values(records, extra_columns))


def iter_parquet(path: str | Path, columns: Sequence[str] | None = None,
                 rows: Sequence[int] | None = None) -> Iterator[Record]:
    """The records of a Parquet records file, a row group at a time; with ``columns``, only
    those fields (and the record's id and provenance) are read, the others keep their
    defaults; with ``rows`` (ascending positions), only those records."""
    wanted = None if columns is None else {*PROVENANCE, *columns}
    for group in read_columns(path, COLUMNS, wanted, rows):
        yield from _from_columns(group)


def records_table(records: Iterable[Record]) -> Any:
    """Records as one Arrow table of a Parquet records file's columns (to hand from one
    process to another and write with :func:`write_record_tables`)."""
    return arrow_table([*COLUMNS, *EXTRA_COLUMNS], list(_values(records, ())))


def write_record_tables(path: str | Path, tables: Iterable[Any]) -> None:
    """Write a Parquet records file atomically from :func:`records_table` tables."""
    with atomic_open_binary(path) as handle:
        write_tables(handle, [*COLUMNS, *EXTRA_COLUMNS], tables)


def _values(records: Iterable[Record], extra_columns: Sequence[str]) -> Iterator[list[object]]:
    """Each record's values in the order of a records file's columns."""
    own = (*COLUMNS, *EXTRA_COLUMNS)
    for record in records:
        row: list[object] = [getattr(record, name) for name in own]
        if extra_columns:
            extra = dict(record.extra)
            row += [extra.get(name, "") for name in extra_columns]
        yield row


def with_originals(records: Sequence[Record], paths: Sequence[str | Path]) -> list[Record]:
    """``records`` with the ``original`` of each that was read without it, from the
    records files in ``paths`` (a Parquet one a row group at a time: only the originals
    wanted are kept)."""
    wanted = {r.record_id for r in records if not r.original}
    found: dict[str, str] = {}
    for path in paths:
        if not wanted:
            break
        if is_parquet(path):
            for group in read_columns(path, COLUMNS, ("record_id", "original")):
                found.update((i, o) for i, o in zip(group["record_id"], group["original"],
                                                    strict=True) if i in wanted and o)
        else:
            found.update((r.record_id, r.original) for r in read_records(path, ("original",))
                         if r.record_id in wanted and r.original)
    return [replace(r, original=found[r.record_id]) if r.record_id in found else r
            for r in records]


def iter_fields(path: str | Path, names: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """Some fields of each record, in the order of ``names`` (a list field as a sequence
    of str), as the file is read; from a Parquet file without making records."""
    if not is_parquet(path):
        for record in iter_records(path, names):
            yield tuple(getattr(record, name) for name in names)
        return
    for group in read_columns(path, COLUMNS, names):
        yield from zip(*([v or () for v in group[name]] if name in LIST_FIELDS else group[name]
                         for name in names), strict=True)


def _from_columns(group: dict[str, list[Any]]) -> Iterator[Record]:
    """The records of one row group of a Parquet records file: each made from its values in
    the dataclass's order, a field not read given its default."""
    count = len(group["record_id"])
    columns = [([tuple(v) if v else () for v in group[name]] if name in LIST_FIELDS
                else group[name]) if name in group else repeat(_DEFAULTS[name], count)
               for name in FIELD_NAMES]
    records = (Record(*values) for values in zip(*columns, strict=True))
    extra = [name for name in group if name not in KNOWN_COLUMNS]
    if not extra:
        yield from records
        return
    extras = [tuple((name, group[name][i] or "") for name in extra) for i in range(count)]
    yield from (replace(r, extra=e) for r, e in zip(records, extras, strict=True))
