"""``litreview import`` and ``litreview dedupe``: exports to records, records to unique works."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from litreview.cli.outputs import output_file
from litreview.core.errors import InputError, Problem
from litreview.core.fileio import atomic_write_text, csv_text

#: importers.FORMATS, spelt out so that every command does not load every reader to start
IMPORT_FORMATS = ("ris", "bibtex", "csv", "tsv", "xlsx", "endnote-xml", "nbib", "wos",
                  "ovid")


def _cmd_import(args: argparse.Namespace) -> int:
    """Import every file of one source; a file that is not an export fails the import, and
    so does any unreadable block unless ``--rejects`` names a file to put them in; a file
    whose every block is unreadable fails it even then."""
    from litreview.core.records import finalise, write_records
    from litreview.core.review import search_date
    from litreview.importers import import_export, parse_column_mapping

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
        for warning in imported.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if not args.rejects or not args.set_aside:  # every problem, in file order
            problems += [reject.problem for reject in imported.rejects]
        elif imported.rejects and not imported.records:
            problems += _nothing_read(file, imported.rejects)
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


def _nothing_read(file: str, rejects: Sequence) -> list[Problem]:
    """A file of which every block was rejected: setting them aside would pass on a source
    with nothing from that file, which is a wrong format or a broken export, not a few
    damaged records; so it fails the import, as a file with no records at all does."""
    first = rejects[0].problem
    return [Problem(file, f"no record could be read from this file: all {len(rejects)} "
                    f"block(s) rejected, the first at line {first.line or 1}",
                    hint="check that it is the export it should be (and its --format); "
                    "the reasons follow"), *(reject.problem for reject in rejects)]


def _rejects_csv(rejects: Sequence) -> str:
    """The rejects file: where each unreadable block is, why, and its text as found."""
    rows = []
    for reject in rejects:
        problem = reject.problem
        reason = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
        rows.append([problem.file, problem.line or "", reason, reject.raw])
    return csv_text(["file", "line", "reason", "raw"], rows)


def _cmd_dedupe(args: argparse.Namespace) -> int:
    from litreview.core.contracts import UNIQUE_EXTRA_COLUMNS
    from litreview.core.records import read_records, write_records
    from litreview.dedupe.grouping import (
        deduplicate,
        groups_csv,
        overlap_csv,
        read_pair_decisions,
        uncertain_csv,
        unknown_pair_ids,
    )

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
    problems += unknown_pair_ids(decisions, seen, args.pairs or "")
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
    p.add_argument("-o", "--output", required=True, metavar="RECORDS.csv", type=output_file,
                   help="the records file to write")
    p.add_argument("--no-set-aside", dest="set_aside", action="store_false",
                   help="with --rejects: still stop on unreadable blocks (the rejects file "
                        "is then written empty)")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("dedupe", help="find and merge duplicate records")
    p.add_argument("records", nargs="+", metavar="RECORDS.csv",
                   help="records files written by 'litreview import'")
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
