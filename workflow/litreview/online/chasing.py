"""What citation chasing starts from and asks OpenAlex and Crossref, and what it reads in
their replies: the included studies (``results/screening/included.csv``), each study's work
(by DOI, by PMID, else by a title search accepted only on the same title key and year), the
works its references name (``filter=openalex_id:…``, 50 a request), Crossref's reference
list of a DOI where OpenAlex has none, the works citing it (``filter=cites:…``, paged by
cursor), and the page in Crossref's shape that keeps the references no OpenAlex work stands
for."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.core import paths
from litreview.core.errors import InputError, Problem
from litreview.core.records import Record, normalise_doi, read_records
from litreview.dedupe import keys

OPENALEX = "https://api.openalex.org/works"
CROSSREF = "https://api.crossref.org/works/"
BATCH = 50  # ids OR-ed in one filter, and the page size that returns them all
PER_PAGE = 200  # OpenAlex's most per page: the citing works
SEARCH_PAGE = 5  # candidates of a title search
_RERUN = "run the same command again: the chase resumes from this request"


@dataclass(frozen=True, slots=True)
class Study:
    """An included study, as it is looked for: its record id, title, year, DOI and PMID."""

    record_id: str
    title: str
    year: str
    doi: str = ""
    pmid: str = ""


def _pmid(record: Record) -> str:
    original = record.original_fields()
    for key in ("PMID", "pmid", "PM"):
        value = str(original.get(key) or "").strip()
        if value.isdigit():
            return value
    return ""


def included_studies(root: Path) -> list[Study]:
    """The included studies (``results/screening/included.csv``); a located error when
    the workflow has not made it yet, or it includes none."""
    path = root / paths.INCLUDED
    if not path.is_file():
        raise InputError(Problem(paths.INCLUDED, "no included studies yet: the file is absent",
                                 hint="run the workflow first (litreview run): citation "
                                 "chasing starts from the studies it includes"))
    studies = [Study(r.record_id, r.title, r.year, normalise_doi(r.doi), _pmid(r))
               for r in read_records(path)]
    if not studies:
        raise InputError(Problem(paths.INCLUDED, "no study is included yet",
                                 hint="screen the records first: citation chasing starts "
                                 "from the included studies"))
    return studies



def url(base: str, params: Sequence[tuple[str, str]]) -> str:
    """An address with its parameters in the order given (none: no ``?``)."""
    return f"{base}?{urllib.parse.urlencode(params)}" if params else base


def _polite(contact: str) -> list[tuple[str, str]]:
    return [("mailto", contact)] if contact else []


def by_doi(doi: str, contact: str) -> str:
    return url(f"{OPENALEX}/doi:{urllib.parse.quote(doi, safe='/')}", _polite(contact))


def by_pmid(pmid: str, contact: str) -> str:
    return url(f"{OPENALEX}/pmid:{pmid}", _polite(contact))


def by_title(title: str, year: str, contact: str) -> str:
    return url(OPENALEX, [("search", title), ("filter", f"publication_year:{year}"),
                          ("per-page", str(SEARCH_PAGE)), *_polite(contact)])


def works_by_id(ids: Sequence[str], contact: str) -> str:
    return url(OPENALEX, [("filter", "openalex_id:" + "|".join(ids)),
                          ("per-page", str(BATCH)), *_polite(contact)])


def works_by_doi(dois: Sequence[str], contact: str) -> str:
    return url(OPENALEX, [("filter", "doi:" + "|".join(dois)), ("per-page", str(BATCH)),
                          *_polite(contact)])


def citing(work_id: str, cursor: str, contact: str) -> str:
    return url(OPENALEX, [("filter", f"cites:{work_id}"), ("per-page", str(PER_PAGE)),
                          ("cursor", cursor), *_polite(contact)])


def crossref_work(doi: str, contact: str) -> str:
    return url(CROSSREF + urllib.parse.quote(doi, safe="/"), _polite(contact))


def short_id(value: object) -> str:
    """``https://openalex.org/W123`` → ``W123``."""
    return str(value or "").rstrip("/").rsplit("/", 1)[-1]


def work_doi(work: Mapping[str, Any]) -> str:
    return normalise_doi(str(work.get("doi") or ""))


def read_json(body: bytes, shown: str, where: str, what: str) -> dict[str, Any]:
    """A reply as the JSON object it should be; else a located error."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
    except (ValueError, TypeError) as error:
        raise InputError(Problem(where, f"the reply to {shown} is not {what} "
                                 f"({type(error).__name__}: {error})", hint=_RERUN)) from None
    return data


def results(page: Mapping[str, Any], shown: str, where: str) -> list[dict[str, Any]]:
    """The works of an OpenAlex list page."""
    works = page.get("results")
    if not isinstance(works, list) or not all(isinstance(w, dict) for w in works):
        raise InputError(Problem(where, f"the reply to {shown} is not an OpenAlex list of "
                                 "works (no results list)", hint=_RERUN))
    return works


def title_key(title: str) -> str:
    """The project's title key (as deduplication compares titles); "" for a title that
    cannot identify a work (missing, or generic: "Editorial")."""
    found = keys(Record("", "", "", 0, title=title)).title
    return "" if found.generic else found.text


def matching(candidates: Sequence[Mapping[str, Any]], title: str, year: str
             ) -> list[Mapping[str, Any]]:
    """The candidates of a title search with the study's title key and year."""
    wanted = title_key(title)
    if not wanted:
        return []
    return [w for w in candidates
            if str(w.get("publication_year") or "") == year
            and title_key(str(w.get("display_name") or w.get("title") or "")) == wanted]


def references_of(reply: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Crossref's reference list of a work (``message.reference``), [] when it has none."""
    message = reply.get("message")
    found = message.get("reference") if isinstance(message, dict) else None
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def crossref_item(reference: Mapping[str, Any]) -> dict[str, Any]:
    """A Crossref reference as a Crossref work, as the ``crossref-json`` importer reads one:
    its title (the article's, else the book's, else the citation as written), author,
    journal, year and DOI."""
    title = (reference.get("article-title") or reference.get("volume-title")
             or reference.get("unstructured") or "")
    item: dict[str, Any] = {"title": [title] if title else []}
    if reference.get("author"):
        item["author"] = [{"family": str(reference["author"])}]
    if reference.get("journal-title"):
        item["container-title"] = [reference["journal-title"]]
    year = str(reference.get("year") or "")[:4]
    if year.isdigit():
        item["issued"] = {"date-parts": [[int(year)]]}
    for key, to in (("DOI", "DOI"), ("volume", "volume"), ("first-page", "page"),
                    ("unstructured", "unstructured"), ("key", "key")):
        if reference.get(key):
            item[to] = reference[key]
    item["type"] = "journal-article" if reference.get("journal-title") else \
        "book" if reference.get("volume-title") else "other"
    return item


def crossref_page(items: Sequence[Mapping[str, Any]]) -> bytes:
    """The references kept from Crossref as one page of Crossref's ``work-list`` shape, in
    a list (as every export of pages is saved)."""
    page = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
            "message": {"total-results": len(items), "items-per-page": len(items),
                        "items": list(items)}}
    return (json.dumps([page], indent=1, ensure_ascii=False) + "\n").encode()
