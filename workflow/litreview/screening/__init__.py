"""Screening: criteria, reviewers' decision sheets, the stages, the tables they write, and
prioritised screening (ranking, replayed screenings, the stopping test).

The ranking, simulation and stopping names load numpy, scipy and scikit-learn, so they are
imported on first use, not with the package; so are the highlighting names (they read
strategies with :mod:`litreview.search`, which screening otherwise does not need).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litreview.core.lazy import lazy_names
from litreview.screening.criteria import AutoRule, Criteria, Criterion, Stage, load_criteria
from litreview.screening.decisions import (
    Decision,
    Sheet,
    decision_problems,
    is_sheet_name,
    read_sheet,
    read_sheets,
    resolve_sheets,
    sheet_problems,
    stage_reasons,
)
from litreview.screening.stages import (
    Agreement,
    Conflict,
    Outcome,
    Screening,
    StageResult,
    cohen_kappa,
    prioritise,
    screen,
)
from litreview.screening.tables import (
    CARRIED_OVER,
    agreement_rows,
    conflict_rows,
    safe_cell,
    status_rows,
    table_csv,
    to_screen_rows,
)
from litreview.screening.workbook import WORKBOOK_COLUMNS, to_screen_xlsx, xlsx_bytes

if TYPE_CHECKING:
    from litreview.screening.highlight import (
        KINDS,
        Highlighter,
        highlighter,
        review_highlighter,
        strategy_terms,
    )
    from litreview.screening.ranking import (
        DEFAULT_MODEL,
        Model,
        best_first,
        features,
        rank,
        record_text,
        svm_scores,
    )
    from litreview.screening.simulation import (
        SHARES,
        Simulation,
        choose_priors,
        recall_at,
        recall_curve,
        recall_svg,
        records_to_recall,
        simulate,
        wss,
    )
    from litreview.screening.stopping_rule import Stopping, stopping

#: The names loaded on first use, by the module that holds them.
_LAZY = {
    **dict.fromkeys(("KINDS", "Highlighter", "highlighter", "review_highlighter",
                     "strategy_terms"), "highlight"),
    **dict.fromkeys(("DEFAULT_MODEL", "Model", "best_first", "features", "rank", "record_text",
                     "svm_scores"), "ranking"),
    **dict.fromkeys(("SHARES", "Simulation", "choose_priors", "recall_at", "recall_curve",
                     "recall_svg", "records_to_recall", "simulate", "wss"), "simulation"),
    **dict.fromkeys(("Stopping", "stopping"), "stopping_rule"),
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "CARRIED_OVER",
    "DEFAULT_MODEL",
    "KINDS",
    "SHARES",
    "WORKBOOK_COLUMNS",
    "Agreement",
    "AutoRule",
    "Conflict",
    "Criteria",
    "Criterion",
    "Decision",
    "Highlighter",
    "Model",
    "Outcome",
    "Screening",
    "Sheet",
    "Simulation",
    "Stage",
    "StageResult",
    "Stopping",
    "agreement_rows",
    "best_first",
    "choose_priors",
    "cohen_kappa",
    "conflict_rows",
    "decision_problems",
    "features",
    "highlighter",
    "is_sheet_name",
    "load_criteria",
    "prioritise",
    "rank",
    "read_sheet",
    "read_sheets",
    "recall_at",
    "recall_curve",
    "recall_svg",
    "record_text",
    "records_to_recall",
    "resolve_sheets",
    "review_highlighter",
    "safe_cell",
    "screen",
    "sheet_problems",
    "simulate",
    "stage_reasons",
    "status_rows",
    "stopping",
    "strategy_terms",
    "svm_scores",
    "table_csv",
    "to_screen_rows",
    "to_screen_xlsx",
    "wss",
    "xlsx_bytes",
]
