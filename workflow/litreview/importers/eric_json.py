"""The ERIC API's JSON (``https://api.ies.ed.gov/eric/?search=…&format=json``): one
response ``{"response": {"numFound": N, "start": S, "docs": [...]}}``, or a list of them, one
per page, as ``litreview search run`` saves a search.

Fields: ``id`` (``EJ…``/``ED…``) → source_id, ``title``, ``author`` → authors,
``publicationdateyear`` → year, ``source`` → journal, ``description`` → abstract,
``subject`` → subjects (ERIC's descriptors), ``language``, ``publicationtype`` → type,
``url`` (else the record's page on eric.ed.gov), ``doi`` where given; every field kept in
the original. A record's line is the line of its ``id``. A response that is no ERIC
response is an error; a file holding fewer records than the search reported (a page saved
by hand, a search cut short) is read with a warning saying how many are missing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from litreview.core.errors import InputError, Problem
from litreview.core.records import Record
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed, RawValue
from litreview.importers.doctypes import type_from_name

_HINT = "save the ERIC API's JSON response as it came (format=json), or search again"


def read_eric_json(text: str, ctx: Context) -> Parsed:
    """Parse ERIC API JSON (one response or a list of pages) into records and rejects."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(Problem(ctx.source_file, f"not valid JSON: {error.msg} (the file may "
                                 "be cut short)", error.lineno, hint=_HINT)) from None
    out = Parsed(source="ERIC API")
    finder = _Lines(text)
    pages = data if isinstance(data, list) else [data]
    held, reported = 0, 0
    for number, page in enumerate(pages, start=1):
        docs = _docs(page, number, ctx)
        held += len(docs)
        reported = max(reported, _count(page["response"].get("numFound")))
        for doc in docs:
            line = finder.line_of(doc)
            if not isinstance(doc, dict) or not (_text(doc.get("id")) or
                                                 _text(doc.get("title"))):
                out.reject(Problem(ctx.source_file, f"page {number}: a document with no id and "
                                   "no title", line, hint=_HINT), json.dumps(doc)[:2000])
                continue
            out.records.append(_record(ctx, out.blocks + 1, line, doc))
    if held < reported:
        ctx.warn(Problem(ctx.source_file, f"the search reported {reported} records; this file "
                         f"holds {held} (its {len(pages)} page(s) leave {reported - held} out)",
                         hint="litreview search run saves every page of a search"))
    return out


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _docs(page: Any, number: int, ctx: Context) -> list[Any]:
    """The documents of one response, which must be an ERIC (Solr) response."""
    response = page.get("response") if isinstance(page, dict) else None
    docs = response.get("docs") if isinstance(response, dict) else None
    if not isinstance(docs, list):
        raise InputError(Problem(ctx.source_file, f"page {number} is not an ERIC API response "
                                 "(no response.docs)", hint=_HINT))
    return docs


class _Lines:
    """The line of each document's ``"id"``, found in order through the text."""

    def __init__(self, text: str):
        self.text = text
        self.at = 0
        self.line = 1

    def line_of(self, doc: Any) -> int:
        ident = doc.get("id") if isinstance(doc, dict) else None
        if not isinstance(ident, str):
            return self.line
        found = self.text.find(json.dumps(ident), self.at)
        if found < 0:
            return self.line
        self.line += self.text.count("\n", self.at, found)
        self.at = found
        return self.line


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _texts(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [t for t in map(_text, values) if t]


def _type(kinds: Sequence[str]) -> str:
    """ERIC's publication types (``Journal Articles``, ``Reports - Research``…): a journal
    article is an article whatever else it is; else the first that maps."""
    if "Journal Articles" in kinds:
        return "article"
    return next((k for k in map(type_from_name, kinds) if k != "other"), "other")


def _record(ctx: Context, position: int, line: int, doc: dict[str, Any]) -> Record:
    ident = _text(doc.get("id"))
    raw: dict[str, RawValue] = {
        "source_id": ident,
        "type": _type(_texts(doc.get("publicationtype"))),
        "title": _text(doc.get("title")),
        "authors": _texts(doc.get("author")),
        "year": _text(doc.get("publicationdateyear")),
        "journal": _text(doc.get("source")),
        "doi": _text(doc.get("doi")),
        "abstract": _text(doc.get("description")),
        "subjects": _texts(doc.get("subject")),
        "language": "; ".join(_texts(doc.get("language"))),
        "url": _text(doc.get("url")) or (f"https://eric.ed.gov/?id={ident}" if ident else ""),
    }
    original = {key: _texts(value) for key, value in doc.items()}
    return build_record(ctx, position, line, raw, original)

