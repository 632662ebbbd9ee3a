"""What the importer tests share: the export fixtures, how to read one, and how to save a
small export written in a test and import it."""

from __future__ import annotations

from pathlib import Path

import pytest
from litreview.core.errors import InputError
from litreview.importers import import_export, read_export

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"


def read(name: str, database: str = "Test DB", **kwargs: str):
    return read_export(EXPORTS / name, database=database, display_path=name, **kwargs)


def problems_of(excinfo: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def saved(folder: Path, name: str, text: str) -> Path:
    """``text`` saved as ``folder/name`` (UTF-8)."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def import_text(folder: Path, text: str, name: str = "t.ris"):
    """``text`` saved as ``name`` and imported whole: records, rejects and warnings."""
    return import_export(saved(folder, name, text), database="X", display_path=name)


def refusal(folder: Path, text: str, name: str = "t.ris") -> list[str]:
    """The located problems ``read_export`` refuses ``text``, saved as ``name``, with."""
    with pytest.raises(InputError) as excinfo:
        read_export(saved(folder, name, text), database="X", display_path=name)
    return problems_of(excinfo)


def only_reject(result):
    """The one record an import rejected (fails unless there is exactly one)."""
    (reject,) = result.rejects
    return reject
