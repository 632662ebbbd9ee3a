"""The match keys of a record: what identifies a work, in forms that compare across
databases ("244-58" and "244-258" pages, "Suppl 1" and "S1" issues, ``.pub2`` DOIs)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar, cast

from litreview.core.records import Record, normalise_doi
from litreview.dedupe.authors import Author, Authors, author_keys, first_author
from litreview.dedupe.titles import Title, title_keys
from litreview.dedupe.venues import journal_keys, names_conference

_NUMBER = re.compile(r"\d+")


def _first_number(value: str) -> str:
    match = _NUMBER.search(value or "")
    return match.group(0).lstrip("0") if match else ""


_SUPPLEMENT = re.compile(r"\bsup(?:p|pl|plement)?\b|\bs(?=\d)", re.IGNORECASE)


def issue_key(issue: str) -> str:
    """The issue's number; a supplement's as "s1" ("SUPPL. 1", "Suppl 1", "1 Suppl. 1")."""
    if issue.isdigit():
        return issue.lstrip("0")
    if _SUPPLEMENT.search(issue):
        return "s" + _first_number(_SUPPLEMENT.split(issue, 1)[1])
    return _first_number(issue)


def _mangled(volume: str) -> bool:
    """A volume an export cut or garbled: an unbalanced bracket ("1)") or no digits first."""
    text = volume.strip()
    return bool(text) and not text.isdigit() and (
        text.count("(") != text.count(")") or not text[0].isalnum())


_MONTH = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.IGNORECASE)
_PAGE_TOKEN = re.compile(r"([a-z]*)0*(\d+)([a-z]*)")
_PAGE_COUNT = re.compile(r"\d\s*p(?:p|ages)?\.?$")
_PAGE_PREFIX = re.compile(r"^p+\.?\s*")
_PAGE_DASH = re.compile(r"\s*-+\s*")
_PUB_VERSION = re.compile(r"\.pub\d+$")


@lru_cache(maxsize=1 << 16)
def page_keys(pages: str) -> tuple[str, str, str, bool]:
    """First page as written and as a number, last page (``"244-58"`` → 258), and
    whether the numbering is *loose*.

    Loose numbering is what another database may write differently for the same article:
    article numbers and e-pages (``e43268``, ``CD006828``), ``1-17`` of an online-first
    PDF, or a page count (``215 p``).
    """
    text = (pages or "").casefold().replace("–", "-").replace("—", "-")
    if not text or _MONTH.search(text) or _PAGE_COUNT.search(text):
        return "", "", "", False
    text = _PAGE_PREFIX.sub("", text.split(";")[0])
    parts = [p for p in _PAGE_DASH.split(text) if p]
    if not parts:
        return "", "", "", False
    first = _PAGE_TOKEN.search(parts[0].replace(" ", ""))
    if not first:
        return "", "", "", False
    start = first.group(2)
    loose = bool(first.group(1) or first.group(3)) or len(start) >= 5
    end = ""
    if len(parts) > 1 and (last := _PAGE_TOKEN.search(parts[-1].replace(" ", ""))):
        end = last.group(2)
        if len(end) < len(start) and end:  # "244-58"
            end = start[: len(start) - len(end)] + end
        if start == "1" and end != "1":
            loose = True
    return first.group(0), start, end, loose


def doi_base(doi: str) -> str:
    """The DOI of the work across versions: Cochrane's ``.pub2``/``.pub3`` are one review."""
    return _PUB_VERSION.sub("", doi) if ".pub" in doi else doi


# --- the keys of one record ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Keys:
    """A record reduced to what identifies a work, in forms that compare across databases."""

    title: Title
    authors: Authors
    year: int
    venue: tuple[tuple[str, ...], ...]
    kind: str  # "conference", "journal" or "" (unknown)
    volume: str
    issue: str
    page_token: str  # as written: "e43268", "cd006828"
    page_start: str  # its number
    page_end: str
    pages_loose: bool
    doi: str
    doi_base: str
    volume_odd: bool = False  # the volume as exported looks cut or mangled ("1)")

    @property
    def first_author(self) -> str:
        names = self.authors.names
        return min(names[0].surname, key=lambda f: (-len(f), f)) if names else ""


_Shared = TypeVar("_Shared", Title, Authors)


class Known:
    """What one set of records has in common, parsed once: author entries, author lists
    and titles. Equal titles and author lists are one object: a work's copies from several
    databases mostly reduce to the same ones. Bounded by the set, gone with it."""

    __slots__ = ("_lists", "_names", "_objects", "_titles")

    def __init__(self) -> None:
        self._names: dict[str, tuple[Author, ...]] = {}
        self._lists: dict[tuple[str, ...], Authors] = {}
        self._titles: dict[tuple[str, str], Title] = {}
        self._objects: dict[object, object] = {}

    def authors(self, entries: Sequence[str]) -> Authors:
        raw = tuple(entries)
        found = self._lists.get(raw)
        if found is None:
            found = self._lists[raw] = self._one(author_keys(raw, self._names))
        return found

    def first_author(self, entries: Sequence[str]) -> Authors:
        """The list's first author alone (:func:`litreview.dedupe.authors.first_author`)."""
        return first_author(entries, self._names)

    def title(self, title: str, journal: str) -> Title:
        found = self._titles.get((title, journal))
        if found is None:
            found = self._titles[title, journal] = self._one(title_keys(title, journal))
        return found

    def _one(self, made: _Shared) -> _Shared:
        """``made``, or the equal object met before."""
        return cast(_Shared, self._objects.setdefault(made, made))


#: The fields :func:`keys` reads: all a record needs for its keys to be made.
KEY_FIELDS = ("title", "authors", "year", "journal", "type", "volume", "issue", "pages", "doi")


def keys(record: Record, known: Known | None = None, *, first_author_only: bool = False
         ) -> Keys:
    """The match keys of a record; a conference venue or type makes it a conference paper.
    ``known``: what the set of records parsed so far (see :class:`Known`);
    ``first_author_only``: the authors reduced to the first, all that blocking reads."""
    year = int(record.year) if record.year.isdigit() else 0
    venue = journal_keys(record.journal)
    if record.type == "conference" or names_conference(record.journal):
        kind = "conference"
    elif record.type == "article" and venue:
        kind = "journal"
    else:
        kind = ""
    volume = _first_number(record.volume)
    if volume and year and volume == str(year):  # "2016" in the volume of a magazine
        volume = ""
    token, start, end, loose = page_keys(record.pages)
    doi = normalise_doi(record.doi)
    if known is None:
        title = title_keys(record.title, record.journal)
        authors = (first_author(record.authors, {}) if first_author_only
                   else author_keys(record.authors))
    else:
        title = known.title(record.title, record.journal)
        authors = (known.first_author(record.authors) if first_author_only
                   else known.authors(record.authors))
    return Keys(title=title, authors=authors, year=year, venue=venue, kind=kind,
                volume=volume, issue=issue_key(record.issue), page_token=token,
                page_start=start, page_end=end, pages_loose=loose, doi=doi,
                doi_base=doi_base(doi), volume_odd=_mangled(record.volume))
