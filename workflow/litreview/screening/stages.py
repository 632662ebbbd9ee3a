"""Screening in stages: criteria, automatic rules, reviewers' decisions, conflicts.

Stages run in the order of ``screening/criteria.yaml``. A stage sees only the records
included at the stage before. Each record's outcome at a stage comes from, in order:
an automatic rule it fails; the consensus sheet ``<stage>.csv``; the reviewers' sheets
``<stage>-<reviewer>.csv`` when they agree. Otherwise it awaits a decision.

The workflow reads decision sheets and never writes them.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from litreview.core.contracts import (  # noqa: F401 (screening's vocabulary)
    AGREEMENT_COLUMNS,
    DECISIONS,
    NOT_RETRIEVED,
    SHEET_COLUMNS,
    STATUS_COLUMNS,
    TO_SCREEN_COLUMNS,
    Status,
)
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.fileio import csv_text, neutralise, starts_formula
from litreview.core.languages import normalise_language
from litreview.core.records import DOCUMENT_TYPES, Record, RecordIdError, RecordIds
from litreview.core.schema import line_of as yaml_line
from litreview.core.schema import read_yaml, validate
from litreview.core.sheets import read_table


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    text: str
    excludes: bool = True


@dataclass(frozen=True, slots=True)
class AutoRule:
    """Exclude, with ``criterion`` as reason, records whose ``field`` fails the test."""

    criterion: str
    field: str
    min: int | None = None
    max: int | None = None
    allowed: tuple[str, ...] = ()

    def fails(self, record: Record) -> bool:
        """True when the record's field is known and breaks the rule; unknown passes
        (a person decides what a record does not say)."""
        if self.field == "year":
            if not record.year:
                return False
            year = int(record.year)
            return (self.min is not None and year < self.min) or (
                self.max is not None and year > self.max)
        if not self.allowed:
            return False
        if self.field == "language":  # "en", "eng", "English" are one; any allowed passes
            values = languages(record.language)
            return bool(values) and not values & languages(*self.allowed)
        if self.field == "type":  # "other" says nothing about what the record is
            value = "" if record.type == "other" else record.type
        else:
            value = str(getattr(record, self.field, ""))
        return bool(value) and value.casefold() not in {a.casefold() for a in self.allowed}


def languages(*values: str) -> frozenset[str]:
    """The languages named in ``values`` as the importers normalise them, casefolded."""
    return frozenset(name.casefold() for value in values
                     for name in normalise_language(value).split("; ") if name)


@dataclass(frozen=True, slots=True)
class Stage:
    id: str
    name: str
    kind: Literal["screening", "eligibility"]
    reason_required: bool
    automatic: tuple[AutoRule, ...] = ()
    criteria: tuple[str, ...] = ()  # the criteria applied here; empty means all


@dataclass(frozen=True, slots=True)
class Criteria:
    criteria: tuple[Criterion, ...]
    stages: tuple[Stage, ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)

    def text(self, criterion_id: str) -> str:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion.text
        return "report not retrieved" if criterion_id == NOT_RETRIEVED else criterion_id


def load_criteria(path: str | Path) -> Criteria:
    path = Path(path)
    data, text = read_yaml(path)
    raise_if(validate(data, "criteria", str(path), text))
    criteria = tuple(Criterion(c["id"], c["text"], c.get("excludes", True))
                     for c in data["criteria"])
    ids = {c.id for c in criteria}
    problems = []
    stages = []
    for n, entry in enumerate(data["stages"]):
        for cid in entry.get("criteria", []):
            if cid not in ids:
                problems.append(Problem(str(path), f"stage {entry['id']} names unknown "
                                        f"criterion '{cid}'",
                                        yaml_line(text, ["stages", n, "criteria"]),
                                        hint="define it under criteria"))
        rules = []
        for m, rule in enumerate(entry.get("automatic", [])):
            where = ["stages", n, "automatic", m]
            if rule["criterion"] not in ids:
                problems.append(Problem(str(path), f"stage {entry['id']}: automatic rule names "
                                        f"unknown criterion '{rule['criterion']}'",
                                        yaml_line(text, [*where, "criterion"])))
            problems += _rule_problems(rule, entry["id"], str(path),
                                       yaml_line(text, [*where, "allowed"]))
            rules.append(AutoRule(rule["criterion"], rule["field"], rule.get("min"),
                                  rule.get("max"), tuple(rule.get("allowed", []))))
        stages.append(Stage(entry["id"], entry.get("name", entry["id"]), entry["kind"],
                            entry.get("reason_required", entry["kind"] == "eligibility"),
                            tuple(rules), tuple(entry.get("criteria", []))))
    if len({s.id for s in stages}) != len(stages):
        problems.append(Problem(str(path), "two stages share an id"))
    raise_if(problems)
    return Criteria(criteria, tuple(stages))


def _rule_problems(rule: Mapping[str, Any], stage: str, file: str,
                   line: int | None) -> list[Problem]:
    """An automatic rule the records cannot answer: a country, or an unknown type."""
    if rule["field"] == "country":
        return [Problem(file, f"stage {stage}: no export gives the country a study was done "
                        "in (RIS CY is the place of publication, affiliations are the "
                        "authors'), so an automatic rule on country would exclude nothing",
                        line, hint="drop the rule and state the country in a criterion "
                                   "that reviewers apply")]
    if rule["field"] != "type":
        return []
    unknown = [t for t in rule.get("allowed", []) if t not in DOCUMENT_TYPES]
    return [Problem(file, f"stage {stage}: document type '{t}' is not in the vocabulary",
                    line, hint=f"use one of: {', '.join(DOCUMENT_TYPES)}") for t in unknown]


# --- decision sheets ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Decision:
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
    stage: str
    reviewer: str  # "" for the consensus sheet
    path: str
    decisions: tuple[Decision, ...]
    warnings: tuple[Problem, ...] = ()  # read, but say how (a legacy encoding, say)


_SHEET_NAME = re.compile(r"^(?P<stage>[a-z][a-z0-9_]*)(?:-(?P<reviewer>[A-Za-z0-9_.]+))?$")


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
    header, warnings = table.header, table.warnings
    rows = [(row.line, row.cells) for row in table]
    if "record_id" not in header or "decision" not in header:
        raise InputError(Problem(str(path), "sheet lacks a record_id or decision column", 1,
                                 hint=f"columns: {', '.join(SHEET_COLUMNS)}"))
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
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stage_ids = list(stages)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx")
                   and not p.name.startswith((".", "~$")))
    problems: list[Problem] = []
    sheets = []
    for path in files:
        try:
            sheets.append(read_sheet(path, stage_ids))
        except InputError as error:
            problems.extend(error.problems)
    raise_if(problems)
    return sheets


# --- running the stages -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Outcome:
    record_id: str
    stage: str
    status: Status
    reason: str = ""
    decided_by: str = ""
    note: str = ""  # why a report was not retrieved


@dataclass(frozen=True, slots=True)
class Agreement:
    stage: str
    reviewer_a: str
    reviewer_b: str
    both: int
    agreed: int
    kappa: float | None

    @property
    def percent(self) -> float | None:
        """None when the two decided no record in common: agreement is undefined."""
        return 100.0 * self.agreed / self.both if self.both else None


@dataclass(frozen=True, slots=True)
class Conflict:
    stage: str
    record_id: str
    decisions: tuple[tuple[str, str, str], ...]  # (reviewer, decision, reason)
    resolution: str


@dataclass(frozen=True, slots=True)
class StageResult:
    stage: Stage
    entered: tuple[str, ...]
    outcomes: dict[str, Outcome]
    agreement: tuple[Agreement, ...]
    conflicts: tuple[Conflict, ...]

    def ids(self, *statuses: Status) -> list[str]:
        return [i for i in self.entered if self.outcomes[i].status in statuses]


@dataclass(frozen=True, slots=True)
class Screening:
    stages: tuple[StageResult, ...]
    included: tuple[str, ...]
    awaiting: dict[str, int] = field(default_factory=dict)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa for two raters' labels; None when undefined (no pairs, or no variation)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    if expected == 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def _check_rows(sheets: Sequence[Sheet], criteria: Criteria, stages: Mapping[str, Stage],
                aliases: Mapping[str, str]) -> list[Problem]:
    problems = []
    for sheet in sheets:
        stage = stages[sheet.stage]
        for d in sheet.decisions:
            if d.record_id not in aliases:
                problems.append(Problem(d.file, f"unknown record id '{d.record_id}'", d.line,
                                        hint="copy ids from results/screening/<stage>/"
                                             "to_screen.csv"))
            elif d.decision not in DECISIONS:
                problems.append(Problem(d.file, f"decision '{d.decision}' is not one of "
                                        f"{'|'.join(DECISIONS)}", d.line))
            else:
                problems += _row_problems(d, stage, criteria)
    return problems + _twice_decided(sheets, aliases)


def sheet_problems(sheets: Sequence[Sheet], criteria: Criteria) -> list[Problem]:
    """What is wrong with the sheets whatever the records say: decisions, reasons, notes,
    and a record id decided twice. Checked before any job runs."""
    stages = {s.id: s for s in criteria.stages}
    problems = []
    for sheet in sheets:
        for d in sheet.decisions:
            if d.decision not in DECISIONS:
                problems.append(Problem(d.file, f"decision '{d.decision}' is not one of "
                                        f"{'|'.join(DECISIONS)}", d.line))
            else:
                problems += _row_problems(d, stages[sheet.stage], criteria)
    ids = {d.record_id: d.record_id for sheet in sheets for d in sheet.decisions}
    return problems + _twice_decided(sheets, ids)


def _row_problems(d: Decision, stage: Stage, criteria: Criteria) -> list[Problem]:
    """What is wrong with one decision's reason and note at its stage."""
    where = dict(file=d.file, line=d.line)
    if d.date and not _is_date(d.date):  # dates order the decisions for the stopping test
        return [Problem(message=f"date '{d.date}' is not a date written YYYY-MM-DD",
                        hint="write the date as 2008-10-13, or leave it empty", **where)]
    allowed = set(stage.criteria or criteria.ids) | (
        {NOT_RETRIEVED} if stage.kind == "eligibility" else set())
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


def screen(records: Sequence[Record], criteria: Criteria, sheets: Sequence[Sheet],
           aliases: Mapping[str, str] | None = None) -> Screening:
    """Run every stage. ``aliases`` maps any member id of a duplicate group to its id; a
    sheet may name a record by any of them, or by its bare accession number."""
    aliases = dict(aliases or {})
    aliases.update({r.record_id: r.record_id for r in records})
    stages = {s.id: s for s in criteria.stages}
    sheets, ambiguous = resolve_sheets(sheets, aliases)
    said = {(p.file, p.line) for p in ambiguous}  # not "unknown" as well
    problems = ambiguous + [p for p in _check_rows(sheets, criteria, stages, aliases)
                            if (p.file, p.line) not in said]
    raise_if(problems)
    by_id = {r.record_id: r for r in records}
    pool = [r.record_id for r in records]
    results = []
    for stage in criteria.stages:
        stage_sheets = [s for s in sheets if s.stage == stage.id]
        result = _run_stage(stage, pool, by_id, stage_sheets, aliases, problems)
        results.append(result)
        pool = result.ids("included")
    raise_if(problems)
    awaiting = {r.stage.id: len(r.ids("awaiting", "conflict")) for r in results}
    return Screening(tuple(results), tuple(pool), awaiting)


def _run_stage(stage: Stage, pool: Sequence[str], by_id: Mapping[str, Record],
               sheets: Sequence[Sheet], aliases: Mapping[str, str],
               problems: list[Problem]) -> StageResult:
    entered = set(pool)
    automatic = {rid: rule for rid in pool
                 for rule in [next((r for r in stage.automatic if r.fails(by_id[rid])), None)]
                 if rule}
    consensus: dict[str, Decision] = {}
    by_reviewer: dict[str, dict[str, Decision]] = defaultdict(dict)
    for sheet in sheets:
        for d in sheet.decisions:
            rid = aliases[d.record_id]
            if rid not in entered:
                problems.append(Problem(d.file, f"record '{d.record_id}' was not included at "
                                        f"the stage before {stage.id}", d.line,
                                        hint="decide only records listed in this stage's "
                                             "to_screen sheet"))
                continue
            if rid in automatic:
                problems.append(_automated(d, stage.id, automatic[rid]))
                continue
            (consensus if not sheet.reviewer else by_reviewer[d.reviewer])[rid] = d
    outcomes: dict[str, Outcome] = {}
    conflicts = []
    for rid in pool:
        if rid in automatic:
            outcomes[rid] = Outcome(rid, stage.id, "automation", automatic[rid].criterion,
                                    "automation")
            continue
        votes = [(name, sheet[rid]) for name, sheet in sorted(by_reviewer.items())
                 if rid in sheet]
        labels = {(d.decision, d.reason if d.decision == "exclude" else "") for _, d in votes}
        if len({d.decision for _, d in votes}) > 1:
            conflicts.append(Conflict(stage.id, rid, tuple((n, d.decision, d.reason)
                                                           for n, d in votes),
                                      consensus[rid].decision if rid in consensus else ""))
        if rid in consensus:
            outcomes[rid] = _outcome(rid, consensus[rid], stage, "consensus")
        elif votes and len({d.decision for _, d in votes}) == 1 and len(labels) >= 1:
            first = votes[0][1]
            notes = dict.fromkeys(d.note for _, d in votes if d.reason == NOT_RETRIEVED)
            outcomes[rid] = _outcome(rid, first, stage, "+".join(n for n, _ in votes),
                                     "; ".join(n for n in notes if n))
        elif votes:
            outcomes[rid] = Outcome(rid, stage.id, "conflict")
        else:
            outcomes[rid] = Outcome(rid, stage.id, "awaiting")
    agreement = _agreement(stage.id, by_reviewer, [r for r in pool
                                                   if outcomes[r].status != "automation"])
    return StageResult(stage, tuple(pool), outcomes, agreement, tuple(conflicts))


def _automated(d: Decision, stage: str, rule: AutoRule) -> Problem:
    """A person's decision on a record an automatic rule excluded first: like a decision
    on a record excluded at an earlier stage, it was never the person's to make."""
    return Problem(d.file, f"record '{d.record_id}' was excluded at {stage} by the automatic "
                   f"rule on {rule.field} ({rule.criterion}) before any person's decision",
                   d.line, hint="remove the row, or change the rule in criteria.yaml")


def _outcome(rid: str, d: Decision, stage: Stage, decided_by: str,
             note: str = "") -> Outcome:
    """The outcome for record ``rid`` (the group's id, whatever id the sheet used)."""
    if d.decision == "include":
        return Outcome(rid, stage.id, "included", "", decided_by)
    if d.decision == "unsure":
        return Outcome(rid, stage.id, "awaiting", "unsure", decided_by)
    if d.reason == NOT_RETRIEVED:
        return Outcome(rid, stage.id, "not_retrieved", NOT_RETRIEVED, decided_by,
                       note or d.note)
    return Outcome(rid, stage.id, "excluded", d.reason, decided_by)


def _agreement(stage: str, by_reviewer: Mapping[str, Mapping[str, Decision]],
               pool: Sequence[str]) -> tuple[Agreement, ...]:
    out = []
    for a, b in combinations(sorted(by_reviewer), 2):
        pairs = [(by_reviewer[a][r].decision, by_reviewer[b][r].decision) for r in pool
                 if r in by_reviewer[a] and r in by_reviewer[b]]
        out.append(Agreement(stage, a, b, len(pairs), sum(x == y for x, y in pairs),
                             cohen_kappa(pairs)))
    return tuple(out)


# --- outputs ------------------------------------------------------------------------

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
    for rid in result.ids("awaiting", "conflict"):
        r = by_id[rid]
        sources = dict(r.extra).get("sources", r.database)
        link = r.url or (f"https://doi.org/{r.doi}" if r.doi else "")
        status = result.outcomes[rid].status + (CARRIED_OVER if rid in previous else "")
        rows.append([rid, r.title, r.abstract, "; ".join(r.authors), r.year, r.journal, sources,
                     r.doi, link, status, "", "", "", "", ""])
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
    return [[o.record_id, o.stage, o.status, o.reason, o.decided_by, o.note]
            for result in screening.stages for o in (result.outcomes[i] for i in result.entered)]


#: The columns of ``results/screening/<stage>/agreement.csv``, as :func:`agreement_rows`.


def agreement_rows(result: StageResult) -> list[list[object]]:
    return [[a.stage, a.reviewer_a, a.reviewer_b, a.both, a.agreed,
             "" if a.percent is None else f"{a.percent:.1f}",
             "" if a.kappa is None else f"{a.kappa:.3f}"] for a in result.agreement]


def conflict_rows(result: StageResult) -> list[list[str]]:
    return [[c.stage, c.record_id,
             "; ".join(f"{n}: {d}{' (' + r + ')' if r else ''}" for n, d, r in c.decisions),
             c.resolution or "unresolved"] for c in result.conflicts]


# --- prioritised screening ----------------------------------------------------------------

def prioritise(result: StageResult, by_id: Mapping[str, Record], sheets: Sequence[Sheet],
               aliases: Mapping[str, str], seed: int = 0) -> tuple[list[str], list[str]]:
    """The records awaiting a decision, most likely relevant first, and stopping guidance.

    The model learns from this stage's decisions so far (included = relevant, excluded =
    not; automatic exclusions are rules, not judgements, and are left out). The stopping
    test needs the order in which records were screened: the date of each record's first
    decision, then its place in the sheets.
    """
    from litreview.screening.prioritise import rank, stopping

    sheets, _ = resolve_sheets(sheets, aliases)  # what screen() refused never gets here
    screened = [i for i in result.entered if result.outcomes[i].status != "automation"]
    labels = {i: result.outcomes[i].status == "included" for i in screened
              if result.outcomes[i].status in ("included", "excluded", "not_retrieved")}
    records = [by_id[i] for i in screened]
    order = rank(records, labels, seed=seed)
    first: dict[str, tuple[str, str, int]] = {}
    for sheet in sheets:
        if sheet.stage != result.stage.id:
            continue
        for d in sheet.decisions:
            rid = aliases.get(d.record_id, d.record_id)
            key = (d.date or "9999", d.file, d.line)
            if rid in labels and (rid not in first or key < first[rid]):
                first[rid] = key
    in_order = sorted(labels, key=lambda rid: first.get(rid, ("9999", "", 0)))
    estimate = stopping([labels[rid] for rid in in_order], len(screened))
    return order, estimate.lines()
