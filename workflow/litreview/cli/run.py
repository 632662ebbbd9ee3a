"""``litreview run``: the workflow on any review directory, wherever litreview is installed.

It runs ``snakemake -s <repository>/Snakefile -d REVIEW --workflow-profile <default>``, the
same command the README documents, so a review never needs a copy of the repository's
Makefile. Whatever follows ``--`` goes to Snakemake as it is.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from litreview.core import paths

#: Snakemake options after which no job runs: no flow to print afterwards.
NO_RUN = frozenset({"-n", "--dry-run", "--dryrun", "--unlock", "--lint", "--report",
                    "-l", "--list-rules", "--list", "--list-target-rules", "-S", "--summary",
                    "-D", "--detailed-summary", "--dag", "--rulegraph", "--filegraph",
                    "-t", "--touch", "--delete-all-output", "--delete-temp-output",
                    "--list-changes", "--lc", "--cleanup-metadata", "--cm", "-h", "--help"})



def workflow_command(review: str | Path, cores: int | None = None,
                     extra: Sequence[str] = ()) -> list[str]:
    """The Snakemake command line that runs the packaged workflow on ``review``."""
    from litreview.pipeline.scaffold import workflow_file

    command = [sys.executable, "-m", "snakemake", "-s", str(workflow_file("Snakefile")),
               "-d", str(review),
               "--workflow-profile", str(workflow_file("workflow/profiles/default"))]
    if cores is not None:
        command += ["--cores", str(cores)]
    return [*command, *extra]


def split_passthrough(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """``run … -- ARGS``: the litreview part, and the ARGS meant for Snakemake."""
    argv = list(argv)
    if "--" not in argv or "run" not in argv[:argv.index("--")]:
        return argv, []
    cut = argv.index("--")
    return argv[:cut], argv[cut + 1:]


def _cmd_run(args: argparse.Namespace) -> int:
    from litreview.pipeline.preflight import preflight

    extra = list(getattr(args, "snakemake", []))
    preflight(args.review)  # bad input: the located messages, exit 2, nothing started
    code = subprocess.run(workflow_command(args.review, args.cores, extra),
                          check=False).returncode
    counts = Path(args.review) / paths.COUNTS
    if code == 0 and not NO_RUN.intersection(extra) and counts.is_file():
        from litreview.reporting import summary_text

        print()
        sys.stdout.write(summary_text(json.loads(counts.read_text(encoding="utf-8"))))
    elif code != 0 and not NO_RUN.intersection(extra):
        stale = [p for p in (paths.REPORT, paths.COUNTS, paths.MANIFEST)
                 if (Path(args.review) / p).is_file()]
        if stale:
            print(f"note: {', '.join(stale)} are from the last run that finished: they do not "
                  "show the change this run stopped on", file=sys.stderr)
    return code


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The run subcommand."""
    p = sub.add_parser(
        "run", help="run the workflow on a review directory (Snakemake, default profile)",
        description="Runs the packaged Snakefile on a review directory with the default "
        "profile, then prints the PRISMA flow. Snakemake's own options go after --, e.g. "
        "'litreview run my-review -- --dry-run' or '-- --unlock'. Exit code: Snakemake's; "
        "2 when the review's inputs have problems (nothing is run).")
    p.add_argument("review", nargs="?", default=".",
                   help="the review directory, holding review.yaml (default: here)")
    p.add_argument("--cores", type=int, metavar="N",
                   help="CPU cores to use (default: the profile's, "
                        "workflow/profiles/default/config.yaml)")
    p.set_defaults(func=_cmd_run, snakemake=[])
