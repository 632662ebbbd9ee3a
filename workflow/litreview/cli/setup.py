"""``litreview init`` and ``check``: start a review, and validate one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_init(args: argparse.Namespace) -> int:
    from litreview.scaffold import init_review

    for path in init_review(Path(args.directory), args.title):
        print(f"wrote {path}")
    print(f"next: put the exports in {args.directory}/data/exports/eric/, then run "
          f"snakemake -s <litreview>/Snakefile -d {args.directory} --cores 2")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from litreview.checks import preflight, update_hints

    review = preflight(Path(args.review))
    for hint in update_hints(review):
        print(f"warning: {hint}", file=sys.stderr)
    print(f"{review.title}: config, strategies, criteria, exports and decision sheets "
          "are valid")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The init and check subcommands."""
    p = sub.add_parser("init", help="start a new review directory")
    p.add_argument("directory")
    p.add_argument("--title", default="My review")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("check", help="validate config, strategies and criteria")
    p.add_argument("review", nargs="?", default=".")
    p.set_defaults(func=_cmd_check)
