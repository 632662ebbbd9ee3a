"""``litreview search run``: the searches litreview sends itself, to the databases with an
open API — the only commands that reach the network."""

from __future__ import annotations

import argparse


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The search subcommands."""
