"""Records files in Parquet: the workflow's large intermediate files between stages.

A records file of the workflow (``results/records/<source>.parquet``) holds the columns of
the CSV contract, in its order, with ``authors``, ``keywords`` and ``subjects`` as lists
of strings and ``source_position``/``source_line`` as integers. No formula guard: no
spreadsheet opens it. Written in row groups of :data:`ROW_GROUP` records (zstd), read a
row group at a time and only the columns asked for, so neither side holds the whole
table twice. pandas reads it as it is (``pandas.read_parquet``); the same bytes come
from the same records.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from litreview.core.errors import InputError, Problem

#: Records in a row group: the unit written and read at once.
ROW_GROUP = 5_000
SUFFIX = ".parquet"
_INTEGERS = frozenset({"source_position", "source_line"})
_LISTS = frozenset({"authors", "keywords", "subjects"})
#: Columns of few distinct values: dictionary-encoded, with statistics. The others (titles,
#: abstracts, the original fields) are nearly all distinct: a dictionary would only be
#: built to be dropped, and min/max statistics of them serve no reader.
_FEW_VALUES = frozenset({"database", "source_file", "type", "year", "journal", "language",
                         "searched", "sources"})


def is_parquet(path: str | Path) -> bool:
    """A records file is Parquet when its name ends ``.parquet``; CSV otherwise."""
    return Path(path).suffix.lower() == SUFFIX


def _schema(header: Sequence[str]) -> Any:
    import pyarrow as pa

    def kind(name: str) -> Any:
        if name in _INTEGERS:
            return pa.int64()
        return pa.list_(pa.string()) if name in _LISTS else pa.string()

    return pa.schema([(name, kind(name)) for name in header])


def load_arrow() -> None:
    """Load pyarrow whole, with the pandas it loads on its first array (0.9 s): done once
    before processes are forked, each has it instead of loading it again."""
    import pyarrow as pa

    pa.array([], type=pa.string())


def arrow_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Any:
    """``rows`` (values in ``header``'s order: str, int for the positions, a tuple of str
    for the list columns) as one Arrow table."""
    import pyarrow as pa

    schema = _schema(header)
    columns = [pa.array([_utf8(row[i]) for row in rows], type=schema.field(i).type)
               for i in range(len(header))]
    return pa.Table.from_arrays(columns, schema=schema)


def pa_strings(values: Sequence[str]) -> Any:
    """A column of strings (a table's column replaced)."""
    import pyarrow as pa

    return pa.array([_utf8(v) for v in values], type=pa.string())


def write_tables(handle: Any, header: Sequence[str], tables: Iterable[Any]) -> None:
    """Write Arrow ``tables`` of ``header``'s columns (:func:`arrow_table`) as Parquet to
    the open binary ``handle``: each in row groups of at most :data:`ROW_GROUP` records."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    small = [name for name in header if name in _FEW_VALUES]
    with pq.ParquetWriter(handle, _schema(header), compression="zstd", use_dictionary=small,
                          write_statistics=small) as writer:
        for table in tables:
            writer.write_table(table, row_group_size=ROW_GROUP)
            del table
            pa.default_memory_pool().release_unused()  # its pages back, not kept for later


def write_table(handle: Any, header: Sequence[str],
                rows: Iterable[Sequence[object]]) -> None:
    """Write ``rows`` (as :func:`arrow_table` takes them) as Parquet to the open binary
    ``handle``, :data:`ROW_GROUP` rows at a time."""
    iterator = iter(rows)
    write_tables(handle, header, (arrow_table(header, chunk)
                                  for chunk in iter(lambda: list(islice(iterator, ROW_GROUP)),
                                                    [])))


def _utf8(value: object) -> object:
    """Text as UTF-8 bytes, made here: pyarrow would otherwise encode through the string's
    own cached UTF-8 copy, which then lives as long as the record (twice the memory)."""
    if isinstance(value, str):
        return value if value.isascii() else value.encode()
    if isinstance(value, tuple):
        return [v if v.isascii() else v.encode() for v in value]
    return value


def read_columns(path: str | Path, required: Sequence[str],
                 columns: Sequence[str] | None = None,
                 rows: Sequence[int] | None = None) -> Iterator[dict[str, list[Any]]]:
    """The file's columns (all, or those of ``columns`` it has), a row group at a time,
    each as a list of Python values (lists of str for the list columns); with ``rows``
    (ascending positions), only those rows. A located error when it is no Parquet file
    or lacks a ``required`` column."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyarrow import ArrowException

    try:
        parquet = pq.ParquetFile(path)
    except (ArrowException, OSError) as error:
        raise InputError(Problem(str(path), f"not a Parquet records file ({error})",
                                 hint="pass a file written by 'litreview import'")) from None
    names = parquet.schema_arrow.names
    missing = [c for c in required if c not in names]
    if missing:
        raise InputError(Problem(str(path), f"not a records file: missing columns {missing}",
                                 hint="pass a file written by 'litreview import'"))
    wanted = names if columns is None else [c for c in names if c in set(columns)]
    end = 0
    for group in range(parquet.num_row_groups):
        start, end = end, end + parquet.metadata.row_group(group).num_rows
        if rows is None:
            table = parquet.read_row_group(group, columns=wanted)
        else:
            low, high = bisect_left(rows, start), bisect_left(rows, end)
            if low == high:
                continue
            table = parquet.read_row_group(group, columns=wanted).take(
                [row - start for row in rows[low:high]])
        values = {name: table.column(name).to_pylist() for name in wanted}
        del table
        pa.default_memory_pool().release_unused()  # its pages back, not kept for later
        yield values
