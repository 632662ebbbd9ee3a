"""Screening: criteria, reviewers' decision sheets, the stages, the tables they write, and
prioritised screening (ranking, replayed screenings, the stopping test).

The ranking, simulation and stopping names load numpy, scipy and scikit-learn, so they are
imported on first use, not with the package; so are the highlighting names (they read
strategies with :mod:`litreview.search`, which screening otherwise does not need), and the
names that read other tools' decisions (they match records by deduplication's keys).
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
    from litreview.screening.asreview import read_asreview
    from litreview.screening.covidence import read_covidence
    from litreview.screening.from_tools import (
        UNMATCHED_COLUMNS,
        Conversion,
        Reasons,
        ToolExport,
        ToolRow,
        Unmatched,
        check_rows,
        convert,
        read_reason_map,
        sheet_target,
        summary,
        unmatched_path,
        write_conversion,
    )
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
    from litreview.screening.rayyan import read_rayyan
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
    from litreview.screening.tool_match import Match, ReviewIndex

#: The names loaded on first use, by the module that holds them.
_LAZY = {
    **dict.fromkeys(("KINDS", "Highlighter", "highlighter", "review_highlighter",
                     "strategy_terms"), "highlight"),
    **dict.fromkeys(("DEFAULT_MODEL", "Model", "best_first", "features", "rank", "record_text",
                     "svm_scores"), "ranking"),
    **dict.fromkeys(("SHARES", "Simulation", "choose_priors", "recall_at", "recall_curve",
                     "recall_svg", "records_to_recall", "simulate", "wss"), "simulation"),
    **dict.fromkeys(("Stopping", "stopping"), "stopping_rule"),
    **dict.fromkeys(("UNMATCHED_COLUMNS", "Conversion", "Reasons", "ToolExport", "ToolRow",
                     "Unmatched", "check_rows", "convert", "read_reason_map", "sheet_target",
                     "summary", "unmatched_path", "write_conversion"), "from_tools"),
    **dict.fromkeys(("Match", "ReviewIndex"), "tool_match"),
    "read_rayyan": "rayyan",
    "read_covidence": "covidence",
    "read_asreview": "asreview",
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "CARRIED_OVER",
    "DEFAULT_MODEL",
    "KINDS",
    "SHARES",
    "UNMATCHED_COLUMNS",
    "WORKBOOK_COLUMNS",
    "Agreement",
    "AutoRule",
    "Conflict",
    "Conversion",
    "Criteria",
    "Criterion",
    "Decision",
    "Highlighter",
    "Match",
    "Model",
    "Outcome",
    "Reasons",
    "ReviewIndex",
    "Screening",
    "Sheet",
    "Simulation",
    "Stage",
    "StageResult",
    "Stopping",
    "ToolExport",
    "ToolRow",
    "Unmatched",
    "agreement_rows",
    "best_first",
    "check_rows",
    "choose_priors",
    "cohen_kappa",
    "conflict_rows",
    "convert",
    "decision_problems",
    "features",
    "highlighter",
    "is_sheet_name",
    "load_criteria",
    "prioritise",
    "rank",
    "read_asreview",
    "read_covidence",
    "read_rayyan",
    "read_reason_map",
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
    "sheet_target",
    "simulate",
    "stage_reasons",
    "status_rows",
    "stopping",
    "strategy_terms",
    "summary",
    "svm_scores",
    "table_csv",
    "to_screen_rows",
    "to_screen_xlsx",
    "unmatched_path",
    "write_conversion",
    "wss",
    "xlsx_bytes",
]
