"""The coder's pen: the one writer of one coding sheet, ``coding-<coder>.csv`` (or the agreed
sheet ``coding.csv``), each record's row on disk when :meth:`CodingPen.write` returns.

Durable as the decision pen is (:mod:`~litreview.serve.sheet_file`): a new record's row is
appended and ``fsync``-ed, a changed row rewrites the file beside it and moves it into
place, under ``flock`` on the coding folder. The sheet is read again at every write, so
that what a person added by hand stays: rows, columns of their own, lines above the header.
Only the form's columns of the record's row are written; its other cells stay.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.serve.sheet_file import (
    SheetFile,
    append_row,
    folder_lock,
    read_file,
    refuse_twins,
    store,
)

_CODER = re.compile(r"^[A-Za-z0-9_.]+$")


def coding_path(folder: str | Path, coder: str) -> Path:
    """The sheet ``coding-<coder>.csv`` in ``folder``, or with ``coder`` "" the agreed
    sheet ``coding.csv``; a located error when the workflow could not read the name."""
    path = Path(folder) / (f"coding-{coder}.csv" if coder else "coding.csv")
    if coder and not _CODER.match(coder):
        raise InputError(Problem(str(path), f"coder name '{coder}' cannot name a coding sheet",
                                 hint="a name is letters, digits, '_' and '.'"))
    return path


class CodingPen:
    """The one writer of one coding sheet (see the module's text). Thread-safe."""

    def __init__(self, folder: str | Path, coder: str):
        self.path = coding_path(folder, coder)
        self.folder = self.path.parent
        self.coder = coder
        self._lock = threading.Lock()

    def rows(self, columns: Sequence[str]) -> dict[str, dict[str, str]]:
        """Each record's row (the first, when a hand edit left two), by its id as written:
        its cells of ``columns`` (record_id aside) as the workflow reads them."""
        with self._lock, folder_lock(self.folder, self.path.name, exclusive=False):
            _, sheet = read_file(self.path, columns)
        out: dict[str, dict[str, str]] = {}
        for row in sheet.rows if sheet is not None else ():
            record_id = sheet.cell(row, "record_id")
            if record_id and record_id not in out:
                out[record_id] = {c: sheet.cell(row, c.lower()) for c in columns[1:]}
        return out

    def write(self, record_id: str, values: Mapping[str, str], columns: Sequence[str]) -> bool:
        """Put ``values`` (by column of ``columns``, record_id first) on the record's row,
        on disk (fsync-ed) when this returns: whether a row was there already."""
        if not record_id or any(c in record_id for c in "\r\n"):
            raise ValueError(f"not a record id: {record_id!r}")
        if any("\x00" in v for v in values.values()):
            raise ValueError("a cell holds a NUL character")
        with self._lock, folder_lock(self.folder, self.path.name, exclusive=True) as folder:
            assert folder is not None
            refuse_twins(self.path)
            _, sheet = read_file(self.path, columns)
            if sheet is None:
                sheet = SheetFile([], list(columns), [], rewrite=True)
            number = next((n for n, row in enumerate(sheet.rows)
                           if sheet.cell(row, "record_id") == record_id), None)
            row = sheet.rows[number] if number is not None else []
            sheet.put(row, "record_id", record_id)
            for column in columns[1:]:
                sheet.put(row, column.lower(), values.get(column, ""))
            if number is None and not sheet.rewrite:
                append_row(self.path, sheet, row)
                return False
            if number is None:
                sheet.rows.append(row)
            store(self.path, sheet, folder)
            return number is not None
