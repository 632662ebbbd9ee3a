"""Importers: database and reference-manager exports → normalised :class:`Record` lists.

:func:`import_export` reads one file, whatever the format, into records and *rejects*:
blocks that could not be read, each with its file, line, reason and raw text, kept as
data the way bibtexparser keeps failed blocks. :func:`read_export` is the strict form
the workflow uses: any reject fails the import, every problem listed. A file that cannot
be an export at all (empty, binary, an archive, an HTML page, an unknown encoding, an
XML entity bomb) raises :class:`InputError` with one message either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from litreview.core.decode import decode_export, utf16_codec
from litreview.core.errors import InputError, Problem
from litreview.core.records import Record, finalise
from litreview.importers.bibtex import read_bibtex
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed, Reject
from litreview.importers.controls import has_controls, xml_without_controls
from litreview.importers.crossref_json import read_crossref_json
from litreview.importers.csl_json import read_csl_json
from litreview.importers.detect import FORMATS, HEAD_SIZE, detect_format, refuse
from litreview.importers.doctypes import type_from_name
from litreview.importers.endnote_xml import read_endnote_xml
from litreview.importers.eric_json import read_eric_json
from litreview.importers.europepmc_json import read_europepmc_json
from litreview.importers.fields import citation_key, fixed_text, pages, split_authors, split_terms
from litreview.importers.markup import strip_markup
from litreview.importers.medline import read_medline
from litreview.importers.openalex_json import read_openalex_json
from litreview.importers.ovid import read_ovid
from litreview.importers.ris import read_ris
from litreview.importers.sidecar import search_provenance, with_provenance
from litreview.importers.tables import MAPPABLE, parse_column_mapping, read_delimited, read_xlsx
from litreview.importers.wos import read_wos

__all__ = ["FORMATS", "HEAD_SIZE", "MAPPABLE", "Context", "Imported", "Reject", "build_record",
           "citation_key", "detect_format", "fixed_text", "import_export", "pages",
           "parse_column_mapping", "read_export", "refuse", "split_authors", "split_terms",
           "strip_markup", "type_from_name"]

_TABLES = frozenset({"csv", "tsv", "xlsx"})
#: The JSON the API searches save, and CSL-JSON: their readers.
_JSON_READERS = {"eric-json": read_eric_json, "openalex-json": read_openalex_json,
                 "crossref-json": read_crossref_json, "europepmc-json": read_europepmc_json,
                 "csl-json": read_csl_json}
#: Formats in which a file without a record is a search that found nothing (a table with
#: a header alone, ``[]``, a reply page with no results).
_MAY_BE_EMPTY = _TABLES | set(_JSON_READERS)


@dataclass(frozen=True, slots=True)
class Imported:
    """One file's records (final ids) and rejected blocks, both in file order."""

    format: str
    source: str  # the tool or database the content shows, "" when it shows none
    records: tuple[Record, ...]
    rejects: tuple[Reject, ...]
    warnings: tuple[Problem, ...] = ()  # read, but not quite as written: say so


def import_export(path: str | Path, *, database: str, fmt: str = "auto", searched: str = "",
                  display_path: str | None = None,
                  columns: Sequence[tuple[str, str]] = ()) -> Imported:
    """Read one export file into records and rejects, in file order, with stable ids.

    ``fmt`` is one of :data:`FORMATS` or ``"auto"`` (detected from the content).
    ``display_path`` is the name used in ``source_file`` and in error messages (a path
    relative to the project rather than wherever the file sits now). ``columns`` maps
    record fields to column headers for tables (see :func:`parse_column_mapping`); other
    formats name their fields themselves and ignore it.
    """
    path = Path(path)
    name = display_path if display_path is not None else str(path)
    ctx = Context(database=database, source_file=name, searched=searched,
                  columns=tuple(columns))
    head = _read_bytes(path, name, HEAD_SIZE)
    try:
        if fmt == "auto":
            fmt = detect_format(path, head)
        elif fmt in FORMATS:
            refuse(path, head, fmt)
        else:
            raise InputError(Problem(name, f"unknown format {fmt!r}",
                                     hint=f"use one of: auto, {', '.join(FORMATS)}"))
    except InputError as error:  # detection names the real path; report the display one
        raise InputError([_rename(p, str(path), name) for p in error.problems]) from None
    parsed = _read(fmt, path, ctx)
    if not parsed.records and not parsed.rejects and fmt not in _MAY_BE_EMPTY:
        # a table with a header and no rows is a search that found nothing; anything else
        # without a single record is not the export it claims to be
        raise InputError(Problem(name, f"no records found in this {fmt} file",
                                 hint="check that the export is complete and not empty"))
    records = with_provenance(parsed.records, search_provenance(path, name))
    return Imported(fmt, parsed.source, tuple(finalise(records)), tuple(parsed.rejects),
                    tuple(ctx.warnings))


def read_export(path: str | Path, *, database: str, fmt: str = "auto", searched: str = "",
                display_path: str | None = None,
                columns: Sequence[tuple[str, str]] = ()) -> list[Record]:
    """:func:`import_export`, strictly: any rejected block raises :class:`InputError`
    listing every one, so nothing is dropped without the caller asking for it."""
    imported = import_export(path, database=database, fmt=fmt, searched=searched,
                             display_path=display_path, columns=columns)
    if imported.rejects:
        raise InputError([reject.problem for reject in imported.rejects])
    return list(imported.records)


def _read_bytes(path: Path, name: str, size: int = -1) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as error:
        raise InputError(Problem(name, f"cannot read the file: {error.strerror or error}",
                                 hint="check the path in the configuration")) from error


def _read(fmt: str, path: Path, ctx: Context) -> Parsed:
    """The whole file, read by its reader; the bytes are let go once decoded."""
    if fmt == "xlsx":
        return read_xlsx(_read_bytes(path, ctx.source_file), ctx)
    if fmt == "endnote-xml":
        return read_endnote_xml(xml_without_controls(_read_bytes(path, ctx.source_file), ctx),
                                ctx)
    data = _read_bytes(path, ctx.source_file)
    text = decode_export(data, ctx.source_file)
    # one scan of the file spares one per record (the warnings list stays the same one);
    # not of JSON, whose "\u0007" escapes the scan would not see
    ctx = replace(ctx, no_controls=fmt not in _JSON_READERS and not has_controls(
        text, None if utf16_codec(data) else data))
    del data
    if fmt == "ris":
        return read_ris(text, ctx)
    if fmt == "bibtex":
        return read_bibtex(text, ctx)
    if fmt == "nbib":
        return read_medline(text, ctx)
    if fmt == "wos":
        return read_wos(text, ctx)
    if fmt == "ovid":
        return read_ovid(text, ctx)
    if fmt in _JSON_READERS:
        return _JSON_READERS[fmt](text, ctx)
    return read_delimited(text, ctx, "\t" if fmt == "tsv" else None)


def _rename(problem: Problem, old: str, new: str) -> Problem:
    if problem.file != old:
        return problem
    return Problem(new, problem.message, problem.line, problem.column, problem.hint)
