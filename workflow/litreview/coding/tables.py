"""The review's frequency tables and cross-tables, counted over the coded studies.

A study is a mapping of field id → the sheet's text (and of typology id → its level). A
field's listed values come first in the form's order, then other values met (open fields;
numbers in numeric order), then the field's ``none`` label for studies with no value. A study
counts once under each value of a multi-valued (any_of) field, so the table says that more
than one may apply; percentages are of the number of studies, n.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from litreview.coding.form import Form, text_of
from litreview.coding.typology import number_of, values_of
from litreview.core.text import markdown_text

MORE_THAN_ONE = "more than one may apply"


@dataclass(frozen=True, slots=True)
class CountTable:
    """How many studies have each value of one field."""

    label: str
    rows: tuple[tuple[str, int], ...]
    n: int  # the number of studies (counts may sum to more when ``multiple``)
    multiple: bool  # more than one may apply

    def percent(self, count: int) -> float:
        return 100.0 * count / self.n if self.n else 0.0


@dataclass(frozen=True, slots=True)
class CrossTable:
    """How many studies have each pair of values of two fields."""

    label: str
    row_values: tuple[str, ...]
    column_values: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[row][column]
    n: int
    multiple: bool

    def percent(self, count: int) -> float:
        return 100.0 * count / self.n if self.n else 0.0


class _Axis:
    """One field (or typology) as a table's axis: each study's values, and their order."""

    def __init__(self, form: Form, name: str):
        self.field = form.field(name)
        self.typology = next((t for t in form.typologies if t.id == name), None)
        if self.field is None and self.typology is None:
            raise ValueError(f"no field or typology '{name}' in the form")
        self.name = name

    @property
    def title(self) -> str:
        if self.field:
            return self.field.title
        assert self.typology
        return self.typology.label or self.name.replace("_", " ").capitalize()

    @property
    def multiple(self) -> bool:
        return self.field is not None and self.field.type == "any_of"

    def values(self, study: Mapping[str, str]) -> list[str]:
        raw = text_of(study.get(self.name, "") or "")
        if self.typology:
            return [raw.strip() or self.typology.unclassified]
        assert self.field
        values = values_of(self.field, raw)
        if self.field.type == "number":
            values = [_number_text(v) for v in values]
        return values or [self.field.none]

    def order(self, met: list[str]) -> list[str]:
        """The values to list: the listed ones (an open field's only when met: its list is
        a vocabulary, not every answer; a typology's unclassified only when met), the
        others met, then the none label."""
        if self.typology:
            first = [level.level for level in self.typology.levels]
            return first + [v for v in met if v not in first]
        assert self.field
        first, none = list(self.field.choices), self.field.none
        if self.field.open:
            first = [v for v in first if v in met]
        others = [v for v in met if v not in first and v != none]
        if self.field.type == "number":
            others.sort(key=_numeric_key)
        return first + others + ([none] if none in met and none not in first else [])


def _number_text(value: str) -> str:
    number = number_of(value)
    return value if number is None else text_of(number)


def _numeric_key(value: str) -> tuple[int, float, str]:
    number = number_of(value)
    return (0, number, "") if number is not None else (1, 0.0, value)


def _met(axis: _Axis, studies: Sequence[Mapping[str, str]]) -> list[str]:
    met: list[str] = []
    for study in studies:
        met += [v for v in axis.values(study) if v not in met]
    return met


def frequency(form: Form, studies: Sequence[Mapping[str, str]], field_id: str,
              label: str = "") -> CountTable:
    """How many of ``studies`` have each value of ``field_id`` (a field or a typology)."""
    axis = _Axis(form, field_id)
    counts: dict[str, int] = {}
    for study in studies:
        for value in axis.values(study):
            counts[value] = counts.get(value, 0) + 1
    rows = tuple((value, counts.get(value, 0)) for value in axis.order(_met(axis, studies)))
    return CountTable(label or axis.title, rows, len(studies), axis.multiple)


def cross(form: Form, studies: Sequence[Mapping[str, str]], rows_id: str, columns_id: str,
          label: str = "") -> CrossTable:
    """How many of ``studies`` have each value of ``rows_id`` with each of ``columns_id``."""
    down, across = _Axis(form, rows_id), _Axis(form, columns_id)
    row_values = down.order(_met(down, studies))
    column_values = across.order(_met(across, studies))
    grid = [[0] * len(column_values) for _ in row_values]
    for study in studies:
        for r in down.values(study):
            for c in across.values(study):
                grid[row_values.index(r)][column_values.index(c)] += 1
    return CrossTable(label or f"{down.title} by {across.title}", tuple(row_values),
                      tuple(column_values), tuple(tuple(row) for row in grid), len(studies),
                      down.multiple or across.multiple)


#: The header of :func:`table_csv_rows`: one line per count, so that tables stack.
CSV_HEADER = ["table", "row", "column", "studies", "percent", "of", "more_than_one"]


def table_csv_rows(table: CountTable | CrossTable) -> list[list[str]]:
    """The table's lines under :data:`CSV_HEADER` (a frequency table's column is empty)."""
    multiple = "yes" if table.multiple else "no"
    if isinstance(table, CountTable):
        cells = [(value, "", count) for value, count in table.rows]
    else:
        cells = [(r, c, table.counts[i][j]) for i, r in enumerate(table.row_values)
                 for j, c in enumerate(table.column_values)]
    return [[table.label, r, c, str(k), f"{table.percent(k):.1f}", str(table.n), multiple]
            for r, c, k in cells]


def table_markdown(table: CountTable | CrossTable) -> str:
    """The table in plain Markdown: a heading, counts with percentages of n, and a note
    when more than one may apply."""
    lines = [f"### {markdown_text(table.label)}", ""]
    if table.multiple:
        lines += [f"Note: {MORE_THAN_ONE}, so percentages need not total 100.", ""]
    if isinstance(table, CountTable):
        lines += ["| | studies | per cent |", "| --- | ---: | ---: |"]
        lines += [f"| {markdown_text(value)} | {k} | {table.percent(k):.1f} |"
                  for value, k in table.rows]
        lines.append(f"| *all studies (n)* | {table.n} | |")
    else:
        lines.append("| | " + " | ".join(markdown_text(c) for c in table.column_values) + " |")
        lines.append("| --- |" + " ---: |" * len(table.column_values))
        lines += [f"| {markdown_text(r)} | " + " | ".join(f"{k} ({table.percent(k):.0f}%)"
                                               for k in table.counts[i]) + " |"
                  for i, r in enumerate(table.row_values)]
        lines += ["", f"n = {table.n} studies; per cent of n."]
    return "\n".join(lines) + "\n"
