"""``litreview export``: records written for reference managers and other review tools."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from litreview.cli.outputs import output_file
from litreview.core import paths
from litreview.core.errors import InputError, Problem

_FORMATS = ("ris", "bibtex", "endnote-xml", "csl-json")


def _cmd_export(args: argparse.Namespace) -> int:
    from litreview.core.fileio import atomic_write_text
    from litreview.core.records import read_records
    from litreview.core.review import load_review
    from litreview.dedupe import read_groups
    from litreview.exchange import FORMAT_NAMES, export_text, select
    from litreview.pipeline.stages import screen_review

    out, root = Path(args.out), Path(args.review)
    fmt = _format(args)
    if out.exists() and not args.force:  # a person's file is never overwritten
        raise InputError(Problem(str(out), "exists already: litreview export writes new "
                                 "files only", hint="name a new file, or pass --force to "
                                 "replace this one"))
    unique = root / paths.UNIQUE
    if not unique.is_file():
        raise InputError(Problem(str(unique), "no deduplicated records to export",
                                 hint=f"run 'litreview run' in {root} first"))
    review = load_review(root)
    records = read_records(unique)
    screened = screen_review(root, review, records, read_groups(root / paths.GROUPS).group_of)
    chosen = select(records, screened.result, screened.criteria, args.which, args.stage)
    if not chosen.items:
        print(f"export: no record is {chosen.what}: nothing written", file=sys.stderr)
        return 0
    atomic_write_text(out, export_text(fmt, chosen.items))
    print(f"export: {len(chosen.items)} record(s) written to {out} as {FORMAT_NAMES[fmt]}: "
          f"{chosen.what}", file=sys.stderr)
    return 0


def _format(args: argparse.Namespace) -> str:
    """``--to``, else the format the output file's extension names."""
    from litreview.exchange import SUFFIXES, format_of

    fmt = args.to or format_of(args.out)
    if fmt is None:
        raise InputError(Problem(args.out, "cannot tell the format from the file's "
                                 "extension", hint=f"pass --to ({', '.join(_FORMATS)}) or "
                                 f"name the file {', '.join(SUFFIXES)}"))
    return fmt


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The export subcommand."""
    p = sub.add_parser(
        "export", help="write records for a reference manager (RIS, BibTeX, EndNote XML, "
        "CSL-JSON) with their ids, databases and decisions",
        description="Write the review's records, after 'litreview run', for Zotero, EndNote, "
        "Mendeley, RevMan or another review tool: each with its record id, the databases "
        "it was found in and every stage's decision and reason (RIS N1/KW, BibTeX "
        "note/keywords, EndNote notes/keywords, CSL-JSON note/keyword). Writes new files "
        "only.")
    p.add_argument("review", nargs="?", default=".", metavar="REVIEW_DIR",
                   help="the review directory (default: here)")
    p.add_argument("--which", choices=("included", "to_screen", "all"), default="included",
                   help="included: included at STAGE (default: at the last stage); "
                   "to_screen: awaiting a decision at STAGE (default: at any stage); all: "
                   "every unique record (with --stage: every one that entered it) "
                   "(default: %(default)s)")
    p.add_argument("--stage", help="a stage of screening/criteria.yaml")
    p.add_argument("--to", choices=_FORMATS,
                   help="the format (default: from the file's extension: .ris, .bib, .xml, "
                   ".json)")
    p.add_argument("-o", "--out", required=True, type=output_file, metavar="FILE",
                   help="the file to write (a new file)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=_cmd_export)
