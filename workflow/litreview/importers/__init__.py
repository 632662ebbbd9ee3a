"""Importers: database and reference-manager exports → normalised :class:`Record` lists.

One entry point, :func:`read_export`, whatever the format. Bad input never yields a
traceback or a silently shorter list: it raises :class:`InputError` naming every block
that could not be read, with file, line, what is wrong and what to do.
"""

from __future__ import annotations

from pathlib import Path

from litreview.errors import InputError, Problem
from litreview.importers.bibtex import read_bibtex
from litreview.importers.common import Context, decode
from litreview.importers.detect import FORMATS, HEAD_SIZE, detect_format, refuse
from litreview.importers.ris import read_ris
from litreview.importers.tabular import read_delimited, read_xlsx
from litreview.records import Record, finalise

__all__ = ["FORMATS", "detect_format", "read_export"]


def read_export(path: str | Path, *, database: str, fmt: str = "auto", searched: str = "",
                display_path: str | None = None) -> list[Record]:
    """Read one export file into records, in file order, with stable ids.

    ``fmt`` is one of :data:`FORMATS` or ``"auto"`` (detected from the content).
    ``display_path`` is the name used in ``source_file`` and in error messages (a path
    relative to the project rather than wherever the file sits now).
    """
    path = Path(path)
    name = display_path if display_path is not None else str(path)
    ctx = Context(database=database, source_file=name, searched=searched)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(Problem(name, f"cannot read the file: {error.strerror or error}",
                                 hint="check the path in the configuration")) from error
    head = data[:HEAD_SIZE]
    try:
        if fmt == "auto":
            fmt = detect_format(path, head)
        elif fmt in FORMATS:
            refuse(path, head)
        else:
            raise InputError(Problem(name, f"unknown format {fmt!r}",
                                     hint=f"use one of: auto, {', '.join(FORMATS)}"))
    except InputError as error:  # detection names the real path; report the display one
        raise InputError([_rename(p, str(path), name) for p in error.problems]) from None
    records = _read(fmt, data, ctx)
    if not records:
        raise InputError(Problem(name, f"no records found in this {fmt} file",
                                 hint="check that the export is complete and not empty"))
    return finalise(records)


def _read(fmt: str, data: bytes, ctx: Context) -> list[Record]:
    if fmt == "xlsx":
        return read_xlsx(data, ctx)
    text = decode(data)
    if fmt == "ris":
        return read_ris(text, ctx)
    if fmt == "bibtex":
        return read_bibtex(text, ctx)
    return read_delimited(text, ctx, "\t" if fmt == "tsv" else None)


def _rename(problem: Problem, old: str, new: str) -> Problem:
    if problem.file != old:
        return problem
    return Problem(new, problem.message, problem.line, problem.column, problem.hint)
