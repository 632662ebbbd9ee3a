"""OpenAlex's JSON (``https://api.openalex.org/works?…``): reply pages
``{"meta": {"count": N, "next_cursor": …}, "results": [Work, …]}``, a list of them as
``litreview search run`` and citation chasing save them, or one page (or one Work) alone.

A Work's ``id`` (``https://openalex.org/W…``) gives source_id ``W…``; ``title`` (else
``display_name``), ``authorships`` (the author's display name turned ``Family, Given``,
else the raw name as printed), ``publication_year``, the primary location's source, ``biblio``'s
volume, issue and pages, ``doi`` (bare), the abstract rebuilt in word order from
``abstract_inverted_index``, ``keywords``, MeSH and topics (else concepts) as subjects,
``language`` and ``type`` (an article in a conference's proceedings is a conference paper).
Every other field is kept in the original ones; the inverted index, being the abstract, is
not. An item that is no Work (no id and no title) is a located reject.
"""

from __future__ import annotations

import re
from typing import Any

from litreview.core.records import Record
from litreview.importers import json_pages as jp
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed, RawValue
from litreview.importers.fields import pages

_HINT = "save OpenAlex's JSON replies as they came (a list of pages), or search again"
SERVICE = jp.Service("OpenAlex", ("results",), ("meta", "count"), _HINT,
                     single=lambda page: isinstance(page, dict) and "results" not in page
                     and str(page.get("id", "")).startswith("https://openalex.org/W"))

#: OpenAlex's work types (and the Crossref ones older replies gave) → DOCUMENT_TYPES.
_TYPES = {
    **dict.fromkeys(("article", "review", "letter", "editorial", "erratum", "preprint",
                     "retraction", "journal-article", "posted-content"), "article"),
    **dict.fromkeys(("book-chapter", "reference-entry", "book-part", "book-section"),
                    "chapter"),
    **dict.fromkeys(("book", "monograph", "edited-book"), "book"),
    "report": "report", "dissertation": "thesis", "proceedings-article": "conference",
    **dict.fromkeys(("standard", "peer-review"), "document"), "grant": "project",
}
#: Words that belong to the family name that follows them (``Ludwig van Beethoven``).
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "das", "dos", "du", "del",
                        "della", "di", "la", "le", "ter", "ten", "bin", "al", "el", "zu"})
#: Words that make a name an organisation's (``Department for Education``): not turned.
_ORGANISATION = frozenset({"for", "of", "and", "the", "&", "on", "in"})
_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)


def read_openalex_json(text: str, ctx: Context) -> Parsed:
    """Parse OpenAlex reply pages (a list, or one page) into records and rejects."""
    out = Parsed(source="OpenAlex API")
    for item in jp.items(text, ctx, SERVICE):
        work = item.value
        if not isinstance(work, dict) or not (jp.text(work.get("id")) or _title(work)):
            jp.reject(out, ctx, item, "a result with no id and no title", _HINT)
            continue
        out.records.append(_record(ctx, out.blocks + 1, item.line, work))
    return out


def abstract(index: Any) -> str:
    """The abstract from an inverted index (``{"word": [positions]}``), in word order."""
    if not isinstance(index, dict):
        return ""
    placed = sorted((position, word) for word, positions in index.items()
                    if isinstance(positions, list) for position in positions
                    if isinstance(position, int))
    return " ".join(word for _, word in placed)


def family_first(name: str) -> str:
    """``"Ludwig van Beethoven"`` → ``"van Beethoven, Ludwig"``: OpenAlex's display names
    put the given names first; a name with a comma, or of one word, stays as it is."""
    words = name.split()
    if "," in name or len(words) < 2 or _ORGANISATION.intersection(w.lower() for w in words):
        return name.strip()
    suffix = words.pop() if len(words) > 2 and _SUFFIX.match(words[-1]) else ""
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    given = " ".join(words[:start] + ([suffix] if suffix else []))
    return f"{' '.join(words[start:])}, {given}"


def _title(work: dict[str, Any]) -> str:
    return jp.text(work.get("title")) or jp.text(work.get("display_name"))


def _authors(work: dict[str, Any]) -> list[str]:
    names = []
    for authorship in work.get("authorships") or []:
        name = jp.text(jp.get(authorship, "author", "display_name"))
        raw = jp.text(jp.get(authorship, "raw_author_name"))  # as the work printed it
        if name or raw:
            names.append(family_first(name) if name else raw)
    return names


def _type(work: dict[str, Any]) -> str:
    kind = _TYPES.get(jp.text(work.get("type")).lower(), "other")
    venue = jp.text(jp.get(work, "primary_location", "source", "type")).lower()
    return "conference" if kind == "article" and venue == "conference" else kind


def _subjects(work: dict[str, Any]) -> list[str]:
    mesh = jp.names(work.get("mesh"), "descriptor_name")
    topics = jp.names(work.get("topics"), "display_name")
    return mesh + (topics or jp.names(work.get("concepts"), "display_name"))


def _record(ctx: Context, position: int, line: int, work: dict[str, Any]) -> Record:
    biblio = work.get("biblio") if isinstance(work.get("biblio"), dict) else {}
    location = work.get("primary_location") if isinstance(work.get("primary_location"),
                                                          dict) else {}
    raw: dict[str, RawValue] = {
        "source_id": jp.text(work.get("id")) or jp.text(jp.get(work, "ids", "openalex")),
        "type": _type(work),
        "title": _title(work),
        "authors": _authors(work),
        "year": jp.text(work.get("publication_year")) or jp.text(work.get("publication_date")),
        "journal": jp.text(jp.get(location, "source", "display_name")),
        "volume": jp.text(biblio.get("volume")),
        "issue": jp.text(biblio.get("issue")),
        "pages": pages(jp.text(biblio.get("first_page")), jp.text(biblio.get("last_page"))),
        "doi": jp.text(work.get("doi")) or jp.text(jp.get(work, "ids", "doi")),
        "abstract": abstract(work.get("abstract_inverted_index")),
        "keywords": jp.names(work.get("keywords"), "display_name") or
        jp.names(work.get("keywords"), "keyword"),
        "subjects": _subjects(work),
        "language": jp.text(work.get("language")),
        "url": jp.text(location.get("landing_page_url")) or jp.text(work.get("id")),
    }
    original = jp.original_fields(work, frozenset({"abstract_inverted_index"}))
    return build_record(ctx, position, line, raw, original)
