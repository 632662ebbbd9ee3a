"""CSL-JSON (citeproc JSON): one array of items, as Zotero, Mendeley, pandoc, Crossref's
content negotiation and ``litreview export --to csl-json`` write it.

An item's ``id`` is its source_id unless it is a citation key made from author and year
(``smith2020``), which names no record; ``type`` is mapped to the project's vocabulary (CSL's
generic ``document`` is "other"); ``title``, ``author`` (``family, given`` with the name's
particles and suffix, or a ``literal`` name; editors when there is no author), the year
``issued``, ``container-title``, ``volume``, ``issue``, ``page``, ``DOI``, ``abstract``,
``keyword`` (one string, ``;``-separated), ``URL`` and ``language``. Every field is kept in
the original ones (``note`` and ``source`` among them). An item that is no object, or has
neither id nor title, is a located reject.
"""

from __future__ import annotations

from typing import Any

from litreview.core.records import Record
from litreview.importers import json_pages as jp
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed, RawValue
from litreview.importers.fields import citation_key, pages

_HINT = "export the references again as CSL JSON (an array of items)"
#: CSL's item types → DOCUMENT_TYPES.
_TYPES = {
    **dict.fromkeys(("article-journal", "article-magazine", "article-newspaper", "article",
                     "review", "review-book"), "article"),
    "book": "book", "report": "report", "thesis": "thesis",
    **dict.fromkeys(("chapter", "entry", "entry-dictionary", "entry-encyclopedia"),
                    "chapter"),
    "paper-conference": "conference",
    **dict.fromkeys(("webpage", "post", "post-weblog"), "webpage"),
    **dict.fromkeys(("manuscript", "pamphlet", "personal_communication", "interview",
                     "patent", "legal_case", "legislation", "bill", "standard", "regulation",
                     "hearing", "treaty"), "document"),
}


def read_csl_json(text: str, ctx: Context) -> Parsed:
    """Parse a CSL-JSON array into records and rejects."""
    out = Parsed(source="CSL-JSON")
    for item in jp.located_items(text, ctx, _HINT, "CSL-JSON"):
        value = item.value
        if not isinstance(value, dict) or not (jp.text(value.get("id")) or
                                               _text(value.get("title"))):
            jp.reject(out, ctx, item, "an item with no id and no title", _HINT)
            continue
        out.records.append(_record(ctx, out.blocks + 1, item.line, value))
    return out


def _text(value: Any) -> str:
    """A variable's text; a list (Crossref writes ``container-title`` as one) gives its first."""
    if isinstance(value, list):
        return next(iter(jp.texts(value)), "")
    return jp.text(value)


def _name(person: Any) -> str:
    literal = jp.text(jp.get(person, "literal"))
    if literal:
        return literal
    family = " ".join(jp.texts([jp.get(person, "non-dropping-particle"),
                                jp.get(person, "family")]))
    given = " ".join(jp.texts([jp.get(person, "given"), jp.get(person, "dropping-particle")]))
    suffix = jp.text(jp.get(person, "suffix"))
    name = f"{family}, {given}" if family and given else family or given
    return f"{name}, {suffix}" if name and suffix else name


def _names(people: Any) -> list[str]:
    return [n for n in map(_name, people if isinstance(people, list) else []) if n]


def _year(item: dict[str, Any]) -> str:
    issued = item.get("issued")
    parts = jp.get(issued, "date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return jp.text(parts[0][0])
    return jp.text(jp.get(issued, "raw")) or jp.text(jp.get(issued, "literal")) or \
        jp.text(issued)


def _record(ctx: Context, position: int, line: int, item: dict[str, Any]) -> Record:
    ident = jp.text(item.get("id"))
    raw: dict[str, RawValue] = {
        "source_id": "" if citation_key(ident) else ident,
        "type": _TYPES.get(jp.text(item.get("type")).lower(), "other"),
        "title": _text(item.get("title")),
        "authors": _names(item.get("author")) or _names(item.get("editor")),
        "year": _year(item),
        "journal": _text(item.get("container-title")),
        "volume": _text(item.get("volume")),
        "issue": _text(item.get("issue")),
        "pages": pages(_text(item.get("page"))),
        "doi": _text(item.get("DOI")),
        "abstract": _text(item.get("abstract")),
        "keywords": _text(item.get("keyword")),
        "language": _text(item.get("language")),
        "url": _text(item.get("URL")),
    }
    return build_record(ctx, position, line, raw, jp.original_fields(item))
