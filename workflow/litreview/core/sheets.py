"""One reader for every sheet a person edits: decision sheets, the duplicate-pair sheet, the
studies sheet, the coding sheet, thesauri and heading maps.

CSV (UTF-8, or Windows-1252 as Excel on Windows saves it, with a warning) or XLSX (its
first worksheet); every row keeps its line so that each problem can name ``file:line``;
column names are compared without case or surrounding spaces; blank rows are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from litreview.core.errors import InputError, Problem

#: The suffixes a sheet may have.
SHEET_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a sheet: its line (1-based, as a spreadsheet program numbers rows) and its
    cells by lowercased column name, stripped of surrounding spaces."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    def get(self, column: str, default: str = "") -> str:
        return self.cells.get(column, default)


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet as read: where it is, its columns, its rows, and what was said on reading."""

    path: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    warnings: tuple[Problem, ...] = ()
    header_line: int = 1

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def require(self, columns: Sequence[str], hint: str = "") -> None:
        """A located error naming each of ``columns`` the sheet lacks."""
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise InputError(Problem(self.path, f"missing column(s) {', '.join(missing)}",
                                     self.header_line,
                                     hint=hint or f"columns: {', '.join(columns)}"))

    def unknown(self, known: Sequence[str]) -> list[str]:
        """The sheet's columns that are not among ``known``, in sheet order."""
        return [c for c in self.header if c and c not in known]


def read_table(path: str | Path, *, required: Sequence[str] = (), hint: str = "",
               header_has: str = "") -> Table:
    """The sheet at ``path``. Its header is the first row, or with ``header_has`` the first
    row naming that column (note lines above it, such as a sheet's guidance, are skipped).
    A missing file, an unreadable workbook, text in an encoding neither UTF-8 nor
    Windows-1252, and a lack of any ``required`` column are located errors."""
    path = Path(path)
    warnings: list[Problem] = []
    if path.suffix.lower() == ".xlsx":
        numbered = list(enumerate(xlsx_rows(path), start=1))
    else:
        text, warning = sheet_text(path)
        warnings += [warning] if warning else []
        reader = csv.reader(io.StringIO(text, newline=""))
        numbered, first = [], 1
        for row in reader:  # a row's line is where it starts (a cell may hold line breaks)
            numbered.append((first, row))
            first = reader.line_num + 1
    numbered = [(line, [cell.strip() for cell in row]) for line, row in numbered]
    start = next((i for i, (_, row) in enumerate(numbered)
                  if header_has in (c.lower() for c in row)), 0) if header_has else 0
    if not numbered:
        table = Table(str(path), (), (), tuple(warnings))
    else:
        header_line, cells = numbered[start]
        header = tuple(c.lower() for c in cells)
        rows = tuple(Row(line, {h: v for h, v in zip(header, row, strict=False) if h})
                     for line, row in numbered[start + 1:] if any(row))
        table = Table(str(path), header, rows, tuple(warnings), header_line)
    if required:
        table.require(required, hint)
    return table


def sheet_text(path: Path) -> tuple[str, Problem | None]:
    """A CSV sheet's text: UTF-8 (any BOM dropped), or else Windows-1252 as the importers
    read it (Excel on Windows saves "CSV" in it), with a warning saying so."""
    from litreview.core.decode import decode_export

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(str(path), "file not found")) from None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
    text = decode_export(data, str(path))  # refuses text in other legacy encodings
    return text, Problem(str(path), "not UTF-8: read as Windows-1252 (cp1252)", line,
                         hint="check the accented letters, or save the sheet as CSV UTF-8")


def xlsx_rows(path: Path) -> list[list[str]]:
    """The first worksheet's cells as text (:func:`cell_text`)."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise InputError(Problem(str(path), "file not found"))
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [[cell_text(v) for v in row]
                    for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
            IndexError) as error:
        raise InputError(Problem(str(path), f"not a readable Excel file ({error})",
                                 hint="open it in a spreadsheet program and save it again "
                                      "as .xlsx, or as CSV UTF-8")) from None


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person typed: a date as ``2024-05-01``, a whole
    number as ``2006``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_sheet(path: Path) -> bool:
    """A file a folder of sheets may hold: ``.csv`` or ``.xlsx``, not hidden, not an Excel
    lock file (``~$name.xlsx``)."""
    return path.suffix.lower() in SHEET_SUFFIXES and not path.name.startswith((".", "~$"))
