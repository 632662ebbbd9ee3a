"""CSV, TSV and XLSX exports: one record per row, columns matched by name.

Every tool names its columns differently, so a *profile* per tool lists the headers it
uses for each Record field; a profile is chosen by a few headers only that tool writes,
and the generic aliases fill whatever it does not cover. Unknown columns are ignored.

The header is the first row holding a title-like column (or, with an explicit column
mapping, every mapped column), so preambles (Embase's ``"SEARCH QUERY"`` lines, Lens's
sheet-title row) are skipped. Line numbers are those of the file (CSV/TSV, counting the
header) or the sheet row (XLSX). A row's original fields are its non-empty cells by header.

For a tool no profile knows, ``--columns title="Article Title",year=PY`` (see
:func:`parse_column_mapping`) names the column of each field; it wins over the profiles.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from litreview.core.errors import InputError, Problem
from litreview.core.records import normalise_doi
from litreview.importers.common import (
    Context,
    Parsed,
    build_record,
    pages,
    split_terms,
    type_from_name,
)

csv.field_size_limit(2**31 - 1)  # abstracts and reference lists outgrow the 128 kB default

Row = tuple[int, int, list[str]]  # first line, last line, cells
Aliases = Mapping[str, tuple[str, ...]]

#: Record field (plus ``page_start``/``page_end``) → header names, normalised by
#: :func:`_norm` (casefolded, ``_`` as space), in priority order.
GENERIC: Aliases = {
    "source_id": ("id", "record id", "key", "accession number", "eid", "ut", "pmid"),
    "title": ("title", "article title", "document title", "primary title", "item title"),
    "authors": ("authors", "author", "author names", "creators", "author full names",
                "researchers"),
    "year": ("year", "publication year", "pub year", "publication date", "date published",
             "date"),
    "journal": ("journal", "source title", "journal title", "publication title",
                "publication", "secondary title", "source"),
    "volume": ("volume",),
    "issue": ("issue", "number", "issue number"),
    "pages": ("pages", "page range"),
    "page_start": ("page start", "start page", "first page"),
    "page_end": ("page end", "end page", "last page"),
    "doi": ("doi",),
    "abstract": ("abstract", "abstract note", "summary"),
    "keywords": ("keywords", "author keywords", "manual tags"),
    "subjects": ("subjects", "subject", "descriptors", "index keywords", "subject headings",
                 "mesh terms", "mesh"),
    "language": ("language",),
    "url": ("url", "link", "links"),
    "type": ("type", "document type", "publication type", "reference type", "item type"),
}


@dataclass(frozen=True, slots=True)
class Profile:
    """One tool's columns: recognised when all headers of one of its ``signatures`` are
    present, its aliases tried before the generic ones."""

    name: str
    signatures: tuple[frozenset[str], ...]
    aliases: Aliases
    ignore: frozenset[str] = field(default_factory=frozenset)  # generic headers misleading here


def _sig(*headers: str) -> frozenset[str]:
    return frozenset(headers)


PROFILES: tuple[Profile, ...] = (
    Profile("scopus", (_sig("eid", "source title"),), {
        "source_id": ("eid",), "journal": ("source title", "abbreviated source title"),
        "keywords": ("author keywords",), "subjects": ("index keywords",),
        "language": ("language of original document",),
    }, ignore=frozenset({"source"})),  # Scopus's "Source" column says "Scopus"
    Profile("embase", (_sig("emtree medical index terms"),), {
        "source_id": ("embase accession id", "pui"), "authors": ("author names",),
        "subjects": ("emtree medical index terms (major focus)", "emtree medical index terms",
                     "emtree drug index terms (major focus)", "emtree drug index terms"),
        "language": ("article language",), "url": ("embase link", "full text link"),
    }),
    Profile("wos", (_sig("ut (unique wos id)"),), {  # Web of Science Excel / full headers
        "source_id": ("ut (unique wos id)",), "authors": ("author full names", "authors"),
        "journal": ("source title",), "year": ("publication year",),
        "page_start": ("start page",), "page_end": ("end page",),
        "keywords": ("author keywords", "keywords plus"), "type": ("document type",),
    }),
    Profile("wos", (_sig("ut", "pt", "ti"),), {  # Web of Science tab-delimited (tags)
        "source_id": ("ut",), "title": ("ti",), "authors": ("af", "au"), "journal": ("so",),
        "year": ("py",), "volume": ("vl",), "issue": ("is",), "page_start": ("bp",),
        "page_end": ("ep",), "doi": ("di",), "abstract": ("ab",), "keywords": ("de", "id"),
        "language": ("la",), "type": ("dt",),
    }, ignore=frozenset({"id"})),  # WoS "ID" is Keywords Plus, not an identifier
    Profile("covidence", (_sig("covidence #"),), {
        "source_id": ("covidence #", "accession number"), "year": ("published year",),
        "journal": ("journal",),
    }),  # its "Tags" and "Notes" are the review team's, kept with the original fields
    Profile("eppi-reviewer", (_sig("itemid", "shorttitle"), _sig("item id", "short title")), {
        "source_id": ("itemid", "item id"), "journal": ("parenttitle", "parent title"),
        "type": ("typename", "type name"),
    }),
    Profile("rayyan", (_sig("key", "pubmed id", "pmc id"),), {
        "source_id": ("key",),
    }),
    Profile("openalex", (_sig("ids.openalex"),), {
        "source_id": ("id", "ids.openalex"),
        "authors": ("authorships.author.display name", "authorships.raw author name"),
        "year": ("publication year",), "journal": ("primary location.source.display name",),
        "volume": ("biblio.volume",), "issue": ("biblio.issue",),
        "page_start": ("biblio.first page",), "page_end": ("biblio.last page",),
        "keywords": ("keywords.display name",), "subjects": ("mesh",),
        "url": ("primary location.landing page url",),
    }),
    Profile("refworks", (_sig("reference type", "title primary"),), {
        "source_id": ("accession number", "reference id"), "authors": ("authors, primary",),
        "title": ("title primary",), "journal": ("periodical full", "periodical abbrev"),
        "year": ("pub year",), "page_start": ("start page",), "page_end": ("other pages",),
        "type": ("reference type",),
    }),
    Profile("lens", (_sig("lens id"),), {
        "source_id": ("lens id",), "authors": ("author/s",), "journal": ("source title",),
        "year": ("publication year", "date published"), "issue": ("issue number",),
        "subjects": ("mesh terms",), "url": ("external url", "source urls"),
        "type": ("publication type",),
    }),
    Profile("ieee-xplore", (_sig("document title", "ieee terms"),
                            _sig("document title", "date added to xplore")), {
        "url": ("pdf link",), "subjects": ("ieee terms", "inspec controlled terms",
                                           "inspec non-controlled terms", "mesh terms"),
        "type": ("document identifier",),  # "IEEE Conferences", "IEEE Journals"
    }),
    Profile("dimensions", (_sig("publication id", "dimensions url"),
                           _sig("publication id", "pubyear")), {
        "source_id": ("publication id",), "year": ("pubyear",), "pages": ("pagination",),
        "journal": ("source title", "anthology title"), "type": ("publication type",),
        "url": ("dimensions url", "source linkout"), "subjects": ("mesh terms",),
    }),
    # Publish or Perish (Google Scholar, Crossref…): "Source" is the journal, as in GENERIC
    Profile("publish-or-perish", (_sig("gsrank", "articleurl"),), {
        "page_start": ("startpage",), "page_end": ("endpage",),
        "url": ("articleurl", "fulltexturl"),
    }),
    # Zotero: "Item Type" is the type ("Type" is a thesis's or report's kind), "Number" a
    # report's or patent's number, not an issue; automatic tags come from the database
    Profile("zotero", (_sig("key", "item type", "abstract note"),), {
        "source_id": ("key",), "type": ("item type",),
        "journal": ("publication title", "journal abbreviation"),
        "subjects": ("automatic tags",),
    }, ignore=frozenset({"number"})),
    # abstrackr: its labels, tags and reviewers' notes are the team's, kept like Covidence's
    Profile("abstrackr", (_sig("(internal) id", "(source) id"),), {}),
    # PubMed's "Save → CSV": volume, issue and pages only inside "Citation" (unpacked below)
    Profile("pubmed", (_sig("pmid", "citation", "journal/book"),), {
        "source_id": ("pmid",), "journal": ("journal/book",), "year": ("publication year",),
    }),
    # ASReview exports the dataset it was given plus its labels; last, so the profile of the
    # tool that made that dataset wins, and labels stay in the original fields
    Profile("asreview", (_sig("asreview ranking"), _sig("asreview label"),
                         _sig("asreview time")), {
        "source_id": ("record id",),
    }),
)

#: Fields a column mapping may name (``page_start``/``page_end`` join into ``pages``).
MAPPABLE = tuple(GENERIC)

_TITLE_HEADERS = frozenset(
    {*GENERIC["title"], *(t for p in PROFILES for t in p.aliases.get("title", ()))})
_UNION_FIELDS = frozenset({"keywords", "subjects"})  # every matching column contributes
_HEADER_SCAN = 50  # rows searched for the header
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


def _norm(header: object) -> str:
    return " ".join(str(header or "").replace("_", " ").casefold().split())


# --- entry points --------------------------------------------------------------------

def parse_column_mapping(specs: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``["title=Article Title,year=PY"]`` → ``(("title", "Article Title"), ("year", "PY"))``.

    Pairs are separated by commas, but only a comma followed by ``field=`` separates, so
    headers keep their commas (``authors=Authors, Primary``). Quotes around a header are
    dropped. Raises :class:`InputError` naming a bad pair and the fields one may map.
    """
    pairs: dict[str, str] = {}
    problems = []
    for spec in specs:
        for part in _MAPPING_SPLIT.split(spec):
            name, equals, header = part.partition("=")
            name, header = name.strip().lower(), header.strip().strip("\"'").strip()
            if not part.strip():
                continue
            if not equals or not header or name not in MAPPABLE:
                problems.append(Problem("--columns", f"cannot use {part.strip()!r}: write "
                                        "FIELD=HEADER", hint=f"fields: {', '.join(MAPPABLE)}"))
                continue
            pairs[name] = header
    if problems:
        raise InputError(problems)
    return tuple(pairs.items())


_MAPPING_SPLIT = re.compile(r",(?=\s*[A-Za-z_]+\s*=)")


def sniff_table(text: str) -> str | None:
    """``"tsv"`` or ``"csv"`` when a header row with a title column is found, else ``None``."""
    delimiter = _pick_delimiter(text, [",", ";", "\t", "|"], Context("", ""))
    return None if delimiter is None else "tsv" if delimiter == "\t" else "csv"


def _pick_delimiter(text: str, candidates: Sequence[str], ctx: Context) -> str | None:
    """The delimiter under which a header row appears, the one giving most columns."""
    best: tuple[int, str] | None = None
    for candidate in candidates:
        rows = list(_csv_rows(text, candidate, ctx, Parsed(), limit=_HEADER_SCAN))
        found = _header_index(rows, ctx)
        if found is not None and (best is None or len(rows[found][2]) > best[0]):
            best = (len(rows[found][2]), candidate)
    return best[1] if best else None


def read_delimited(text: str, ctx: Context, delimiter: str | None = None) -> Parsed:
    """Read CSV or TSV text; ``delimiter=None`` picks the one that yields a header row."""
    chosen = _pick_delimiter(text, [delimiter] if delimiter else [",", ";", "\t", "|"], ctx)
    if chosen is None:
        raise _no_header(ctx)
    out = Parsed()
    lines: list[str] = []

    def raw(first: int, last: int) -> str:
        if not lines:  # split only when a row is rejected: big clean files never pay
            lines.extend(io.StringIO(text, newline="").readlines())
        return "".join(lines[first - 1:last]).rstrip("\r\n")

    return _read_rows(_csv_rows(text, chosen, ctx, out, raw), ctx, out, raw)


def read_xlsx(data: bytes, ctx: Context) -> Parsed:
    """Read every worksheet that has a header row; cells are taken as displayed values.

    A workbook may hold records on several sheets (one per database, per search date), and
    other sheets beside them (the search strategy, notes). Sheets with a header are read in
    order; a sheet that names record fields (authors, year, DOI…) without a title column is
    refused, since its records would be lost; any other sheet is not a table of records and
    is skipped. When there is more than one sheet, a warning says which were read.
    """
    import openpyxl

    formulas = _has_formulas(data)
    books = []
    try:
        for data_only in (True, False) if formulas else (True,):
            books.append(openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                                data_only=data_only))
    except Exception as error:
        raise InputError(Problem(ctx.source_file, f"cannot open as an Excel workbook: {error}",
                                 hint="open it in Excel and save it again as .xlsx")) from error
    try:
        sheets = [_sheet(values, books[1][values.title] if formulas else None)
                  for values in books[0].worksheets]
    except InputError:
        raise
    except Exception as error:
        raise InputError(Problem(ctx.source_file, f"cannot read the workbook: {error}",
                                 hint="open it in Excel and save it again as .xlsx")) from error
    finally:
        for book in books:
            book.close()
    return _read_sheets(sheets, ctx)


@dataclass(frozen=True, slots=True)
class _Sheet:
    """One worksheet's rows as displayed, with what its formulas say beyond that."""

    title: str
    rows: list[Row]
    links: dict[int, list[tuple[int, str]]]  # row → (column, URL) of HYPERLINK formulas
    unsaved: list[str]  # cells holding a formula whose value was never saved


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula (``<f>``): only then is a second read needed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(name))
                       for name in archive.namelist()
                       if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # openpyxl says what is wrong with it


def _sheet(values: Any, formulas: Any) -> _Sheet:
    """Rows of one sheet; a formula cell without a saved value reads as its HYPERLINK's
    text when it is one, else it is listed as unsaved."""
    from openpyxl.utils import get_column_letter

    rows: list[Row] = []
    links: dict[int, list[tuple[int, str]]] = {}
    unsaved: list[str] = []
    formula_rows = formulas.iter_rows(min_row=1, values_only=True) if formulas else None
    for n, row in enumerate(values.iter_rows(min_row=1), start=1):
        cells = [_cell(c.value) for c in row]
        for j, text in enumerate(next(formula_rows, ()) if formula_rows else ()):
            if not (isinstance(text, str) and text.startswith("=")) or j >= len(cells):
                continue
            link = _hyperlink(text)
            if link:
                links.setdefault(n, []).append((j, link[0]))
                if not cells[j]:
                    cells[j] = link[1] or link[0]
            elif not cells[j] and row[j].data_type == "n":  # "str" is a saved empty text
                unsaved.append(f"{get_column_letter(j + 1)}{n}")
        rows.append((n, n, cells))
    return _Sheet(values.title, rows, links, unsaved)


#: ``=HYPERLINK("url")`` or ``=HYPERLINK("url", "text")`` with literal arguments; Excel
#: doubles a quote inside a string, and some locales separate arguments with ``;``.
_HYPERLINK = re.compile(r'=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*'
                        r'(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*', re.IGNORECASE)


def _hyperlink(formula: str) -> tuple[str, str] | None:
    """(URL, text) of a HYPERLINK formula with literal arguments, else ``None``."""
    match = _HYPERLINK.fullmatch(formula)
    if not match:
        return None
    url, text = (part.replace('""', '"') if part else "" for part in match.groups())
    return url.strip(), text.strip()


def _read_sheets(sheets: Sequence[_Sheet], ctx: Context) -> Parsed:
    """Records from every sheet with a header, in sheet order; see :func:`read_xlsx`."""
    out = Parsed()
    several = len(sheets) > 1
    said: list[str] = []
    unusable: list[str] = []
    unsaved: list[str] = []
    for sheet in sheets:
        name = f"'{sheet.title}'"
        if not any(any(cells) for _, _, cells in sheet.rows):
            said.append(f"skipped {name} (empty)")
            continue
        if _header_index(sheet.rows[:_HEADER_SCAN], ctx) is None:
            if _names_record_fields(sheet.rows[:_HEADER_SCAN]):
                unusable.append(name)
            else:
                said.append(f"skipped {name} (no title column and no record fields: not a "
                            "table of records)")
            continue
        by_line = {n: cells for n, _, cells in sheet.rows}

        def raw(first: int, last: int, by_line: dict[int, list[str]] = by_line) -> str:
            return "\t".join(by_line.get(first, []))  # a sheet row, tab-separated

        before = len(out.records)
        where = f"{ctx.source_file}[{sheet.title}]" if several else ctx.source_file
        _read_rows(sheet.rows, ctx, out, raw, where=where, links=sheet.links,
                   sheet=sheet.title if several else "")
        said.append(f"read {name} ({len(out.records) - before} records)")
        unsaved += [f"{where}!{cell}" if several else cell for cell in sheet.unsaved]
    if unusable:
        raise InputError(Problem(
            ctx.source_file, f"sheet(s) {', '.join(unusable)} name record fields but have no "
            f"title column in the first {_HEADER_SCAN} rows: their records cannot be read",
            hint="add a Title column, name the columns with --columns title=HEADER,..., or "
            "move the sheet to a workbook of its own"))
    if not any(part.startswith("read ") for part in said):
        raise _no_header(ctx)
    if unsaved:
        shown = ", ".join(unsaved[:10]) + (f" and {len(unsaved) - 10} more"
                                           if len(unsaved) > 10 else "")
        raise InputError(Problem(
            ctx.source_file, f"formula(s) whose value was never saved, so it cannot be read: "
            f"{shown}", hint="open the workbook in Excel or LibreOffice, let it calculate, and "
            "save it again (or paste the values over the formulas)"))
    if several:
        ctx.warn(Problem(ctx.source_file, f"a workbook of {len(sheets)} sheets: "
                         f"{'; '.join(said)}"))
    return out


def _names_record_fields(rows: Sequence[Row]) -> bool:
    """Whether a row names two or more record fields, or a DOI column: a table of records
    whose title column is missing or named otherwise, not a strategy or a notes sheet."""
    for _, _, cells in rows:
        names = {_norm(c) for c in cells}
        fields = {field for field, aliases in GENERIC.items() if names & set(aliases)}
        if len(fields) >= 2 or "doi" in fields:
            return True
    return False


# --- rows ----------------------------------------------------------------------------

def _csv_rows(text: str, delimiter: str, ctx: Context, out: Parsed,
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


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # a character XML cannot hold is stored as _xHHHH_ (OOXML); Excel shows the
        # character, and the records then say (and remove) the control characters
        return _XML_ESCAPE.sub(_unescape, value) if "_x" in value else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def _header_index(rows: Sequence[Row], ctx: Context) -> int | None:
    """Index of the header among the first rows: the first with a title-like column or
    every mapped column; failing that, with a mapping, the first naming any mapped column
    (so that a misspelt mapping is reported as such, not as a missing header)."""
    mapped = frozenset(_norm(header) for _, header in ctx.columns)
    names = [{_norm(c) for c in cells} for _, _, cells in rows]
    found = next((i for i, n in enumerate(names)
                  if n & _TITLE_HEADERS or (mapped and mapped <= n)), None)
    if found is None and mapped:
        found = next((i for i, n in enumerate(names) if n & mapped), None)
    return found


def _no_header(ctx: Context) -> InputError:
    names = ", ".join(sorted(_TITLE_HEADERS))
    return InputError(Problem(ctx.source_file, f"no header row with a title column in the "
                              f"first {_HEADER_SCAN} rows", 1,
                              hint=f"the header needs one of: {names}; or name the columns "
                              "with --columns title=HEADER,..."))


def _read_rows(rows: Iterable[Row], ctx: Context, out: Parsed,
               raw_text: Callable[[int, int], str], *, where: str = "",
               links: Mapping[int, Sequence[tuple[int, str]]] | None = None,
               sheet: str = "") -> Parsed:
    """Records from the rows after the header; every bad row is a located reject.

    ``where`` names the table in messages (a workbook's sheet), ``links`` the URLs of
    HYPERLINK formulas by row: the record's URL when it has none, kept in its original
    fields either way. ``sheet`` (a workbook of several) is kept in the original fields as
    ``_sheet``: with the row, it says where the record stands.
    """
    where = where or ctx.source_file
    iterator = iter(rows)
    head = list(itertools.islice(iterator, _HEADER_SCAN))
    found = _header_index(head, ctx)
    if found is None:
        raise _no_header(ctx)
    header_line, _, header = head[found]
    names = [_norm(h) for h in header]
    profile, columns = _resolve(names, ctx, header_line)
    out.source = profile
    keys = _original_keys(header)
    width = len(header)
    before = len(out.records)
    sections: list[tuple[Problem, str]] = []
    unread = _unread_columns(profile, columns, names)
    filled: set[int] = set()  # unread columns that hold a value in some record
    for line, end, cells in itertools.chain(head[found + 1:], iterator):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if any(cells[width:]):
            out.reject(Problem(where, f"row has {len(cells)} cells but the header "
                               f"has {width}", line, hint="is a value with the separator in it "
                               "missing its quotes?"), raw_text(line, end))
            continue
        raw = _raw(columns, cells)
        if profile == "embase":
            _unpack_embase_source(raw)
        elif profile == "pubmed":
            _unpack_pubmed(raw, cells[names.index("citation")])
        if not (raw["title"] or normalise_doi(str(raw["doi"])) or raw["source_id"]):
            if _is_section_row(cells):
                sections.append((Problem(where, f"skipped a section row, not a record: "
                                         f"'{cells[0][:60]}'", line, hint="one cell of text "
                                         "and the rest empty: a heading the tool writes "
                                         "between groups of records"), raw_text(line, end)))
                continue
            out.reject(Problem(where, "row has no title, DOI or ID", line,
                               hint="fill one in, or delete the row if it is not a record"),
                       raw_text(line, end))
            continue
        original: dict[str, list[str]] = {"_sheet": [sheet]} if sheet else {}
        for key, cell in zip(keys, cells, strict=False):
            if cell:
                original.setdefault(key, []).append(cell)
        for column, url in (links or {}).get(line, ()):
            original.setdefault(f"{keys[column] if column < width else column} (link)",
                                []).append(url)
            raw["url"] = raw["url"] or url
        filled.update(i for i in unread if i < len(cells) and cells[i])
        out.records.append(build_record(ctx, out.blocks + 1, line, raw, original))
    if filled:
        _warn_unread(ctx, where, header_line, [keys[i] for i in sorted(filled)])
    for problem, text in sections:  # a heading between records; alone, it is not one
        if len(out.records) > before:
            ctx.warn(problem)
        else:
            out.reject(Problem(where, "row has no title, DOI or ID", problem.line,
                               hint="fill one in, or delete the row if it is not a record"),
                       text)
    return out


def _unread_columns(profile: str, columns: Mapping[str, list[int]],
                    names: Sequence[str]) -> list[int]:
    """Columns of a table read by the generic aliases that feed no record field: their
    values are kept in the original fields, but a person should learn they were not
    understood. Known profiles and the project's own tables name what they leave out."""
    if profile != "generic" or _is_own_table(names):
        return []
    used = {i for indexes in columns.values() for i in indexes}
    return [i for i in range(len(names)) if i not in used and names[i] not in _NO_FIELD]


#: Columns that describe a record but have no record field (kept in the original fields
#: like every column): nothing to say about them.
_NO_FIELD = frozenset({"publisher", "organisation", "organization", "institution",
                       "website", "place", "place published", "edition", "isbn", "issn",
                       "notes", "note", "tags", "label", "labels"})


def _is_own_table(names: Sequence[str]) -> bool:
    """A table this project wrote (a records file, ``to_screen.csv``, ``studies.csv``)."""
    from litreview.core.contracts import STUDIES_COLUMNS, TO_SCREEN_COLUMNS
    from litreview.core.records import COLUMNS

    own = (COLUMNS, TO_SCREEN_COLUMNS, STUDIES_COLUMNS)
    return any(tuple(names[:len(header)]) == tuple(_norm(h) for h in header) for header in own)


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


def _resolve(headers: Sequence[str], ctx: Context,
             header_line: int) -> tuple[str, dict[str, list[int]]]:
    """The profile's name and field → column indexes: the explicit mapping first, then the
    profile's aliases, then the generic ones."""
    present = set(headers)
    profile = next((p for p in PROFILES if any(s <= present for s in p.signatures)), None)
    ignore = profile.ignore if profile else frozenset()
    columns: dict[str, list[int]] = {}
    for name in GENERIC:
        wanted = [*(profile.aliases.get(name, ()) if profile else ()),
                  *(h for h in GENERIC[name] if h not in ignore)]
        indexes = [headers.index(h) for h in dict.fromkeys(wanted) if h in present]
        if indexes:
            columns[name] = indexes
    missing = []
    for name, header in ctx.columns:
        if _norm(header) in present:
            columns[name] = [headers.index(_norm(header))]
        else:
            missing.append(f"{name}={header}")
    if missing:
        raise InputError(Problem(ctx.source_file, f"--columns names column(s) not in the "
                                 f"header: {', '.join(missing)}", header_line,
                                 hint="spell each header as the file's header row does"))
    if ctx.columns:
        return "mapped", columns
    return (profile.name if profile else "generic"), columns


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
