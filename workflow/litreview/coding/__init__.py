"""Coding the studies: the review's coding form, the coders' sheets and their agreement,
the typology levels, the tables and the appraisal figure.

The modules, in the order the coding meets them: :mod:`~litreview.coding.form` (the form
file ``screening/coding.yaml``, checked, with the ready-made forms of ``coding/forms/``
it may include: ``curee-table10``, ``eppi-woe``, ``mmat``, ``casp-qualitative``),
:mod:`~litreview.coding.sheets` (``coding.csv`` agreed and ``coding-<coder>.csv`` sheets:
values checked, agreement per field, conflicts, the agreed coding),
:mod:`~litreview.coding.typology` (each study's level by the typology's ordered rules,
overrides with their reasons), :mod:`~litreview.coding.tables` (frequency and
cross-tables), :mod:`~litreview.coding.appraisal_figure` (traffic lights and stacked
bars, as robvis draws them) and :mod:`~litreview.coding.summary` (the summary a reader
sees: sentences from the numbers, the tables, each study's levels).
"""

from __future__ import annotations

from litreview.coding.appraisal_figure import (
    appraisal_svg,
    judgement_colour,
    stacked_bars,
    traffic_lights,
)
from litreview.coding.form import (
    CONDITIONS,
    READY,
    Condition,
    Field,
    Form,
    Level,
    Table,
    Typology,
    load_form,
    text_of,
)
from litreview.coding.sheets import (
    Coded,
    CodingConflict,
    CodingSheet,
    FieldAgreement,
    agreed_coding,
    agreement,
    conflicts,
    read_coding_sheet,
    read_coding_sheets,
    sheet_override_problems,
    spelt,
    value_problems,
)
from litreview.coding.summary import (
    CodedStudy,
    SetAside,
    appraisal_labels,
    narrative,
    studies_table,
    summary_markdown,
)
from litreview.coding.tables import (
    CSV_HEADER,
    MORE_THAN_ONE,
    CountTable,
    CrossTable,
    cross,
    frequency,
    table_csv_rows,
    table_markdown,
)
from litreview.coding.typology import (
    Classified,
    classify,
    computed_level,
    holds,
    in_words,
    number_of,
    override_problems,
    values_of,
)

__all__ = [
    "CONDITIONS",
    "CSV_HEADER",
    "MORE_THAN_ONE",
    "READY",
    "Classified",
    "Coded",
    "CodedStudy",
    "CodingConflict",
    "CodingSheet",
    "Condition",
    "CountTable",
    "CrossTable",
    "Field",
    "FieldAgreement",
    "Form",
    "Level",
    "SetAside",
    "Table",
    "Typology",
    "agreed_coding",
    "agreement",
    "appraisal_labels",
    "appraisal_svg",
    "classify",
    "computed_level",
    "conflicts",
    "cross",
    "frequency",
    "holds",
    "in_words",
    "judgement_colour",
    "load_form",
    "narrative",
    "number_of",
    "override_problems",
    "read_coding_sheet",
    "read_coding_sheets",
    "sheet_override_problems",
    "spelt",
    "stacked_bars",
    "studies_table",
    "summary_markdown",
    "table_csv_rows",
    "table_markdown",
    "text_of",
    "traffic_lights",
    "value_problems",
    "values_of",
]
