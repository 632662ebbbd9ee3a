"""PRISMA 2020 counts, computed from the records, the duplicate groups and the outcomes.

Two columns, as in the PRISMA 2020 flow: records identified via databases, and via
other methods (websites, organisations, documents requested...). A work found in a
database and also on a website belongs to the databases column; the website's copy is
counted as a duplicate in the other column.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from litreview.errors import InputError, Problem
from litreview.review import Review
from litreview.screening import Criteria, Outcome

COLUMNS = ("databases", "other_methods")


def _column_counts(ids: set[str], n_records: int, outcomes: Sequence[Outcome],
                   criteria: Criteria) -> dict[str, Any]:
    stages = criteria.stages
    by_stage: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.record_id in ids:
            by_stage[outcome.stage].append(outcome)
    screening = [s for s in stages if s.kind == "screening"]
    eligibility = [s for s in stages if s.kind == "eligibility"]

    def count(stage_ids: Sequence[str], status: str) -> int:
        return sum(o.status == status for s in stage_ids for o in by_stage[s])

    first_screen = screening[0].id if screening else None
    automation = count([first_screen], "automation") if first_screen else 0
    entered_first = len(by_stage[stages[0].id])
    excluded_reasons: Counter[str] = Counter()
    for stage in eligibility:
        for o in by_stage[stage.id]:
            if o.status in ("excluded", "automation"):
                excluded_reasons[o.reason] += 1
    sought = len(by_stage[eligibility[0].id]) if eligibility else 0
    not_retrieved = count([s.id for s in eligibility], "not_retrieved")
    screened = entered_first - automation if screening else 0
    return {
        "identified": n_records,
        "duplicates_removed": n_records - len(ids),
        "excluded_automation": automation,
        "excluded_other_reasons": 0,
        "records_screened": screened,
        "records_excluded": sum(count([s.id], "excluded") for s in screening),
        "awaiting_screening": sum(count([s.id], "awaiting") + count([s.id], "conflict")
                                  for s in screening),
        "reports_sought": sought,
        "reports_not_retrieved": not_retrieved,
        "reports_assessed": sought - not_retrieved,
        "reports_excluded": dict(sorted(excluded_reasons.items())),
        "awaiting_assessment": sum(count([s.id], "awaiting") + count([s.id], "conflict")
                                   for s in eligibility),
        "included": count([stages[-1].id], "included"),
    }


def prisma_counts(review: Review, source_of: Mapping[str, str], groups: Mapping[str, str],
                  outcomes: Sequence[Outcome], criteria: Criteria) -> dict[str, Any]:
    """Every PRISMA 2020 box. ``source_of`` maps each imported record id to its source name."""
    database_names = {s.name for s in review.databases}
    group_sources: dict[str, set[str]] = defaultdict(set)
    for rid, gid in groups.items():
        group_sources[gid].add(source_of[rid])
    column_of = {gid: "databases" if srcs & database_names else "other_methods"
                 for gid, srcs in group_sources.items()}
    records_per_source = Counter(source_of.values())
    ids = {c: {g for g, col in column_of.items() if col == c} for c in COLUMNS}
    n_records = {
        "databases": sum(records_per_source[s.name] for s in review.databases),
        "other_methods": sum(records_per_source[s.name] for s in review.other_sources),
    }
    included_ids = {o.record_id for o in outcomes
                    if o.stage == criteria.stages[-1].id and o.status == "included"}
    per_source = {}
    for source in review.sources:
        works = {groups[r] for r, s in source_of.items() if s == source.name}
        others = {groups[r] for r, s in source_of.items() if s != source.name}
        per_source[source.name] = {
            "kind": source.kind,
            "searched": source.searched,
            "records": records_per_source[source.name],
            "works": len(works),
            "only_here": len(works - others),
            "included": len(works & included_ids),
        }
    by_kind: Counter[str] = Counter()
    for source in review.other_sources:
        by_kind[source.kind] += records_per_source[source.name]
    stage_summary = []
    for stage in criteria.stages:
        mine = [o for o in outcomes if o.stage == stage.id]
        statuses = Counter(o.status for o in mine)
        reasons = Counter(o.reason for o in mine if o.status in ("excluded", "automation"))
        stage_summary.append({
            "id": stage.id, "name": stage.name, "kind": stage.kind, "entered": len(mine),
            **{status: statuses.get(status, 0) for status in
               ("included", "excluded", "automation", "not_retrieved", "awaiting", "conflict")},
            "reasons": dict(sorted(reasons.items())),
        })
    columns = {c: _column_counts(ids[c], n_records[c], outcomes, criteria) for c in COLUMNS}
    total_included = sum(columns[c]["included"] for c in COLUMNS)
    return {
        "review": {"title": review.title, "question": review.question},
        "identification": {
            "databases": {s.name: records_per_source[s.name] for s in review.databases},
            "other_sources": {s.name: records_per_source[s.name] for s in review.other_sources},
            "other_methods_by_kind": dict(sorted(by_kind.items())),
        },
        **columns,
        "unique_records": len(column_of),
        "included": {"studies": total_included, "reports": total_included},
        "exclusion_reasons": {c.id: c.text for c in criteria.criteria},
        "per_source": per_source,
        "stages": stage_summary,
    }


def check_counts(counts: Mapping[str, Any]) -> list[str]:
    """Every box adds up; each mismatch named in words. Empty when all is well."""
    problems = []
    for column in COLUMNS:
        c = counts[column]
        checks = [
            ("identified", "duplicates_removed + excluded_automation + records_screened",
             c["duplicates_removed"] + c["excluded_automation"] + c["records_screened"]),
            ("records_screened", "records_excluded + awaiting_screening + reports_sought",
             c["records_excluded"] + c["awaiting_screening"] + c["reports_sought"]),
            ("reports_assessed", "reports_excluded (all reasons) + awaiting_assessment + included",
             sum(c["reports_excluded"].values()) + c["awaiting_assessment"] + c["included"]),
        ]
        for box, formula, expected in checks:
            if c[box] != expected:
                problems.append(f"{column}: {box} is {c[box]} but {formula} is {expected}")
    return problems


def assert_counts(counts: Mapping[str, Any], file: str) -> None:
    problems = check_counts(counts)
    if problems:
        raise InputError([Problem(file, p, hint="the PRISMA boxes do not add up")
                          for p in problems])


def summary_text(counts: Mapping[str, Any]) -> str:
    """The flow in plain text, as `make run` prints it."""
    ident = counts["identification"]
    db = counts["databases"]
    other = counts["other_methods"]
    lines = [f"PRISMA 2020 flow — {counts['review']['title']}", "", "Identification"]
    lines.append(f"  Records identified from databases: {db['identified']}")
    for name, n in ident["databases"].items():
        lines.append(f"    {name}: {n}")
    if ident["other_sources"]:
        lines.append(f"  Records identified from other methods: {other['identified']}")
        for name, n in ident["other_sources"].items():
            lines.append(f"    {name}: {n}")
    dupes = db["duplicates_removed"] + other["duplicates_removed"]
    lines.append(f"  Duplicate records removed: {dupes}")
    automation = db["excluded_automation"] + other["excluded_automation"]
    lines.append(f"  Records marked ineligible by automation: {automation}")
    lines.append("Screening")
    for label, key in (("Records screened", "records_screened"),
                       ("Records excluded", "records_excluded"),
                       ("Reports sought for retrieval", "reports_sought"),
                       ("Reports not retrieved", "reports_not_retrieved"),
                       ("Reports assessed for eligibility", "reports_assessed")):
        lines.append(f"  {label}: {db[key] + other[key]}")
    reasons: Counter[str] = Counter(db["reports_excluded"]) + Counter(other["reports_excluded"])
    lines.append(f"  Reports excluded: {sum(reasons.values())}")
    for reason, n in sorted(reasons.items()):
        text = counts["exclusion_reasons"].get(reason, reason)
        lines.append(f"    {reason} {text}: {n}")
    waiting = sum(c[k] for c in (db, other) for k in ("awaiting_screening", "awaiting_assessment"))
    if waiting:
        lines.append(f"  Awaiting a decision: {waiting}")
    lines.append("Included")
    lines.append(f"  Studies included in review: {counts['included']['studies']}")
    return "\n".join(lines) + "\n"
