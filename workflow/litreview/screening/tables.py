"""The tables screening writes: the sheet to screen from (CSV and XLSX), every record's
status, each stage's agreement and conflicts. Every cell is formula-safe."""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from litreview.core.contracts import SHEET_COLUMNS, Status
from litreview.core.fileio import csv_text, neutralise, starts_formula
from litreview.core.records import Record
from litreview.screening.stages import Screening, StageResult


def safe_cell(value: str) -> str:
    """A cell as every CSV of the project writes it (:func:`litreview.core.fileio.neutralise`)."""
    return neutralise(value)


CARRIED_OVER = " (carried over)"


def to_screen_rows(result: StageResult, by_id: Mapping[str, Record],
                   previous: Collection[str] = ()) -> list[list[str]]:
    """The records awaiting a decision at a stage. In a search update, those of the
    ``previous`` version still undecided stay (they need a decision as much as the new
    works), their status marked ``(carried over)``."""
    rows = []
    for rid in result.ids(Status.AWAITING, Status.CONFLICT):
        r = by_id[rid]
        sources = dict(r.extra).get("sources", r.database)
        link = r.url or (f"https://doi.org/{r.doi}" if r.doi else "")
        status = result.outcomes[rid].status + (CARRIED_OVER if rid in previous else "")
        rows.append([rid, r.title, r.abstract, "; ".join(r.authors), r.year, r.journal, sources,
                     r.doi, link, status, *[""] * (len(SHEET_COLUMNS) - 1)])
    return rows


def table_csv(header: Sequence[str], rows: Iterable[Sequence[object]],
              preamble: Sequence[Sequence[str]] = ()) -> str:
    """A CSV table, formula-safe (:func:`litreview.core.fileio.csv_text`); ``preamble`` rows
    (notes) go above the header."""
    return csv_text(header, rows, preamble)


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
        sheet.append([str(v) for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and starts_formula(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
    sheet.freeze_panes = f"A{len(preamble) + 2}"
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


def status_rows(screening: Screening) -> list[list[str]]:
    """The rows of ``status.csv``: every record's outcome at every stage it entered."""
    return [[o.record_id, o.stage, o.status, o.reason, o.decided_by, o.note]
            for result in screening.stages for o in (result.outcomes[i] for i in result.entered)]


def agreement_rows(result: StageResult) -> list[list[object]]:
    """The rows of one stage's ``agreement.csv``: each pair of reviewers."""
    return [[a.stage, a.reviewer_a, a.reviewer_b, a.both, a.agreed,
             "" if a.percent is None else f"{a.percent:.1f}",
             "" if a.kappa is None else f"{a.kappa:.3f}"] for a in result.agreement]


def conflict_rows(result: StageResult) -> list[list[str]]:
    """The rows of one stage's ``conflicts.csv``, each with its resolution."""
    return [[c.stage, c.record_id,
             "; ".join(f"{n}: {d}{' (' + r + ')' if r else ''}" for n, d, r in c.decisions),
             c.resolution or "unresolved"] for c in result.conflicts]

