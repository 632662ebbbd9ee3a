"""Shared normalisation for every importer, so all formats yield the same kind of Record.

Readers turn their input into a plain ``dict`` of raw field values (strings, or lists of
strings for multi-valued fields) plus provenance; :func:`build_record` does the rest.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ftfy import fix_encoding
from ftfy.badness import is_bad

from litreview.records import Record, make_record_id, normalise_doi, normalise_year

RawValue = str | Sequence[str] | None


@dataclass(frozen=True, slots=True)
class Context:
    """What every record of one file shares: where it came from and how it was searched."""

    database: str
    source_file: str
    searched: str = ""


# --- decoding ------------------------------------------------------------------------

def decode(data: bytes) -> str:
    """Decode an export: UTF-16 by BOM, else UTF-8 (BOM dropped), else byte-wise cp1252.

    Old Windows exports (EndNote, RefWorks) are cp1252, and concatenated exports mix the
    two, so the fallback keeps every valid UTF-8 sequence and reads only the invalid bytes
    as cp1252 (Latin-1 for the five bytes cp1252 leaves undefined). Decoding never fails:
    bytes that are not text at all are rejected later by the reader, located.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors=_CP1252_FALLBACK)


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(_byte_as_cp1252(b) for b in bad), error.end


def _byte_as_cp1252(byte: int) -> str:
    try:
        return bytes((byte,)).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: Latin-1 control characters


_CP1252_FALLBACK = "litreview-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_bytes)


# --- field normalisation -------------------------------------------------------------

def clean(value: str | None) -> str:
    """Exactly :func:`records.clean_text` (a test holds them equal), three times faster.

    ``str.split()`` and ``\\s`` agree on what whitespace is, and ASCII text needs no NFC
    and has no curly quotes; on a 100k-record import this saves seconds.
    """
    if not value:
        return ""
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
        value = value.replace("\u2019", "'").replace("\u2018", "'")
        value = value.replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(value.split())


#: A UTF-8 lead byte read as cp1252/Latin-1 followed by a continuation byte read the same
#: way: every mojibake has one, little correct text does. A cheap gate before ftfy.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def fixed_text(value: str | None) -> str:
    """:func:`clean` after a mojibake repair (``"DinÃ¢mica"`` → ``"Dinâmica"``).

    The repair runs before cleaning, which would turn the ``“`` inside ``"Ã“"`` into
    ``"`` and make it unrepairable; ftfy runs only where the cheap hint and its own
    badness test agree, so correct text is left alone and imports stay fast.
    """
    if value and not value.isascii() and _MOJIBAKE_HINT.search(value) and is_bad(value):
        value = fix_encoding(value)
    return clean(value)


_DASHES = re.compile(r"\s*(?:--|[-\u2010-\u2015\u2212])+\s*")
_NULL_GIVEN = re.compile(r",\s*null$", re.IGNORECASE)
_COMMA_NO_SPACE = re.compile(r",(?=\S)")
_AND = re.compile(r"\s+and\s+")
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[- ]?){1,4}$")
_NO_PAGES = re.compile(r"(?:not?[- ]?)?(?:specified|available)|n\.?\s?[ap]\.?", re.IGNORECASE)


def pages(start: str | None, end: str | None = None) -> str:
    """``("12", "20")`` or ``"12--20"`` → ``"12-20"``; one page stays one page.

    Placeholders such as Ovid's ``"No-Specified"`` count as no page.
    """
    first, last = (_DASHES.sub("-", clean(v)).strip("-") for v in (start, end))
    first, last = ("" if _NO_PAGES.fullmatch(v) else v for v in (first, last))
    if first and last and last != first and "-" not in first:
        return f"{first}-{last}"
    return first or last


def tidy_author(name: str) -> str:
    """One author as given, minus RefWorks' ``",null"`` and with ``"Smith,J."`` spaced."""
    name = name.strip()
    if "," in name:
        name = _COMMA_NO_SPACE.sub(", ", _NULL_GIVEN.sub("", name)).strip(" ,")
    return name


def split_authors(value: RawValue) -> tuple[str, ...]:
    """Authors from one string (``;``, then `` and `` or ``|``) or from a list of names.

    A bare comma list is ambiguous: ``"Liu R., Adler D.G."`` (Embase) is two authors, but
    ``"Liu, R."`` is one. Commas separate authors only when every part has a space in it
    (``Surname Initials``) or the parts pair up as surname / initials.
    """
    if not value:
        return ()
    if isinstance(value, str):
        names = _split_author_string(fixed_text(value))
    else:  # one author per line or list item (RIS AU): only ';' may pack several
        names = [n for item in value for n in fixed_text(item).split(";")]
    return _unique(tidy_author(name) for name in names)


def _split_author_string(text: str) -> list[str]:
    if not text:
        return []
    for sep in (";", "|"):
        if sep in text:
            return text.split(sep)
    if " and " in text:
        return _AND.split(text)
    if "," not in text:
        return [text]
    parts = [p.strip() for p in text.split(",")]
    if all(" " in p for p in parts if p):
        return parts
    if len(parts) > 2 and len(parts) % 2 == 0 and all(_INITIALS.match(p) for p in parts[1::2]):
        return [f"{s}, {g}" for s, g in zip(parts[::2], parts[1::2], strict=True)]
    return [text]


def split_terms(value: RawValue) -> tuple[str, ...]:
    """Keywords or subject headings: ``;`` or ``|`` lists, else commas outside brackets.

    A string is one cell and may be a comma list: Embase writes
    ``"cyst (diagnosis, surgery), article"``, where the bracketed comma is no separator.
    A sequence is already itemised by the format (one RIS ``KW`` per line), so commas stay
    inside items there and ``"Models, Biological"`` survives whole.
    """
    if not value:
        return ()
    if isinstance(value, str):
        return _unique(_split_term_string(clean(value), commas=True))
    return _unique(part for item in value for part in _split_term_string(clean(item), False))


def _split_term_string(text: str, commas: bool) -> list[str]:
    for sep in (";", "|"):
        if sep in text:
            return text.split(sep)
    if not commas or "," not in text:
        return [text]
    parts, depth, current = [], 0, []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Stripped, non-empty, first occurrence kept (items are already clean text)."""
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def first_url(value: str | None) -> str:
    """The first URL of a field; exports join several with spaces or leak the next tag in."""
    text = clean(value)
    return text.split(" ", 1)[0] if text else ""


_URL_ID = re.compile(r"^https?://\S+/([^/\s]+)/?$")


def accession_id(value: str | None) -> str:
    """An accession id; a URL id (``https://openalex.org/W123``) becomes its last segment."""
    text = clean(value)
    match = _URL_ID.match(text)
    return match.group(1) if match else text


# --- document types ------------------------------------------------------------------

#: RIS ``TY`` codes → records.DOCUMENT_TYPES; any other code is ``"other"``.
RIS_TYPES: dict[str, str] = {
    **dict.fromkeys(("JOUR", "JFULL", "MGZN", "NEWS", "EJOUR", "INPR", "ABST"), "article"),
    **dict.fromkeys(("BOOK", "EBOOK", "EDBOOK"), "book"),
    **dict.fromkeys(("CHAP", "ECHAP"), "chapter"),
    **dict.fromkeys(("RPRT", "GOVDOC"), "report"),
    "THES": "thesis",
    **dict.fromkeys(("CONF", "CPAPER"), "conference"),
    **dict.fromkeys(("ELEC", "WEB", "BLOG", "ICOMM"), "webpage"),
    **dict.fromkeys(("UNPB", "MANSCPT", "PAMP", "STAND"), "document"),
    "GRANT": "project",
}

#: Free-text type names (CSV columns, BibTeX entry types) → records.DOCUMENT_TYPES, by
#: the first matching word; order matters ("book chapter" is a chapter, "case report"
#: and "online article" are articles).
_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("chapter", "chapter"), ("book section", "chapter"), ("incollection", "chapter"),
    ("inbook", "chapter"), ("case report", "article"), ("book review", "article"),
    ("conference", "conference"), ("proceeding", "conference"), ("congress", "conference"),
    ("meeting", "conference"), ("thesis", "thesis"), ("dissertation", "thesis"),
    ("book", "book"), ("report", "report"), ("government", "report"),
    ("article", "article"), ("journal", "article"), ("review", "article"),
    ("letter", "article"), ("editorial", "article"), ("note", "article"),
    ("erratum", "article"), ("survey", "article"), ("comment", "article"),
    ("preprint", "article"), ("magazine", "article"), ("newspaper", "article"),
    ("web", "webpage"), ("online", "webpage"), ("blog", "webpage"),
    ("grant", "project"), ("project", "project"), ("manuscript", "document"),
    ("unpublished", "document"), ("standard", "document"), ("pamphlet", "document"),
)


def type_from_name(name: str | None) -> str:
    """Map a free-text document type to the shared vocabulary; unknown → ``"other"``."""
    text = clean(name).casefold()
    if not text:
        return "other"
    if text.upper() in RIS_TYPES:  # a RIS code in a CSV column ("JOUR")
        return RIS_TYPES[text.upper()]
    for word, kind in _TYPE_WORDS:
        if word in text:
            return kind
    return "other"


# --- the record ----------------------------------------------------------------------

def build_record(ctx: Context, position: int, line: int, raw: Mapping[str, RawValue]) -> Record:
    """Normalise one reader's raw fields into a :class:`Record` with a stable id.

    ``raw`` keys are Record field names; ``authors``, ``keywords`` and ``subjects`` are
    split here (readers pass what the file holds), ``pages`` must already be joined.
    """
    def raw_text(name: str) -> str:
        value = raw.get(name)
        return value if isinstance(value, str) else "; ".join(value or ())

    def text(name: str) -> str:
        return clean(raw_text(name))

    title = fixed_text(raw_text("title"))
    authors = split_authors(raw.get("authors"))
    doi = normalise_doi(text("doi"))
    year = normalise_year(text("year"))
    source_id = accession_id(text("source_id"))
    return Record(
        record_id=make_record_id(ctx.database, source_id, doi, title, year, authors),
        database=ctx.database,
        source_file=ctx.source_file,
        source_position=position,
        source_id=source_id,
        type=text("type") or "other",
        title=title,
        authors=authors,
        year=year,
        journal=text("journal"),
        volume=text("volume"),
        issue=text("issue"),
        pages=pages(text("pages")),
        doi=doi,
        abstract=fixed_text(raw_text("abstract")),
        keywords=split_terms(raw.get("keywords")),
        subjects=split_terms(raw.get("subjects")),
        language=text("language"),
        url=first_url(text("url")),
        source_line=line,
        searched=ctx.searched,
    )
