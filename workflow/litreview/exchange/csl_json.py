"""CSL-JSON out: the citeproc JSON array (the CSL 1.0 schema's variables) that Zotero,
Mendeley, pandoc and citeproc processors read. Keywords are one ``keyword`` string joined
with ``"; "`` (a keyword may hold a comma); the databases go in ``source``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from litreview.exchange.names import person_name, xml_safe
from litreview.exchange.selection import Exported

#: Record types → CSL types.
CSL_TYPES = {"article": "article-journal", "book": "book", "chapter": "chapter",
             "report": "report", "thesis": "thesis", "conference": "paper-conference",
             "webpage": "webpage"}


def csl_json_text(items: Iterable[Exported]) -> str:
    """The records as a CSL-JSON array, keys in a fixed order, UTF-8 unescaped."""
    return json.dumps([_item(item) for item in items], ensure_ascii=False, indent=2) + "\n"


def csl_name(name: str) -> dict[str, str]:
    """``{"family", "given"}`` for a person, ``{"literal"}`` for a name written whole."""
    parts = person_name(name)
    return {"family": parts[0], "given": parts[1]} if parts else {"literal": name}


def _item(item: Exported) -> dict[str, Any]:
    record = item.record
    out: dict[str, Any] = {"id": record.record_id,
                           "type": CSL_TYPES.get(record.type, "document")}
    fields: list[tuple[str, Any]] = [
        ("title", record.title),
        ("author", [csl_name(name) for name in record.authors]),
        ("issued", {"date-parts": [[int(record.year)]]} if record.year.isdigit() else None),
        ("container-title", record.journal), ("volume", record.volume),
        ("issue", record.issue), ("page", record.pages), ("DOI", record.doi),
        ("abstract", record.abstract),
        ("keyword", "; ".join((*record.keywords, *item.tags()))),
        ("URL", record.url), ("language", record.language),
        ("source", "; ".join(item.databases)),
        ("note", "\n".join(item.note_lines())),
    ]
    for key, value in fields:
        if value:
            out[key] = _safe(value)
    return out


def _safe(value: Any) -> Any:
    return xml_safe(value) if isinstance(value, str) else value
