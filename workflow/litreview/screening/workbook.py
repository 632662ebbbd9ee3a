"""Workbooks for people who screen in a spreadsheet: byte-stable, formula-safe XLSX, and the
sheet to screen from laid out for the work (decision columns first, drop-down lists,
widths, wrapped text, links, the stopping estimate on a sheet of its own)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from typing import Any

from litreview.core.contracts import DECISIONS, SHEET_COLUMNS, TO_SCREEN_COLUMNS
from litreview.core.fileio import starts_formula

#: ``to_screen.xlsx``'s columns: what a reviewer fills in first, then what they read.
WORKBOOK_COLUMNS = ("record_id", *SHEET_COLUMNS[1:],
                    *(c for c in TO_SCREEN_COLUMNS if c not in SHEET_COLUMNS))
#: The column of a ranked sheet's model scores, after the decision columns.
SCORE = "score"
#: Column widths (characters); long text wraps within them.
_WIDTHS = {SCORE: 9, "record_id": 24, "decision": 11, "reason": 14, "reviewer": 12, "date": 12,
           "note": 30, "title": 60, "abstract": 90, "authors": 30, "year": 7, "journal": 30,
           "sources": 18, "doi": 26, "url": 30, "keywords": 40, "subjects": 40, "status": 14}
_WRAPPED = frozenset({"note", "title", "abstract", "authors", "journal", "sources", "keywords",
                      "subjects"})
#: Excel refuses an in-cell list longer than this.
_LIST_LIMIT = 255


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]],
               preamble: Sequence[Sequence[str]] = ()) -> bytes:
    """An XLSX sheet, every cell text and formula-safe, with fixed metadata (byte-stable).

    A value that would start a formula is stored as a text cell with Excel's quote prefix
    (what typing ``'=`` does), so it shows as written and stays text when edited.
    """
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "to_screen"
    for values in [*preamble, header, *rows]:
        _append(sheet, values)
    sheet.freeze_panes = f"A{len(preamble) + 2}"
    return _saved(book)


def to_screen_xlsx(rows: Sequence[Sequence[object]], reasons: Sequence[str],
                   notes: Sequence[str] = (), scores: Mapping[str, float] | None = None) -> bytes:
    """``to_screen.xlsx`` from the rows of ``to_screen.csv`` (``TO_SCREEN_COLUMNS``): the
    decision columns first, a drop-down list of decisions and one of the stage's
    ``reasons``, widths and wrapped text, DOI and URL as links, and for a ranked stage each
    record's model score (a number, to sort or filter by); the ``notes`` (the stopping
    estimate of a ranked stage) on a second sheet, so the first is a plain table."""
    import openpyxl

    columns = _columns(bool(scores))
    order = [TO_SCREEN_COLUMNS.index(c) for c in columns if c != SCORE]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "to_screen"
    _append(sheet, columns)
    for row in rows:
        cells: list[object] = [row[i] for i in order]
        if scores:
            cells.insert(columns.index(SCORE), round(scores.get(str(row[0]), 0.0), 4))
        _append(sheet, cells)
    _lay_out(sheet, columns, len(rows))
    _choices(sheet, columns, "decision", DECISIONS, len(rows))
    _choices(sheet, columns, "reason", reasons, len(rows))
    if notes:
        book.create_sheet("notes").append(["Stopping estimate and ranking"])
        for note in notes:
            book["notes"].append([note])
        book["notes"].column_dimensions["A"].width = 120
    return _saved(book)


def _columns(scored: bool) -> tuple[str, ...]:
    """The workbook's columns: a score after the decision columns when the stage is ranked."""
    if not scored:
        return WORKBOOK_COLUMNS
    after = len(SHEET_COLUMNS)
    return (*WORKBOOK_COLUMNS[:after], SCORE, *WORKBOOK_COLUMNS[after:])


def _append(sheet: Any, values: Sequence[object]) -> None:
    """One row of text cells (numbers stay numbers); a value that would start a formula
    stays text. The cells are made before the row is added: reading the row back through
    ``sheet.max_row`` scans every cell so far, which made a large sheet quadratic."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = Cell(sheet, value=value if isinstance(value, float) else str(value))
        if isinstance(cell.value, str) and starts_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
        cells.append(cell)
    sheet.append(cells)


def _lay_out(sheet: Any, columns: Sequence[str], count: int) -> None:
    """Widths, wrapped text, a frozen header and first column, DOI and URL as links."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    link = Font(color="0563C1", underline="single")
    styles: dict[tuple[bool, bool, bool], Any] = {}  # (wrapped, linked, quoted): a style
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 14)
        for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=index,
                                       max_col=index):
            target = _link(name, str(cell.value or ""))
            key = (name in _WRAPPED, bool(target), bool(cell.quotePrefix))
            if key in styles:  # a copy of the style made once: each assignment would
                cell._style = copy(styles[key])  # look the style up in the book's lists
            else:
                cell.alignment = wrap if key[0] else top
                if target:
                    cell.font = link
                styles[key] = copy(cell._style)
            if target:
                cell.hyperlink = target
    sheet.freeze_panes = "B2"


def _link(column: str, value: str) -> str:
    """Where a DOI or URL cell leads, if it is one."""
    if column == "doi" and value.startswith("10."):
        return f"https://doi.org/{value}"
    if column == "url" and re.match(r"https?://\S+$", value):
        return value
    return ""


def _choices(sheet: Any, columns: Sequence[str], column: str, values: Sequence[str],
             count: int) -> None:
    """A drop-down list on a column's cells (left out when Excel could not hold it)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    listed = ",".join(values)
    if not values or count == 0 or len(listed) > _LIST_LIMIT or '"' in listed:
        return
    letter = get_column_letter(columns.index(column) + 1)
    rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
    rule.add(f"{letter}2:{letter}{count + 1}")
    sheet.add_data_validation(rule)


def _saved(book: Any) -> bytes:
    book.properties.creator = "litreview"
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so identical content gives identical bytes."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>2000-01-01T00:00:00Z", content)
            target.writestr(fixed, content)
    return out.getvalue()
