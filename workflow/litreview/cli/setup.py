"""``litreview init`` and ``check``: start a review, and validate one."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path

from litreview.cli.outputs import warn


def _cmd_init(args: argparse.Namespace) -> int:
    from litreview.pipeline.scaffold import init_review, workflow_file

    for path in init_review(Path(args.directory), args.title):
        print(f"wrote {path}")
    snakemake = [_program("snakemake"), "-s", str(workflow_file("Snakefile")), "-d",
                 args.directory, "--workflow-profile",
                 str(workflow_file("workflow/profiles/default"))]
    print(f"next: put the exports in {Path(args.directory, 'data/exports/eric')}/, then run\n"
          f"  {_program('litreview')} run {shlex.quote(args.directory)}\n"
          f"(the same as: {shlex.join(snakemake)})")
    return 0


def _program(name: str) -> str:
    """How to call one of this environment's programs: its name when it is on the PATH,
    else its full path (a virtual environment that is not activated)."""
    beside = Path(sys.executable).parent / name
    if shutil.which(name) == str(beside) or not beside.is_file():
        return name
    return str(beside)


def _cmd_check(args: argparse.Namespace) -> int:
    from litreview.pipeline.preflight import check_review, update_hints

    checked = check_review(Path(args.review))
    warn([*checked.warnings, *update_hints(checked.review)])
    print(f"{checked.review.title}: config, strategies, criteria, exports and decision sheets "
          "are valid; " + ("the sheets' record ids name imported records (results/records/)"
                           if checked.record_ids_checked else
                           "the sheets' record ids are checked when the workflow runs (the "
                           "records are not imported yet, or older than their exports)"))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The init and check subcommands."""
    p = sub.add_parser("init", help="start a new review directory")
    p.add_argument("directory", help="the new review directory (created; must hold no review)")
    p.add_argument("--title", default="My review", help="the review's title, for review.yaml")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("check", help="validate config, strategies, criteria, exports and "
                                     "decision sheets without running anything")
    p.add_argument("review", nargs="?", default=".",
                   help="the review directory, holding review.yaml (default: here)")
    p.set_defaults(func=_cmd_check)
