"""Workbooks for people who screen in a spreadsheet: byte-stable, formula-safe XLSX, and the
sheet to screen from laid out for the work (decision columns first, drop-down lists,
widths, wrapped text, links, the stopping estimate on a sheet of its own).

Written with XlsxWriter row by row (``constant_memory``): a sheet of hundreds of thousands
of records streams to the file instead of being held as cell objects. What Excel cannot
hold is left out and said on the ``notes`` sheet: rows past its last row (the CSV beside
the workbook has every one), links past its 65,530 a sheet (the text stays), and the end
of a text past 32,767 characters a cell.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
#: What Excel holds: an in-cell list's length, rows and links a sheet, characters a cell,
#: a link's length.
_LIST_LIMIT = 255
ROW_LIMIT = 1_048_576
LINK_LIMIT = 65_530
_CELL_LIMIT = 32_767
_URL_LIMIT = 2_079
_CUT = " […]"
#: The workbook's fixed metadata: the same rows give the same bytes.
_PROPERTIES = {"creator": "litreview", "created": datetime.datetime(2000, 1, 1)}
_URL = re.compile(r"https?://\S+$")


@dataclass
class _Limits:
    """What Excel's limits kept out of a sheet, for its notes."""

    rows: int = 0
    links: int = 0
    cut: list[int] = field(default_factory=list)  # the sheet's rows with a text cut short

    def notes(self, total: int) -> list[str]:
        said = []
        if self.rows:
            said.append(f"Excel holds {ROW_LIMIT - 1:,} rows a sheet: the last {self.rows:,} "
                        f"of the {total:,} records are only in to_screen.csv.")
        if self.links:
            said.append(f"Excel holds {LINK_LIMIT:,} links a sheet: {self.links:,} DOIs and "
                        "URLs after them are plain text.")
        if self.cut:
            rows = ", ".join(map(str, self.cut[:10])) + (", ..." if len(self.cut) > 10 else "")
            said.append(f"Excel holds {_CELL_LIMIT:,} characters a cell: the text of "
                        f"{len(self.cut):,} cell(s) ends with '{_CUT.strip()}' (rows {rows}); "
                        "to_screen.csv has it whole.")
        return said


class _Sheet:
    """A worksheet written a row at a time: every value text (a float stays a number), a
    value that would start a formula stored as text with Excel's quote prefix (what typing
    ``'=`` does), so it shows as written and stays text when edited."""

    def __init__(self, book: Any, name: str, columns: Sequence[str] = ()) -> None:
        self.sheet = book.add_worksheet(name)
        self.row = 0
        self.limits = _Limits()
        self.formats: dict[tuple[bool, bool, bool], Any] = {}
        self.book = book
        self.kinds = [(name in _WRAPPED, name in ("doi", "url"), name) for name in columns]

    def format(self, wrapped: bool, linked: bool, quoted: bool) -> Any:
        key = (wrapped, linked, quoted)
        if key not in self.formats:
            spec: dict[str, Any] = {"valign": "top"} if self.kinds else {}
            if wrapped:
                spec["text_wrap"] = True
            if linked:
                spec |= {"font_color": "#0563C1", "underline": 1}
            if quoted:
                spec["quote_prefix"] = True
            self.formats[key] = self.book.add_format(spec)
        return self.formats[key]

    def append(self, values: Sequence[object]) -> None:
        """One row (counted, not written, once the sheet is full). On a laid-out sheet
        (one given its ``columns``) each cell is aligned to the top, long text wraps, and
        a DOI or URL is a link while the sheet has room for one."""
        if self.row >= ROW_LIMIT:
            self.limits.rows += 1
            return
        for col, value in enumerate(values):
            if isinstance(value, float):
                self.sheet.write_number(self.row, col, value)
                continue
            text = self.fitted(str(value))
            if not text:  # an empty cell takes its column's format
                continue
            wrapped, linkable, name = self.kinds[col] if self.kinds else (False, False, "")
            target = _link(name, text) if linkable else ""
            linked = bool(target) and self.link_room()
            quoted = starts_formula(text)
            style = self.format(wrapped, linked, quoted) if self.kinds or quoted else None
            if linked:
                self.sheet.write_url(self.row, col, target, style, string=text)
            else:
                self.sheet.write_string(self.row, col, text, style)
        self.row += 1

    def fitted(self, text: str) -> str:
        """The text, cut to what a cell holds (the row remembered for the notes)."""
        if len(text) <= _CELL_LIMIT:
            return text
        if not self.limits.cut or self.limits.cut[-1] != self.row + 1:
            self.limits.cut.append(self.row + 1)
        return text[:_CELL_LIMIT - len(_CUT)] + _CUT

    def link_room(self) -> bool:
        """Whether the sheet may hold one more link (counted when it may not)."""
        if self.sheet.hlink_count < LINK_LIMIT:
            return True
        self.limits.links += 1
        return False


def _book(buffer: io.BytesIO) -> Any:
    import xlsxwriter

    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties(_PROPERTIES)
    return book


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]],
               preamble: Sequence[Sequence[str]] = ()) -> bytes:
    """An XLSX sheet, every cell text and formula-safe (see :class:`_Sheet`), with fixed
    metadata (byte-stable)."""
    buffer = io.BytesIO()
    book = _book(buffer)
    sheet = _Sheet(book, "to_screen")
    sheet.sheet.freeze_panes(len(preamble) + 1, 0)
    for values in [*preamble, header, *rows]:
        sheet.append(values)
    book.close()
    return buffer.getvalue()


def to_screen_xlsx(rows: Sequence[Sequence[object]], reasons: Sequence[str],
                   notes: Sequence[str] = (), scores: Mapping[str, float] | None = None) -> bytes:
    """``to_screen.xlsx`` from the rows of ``to_screen.csv`` (``TO_SCREEN_COLUMNS``): the
    decision columns first, a drop-down list of decisions and one of the stage's
    ``reasons``, widths and wrapped text, DOI and URL as links, and for a ranked stage each
    record's model score (a number, to sort or filter by); the ``notes`` (the stopping
    estimate of a ranked stage, what Excel's limits kept out) on a second sheet, so the
    first is a plain table."""
    columns = _columns(bool(scores))
    order = [TO_SCREEN_COLUMNS.index(c) for c in columns if c != SCORE]
    buffer = io.BytesIO()
    book = _book(buffer)
    sheet = _Sheet(book, "to_screen", columns)
    for index, name in enumerate(columns):
        sheet.sheet.set_column(index, index, _WIDTHS.get(name, 14),
                               sheet.format(name in _WRAPPED, False, False))
    sheet.sheet.freeze_panes(1, 1)
    count = min(len(rows), ROW_LIMIT - 1)
    _choices(sheet.sheet, columns, "decision", DECISIONS, count)
    _choices(sheet.sheet, columns, "reason", reasons, count)
    sheet.append(columns)
    score = columns.index(SCORE) if scores else -1
    for row in rows:
        cells: list[object] = [row[i] for i in order]
        if scores:
            cells.insert(score, round(scores.get(str(row[0]), 0.0), 4))
        sheet.append(cells)
    said = [*notes, *sheet.limits.notes(len(rows))]
    if said:
        book_notes = book.add_worksheet("notes")
        book_notes.set_column(0, 0, 120)
        for number, note in enumerate(["Stopping estimate and ranking" if notes else "Notes",
                                       *said]):
            book_notes.write_string(number, 0, note)
    book.close()
    return buffer.getvalue()


def _columns(scored: bool) -> tuple[str, ...]:
    """The workbook's columns: a score after the decision columns when the stage is ranked."""
    if not scored:
        return WORKBOOK_COLUMNS
    after = len(SHEET_COLUMNS)
    return (*WORKBOOK_COLUMNS[:after], SCORE, *WORKBOOK_COLUMNS[after:])


def _link(column: str, value: str) -> str:
    """Where a DOI or URL cell leads, if it is one Excel can hold."""
    if column == "doi" and value.startswith("10."):
        target = f"https://doi.org/{value}"
    elif column == "url" and _URL.match(value):
        target = value
    else:
        return ""
    return target if len(target) <= _URL_LIMIT else ""


def _choices(sheet: Any, columns: Sequence[str], column: str, values: Sequence[str],
             count: int) -> None:
    """A drop-down list on a column's cells (left out when Excel could not hold it)."""
    listed = ",".join(values)
    if not values or count == 0 or len(listed) > _LIST_LIMIT or '"' in listed:
        return
    index = columns.index(column)
    sheet.data_validation(1, index, count, index, {"validate": "list", "source": list(values),
                                                    "ignore_blank": True})
