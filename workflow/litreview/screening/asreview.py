"""ASReview LAB's exported dataset read as decisions: the imported data with its labels
added (CSV, TSV, Excel or RIS). A table's ``included`` column (``asreview_label`` in later
versions) holds ``1`` (relevant: include), ``0`` (irrelevant: exclude), and nothing (or
``-1``) for a record not seen; ``asreview_ranking`` orders them. RIS keeps the label in
``N1`` (``ASReview_relevant``, ``ASReview_irrelevant``, ``ASReview_not_seen``). The
dataset's own ``record_id`` column names the record when it came from this review (a
number is ASReview LAB's own and is not read as an id).
"""

from __future__ import annotations

from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.core.sheets import Row, read_table
from litreview.screening.from_tools import ToolExport, ToolRow, is_ris, ris_field, ris_records

#: The columns that hold the label, as ASReview LAB's versions name them.
LABEL_COLUMNS = ("included", "asreview_label", "label_included", "final_included")
_LABELS = {"1": "include", "1.0": "include", "0": "exclude", "0.0": "exclude", "-1": "",
           "-1.0": "", "": "", "nan": ""}
_RIS_LABELS = {"asreview_relevant": "include", "asreview_irrelevant": "exclude",
               "asreview_not_seen": ""}


def read_asreview(path: str | Path) -> ToolExport:
    """The rows of an ASReview LAB export, a label of 1 an include and 0 an exclude."""
    path = Path(path)
    return _ris(path) if is_ris(path) else _table(path)


def _table(path: Path) -> ToolExport:
    table = read_table(path)
    column = next((c for c in LABEL_COLUMNS if c in table.header), "")
    if not column:
        raise InputError(Problem(str(path), "no label column: not a dataset exported from "
                                 "ASReview LAB", table.header_line,
                                 hint=f"it adds one of: {', '.join(LABEL_COLUMNS)}"))
    rows = []
    for row in table:
        label = row[column].strip()
        if label not in _LABELS:
            raise InputError(Problem(str(path), f"label '{label}' in column '{column}' is not "
                                     "1, 0 or empty", row.line))
        rows.append(ToolRow(row.line, _LABELS[label], _own_id(row),
                            row["doi"], _text(row, "title", "primary_title", "ti"),
                            _text(row, "year", "publication_year", "py"), (),
                            _text(row, "notes", "exported_notes_1")))
    return ToolExport("ASReview LAB", str(path), tuple(rows))


def _ris(path: Path) -> ToolExport:
    rows = []
    for record in ris_records(path, "asreview"):
        notes = ris_field(record, "N1")
        labels = [_RIS_LABELS[w.strip().casefold()] for w in notes.replace("|", " ").split()
                  if w.strip().casefold() in _RIS_LABELS]
        ids = tuple(v for v in (record.source_id,) if v)
        rows.append(ToolRow(record.source_line, labels[0] if labels else "", ids, record.doi,
                            record.title, record.year))
    return ToolExport("ASReview LAB", str(path), tuple(rows))


def _own_id(row: Row) -> tuple[str, ...]:
    """The dataset's ``record_id``, when it is one of the review's: ASReview LAB numbers
    the records of a dataset that had none 0, 1, 2…, which name nothing here."""
    value = row["record_id"]
    return (value,) if value and not value.isdigit() else ()


def _text(row: Row, *columns: str) -> str:
    return next((row[c] for c in columns if row[c]), "")
