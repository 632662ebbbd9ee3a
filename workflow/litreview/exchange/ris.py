"""RIS out: one ``TY``…``ER`` block per record, standard tags, CRLF line ends (as the RIS
specification has them; every reader takes LF too), read back by
:mod:`litreview.importers.ris`."""

from __future__ import annotations

from collections.abc import Iterable

from litreview.exchange.names import one_line, page_range
from litreview.exchange.selection import Exported

#: Record types → RIS ``TY``; what has no code of its own is ``GEN``.
RIS_TYPES = {"article": "JOUR", "book": "BOOK", "chapter": "CHAP", "report": "RPRT",
             "thesis": "THES", "conference": "CONF", "webpage": "ELEC",
             "document": "UNPB", "project": "GRANT"}


def ris_text(items: Iterable[Exported]) -> str:
    """The records as RIS, a blank line between them."""
    return "\r\n".join(_entry(item) for item in items)


def _entry(item: Exported) -> str:
    record = item.record
    kind = RIS_TYPES.get(record.type, "GEN")
    first, last = page_range(record.pages)
    tags: list[tuple[str, str]] = [("TY", kind)]
    tags += [("AU", name) for name in record.authors]
    tags.append(("TI", record.title))
    if record.journal:  # T2 is the container of every type; JO the journal's own tag
        tags += [("T2", record.journal)] + ([("JO", record.journal)] if kind == "JOUR" else [])
    tags += [("PY", record.year), ("VL", record.volume), ("IS", record.issue),
             ("SP", first), ("EP", last), ("DO", record.doi), ("AB", record.abstract)]
    tags += [("KW", word) for word in (*record.keywords, *item.tags())]
    tags += [("UR", record.url), ("LA", record.language), ("AN", record.source_id)]
    tags += [("N1", line) for line in item.note_lines()]
    lines = [f"{tag}  - {one_line(value)}" for tag, value in tags if one_line(value)]
    return "\r\n".join([*lines, "ER  - ", ""])
