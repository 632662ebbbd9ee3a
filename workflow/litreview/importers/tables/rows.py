"""A table's rows → records: the header found, each row read by its columns, every bad row
a located reject."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from litreview.core.errors import InputError, Problem
from litreview.core.records import is_own_table, normalise_doi
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed
from litreview.importers.doctypes import type_from_name
from litreview.importers.fields import pages, split_terms
from litreview.importers.tables.profiles import GENERIC, MAPPABLE, TITLE_HEADERS, norm, resolve

csv.field_size_limit(2**31 - 1)  # abstracts and reference lists outgrow the 128 kB default

Row = tuple[int, int, list[str]]  # first line, last line, cells
_UNION_FIELDS = frozenset({"keywords", "subjects"})  # every matching column contributes
HEADER_SCAN = 50  # rows searched for the header
#: PubMed's ``Citation``: ``"Lancet. 2020 Jan 4;395(10217):35-42. doi: …"``, the volume,
#: issue and pages each optional (``"2022 Jan 31:1-13."`` ahead of print); a book's
#: ``"In: … editors. Title. Place: Publisher; 1993-2024."`` has no date after ``". "``.
_PUBMED_CITATION = re.compile(
    r"(?:^|\.\s)(?P<date>\d{4}\b[^;:.]*)"
    r"(?:;(?P<volume>[^():;]*?)\s*(?:\((?P<issue>[^()]*)\))?)?"
    r"(?::(?P<pages>[^\s;]+?))?\.?(?:\s|$)")
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?) \((?P<year>\d{4})\)(?: (?P<volume>[^\s:(]+)(?::(?P<issue>[^\s(]+))?)?"
    r"(?: \((?P<pages>[^)]+)\))?")


def csv_rows(text: str, delimiter: str, ctx: Context, out: Parsed,
             raw: Callable[[int, int], str] | None = None,
             limit: int | None = None) -> Iterator[Row]:
    """Rows with the file line each starts on; a row the csv module cannot read (a stray
    quote) is a located reject and reading goes on with the next line."""
    from litreview.core.records import own_tables_reader  # the project's own CSVs: original text

    reader = own_tables_reader(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                          strict=True))
    count = 0
    while limit is None or count < limit:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if limit is not None or raw is None:  # only sniffing: this delimiter does not fit
                return
            hint = 'a quote inside a value must be doubled ("")'
            out.reject(Problem(ctx.source_file, f"malformed CSV row: {error}", line, hint=hint),
                       raw(line, reader.line_num))
            continue
        count += 1
        yield line, reader.line_num, cells


def header_index(rows: Sequence[Row], ctx: Context) -> int | None:
    """Index of the header among the first rows: the first with a title-like column or
    every mapped column; failing that, with a mapping, the first naming any mapped column
    (so that a misspelt mapping is reported as such, not as a missing header)."""
    mapped = frozenset(norm(header) for _, header in ctx.columns)
    names = [{norm(c) for c in cells} for _, _, cells in rows]
    found = next((i for i, n in enumerate(names)
                  if n & TITLE_HEADERS or (mapped and mapped <= n)), None)
    if found is None and mapped:
        found = next((i for i, n in enumerate(names) if n & mapped), None)
    return found


def no_header(ctx: Context) -> InputError:
    names = ", ".join(sorted(TITLE_HEADERS))
    return InputError(Problem(ctx.source_file, f"no header row with a title column in the "
                              f"first {HEADER_SCAN} rows", 1,
                              hint=f"the header needs one of: {names}; or name the columns "
                              "with --columns title=HEADER,..."))


def read_rows(rows: Iterable[Row], ctx: Context, out: Parsed,
              raw_text: Callable[[int, int], str], *, where: str = "",
              links: Mapping[int, Sequence[tuple[int, str]]] | None = None,
              sheet: str = "") -> Parsed:
    """Records from the rows after the header; every bad row is a located reject.

    ``where`` names the table in messages (a workbook's sheet), ``links`` the URLs of
    HYPERLINK formulas by row: the record's URL when it has none, kept in its original
    fields either way. ``sheet`` (a workbook of several) is kept in the original fields as
    ``_sheet``: with the row, it says where the record stands.
    """
    iterator = iter(rows)
    head = list(itertools.islice(iterator, HEADER_SCAN))
    found = header_index(head, ctx)
    if found is None:
        raise no_header(ctx)
    header = _header(head[found], ctx)
    out.source = header.profile
    if is_own_table(header.names):
        ctx = replace(ctx, own_table=True)  # the same warnings list: said to the caller
    reader = _Rows(ctx, out, raw_text, where or ctx.source_file, header, links or {}, sheet,
                   before=len(out.records))
    for line, end, cells in itertools.chain(head[found + 1:], iterator):
        reader.row(line, end, [c.strip() for c in cells])
    reader.finish()
    return out


@dataclass(frozen=True, slots=True)
class _Header:
    """A table's header row: its line, names (:func:`norm`), keys of the original fields,
    the profile that read it, field → column indexes, and the columns no field reads."""

    line: int
    names: list[str]
    keys: list[str]
    profile: str
    columns: dict[str, list[int]]
    unread: list[int]


def _header(row: Row, ctx: Context) -> _Header:
    line, _, cells = row
    names = [norm(h) for h in cells]
    profile, columns = resolve(names, ctx, line)
    return _Header(line, names, _original_keys(cells), profile, columns,
                   _unread_columns(profile, columns, names))


@dataclass(slots=True)
class _Rows:
    """The rows of one table after its header, read one at a time into ``out``."""

    ctx: Context
    out: Parsed
    raw_text: Callable[[int, int], str]
    where: str
    header: _Header
    links: Mapping[int, Sequence[tuple[int, str]]]
    sheet: str
    before: int  # records read before this table (a workbook's earlier sheets)
    sections: list[tuple[Problem, str]] = field(default_factory=list)
    filled: set[int] = field(default_factory=set)  # unread columns holding a value somewhere

    def row(self, line: int, end: int, cells: list[str]) -> None:
        """One row: a record, a reject, a section heading, or (blank) nothing."""
        if not any(cells):
            return
        header, width = self.header, len(self.header.names)
        if any(cells[width:]):
            self.out.reject(Problem(self.where, f"row has {len(cells)} cells but the header "
                                    f"has {width}", line, hint="is a value with the separator "
                                    "in it missing its quotes?"), self.raw_text(line, end))
            return
        raw = _raw(header.columns, cells)
        if header.profile == "embase":
            _unpack_embase_source(raw)
        elif header.profile == "pubmed":
            _unpack_pubmed(raw, cells[header.names.index("citation")])
        if not (raw["title"] or normalise_doi(str(raw["doi"])) or raw["source_id"]):
            self.unidentified(line, end, cells)
            return
        original = self.original(line, cells, raw)
        self.filled.update(i for i in header.unread if i < len(cells) and cells[i])
        self.out.records.append(build_record(self.ctx, self.out.blocks + 1, line, raw, original))

    def original(self, line: int, cells: list[str],
                 raw: dict[str, str | list[str]]) -> dict[str, list[str]]:
        """The row's non-empty cells by header, its sheet, and its HYPERLINK URLs (the
        record's URL when it has none)."""
        keys, width = self.header.keys, len(self.header.names)
        original: dict[str, list[str]] = {"_sheet": [self.sheet]} if self.sheet else {}
        for key, cell in zip(keys, cells, strict=False):
            if cell:
                original.setdefault(key, []).append(cell)
        for column, url in self.links.get(line, ()):
            original.setdefault(f"{keys[column] if column < width else column} (link)",
                                []).append(url)
            raw["url"] = raw["url"] or url
        return original

    def unidentified(self, line: int, end: int, cells: list[str]) -> None:
        """A row with no title, DOI or ID: a section heading, told once the table has
        records, or a reject."""
        if _is_section_row(cells):
            self.sections.append((Problem(self.where, f"skipped a section row, not a record: "
                                          f"'{cells[0][:60]}'", line, hint="one cell of text "
                                          "and the rest empty: a heading the tool writes "
                                          "between groups of records"),
                                  self.raw_text(line, end)))
        else:
            self.out.reject(_unidentified(self.where, line), self.raw_text(line, end))

    def finish(self) -> None:
        if self.filled:
            _warn_unread(self.ctx, self.where, self.header.line,
                         [self.header.keys[i] for i in sorted(self.filled)])
        for problem, text in self.sections:  # a heading between records; alone, it is not one
            if len(self.out.records) > self.before:
                self.ctx.warn(problem)
            else:
                self.out.reject(_unidentified(self.where, problem.line), text)


def _unidentified(where: str, line: int | None) -> Problem:
    return Problem(where, "row has no title, DOI or ID", line,
                   hint="fill one in, or delete the row if it is not a record")


def _unread_columns(profile: str, columns: Mapping[str, list[int]],
                    names: Sequence[str]) -> list[int]:
    """Columns of a table read by the generic aliases that feed no record field: their
    values are kept in the original fields, but a person should learn they were not
    understood. Known profiles and the project's own tables name what they leave out."""
    if profile != "generic" or is_own_table(names):
        return []
    used = {i for indexes in columns.values() for i in indexes}
    return [i for i in range(len(names)) if i not in used and names[i] not in _NO_FIELD]


#: Columns that describe a record but have no record field (kept in the original fields
#: like every column): nothing to say about them.
_NO_FIELD = frozenset({"publisher", "organisation", "organization", "institution",
                       "website", "place", "place published", "edition", "isbn", "issn",
                       "notes", "note", "tags", "label", "labels"})


def _warn_unread(ctx: Context, where: str, line: int, headers: Sequence[str]) -> None:
    shown = ", ".join(f"'{h}'" for h in headers)
    ctx.warn(Problem(where, f"column(s) {shown} not read into any record field (no profile "
                     "knows this table; the values are kept in each record's original fields)",
                     line, hint="if one holds a record field, name it with --columns "
                     "FIELD=HEADER (in review.yaml: columns:); fields: " + ", ".join(MAPPABLE)))


def _unpack_pubmed(raw: dict[str, str | list[str]], citation: str) -> None:
    """Volume, issue and pages from PubMed's ``Citation`` (see :data:`_PUBMED_CITATION`),
    the year when its column is empty; the authors cell's closing ``.`` dropped; the
    PubMed link as URL, as the MEDLINE reader gives it."""
    raw["authors"] = str(raw["authors"]).rstrip(".")
    pmid = str(raw["source_id"])
    if pmid.isdigit() and not raw["url"]:
        raw["url"] = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    match = _PUBMED_CITATION.search(citation)
    if not match:
        return
    parts = match.groupdict()
    for name in ("volume", "issue"):
        raw[name] = raw[name] or (parts[name] or "").strip()
    raw["pages"] = raw["pages"] or pages(parts["pages"])
    raw["year"] = raw["year"] or parts["date"]
    if raw["type"] == "other":
        raw["type"] = "article"  # a journal's citation: PubMed's books have none


def _is_section_row(cells: Sequence[str]) -> bool:
    """A heading row between groups of records (abstrackr's ``citations that are not yet
    labeled by anyone``): text of two words or more in the first cell, every other cell
    empty. A lone word or number could be a damaged record, and stays a reject."""
    first = cells[0] if cells else ""
    return (len(first.split()) >= 2 and any(c.isalpha() for c in first)
            and not any(cells[1:]))


def _original_keys(header: Sequence[str]) -> list[str]:
    """Header cells as keys of the original fields; a blank header is ``column N``."""
    return [" ".join(h.split()) or f"column {n}" for n, h in enumerate(header, start=1)]


def _raw(columns: Mapping[str, list[int]], cells: list[str]) -> dict[str, str | list[str]]:
    def value(name: str) -> str:
        return next((cells[i] for i in columns.get(name, ()) if i < len(cells) and cells[i]), "")

    raw: dict[str, str | list[str]] = {name: value(name) for name in GENERIC}
    for name in _UNION_FIELDS:  # split per cell: each column has its own separator
        raw[name] = [term for i in columns.get(name, ()) if i < len(cells)
                     for term in split_terms(cells[i])]
    start, end = str(raw.pop("page_start")), str(raw.pop("page_end"))
    raw["pages"] = pages(str(raw["pages"])) or pages(start, end)
    raw["type"] = type_from_name(_CAMEL.sub(" ", str(raw["type"])))
    return raw


#: A lower-case letter followed by a capital: Zotero's item types (``bookSection``,
#: ``conferencePaper``) are read as words (``book Section``).
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _unpack_embase_source(raw: dict[str, str | list[str]]) -> None:
    """Embase's ``Source`` packs ``"Journal (2014) 3:3 (152-160). Date of ..."``; unpack it."""
    match = _EMBASE_SOURCE.match(str(raw["journal"]))
    if not match:
        return
    for name, part in match.groupdict().items():
        if name == "journal" or not raw.get(name):
            raw[name] = part or raw.get(name, "")
