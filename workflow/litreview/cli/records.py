"""``litreview import`` and ``litreview dedupe`` (in one job, or planned, in shards and
gathered): exports to records, records to unique works."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from litreview.cli.outputs import output_file, output_folder, warn
from litreview.core.fileio import atomic_write_text, csv_text

#: importers.FORMATS, spelt out so that every command does not load every reader to start
IMPORT_FORMATS = ("ris", "bibtex", "csv", "tsv", "xlsx", "endnote-xml", "nbib", "wos",
                  "ovid", "eric-json", "openalex-json", "crossref-json", "europepmc-json",
                  "csl-json")


def _cmd_import(args: argparse.Namespace) -> int:
    """Import every file of one source (:class:`pipeline.importing.SourceReading`) into its
    records file, written as the files are read, and the blocks set aside into the rejects
    file."""
    from litreview.core.columnar import is_parquet
    from litreview.core.records import write_records
    from litreview.core.records_parquet import write_record_tables
    from litreview.importers import parse_column_mapping
    from litreview.pipeline.importing import SourceReading

    reading = SourceReading(args.files, database=args.database, fmt=args.format,
                            searched=args.searched or "",
                            columns=parse_column_mapping(args.columns or []),
                            set_aside=bool(args.rejects and args.set_aside), jobs=args.jobs)
    if is_parquet(args.output):
        write_record_tables(args.output, reading.tables())
    else:
        write_records(args.output, reading.records())
    warn(reading.warnings)
    for file in reading.files:
        kind = f"{file.format}, {file.source}" if file.source else file.format
        print(f"{file.path} ({kind}): {file.records} records"
              + (f", {file.rejects} rejected" if file.rejects else "")
              + ("; a header row and no records: a search that found nothing?"
                 if not file.records and not file.rejects else ""), file=sys.stderr)
    if args.rejects:
        atomic_write_text(args.rejects, _rejects_csv(reading.rejects))
    if args.rejects and reading.rejects:
        print(f"{args.database}: {reading.count} records imported, "
              f"{len(reading.rejects)} rejected (see {args.rejects})", file=sys.stderr)
    else:
        print(f"{args.database}: {reading.count} records imported from "
              f"{len(args.files)} file(s)", file=sys.stderr)
    return 0


def _rejects_csv(rejects: Sequence) -> str:
    """The rejects file: where each unreadable block is, why, and its text as found."""
    rows = []
    for reject in rejects:
        problem = reject.problem
        reason = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
        rows.append([problem.file, problem.line or "", reason, reject.raw])
    return csv_text(["file", "line", "reason", "raw"], rows)


def _cmd_records(args: argparse.Namespace) -> int:
    """A records file as CSV, the contract's columns first: to read or hand to a script."""
    from litreview.core.records import read_records, records_to_csv, write_records

    records = read_records(args.records)
    extra = list(dict.fromkeys(name for r in records for name, _ in r.extra))
    if args.output:
        write_records(args.output, records, extra)
    else:
        sys.stdout.write(records_to_csv(records, extra))
    return 0


def _cmd_dedupe(args: argparse.Namespace) -> int:
    """Group the duplicates of the records files (:func:`pipeline.stages.deduplicate_sources`)
    and write the unique records, the groups, the uncertain pairs and the overlap."""
    from litreview.core.contracts import UNIQUE_EXTRA_COLUMNS
    from litreview.core.records import WITHOUT_ORIGINAL, read_records, write_records
    from litreview.core.records_parquet import with_originals
    from litreview.dedupe import groups_csv, overlap_csv, uncertain_csv
    from litreview.pipeline.stages import deduplicate_sources, read_pairs

    sheet = read_pairs(args.pairs)
    warn(sheet.warnings)
    decisions = sheet.decisions
    sources = [read_records(path, columns=WITHOUT_ORIGINAL) for path in args.records]
    done = deduplicate_sources(sources, decisions, update_of=args.update_of or "",
                               pair_sheet=args.pairs or "")
    records, result = done.records, done.result
    write_records(args.output, with_originals(result.unique, args.records),
                  UNIQUE_EXTRA_COLUMNS)
    atomic_write_text(args.groups, groups_csv(result.groups, records, result.rules,
                                                    result.joined_to))
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


def _cmd_dedupe_plan(args: argparse.Namespace) -> int:
    """Plan deduplication in shards (:mod:`pipeline.dedupe_shards`): keys, pairs worth
    judging, and the components of records dealt out to the shards."""
    from litreview.pipeline.dedupe_shards import make_plan
    from litreview.pipeline.stages import read_pairs

    sheet = read_pairs(args.pairs)
    warn(sheet.warnings)
    count = make_plan(args.records, sheet.decisions, args.shards, args.plan,
                      update_of=args.update_of or "", pair_sheet=args.pairs or "")
    print(f"{count} records dealt out to {args.shards} shard(s) in {args.plan}",
          file=sys.stderr)
    return 0


def _cmd_dedupe_shard(args: argparse.Namespace) -> int:
    """Group one shard's records as the plan deals them; write its rows."""
    from litreview.pipeline.dedupe_shards import run_shard
    from litreview.pipeline.stages import read_pairs

    records, unique = run_shard(args.records, args.plan, args.shard,
                                read_pairs(args.pairs).decisions, args.output)
    print(f"shard {args.shard}: {records} records, {unique} unique", file=sys.stderr)
    return 0


def _cmd_dedupe_gather(args: argparse.Namespace) -> int:
    """Merge the shards' rows into the files ``litreview dedupe`` writes, to the byte."""
    from litreview.pipeline.dedupe_shards import gather

    done = gather(args.shards, args.plan, args.output, args.groups, args.uncertain,
                  args.overlap)
    print(f"{done.records} records, {done.unique} unique, "
          f"{done.records - done.unique} duplicates removed, {done.uncertain} uncertain pairs"
          + (f", {done.decisions} reviewer decisions applied" if done.decisions else ""),
          file=sys.stderr)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The import and dedupe subcommands."""
    p = sub.add_parser("import", help="import database exports into a records file",
                       description="Formats: " + ", ".join(IMPORT_FORMATS) + "; detected from "
                       "the content unless --format is given.")
    p.add_argument("files", nargs="+", metavar="FILE", help="the exports of one source")
    p.add_argument("--database", required=True,
                   help="the source's name, as in review.yaml (record ids start with it)")
    p.add_argument("--format", default="auto", choices=["auto", *IMPORT_FORMATS],
                   help="the files' format (default: detected from each file's content)")
    p.add_argument("--searched", help="date searched, YYYY-MM-DD (a date in a file's name wins)")
    p.add_argument("--columns", action="append", metavar="FIELD=HEADER[,FIELD=HEADER...]",
                   help="for CSV/TSV/XLSX: the column holding a field, e.g. "
                   "'title=Article Title,year=PY' (repeatable; wins over the known profiles)")
    p.add_argument("--rejects", metavar="REJECTS.csv", type=output_file,
                   help="write unreadable blocks here (file, line, reason, raw) instead of "
                   "failing the import (a file with no readable block still fails it)")
    p.add_argument("-o", "--output", required=True, metavar="RECORDS", type=output_file,
                   help="the records file to write: Parquet when its name ends .parquet "
                        "(as the workflow writes them), else CSV")
    p.add_argument("--jobs", type=int, default=0, metavar="N",
                   help="read N files at once, each in a process of its own (default: as "
                        "many as there are cores free to this process)")
    p.add_argument("--no-set-aside", dest="set_aside", action="store_false",
                   help="with --rejects: still stop on unreadable blocks (the rejects file "
                        "is then written empty)")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("dedupe", help="find and merge duplicate records")
    p.add_argument("records", nargs="+", metavar="RECORDS",
                   help="records files written by 'litreview import' (Parquet or CSV)")
    p.add_argument("-o", "--output", required=True, metavar="UNIQUE.csv", type=output_file,
                   help="where to write one merged record per work")
    p.add_argument("--groups", required=True, metavar="GROUPS.csv", type=output_file,
                   help="where to write each record's group (record_id, group_id)")
    p.add_argument("--uncertain", metavar="PAIRS.csv", type=output_file,
                   help="where to write the pairs the rules leave for a person to judge")
    p.add_argument("--overlap", metavar="OVERLAP.csv", type=output_file,
                   help="where to write the overlap between sources")
    p.add_argument("--pairs", help="reviewer's pair decisions (record_a, record_b, decision)")
    p.add_argument("--update-of", metavar="DATE",
                   help="for a search update: records searched after DATE come last")
    p.set_defaults(func=_cmd_dedupe)
    _add_shard_parsers(sub)

    p = sub.add_parser("records", help="print a records file as CSV (the workflow's are "
                       "Parquet: results/records/<source>.parquet)")
    p.add_argument("records", metavar="RECORDS", help="a records file (Parquet or CSV)")
    p.add_argument("-o", "--output", metavar="RECORDS.csv", type=output_file,
                   help="write the CSV here instead of printing it")
    p.set_defaults(func=_cmd_records)


def _add_shard_parsers(sub: argparse._SubParsersAction) -> None:
    """dedupe-plan, dedupe-shard and dedupe-gather: deduplication spread over jobs."""
    p = sub.add_parser("dedupe-plan", help="plan deduplication in shards (one job each): "
                       "then dedupe-shard for each, and dedupe-gather")
    p.add_argument("records", nargs="+", metavar="RECORDS", help="as for dedupe")
    p.add_argument("--shards", type=int, required=True, metavar="N",
                   help="the number of shard jobs to deal the records out to")
    p.add_argument("--plan", required=True, metavar="DIR", type=output_folder,
                   help="the directory to write the plan into")
    p.add_argument("--pairs", help="as for dedupe")
    p.add_argument("--update-of", metavar="DATE", help="as for dedupe")
    p.set_defaults(func=_cmd_dedupe_plan)

    p = sub.add_parser("dedupe-shard", help="group one shard's records, as its plan says")
    p.add_argument("records", nargs="+", metavar="RECORDS",
                   help="the records files the plan was made from, in the same order")
    p.add_argument("--plan", required=True, metavar="DIR", help="the plan's directory")
    p.add_argument("--shard", required=True, metavar="K-of-N", help="which shard: 2-of-8")
    p.add_argument("--pairs", help="the reviewer's pair decisions the plan was made with")
    p.add_argument("-o", "--output", required=True, metavar="SHARD.parquet",
                   type=output_file, help="where to write the shard's rows")
    p.set_defaults(func=_cmd_dedupe_shard)

    p = sub.add_parser("dedupe-gather", help="merge every shard's rows into the files "
                       "dedupe writes (the same bytes)")
    p.add_argument("shards", nargs="+", metavar="SHARD.parquet",
                   help="every shard's rows, written by dedupe-shard")
    p.add_argument("--plan", required=True, metavar="DIR", help="the plan's directory")
    p.add_argument("-o", "--output", required=True, metavar="UNIQUE.csv", type=output_file,
                   help="as for dedupe")
    p.add_argument("--groups", required=True, metavar="GROUPS.csv", type=output_file,
                   help="as for dedupe")
    p.add_argument("--uncertain", metavar="PAIRS.csv", type=output_file, help="as for dedupe")
    p.add_argument("--overlap", metavar="OVERLAP.csv", type=output_file, help="as for dedupe")
    p.set_defaults(func=_cmd_dedupe_gather)
