"""``litreview decisions from-…``: other screening tools' exports turned into decision
sheets of this project's contract."""

from __future__ import annotations

import argparse


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The decisions subcommands."""
