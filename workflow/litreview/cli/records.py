"""``litreview import`` and ``litreview dedupe``: exports to records, records to unique works."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from litreview.cli.outputs import output_file, warn
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
    from litreview.core.records import read_records, write_records
    from litreview.core.records_parquet import WITHOUT_ORIGINAL, with_originals
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

    p = sub.add_parser("records", help="print a records file as CSV (the workflow's are "
                       "Parquet: results/records/<source>.parquet)")
    p.add_argument("records", metavar="RECORDS", help="a records file (Parquet or CSV)")
    p.add_argument("-o", "--output", metavar="RECORDS.csv", type=output_file,
                   help="write the CSV here instead of printing it")
    p.set_defaults(func=_cmd_records)
