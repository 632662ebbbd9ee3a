"""Crossref's JSON (``https://api.crossref.org/works?…``): reply pages
``{"status": "ok", "message-type": "work-list", "message": {"total-results": N,
"items": [Work, …], "next-cursor": …}}``, a list of them as ``litreview search run``
saves them, or one page alone; a single-work reply (``"message-type": "work"``) is one
record.

A Work's ``DOI`` is its source_id and doi; ``title`` (with its ``subtitle``), ``author``
(``family, given``, or an organisation's ``name``; editors when there is no author),
``container-title``, the year ``issued`` (else published), ``volume``, ``issue``, ``page``
(else ``article-number``), the JATS ``abstract`` without its markup or its "Abstract"
heading, ``subject`` as subjects, ``language``, ``URL`` and ``type``. Every other field is
kept in the original ones. An item that is no Work (no DOI and no title) is a located
reject.
"""

from __future__ import annotations

import html
import re
from typing import Any

from litreview.core.records import Record
from litreview.importers import json_pages as jp
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed, RawValue
from litreview.importers.fields import pages

_HINT = "save Crossref's JSON replies as they came (a list of pages), or search again"
SERVICE = jp.Service("Crossref", ("message", "items"), ("message", "total-results"), _HINT,
                     single=lambda page: isinstance(page, dict)
                     and page.get("message-type") == "work")

#: Crossref's work types → DOCUMENT_TYPES.
_TYPES = {
    **dict.fromkeys(("journal-article", "posted-content"), "article"),
    **dict.fromkeys(("book-chapter", "book-section", "book-part", "reference-entry"),
                    "chapter"),
    **dict.fromkeys(("book", "monograph", "edited-book", "reference-book", "book-set",
                     "book-series", "book-track"), "book"),
    **dict.fromkeys(("proceedings-article", "proceedings", "proceedings-series"),
                    "conference"),
    **dict.fromkeys(("report", "report-series", "report-component"), "report"),
    "dissertation": "thesis", **dict.fromkeys(("standard", "peer-review"), "document"),
    "grant": "project",
}
#: The heading JATS abstracts open with (``<jats:title>Abstract</jats:title>``).
_HEADING = re.compile(r"^\s*<(?:jats:)?title>\s*(?:abstract|summary)\s*</(?:jats:)?title>",
                      re.IGNORECASE)
_DATES = ("issued", "published", "published-print", "published-online", "created")


def read_crossref_json(text: str, ctx: Context) -> Parsed:
    """Parse Crossref reply pages (a list, or one page) into records and rejects."""
    out = Parsed(source="Crossref API")
    for item in jp.items(text, ctx, SERVICE):
        work = item.value
        if not isinstance(work, dict) or not (jp.text(work.get("DOI")) or _title(work)):
            jp.reject(out, ctx, item, "a work with no DOI and no title", _HINT)
            continue
        out.records.append(_record(ctx, out.blocks + 1, item.line, work))
    return out


def _first(value: Any) -> str:
    """Crossref gives titles as lists: the first, its character references (``&amp;``,
    which Crossref's titles often hold) read."""
    found = jp.texts(value)
    return html.unescape(found[0]) if found else ""


def _title(work: dict[str, Any]) -> str:
    title, subtitle = _first(work.get("title")), _first(work.get("subtitle"))
    if subtitle and subtitle.casefold() not in title.casefold():
        return f"{title}: {subtitle}" if title else subtitle
    return title


def _names(people: Any) -> list[str]:
    names = []
    for person in people if isinstance(people, list) else []:
        family, given = jp.text(jp.get(person, "family")), jp.text(jp.get(person, "given"))
        name = f"{family}, {given}" if family and given else family or given
        name = name or jp.text(jp.get(person, "name"))
        if name:
            names.append(name)
    return names


def _year(work: dict[str, Any]) -> str:
    for key in _DATES:
        parts = jp.get(work, key, "date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = jp.text(parts[0][0])
            if year:
                return year
    return ""


def _abstract(value: Any) -> str:
    """The JATS abstract without its heading; its markup goes where every reader's does
    (:func:`~litreview.importers.markup.strip_markup`, when the record is built)."""
    return _HEADING.sub("", jp.text(value))


def _record(ctx: Context, position: int, line: int, work: dict[str, Any]) -> Record:
    doi = jp.text(work.get("DOI"))
    raw: dict[str, RawValue] = {
        "source_id": doi,
        "type": _TYPES.get(jp.text(work.get("type")).lower(), "other"),
        "title": _title(work),
        "authors": _names(work.get("author")) or _names(work.get("editor")),
        "year": _year(work),
        "journal": _first(work.get("container-title")),
        "volume": jp.text(work.get("volume")),
        "issue": jp.text(work.get("issue")),
        "pages": pages(jp.text(work.get("page"))) or jp.text(work.get("article-number")),
        "doi": doi,
        "abstract": _abstract(work.get("abstract")),
        "subjects": jp.texts(work.get("subject")),
        "language": jp.text(work.get("language")),
        "url": jp.text(work.get("URL")) or (f"https://doi.org/{doi}" if doi else ""),
    }
    return build_record(ctx, position, line, raw, jp.original_fields(work))
