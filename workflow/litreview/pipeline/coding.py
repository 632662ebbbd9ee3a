"""Coding the studies by the review's own form (``screening/coding.yaml``): which records
are coded, the coders' sheets checked and agreed, each study's typology levels, and the
tables the form asks for. Used when the review has a form; the tables and summary speak
only of the form's own fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from litreview.coding import (
    Classified,
    CodedStudy,
    CodingConflict,
    CodingSheet,
    CountTable,
    CrossTable,
    FieldAgreement,
    Form,
    SetAside,
    Table,
    agreed_coding,
    agreement,
    classify,
    conflicts,
    cross,
    frequency,
    load_form,
    read_coding_sheets,
    sheet_override_problems,
    value_problems,
)
from litreview.core.contracts import Status
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.records import Record
from litreview.core.review import Review
from litreview.screening import Criteria, Screening


@dataclass(frozen=True, slots=True)
class Coding:
    """The coding of a review's studies, as far as it has gone."""

    form: Form
    to_code: tuple[str, ...]  # the records the form codes, in order
    studies: tuple[CodedStudy, ...]  # those with an agreed coding
    awaiting: tuple[str, ...]  # not coded yet, or coded differently by the coders
    sheets: tuple[CodingSheet, ...]
    agreement: tuple[FieldAgreement, ...]
    conflicts: tuple[CodingConflict, ...]
    tables: tuple[CountTable | CrossTable, ...]
    set_aside: tuple[SetAside, ...] = ()  # rows of records no longer coded here


def to_code(form: Form, screened: Screening) -> list[str]:
    """The records the form codes: the included studies, or every report that reached
    the form's stage (an automatic exclusion there is no report read)."""
    if form.codes == "included":
        return list(screened.included)
    stage = next(s for s in screened.stages if s.stage.id == form.codes)
    return [rid for rid in stage.entered if stage.outcomes[rid].status != Status.AUTOMATION]


def code_review(root: Path, review: Review, screened: Screening, by_id: Mapping[str, Record],
                aliases: Mapping[str, str],
                study_of: Mapping[str, str] | None = None) -> Coding | None:
    """The review's coding, or None when it has no coding form. Reports of one study
    (``study_of``) are coded once, as the study, under any of their ids. Problems in the
    sheets (a value the form does not allow, an unknown record...) are raised, located; a
    row for a record screened out since it was coded is set aside, not counted."""
    path = root / review.coding
    if not path.is_file():
        return None
    form = load_form(path, tuple(s.stage.id for s in screened.stages))
    coded = to_code(form, screened)
    if study_of and form.codes == "included":
        coded, aliases = per_study(coded, aliases, study_of)
    set_aside: list[SetAside] = []
    sheets, agreed = _agreed(root, review, form, aliases, lambda sheets: _unknown(
        sheets, set(coded), set(by_id), aliases, set_aside))
    studies = []
    for rid in coded:
        if rid in agreed:
            values, levels = agreed[rid]
            record = by_id[rid]
            studies.append(CodedStudy(rid, record.year, record.title, values, levels))
    return Coding(form, tuple(coded), tuple(studies),
                  tuple(rid for rid in coded if rid not in agreed), tuple(sheets),
                  tuple(agreement(form, sheets)), tuple(conflicts(form, sheets)),
                  tuple(count_tables(form, [s.values for s in studies])), tuple(set_aside))


def per_study(included: Sequence[str], aliases: Mapping[str, str],
              study_of: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """The included reports folded into studies, each coded once: a study goes by its
    first report's id, and any id of any of its reports names it."""
    first: dict[str, str] = {}
    for rid in included:
        first.setdefault(study_of.get(rid, rid), rid)
    key = {rid: first[study_of.get(rid, rid)] for rid in included}
    folded = {member: key.get(group, group) for member, group in aliases.items()}
    return list(first.values()), {**{rid: key[rid] for rid in included}, **folded}


def coded_values(root: Path, review: Review, criteria: Criteria,
                 aliases: Mapping[str, str]) -> dict[str, dict[str, str]] | None:
    """Each coded record's agreed coding and typology levels, for the stages whose
    automatic rules read them (None when no rule does: the coding is not read)."""
    rules = [(s.id, r) for s in criteria.stages for r in s.automatic if r.coded]
    if not rules:
        return None
    path = root / review.coding
    if not path.is_file():
        raise InputError(Problem(str(root / review.criteria), f"stage {rules[0][0]}: a rule "
                                 f"reads the coding ('{rules[0][1].coded}') but there is no "
                                 f"coding form", hint=f"write {review.coding}"))
    form = load_form(path, tuple(s.id for s in criteria.stages))
    names = {f.id for f in form.fields} | {t.id for t in form.typologies}
    raise_if([Problem(str(root / review.criteria), f"stage {stage}: a rule reads "
                      f"'{rule.coded}', which the coding form does not have",
                      hint=f"one of: {', '.join(sorted(names))}")
              for stage, rule in rules if rule.coded not in names])
    _, agreed = _agreed(root, review, form, aliases)
    return {rid: values for rid, (values, _) in agreed.items()}


def _agreed(root: Path, review: Review, form: Form, aliases: Mapping[str, str],
            more: Callable[[list[CodingSheet]], list[Problem]] = lambda _: []
            ) -> tuple[list[CodingSheet], dict[str, tuple[dict[str, str], dict[str, Classified]]]]:
    """The coders' sheets, checked (and by ``more``), and each record's agreed coding by its
    record's own id: its values with each typology's level under the typology's id, and
    the levels as classified."""
    sheets = read_coding_sheets(root / review.coding_sheets, form)
    raise_if(value_problems(form, sheets) + sheet_override_problems(form, sheets)
             + more(sheets))
    out = {}
    for rid, values in agreed_coding(form, sheets)[0].items():
        levels = {t.id: classify(t, form, values) for t in form.typologies}
        out[aliases.get(rid, rid)] = ({**values, **{tid: c.level for tid, c in levels.items()}},
                                      levels)
    return sheets, out


def _unknown(sheets: Sequence[CodingSheet], coded: set[str], known: set[str],
             aliases: Mapping[str, str], set_aside: list[SetAside]) -> list[Problem]:
    """A row for a record unknown to the review, as a problem; a row for a record the form
    does not code (screened out since it was coded) is added to ``set_aside``."""
    problems = []
    for sheet in sheets:
        for row in sheet.rows:
            rid = aliases.get(row.record_id, row.record_id)
            if rid in coded:
                continue
            if rid in known:
                set_aside.append(SetAside(row.record_id, row.file, row.line))
                continue
            problems.append(Problem(row.file, f"record '{row.record_id}' is not a record of "
                                    "this review", row.line,
                                    hint="code the records listed in results/screening/"
                                         "included.csv, or the reports of the form's stage, "
                                         "under any of their ids"))
    return problems


def count_tables(form: Form, studies: Sequence[Mapping[str, str]]
                 ) -> list[CountTable | CrossTable]:
    """The form's tables; when it names none, one for each typology and each field with a
    list of values (its text fields are not counted)."""
    tables = form.tables or tuple(
        [Table(field=t.id) for t in form.typologies]
        + [Table(field=f.id) for f in form.fields if f.type in ("one_of", "any_of", "yes_no")])
    return [frequency(form, studies, t.field, t.label) if t.field else
            cross(form, studies, t.rows, t.columns, t.label) for t in tables]
