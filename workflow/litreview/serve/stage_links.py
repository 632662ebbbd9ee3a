"""How the stages hold together while reviewers screen: a record goes on to the next
stage once every reviewer of the stage before has decided it, and a decision that would
take a record out of a stage where it has already been decided is refused (the workflow
refuses a decision on a record that is not in its stage)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from litreview.core.errors import Problem
from litreview.screening import Screening, Sheet


def held_back(result: Screening, sheets: Sequence[Sheet], stage: str) -> set[str]:
    """The records of ``stage`` that wait for a reviewer of the stage before: when two or
    more reviewers screen that stage (each has a sheet), a record one of them included
    goes on only when each has decided it, or the agreed sheet has (as in dual screening
    tools: the other may exclude it, and a decision at this stage would then be void)."""
    ids = [r.stage.id for r in result.stages]
    at = ids.index(stage)
    if at == 0:
        return set()
    before = result.stages[at - 1]
    reviewers = {s.reviewer.casefold() for s in sheets  # a sheet left empty screens nothing
                 if s.stage == before.stage.id and s.reviewer and s.decisions}
    if len(reviewers) < 2:
        return set()
    return {rid for rid in result.stages[at].entered
            if before.outcomes[rid].decided_by != "consensus"
            and len(before.outcomes[rid].decided_by.split("+")) < len(reviewers)}


def later_rows(stage: str, stages: Sequence[str], record_id: str,
               sheets_at: Callable[[str], Mapping[str, Collection[str]]],
               canonical: Callable[[str], str]) -> list[Problem]:
    """Where the record is decided at a stage after ``stage``: one problem per sheet.
    ``sheets_at(stage)`` gives each sheet of a stage (by path) its record ids as written;
    ``canonical`` reads an id as its record's own."""
    problems = []
    for later in stages[stages.index(stage) + 1:]:
        for path, ids in sheets_at(later).items():
            if any(rid == record_id or canonical(rid) == record_id for rid in ids):
                problems.append(Problem(
                    path, f"record '{record_id}' is decided at {later} too",
                    hint=f"take that decision back first: a record out of {stage} cannot be "
                         f"decided at {later} (tell the resolver if it was not yours)"))
    return problems
