"""Reviewers' decision sheets: reading them, checking each row, and reading a bare
accession number as the record it names.

A sheet is ``screening/decisions/<stage>.csv`` (the consensus or resolution sheet) or
``<stage>-<reviewer>.csv`` (one reviewer's), CSV or XLSX. The workflow reads decision
sheets and never writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from litreview.core.contracts import DECISIONS, NOT_RETRIEVED, SHEET_COLUMNS, TO_SCREEN_COLUMNS
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.fileio import restore
from litreview.core.records import RecordIdError, RecordIds
from litreview.core.sheets import is_sheet, read_table
from litreview.screening.criteria import Criteria, Stage


@dataclass(frozen=True, slots=True)
class Decision:
    """One row of a decision sheet, with where it stands (file and line)."""

    record_id: str
    decision: str
    reason: str
    reviewer: str
    date: str
    note: str
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Sheet:
    """One decision sheet as read: its stage, its reviewer, its decisions."""

    stage: str
    reviewer: str  # "" for the consensus sheet
    path: str
    decisions: tuple[Decision, ...]
    warnings: tuple[Problem, ...] = ()  # read, but say how (a legacy encoding, say)


_SHEET_NAME = re.compile(r"^(?P<stage>[a-z][a-z0-9_]*)(?:-(?P<reviewer>[A-Za-z0-9_.]+))?$")


def is_sheet_name(stem: str) -> bool:
    """Whether ``stem`` names a decision sheet: ``<stage>`` or ``<stage>-<reviewer>``."""
    return _SHEET_NAME.fullmatch(stem) is not None


def read_sheet(path: str | Path, stages: Iterable[str]) -> Sheet:
    """One decision sheet, its name telling the stage and reviewer.

    On a reviewer's sheet ``<stage>-<reviewer>``, a ``reviewer`` cell naming someone else
    is an error: whose decision it is must not depend on which of the two one believes.
    """
    path = Path(path)
    match = _SHEET_NAME.match(path.stem)
    stage_ids = list(stages)
    if match is None or match.group("stage") not in stage_ids:
        raise InputError(Problem(str(path), "sheet name does not name a stage",
                                 hint=f"name it <stage>[-<reviewer>]{path.suffix}, stage one of "
                                      f"{', '.join(stage_ids)}"))
    file_reviewer = match.group("reviewer") or ""
    table = read_table(path, header_has="record_id")
    header, warnings = table.header, list(table.warnings)
    # a row not decided yet (no decision, no reason) is no decision: a reviewer may keep
    # the records still to screen, and notes on them, in the sheet
    # a cell the workflow (or the app) wrote through neutralise ('=1+1) reads as its text
    rows = [(row.line, {k: restore(v) for k, v in row.cells.items()})
            for row in table if row["decision"] or row["reason"]]
    if "record_id" not in header or "decision" not in header:
        raise InputError(Problem(str(path), "sheet lacks a record_id or decision column",
                                 table.header_line, hint=f"columns: {', '.join(SHEET_COLUMNS)}"))
    unread = table.unknown((*TO_SCREEN_COLUMNS, "score"))  # to_screen's own may stay
    if unread:
        warnings.append(Problem(str(path), "column(s) " + ", ".join(f"'{c}'" for c in unread)
                                + " not read", table.header_line,
                                hint=f"a decision sheet's columns: {', '.join(SHEET_COLUMNS)}"))
    problems = [
        Problem(str(path), f"reviewer '{row['reviewer']}' on the sheet of reviewer "
                f"'{file_reviewer}'", line,
                hint=f"move the row to {match.group('stage')}-{row['reviewer']}{path.suffix}, "
                     f"or correct the reviewer column")
        for line, row in rows
        if file_reviewer and row.get("reviewer", "").casefold() not in ("",
                                                                        file_reviewer.casefold())]
    raise_if(problems)
    decisions = tuple(
        Decision(row.get("record_id", ""), row.get("decision", "").lower(),
                 row.get("reason", ""), file_reviewer or row.get("reviewer", ""),
                 row.get("date", ""), row.get("note", ""), str(path), line)
        for line, row in rows)
    return Sheet(match.group("stage"), file_reviewer, str(path), decisions, tuple(warnings))


def read_sheets(folder: str | Path, stages: Iterable[str]) -> list[Sheet]:
    """Every decision sheet in ``folder`` (none when it does not exist); the problems of
    all the sheets are raised together."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stage_ids = list(stages)
    files = sorted(p for p in folder.iterdir() if is_sheet(p))
    problems: list[Problem] = []
    sheets = []
    for path in files:
        try:
            sheets.append(read_sheet(path, stage_ids))
        except InputError as error:
            problems.extend(error.problems)
    raise_if(problems)
    return sheets


def _decision_problems(d: Decision, stage: Stage, criteria: Criteria) -> list[Problem]:
    """What is wrong with one decision: a decision word not in :data:`DECISIONS`, else its
    reason, date or note."""
    if d.decision not in DECISIONS:
        return [Problem(d.file, f"decision '{d.decision}' is not one of "
                        f"{'|'.join(DECISIONS)}", d.line)]
    return _row_problems(d, stage, criteria)


def sheet_problems(sheets: Sequence[Sheet], criteria: Criteria) -> list[Problem]:
    """What is wrong with the sheets whatever the records say: decisions, reasons, notes,
    and a record id decided twice. Checked before any job runs."""
    stages = {s.id: s for s in criteria.stages}
    problems = [p for sheet in sheets for d in sheet.decisions
                for p in _decision_problems(d, stages[sheet.stage], criteria)]
    ids = {d.record_id: d.record_id for sheet in sheets for d in sheet.decisions}
    return problems + _twice_decided(sheets, ids)


def decision_problems(sheets: Sequence[Sheet], criteria: Criteria,
                      aliases: Mapping[str, str]) -> list[Problem]:
    """:func:`sheet_problems` against the records: a decision on an id no record has (nor
    any member of a duplicate group, in ``aliases``) is a problem too."""
    stages = {s.id: s for s in criteria.stages}
    problems = []
    for sheet in sheets:
        for d in sheet.decisions:
            if d.record_id not in aliases:
                problems.append(Problem(d.file, f"unknown record id '{d.record_id}'", d.line,
                                        hint="copy ids from results/screening/<stage>/"
                                             "to_screen.csv"))
            else:
                problems += _decision_problems(d, stages[sheet.stage], criteria)
    return problems + _twice_decided(sheets, aliases)



def stage_reasons(stage: Stage, criteria: Criteria) -> tuple[str, ...]:
    """The reasons a decision may give at a stage: its criteria (all, when it names none),
    and at a full-text stage ``not_retrieved``."""
    ids = stage.criteria or tuple(c.id for c in criteria.criteria)
    return (*ids, *((NOT_RETRIEVED,) if stage.kind == "eligibility" else ()))


def _row_problems(d: Decision, stage: Stage, criteria: Criteria) -> list[Problem]:
    """What is wrong with one decision's reason and note at its stage."""
    where = dict(file=d.file, line=d.line)
    if d.date and not _is_date(d.date):  # dates order the decisions for the stopping test
        return [Problem(message=f"date '{d.date}' is not a date written YYYY-MM-DD",
                        hint="write the date as 2008-10-13, or leave it empty", **where)]
    allowed = set(stage_reasons(stage, criteria))
    if d.reason and d.reason not in allowed:
        known = d.reason in criteria.ids
        return [Problem(message=(f"criterion '{d.reason}' is not applied at {stage.id}" if known
                                 else f"unknown reason '{d.reason}'"),
                        hint=f"use one of: {', '.join(sorted(allowed))}", **where)]
    if d.decision == "exclude" and d.reason in criteria.ids and \
            not criteria.criterion(d.reason).excludes:
        return [Problem(message=f"criterion '{d.reason}' does not exclude",
                        hint="give a criterion that excludes, or include", **where)]
    if d.decision == "exclude" and not d.reason and stage.reason_required:
        return [Problem(message=f"exclusion at {stage.id} without a reason",
                        hint="give the criterion the record fails", **where)]
    if d.decision == "exclude" and d.reason == NOT_RETRIEVED and not d.note:
        return [Problem(message=f"record '{d.record_id}' not retrieved, with no note",
                        hint="say why it was not retrieved in the note column (no library "
                             "holds it, the authors did not reply, ...)", **where)]
    return []


def _is_date(text: str) -> bool:
    import datetime as dt

    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and bool(
            dt.date.fromisoformat(text))
    except ValueError:
        return False


def _twice_decided(sheets: Sequence[Sheet], aliases: Mapping[str, str]) -> list[Problem]:
    """A record decided twice at one stage by one reviewer, or twice on the resolution
    sheet(s), in one file or across files: each later row names the first."""
    problems = []
    seen: dict[tuple[str, str, str], Decision] = {}
    for sheet in sheets:
        for d in sheet.decisions:
            if d.record_id not in aliases:
                continue
            key = (sheet.stage, aliases[d.record_id], sheet.reviewer.casefold())
            first = seen.setdefault(key, d)
            if first is d:
                continue
            who = f"reviewer '{sheet.reviewer}'" if sheet.reviewer else "the resolution sheet"
            same = "the same decision" if (first.decision, first.reason) == (
                d.decision, d.reason) else "a conflicting decision"
            alias = f" (as '{first.record_id}', the same work)" \
                if first.record_id != d.record_id else ""
            problems.append(Problem(
                d.file, f"record '{d.record_id}' decided twice at {sheet.stage} by {who}: "
                f"{same} at {first.file}:{first.line}{alias}", d.line,
                hint="keep one row per record and reviewer"))
    return problems


def resolve_sheets(sheets: Sequence[Sheet],
                   ids: Iterable[str]) -> tuple[list[Sheet], list[Problem]]:
    """The sheets with each decision's id as the record's own: a bare accession number
    (``EJ1181769`` for ``eric-EJ1181769``) that names one record is read as its id, in
    memory only (the sheet on disk is a person's and stays as written). One naming
    several records is a located problem listing them; an unknown id is left for the
    caller to report."""
    index = RecordIds(ids)
    problems = []
    out = []
    for sheet in sheets:
        decisions = []
        for d in sheet.decisions:
            if d.record_id and d.record_id not in index.ids:
                try:
                    d = replace(d, record_id=index.resolve(d.record_id))
                except RecordIdError as error:
                    if error.candidates:
                        problems.append(Problem(d.file, f"record id {error}", d.line))
            decisions.append(d)
        out.append(replace(sheet, decisions=tuple(decisions)))
    return out, problems

