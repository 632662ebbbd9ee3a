"""Screening in stages: each record's outcome at each stage, agreement and conflicts.

Stages run in the order of ``screening/criteria.yaml``. A stage sees only the records
included at the stage before. Each record's outcome at a stage comes from, in order:
an automatic rule it fails; the consensus sheet ``<stage>.csv``; the reviewers' sheets
``<stage>-<reviewer>.csv`` when they agree. Otherwise it awaits a decision.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from litreview.core.contracts import NOT_RETRIEVED, Status
from litreview.core.errors import Problem, raise_if
from litreview.core.records import Record
from litreview.screening.criteria import AutoRule, Criteria, Stage
from litreview.screening.decisions import Decision, Sheet, decision_problems, resolve_sheets


@dataclass(frozen=True, slots=True)
class Outcome:
    """A record's outcome at one stage, and who or what decided it."""

    record_id: str
    stage: str
    status: Status
    reason: str = ""
    decided_by: str = ""
    note: str = ""  # why a report was not retrieved


@dataclass(frozen=True, slots=True)
class Agreement:
    """How far two reviewers agreed at one stage, on the records both decided."""

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
    """Reviewers who decided one record differently, and the consensus decision if any."""

    stage: str
    record_id: str
    decisions: tuple[tuple[str, str, str], ...]  # (reviewer, decision, reason)
    resolution: str


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage run: the records that entered it (in order) and their outcomes."""

    stage: Stage
    entered: tuple[str, ...]
    outcomes: dict[str, Outcome]
    agreement: tuple[Agreement, ...]
    conflicts: tuple[Conflict, ...]

    def ids(self, *statuses: Status) -> list[str]:
        """The entered records whose outcome has one of ``statuses``, in order."""
        return [i for i in self.entered if self.outcomes[i].status in statuses]


@dataclass(frozen=True, slots=True)
class Screening:
    """Every stage run, the records included at the last, and how many await a decision
    at each stage."""

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


def screen(records: Sequence[Record], criteria: Criteria, sheets: Sequence[Sheet],
           aliases: Mapping[str, str] | None = None,
           coded: Mapping[str, Mapping[str, str]] | None = None) -> Screening:
    """Run every stage. ``aliases`` maps any member id of a duplicate group to its id; a
    sheet may name a record by any of them, or by its bare accession number. ``coded``
    gives each coded record's agreed coding and typology levels, which a later stage's
    automatic rules may read."""
    aliases = dict(aliases or {})
    aliases.update({r.record_id: r.record_id for r in records})
    sheets, ambiguous = resolve_sheets(sheets, aliases)
    said = {(p.file, p.line) for p in ambiguous}  # not "unknown" as well
    problems = ambiguous + [p for p in decision_problems(sheets, criteria, aliases)
                            if (p.file, p.line) not in said]
    raise_if(problems)
    by_id = {r.record_id: r for r in records}
    pool = [r.record_id for r in records]
    results: list[StageResult] = []
    for stage in criteria.stages:
        stage_sheets = [s for s in sheets if s.stage == stage.id]
        before = len(problems)
        result = _run_stage(stage, pool, by_id, stage_sheets, aliases, problems, coded or {})
        if results:  # a decision on a record the stage before did not include: say why
            problems[before:] = [_why_not_here(p, results[-1], aliases)
                                 for p in problems[before:]]
        results.append(result)
        pool = result.ids(Status.INCLUDED)
    raise_if(problems)
    awaiting = {r.stage.id: len(r.ids(Status.AWAITING, Status.CONFLICT)) for r in results}
    return Screening(tuple(results), tuple(pool), awaiting)


def _why_not_here(problem: Problem, earlier: StageResult,
                  aliases: Mapping[str, str]) -> Problem:
    """A decision on a record the stage before did not include, with that record's outcome
    there now (a sheet added or changed at that stage may have made it a conflict)."""
    match = re.match(r"record '(.+)' was not included at the stage before", problem.message)
    outcome = earlier.outcomes.get(aliases.get(match.group(1), "")) if match else None
    if outcome is None:
        return problem
    by = f", by {outcome.decided_by}" if outcome.decided_by else ""
    return replace(problem, hint=f"at {earlier.stage.id} it is now {outcome.status.value}{by}: "
                                 f"settle it there, or remove this row")


def _run_stage(stage: Stage, pool: Sequence[str], by_id: Mapping[str, Record],
               sheets: Sequence[Sheet], aliases: Mapping[str, str],
               problems: list[Problem], coded: Mapping[str, Mapping[str, str]]) -> StageResult:
    """One stage on the records of ``pool``; a decision the stage cannot take (on a record
    not in the pool, or one an automatic rule excluded) is added to ``problems``."""
    entered = set(pool)
    automatic = {rid: rule for rid in pool
                 for rule in [next((r for r in stage.automatic
                                    if r.fails(by_id[rid], coded.get(rid))), None)]
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
            outcomes[rid] = Outcome(rid, stage.id, Status.AUTOMATION,
                                    automatic[rid].criterion, "automation")
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
            outcomes[rid] = Outcome(rid, stage.id, Status.CONFLICT)
        else:
            outcomes[rid] = _undecided(rid, stage, coded.get(rid))
    agreement = _agreement(stage.id, by_reviewer, [r for r in pool
                                                   if outcomes[r].status != Status.AUTOMATION])
    return StageResult(stage, tuple(pool), outcomes, agreement, tuple(conflicts))


def _undecided(rid: str, stage: Stage, coding: Mapping[str, str] | None) -> Outcome:
    """A record no rule excluded and no person decided: it awaits a decision, unless the
    stage's rules decide it (``include_passing``): included when every rule could be
    applied, else awaiting its coding."""
    if not stage.include_passing:
        return Outcome(rid, stage.id, Status.AWAITING)
    if all(rule.answers(coding) for rule in stage.automatic):
        return Outcome(rid, stage.id, Status.INCLUDED, "", "automation")
    return Outcome(rid, stage.id, Status.AWAITING, "", "", "not coded yet")


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
        return Outcome(rid, stage.id, Status.INCLUDED, "", decided_by)
    if d.decision == "unsure":
        return Outcome(rid, stage.id, Status.AWAITING, "unsure", decided_by)
    if d.reason == NOT_RETRIEVED:
        return Outcome(rid, stage.id, Status.NOT_RETRIEVED, NOT_RETRIEVED, decided_by,
                       note or d.note)
    return Outcome(rid, stage.id, Status.EXCLUDED, d.reason, decided_by)


def _agreement(stage: str, by_reviewer: Mapping[str, Mapping[str, Decision]],
               pool: Sequence[str]) -> tuple[Agreement, ...]:
    """Each pair of reviewers' agreement on the records of ``pool`` both decided."""
    out = []
    for a, b in combinations(sorted(by_reviewer), 2):
        pairs = [(by_reviewer[a][r].decision, by_reviewer[b][r].decision) for r in pool
                 if r in by_reviewer[a] and r in by_reviewer[b]]
        out.append(Agreement(stage, a, b, len(pairs), sum(x == y for x, y in pairs),
                             cohen_kappa(pairs)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Ranking:
    """A stage's records awaiting a decision, most likely relevant first, each one's score
    (none before the model can learn), and the stopping guidance."""

    order: list[str]
    notes: list[str]
    scores: dict[str, float]


def prioritise(result: StageResult, by_id: Mapping[str, Record], sheets: Sequence[Sheet],
               aliases: Mapping[str, str], seed: int = 0) -> Ranking:
    """The records awaiting a decision, most likely relevant first, and stopping guidance.

    The model learns from this stage's decisions so far (included = relevant, excluded =
    not; automatic exclusions are rules, not judgements, and are left out). The stopping
    test needs the order in which records were screened: the date of each record's first
    decision, then its place in the sheets.
    """
    from litreview.screening.ranking import rank_scores
    from litreview.screening.stopping_rule import stopping

    sheets, _ = resolve_sheets(sheets, aliases)  # what screen() refused never gets here
    screened = [i for i in result.entered if result.outcomes[i].status != Status.AUTOMATION]
    decided = (Status.INCLUDED, Status.EXCLUDED, Status.NOT_RETRIEVED)
    labels = {i: result.outcomes[i].status == Status.INCLUDED for i in screened
              if result.outcomes[i].status in decided}
    records = [by_id[i] for i in screened]
    order, scores = rank_scores(records, labels, seed=seed)
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
    return Ranking(order, estimate.lines(), scores)
