"""Excel workbooks: every worksheet with a header row, cells as displayed, the URLs of
HYPERLINK formulas kept, formulas whose value was never saved refused."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litreview.core.errors import InputError, Problem
from litreview.core.sheets import cell_text
from litreview.importers.context import Context, Parsed
from litreview.importers.tables.profiles import GENERIC, norm
from litreview.importers.tables.rows import HEADER_SCAN, Row, header_index, no_header, read_rows


def read_xlsx(data: bytes, ctx: Context) -> Parsed:
    """Read every worksheet that has a header row; cells are taken as displayed values.

    A workbook may hold records on several sheets (one per database, per search date), and
    other sheets beside them (the search strategy, notes). Sheets with a header are read in
    order; a sheet that names record fields (authors, year, DOI…) without a title column is
    refused, since its records would be lost; any other sheet is not a table of records and
    is skipped. When there is more than one sheet, a warning says which were read.
    """
    import openpyxl

    formulas = _has_formulas(data)
    books = []
    try:
        for data_only in (True, False) if formulas else (True,):
            books.append(openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                                data_only=data_only))
    except Exception as error:
        raise InputError(Problem(ctx.source_file, f"cannot open as an Excel workbook: {error}",
                                 hint="open it in Excel and save it again as .xlsx")) from error
    try:
        sheets = [_sheet(values, books[1][values.title] if formulas else None)
                  for values in books[0].worksheets]
    except InputError:
        raise
    except Exception as error:
        raise InputError(Problem(ctx.source_file, f"cannot read the workbook: {error}",
                                 hint="open it in Excel and save it again as .xlsx")) from error
    finally:
        for book in books:
            book.close()
    return _read_sheets(sheets, ctx)


@dataclass(frozen=True, slots=True)
class _Sheet:
    """One worksheet's rows as displayed, with what its formulas say beyond that."""

    title: str
    rows: list[Row]
    links: dict[int, list[tuple[int, str]]]  # row → (column, URL) of HYPERLINK formulas
    unsaved: list[str]  # cells holding a formula whose value was never saved


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula (``<f>``): only then is a second read needed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(name))
                       for name in archive.namelist()
                       if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # openpyxl says what is wrong with it


def _sheet(values: Any, formulas: Any) -> _Sheet:
    """Rows of one sheet; a formula cell without a saved value reads as its HYPERLINK's
    text when it is one, else it is listed as unsaved."""
    from openpyxl.utils import get_column_letter

    rows: list[Row] = []
    links: dict[int, list[tuple[int, str]]] = {}
    unsaved: list[str] = []
    formula_rows = formulas.iter_rows(min_row=1, values_only=True) if formulas else None
    for n, row in enumerate(values.iter_rows(min_row=1), start=1):
        cells = [_cell(c.value) for c in row]
        for j, text in enumerate(next(formula_rows, ()) if formula_rows else ()):
            if not (isinstance(text, str) and text.startswith("=")) or j >= len(cells):
                continue
            link = _hyperlink(text)
            if link:
                links.setdefault(n, []).append((j, link[0]))
                if not cells[j]:
                    cells[j] = link[1] or link[0]
            elif not cells[j] and row[j].data_type == "n":  # "str" is a saved empty text
                unsaved.append(f"{get_column_letter(j + 1)}{n}")
        rows.append((n, n, cells))
    return _Sheet(values.title, rows, links, unsaved)


#: ``=HYPERLINK("url")`` or ``=HYPERLINK("url", "text")`` with literal arguments; Excel
#: doubles a quote inside a string, and some locales separate arguments with ``;``.
_HYPERLINK = re.compile(r'=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*'
                        r'(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*', re.IGNORECASE)


def _hyperlink(formula: str) -> tuple[str, str] | None:
    """(URL, text) of a HYPERLINK formula with literal arguments, else ``None``."""
    match = _HYPERLINK.fullmatch(formula)
    if not match:
        return None
    url, text = (part.replace('""', '"') if part else "" for part in match.groups())
    return url.strip(), text.strip()


def _read_sheets(sheets: Sequence[_Sheet], ctx: Context) -> Parsed:
    """Records from every sheet with a header, in sheet order; see :func:`read_xlsx`."""
    out = Parsed()
    several = len(sheets) > 1
    said: list[str] = []
    unusable: list[str] = []
    unsaved: list[str] = []
    for sheet in sheets:
        name = f"'{sheet.title}'"
        if not any(any(cells) for _, _, cells in sheet.rows):
            said.append(f"skipped {name} (empty)")
            continue
        if header_index(sheet.rows[:HEADER_SCAN], ctx) is None:
            if _names_record_fields(sheet.rows[:HEADER_SCAN]):
                unusable.append(name)
            else:
                said.append(f"skipped {name} (no title column and no record fields: not a "
                            "table of records)")
            continue
        by_line = {n: cells for n, _, cells in sheet.rows}

        def raw(first: int, last: int, by_line: dict[int, list[str]] = by_line) -> str:
            return "\t".join(by_line.get(first, []))  # a sheet row, tab-separated

        before = len(out.records)
        where = f"{ctx.source_file}[{sheet.title}]" if several else ctx.source_file
        read_rows(sheet.rows, ctx, out, raw, where=where, links=sheet.links,
                  sheet=sheet.title if several else "")
        said.append(f"read {name} ({len(out.records) - before} records)")
        unsaved += [f"{where}!{cell}" if several else cell for cell in sheet.unsaved]
    if unusable:
        raise InputError(Problem(
            ctx.source_file, f"sheet(s) {', '.join(unusable)} name record fields but have no "
            f"title column in the first {HEADER_SCAN} rows: their records cannot be read",
            hint="add a Title column, name the columns with --columns title=HEADER,..., or "
            "move the sheet to a workbook of its own"))
    if not any(part.startswith("read ") for part in said):
        raise no_header(ctx)
    if unsaved:
        shown = ", ".join(unsaved[:10]) + (f" and {len(unsaved) - 10} more"
                                           if len(unsaved) > 10 else "")
        raise InputError(Problem(
            ctx.source_file, f"formula(s) whose value was never saved, so it cannot be read: "
            f"{shown}", hint="open the workbook in Excel or LibreOffice, let it calculate, and "
            "save it again (or paste the values over the formulas)"))
    if several:
        ctx.warn(Problem(ctx.source_file, f"a workbook of {len(sheets)} sheets: "
                         f"{'; '.join(said)}"))
    return out


def _names_record_fields(rows: Sequence[Row]) -> bool:
    """Whether a row names two or more record fields, or a DOI column: a table of records
    whose title column is missing or named otherwise, not a strategy or a notes sheet."""
    for _, _, cells in rows:
        names = {norm(c) for c in cells}
        fields = {field for field, aliases in GENERIC.items() if names & set(aliases)}
        if len(fields) >= 2 or "doi" in fields:
            return True
    return False


def _cell(value: object) -> str:
    """A cell as displayed (:func:`~litreview.core.sheets.cell_text`), except that text
    keeps its spaces (a rejected row shows what the cell holds) and a date and time is its
    date."""
    if isinstance(value, str):
        # a character XML cannot hold is stored as _xHHHH_ (OOXML); Excel shows the
        # character, and the records then say (and remove) the control characters
        return _XML_ESCAPE.sub(_unescape, value) if "_x" in value else value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return cell_text(value)


_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))
