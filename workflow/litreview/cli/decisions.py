"""``litreview decisions from-…``: other screening tools' exports turned into decision
sheets of this project's contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from litreview.core import paths

if TYPE_CHECKING:
    from litreview.screening import Conversion, Criteria, Stage, ToolExport

_TOOLS = {
    "from-rayyan": "Rayyan's CSV export (articles.csv) or RIS: the decision of --reviewer "
                   "(or --as) in its notes, the exclusion reasons mapped to criteria",
    "from-covidence": "a Covidence reference list as CSV: its list (irrelevant, select, "
                      "included, excluded) or --decision tells the decision",
    "from-asreview": "an ASReview LAB exported dataset (CSV, TSV, XLSX or RIS): 1 include, "
                     "0 exclude, unlabelled not decided",
}


def _cmd_from_tool(args: argparse.Namespace) -> int:
    """Read the export, match its rows to the review's records, write the sheet and the
    list of rows that made no decision; exit 1 when a row is listed."""
    from litreview.core.errors import InputError, Problem
    from litreview.core.records import read_records
    from litreview.core.review import load_review
    from litreview.dedupe import read_groups
    from litreview.pipeline.stages import screen_review
    from litreview.screening import (
        Reasons,
        ReviewIndex,
        check_rows,
        convert,
        load_criteria,
        read_reason_map,
        sheet_target,
        unmatched_path,
        write_conversion,
    )

    root = Path(args.review)
    review = load_review(root)
    criteria = load_criteria(root / review.criteria, review.source_names())
    stage = _stage(criteria, args.stage)
    decisions = root / review.decisions
    out = Path(args.out) if args.out else decisions / f"{stage.id}-{args.reviewer}.csv"
    sheet = sheet_target(out, stage.id, args.reviewer, decisions)
    mapping = read_reason_map(args.reasons, criteria) if args.reasons else {}
    reasons = Reasons(criteria, mapping, _default_reason(args, stage, criteria))
    export, who = _read(args)
    if not (root / paths.UNIQUE).is_file():
        raise InputError(Problem(str(root / paths.UNIQUE), "file not found",
                                 hint="run the workflow first (litreview run): the export's "
                                      "rows are matched to the records it found"))
    records = read_records(root / paths.UNIQUE)
    group_of = read_groups(root / paths.GROUPS).group_of
    files = [root / paths.records(source.slug) for source in review.sources]
    members = [r for path in files if path.is_file() for r in read_records(path)]
    index = ReviewIndex([*records, *members], group_of)
    screened = screen_review(root, review, records, group_of)  # the screening as it stands
    conversion = convert(export, index, stage, reasons, args.reviewer, args.date,
                         screened.result)
    check_rows(conversion, sheet, stage, criteria)
    listed = unmatched_path(sheet, decisions)
    write_conversion(conversion, export, sheet, listed)
    _report(conversion, export, who, stage.id, sheet, listed)
    return 1 if conversion.unmatched else 0


def _report(conversion: Conversion, export: ToolExport, who: str, stage: str, sheet: Path,
            listed: Path) -> None:
    """What became of the rows: those not written, the warnings, the counts, the files
    (the list of rows not written named last)."""
    from litreview.screening import summary

    for item in conversion.unmatched:
        print(f"{export.file}:{item.row.line}: not written: {item.why}", file=sys.stderr)
    for text in [*conversion.unmapped_warnings(export.tool, stage), *conversion.clashes]:
        print(f"warning: {text}", file=sys.stderr)
    print(summary(conversion, export, who), file=sys.stderr)
    if conversion.rows:
        print(f"wrote {sheet}", file=sys.stderr)
    if conversion.unmatched:
        n = len(conversion.unmatched)
        print(f"{n} row{'s' if n > 1 else ''} not written: listed in {listed}",
              file=sys.stderr)


def _read(args: argparse.Namespace) -> tuple[ToolExport, str]:
    """The export as rows, and whose decisions they are (as the tool names them)."""
    from litreview.core.errors import InputError, Problem
    from litreview.screening import read_asreview, read_covidence, read_rayyan

    if args.tool == "from-rayyan":
        name = args.as_name or args.reviewer
        export, names = read_rayyan(args.file, name)
        if not any(n.casefold() == name.casefold() for n in names):
            raise InputError(Problem(args.file, f"no decision of '{name}' in the export",
                                     hint="Rayyan names the reviewers "
                                          f"{', '.join(sorted(names)) or '(none)'}: give "
                                          "--as NAME for the one whose decisions these are"))
        return export, name
    if args.tool == "from-covidence":
        return read_covidence(args.file, args.decision or ""), "the list"
    return read_asreview(args.file), "ASReview LAB (unlabelled)"


def _stage(criteria: Criteria, stage_id: str) -> Stage:
    from litreview.core.errors import InputError, Problem

    for stage in criteria.stages:
        if stage.id == stage_id:
            return stage
    raise InputError(Problem("--stage", f"no stage '{stage_id}' in the criteria",
                             hint=f"one of: {', '.join(s.id for s in criteria.stages)}"))


def _default_reason(args: argparse.Namespace, stage: Stage, criteria: Criteria) -> str:
    """``--reason``, checked: a criterion applied at the stage."""
    from litreview.core.errors import InputError, Problem
    from litreview.screening import stage_reasons

    if args.reason and args.reason not in stage_reasons(stage, criteria):
        raise InputError(Problem("--reason", f"'{args.reason}' is not a reason at {stage.id}",
                                 hint="one of: " + ", ".join(stage_reasons(stage, criteria))))
    return args.reason or ""


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The decisions subcommands."""
    p = sub.add_parser("decisions", help="decision sheets from other screening tools",
                       description="Turn another tool's screening export into a decision "
                       "sheet (screening/decisions/<stage>-<reviewer>.csv), matching each row "
                       "to a record by id or accession number, DOI, or title and year. Rows "
                       "that match none, or several, or name a record not at the stage (as "
                       "the screening stands), are listed in <SHEET>.unmatched.csv. An "
                       "existing sheet is never overwritten. Exit 1 when a row is listed.")
    tools = p.add_subparsers(dest="tool", required=True)
    for name, text in _TOOLS.items():
        q = tools.add_parser(name, help=text, description=text)
        q.add_argument("file", help="the tool's export")
        q.add_argument("--stage", required=True, help="the screening stage decided")
        q.add_argument("--reviewer", required=True, help="whose sheet it is (its file name)")
        q.add_argument("-o", "--out", help="the sheet to write (default: "
                       "screening/decisions/<stage>-<reviewer>.csv; outside that folder, any "
                       "name, the rows not written listed beside it)")
        q.add_argument("--review", default=".", help="the review directory (default: .)")
        q.add_argument("--reason", help="criterion id of exclusions that give no reason")
        q.add_argument("--date", default="", help="the date column, YYYY-MM-DD (default: "
                       "empty)")
        if name != "from-asreview":
            q.add_argument("--reasons", metavar="MAP.csv", help="the tool's exclusion reasons "
                           "to criteria: columns reason, criterion (else a reason must be a "
                           "criterion's id or text)")
        if name == "from-rayyan":
            q.add_argument("--as", dest="as_name", metavar="NAME",
                           help="the reviewer's name in Rayyan (default: --reviewer)")
        if name == "from-covidence":
            q.add_argument("--decision", choices=("include", "exclude", "unsure"),
                           help="the decision of every row (default: the list the file's "
                                "name gives)")
        q.set_defaults(func=_cmd_from_tool, reasons=None, as_name=None, decision=None)
