"""``litreview`` command line. Exit codes: 0 ok, 1 a check found problems, 2 bad input.

Each module here holds the subcommands of one stage and adds them to the parser; the
stages' work is done by the package's modules, imported when a command runs.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from litreview import __version__
from litreview.cli import (
    audit,
    coding,
    decisions,
    exchange,
    online,
    records,
    reporting,
    run,
    screening,
    search,
    serve,
    setup,
    simulate,
)
from litreview.cli.outputs import output_file
from litreview.cli.records import IMPORT_FORMATS
from litreview.core import paths
from litreview.core.errors import InputError

__all__ = ["IMPORT_FORMATS", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="litreview", description="Literature-review search and screening. Exit codes: 0 ok, "
        "1 a check found problems, 2 bad input.")
    parser.add_argument("--version", action="version", version=f"litreview {__version__}")
    parser.add_argument("--log", type=output_file, help="also write messages to this file")
    sub = parser.add_subparsers(dest="command", required=True)
    for stage in (setup, run, records, search, online, screening, decisions, serve, coding,
                  reporting, exchange, audit, simulate):
        stage.add_parsers(sub)
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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    head, passthrough = run.split_passthrough(argv)
    args = parser.parse_args(head)
    if passthrough and args.command != "run":  # a "--" of another command: its own
        args = parser.parse_args(argv)
    elif passthrough:
        args.snakemake = passthrough
    _defaults_in_review(args)
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


def _defaults_in_review(args: argparse.Namespace) -> None:
    """A path option left at its default (``results/dedupe/unique.csv``…) names the file in
    the review given by ``--review``, not in the folder the command runs from."""
    review = getattr(args, "review", None)
    if not isinstance(review, str) or review in ("", "."):
        return
    defaults = {id(value) for value in vars(paths).values() if isinstance(value, str)}
    for name, value in vars(args).items():
        if name != "review" and isinstance(value, str) and id(value) in defaults:
            setattr(args, name, str(Path(review) / value))


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
    except OSError as error:  # a place that cannot be read or written, met mid-command
        where = _written_path(str(error.filename2 or error.filename or "a file"))
        print(f"error: {where}: {error.strerror or error} (check the path and its "
              "permissions)", file=sys.stderr)
        return 2


def _written_path(name: str) -> str:
    """The file a failed write was for: fileio writes ``.NAME.XXXXXXXX.tmp`` beside it."""
    match = re.fullmatch(r"\.(.+)\.[^.]+\.tmp", Path(name).name)
    return str(Path(name).with_name(match.group(1))) if match else name
