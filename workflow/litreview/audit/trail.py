"""A record's trail: where it came from, its duplicates, and every decision on it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from litreview.core import paths
from litreview.core.errors import InputError, Problem
from litreview.core.fileio import read_own_table
from litreview.core.records import Record
from litreview.core.review import load_review


def trail(record_id: str, root: Path) -> list[str]:
    """Where a record came from, its duplicates, and every decision on it, in words."""
    from litreview.core.records import RecordIdError, read_records, resolve_record_id
    from litreview.dedupe import read_groups

    review = load_review(root)
    groups = read_groups(root / paths.GROUPS)
    try:  # the id, or the bare accession number of one record (EJ1181769)
        record_id = resolve_record_id(record_id, groups.group_of)
    except RecordIdError as error:
        raise InputError(Problem(str(root / paths.GROUPS), str(error),
                                 hint="" if error.candidates else
                                 "use an id from results/records or results/screening")) \
            from None
    group = groups.group_of[record_id]
    members = groups.members(group)
    records = {r.record_id: r for source in review.sources
               for r in read_records(root / paths.records(source.slug))
               if r.record_id in members}
    lead = records[group]
    lines = [f"{group}: {lead.title} ({lead.year})",
             f"  {len(members)} record(s) of this work"
             + (" — duplicates merged into one" if len(members) > 1 else "")]
    lines += [_provenance(records[member], groups.joined_to.get(member, ""),
                          groups.rule_of.get(member, "")) for member in members]
    return lines + _decisions(root, review, group, members, groups.group_of)


def _provenance(r: Record, partner: str, rule: str) -> str:
    """Where one record came from (its source, file, line, accession and search date), and
    the record it was joined to by which deduplication rule."""
    where = f"{r.source_file}:{r.source_line}" if r.source_line else r.source_file
    accession = f", accession {r.source_id}" if r.source_id else ""
    joined = f"; joined to {partner} by the rule {rule}" if rule else ""
    return (f"  - {r.record_id}: {r.database}, {where} (record {r.source_position}"
            f"{accession}), searched {r.searched or 'date not given'}{joined}")


def _decisions(root: Path, review, group: str, members: Sequence[str],
               group_of: dict[str, str]) -> list[str]:
    """The work's outcome at each screening stage and every reviewer's decision on it."""
    from litreview.screening import load_criteria, read_sheets, resolve_sheets

    criteria = load_criteria(root / review.criteria, review.source_names())
    sheets, _ = resolve_sheets(read_sheets(root / review.decisions,
                                           [s.id for s in criteria.stages]), group_of)
    status = {(r["stage"], r["record_id"]): r
              for r in read_own_table(root / paths.STATUS)[1]}
    lines = []
    for stage in criteria.stages:
        outcome = status.get((stage.id, group))
        if outcome is None:
            lines.append(f"  {stage.name}: not reached")
            continue
        reason = f" ({outcome['reason']}: {criteria.text(outcome['reason'])})" \
            if outcome["reason"] else ""
        lines.append(f"  {stage.name}: {outcome['status']}{reason}, decided by "
                     f"{outcome['decided_by'] or 'nobody yet'}")
        for d in (d for sheet in sheets if sheet.stage == stage.id for d in sheet.decisions
                  if d.record_id in members):
            note = f" — {d.note}" if d.note else ""
            reason_text = f" {d.reason}" if d.reason else ""
            lines.append(f"    {d.reviewer or 'agreed'}: {d.decision}{reason_text} on "
                         f"{d.date or 'no date'} ({d.file}:{d.line}){note}")
    return lines
