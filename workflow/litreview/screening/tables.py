"""The tables screening writes: the sheet to screen from (CSV and XLSX), every record's
status, each stage's agreement and conflicts. Every cell is formula-safe."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from litreview.core.contracts import SHEET_COLUMNS, Status
from litreview.core.fileio import csv_text, neutralise
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
                     r.doi, link, "; ".join(r.keywords), "; ".join(r.subjects), status,
                     *[""] * (len(SHEET_COLUMNS) - 1)])
    return rows


def table_csv(header: Sequence[str], rows: Iterable[Sequence[object]],
              preamble: Sequence[Sequence[str]] = ()) -> str:
    """A CSV table, formula-safe (:func:`litreview.core.fileio.csv_text`); ``preamble`` rows
    (notes) go above the header."""
    return csv_text(header, rows, preamble)


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

