"""Europe PMC's JSON (``…/europepmc/webservices/rest/search?…&format=json``): reply pages
``{"version": …, "hitCount": N, "nextCursorMark": …, "request": {…},
"resultList": {"result": [Result, …]}}``, a list of them as ``litreview search run`` saves
them, or one page alone.

A result's ``source:id`` (``MED:39709209``, ``PPR:…``) is its source_id; ``title``,
``authorList`` (``lastName, firstName``, a group's ``collectiveName``; else
``authorString``), the journal's title, volume and issue (``journalInfo``, or the flat
fields of ``resultType=lite``), the year of publication, ``pageInfo``, ``doi``,
``abstractText`` (its HTML removed), ``keywordList``, MeSH descriptors as subjects,
``language``, ``pubTypeList`` as type and the record's page on europepmc.org. Every other
field is kept in the original ones. A result with no id and no title is a located reject.
"""

from __future__ import annotations

from typing import Any

from litreview.core.records import Record
from litreview.importers import json_pages as jp
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed, RawValue
from litreview.importers.doctypes import type_from_name
from litreview.importers.fields import pages

_HINT = "save Europe PMC's JSON replies as they came (format=json), or search again"
SERVICE = jp.Service("Europe PMC", ("resultList", "result"), ("hitCount",), _HINT)
#: Europe PMC's sources that say what a record is, whatever its publication types.
_SOURCE_TYPES = {"PPR": "article", "ETH": "thesis", "PAT": "document"}


def read_europepmc_json(text: str, ctx: Context) -> Parsed:
    """Parse Europe PMC reply pages (a list, or one page) into records and rejects."""
    out = Parsed(source="Europe PMC API")
    for item in jp.items(text, ctx, SERVICE):
        result = item.value
        if not isinstance(result, dict) or not (jp.text(result.get("id")) or
                                                jp.text(result.get("title"))):
            jp.reject(out, ctx, item, "a result with no id and no title", _HINT)
            continue
        out.records.append(_record(ctx, out.blocks + 1, item.line, result))
    return out


def _authors(result: dict[str, Any]) -> list[str]:
    names = []
    for author in jp.get(result, "authorList", "author") or []:
        last = jp.text(jp.get(author, "lastName"))
        first = jp.text(jp.get(author, "firstName")) or jp.text(jp.get(author, "initials"))
        name = f"{last}, {first}" if last and first else last
        name = name or jp.text(jp.get(author, "collectiveName")) or \
            jp.text(jp.get(author, "fullName"))
        if name:
            names.append(name)
    if names:
        return names
    listed = jp.text(result.get("authorString")).rstrip(".")
    return [name.strip() for name in listed.split(", ") if name.strip()]


def _type(result: dict[str, Any], journal: str) -> str:
    source = jp.text(result.get("source")).upper()
    if source in _SOURCE_TYPES:
        return _SOURCE_TYPES[source]
    kinds = [type_from_name(k) for k in jp.texts(jp.get(result, "pubTypeList", "pubType"))
             + jp.texts(result.get("pubType"))]
    if journal and ("article" in kinds or not any(k != "other" for k in kinds)):
        return "article"  # a "Review" or "Randomized Controlled Trial" in a journal
    return next((k for k in kinds if k != "other"), "other")


def _record(ctx: Context, position: int, line: int, result: dict[str, Any]) -> Record:
    info = result.get("journalInfo") if isinstance(result.get("journalInfo"), dict) else {}
    journal = jp.text(jp.get(info, "journal", "title")) or jp.text(result.get("journalTitle"))
    source, ident = jp.text(result.get("source")), jp.text(result.get("id"))
    raw: dict[str, RawValue] = {
        "source_id": f"{source}:{ident}" if source and ident else ident,
        "type": _type(result, journal),
        "title": jp.text(result.get("title")),
        "authors": _authors(result),
        "year": jp.text(info.get("yearOfPublication")) or jp.text(result.get("pubYear")),
        "journal": journal,
        "volume": jp.text(info.get("volume")) or jp.text(result.get("journalVolume")),
        "issue": jp.text(info.get("issue")) or jp.text(result.get("issue")),
        "pages": pages(jp.text(result.get("pageInfo"))),
        "doi": jp.text(result.get("doi")),
        "abstract": jp.text(result.get("abstractText")),
        "keywords": jp.texts(jp.get(result, "keywordList", "keyword")),
        "subjects": jp.names(jp.get(result, "meshHeadingList", "meshHeading"),
                             "descriptorName"),
        "language": jp.text(result.get("language")),
        "url": f"https://europepmc.org/article/{source}/{ident}" if source and ident else "",
    }
    return build_record(ctx, position, line, raw, jp.original_fields(result))
