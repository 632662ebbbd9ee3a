"""``litreview`` command line. Exit codes: 0 ok, 1 a check found problems, 2 bad input."""

from __future__ import annotations

import argparse
import csv
import io
import json
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from litreview import __version__
from litreview.errors import InputError, Problem
from litreview.fileio import atomic_write_bytes, atomic_write_text

#: importers.FORMATS, spelt out so that every command does not load every reader to start
IMPORT_FORMATS = ("ris", "bibtex", "csv", "tsv", "xlsx", "endnote-xml", "nbib", "wos")


def _cmd_import(args: argparse.Namespace) -> int:
    """Import every file of one source; a file that is not an export fails the import, and
    so does any unreadable block unless ``--rejects`` names a file to put them in."""
    from litreview.importers import import_export, parse_column_mapping
    from litreview.records import finalise, write_records
    from litreview.review import search_date

    columns = parse_column_mapping(args.columns or [])
    records = []
    rejects = []
    problems: list[Problem] = []
    for file in args.files:
        try:
            imported = import_export(file, database=args.database, fmt=args.format,
                                     searched=search_date(file, args.searched or ""),
                                     columns=columns)
        except InputError as error:
            problems += error.problems
            continue
        records += imported.records
        rejects += imported.rejects
        if not args.rejects or not args.set_aside:  # every problem, in file order
            problems += [reject.problem for reject in imported.rejects]
        kind = f"{imported.format}, {imported.source}" if imported.source else imported.format
        print(f"{file} ({kind}): {len(imported.records)} records"
              + (f", {len(imported.rejects)} rejected" if imported.rejects else "")
              + ("; a header row and no records: a search that found nothing?"
                 if not imported.records and not imported.rejects else ""), file=sys.stderr)
    if problems:
        raise InputError(problems)
    records = finalise(records)  # an accession id met again in a later export gets "~2"
    write_records(args.output, records)
    if args.rejects:
        atomic_write_text(args.rejects, _rejects_csv(rejects))
    if args.rejects and rejects:
        print(f"{args.database}: {len(records)} records imported, {len(rejects)} rejected "
              f"(see {args.rejects})", file=sys.stderr)
    else:
        print(f"{args.database}: {len(records)} records imported from {len(args.files)} "
              "file(s)", file=sys.stderr)
    return 0


def _rejects_csv(rejects: Sequence) -> str:
    """The rejects file: where each unreadable block is, why, and its text as found."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "line", "reason", "raw"])
    for reject in rejects:
        problem = reject.problem
        reason = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
        writer.writerow([problem.file, problem.line or "", reason, reject.raw])
    return buffer.getvalue()


def _cmd_dedupe(args: argparse.Namespace) -> int:
    from litreview.dedupe import (
        UNIQUE_EXTRA_COLUMNS,
        deduplicate,
        groups_csv,
        overlap_csv,
        read_pair_decisions,
        uncertain_csv,
    )
    from litreview.records import read_records, write_records

    records = [r for path in args.records for r in read_records(path)]
    if args.update_of:  # the previous version's records first: they keep their groups' ids
        records.sort(key=lambda r: bool(r.searched and r.searched > args.update_of))
    seen: dict[str, str] = {}
    problems = []
    for record in records:
        if record.record_id in seen:
            problems.append(Problem(record.source_file, f"record id '{record.record_id}' also "
                                    f"comes from {seen[record.record_id]}", record.source_line,
                                    hint="give each source a distinct name"))
        seen[record.record_id] = record.source_file
    decisions = read_pair_decisions(args.pairs) if args.pairs and Path(args.pairs).exists() \
        else []
    for decision in decisions:  # a mistyped id would silently leave the pair to the rules
        for rid in (decision.a, decision.b):
            if rid not in seen:
                problems.append(Problem(args.pairs, f"record id '{rid}' is not among the "
                                        "records", decision.line,
                                        hint="copy ids from uncertain_pairs.csv"))
    if problems:
        raise InputError(problems)
    result = deduplicate(records, decisions)
    write_records(args.output, result.unique, UNIQUE_EXTRA_COLUMNS)
    atomic_write_text(args.groups, groups_csv(result.groups, records))
    if args.uncertain:
        atomic_write_text(args.uncertain, uncertain_csv(result.uncertain, records))
    if args.overlap:
        sources = list(dict.fromkeys(r.database for r in records))
        atomic_write_text(args.overlap, overlap_csv(result.groups, records, sources))
    print(f"{len(records)} records, {len(result.unique)} unique, "
          f"{len(records) - len(result.unique)} duplicates removed, "
          f"{len(result.uncertain)} uncertain pairs"
          + (f", {len(decisions)} reviewer decisions applied" if decisions else ""),
          file=sys.stderr)
    return 0


def _strategy_source(strategy: str, review_dir: str):
    """The review config's entry for this strategy file, when run inside a review."""
    from litreview.review import CONFIG_NAME, load_review

    root = Path(review_dir)
    if not (root / CONFIG_NAME).is_file():
        return None
    review = load_review(root)
    target = Path(strategy).resolve()
    return next((s for s in review.databases if (root / s.strategy).resolve() == target), None)


def _update_of(review_dir: str) -> str:
    from litreview.review import CONFIG_NAME, load_review

    root = Path(review_dir)
    return load_review(root).update_of if (root / CONFIG_NAME).is_file() else ""


def _thesaurus(path: str | None, source, root: str):
    from litreview.thesaurus import load_thesaurus

    path = path or (str(Path(root) / source.thesaurus) if source and source.thesaurus else None)
    return load_thesaurus(path) if path else None


def _cmd_query_lint(args: argparse.Namespace) -> int:
    from litreview.lint import has_errors, lint_text, summary

    try:
        text = Path(args.strategy).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(Problem(args.strategy, f"not UTF-8 text ({error.reason})")) from None
    source = _strategy_source(args.strategy, args.review)
    _, findings = lint_text(text, args.strategy, source=source,
                            thesaurus=_thesaurus(args.thesaurus, source, args.review))
    report = "".join(f"{finding}\n" for finding in findings)
    report += f"{args.strategy}: {summary(findings)}\n"
    if args.output:
        atomic_write_text(args.output, report)
    sys.stdout.write(report)
    return 1 if has_errors(findings) else 0


def _cmd_query_compile(args: argparse.Namespace) -> int:
    from litreview.platforms import PLATFORMS, compile_strategy, render_compiled
    from litreview.strategies import Limits, read_strategy
    from litreview.thesaurus import load_heading_map

    strategy = read_strategy(args.strategy)
    source = _strategy_source(args.strategy, args.review)
    platforms = list(PLATFORMS) if args.to == "all" else args.to.split(",")
    unknown = [p for p in platforms if p not in PLATFORMS]
    if unknown:
        raise InputError(Problem(args.strategy, f"unknown platform(s) {', '.join(unknown)}",
                                 hint=f"choose from {', '.join(PLATFORMS)} or all"))
    if len(platforms) > 1 and args.output and "{platform}" not in args.output:
        raise InputError(Problem(args.output, "several platforms need '{platform}' in -o"))
    map_path = args.heading_map or (str(Path(args.review) / source.heading_map)
                                    if source and source.heading_map else None)
    limits = strategy.limits
    if limits == Limits() and source is not None and source.limits.years:
        limits = Limits(source.limits.years, source.limits.language, source.limits.country)
    update_of = args.since or _update_of(args.review)
    if update_of:  # a search update: only what was added since the previous search
        limits = replace(limits, since=update_of)
    for platform in platforms:
        compiled = compile_strategy(
            strategy, platform, database=args.database or (source.name if source else None),
            target=args.target, thesaurus=_thesaurus(args.thesaurus, source, args.review),
            heading_map=load_heading_map(map_path) if map_path else None, limits=limits)
        text = render_compiled(compiled, strategy)
        if args.output:
            atomic_write_text(args.output.replace("{platform}", platform), text)
        else:
            sys.stdout.write(text + ("\n" if len(platforms) > 1 else ""))
    return 0


def _cmd_query_hits(args: argparse.Namespace) -> int:
    from litreview.hits import benchmark_indices, hits_csv, hits_table, line_hits, missed
    from litreview.records import read_records
    from litreview.strategies import read_strategy

    strategy = read_strategy(args.strategy)
    records = read_records(args.records)
    source = _strategy_source(args.strategy, args.review)
    thesaurus = _thesaurus(args.thesaurus, source, args.review)
    benchmark = None
    if args.benchmark:
        wanted = Path(args.benchmark).read_text(encoding="utf-8-sig").split()
        benchmark = benchmark_indices(records, wanted)
    rows = line_hits(strategy, records, thesaurus, benchmark)
    if args.format == "csv":
        text = hits_csv(rows)
    elif args.format == "json":
        text = json.dumps([{"line": r.number, "set": r.label, "expression": r.expression,
                            "hits": r.hits, "benchmark_hits": r.benchmark_hits,
                            "recall": r.recall} for r in rows], indent=2,
                          ensure_ascii=False) + "\n"
    else:
        text = hits_table(rows)
        if benchmark is not None:
            lost = missed(strategy, records, benchmark, thesaurus)
            text += f"\nbenchmark: {len(benchmark)} of {len(wanted)} listed records are in " \
                    f"{args.records}; the final line misses {len(lost)}\n"
            text += "".join(f"  {r.record_id}  {r.year}  {r.title}\n" for r in lost)
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _load_screening(root: Path, unique: str, groups: str):
    from litreview.records import read_records
    from litreview.review import load_review
    from litreview.screening import load_criteria, read_sheets, screen

    review = load_review(root)
    criteria = load_criteria(root / review.criteria)
    records = read_records(unique)
    with open(groups, newline="", encoding="utf-8") as handle:
        aliases = {row["record_id"]: row["group_id"] for row in csv.DictReader(handle)}
    sheets = read_sheets(root / review.decisions, [s.id for s in criteria.stages])
    return review, criteria, records, screen(records, criteria, sheets, aliases), sheets, \
        aliases


def _cmd_screen(args: argparse.Namespace) -> int:
    from litreview.screening import (
        TO_SCREEN_COLUMNS,
        agreement_rows,
        conflict_rows,
        prioritise,
        status_rows,
        table_csv,
        to_screen_rows,
        xlsx_bytes,
    )

    root = Path(args.review)
    review, _, records, result, sheets, aliases = _load_screening(root, args.unique,
                                                                  args.groups)
    by_id = {r.record_id: r for r in records}
    out = Path(args.out)
    ranked_stage = next((s.stage.id for s in result.stages if s.stage.kind == "screening"),
                        None) if review.prioritise else None
    for stage in result.stages:
        folder = out / stage.stage.id
        rows = to_screen_rows(stage, by_id)
        notes: list[str] = []
        if stage.stage.id == ranked_stage:
            order, notes = prioritise(stage, by_id, sheets, aliases)
            position = {rid: i for i, rid in enumerate(order)}
            rows.sort(key=lambda row: position.get(row[0], len(position)))
            notes = ["Ranked: most likely relevant first, learnt from the decisions so far.",
                     *notes]
            atomic_write_text(folder / "stopping.txt", "\n".join(notes) + "\n")
        else:
            atomic_write_text(folder / "stopping.txt", "Not ranked: prioritisation is off "
                              "(screening: prioritise: true in review.yaml) or this is not "
                              "the title/abstract stage.\n")
        header = [[f"# {note}"] for note in notes]
        atomic_write_text(folder / "to_screen.csv", table_csv(TO_SCREEN_COLUMNS, rows, safe=True,
                                                              preamble=header))
        atomic_write_bytes(folder / "to_screen.xlsx", xlsx_bytes(TO_SCREEN_COLUMNS, rows,
                                                                 preamble=header))
        atomic_write_text(folder / "agreement.csv", table_csv(
            ["stage", "reviewer_a", "reviewer_b", "both_decided", "agreed", "percent_agreement",
             "kappa"], agreement_rows(stage)))
        atomic_write_text(folder / "conflicts.csv", table_csv(
            ["stage", "record_id", "decisions", "resolution"], conflict_rows(stage)))
    atomic_write_text(out / "status.csv", table_csv(
        ["record_id", "stage", "status", "reason", "decided_by"], status_rows(result)))
    from litreview.dedupe import UNIQUE_EXTRA_COLUMNS
    from litreview.records import records_to_csv

    included = [by_id[i] for i in result.included]
    atomic_write_text(out / "included.csv", records_to_csv(included, UNIQUE_EXTRA_COLUMNS))
    for stage in result.stages:
        waiting = len(stage.ids("awaiting", "conflict"))
        if waiting:
            print(f"{stage.stage.id}: awaiting screening: {waiting}", file=sys.stderr)
    waiting_total = sum(result.awaiting.values())
    if (args.strict or review.strict) and waiting_total:
        print(f"strict screening: {waiting_total} records await a decision", file=sys.stderr)
        return 1
    return 0


def _read_status(path: str):
    from litreview.screening import Outcome

    with open(path, newline="", encoding="utf-8") as handle:
        return [Outcome(r["record_id"], r["stage"], r["status"], r["reason"], r["decided_by"])
                for r in csv.DictReader(handle)]


def _cmd_prisma(args: argparse.Namespace) -> int:
    from litreview.flow import flow_png, flow_svg
    from litreview.prisma import assert_counts, prisma2020_csv, prisma_counts
    from litreview.review import load_review
    from litreview.screening import load_criteria

    root = Path(args.review)
    review = load_review(root)
    criteria = load_criteria(root / review.criteria)
    with open(args.groups, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    groups = {r["record_id"]: r["group_id"] for r in rows}
    source_of = {r["record_id"]: r["database"] for r in rows}
    new_records = None
    if review.update_of:  # the update's own records, by their search dates
        from litreview.records import read_records

        new_records = {r.record_id for path in args.records for r in read_records(path)
                       if review.search_round(r.searched)}
    counts = prisma_counts(review, source_of, groups, _read_status(args.status), criteria,
                           new_records=new_records)
    assert_counts(counts, args.output)
    atomic_write_text(args.output, json.dumps(counts, indent=2, ensure_ascii=False) + "\n")
    if args.svg:
        atomic_write_text(args.svg, flow_svg(counts))
    if args.png:
        atomic_write_bytes(args.png, flow_png(counts))
    if args.csv:
        atomic_write_text(args.csv, prisma2020_csv(counts))
    return 0


def _cmd_robustness(args: argparse.Namespace) -> int:
    from litreview.records import read_records
    from litreview.review import load_review
    from litreview.robustness import (
        bar_chart_svg,
        read_extraction,
        studies_csv,
        summary_csv,
        summary_markdown,
        tables,
    )

    root = Path(args.review)
    review = load_review(root)
    included = {r.record_id: (r.title, r.year) for r in read_records(args.included)}
    with open(args.groups, newline="", encoding="utf-8") as handle:
        aliases = {row["record_id"]: row["group_id"] for row in csv.DictReader(handle)}
    sheet = root / review.extraction
    if sheet.is_file():
        studies, awaiting = read_extraction(sheet, included, aliases)
    else:
        studies, awaiting = [], list(included)
    table_list = tables(studies)
    out = Path(args.out)
    atomic_write_text(out / "summary.md", summary_markdown(table_list, studies, awaiting))
    atomic_write_text(out / "summary.csv", summary_csv(table_list))
    atomic_write_text(out / "studies.csv", studies_csv(studies))
    atomic_write_text(out / "charts.html", "".join(bar_chart_svg(t) for t in table_list))
    if awaiting:
        print(f"robustness: {len(awaiting)} included studies await coding in {review.extraction}",
              file=sys.stderr)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from litreview.report import render_report
    from litreview.review import load_review

    root = Path(args.review)
    review = load_review(root)
    counts = json.loads(Path(args.counts).read_text(encoding="utf-8"))
    hits = {}
    for path in args.hits:
        slug = Path(path).name.split(".")[0]
        hits[review.source(slug).name] = Path(path).read_text(encoding="utf-8")
    agreement = {p: Path(p).read_text(encoding="utf-8") for p in args.agreement}
    stopping = [Path(p).read_text(encoding="utf-8") for p in args.stopping]
    robustness = {name: (Path(args.robustness) / name).read_text(encoding="utf-8")
                  for name in ("summary.csv", "studies.csv", "charts.html", "summary.md")
                  } if args.robustness else {}
    html = render_report(review, counts, Path(args.flow).read_text(encoding="utf-8"), hits,
                         Path(args.overlap).read_text(encoding="utf-8"), agreement, robustness,
                         stopping)
    atomic_write_text(args.output, html)
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    from litreview.audit import manifest, review_inputs
    from litreview.review import load_review

    root = Path(args.review)
    review = load_review(root)
    counts = json.loads(Path(args.counts).read_text(encoding="utf-8"))
    atomic_write_text(args.output, manifest(root, review_inputs(review, root), counts))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from litreview.audit import verify

    differences = verify(Path(args.review))
    if not differences:
        print(f"{args.review}: every input and every count matches the audit manifest")
        return 0
    print(f"{args.review}: does not match the audit manifest; first: {differences[0]}")
    for line in differences[1:]:
        print(f"  also: {line}")
    return 1


def _cmd_trail(args: argparse.Namespace) -> int:
    from litreview.audit import trail

    sys.stdout.write("\n".join(trail(args.record_id, Path(args.review))) + "\n")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from litreview.scaffold import init_review

    for path in init_review(Path(args.directory), args.title):
        print(f"wrote {path}")
    print(f"next: put the exports in {args.directory}/data/exports/eric/, then run "
          f"snakemake -s <litreview>/Snakefile -d {args.directory} --cores 2")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from litreview.prisma import summary_text

    sys.stdout.write(summary_text(json.loads(Path(args.counts).read_text(encoding="utf-8"))))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from litreview.checks import preflight

    review = preflight(Path(args.review))
    print(f"{review.title}: config, strategies and criteria are valid")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="litreview", description=__doc__)
    parser.add_argument("--version", action="version", version=f"litreview {__version__}")
    parser.add_argument("--log", help="also write messages to this file")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="import database exports into a records file",
                       description="Formats: " + ", ".join(IMPORT_FORMATS) + "; detected from "
                       "the content unless --format is given.")
    p.add_argument("files", nargs="+")
    p.add_argument("--database", required=True)
    p.add_argument("--format", default="auto", choices=["auto", *IMPORT_FORMATS])
    p.add_argument("--searched", help="date searched, YYYY-MM-DD (a date in a file's name wins)")
    p.add_argument("--columns", action="append", metavar="FIELD=HEADER[,FIELD=HEADER...]",
                   help="for CSV/TSV/XLSX: the column holding a field, e.g. "
                   "'title=Article Title,year=PY' (repeatable; wins over the known profiles)")
    p.add_argument("--rejects", metavar="REJECTS.csv",
                   help="write unreadable blocks here (file, line, reason, raw) instead of "
                   "failing the import")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--no-set-aside", dest="set_aside", action="store_false",
                   help="with --rejects: still stop on unreadable blocks (the rejects file "
                        "is then written empty)")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("dedupe", help="find and merge duplicate records")
    p.add_argument("records", nargs="+")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--groups", required=True)
    p.add_argument("--uncertain")
    p.add_argument("--overlap")
    p.add_argument("--pairs", help="reviewer's pair decisions (record_a, record_b, decision)")
    p.add_argument("--update-of", metavar="DATE",
                   help="for a search update: records searched after DATE come last")
    p.set_defaults(func=_cmd_dedupe)

    query = sub.add_parser("query", help="search strategies").add_subparsers(
        dest="query_command", required=True)
    p = query.add_parser("lint", help="check a strategy (PRESS 2015-based); exit 1 on errors")
    p.add_argument("strategy")
    p.add_argument("--review", default=".", help="review directory, to check limits and dates")
    p.add_argument("--thesaurus", help="the database's thesaurus CSV (heading,broader)")
    p.add_argument("-o", "--output", help="also write the findings to this file")
    p.set_defaults(func=_cmd_query_lint)
    p = query.add_parser("compile", help="native search strings for each platform")
    p.add_argument("strategy")
    p.add_argument("--to", required=True,
                   help="proquest, ebsco, ovid, pubmed, wos, scopus, eric (comma-separated), "
                        "or all")
    p.add_argument("--database", help="the strategy's database (default: its header)")
    p.add_argument("--target", help="vocabulary of the target database's heading fields")
    p.add_argument("--thesaurus", help="the database's thesaurus CSV, to expand (exp)")
    p.add_argument("--heading-map", help="CSV mapping headings to other vocabularies")
    p.add_argument("--review", default=".", help="review directory (for its config)")
    p.add_argument("--since", metavar="DATE",
                   help="limit to records added after DATE (default: review.update_of)")
    p.add_argument("-o", "--output", help="file to write; '{platform}' is replaced")
    p.set_defaults(func=_cmd_query_compile)
    p = query.add_parser("hits", help="hits of every line on imported records")
    p.add_argument("strategy")
    p.add_argument("records")
    p.add_argument("--benchmark", help="file of known relevant record ids or DOIs")
    p.add_argument("--thesaurus", help="the database's thesaurus CSV, to expand (exp)")
    p.add_argument("--review", default=".", help="review directory (for its config)")
    p.add_argument("--format", default="table", choices=["table", "csv", "json"])
    p.add_argument("-o", "--output")
    p.set_defaults(func=_cmd_query_hits)

    p = sub.add_parser("screen", help="apply the screening stages")
    p.add_argument("--review", default=".")
    p.add_argument("--unique", default="results/dedupe/unique.csv")
    p.add_argument("--groups", default="results/dedupe/groups.csv")
    p.add_argument("--out", default="results/screening")
    p.add_argument("--strict", action="store_true", help="fail while records await a decision")
    p.set_defaults(func=_cmd_screen)

    p = sub.add_parser("prisma", help="PRISMA 2020 counts and flow diagram")
    p.add_argument("--review", default=".")
    p.add_argument("--groups", default="results/dedupe/groups.csv")
    p.add_argument("--status", default="results/screening/status.csv")
    p.add_argument("-o", "--output", default="results/prisma/counts.json")
    p.add_argument("--svg", default="results/prisma/flow.svg")
    p.add_argument("--records", nargs="*", default=[],
                   help="the records files (for an update: which records are new)")
    p.add_argument("--png", help="the flow diagram as PNG too")
    p.add_argument("--csv", help="the counts in the PRISMA2020 R package / Shiny template")
    p.set_defaults(func=_cmd_prisma)

    p = sub.add_parser("robustness", help="summarise the coding of the included studies")
    p.add_argument("--review", default=".")
    p.add_argument("--included", default="results/screening/included.csv")
    p.add_argument("--groups", default="results/dedupe/groups.csv")
    p.add_argument("--out", default="results/robustness")
    p.set_defaults(func=_cmd_robustness)

    p = sub.add_parser("report", help="write the HTML report")
    p.add_argument("--review", default=".")
    p.add_argument("--counts", default="results/prisma/counts.json")
    p.add_argument("--flow", default="results/prisma/flow.svg")
    p.add_argument("--overlap", default="results/dedupe/overlap.csv")
    p.add_argument("--hits", nargs="*", default=[])
    p.add_argument("--agreement", nargs="*", default=[])
    p.add_argument("--robustness", help="folder of the robustness summary")
    p.add_argument("--stopping", nargs="*", default=[], help="stopping guidance files")
    p.add_argument("-o", "--output", default="results/report.html")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("audit", help="write the audit manifest")
    p.add_argument("--review", default=".")
    p.add_argument("--counts", default="results/prisma/counts.json")
    p.add_argument("-o", "--output", default="results/audit/manifest.json")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser("verify", help="recompute every count from the inputs and compare "
                                      "with the audit manifest (exit 1 on a difference)")
    p.add_argument("review", nargs="?", default=".")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("trail", help="where a record came from and every decision on it")
    p.add_argument("record_id")
    p.add_argument("review", nargs="?", default=".")
    p.set_defaults(func=_cmd_trail)

    from litreview.prioritise_cli import add_simulate_parser

    add_simulate_parser(sub)

    p = sub.add_parser("init", help="start a new review directory")
    p.add_argument("directory")
    p.add_argument("--title", default="My review")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("summary", help="print the PRISMA flow in words")
    p.add_argument("counts", nargs="?", default="results/prisma/counts.json")
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser("check", help="validate config, strategies and criteria")
    p.add_argument("review", nargs="?", default=".")
    p.set_defaults(func=_cmd_check)
    return parser


class _Tee:
    """Messages to the terminal and to the job's log file at once."""

    def __init__(self, *streams: TextIO):
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def _stop(signum: int, _frame: object) -> None:
    """A terminated job unwinds like an exception, so no half-written file is left."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)
    args = build_parser().parse_args(argv)
    if args.log:
        Path(args.log).parent.mkdir(parents=True, exist_ok=True)
        with open(args.log, "w", encoding="utf-8") as log:
            stderr = sys.stderr
            sys.stderr = _Tee(stderr, log)  # type: ignore[assignment]
            try:
                return _run(args)
            finally:
                sys.stderr = stderr
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args))
    except InputError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"error: {error.filename}: file not found", file=sys.stderr)
        return 2
