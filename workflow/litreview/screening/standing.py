"""Where the screening stands at one stage, for decisions brought in from elsewhere: the
records that entered it, why each other record is not there (excluded, or awaiting a
decision, at a stage before), and the outcome the reviewers already agree on for each
record there — a new reviewer's different decision would make that a conflict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from litreview.core.contracts import Status
from litreview.screening.stages import Outcome, Screening

#: Who decided an outcome that is no reviewers' agreement (a new vote leaves it as it is).
_NOT_AGREED = frozenset({"", "consensus", "automation"})


@dataclass(frozen=True, slots=True)
class Agreed:
    """An outcome the reviewers agree on at the stage: the decision, the status it gave
    and who decided it."""

    decision: str  # include or exclude
    status: str  # as status.csv gives it: included, excluded, not_retrieved
    by: str  # the reviewers, as status.csv gives them (r1+r2)


@dataclass(frozen=True, slots=True)
class Standing:
    """One stage as the screening stands: the records at it, why each other record of the
    review is not, and the agreed outcomes there."""

    stage: str
    entered: frozenset[str]
    left: Mapping[str, str] = field(default_factory=dict)  # record → why it is not here
    agreed: Mapping[str, Agreed] = field(default_factory=dict)

    def why_not(self, record_id: str) -> str:
        """Why a decision on ``record_id`` cannot be taken at this stage, "" when it can."""
        if record_id in self.left:
            return f"not at {self.stage}: {self.left[record_id]}"
        if record_id not in self.entered:
            return (f"not at {self.stage}: not among the records screened (run the workflow: "
                    "litreview run)")
        return ""


def standing(screening: Screening, stage: str) -> Standing:
    """Where ``screening`` stands at ``stage`` (see :class:`Standing`)."""
    left: dict[str, str] = {}
    for result in screening.stages:
        here = result.stage.id == stage
        for rid in result.entered:
            outcome = result.outcomes[rid]
            if here and outcome.status == Status.AUTOMATION:
                left[rid] = _left(outcome)
            elif not here and outcome.status != Status.INCLUDED:
                left.setdefault(rid, _left(outcome))
        if here:
            agreed = {rid: Agreed("include" if o.status == Status.INCLUDED else "exclude",
                                  o.status.value, o.decided_by)
                      for rid, o in result.outcomes.items()
                      if o.status in (Status.INCLUDED, Status.EXCLUDED, Status.NOT_RETRIEVED)
                      and o.decided_by not in _NOT_AGREED}
            return Standing(stage, frozenset(result.entered), left, agreed)
    return Standing(stage, frozenset(), left)


def _left(outcome: Outcome) -> str:
    """Why a record went no further than ``outcome``'s stage."""
    at = outcome.stage
    if outcome.status == Status.AUTOMATION:
        return f"excluded at {at} by an automatic rule ({outcome.reason})"
    if outcome.status == Status.EXCLUDED:
        return f"excluded at {at} ({outcome.reason})" if outcome.reason else f"excluded at {at}"
    if outcome.status == Status.NOT_RETRIEVED:
        return f"not retrieved at {at}"
    if outcome.status == Status.CONFLICT:
        return f"awaiting a decision at {at} (the reviewers disagree)"
    return f"awaiting a decision at {at}"
