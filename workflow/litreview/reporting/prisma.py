"""PRISMA 2020 counts, computed from the records, the duplicate groups and the outcomes.

Two columns, as in the PRISMA 2020 flow: records identified via databases, and via
other methods (websites, organisations, documents requested...). A work found in a
database and also on a website belongs to the databases column; the website's copy is
counted as a duplicate in the other column.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from litreview.core.contracts import Status
from litreview.core.errors import InputError, Problem
from litreview.core.review import Review, search_date
from litreview.screening import Criteria, Outcome

COLUMNS = ("databases", "other_methods")
#: The statuses that take a record out of the flow at a stage, with a reason.
_EXCLUDED = (Status.EXCLUDED, Status.AUTOMATION)
#: The statuses of a record still awaiting a decision.
_AWAITING = (Status.AWAITING, Status.CONFLICT)

def _column_counts(ids: set[str], n_records: int, outcomes: Sequence[Outcome],
                   criteria: Criteria, set_aside: int = 0) -> dict[str, Any]:
    """One column of the flow. ``n_records`` counts every record identified, the
    ``set_aside`` ones (unreadable in their export) included."""
    stages = criteria.stages
    by_stage: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.record_id in ids:
            by_stage[outcome.stage].append(outcome)
    screening = [s for s in stages if s.kind == "screening"]
    eligibility = [s for s in stages if s.kind == "eligibility"]

    def count(stage_ids: Sequence[str], *statuses: Status) -> int:
        return sum(o.status in statuses for s in stage_ids for o in by_stage[s])

    first_screen = screening[0].id if screening else None
    automation = count([first_screen], Status.AUTOMATION) if first_screen else 0
    entered_first = len(by_stage[stages[0].id])
    excluded_reasons: Counter[str] = Counter()
    for stage in eligibility:
        for o in by_stage[stage.id]:
            if o.status in _EXCLUDED:
                excluded_reasons[o.reason] += 1
    sought = len(by_stage[eligibility[0].id]) if eligibility else 0
    not_retrieved = count([s.id for s in eligibility], Status.NOT_RETRIEVED)
    screened = entered_first - automation if screening else 0
    return {
        "identified": n_records,
        "duplicates_removed": n_records - set_aside - len(ids),
        "excluded_automation": automation,
        "excluded_other_reasons": set_aside,
        "records_screened": screened,
        "records_excluded": count([s.id for s in screening], Status.EXCLUDED),
        "awaiting_screening": count([s.id for s in screening], *_AWAITING),
        "reports_sought": sought,
        "reports_not_retrieved": not_retrieved,
        "reports_assessed": sought - not_retrieved,
        "reports_excluded": dict(sorted(excluded_reasons.items())),
        "awaiting_assessment": count([s.id for s in eligibility], *_AWAITING),
        "included": count([stages[-1].id], Status.INCLUDED),
    }


def prisma_counts(review: Review, source_of: Mapping[str, str], groups: Mapping[str, str],
                  outcomes: Sequence[Outcome], criteria: Criteria, *,
                  new_records: Collection[str] | None = None,
                  set_aside: Mapping[str, Sequence[str]] | None = None,
                  study_of: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every PRISMA 2020 box. ``source_of`` maps each imported record id to its source name.

    For a search update, ``new_records`` names the records of the update's searches: the
    flow then counts only them and the works they brought in, and the studies included
    from earlier records are the previous version's. ``set_aside`` gives, by source name,
    the search date of each record that could not be read in its export and was set aside
    in a rejects file: identified (in this flow if of its searches), then removed before
    screening for that reason. ``study_of``
    maps an included report (by its work's id) to the study it reports, when several
    reports tell of one study; any other report is a study of its own.
    """
    update = new_records is not None
    set_aside = set_aside or {}
    aside_here = Counter({name: sum(1 for d in dates if not update or review.search_round(d))
                          for name, dates in set_aside.items()})
    study_of = study_of or {}
    column_of = _column_of_groups(review, source_of, groups)
    included_ids = {o.record_id for o in outcomes
                    if o.stage == criteria.stages[-1].id and o.status == Status.INCLUDED}
    fresh = set(new_records) if update else set(groups)  # the records this flow counts
    new_groups = {gid for gid in column_of if gid in fresh}  # a group is new if its first is
    previous_reports = included_ids - new_groups if update else set()
    previous_studies = {study_of.get(g, g) for g in previous_reports}
    new_studies = {study_of.get(g, g) for g in included_ids - previous_reports} \
        - previous_studies  # a new report of an earlier study adds no study
    counted = Counter(source_of[r] for r in fresh) + aside_here
    n_records, aside = _by_column(review, counted), _by_column(review, aside_here)
    columns = {c: _column_counts({g for g in new_groups if column_of[g] == c}, n_records[c],
                                 outcomes, criteria, aside[c]) for c in COLUMNS}
    new_included = sum(columns[c]["included"] for c in COLUMNS)
    return {
        "review": {"title": review.title, "question": review.question},
        "review_type": "update" if update else "new",
        "previous": {"studies": len(previous_studies), "reports": len(previous_reports),
                     "searched_until": review.update_of},
        "identification": _identification(review, counted),
        **columns,
        "unique_records": len(new_groups),
        "included": {"studies": len(new_studies), "reports": new_included},
        "total": {"studies": len(new_studies) + len(previous_studies),
                  "reports": new_included + len(previous_reports)},
        "exclusion_reasons": {c.id: c.text for c in criteria.criteria},
        "per_source": _per_source(review, source_of, groups, included_ids, set_aside),
        "stages": _stage_summary(criteria, outcomes, new_groups if update else None),
    }


def _column_of_groups(review: Review, source_of: Mapping[str, str],
                      groups: Mapping[str, str]) -> dict[str, str]:
    """The column of each duplicate group: databases when any of its records came from
    one, else other methods."""
    database_names = {s.name for s in review.databases}
    group_sources: dict[str, set[str]] = defaultdict(set)
    for rid, gid in groups.items():
        group_sources[gid].add(source_of[rid])
    return {gid: "databases" if srcs & database_names else "other_methods"
            for gid, srcs in group_sources.items()}


def _by_column(review: Review, by_source: Mapping[str, int]) -> dict[str, int]:
    """Counts by source name summed into the two columns."""
    return {"databases": sum(by_source[s.name] for s in review.databases),
            "other_methods": sum(by_source[s.name] for s in review.other_sources)}


def _identification(review: Review, counted: Mapping[str, int]) -> dict[str, Any]:
    """The records identified from each source, and from each kind of other method."""
    by_kind: Counter[str] = Counter()
    for source in review.other_sources:
        by_kind[source.kind] += counted[source.name]
    return {
        "databases": {s.name: counted[s.name] for s in review.databases},
        "other_sources": {s.name: counted[s.name] for s in review.other_sources},
        "other_methods_by_kind": dict(sorted(by_kind.items())),
    }


def _per_source(review: Review, source_of: Mapping[str, str], groups: Mapping[str, str],
                included_ids: Collection[str],
                set_aside: Mapping[str, Sequence[str]]) -> dict[str, dict[str, Any]]:
    """What each source brought: its records, the works they are, those found only there,
    and those included."""
    records_per_source = Counter(source_of.values())
    per_source = {}
    for source in review.sources:
        works = {groups[r] for r, s in source_of.items() if s == source.name}
        others = {groups[r] for r, s in source_of.items() if s != source.name}
        per_source[source.name] = {
            "kind": source.kind,
            "searched": "; ".join(sorted({search_date(e, source.searched)
                                           for e in source.exports} - {""}))
            or source.searched,
            "records": records_per_source[source.name],
            "set_aside": len(set_aside.get(source.name, ())),
            "works": len(works),
            "only_here": len(works - others),
            "included": len(works & set(included_ids)),
        }
    return per_source


def _stage_summary(criteria: Criteria, outcomes: Sequence[Outcome],
                   new_groups: Collection[str] | None) -> list[dict[str, Any]]:
    """Each stage's outcomes by status and reason. In an update (``new_groups`` the works
    of its searches), the previous version's records left undecided are counted apart."""
    summary = []
    for stage in criteria.stages:
        mine = [o for o in outcomes if o.stage == stage.id]
        statuses = Counter(o.status for o in mine)
        reasons = Counter(o.reason for o in mine if o.status in _EXCLUDED)
        not_retrieved = Counter(o.note or "no reason given" for o in mine
                                if o.status == Status.NOT_RETRIEVED)
        summary.append({
            "id": stage.id, "name": stage.name, "kind": stage.kind, "entered": len(mine),
            **{status.value: statuses.get(status, 0) for status in Status},
            # of those awaiting, the previous version's records left undecided: outside
            # the update's flow, still to decide
            "carried_over": sum(1 for o in mine if new_groups is not None
                                and o.record_id not in new_groups and o.status in _AWAITING),
            "reasons": dict(sorted(reasons.items())),
            "not_retrieved_reasons": dict(sorted(not_retrieved.items())),
        })
    return summary


def _column_checks(c: Mapping[str, Any]) -> list[tuple[str, int, str, int]]:
    """(box, its value, the boxes it should equal, their sum) down one column."""
    excluded = sum(c["reports_excluded"].values())
    return [
        ("identified", c["identified"], "duplicates_removed + excluded_automation + "
         "excluded_other_reasons + records_screened", c["duplicates_removed"]
         + c["excluded_automation"] + c["excluded_other_reasons"] + c["records_screened"]),
        ("records_screened", c["records_screened"],
         "records_excluded + awaiting_screening + reports_sought",
         c["records_excluded"] + c["awaiting_screening"] + c["reports_sought"]),
        ("reports_sought", c["reports_sought"], "reports_not_retrieved + reports_assessed",
         c["reports_not_retrieved"] + c["reports_assessed"]),
        ("reports_assessed", c["reports_assessed"],
         "reports_excluded (all reasons) + awaiting_assessment + included",
         excluded + c["awaiting_assessment"] + c["included"]),
    ]


def check_counts(counts: Mapping[str, Any]) -> list[str]:
    """Every box adds up; each mismatch named in words. Empty when all is well."""
    db, other = counts["databases"], counts["other_methods"]
    ident = counts["identification"]
    checks = [(f"{column}: {box}", value, formula, expected) for column in COLUMNS
              for box, value, formula, expected in _column_checks(counts[column])]
    checks += [
        ("databases: identified", db["identified"], "the records of each database",
         sum(ident["databases"].values())),
        ("other_methods: identified", other["identified"], "the records of each other source",
         sum(ident["other_sources"].values())),
        ("other_methods: identified", other["identified"], "the records of each kind of "
         "other method", sum(ident["other_methods_by_kind"].values())),
        ("unique_records", counts["unique_records"], "identified - duplicates_removed - "
         "excluded_other_reasons in both columns",
         sum(counts[c]["identified"] - counts[c]["duplicates_removed"]
             - counts[c]["excluded_other_reasons"] for c in COLUMNS)),
    ]
    for kind in ("studies", "reports"):
        checks += [
            (f"included.{kind}", counts["included"][kind], "included in both columns",
             db["included"] + other["included"]) if kind == "reports" else
            (f"included.{kind}", counts["included"][kind], "at most the reports included",
             min(counts["included"][kind], counts["included"]["reports"])),
            (f"total.{kind}", counts["total"][kind], f"included.{kind} + previous.{kind}",
             counts["included"][kind] + counts["previous"][kind]),
        ]
    return [f"{box} is {value} but {formula} is {expected}"
            for box, value, formula, expected in checks if value != expected]


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
    lines = [f"PRISMA 2020 flow — {counts['review']['title']}", ""]
    update = counts.get("review_type") == "update"
    if update:
        previous = counts["previous"]
        lines += ["Previous studies",
                  f"  Studies included in the previous version (searched until "
                  f"{previous['searched_until']}): {previous['studies']}",
                  f"  Reports of those studies: {previous['reports']}"]
    lines.append("Identification of new studies" if update else "Identification")
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
    removed = db["excluded_other_reasons"] + other["excluded_other_reasons"]
    if removed:
        lines.append(f"  Records removed for other reasons (unreadable in the export, set "
                     f"aside in results/records/*.rejects.csv): {removed}")
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
        lines.append(f"    {reason_label(reason, counts['exclusion_reasons'])}: {n}")
    lines += _awaiting_lines(counts)
    lines.append("Included")
    if update:
        lines.append(f"  New studies included in review: {counts['included']['studies']}")
        lines.append(f"  Total studies included in review: {counts['total']['studies']}")
    else:
        lines.append(f"  Studies included in review: {counts['included']['studies']}")
    lines.append(f"  Reports of included studies: {counts['total']['reports']}")
    return "\n".join(lines) + "\n"


def _awaiting_lines(counts: Mapping[str, Any]) -> list[str]:
    """The records awaiting a decision, by stage: those the flow counts (as screened, not
    yet excluded), and in an update the previous version's left undecided, apart."""
    columns = [counts[c] for c in COLUMNS]
    waiting = sum(c[k] for c in columns for k in ("awaiting_screening", "awaiting_assessment"))
    stages = counts["stages"]
    carried = {s["name"]: s.get("carried_over", 0) for s in stages}
    new = {s["name"]: s["awaiting"] + s["conflict"] - carried[s["name"]] for s in stages}
    lines = []
    if waiting:
        label = "New works awaiting a decision" if counts.get("review_type") == "update" \
            else "Awaiting a decision"
        by_stage = "; ".join(f"{name}: {n}" for name, n in new.items() if n)
        lines.append(f"  {label}: {waiting} ({by_stage})")
    if sum(carried.values()):
        by_stage = "; ".join(f"{name}: {n}" for name, n in carried.items() if n)
        lines.append(f"  Records of the previous version still undecided, carried over (not "
                     f"counted in this flow): {sum(carried.values())} ({by_stage})")
    return lines



def reason_label(reason: str, texts: Mapping[str, str]) -> str:
    """An exclusion reason as a reader takes it: the criterion the report did not meet."""
    return f"{reason} not met: {texts[reason]}" if reason in texts else reason

