"""Which records an export writes, and what each carries besides its bibliographic fields:
its record id, the databases it was found in and every stage's decision with its reason.

The same notes and tags go into every format (RIS ``N1``/``KW``, BibTeX ``note``/
``keywords``, EndNote ``notes``/``keywords``, CSL-JSON ``note``/``keyword``), spelt as
``status.csv`` spells the outcomes, so that a reference manager keeps them and a person
can filter on them (``litreview:included``, ``litreview:full_text:excluded:C2``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from litreview.core.contracts import Status
from litreview.core.errors import InputError, Problem
from litreview.core.records import Record, split_list

if TYPE_CHECKING:
    from litreview.screening import Criteria, Screening, StageResult

#: What ``--which`` may ask for.
WHICH = ("included", "to_screen", "all")
#: The prefix of every note line and tag an export adds.
PREFIX = "litreview"


@dataclass(frozen=True, slots=True)
class StageDecision:
    """A record's outcome at one stage: status as ``status.csv`` spells it, the reason's
    criterion id and text, who decided, and any note (why a report was not retrieved)."""

    stage: str
    status: str
    reason: str = ""
    reason_text: str = ""
    decided_by: str = ""
    note: str = ""

    def sentence(self) -> str:
        """``excluded, reason C2: Evidence on…, decided by r1``."""
        text = self.status
        if self.reason:
            said = self.reason_text if self.reason_text not in ("", self.reason) else ""
            text += f", reason {self.reason}" + (f": {said}" if said else "")
        if self.decided_by and self.decided_by != self.status:  # not "automation" twice
            text += f", decided by {self.decided_by}"
        if self.note:
            text += f", note: {self.note}"
        return text


@dataclass(frozen=True, slots=True)
class Exported:
    """One record as an export writes it, with its provenance and decisions."""

    record: Record
    databases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # the records merged into it, when more than itself
    decisions: tuple[StageDecision, ...] = ()

    def note_lines(self) -> list[str]:
        """The lines of the note: record id, databases, merged records, each stage."""
        lines = [f"{PREFIX} record: {self.record.record_id}"]
        if self.databases:
            lines.append(f"{PREFIX} databases: {'; '.join(self.databases)}")
        if len(self.members) > 1:
            lines.append(f"{PREFIX} merged records: {'; '.join(self.members)}")
        lines += [f"{PREFIX} {d.stage}: {d.sentence()}" for d in self.decisions]
        return lines

    def tags(self) -> list[str]:
        """Keywords prefixed ``litreview:``: the record, each database, the status at the
        last stage the record entered, and each stage's status (and reason)."""
        tags = [f"{PREFIX}:record:{self.record.record_id}"]
        tags += [f"{PREFIX}:database:{name}" for name in self.databases]
        if self.decisions:
            tags.append(f"{PREFIX}:{self.decisions[-1].status}")
        tags += [f"{PREFIX}:{d.stage}:{d.status}" + (f":{d.reason}" if d.reason not in
                                                      ("", d.status) else "")
                 for d in self.decisions]
        return tags


@dataclass(frozen=True, slots=True)
class Selection:
    """The records to write, in the order the stage lists them, and what they are."""

    items: tuple[Exported, ...]
    what: str  # "included at full_text", said to the person


def exported(record: Record, screening: Screening | None = None,
             criteria: Criteria | None = None) -> Exported:
    """The record with its databases (``sources`` of ``unique.csv``, else its own),
    merged records (``members``) and its outcome at every stage it entered."""
    extra = dict(record.extra)
    databases = split_list(extra.get("sources") or record.database)
    decisions = []
    for result in screening.stages if screening else ():
        outcome = result.outcomes.get(record.record_id)
        if outcome is None:
            continue
        text = criteria.text(outcome.reason) if criteria and outcome.reason else ""
        decisions.append(StageDecision(result.stage.id, str(outcome.status), outcome.reason,
                                       text, outcome.decided_by, outcome.note))
    return Exported(record, databases, split_list(extra.get("members", "")), tuple(decisions))


def select(records: Sequence[Record], screening: Screening, criteria: Criteria, which: str,
           stage: str | None = None) -> Selection:
    """The records ``which`` names: ``included`` at ``stage`` (default: at the last stage),
    ``to_screen`` (awaiting a decision, or in conflict, at ``stage``; default: at any
    stage), or ``all`` (every unique record; with ``stage``, every one that entered it).
    Records keep the order the stage lists them in."""
    results = _stages(screening, stage)
    if which == "included" and results:
        last = results[-1]
        ids, what = last.ids(Status.INCLUDED), f"included at {last.stage.id}"
    elif which == "included":  # no screening stages: every record stands included
        ids, what = list(screening.included), "included (the review has no stages)"
    elif which == "to_screen":
        ids = [i for r in results for i in r.ids(Status.AWAITING, Status.CONFLICT)]
        what = f"awaiting a decision at {stage or 'any stage'}"
    elif which == "all" and stage:
        ids, what = list(results[0].entered), f"every record that entered {stage}"
    elif which == "all":
        ids, what = [r.record_id for r in records], "every unique record"
    else:
        raise InputError(Problem("--which", f"unknown selection {which!r}",
                                 hint=f"use one of: {', '.join(WHICH)}"))
    by_id = {r.record_id: r for r in records}
    return Selection(tuple(exported(by_id[i], screening, criteria) for i in ids), what)


def _stages(screening: Screening, stage: str | None) -> list[StageResult]:
    """The named stage's result alone, or every stage's; an unknown name is an error."""
    results = list(screening.stages)
    if stage is None:
        return results
    named = [r for r in results if r.stage.id == stage]
    if not named:
        known = ", ".join(r.stage.id for r in results)
        raise InputError(Problem("--stage", f"no stage {stage!r} in the review's criteria",
                                 hint=f"the stages are: {known}"))
    return named
