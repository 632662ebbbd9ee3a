"""``litreview export``: records written for reference managers and other review tools."""

from __future__ import annotations

import argparse


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The export subcommand."""
