"""``litreview query lint|compile|hits``: search strategies as code."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from litreview.cli.outputs import output_file, warn
from litreview.core.errors import InputError, Problem
from litreview.core.fileio import atomic_write_text


def _strategy_source(strategy: str, review_dir: str):
    """The review config's entry for this strategy file, when run inside a review."""
    from litreview.core.review import CONFIG_NAME, load_review

    root = Path(review_dir)
    if not (root / CONFIG_NAME).is_file():
        return None
    review = load_review(root)
    target = Path(strategy).resolve()
    return next((s for s in review.databases if (root / s.strategy).resolve() == target), None)


def _update_of(review_dir: str, source) -> str:
    """For a search update: when this database was last searched for the previous version."""
    from litreview.core.review import CONFIG_NAME, load_review

    root = Path(review_dir)
    if not (root / CONFIG_NAME).is_file():
        return ""
    review = load_review(root)
    return review.previous_search(source) if source else review.update_of


def _thesaurus(path: str | None, source, root: str):
    """The thesaurus ``--thesaurus`` names, else the one the review gives the database."""
    from litreview.pipeline.stages import source_thesaurus
    from litreview.search import load_thesaurus

    thesaurus = load_thesaurus(path) if path else source_thesaurus(Path(root), source)
    return _said(thesaurus) if thesaurus else None


def _strategy(args: argparse.Namespace):
    """The strategy a command names, read with its thesaurus; its entry in the review
    config, when run inside a review."""
    from litreview.pipeline.stages import read_search

    source = _strategy_source(args.strategy, args.review)
    thesaurus = _thesaurus(args.thesaurus, source, args.review)
    return source, thesaurus, read_search(args.strategy, thesaurus)


def _said(sheet):
    """A thesaurus or heading map, its reading warnings said."""
    warn(sheet.warnings)
    return sheet


def _cmd_query_lint(args: argparse.Namespace) -> int:
    from litreview.search import has_errors, lint_text, summary

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


def _limits(strategy, source):
    """The header's limits when it has a limits line, else the review config's."""
    if "limits" in strategy.meta or source is None:
        return strategy.limits
    return source.limits


def _cmd_query_compile(args: argparse.Namespace) -> int:
    from litreview.search import PLATFORMS, compile_strategy, load_heading_map, render_compiled

    source, thesaurus, strategy = _strategy(args)
    platforms = list(PLATFORMS) if args.to == "all" else args.to.split(",")
    unknown = [p for p in platforms if p not in PLATFORMS]
    if unknown:
        raise InputError(Problem(args.strategy, f"unknown platform(s) {', '.join(unknown)}",
                                 hint=f"choose from {', '.join(PLATFORMS)} or all"))
    if len(platforms) > 1 and args.output and "{platform}" not in args.output:
        raise InputError(Problem(args.output, "several platforms need '{platform}' in -o"))
    map_path = args.heading_map or (str(Path(args.review) / source.heading_map)
                                    if source and source.heading_map else None)
    heading_map = _said(load_heading_map(map_path)) if map_path else None
    limits = _limits(strategy, source)
    update_of = args.since or _update_of(args.review, source)
    if update_of:  # a search update: only what was added since the previous search
        limits = replace(limits, since=update_of)
    for platform in platforms:
        compiled = compile_strategy(
            strategy, platform, database=args.database or (source.name if source else None),
            target=args.target, thesaurus=thesaurus,
            heading_map=heading_map, limits=limits)
        text = render_compiled(compiled, strategy)
        if args.output:
            atomic_write_text(args.output.replace("{platform}", platform), text)
        else:
            sys.stdout.write(text + ("\n" if len(platforms) > 1 else ""))
    return 0


def _cmd_query_hits(args: argparse.Namespace) -> int:
    from litreview.core.records import read_records
    from litreview.search import (
        Corpus,
        Evaluator,
        benchmark_indices,
        hits_csv,
        hits_table,
        lines_of,
        missed_of,
        read_benchmark,
    )

    _, thesaurus, strategy = _strategy(args)
    benchmark = None
    if args.benchmark:  # its records' own fields, read apart: said before the searching
        wanted = read_benchmark(args.benchmark)
        listed = read_records(args.records, columns=("doi", "title", "year"))
        benchmark = benchmark_indices(listed, wanted, args.benchmark)
    masks = Evaluator(Corpus.of_file(args.records), thesaurus).masks(strategy)
    rows = lines_of(strategy, masks, benchmark)
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
            lost = [listed[i] for i in missed_of(strategy, masks, benchmark)]
            text += f"\nbenchmark: {len(benchmark)} of {len(wanted)} listed records are in " \
                    f"{args.records}; the final line misses {len(lost)}\n"
            text += "".join(f"  {r.record_id}  {r.year}  {r.title}\n" for r in lost)
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The query subcommands."""
    query = sub.add_parser("query", help="search strategies").add_subparsers(
        dest="query_command", required=True)
    p = query.add_parser("lint", help="check a strategy (PRESS 2015-based); exit 1 on errors")
    p.add_argument("strategy", help="the strategy file (search_strategies/<db>.txt)")
    p.add_argument("--review", default=".", help="review directory, to check limits and dates")
    p.add_argument("--thesaurus", help="the database's thesaurus CSV (heading,broader)")
    p.add_argument("-o", "--output", type=output_file,
                   help="also write the findings to this file")
    p.set_defaults(func=_cmd_query_lint)
    p = query.add_parser("compile", help="native search strings for each platform")
    p.add_argument("strategy", help="the strategy file (search_strategies/<db>.txt)")
    p.add_argument("--to", required=True,
                   help="proquest, ebsco, ovid, pubmed, wos, scopus, eric, europepmc, openalex, "
                        "crossref (comma-separated), or all")
    p.add_argument("--database", help="the strategy's database (default: its header)")
    p.add_argument("--target", help="vocabulary of the target database's heading fields")
    p.add_argument("--thesaurus", help="the database's thesaurus CSV, to expand (exp)")
    p.add_argument("--heading-map", help="CSV mapping headings to other vocabularies")
    p.add_argument("--review", default=".", help="review directory (for its config)")
    p.add_argument("--since", metavar="DATE",
                   help="limit to records added after DATE (default, for an update: the "
                   "database's last search for the previous version)")
    p.add_argument("-o", "--output", type=output_file,
                   help="file to write; '{platform}' is replaced")
    p.set_defaults(func=_cmd_query_compile)
    p = query.add_parser("hits", help="hits of every line on imported records")
    p.add_argument("strategy", help="the strategy file (search_strategies/<db>.txt)")
    p.add_argument("records", help="the database's records file (results/records/<db>.parquet)")
    p.add_argument("--benchmark", help="file of known relevant record ids, accession numbers "
                   "(EJ1181769 for eric-EJ1181769) or DOIs")
    p.add_argument("--thesaurus", help="the database's thesaurus CSV, to expand (exp)")
    p.add_argument("--review", default=".", help="review directory (for its config)")
    p.add_argument("--format", default="table", choices=["table", "csv", "json"],
                   help="how to print the hits (default: %(default)s)")
    p.add_argument("-o", "--output", type=output_file,
                   help="write the hits to this file instead of printing them")
    p.set_defaults(func=_cmd_query_hits)
