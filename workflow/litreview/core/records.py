"""The record: one bibliographic entry as a database exported it, normalised.

The records file is a contract between stages; its first columns are :data:`COLUMNS`, in
that order. In CSV, multi-valued fields are joined with ``"; "``; the workflow's own
records files are Parquet (:mod:`litreview.core.columnar`), with lists.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TextIO

from litreview.core.columnar import is_parquet
from litreview.core.errors import InputError, Problem
from litreview.core.fileio import CsvDictReader, RestoringReader, atomic_open, write_csv
from litreview.core.text import clean_text

COLUMNS: tuple[str, ...] = (
    "record_id", "database", "source_file", "source_position", "source_id", "type",
    "title", "authors", "year", "journal", "volume", "issue", "pages", "doi",
    "abstract", "keywords", "subjects", "language", "url",
)
#: Extra columns written after the contract ones. ``original`` holds the record's fields as
#: the export had them (tag or column header → value, or list of values when repeated),
#: as compact JSON with sorted keys, so that nothing an export carries is lost.
EXTRA_COLUMNS: tuple[str, ...] = ("source_line", "searched", "original")
LIST_FIELDS = frozenset({"authors", "keywords", "subjects"})
SEP = "; "

#: One vocabulary for document types, whatever the export called them.
DOCUMENT_TYPES = ("article", "book", "chapter", "report", "thesis", "conference",
                  "webpage", "document", "project", "other")


@dataclass(frozen=True, slots=True)
class Record:
    """A normalised bibliographic record with its provenance."""

    record_id: str
    database: str
    source_file: str
    source_position: int
    source_id: str = ""
    type: str = "other"
    title: str = ""
    authors: tuple[str, ...] = ()
    year: str = ""
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    language: str = ""
    url: str = ""
    source_line: int = 0
    searched: str = ""
    original: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def original_fields(self) -> dict[str, str | list[str]]:
        """The export's own fields of this record (see :data:`EXTRA_COLUMNS`)."""
        return json.loads(self.original) if self.original else {}

    def to_row(self) -> dict[str, str]:
        row: dict[str, str] = {}
        for name in COLUMNS + EXTRA_COLUMNS:
            value = getattr(self, name)
            row[name] = SEP.join(value) if name in LIST_FIELDS else str(value)
        return row

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Record:
        kwargs: dict[str, object] = {}
        for name in FIELD_NAMES:
            if name not in row:
                continue
            value = row[name] or ""
            if name in LIST_FIELDS:
                kwargs[name] = split_list(value)
            elif name in ("source_position", "source_line"):
                kwargs[name] = int(value or 0)
            else:
                kwargs[name] = value
        extra = tuple((k, v or "") for k, v in row.items() if k not in KNOWN_COLUMNS)
        return cls(**kwargs, extra=extra)  # type: ignore[arg-type]


#: The columns a records file gives its fields; any other column is a record's ``extra``.
KNOWN_COLUMNS = frozenset(COLUMNS + EXTRA_COLUMNS)
#: The record's fields in their order (``extra`` aside): a records file's columns' order.
FIELD_NAMES = tuple(f.name for f in fields(Record) if f.name != "extra")
#: The fields every reading of a records file gives, whatever ``columns`` asks.
PROVENANCE = ("record_id", "database", "source_file", "source_position")
#: Every field but ``original``, more than half of a record exported with its references:
#: what deduplication and screening read (the records they write get theirs back).
WITHOUT_ORIGINAL = tuple(name for name in (*COLUMNS, *EXTRA_COLUMNS) if name != "original")


# --- normalisation -----------------------------------------------------------------

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def split_list(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Split a ``;``-separated value (or clean a sequence) into unique, ordered items."""
    if not value:
        return ()
    if isinstance(value, str) and value.isascii():  # clean_text's short way, inline
        texts: Iterable[str] = (" ".join(item.split()) for item in value.split(";"))
    else:
        texts = map(clean_text, value.split(";") if isinstance(value, str) else value)
    return tuple(dict.fromkeys(text for text in texts if text))


def normalise_doi(value: str | None) -> str:
    """Lowercase DOI without resolver prefix; empty when there is none."""
    match = _DOI.search(value or "")
    return match.group(0).rstrip(".,;").lower() if match else ""


def normalise_year(value: str | None) -> str:
    match = _YEAR.search(value or "")
    return match.group(1) if match else ""


def normalise_title(title: str) -> str:
    """A matching key: accents stripped, lowercase, alphanumerics separated by one space."""
    text = unicodedata.normalize("NFKD", title.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()


def slug(name: str) -> str:
    """``Social Care Online`` → ``social-care-online``: a name safe in paths and ids."""
    text = normalise_title(name).replace(" ", "-")
    return text or "source"


def make_record_id(database: str, source_id: str, doi: str, title: str, year: str,
                   authors: Sequence[str], abstract: str = "") -> str:
    """A stable id: the database's accession id when there is one, else a hash of the
    content (DOI, title, year, first author; the abstract too when there is no title or
    DOI), which does not depend on the order records are read in."""
    prefix = slug(database)
    if source_id:
        return f"{prefix}-{re.sub(r'[^A-Za-z0-9._-]+', '-', source_id).strip('-')}"
    first_author = normalise_title(authors[0].split(",")[0]) if authors else ""
    key = "|".join((doi, normalise_title(title), year, first_author))
    if not doi and not title and abstract:
        key += f"|{normalise_title(abstract)}"
    return f"{prefix}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


class Occurrences:
    """The ids met so far in one import: a record whose id was met before gets an
    occurrence suffix (``~2``, ``~3``…), file after file."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def marked(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            record_id = self.mark(record.record_id)
            yield record if record_id == record.record_id else replace(record,
                                                                       record_id=record_id)

    def mark(self, record_id: str) -> str:
        """The id, or with its occurrence suffix when it was met before."""
        n = self.seen.get(record_id, 0) + 1
        self.seen[record_id] = n
        return record_id if n == 1 else f"{record_id}~{n}"


def finalise(records: list[Record]) -> list[Record]:
    """Give records that share an id within one import an occurrence suffix (``~2``)."""
    return list(Occurrences().marked(records))


# --- the records file --------------------------------------------------------------

def records_to_csv(records: Iterable[Record], extra_columns: Sequence[str] = ()) -> str:
    buffer = io.StringIO()
    _write_csv(buffer, records, extra_columns)
    return buffer.getvalue()


def _write_csv(handle: TextIO, records: Iterable[Record], extra_columns: Sequence[str]) -> None:
    """The records file, formula-safe (:func:`litreview.core.fileio.write_csv`); the reader
    gives back every value exactly."""
    header = records_header(extra_columns)
    write_csv(handle, header, records_rows(records, header))


def records_header(extra_columns: Sequence[str] = ()) -> list[str]:
    """The columns of a records CSV file with these extra columns."""
    return [*COLUMNS, *EXTRA_COLUMNS, *extra_columns]


def records_rows(records: Iterable[Record], header: Sequence[str]) -> Iterator[list[str]]:
    """Each record's cells under ``header`` (:func:`records_header`)."""
    for record in records:
        row = record.to_row()
        row.update(dict(record.extra))
        yield [row.get(name, "") for name in header]


def write_records(path: str | Path, records: Iterable[Record],
                  extra_columns: Sequence[str] = ()) -> None:
    """Write a records file atomically, row by row, so a 100,000-record import never holds
    the whole file in memory as well: Parquet when ``path`` ends ``.parquet``
    (:mod:`litreview.core.records_parquet`), else CSV."""
    if is_parquet(path):
        from litreview.core.records_parquet import write_parquet

        write_parquet(path, records, extra_columns)
        return
    with atomic_open(path) as handle:
        _write_csv(handle, records, extra_columns)


def read_records(path: str | Path, columns: Sequence[str] | None = None,
                 rows: Sequence[int] | None = None) -> list[Record]:
    """Read a records file written by :func:`write_records`, each value as it was written
    (CSV cells as they were before :func:`litreview.core.fileio.neutralise`).

    ``columns`` limits the reading to those fields (and the record's id and provenance);
    the others keep their defaults, and a CSV file's other cells are let go as each row is
    read. ``rows`` (ascending positions) reads only those records."""
    return list(iter_records(path, columns, rows))


def iter_records(path: str | Path, columns: Sequence[str] | None = None,
                 rows: Sequence[int] | None = None) -> Iterator[Record]:
    """The records of :func:`read_records` one after another, as the file is read (a
    Parquet file a row group at a time): a caller that keeps less than the records holds
    no more than a row group of them."""
    path = Path(path)
    if is_parquet(path):
        from litreview.core.records_parquet import iter_parquet

        yield from iter_parquet(path, columns, rows)
        return
    dropped = () if columns is None else tuple(
        name for name in FIELD_NAMES if name not in {*PROVENANCE, *columns})
    wanted = None if rows is None else set(rows)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = CsvDictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(Problem(str(path), f"not a records file: missing columns {missing}",
                                     line=1, hint="pass a file written by 'litreview import'"))
        for position, row in enumerate(reader):
            if wanted is not None:
                if not wanted:  # every row asked for is read
                    break
                if position not in wanted:
                    continue
                wanted.discard(position)
            for name in dropped:
                del row[name]
            yield Record.from_row(row)


def own_tables_reader(reader: Any) -> RestoringReader:
    """A ``csv.reader`` over an export that gives back the original text of the cells
    (:func:`litreview.core.fileio.restore`) once it has met the header of one of the project's
    own tables a team may import (:func:`is_own_table`), of this review or another.

    Only there: another tool's export may hold a value that truly starts with ``''`` (a
    TeX-style quote) or ``'-``, or quote formulas by rules of its own, and reading it back
    must never change a character of it.
    """
    return RestoringReader(reader, after=is_own_table)


def is_own_table(header: Sequence[str]) -> bool:
    """Whether a table's header is one the project writes: a records file (``included.csv``,
    ``unique.csv``…), ``to_screen.csv`` or ``studies.csv`` — their columns first, in their
    order, whatever the case, spaces or underscores (a person may add columns after)."""
    from litreview.core.contracts import STUDIES_COLUMNS, TO_SCREEN_COLUMNS

    if not header or _header_name(header[0]) != "record id":  # every one starts so
        return False
    names = [_header_name(cell) for cell in header]
    # to_screen.csv by its columns up to ``url``: a sheet of an earlier version had no
    # keywords and subjects after them
    to_screen = TO_SCREEN_COLUMNS[:TO_SCREEN_COLUMNS.index("url") + 1]
    return any(names[:len(own)] == [_header_name(c) for c in own]
               for own in (COLUMNS, to_screen, STUDIES_COLUMNS))


def _header_name(cell: object) -> str:
    return " ".join(str(cell or "").replace("_", " ").casefold().split())


# --- naming a record ---------------------------------------------------------------

class RecordIdError(LookupError):
    """A given id names no record, or several (``candidates``); ``str()`` says which."""

    def __init__(self, given: str, candidates: Sequence[str] = ()):
        self.given = given
        self.candidates = tuple(candidates)
        if not candidates:
            message = f"no record '{given}'"
        else:
            shown = ", ".join(self.candidates[:10])
            more = f" and {len(self.candidates) - 10} more" if len(self.candidates) > 10 else ""
            message = (f"'{given}' names {len(self.candidates)} records: {shown}{more} "
                       "— give the full record id")
        super().__init__(message)


class RecordIds:
    """The ids of a set of records, indexed to resolve what a person typed; build it once
    when resolving many ids (a benchmark list, a decision sheet)."""

    def __init__(self, ids: Iterable[str]):
        self.ids = frozenset(ids)
        self._folded: dict[str, list[str]] = {}
        self._bare: dict[str, list[str]] = {}
        for record_id in sorted(self.ids):
            self._folded.setdefault(record_id.casefold(), []).append(record_id)
            for key in _bare_keys(record_id):
                self._bare.setdefault(key, []).append(record_id)

    def resolve(self, given: str) -> str:
        """The one record id ``given`` names, else :class:`RecordIdError`."""
        given = given.strip()
        if given in self.ids:
            return given
        for table in (self._folded, self._bare):
            found = table.get(given.casefold()) or table.get(_id_text(given).casefold())
            if found and len(found) == 1:
                return found[0]
            if found:
                raise RecordIdError(given, found)
        raise RecordIdError(given)


def _id_text(value: str) -> str:
    """An accession number as :func:`make_record_id` writes it in an id."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-")


def _bare_keys(record_id: str) -> set[str]:
    """What a person may type for this id without its database prefix (``eric-``): the
    rest of the id after any hyphen of the lowercase prefix, with and without the
    occurrence suffix ``~2``; and the number after an accession's own prefix
    (``36788546`` for ``pubmed-PMID-36788546``, from ``PMID:36788546``)."""
    keys = set()
    for text in {record_id, record_id.split("~", 1)[0]}:
        for match in re.finditer("-", text):
            if not re.fullmatch(r"[0-9a-z-]+", text[:match.start()]):
                break
            keys.add(text[match.end():].casefold())
        accession = _ACCESSION_PREFIX.fullmatch(text)
        if accession:
            keys.add(accession.group(1).casefold())
    keys.discard("")
    return keys


#: After the database's prefix, an accession's own prefix in capitals (``PMID:``, ``WOS:``,
#: ``CN-``, written ``-`` in the id) before a part that starts with a digit.
_ACCESSION_PREFIX = re.compile(r"[0-9a-z-]+?-[A-Z]{2,10}-(\d[A-Za-z0-9._-]*(?:~\d+)?)")


def resolve_record_id(given: str, ids: Iterable[str] | RecordIds) -> str:
    """The record id that ``given`` names: the id itself (in any case), or the accession
    number without the database prefix (``EJ1181769`` for ``eric-EJ1181769``), or without
    the accession's own prefix too (``36788546`` or ``PMID:36788546`` for
    ``pubmed-PMID-36788546``) when that names exactly one record. Raises
    :class:`RecordIdError` (no record, or several, listed) for the caller to report at its
    file and line."""
    index = ids if isinstance(ids, RecordIds) else RecordIds(ids)
    return index.resolve(given)
