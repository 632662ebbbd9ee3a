"""Audit: what went in, with what software, what came out — and proof it still holds.

``results/audit/manifest.json`` records the SHA-256 of every input a person supplies,
the software versions, and every count. ``verify`` recomputes the counts from the inputs
alone, in memory, and names the first thing that differs; ``trail`` tells one record's
story: where it came from, its duplicates, and every decision on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.fileio import CsvDictReader
from litreview.core.review import CONFIG_NAME, Review, load_review, search_date

PACKAGES = ("litreview", "snakemake", "pandas", "numpy", "scipy", "scikit-learn", "rapidfuzz",
            "bibtexparser", "rispy", "openpyxl", "pyyaml", "jsonschema", "ftfy", "defusedxml",
            "pillow")
MANIFEST = "results/audit/manifest.json"


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decision_files(review: Review, root: Path) -> list[str]:
    folder = root / review.decisions
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(root)) for p in folder.iterdir()
                  if p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith((".", "~$")))


def review_inputs(review: Review, root: Path, decision_sheets: Iterable[str] = ()) -> list[str]:
    """Every file a person supplies, relative to the review directory, sorted."""
    files = {CONFIG_NAME, review.criteria, review.extraction, "screening/duplicate_pairs.csv",
             "screening/studies.csv", *decision_sheets, *decision_files(review, root)}
    for source in review.sources:
        files.update(source.exports)
        files.update(f for f in (source.strategy, source.thesaurus, source.heading_map) if f)
    return sorted(f for f in files if (root / f).is_file())


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(root: Path, inputs: Iterable[str], counts: Mapping[str, Any],
             derived: Mapping[str, Any] | None = None, now: dt.datetime | None = None) -> str:
    """The manifest: input hashes, software, the PRISMA counts and the other counts."""
    data = {
        "run_at": (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        "inputs": {f: sha256(root / f) for f in inputs},
        "software": versions(),
        "counts": counts,
        "derived_counts": dict(derived or {}),
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _dict_rows(text: str) -> list[dict[str, str]]:
    return list(CsvDictReader(io.StringIO(text, newline="")))


def derived_counts(hits: Mapping[str, str], agreement: Iterable[str],
                   robustness: str) -> dict[str, Any]:
    """The counts beside PRISMA's, from the workflow's tables: the hits of every strategy
    line (by source), reviewers' agreement (by stage and pair), and the included studies
    per coded characteristic."""
    out: dict[str, Any] = {"search_hits": {}, "agreement": {}, "robustness": {}}
    for source, text in sorted(hits.items()):
        out["search_hits"][source] = {row["line"]: int(row["hits"]) for row in _dict_rows(text)}
    for text in agreement:
        for row in _dict_rows(text):
            pair = f"{row['reviewer_a']}+{row['reviewer_b']}"
            out["agreement"].setdefault(row["stage"], {})[pair] = {
                "both_decided": int(row["both_decided"]), "agreed": int(row["agreed"]),
                "kappa": row["kappa"]}
    for row in _dict_rows(robustness):
        out["robustness"].setdefault(row["characteristic"], {})[row["value"]] = \
            int(row["studies"])
    return out


# --- recomputing ------------------------------------------------------------------------

def compute_counts(root: Path) -> dict[str, Any]:
    """Every PRISMA count, from the review's input files alone, by the workflow's own steps."""
    return recompute(root)[0]


def recompute(root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The PRISMA counts and the derived counts, from the review's input files alone, by
    the workflow's own steps, in memory."""
    from litreview.core.records import finalise
    from litreview.dedupe.grouping import deduplicate, read_pair_decisions, unknown_pair_ids
    from litreview.importers import import_export
    from litreview.reporting.prisma import STUDIES_SHEET, prisma_counts, read_study_links
    from litreview.screening.stages import load_criteria, read_sheets, screen

    review = load_review(root)
    records = []
    by_source: dict[str, list] = {}
    set_aside: dict[str, list[str]] = {}
    for source in review.sources:
        mine = []
        for export in source.exports:
            searched = search_date(export, source.searched)
            imported = import_export(root / export, database=source.name, fmt=source.format,
                                     searched=searched, columns=source.columns,
                                     display_path=export)
            if imported.rejects and not source.rejects:
                raise InputError([r.problem for r in imported.rejects])
            if imported.rejects:
                set_aside.setdefault(source.name, []).extend([searched] * len(imported.rejects))
            mine += imported.records
        by_source[source.slug] = finalise(mine)
        records += by_source[source.slug]
    if review.update_of:
        records.sort(key=lambda r: review.search_round(r.searched) == 1)
    pairs = root / "screening/duplicate_pairs.csv"
    decisions = read_pair_decisions(str(pairs)) if pairs.is_file() else []
    raise_if(unknown_pair_ids(decisions, {r.record_id for r in records}, str(pairs)))
    result = deduplicate(records, decisions)
    criteria = load_criteria(root / review.criteria)
    sheets = read_sheets(root / review.decisions, [s.id for s in criteria.stages])
    screening = screen(result.unique, criteria, sheets, result.groups)
    outcomes = [o for stage in screening.stages for o in
                (stage.outcomes[i] for i in stage.entered)]
    new_records = ({r.record_id for r in records if review.search_round(r.searched)}
                   if review.update_of else None)
    studies = root / STUDIES_SHEET
    study_of = read_study_links(studies, result.groups) if studies.is_file() else None
    counts = prisma_counts(review, {r.record_id: r.database for r in records}, result.groups,
                           outcomes, criteria, new_records=new_records,
                           set_aside=set_aside,
                           study_of=study_of)
    return counts, _recompute_derived(root, review, by_source, result, screening, study_of)


def _recompute_derived(root: Path, review: Review, by_source: Mapping[str, list], result: Any,
                       screening: Any, study_of: Mapping[str, str] | None) -> dict[str, Any]:
    """:func:`derived_counts`, from tables made in memory as the workflow makes them."""
    from litreview.reporting.robustness import per_study, read_extraction, summary_csv, tables
    from litreview.screening.stages import AGREEMENT_COLUMNS, agreement_rows, table_csv
    from litreview.search.evaluate import hits_csv, line_hits
    from litreview.search.strategies import read_strategy
    from litreview.search.thesaurus import load_thesaurus

    hits = {}
    for source in review.databases:
        if source.strategy:
            thesaurus = load_thesaurus(root / source.thesaurus) if source.thesaurus else None
            hits[source.slug] = hits_csv(line_hits(read_strategy(root / source.strategy),
                                                   by_source[source.slug], thesaurus))
    agreement = [table_csv(AGREEMENT_COLUMNS, agreement_rows(stage))
                 for stage in screening.stages]
    by_id = {r.record_id: r for r in result.unique}
    included = {i: (by_id[i].title, by_id[i].year) for i in screening.included}
    aliases = result.groups
    if study_of is not None:
        included, aliases = per_study(included, aliases, study_of)
    sheet = root / review.extraction
    studies = read_extraction(sheet, included, aliases).studies if sheet.is_file() else []
    return derived_counts(hits, agreement, summary_csv(tables(studies)))


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            key = item.get("id", i) if isinstance(item, dict) else i
            out.update(_flatten(item, f"{prefix}[{key}]"))
        return out
    return {prefix: value}


def count_differences(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """Each count that moved, in words."""
    before, after = _flatten(dict(recorded)), _flatten(dict(now))
    out = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if isinstance(a, int) and isinstance(b, int):
            out.append(f"count moved: {key} was {a}, now {b} ({b - a:+d})")
        else:
            out.append(f"count changed: {key} was {a!r}, now {b!r}")
    return out


def verify(root: Path) -> list[str]:
    """Differences between the manifest and the review directory now; empty when equal."""
    path = root / MANIFEST
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(str(path), "no audit manifest",
                                 hint="run the workflow first")) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(Problem(str(path), f"the audit manifest is damaged ({error})",
                                 hint="restore it from where the review is kept")) from None
    if not isinstance(recorded, dict) or not isinstance(recorded.get("inputs"), dict) \
            or not isinstance(recorded.get("counts"), dict):
        raise InputError(Problem(str(path), "the audit manifest lacks its inputs or counts",
                                 hint="restore it from where the review is kept"))
    try:
        names = review_inputs(load_review(root), root)
    except InputError:  # the config itself changed for the worse: compare what was there
        names = sorted(f for f in recorded["inputs"] if (root / f).is_file())
    inputs_now = {f: sha256(root / f) for f in names}
    differences = []
    for name in sorted(recorded["inputs"].keys() | inputs_now.keys()):
        before, after = recorded["inputs"].get(name), inputs_now.get(name)
        if before is None:
            differences.append(f"input added: {name}")
        elif after is None:
            differences.append(f"input removed: {name}")
        elif before != after:
            differences.append(f"input changed: {name}")
    try:
        counts, derived = recompute(root)
    except InputError as error:  # an input changed so that it no longer reads
        return [*differences, f"the counts cannot be recomputed: {error.problems[0]}"]
    differences += count_differences(recorded["counts"], counts)
    differences += count_differences(recorded.get("derived_counts", {}), derived)
    return differences


# --- a record's trail -------------------------------------------------------------------

def trail(record_id: str, root: Path) -> list[str]:
    """Where a record came from, its duplicates, and every decision on it, in words."""
    from litreview.core.records import RecordIdError, read_records, resolve_record_id
    from litreview.screening.stages import load_criteria, read_sheets, resolve_sheets

    review = load_review(root)
    groups = _read_csv(root / "results/dedupe/groups.csv")
    group_of = {r["record_id"]: r["group_id"] for r in groups}
    try:  # the id, or the bare accession number of one record (EJ1181769)
        record_id = resolve_record_id(record_id, group_of)
    except RecordIdError as error:
        raise InputError(Problem(str(root / "results/dedupe/groups.csv"), str(error),
                                 hint="" if error.candidates else
                                 "use an id from results/records or results/screening")) \
            from None
    group = group_of[record_id]
    members = [r["record_id"] for r in groups if r["group_id"] == group]
    records = {r.record_id: r for source in review.sources
               for r in read_records(root / f"results/records/{source.slug}.csv")
               if r.record_id in members}
    lead = records[group]
    lines = [f"{group}: {lead.title} ({lead.year})"]
    lines.append(f"  {len(members)} record(s) of this work"
                 + (" — duplicates merged into one" if len(members) > 1 else ""))
    for member in members:
        r = records[member]
        where = f"{r.source_file}:{r.source_line}" if r.source_line else r.source_file
        accession = f", accession {r.source_id}" if r.source_id else ""
        lines.append(f"  - {member}: {r.database}, {where} (record {r.source_position}"
                     f"{accession}), searched {r.searched or 'date not given'}")
    criteria = load_criteria(root / review.criteria)
    sheets, _ = resolve_sheets(read_sheets(root / review.decisions,
                                           [s.id for s in criteria.stages]), group_of)
    status = {(r["stage"], r["record_id"]): r for r in _read_csv(
        root / "results/screening/status.csv")}
    for stage in criteria.stages:
        outcome = status.get((stage.id, group))
        if outcome is None:
            lines.append(f"  {stage.name}: not reached")
            continue
        reason = f" ({outcome['reason']}: {criteria.text(outcome['reason'])})" \
            if outcome["reason"] else ""
        lines.append(f"  {stage.name}: {outcome['status']}{reason}, decided by "
                     f"{outcome['decided_by'] or 'nobody yet'}")
        for sheet in sheets:
            if sheet.stage != stage.id:
                continue
            for d in sheet.decisions:
                if d.record_id in members:
                    note = f" — {d.note}" if d.note else ""
                    reason_text = f" {d.reason}" if d.reason else ""
                    lines.append(f"    {d.reviewer or 'agreed'}: {d.decision}{reason_text} on "
                                 f"{d.date or 'no date'} ({d.file}:{d.line}){note}")
    return lines


def _read_csv(path: Path) -> Sequence[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(CsvDictReader(handle))
    except FileNotFoundError:
        raise InputError(Problem(str(path), "not found", hint="run the workflow first")) \
            from None
