"""Field cleaning shared by every reader: mojibake repair, pages, authors, keywords and
subject terms, URLs, accession ids and citation keys."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ftfy import fix_encoding
from ftfy.badness import is_bad

from litreview.core.text import clean_text
from litreview.importers.context import RawValue

#: A UTF-8 lead byte read as cp1252/Latin-1 followed by a continuation byte read the same
#: way: every mojibake has one, little correct text does. A cheap gate before ftfy.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def fixed_text(value: str | None) -> str:
    """:func:`clean_text` after a mojibake repair (``"DinÃ¢mica"`` → ``"Dinâmica"``).

    The repair runs before cleaning, which would turn the ``“`` inside ``"Ã“"`` into
    ``"`` and make it unrepairable; ftfy runs only where the cheap hint and its own
    badness test agree, so correct text is left alone and imports stay fast.
    """
    if value and not value.isascii() and _MOJIBAKE_HINT.search(value) and is_bad(value):
        value = fix_encoding(value)
    return clean_text(value)


_DASHES = re.compile(r"\s*(?:--|[-\u2010-\u2015\u2212])+\s*")
_NULL_GIVEN = re.compile(r",\s*null$", re.IGNORECASE)
_COMMA_NO_SPACE = re.compile(r",(?=\S)")
_AND = re.compile(r"\s+and\s+")
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[- ]?){1,4}$")
_NO_PAGES = re.compile(r"(?:not?[- ]?)?(?:specified|available)|n\.?\s?[ap]\.?|no", re.IGNORECASE)


def pages(start: str | None, end: str | None = None) -> str:
    """``("12", "20")``, ``"12--20"`` or MEDLINE's ``"349-69"`` → ``"12-20"``/``"349-369"``.

    One page stays one page; placeholders such as Ovid's ``"No-Specified"`` (split into
    ``SP  - No`` / ``EP  - Specified`` by some exports) count as no page.
    """
    if start and start.isdigit() and (not end or end.isdigit()):  # the common case, fast
        return _expand_range(f"{start}-{end}") if end and end != start else start
    first, last = (_DASHES.sub("-", clean_text(v)).strip("-") for v in (start, end))
    if _NO_PAGES.fullmatch(f"{first} {last}".strip()):
        return ""
    first, last = ("" if _NO_PAGES.fullmatch(v) else v for v in (first, last))
    if first and last and last != first and "-" not in first:
        first = f"{first}-{last}"
    elif not first:
        first = last
    return _expand_range(first)


def _expand_range(value: str) -> str:
    """``"349-69"`` → ``"349-369"``: the end page abbreviated to its changing digits."""
    start, dash, end = value.partition("-")
    if (dash and start.isdigit() and end.isdigit() and len(end) < len(start)
            and int(start[:len(start) - len(end)] + end) > int(start)):
        return f"{start}-{start[:len(start) - len(end)]}{end}"
    return value


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
    """Keywords or subject headings: ``;`` or ``|`` lists, else commas outside brackets;
    mojibake repaired as in titles.

    A string is one cell and may be a comma list: Embase writes
    ``"cyst (diagnosis, surgery), article"``, where the bracketed comma is no separator.
    A sequence is already itemised by the format (one RIS ``KW`` per line), so commas stay
    inside items there and ``"Models, Biological"`` survives whole.
    """
    if not value:
        return ()
    if isinstance(value, str):
        return _unique(_split_term_string(fixed_text(value), commas=True))
    return _unique(part for item in value
                   for part in _split_term_string(fixed_text(item), False))


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
    text = clean_text(value)
    return text.split(" ", 1)[0] if text else ""


_URL_ID = re.compile(r"^https?://\S+/([^/\s]+)/?$")


def accession_id(value: str | None) -> str:
    """An accession id; a URL id (``https://openalex.org/W123``) becomes its last segment."""
    text = clean_text(value)
    match = _URL_ID.match(text)
    return match.group(1) if match else text


#: A name: letters first, then letters, ``_ ' . -``; with a lower-case letter, which the
#: upper-case codes of accession numbers (``EJ``, ``ED``, ``WOS``, ``PMID``) lack.
_KEY_NAME = r"(?=[^\W\d_](?:[^\W\d]|['’.-])*?[a-z])[^\W\d_](?:[^\W\d]|['’.-])*?"
_KEY_YEAR = r"(?:1[5-9]|20)\d\d"
_CITATION_KEY = re.compile(
    rf"{_KEY_NAME}[_:.-]?{_KEY_YEAR}(?:[_:.-]?[^\W\d_][^\W\d]*)?"  # Smith2020a, smith_2020_x
    rf"|(?=[A-Z][^\W\d_]*[a-z])[A-Z][^\W\d_]+{_KEY_YEAR}\d{{1,5}}[a-z]?")  # Scopus: page too


def citation_key(value: str) -> bool:
    """Whether ``value`` is a citation key a tool made from the author and year.

    ``Smith2020``, ``Smith2020a``, ``smith_2020_nurse``, ``aikenNurse2014``,
    ``Aiken:2014aa`` and Scopus's ``Firstwriter2021133`` (year, then first page) name no
    record in any database, and the ``a``/``b`` that tell two apart follow the order of
    the export: never an accession. Keys that are a database's numbers (``cd583305``,
    ``WOS:000223334444221``, ``PMID:36788546``, ``EJ1181769``) and DBLP's persistent keys
    (``DBLP:journals/tosem/WangYWHW22``) are not citation keys.
    """
    return _CITATION_KEY.fullmatch(value.strip()) is not None
