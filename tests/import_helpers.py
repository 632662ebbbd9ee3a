"""What the importer tests share: the export fixtures and how to read one."""

from __future__ import annotations

from pathlib import Path

import pytest
from litreview.core.errors import InputError
from litreview.importers import read_export

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"


def read(name: str, database: str = "Test DB", **kwargs: str):
    return read_export(EXPORTS / name, database=database, display_path=name, **kwargs)


def problems_of(excinfo: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]
