"""Atomic writes: an interrupted run never leaves a half-written output."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def _replacing(path: str | Path, mode: str, **options: Any) -> Iterator[IO[Any]]:
    """A file written beside ``path`` and moved into place only when complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_open(path: str | Path) -> Any:
    """A text file (UTF-8) that appears at ``path`` only once fully written."""
    return _replacing(path, "w", encoding="utf-8", newline="")


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with _replacing(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def read_person_text(path: str | Path) -> str:
    """The text of a file a person edits (a sheet, a config), read as UTF-8 with any BOM
    dropped; a located error when it is missing or in another encoding."""
    from litreview.errors import InputError, Problem

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(str(path), "file not found")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise InputError(Problem(str(path), f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                                 line, hint="save it as UTF-8 (in a spreadsheet program: "
                                            "CSV UTF-8)")) from None
