"""PRISMA 2020 counts, computed from the records, the duplicate groups and the outcomes.

Two columns, as in the PRISMA 2020 flow: records identified via databases, and via
other methods (websites, organisations, documents requested...). A work found in a
database and also on a website belongs to the databases column; the website's copy is
counted as a duplicate in the other column.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from litreview.core.errors import InputError, Problem
from litreview.core.fileio import csv_text, read_person_text
from litreview.core.review import Review, search_date
from litreview.screening.stages import Criteria, Outcome

COLUMNS = ("databases", "other_methods")


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
        "duplicates_removed": n_records - set_aside - len(ids),
        "excluded_automation": automation,
        "excluded_other_reasons": set_aside,
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
    aside_here = Counter({name: sum(1 for d in dates if not update or review.search_round(d))
                          for name, dates in (set_aside or {}).items()})
    study_of = study_of or {}
    database_names = {s.name for s in review.databases}
    group_sources: dict[str, set[str]] = defaultdict(set)
    for rid, gid in groups.items():
        group_sources[gid].add(source_of[rid])
    column_of = {gid: "databases" if srcs & database_names else "other_methods"
                 for gid, srcs in group_sources.items()}
    included_ids = {o.record_id for o in outcomes
                    if o.stage == criteria.stages[-1].id and o.status == "included"}
    fresh = set(new_records) if update else set(groups)  # the records this flow counts
    new_groups = {gid for gid in column_of if gid in fresh}  # a group is new if its first is
    previous_reports = included_ids - new_groups if update else set()
    previous_studies = {study_of.get(g, g) for g in previous_reports}
    new_studies = {study_of.get(g, g) for g in included_ids - previous_reports} \
        - previous_studies  # a new report of an earlier study adds no study
    counted = Counter(source_of[r] for r in fresh) + aside_here
    ids = {c: {g for g in new_groups if column_of[g] == c} for c in COLUMNS}
    n_records = {
        "databases": sum(counted[s.name] for s in review.databases),
        "other_methods": sum(counted[s.name] for s in review.other_sources),
    }
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
            "set_aside": len((set_aside or {}).get(source.name, ())),
            "works": len(works),
            "only_here": len(works - others),
            "included": len(works & included_ids),
        }
    by_kind: Counter[str] = Counter()
    for source in review.other_sources:
        by_kind[source.kind] += counted[source.name]
    stage_summary = []
    for stage in criteria.stages:
        mine = [o for o in outcomes if o.stage == stage.id]
        statuses = Counter(o.status for o in mine)
        reasons = Counter(o.reason for o in mine if o.status in ("excluded", "automation"))
        not_retrieved = Counter(o.note or "no reason given" for o in mine
                                if o.status == "not_retrieved")
        stage_summary.append({
            "id": stage.id, "name": stage.name, "kind": stage.kind, "entered": len(mine),
            **{status: statuses.get(status, 0) for status in
               ("included", "excluded", "automation", "not_retrieved", "awaiting", "conflict")},
            # of those awaiting, the previous version's records left undecided: outside
            # the update's flow, still to decide
            "carried_over": sum(1 for o in mine if update and o.record_id not in new_groups
                                and o.status in ("awaiting", "conflict")),
            "reasons": dict(sorted(reasons.items())),
            "not_retrieved_reasons": dict(sorted(not_retrieved.items())),
        })
    aside = {"databases": sum(aside_here[s.name] for s in review.databases),
             "other_methods": sum(aside_here[s.name] for s in review.other_sources)}
    columns = {c: _column_counts(ids[c], n_records[c], outcomes, criteria, aside[c])
               for c in COLUMNS}
    new_included = sum(columns[c]["included"] for c in COLUMNS)
    return {
        "review": {"title": review.title, "question": review.question},
        "review_type": "update" if update else "new",
        "previous": {"studies": len(previous_studies), "reports": len(previous_reports),
                     "searched_until": review.update_of},
        "identification": {
            "databases": {s.name: counted[s.name] for s in review.databases},
            "other_sources": {s.name: counted[s.name] for s in review.other_sources},
            "other_methods_by_kind": dict(sorted(by_kind.items())),
        },
        **columns,
        "unique_records": len(new_groups),
        "included": {"studies": len(new_studies), "reports": new_included},
        "total": {"studies": len(new_studies) + len(previous_studies),
                  "reports": new_included + len(previous_reports)},
        "exclusion_reasons": {c.id: c.text for c in criteria.criteria},
        "per_source": per_source,
        "stages": stage_summary,
    }


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


STUDIES_SHEET = "screening/studies.csv"


def read_study_links(path: str | Path, aliases: Mapping[str, str]) -> dict[str, str]:
    """``screening/studies.csv`` (``record_id, study_id``): reports that tell of one study.

    Any member id of a duplicate group may be used; the result maps the group's id to its
    study. A record listed twice, or unknown, is a located error.
    """
    problems: list[Problem] = []
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    with io.StringIO(read_person_text(path), newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"record_id", "study_id"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(Problem(str(path), f"missing column(s) {', '.join(sorted(missing))}",
                                     1, hint="columns: record_id, study_id"))
        for row in reader:
            line = reader.line_num
            rid, study = (row["record_id"] or "").strip(), (row["study_id"] or "").strip()
            if rid not in aliases:
                problems.append(Problem(str(path), f"unknown record id '{rid}'", line,
                                        hint="use ids from results/screening/included.csv"))
            elif not study:
                problems.append(Problem(str(path), f"'{rid}' has no study_id", line))
            elif aliases[rid] in seen:
                problems.append(Problem(str(path), f"'{rid}' is listed twice (first on line "
                                        f"{seen[aliases[rid]]})", line))
            else:
                seen[aliases[rid]] = line
                out[aliases[rid]] = study
    if problems:
        raise InputError(problems)
    return out


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


#: The PRISMA2020 R package / Shiny app template: (data, node, box, description, boxtext).
_TEMPLATE = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review",
     "Studies included in previous version of review"),
    ("previous_reports", "NA", "box1",
     "Reports of studies included in previous version of review",
     "Reports of studies included in previous version of review"),
    ("NA", "node6", "newstud",
     "Yellow title box; Identification of new studies via databases and registers",
     "Identification of new studies via databases and registers"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases"),
    ("database_specific_results", "NA", "box2",
     "Records identified from: specific databases [Database1, xxx; Database2, xxx]",
     "Databases"),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers"),
    ("register_specific_results", "NA", "box2",
     "Records identified from: specific registers [Register1, xxx; Register2, xxx]",
     "Registers"),
    ("NA", "node16", "othstud", "Grey title box; Identification of new studies via other methods",
     "Identification of new studies via other methods"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites"),
    ("organisation_results", "NA", "box11", "Records identified from: Organisations",
     "Organisations"),
    ("citations_results", "NA", "box11", "Records identified from: Citation searching",
     "Citation searching"),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools",
     "Records marked as ineligible by automation tools"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons",
     "Records removed for other reasons"),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)",
     "Records screened"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)",
     "Records excluded"),
    ("dbr_sought_reports", "node11", "box6",
     "Reports sought for retrieval (databases and registers)", "Reports sought for retrieval"),
    ("dbr_notretrieved_reports", "node12", "box7",
     "Reports not retrieved (databases and registers)", "Reports not retrieved"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
     "Reports sought for retrieval"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)",
     "Reports not retrieved"),
    ("dbr_assessed", "node13", "box8",
     "Reports assessed for eligibility (databases and registers)",
     "Reports assessed for eligibility"),
    ("dbr_excluded", "node14", "box9", "Reports excluded (databases and registers): [separate "
     "reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]",
     "Reports excluded"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
     "Reports assessed for eligibility"),
    ("other_excluded", "node21", "box15", "Reports excluded (other): [separate reasons and "
     "numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]", "Reports excluded"),
    ("new_studies", "node15", "box10", "New studies included in review",
     "New studies included in review"),
    ("new_reports", "NA", "box10", "Reports of new included studies",
     "Reports of new included studies"),
    ("total_studies", "node22", "box16", "Total studies included in review",
     "Total studies included in review"),
    ("total_reports", "NA", "box16", "Reports of total included studies",
     "Reports of total included studies"),
    ("identification", "node1", "identification", "Blue identification box", "Identification"),
    ("screening", "node2", "screening", "Blue screening box", "Screening"),
    ("included", "node3", "included", "Blue included box", "Included"),
)


def reason_label(reason: str, texts: Mapping[str, str]) -> str:
    """An exclusion reason as a reader takes it: the criterion the report did not meet."""
    return f"{reason} not met: {texts[reason]}" if reason in texts else reason


def _reason_list(reasons: Mapping[str, int], texts: Mapping[str, str]) -> str:
    """``reason, n; reason, n``: the PRISMA2020 package takes a reason up to its first comma."""
    return "; ".join(f"{re.sub(r'[,;]', ' -', reason_label(r, texts))}, {n}"
                     for r, n in reasons.items()) if reasons else "0"


def prisma2020_csv(counts: Mapping[str, Any]) -> str:
    """The counts in the template of the PRISMA2020 R package and Shiny app, to load there.

    Records found by other methods are screened here like database records; the template
    has no screening boxes for them, so its other-methods column starts at the reports
    sought.
    """
    db, other = counts["databases"], counts["other_methods"]
    texts = counts["exclusion_reasons"]
    kinds = counts["identification"]["other_methods_by_kind"]
    specific = "; ".join(f"{name}, {n}" for name, n in
                         counts["identification"]["databases"].items())
    values: dict[str, object] = {
        "previous_studies": counts["previous"]["studies"],
        "previous_reports": counts["previous"]["reports"],
        "database_results": db["identified"], "database_specific_results": specific,
        "register_results": 0, "register_specific_results": "",
        "website_results": kinds.get("websites", 0),
        "organisation_results": sum(kinds.get(k, 0) for k in
                                    ("organisations", "documents_requested", "other")),
        "citations_results": kinds.get("citation_searching", 0),
        "duplicates": db["duplicates_removed"], "excluded_automatic": db["excluded_automation"],
        "excluded_other": db["excluded_other_reasons"],
        "records_screened": db["records_screened"], "records_excluded": db["records_excluded"],
        "dbr_sought_reports": db["reports_sought"],
        "dbr_notretrieved_reports": db["reports_not_retrieved"],
        "other_sought_reports": other["reports_sought"],
        "other_notretrieved_reports": other["reports_not_retrieved"],
        "dbr_assessed": db["reports_assessed"],
        "dbr_excluded": _reason_list(db["reports_excluded"], texts),
        "other_assessed": other["reports_assessed"],
        "other_excluded": _reason_list(other["reports_excluded"], texts),
        "new_studies": counts["included"]["studies"],
        "new_reports": counts["included"]["reports"],
        "total_studies": counts["total"]["studies"],
        "total_reports": counts["total"]["reports"],
    }
    rows = []
    for data, node, box, description, boxtext in _TEMPLATE:
        tooltips = description if node != "NA" else "NA"
        url = f"{data if data != 'NA' else box}.html" if node != "NA" else "NA"
        rows.append([data, node, box, description, boxtext, tooltips, url, values.get(data, 0)])
    return csv_text(["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"],
                    rows)
