"""CSV, TSV and XLSX exports: one record per row, columns matched by name.

Every tool names its columns differently, so a *profile* per tool lists the headers it
uses for each Record field; a profile is chosen by a few headers only that tool writes,
and the generic aliases fill whatever it does not cover. Unknown columns are ignored.

The header is the first row holding a title-like column, so preambles (Embase's
``"SEARCH QUERY"`` lines, Lens's sheet-title row) are skipped. Line numbers are those of
the file (CSV/TSV, counting the header) or the sheet row (XLSX).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from litreview.errors import InputError, Problem
from litreview.importers.common import Context, build_record, pages, split_terms, type_from_name
from litreview.records import Record

csv.field_size_limit(2**31 - 1)  # abstracts and reference lists outgrow the 128 kB default

Row = tuple[int, list[str]]
Aliases = Mapping[str, tuple[str, ...]]

#: Record field (plus ``page_start``/``page_end``) → header names, normalised by
#: :func:`_norm` (casefolded, ``_`` as space), in priority order.
GENERIC: Aliases = {
    "source_id": ("id", "record id", "key", "accession number", "eid", "ut", "pmid"),
    "title": ("title", "article title", "document title", "primary title", "item title"),
    "authors": ("authors", "author", "author names", "creators", "author full names"),
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
    "abstract": ("abstract", "abstract note"),
    "keywords": ("keywords", "author keywords", "manual tags"),
    "subjects": ("subjects", "subject", "descriptors", "index keywords", "subject headings",
                 "mesh terms", "mesh"),
    "language": ("language",),
    "url": ("url", "link", "links"),
    "type": ("type", "document type", "publication type", "reference type", "item type"),
}


@dataclass(frozen=True, slots=True)
class Profile:
    """One tool's columns: recognised by ``signature``, tried before the generic aliases."""

    name: str
    signature: frozenset[str]
    aliases: Aliases
    ignore: frozenset[str] = field(default_factory=frozenset)  # generic headers misleading here


PROFILES: tuple[Profile, ...] = (
    Profile("scopus", frozenset({"eid", "source title"}), {
        "source_id": ("eid",), "journal": ("source title", "abbreviated source title"),
        "keywords": ("author keywords",), "subjects": ("index keywords",),
        "language": ("language of original document",),
    }, ignore=frozenset({"source"})),  # Scopus's "Source" column says "Scopus"
    Profile("embase", frozenset({"emtree medical index terms"}), {
        "source_id": ("embase accession id", "pui"), "authors": ("author names",),
        "subjects": ("emtree medical index terms (major focus)", "emtree medical index terms",
                     "emtree drug index terms (major focus)", "emtree drug index terms"),
        "language": ("article language",), "url": ("embase link", "full text link"),
    }),
    Profile("rayyan", frozenset({"key", "pubmed id", "pmc id"}), {
        "source_id": ("key",),
    }),
    Profile("openalex", frozenset({"ids.openalex"}), {
        "source_id": ("id", "ids.openalex"),
        "authors": ("authorships.author.display name", "authorships.raw author name"),
        "year": ("publication year",), "journal": ("primary location.source.display name",),
        "volume": ("biblio.volume",), "issue": ("biblio.issue",),
        "page_start": ("biblio.first page",), "page_end": ("biblio.last page",),
        "keywords": ("keywords.display name",), "subjects": ("mesh",),
        "url": ("primary location.landing page url",),
    }),
    Profile("refworks", frozenset({"reference type", "title primary"}), {
        "source_id": ("accession number", "reference id"), "authors": ("authors, primary",),
        "title": ("title primary",), "journal": ("periodical full", "periodical abbrev"),
        "year": ("pub year",), "page_start": ("start page",), "page_end": ("other pages",),
        "type": ("reference type",),
    }),
    Profile("lens", frozenset({"lens id"}), {
        "source_id": ("lens id",), "authors": ("author/s",), "journal": ("source title",),
        "issue": ("issue number",), "subjects": ("mesh terms",),
        "url": ("external url", "source urls"),
    }),
    Profile("wos", frozenset({"ut", "pt", "ti"}), {  # Web of Science tab-delimited
        "source_id": ("ut",), "title": ("ti",), "authors": ("au", "af"), "journal": ("so",),
        "year": ("py",), "volume": ("vl",), "issue": ("is",), "page_start": ("bp",),
        "page_end": ("ep",), "doi": ("di",), "abstract": ("ab",), "keywords": ("de", "id"),
        "language": ("la",), "type": ("dt",),
    }, ignore=frozenset({"id"})),  # WoS "ID" is Keywords Plus, not an identifier
)

_TITLE_HEADERS = frozenset(
    {*GENERIC["title"], *(t for p in PROFILES for t in p.aliases.get("title", ()))})
_UNION_FIELDS = frozenset({"keywords", "subjects"})  # every matching column contributes
_HEADER_SCAN = 50  # rows searched for the header
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?) \((?P<year>\d{4})\)(?: (?P<volume>[^\s:(]+)(?::(?P<issue>[^\s(]+))?)?"
    r"(?: \((?P<pages>[^)]+)\))?")


def _norm(header: object) -> str:
    return " ".join(str(header or "").replace("_", " ").casefold().split())


# --- entry points --------------------------------------------------------------------

def sniff_table(text: str) -> str | None:
    """``"tsv"`` or ``"csv"`` when a header row with a title column is found, else ``None``."""
    delimiter = _pick_delimiter(text, [",", ";", "\t", "|"], Context("", ""))
    return None if delimiter is None else "tsv" if delimiter == "\t" else "csv"


def _pick_delimiter(text: str, candidates: Sequence[str], ctx: Context) -> str | None:
    """The delimiter under which a header row appears, the one giving most columns."""
    best: tuple[int, str] | None = None
    for candidate in candidates:
        found = _find_header(_csv_rows(text, candidate, ctx, limit=_HEADER_SCAN))
        if found and (best is None or len(found[1]) > best[0]):
            best = (len(found[1]), candidate)
    return best[1] if best else None


def read_delimited(text: str, ctx: Context, delimiter: str | None = None) -> list[Record]:
    """Read CSV or TSV text; ``delimiter=None`` picks the one that yields a header row."""
    chosen = _pick_delimiter(text, [delimiter] if delimiter else [",", ";", "\t", "|"], ctx)
    if chosen is None:
        raise _no_header(ctx)
    return _read_rows(_csv_rows(text, chosen, ctx), ctx)


def read_xlsx(data: bytes, ctx: Context) -> list[Record]:
    """Read the first worksheet that has a header row; cells are taken as displayed values."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise InputError(Problem(ctx.source_file, f"cannot open as an Excel workbook: {error}",
                                 hint="open it in Excel and save it again as .xlsx")) from error
    try:
        for sheet in workbook.worksheets:
            rows = [(n, [_cell(v) for v in row]) for n, row in
                    enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)]
            if _find_header(rows[:_HEADER_SCAN]):
                return _read_rows(rows, ctx)
    except InputError:
        raise
    except Exception as error:
        raise InputError(Problem(ctx.source_file, f"cannot read the workbook: {error}",
                                 hint="open it in Excel and save it again as .xlsx")) from error
    finally:
        workbook.close()
    raise _no_header(ctx)


# --- rows ----------------------------------------------------------------------------

def _csv_rows(text: str, delimiter: str, ctx: Context, limit: int | None = None) -> Iterator[Row]:
    """Rows with the file line each starts on; a quoting error is a located problem."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    count = 0
    while limit is None or count < limit:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if limit is not None:  # only sniffing: this delimiter simply does not fit
                return
            hint = 'a quote inside a value must be doubled ("")'
            raise InputError(Problem(ctx.source_file, f"malformed CSV row: {error}", line,
                                     hint=hint)) from None
        count += 1
        yield line, cells


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def _is_header(cells: Sequence[str]) -> bool:
    return any(_norm(c) in _TITLE_HEADERS for c in cells)


def _find_header(rows: Iterable[Row]) -> tuple[int, list[str]] | None:
    return next(((line, cells) for line, cells in rows if _is_header(cells)), None)


def _no_header(ctx: Context) -> InputError:
    names = ", ".join(sorted(_TITLE_HEADERS))
    return InputError(Problem(ctx.source_file, f"no header row with a title column in the "
                              f"first {_HEADER_SCAN} rows", 1,
                              hint=f"the header needs one of: {names}"))


def _read_rows(rows: Iterable[Row], ctx: Context) -> list[Record]:
    """Records from the rows after the header; every bad row is reported, none dropped."""
    iterator = iter(rows)
    found = _find_header(iterator)  # consumes the preamble and the header
    if found is None:
        raise _no_header(ctx)
    header = found[1]
    profile, columns = _resolve([_norm(h) for h in header])
    width = len(header)
    records: list[Record] = []
    problems: list[Problem] = []
    for line, cells in iterator:
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if any(cells[width:]):
            problems.append(Problem(ctx.source_file, f"row has {len(cells)} cells but the header "
                                    f"has {width}", line, hint="is a value with the separator "
                                    "in it missing its quotes?"))
            continue
        raw = _raw(columns, cells)
        if profile == "embase":
            _unpack_embase_source(raw)
        if not (raw["title"] or raw["doi"] or raw["source_id"]):
            problems.append(Problem(ctx.source_file, "row has no title, DOI or ID", line,
                                    hint="fill one in, or delete the row if it is not a record"))
            continue
        records.append(build_record(ctx, len(records) + len(problems) + 1, line, raw))
    if problems:
        raise InputError(problems)
    return records


def _resolve(headers: Sequence[str]) -> tuple[str, dict[str, list[int]]]:
    """The profile's name and field → column indexes, profile aliases before generic ones."""
    present = set(headers)
    profile = next((p for p in PROFILES if p.signature <= present), None)
    ignore = profile.ignore if profile else frozenset()
    columns: dict[str, list[int]] = {}
    for name in GENERIC:
        wanted = [*(profile.aliases.get(name, ()) if profile else ()),
                  *(h for h in GENERIC[name] if h not in ignore)]
        indexes = [headers.index(h) for h in dict.fromkeys(wanted) if h in present]
        if indexes:
            columns[name] = indexes
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
    raw["type"] = type_from_name(str(raw["type"]))
    return raw


def _unpack_embase_source(raw: dict[str, str | list[str]]) -> None:
    """Embase's ``Source`` packs ``"Journal (2014) 3:3 (152-160). Date of ..."``; unpack it."""
    match = _EMBASE_SOURCE.match(str(raw["journal"]))
    if not match:
        return
    for name, part in match.groupdict().items():
        if name == "journal" or not raw.get(name):
            raw[name] = part or raw.get(name, "")
