"""Where screening stands: per stage and reviewer, agreement between reviewers, the
records the resolver must settle, and the PRISMA 2020 counts as they are now."""

from __future__ import annotations

import glob
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litreview.core import paths
from litreview.core.contracts import Status
from litreview.core.fileio import read_own_table
from litreview.screening import Agreement, Screening, Sheet, StageResult
from litreview.serve.desk import Desk


@dataclass(frozen=True, slots=True)
class ReviewerTally:
    """One reviewer's decisions at one stage (on records still in its pool)."""

    reviewer: str
    decided: int
    included: int
    excluded: int
    unsure: int


@dataclass(frozen=True, slots=True)
class StageTally:
    """One stage: the records it took in and where they stand."""

    id: str
    name: str
    entered: int
    automation: int
    included: int
    excluded: int
    not_retrieved: int
    awaiting: int
    conflicts: int
    reviewers: tuple[ReviewerTally, ...]
    agreement: tuple[Agreement, ...]

    @property
    def screened(self) -> int:
        return self.included + self.excluded + self.not_retrieved


def tallies(sheets: Sequence[Sheet], result: Screening) -> list[StageTally]:
    """Every stage's tally."""
    return [_tally(stage, [s for s in sheets if s.stage == stage.stage.id and s.reviewer])
            for stage in result.stages]


def _tally(stage: StageResult, sheets: Sequence[Sheet]) -> StageTally:
    status = Counter(stage.outcomes[i].status for i in stage.entered)
    pool = set(stage.entered)
    reviewers = []
    for sheet in sorted(sheets, key=lambda s: s.reviewer.casefold()):
        said = Counter(d.decision for d in sheet.decisions if d.record_id in pool)
        reviewers.append(ReviewerTally(sheet.reviewer, sum(said.values()), said["include"],
                                       said["exclude"], said["unsure"]))
    return StageTally(stage.stage.id, stage.stage.name, len(stage.entered),
                      status[Status.AUTOMATION], status[Status.INCLUDED],
                      status[Status.EXCLUDED], status[Status.NOT_RETRIEVED],
                      status[Status.AWAITING] + status[Status.CONFLICT],
                      status[Status.CONFLICT], tuple(reviewers), stage.agreement)


@dataclass(frozen=True, slots=True)
class Vote:
    """One reviewer's decision on a record to resolve."""

    reviewer: str
    decision: str
    reason: str
    note: str


@dataclass(frozen=True, slots=True)
class ToResolve:
    """A record the reviewers disagree on, or that all who decided it were unsure of,
    with the agreed sheet's decision when there is one."""

    record_id: str
    votes: tuple[Vote, ...]
    resolution: str


def to_resolve(stage_id: str, sheets: Sequence[Sheet], result: Screening,
               aliases: dict[str, str]) -> list[ToResolve]:
    """The records of one stage the resolver has to settle, those not yet settled first."""
    stage = next(r for r in result.stages if r.stage.id == stage_id)
    votes: dict[str, list[Vote]] = {}
    agreed: dict[str, str] = {}
    for sheet in sheets:
        if sheet.stage != stage_id:
            continue
        for d in sheet.decisions:
            rid = aliases.get(d.record_id, d.record_id)
            if sheet.reviewer:
                votes.setdefault(rid, []).append(Vote(sheet.reviewer, d.decision, d.reason,
                                                      d.note))
            else:
                agreed[rid] = d.decision
    reviewers = {s.reviewer.casefold() for s in sheets if s.stage == stage_id and s.reviewer}
    out = []
    for rid in stage.entered:
        mine = votes.get(rid, [])
        split = len({v.decision for v in mine}) > 1
        # doubt is shared once every reviewer of the stage has said it (not before the
        # second reviewer has even seen the record)
        unsure = len(mine) >= len(reviewers) > 0 and all(v.decision == "unsure" for v in mine)
        if split or unsure:
            out.append(ToResolve(rid, tuple(sorted(mine, key=lambda v: v.reviewer.casefold())),
                                 agreed.get(rid, "")))
    return sorted(out, key=lambda r: bool(r.resolution))


def prisma_now(desk: Desk, result: Screening) -> dict[str, Any]:
    """The PRISMA 2020 counts with the decisions made so far (``awaiting`` boxes hold the
    records still to screen), from the same inputs as the workflow's ``counts.json``."""
    from litreview.pipeline.stages import count_prisma, set_aside_dates, study_links

    rejects = {paths.slug_of(p): [r["file"] for r in read_own_table(p)[1]]
               for p in sorted(glob.glob(str(desk.root / paths.rejects("*"))))}
    searched = None
    if desk.review.update_of:  # an update counts only its own searches' records
        from litreview.core.records import read_records

        searched = {r.record_id: r.searched
                    for p in sorted(glob.glob(str(desk.root / paths.records("*"))))
                    if not p.endswith(".rejects.csv") for r in read_records(p)}
    outcomes = [stage.outcomes[i] for stage in result.stages for i in stage.entered]
    links = study_links(desk.root / paths.STUDIES_SHEET, desk.aliases)
    return count_prisma(desk.review, desk.criteria, desk.aliases, desk.database_of, outcomes,
                        searched_of=searched, set_aside=set_aside_dates(desk.review, rejects),
                        study_of=links.study_of if links else None)
