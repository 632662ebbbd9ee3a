"""The reviewer's pen: the one writer of one decision sheet, ``<stage>-<reviewer>.csv`` (or the
agreed sheet ``<stage>.csv``), each decision on disk when :meth:`Pen.write` returns.

A new record's row is appended (one ``write``, ``fsync``); any other change rewrites the whole
file beside it, ``fsync``-ed, moved into place with ``os.replace``, the folder ``fsync``-ed
(:mod:`~litreview.serve.sheet_file`). Writers are serialised by a lock per pen (threads) and
by ``flock`` on a descriptor of the decisions folder itself (processes). The pen reads the
file again whenever it changed behind it (inode, size, mtime), so that a hand edit is kept:
rows, columns, notes, a word the workflow will refuse, lines above the header. Cells read as
:func:`~litreview.screening.read_sheet` reads them and are written through
:func:`~litreview.core.fileio.neutralise`: a note ``=1+1`` is no formula.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from litreview.core.contracts import DECISIONS, SHEET_COLUMNS
from litreview.core.errors import InputError, Problem
from litreview.screening import is_sheet_name
from litreview.serve.sheet_file import (
    Fingerprint,
    SheetFile,
    append_row,
    fingerprint,
    folder_lock,
    read_file,
    refuse_twins,
    store,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One decision as the pen holds it: the cells of its row, as ``read_sheet`` reads them."""

    record_id: str
    decision: str
    reason: str = ""
    reviewer: str = ""
    date: str = ""
    note: str = ""


def sheet_path(folder: str | Path, stage: str, reviewer: str) -> Path:
    """The sheet ``<stage>-<reviewer>.csv`` in ``folder``, or with ``reviewer`` "" the agreed
    sheet ``<stage>.csv``; a located error when the workflow could not read the name."""
    stem = f"{stage}-{reviewer}" if reviewer else stage
    path = Path(folder) / f"{stem}.csv"
    if not is_sheet_name(stem):
        what = f"reviewer name '{reviewer}'" if is_sheet_name(stage) else f"stage '{stage}'"
        raise InputError(Problem(str(path), f"{what} cannot name a decision sheet",
                                 hint="a reviewer name is letters, digits, '_' and '.' "
                                      "(no space, no '-'): --reviewer ann or --reviewer a.smith"))
    return path


@dataclass(slots=True)
class _Index:
    """Where each record stands on the sheet: decided (first such row), or still to screen."""

    decided: dict[str, int] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    doubled: bool = False  # a record on two rows, one decided (a hand edit)

    def take(self, sheet: SheetFile, number: int, reviewer: str) -> None:
        row = sheet.rows[number]
        record_id = sheet.cell(row, "record_id")
        if not record_id or record_id in self.decided:
            self.doubled = self.doubled or bool(record_id)
            return
        if sheet.cell(row, "decision") or sheet.cell(row, "reason"):
            self.decided[record_id] = number
            self.entries[record_id] = Entry(
                record_id, sheet.cell(row, "decision").lower(), sheet.cell(row, "reason"),
                reviewer or sheet.cell(row, "reviewer"), sheet.cell(row, "date"),
                sheet.cell(row, "note"))
            self.doubled = self.waiting.pop(record_id, None) is not None or self.doubled
        else:
            self.waiting.setdefault(record_id, number)

    def drop(self, record_id: str, deleted: bool) -> None:
        """A decision undone: its row ``deleted``, or kept with the record still to screen."""
        number = self.decided.pop(record_id)
        del self.entries[record_id]
        if not deleted:
            self.waiting[record_id] = number
        for table in (self.decided, self.waiting) if deleted else ():
            for key, at in table.items():
                table[key] = at - 1 if at > number else at


class Pen:
    """The one writer of one decision sheet: a reviewer's (``reviewer`` their name) or, with
    ``reviewer`` "", the agreed sheet ``<stage>.csv`` (each entry naming its resolver).

    Choices: a new record is appended, but a record with a row still to screen (a note
    waiting, no decision) has that row filled in; a record decided again has its row
    replaced where it stands. :meth:`remove` clears the decision, reason and date and keeps
    the row when anything else remains on it (a note, a cell of the person's own columns),
    else deletes it. When a hand edit left a record decided twice, the first row is the one
    the pen shows, replaces and removes (the workflow reports the second).
    """

    def __init__(self, folder: str | Path, stage: str, reviewer: str):
        self.path = sheet_path(folder, stage, reviewer)
        self.folder = self.path.parent
        self.stage = stage
        self.reviewer = reviewer
        self._lock = threading.Lock()
        self._sheet: SheetFile | None = None
        self._index: _Index | None = None
        self._seen: Fingerprint | None = None
        self._loaded = False

    # --- reading -------------------------------------------------------------------------

    def entries(self) -> dict[str, Entry]:
        """Each decided record's entry, in sheet order, the file read again first when it
        changed on disk since the pen last read or wrote it."""
        with self._locked(exclusive=False):
            return dict(self._current().entries)

    def order(self) -> list[str]:
        """The decided records' ids in sheet order (the order decided, hand edits aside)."""
        return list(self.entries())

    def pending(self) -> dict[str, str]:
        """Each record on the sheet still to screen (no decision, no reason) and its note."""
        with self._locked(exclusive=False):
            index, sheet = self._current(), self._sheet
            if sheet is None:
                return {}
            return {r: sheet.cell(sheet.rows[n], "note") for r, n in index.waiting.items()}

    # --- writing -------------------------------------------------------------------------

    def write(self, entry: Entry) -> None:
        """Put ``entry`` on the sheet, on disk (fsync-ed) when this returns. An empty note
        on a row still to screen keeps the note the person typed there."""
        entry = self._own(entry)
        with self._locked(exclusive=True) as folder:
            index = self._current()
            sheet = self._sheet
            try:
                if sheet is None:
                    self._sheet = sheet = SheetFile([], list(SHEET_COLUMNS), [], rewrite=True)
                    index = self._index = _Index()
                number = index.decided.get(entry.record_id, index.waiting.get(entry.record_id))
                if number is None:
                    row: list[str] = []
                    _fill(sheet, row, entry, keep_note=False)
                    if sheet.rewrite:  # a sheet new, in cp1252, malformed, lacking columns
                        sheet.rows.append(row)
                        self._store(folder, None)
                    else:
                        self._append(row)
                    return
                decided = entry.record_id in index.decided
                _fill(sheet, sheet.rows[number], entry, keep_note=not decided)
                index.entries[entry.record_id] = entry  # a row filled moves in the order:
                self._store(folder, index if decided else None)  # the index is made anew
            except BaseException:
                self._loaded = False  # memory may be ahead of the disk: read it again
                raise

    def remove(self, record_id: str) -> bool:
        """Undo a record's decision: whether there was one to undo. Its row goes, unless a
        note or a cell of the person's own columns remains on it (then only decision, reason
        and date are cleared, and the record is still to screen with its note)."""
        with self._locked(exclusive=True) as folder:
            index = self._current()
            number = index.decided.get(record_id.strip())
            if number is None or self._sheet is None:
                return False
            sheet = self._sheet
            try:
                row = sheet.rows[number]
                for column in ("decision", "reason", "date"):
                    sheet.put(row, column, "")
                kept = {sheet.columns["record_id"], sheet.columns["reviewer"]}
                deleted = not any(c.strip() for i, c in enumerate(row) if i not in kept)
                if deleted:
                    del sheet.rows[number]
                index.drop(record_id.strip(), deleted)
                self._store(folder, None if index.doubled else index)
            except BaseException:
                self._loaded = False
                raise
            return True

    # --- the file ------------------------------------------------------------------------

    def _own(self, entry: Entry) -> Entry:
        """``entry`` as the sheet will read it back (cells stripped, the decision lowercased,
        this sheet's reviewer); a ValueError for what no sheet may hold."""
        entry = Entry(*(str(v).strip() for v in (entry.record_id, entry.decision.lower(),
                                                 entry.reason, entry.reviewer, entry.date,
                                                 entry.note)))
        if not entry.record_id or any(c in entry.record_id for c in "\r\n"):
            raise ValueError(f"not a record id: {entry.record_id!r}")
        if entry.decision not in DECISIONS:
            raise ValueError(f"decision {entry.decision!r} is not one of {'|'.join(DECISIONS)}")
        if any("\x00" in v for v in (entry.reason, entry.reviewer, entry.date, entry.note)):
            raise ValueError("a cell holds a NUL character")
        if self.reviewer:
            if entry.reviewer.casefold() not in ("", self.reviewer.casefold()):
                raise ValueError(f"reviewer {entry.reviewer!r} on the sheet of {self.reviewer!r}")
            entry = replace(entry, reviewer=self.reviewer)
        return entry

    @contextmanager
    def _locked(self, exclusive: bool) -> Iterator[int | None]:
        """The pen's lock, then ``flock`` on the folder (shared to read): the folder's
        descriptor, or None when there is no folder yet (nothing to read)."""
        with self._lock, folder_lock(self.folder, self.path.name, exclusive) as folder:
            if folder is None:
                self._sheet, self._index, self._seen, self._loaded = None, None, None, True
            yield folder

    def _current(self) -> _Index:
        """The index of the sheet as it is on disk now, read again if it changed."""
        refuse_twins(self.path)
        try:
            seen: Fingerprint | None = fingerprint(os.stat(self.path))
        except FileNotFoundError:
            seen = None
        if not self._loaded or seen != self._seen:
            self._index = None
            self._seen, self._sheet = read_file(self.path, SHEET_COLUMNS)
            self._loaded = True
        if self._index is None:
            self._index = _Index()
            if self._sheet is not None:
                for number in range(len(self._sheet.rows)):
                    self._index.take(self._sheet, number, self.reviewer)
        return self._index

    def _append(self, row: list[str]) -> None:
        """Append one row with a single ``write``, starting a line of its own, and fsync."""
        sheet = self._sheet
        assert sheet is not None
        self._seen = append_row(self.path, sheet, row)
        if self._index is not None:
            self._index.take(sheet, len(sheet.rows) - 1, self.reviewer)

    def _store(self, folder: int | None, index: _Index | None) -> None:
        """Write the whole sheet beside it, fsync it, move it into place, fsync the folder;
        ``index`` is the sheet's as written, or None to make it anew."""
        assert self._sheet is not None and folder is not None
        seen = store(self.path, self._sheet, folder)
        self._index, self._seen = index, seen


def _fill(sheet: SheetFile, row: list[str], entry: Entry, keep_note: bool) -> None:
    """Set the contract's cells of ``row`` to ``entry``'s; the person's other cells stay."""
    for column in SHEET_COLUMNS:
        value = getattr(entry, column)
        if not (column == "note" and keep_note and not value):
            sheet.put(row, column, value)
