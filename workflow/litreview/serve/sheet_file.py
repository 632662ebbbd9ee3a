"""A CSV sheet as a person may have left it, and its durable writing: the one format of the
decision sheets (:mod:`~litreview.serve.pen`) and the coding sheets
(:mod:`~litreview.serve.coding_pen`) the app writes.

A sheet keeps what a person put in it: lines above the header, columns of their own, how
the file is spelt (BOM, line ends). A new row is appended (one ``write``, ``fsync``); any
other change rewrites the whole file beside it, ``fsync``-ed, moved into place with
``os.replace``, the folder ``fsync``-ed. Writers hold ``flock`` on a descriptor of the
folder itself (processes): no lock file lies beside the sheets. Cells read as the
workflow reads them and are written through :func:`~litreview.core.fileio.neutralise`.
"""

from __future__ import annotations

import codecs
import csv
import fcntl
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from litreview.core.decode import decode_export
from litreview.core.errors import InputError, Problem
from litreview.core.fileio import FORMULA_START, atomic_open, neutralise, restore
from litreview.core.sheets import is_sheet

_MAY_QUOTE = frozenset([*FORMULA_START, "'"])  # the first characters neutralise may change
Fingerprint = tuple[int, int, int]


@dataclass(slots=True)
class SheetFile:
    """A sheet as on disk: lines above the header, header, rows (cells as written, so that
    a row rewritten is the row read), and how the file is spelt."""

    above: list[list[str]]
    header: list[str]
    rows: list[list[str]]
    bom: bool = False
    line_end: str = "\n"
    ends_open: bool = False  # no line break after the last row
    rewrite: bool = False  # not UTF-8, malformed or lacking columns: written whole next time
    columns: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.columns = {c.strip().lower(): i for i, c in enumerate(self.header) if c.strip()}

    def cell(self, row: list[str], column: str) -> str:
        """A cell's text as the workflow reads it: stripped, the neutralising quote off."""
        at = self.columns.get(column)
        value = row[at].strip() if at is not None and at < len(row) else ""
        return restore(value) if value[:1] == "'" else value

    def put(self, row: list[str], column: str, value: str) -> None:
        at = self.columns[column]
        row.extend([""] * (at + 1 - len(row)))
        row[at] = neutralise(value)


def parse(data: bytes, file: str, columns: Sequence[str]) -> SheetFile | None:
    """The sheet in ``data``; None when it holds nothing (a file to write anew). A sheet
    with no ``record_id`` column is refused rather than written over; ``columns`` it lacks
    are added after the person's own."""
    try:
        text, utf8 = data.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        text, utf8 = decode_export(data, file), False  # refuses what is not cp1252 either
    try:
        rows, clean = list(csv.reader(io.StringIO(text, newline=""), strict=True)), True
    except csv.Error:
        try:
            rows, clean = list(csv.reader(io.StringIO(text, newline=""))), False
        except csv.Error as error:
            raise InputError(Problem(file, f"not a readable CSV file ({error})", hint="save "
                                     "it again as CSV UTF-8 in a spreadsheet program")) from None
    start = next((i for i, row in enumerate(rows)
                  if "record_id" in (c.strip().lower() for c in row)), None)
    if start is None:
        if any(c.strip() for row in rows for c in row):
            raise InputError(Problem(file, "the sheet has no record_id column: the app will "
                                     "not write over it", 1,
                                     hint=f"columns: {', '.join(columns)}"))
        return None
    newline = text.find("\n")
    sheet = SheetFile(rows[:start], rows[start], rows[start + 1:],
                      bom=data.startswith(codecs.BOM_UTF8),
                      line_end="\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n",
                      ends_open=not text.endswith(("\n", "\r")), rewrite=not (utf8 and clean))
    missing = [c for c in columns if c.lower() not in sheet.columns]
    if missing:  # the person's columns stay as they are; the contract's are added after them
        sheet = replace(sheet, header=[*sheet.header, *missing], rewrite=True)
    return sheet


def csv_lines(rows: Iterable[list[str]], line_end: str) -> str:
    """CSV lines as :func:`~litreview.core.fileio.write_csv` writes them (each cell through
    ``neutralise``; a row with a cell holding a lone ``\\r``, which a reader takes for a line
    break, with every cell quoted), with the sheet's own line ending."""
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator=line_end)
    quoted = csv.writer(buffer, lineterminator=line_end, quoting=csv.QUOTE_ALL)
    for row in rows:  # neutralise(restore(c)): a no-op on a cell the app wrote
        cells = [neutralise(restore(c)) if c[:1] in _MAY_QUOTE else c for c in row]
        (quoted if any("\r" in c for c in cells) else plain).writerow(cells)
    return buffer.getvalue()


def fingerprint(stat: os.stat_result) -> Fingerprint:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def read_file(path: Path, columns: Sequence[str]) -> tuple[Fingerprint | None, SheetFile | None]:
    """The file's fingerprint (inode, size, mtime) and sheet as read together; (None, None)
    when there is no file."""
    try:
        with open(path, "rb") as handle:
            seen, data = fingerprint(os.fstat(handle.fileno())), handle.read()
    except FileNotFoundError:
        return None, None
    return seen, parse(data, str(path), columns)


@contextmanager
def folder_lock(folder: Path, name: str, exclusive: bool) -> Iterator[int | None]:
    """``flock`` on ``folder`` (shared to read; exclusive to write, the folder made first):
    its descriptor, or None when there is no folder yet (nothing to read). A killed
    writer's temporary copy of ``name`` is cleared once the lock is held."""
    if exclusive:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        yield None
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        for stale in folder.glob(f".{name}.*.tmp") if exclusive else ():
            stale.unlink(missing_ok=True)  # every writer holds the flock, this one now
        yield fd
    finally:
        os.close(fd)  # and with it the flock


def refuse_twins(path: Path) -> None:
    """A sheet of the same name in another form (``.xlsx``) beside ``path`` is refused: the
    app writes CSV, and the workflow would read both."""
    folder = path.parent
    if not folder.is_dir():
        return
    twins = sorted(p for p in folder.iterdir()
                   if p.stem == path.stem and p.name != path.name and is_sheet(p))
    if not twins:
        return
    both = f"both {path.name} and " if path.exists() else ""
    raise InputError(Problem(str(twins[0]), f"{both}{twins[0].name}: the app writes only "
                             f"{path.name}", hint=f"the app writes CSV: save the sheet "
                             f"as CSV (CSV UTF-8) named {path.name}, merging any rows, "
                             f"and move {twins[0].name} out of the folder"))


def append_row(path: Path, sheet: SheetFile, row: list[str]) -> Fingerprint:
    """Append one row with a single ``write``, starting a line of its own, and fsync; the
    row joins ``sheet``. The file's fingerprint after."""
    text = (sheet.line_end if sheet.ends_open else "") + csv_lines([row], sheet.line_end)
    data = text.encode("utf-8")
    with open(path, "ab", buffering=0) as handle:
        written = 0
        while written < len(data):  # one write but on a full disk
            written += handle.write(data[written:]) or 0
        os.fsync(handle.fileno())
        seen = fingerprint(os.fstat(handle.fileno()))
    sheet.ends_open = False
    sheet.rows.append(row)
    return seen


def store(path: Path, sheet: SheetFile, folder: int) -> Fingerprint:
    """Write the whole sheet beside ``path``, fsync it, move it into place, fsync the
    folder (``folder`` its descriptor). The file's fingerprint after."""
    text = csv_lines((*sheet.above, sheet.header, *sheet.rows), sheet.line_end)
    with atomic_open(path) as handle:
        handle.write(("\ufeff" if sheet.bom else "") + text)
        handle.flush()
        seen = fingerprint(os.fstat(handle.fileno()))
    os.fsync(folder)
    sheet.ends_open = sheet.rewrite = False
    return seen
