"""What a command gives back besides its files: output options checked when the command
line is read (a folder named where a file is meant, or a place that cannot be written, is
a usage error, exit 2, before any work), and warnings said on standard error."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path


def output_file(value: str) -> str:
    """An argparse ``type`` for a file the command writes."""
    path = Path(value)
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{value} is a folder; name a file to write, e.g. {path / 'out.csv'}")
    _writable_folder(path.parent, value)
    return value


def output_folder(value: str) -> str:
    """An argparse ``type`` for a folder the command writes files into."""
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a file; name a folder to write into")
    _writable_folder(path, value)
    return value


def _writable_folder(folder: Path, value: str) -> None:
    """Refuse when ``folder`` cannot be made or written: the nearest part of it that
    exists must be a folder this user may write in."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise argparse.ArgumentTypeError(
            f"{value}: {existing} is a file, not a folder; choose another place to write")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(
            f"{value}: cannot write in {existing} (permission denied or read-only); "
            "choose a folder you can write to")


def warn(warnings: Iterable[object]) -> None:
    """Each warning on standard error, one line each (``warning: file:line: …``)."""
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
