"""Writing outputs: atomically (an interrupted run never leaves a half-written output), and
as CSV that a spreadsheet cannot turn into a formula (see :func:`neutralise`)."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO


@contextmanager
def _replacing(path: str | Path, mode: str, **options: Any) -> Iterator[IO[Any]]:
    """A file written beside ``path`` and moved into place only when complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_open(path: str | Path) -> Any:
    """A text file (UTF-8) that appears at ``path`` only once fully written."""
    return _replacing(path, "w", encoding="utf-8", newline="")


def atomic_open_binary(path: str | Path) -> Any:
    """A binary file that appears at ``path`` only once fully written."""
    return _replacing(path, "wb")


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with _replacing(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def read_person_text(path: str | Path) -> str:
    """The text of a file a person edits (a sheet, a config), read as UTF-8 with any BOM
    dropped; a located error when it is missing or in another encoding."""
    from litreview.core.errors import InputError, Problem

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(str(path), "file not found")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise InputError(Problem(str(path), f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                                 line, hint="save it as UTF-8 (in a spreadsheet program: "
                                            "CSV UTF-8)")) from None


# --- CSV a person may open ----------------------------------------------------------------

#: A cell starting with one of these is read as a formula by spreadsheet programs (OWASP's
#: list for CSV injection): ``=HYPERLINK(…)`` or ``@SUM(…)`` in a title would run there.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-\d+(?:\.\d+)?")
#: First characters of a cell :func:`neutralise` may change (a quick test before it runs).
_MAY_NEED_QUOTE = frozenset([*FORMULA_START, "'"])


def starts_formula(value: str) -> bool:
    """Whether a spreadsheet would take ``value`` for a formula. A plain negative number
    (``-3``, ``-0.25``) is a number, not a formula: it stays a number a spreadsheet can sum."""
    return value.startswith(FORMULA_START) and not _NEGATIVE_NUMBER.fullmatch(value)


def _marked(value: str) -> bool:
    """``value`` starts with the quote :func:`neutralise` adds."""
    return value[:1] == "'" and (value[1:2] == "'" or starts_formula(value[1:]))


def neutralise(value: str) -> str:
    """The cell as written to every CSV of the project: a value a spreadsheet would take
    for a formula gets a leading ``'`` (``=1+1`` → ``'=1+1``), and so does a value that
    already starts with ``'`` followed by such a character or by another ``'`` (``'=x`` →
    ``''=x``; ``''x`` → ``'''x``), so that :func:`restore` gives back the exact text. Every
    other value, a plain negative number included, is written as it is."""
    return "'" + value if starts_formula(value) or _marked(value) else value


def restore(value: str) -> str:
    """The original text of a cell written by :func:`neutralise`: one leading ``'`` off, in
    exactly the cases it added one."""
    return value[1:] if _marked(value) else value


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def write_csv(handle: TextIO, header: Sequence[object], rows: Iterable[Sequence[object]],
              preamble: Iterable[Sequence[object]] = ()) -> None:
    """Write a CSV table, every cell (header and ``preamble`` rows above it too) through
    :func:`neutralise`; rows are written as they come, so a long table is never held twice.

    The csv module quotes a cell holding ``\n`` but not one holding a lone ``\r``, which
    a reader takes for a line break: a row with one is written with every cell quoted."""
    handle.writelines(map(csv_row, itertools.chain(preamble, [header], rows)))


def csv_row(row: Sequence[object]) -> str:
    """One row as :func:`write_csv` writes it: each cell through :func:`neutralise`; every
    cell quoted in a row holding a lone ``\r``.

    The text ``csv.writer`` writes (minimal quoting, ``\n`` line ends), made with string
    methods: the csv module reads every character of a cell in turn, which made writing
    the records files a fifth of deduplication (a realistic record's original fields are
    kilobytes). ``tests/test_csv_safety.py`` holds the two to the same text."""
    values = [v if isinstance(v, str) else _cell(v) for v in row]
    values = [neutralise(v) if v[:1] in _MAY_NEED_QUOTE else v for v in values]
    if any("\r" in v for v in values):
        return ",".join(map(_quoted, values)) + "\n"
    if len(values) == 1 and not values[0]:
        return '""\n'  # a row of one empty cell, told from no row at all
    return ",".join([_quoted(v) if '"' in v or "," in v or "\n" in v else v
                     for v in values]) + "\n"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Each row as the line (or lines, a cell holding a line break) :func:`write_csv`
    writes for it: a table written in parts and joined later is the table written whole."""
    return map(csv_row, rows)


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]],
             preamble: Iterable[Sequence[object]] = ()) -> str:
    """The text of a CSV table written by :func:`write_csv`: the one way every CSV the
    workflow writes for a person is made."""
    buffer = io.StringIO()
    write_csv(buffer, header, rows, preamble)
    return buffer.getvalue()


class RestoringReader:
    """A ``csv.reader`` whose rows come back :func:`restore`-d; with ``after``, only the rows
    after the first row ``after`` accepts (a header of the project's own tables)."""

    def __init__(self, reader: Any, after: Callable[[list[str]], bool] | None = None):
        self.reader = reader
        self.after = after
        self.restoring = after is None

    def __iter__(self) -> RestoringReader:
        return self

    def __next__(self) -> list[str]:
        row: list[str] = next(self.reader)
        if self.restoring:  # most cells start with no quote: skip the call for them
            return [restore(value) if value[:1] == "'" else value for value in row]
        if self.after is not None and self.after(row):
            self.restoring = True
        return row

    @property
    def line_num(self) -> int:
        return int(self.reader.line_num)

    @property
    def dialect(self) -> Any:
        return self.reader.dialect


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV the workflow wrote, each cell back to its original text."""
    return list(RestoringReader(csv.reader(io.StringIO(text, newline=""))))


class CsvDictReader(csv.DictReader):  # type: ignore[type-arg]
    """``csv.DictReader`` for a CSV the workflow wrote: header and cells back to the text
    they had before :func:`neutralise`."""

    def __init__(self, handle: Iterable[str], **options: Any):
        super().__init__(handle, **options)
        self.reader = RestoringReader(self.reader)  # type: ignore[assignment]


def read_own_table(path: str | Path,
                   required: Sequence[str] = ()) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a table the workflow wrote, each cell as it was before
    writing; a located error when it is missing or lacks a ``required`` column (the
    workflow has not run, or wrote it before the column existed)."""
    from litreview.core.errors import InputError, Problem

    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = CsvDictReader(handle)
            header, rows = list(reader.fieldnames or ()), list(reader)
    except FileNotFoundError:
        raise InputError(Problem(str(path), "file not found",
                                 hint="run the workflow first")) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(Problem(str(path), f"missing column(s) {', '.join(missing)}", 1,
                                 hint="run the workflow again to write it anew"))
    return header, rows
