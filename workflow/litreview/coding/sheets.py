"""The coders' sheets: reading them, checking each cell against the form, the coders'
agreement per field, their conflicts, and the coding agreed for each record.

Sheets live in one folder (``screening/coding/``): ``coding.csv`` is the agreed sheet,
``coding-<coder>.csv`` (or ``.xlsx``) one coder's. Their columns are the form's
(:attr:`Form.columns`). The workflow reads coding sheets and never writes them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from litreview.coding.form import YES_NO, Field, Form, Typology
from litreview.coding.typology import canonical, number_of, override_problems, values_of
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.fileio import restore
from litreview.core.sheets import is_sheet, read_table
from litreview.screening import cohen_kappa

_SHEET_NAME = re.compile(r"^coding(?:-(?P<coder>[A-Za-z0-9_.]+))?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Coded:
    """One row of a coding sheet: a record's values by column, and where it stands."""

    record_id: str
    values: Mapping[str, str]  # every column of the form but record_id ("" when empty)
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class CodingSheet:
    """One coding sheet as read: whose it is, its rows, what was said on reading."""

    coder: str  # "" for the agreed sheet
    path: str
    rows: tuple[Coded, ...]
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """Two coders' agreement on one field, over the records both coded."""

    field: str
    coder_a: str
    coder_b: str
    both: int
    agreed: int
    kappa: float | None  # one_of and yes_no fields only

    @property
    def percent(self) -> float | None:
        return 100.0 * self.agreed / self.both if self.both else None


@dataclass(frozen=True, slots=True)
class CodingConflict:
    """A record the coders coded differently on one column."""

    record_id: str
    field: str
    values: tuple[tuple[str, str], ...]  # (coder, value as written), by coder
    agreed: str | None  # the agreed sheet's value, None when it has no row for the record


def read_coding_sheet(path: str | Path, form: Form) -> CodingSheet:
    """One coding sheet, its name telling the coder. A missing record_id column or a
    missing column of a required field is a located error; other columns are warned of;
    a row with nothing coded (a record still to code) is skipped."""
    path = Path(path)
    match = _SHEET_NAME.match(path.stem)
    if match is None:
        raise InputError(Problem(str(path), "not a coding sheet's name",
                                 hint=f"name it coding{path.suffix} (the agreed sheet) or "
                                      f"coding-<coder>{path.suffix}"))
    table = read_table(path, header_has="record_id")
    required = ["record_id", *(f.id for f in form.fields if f.required)]
    table.require(required, hint=f"a coding sheet's columns: {', '.join(form.columns)}")
    warnings = list(table.warnings)
    unread = table.unknown(form.columns)
    if unread:
        warnings.append(Problem(str(path), "column(s) " + ", ".join(f"'{c}'" for c in unread)
                                + " not read", table.header_line,
                                hint=f"a coding sheet's columns: {', '.join(form.columns)}"))
    coded = form.columns[1:]
    rows, problems = [], []
    for row in table:
        values = {c: restore(row[c]) for c in coded}
        if not any(values.values()):
            continue
        record_id = restore(row["record_id"])
        if not record_id:
            problems.append(Problem(str(path), "a coded row without a record_id", row.line,
                                    hint="copy the record's id into the record_id column"))
        rows.append(Coded(record_id, values, str(path), row.line))
    raise_if(problems)
    return CodingSheet(match.group("coder") or "", str(path), tuple(rows), tuple(warnings))


def read_coding_sheets(folder: str | Path, form: Form) -> list[CodingSheet]:
    """Every coding sheet in ``folder`` (none when it does not exist), the agreed sheet
    first; the problems of all the sheets are raised together."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    problems: list[Problem] = []
    sheets: list[CodingSheet] = []
    for path in sorted(p for p in folder.iterdir() if is_sheet(p)):
        try:
            sheets.append(read_coding_sheet(path, form))
        except InputError as error:
            problems.extend(error.problems)
    seen: dict[str, CodingSheet] = {}
    for sheet in sheets:
        first = seen.setdefault(sheet.coder.casefold(), sheet)
        if first is not sheet:
            whose = f"coder '{sheet.coder}'" if sheet.coder else "the agreed coding"
            problems.append(Problem(sheet.path, f"a second sheet of {whose}, besides "
                                    f"{first.path}", hint="keep one sheet per coder"))
    raise_if(problems)
    return sorted(sheets, key=lambda s: (s.coder != "", s.coder.casefold()))


def spelt(field: Field, value: str) -> str:
    """A whole cell as the form spells it: a listed value matched without case (yes/no
    too), an any_of cell's values in the form's order (values not listed after them)."""
    if field.type != "any_of":
        return canonical(field, " ".join(value.split()))
    given = values_of(field, " ".join(value.split()))
    return "; ".join([v for v in field.values if v in given]
                     + sorted(v for v in given if v not in field.values))


def _cell_problem(field: Field, value: str) -> tuple[str, str] | None:
    """What is wrong with one non-empty cell of ``field``: (message, hint), or None."""
    if field.type == "yes_no" and canonical(field, value) not in YES_NO:
        return (f"'{value}' in '{field.id}' is not yes or no",
                "write yes or no (Yes, NO and the like are read too)")
    if field.type in ("one_of", "any_of") and not field.open:
        wrong = [v for v in values_of(field, value) if v not in field.values]
        if wrong:
            close = difflib.get_close_matches(wrong[0], field.values, n=1, cutoff=0.6)
            maybe = f"did you mean '{close[0]}'? " if close else ""
            return (f"value '{wrong[0]}' is not allowed in '{field.id}'",
                    f"{maybe}one of: {', '.join(field.values)}"
                    + ("; separate values with '; '" if field.type == "any_of" else ""))
    if field.type == "number":
        found = number_of(value)
        if found is None:
            return f"'{value}' in '{field.id}' is not a number", "write a number, as 12 or 0.5"
        if (field.min is not None and found < field.min) or (
                field.max is not None and found > field.max):
            bounds = f"from {_text(field.min)}" if field.min is not None else ""
            bounds += f" up to {_text(field.max)}" if field.max is not None else ""
            return f"{value} in '{field.id}' is out of range", f"a number {bounds.strip()}"
    return None


def _text(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


def value_problems(form: Form, sheets: Sequence[CodingSheet]) -> list[Problem]:
    """Every cell checked against its field, each problem located: a value not allowed, a
    yes/no or a number that is not one, a number out of range, a required field left
    empty, a record coded twice in one sheet."""
    problems = []
    for sheet in sheets:
        first: dict[str, Coded] = {}
        for row in sheet.rows:
            for field in form.fields:
                value = row.values.get(field.id, "")
                if not value and field.required:
                    problems.append(Problem(row.file, f"required field '{field.id}' is empty "
                                            f"for '{row.record_id}'", row.line,
                                            hint=f"code {field.title}"))
                found = _cell_problem(field, value) if value else None
                if found:
                    problems.append(Problem(row.file, found[0], row.line, hint=found[1]))
            earlier = first.setdefault(row.record_id, row) if row.record_id else row
            if earlier is not row:
                problems.append(Problem(row.file, f"record '{row.record_id}' coded twice in "
                                        f"this sheet (first at line {earlier.line})", row.line,
                                        hint="keep one row per record"))
    return problems


def sheet_override_problems(form: Form, sheets: Sequence[CodingSheet]) -> list[Problem]:
    """Each typology override on the sheets checked (:func:`override_problems`): a level
    the typology has, and a reason given."""
    return [p for typology, _ in _overrides(form) for sheet in sheets
            for p in override_problems(typology, [
                (r.line, {**r.values, "record_id": r.record_id}) for r in sheet.rows],
                sheet.path)]


def _overrides(form: Form) -> list[tuple[Typology, tuple[str, str]]]:
    """Each typology a coder may override, with its (level, reason) columns."""
    return [(t, t.override) for t in form.typologies if t.override]


def _key(field: Field | None, value: str) -> object:
    """What two coders' values are compared by: the same set of values for an any_of
    field, the same number, text without case or extra spaces."""
    if field is None or field.type == "text":
        return " ".join(value.split()).casefold()
    if field.type == "any_of":
        return frozenset(v.casefold() for v in values_of(field, value))
    if field.type == "number":
        found = number_of(value)
        return found if found is not None else value.strip()
    return spelt(field, value).casefold()


def _by_record(sheet: CodingSheet) -> dict[str, Coded]:
    """A sheet's rows by record (the first of a record coded twice)."""
    out: dict[str, Coded] = {}
    for row in sheet.rows:
        if row.record_id:
            out.setdefault(row.record_id, row)
    return out


def agreement(form: Form, sheets: Sequence[CodingSheet]) -> list[FieldAgreement]:
    """Each field's agreement for each pair of coders, over the records both coded: Cohen's
    kappa and percent for one_of and yes_no fields, percent for the others."""
    coders = [(s.coder, _by_record(s)) for s in sheets if s.coder]
    out = []
    for (a, rows_a), (b, rows_b) in combinations(coders, 2):
        both = [r for r in rows_a if r in rows_b]
        for field in form.fields:
            pairs = [(_key(field, rows_a[r].values.get(field.id, "")),
                      _key(field, rows_b[r].values.get(field.id, ""))) for r in both]
            kappa = cohen_kappa([(str(x), str(y)) for x, y in pairs]) \
                if field.type in ("one_of", "yes_no") else None
            out.append(FieldAgreement(field.id, a, b, len(both),
                                      sum(x == y for x, y in pairs), kappa))
    return out


def _columns(form: Form) -> list[tuple[str, Field | None]]:
    """The columns compared and agreed: each field, and each override's level (its reason
    follows the level)."""
    levels = [column for _, (column, _) in _overrides(form)]
    return [(f.id, f) for f in form.fields] + [(c, None) for c in levels]


def conflicts(form: Form, sheets: Sequence[CodingSheet]) -> list[CodingConflict]:
    """Each record and column the coders coded differently (over the coders who coded the
    record), with the agreed sheet's value when it has a row for the record."""
    agreed = next((_by_record(s) for s in sheets if not s.coder), {})
    coders = [(s.coder, _by_record(s)) for s in sheets if s.coder]
    out = []
    for record_id in _records(coders):
        rows = [(coder, rows[record_id]) for coder, rows in coders if record_id in rows]
        for column, field in _columns(form):
            values = tuple((coder, row.values.get(column, "")) for coder, row in rows)
            if len({_key(field, v) for _, v in values}) > 1:
                final = agreed[record_id].values.get(column, "") \
                    if record_id in agreed else None
                out.append(CodingConflict(record_id, column, values, final))
    return out


def _records(coders: Sequence[tuple[str, dict[str, Coded]]]) -> list[str]:
    return list(dict.fromkeys(r for _, rows in coders for r in rows))


def _row_coding(form: Form, row: Coded) -> dict[str, str]:
    fields = {f.id: f for f in form.fields}
    return {c: spelt(fields[c], v) if c in fields else " ".join(v.split())
            for c, v in row.values.items()}


def agreed_coding(form: Form, sheets: Sequence[CodingSheet]
                  ) -> tuple[dict[str, dict[str, str]], tuple[str, ...]]:
    """Each record's coding, and the records awaiting agreement.

    A record's coding is its row on the agreed sheet when there is one; else, when every
    coder who coded it gave the same values, theirs (an override's reasons joined when the
    coders worded them differently); else the record awaits agreement. Values are spelt as
    the form spells them (:func:`spelt`)."""
    agreed = next((_by_record(s) for s in sheets if not s.coder), {})
    coding = {r: _row_coding(form, row) for r, row in agreed.items()}
    coders = [_by_record(s) for s in sheets if s.coder]
    disputed = {c.record_id for c in conflicts(form, sheets)}
    awaiting = []
    for record_id in _records([("", rows) for rows in coders]):
        if record_id in coding:
            continue
        if record_id in disputed:
            awaiting.append(record_id)
            continue
        rows = [rows[record_id] for rows in coders if record_id in rows]
        coding[record_id] = _row_coding(form, rows[0])
        for _, (_, reason) in _overrides(form):
            given = [r.values.get(reason, "").strip() for r in rows]
            coding[record_id][reason] = " | ".join(dict.fromkeys(g for g in given if g))
    return coding, tuple(awaiting)
