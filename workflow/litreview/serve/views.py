"""A record as the screening page shows it: every field escaped, the highlighted terms
marked, its links checked to be web addresses, its full text found when there is one."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from markupsafe import Markup, escape

from litreview.core.records import Record

#: Where a review keeps the full texts it retrieved: ``<record_id>.pdf``.
FULLTEXT = "data/fulltext"
_WEB = re.compile(r"^https?://", re.IGNORECASE)

Segments = Callable[[str], Sequence[tuple[str, str]]]


class Marks(Protocol):
    """What highlights a record: free text, and headings (a strategy's headings match a
    record's whole heading, not words of its abstract)."""

    def segments(self, text: str) -> Sequence[tuple[str, str]]: ...

    def heading_segments(self, heading: str) -> Sequence[tuple[str, str]]: ...


def marked(text: str, segments: Segments | None) -> Markup:
    """``text`` escaped, its highlighted pieces in ``<mark class="KIND">``."""
    if not text:
        return Markup("")
    if segments is None:
        return escape(text)
    return Markup("").join(
        Markup('<mark class="{}">{}</mark>').format(kind, piece) if kind else escape(piece)
        for piece, kind in segments(text))


@dataclass(frozen=True, slots=True)
class RecordView:
    """What the page shows of one record."""

    record_id: str
    title: Markup
    abstract: Markup
    keywords: tuple[Markup, ...]
    subjects: tuple[Markup, ...]
    authors: str
    year: str
    journal: str
    sources: str
    doi_url: str
    url: str
    fulltext: str  # the app's address of the full text file, when the review has it
    score: float | None


def record_view(record: Record, marks: Marks | None, root: Path,
                score: float | None = None) -> RecordView:
    """The view of ``record``, its terms marked by ``marks`` (none: plain)."""
    text = marks.segments if marks else None
    heading = marks.heading_segments if marks else None
    doi = record.doi.strip()
    url = record.url.strip()
    return RecordView(
        record.record_id, marked(record.title or "(no title)", text),
        marked(record.abstract, text),
        tuple(marked(k, _either(text, heading)) for k in record.keywords),
        tuple(marked(s, heading) for s in record.subjects),
        "; ".join(record.authors), record.year, record.journal,
        dict(record.extra).get("sources", record.database),
        f"https://doi.org/{quote(doi, safe='/:;()')}" if doi else "",
        url if _WEB.match(url) else "",
        f"/fulltext/{quote(record.record_id, safe='')}" if fulltext_path(root, record.record_id)
        else "",
        score)


def _either(text: Segments | None, heading: Segments | None) -> Segments | None:
    """A keyword marked as words, or as a whole heading when its words are not (some
    databases export their index terms as keywords)."""
    if text is None or heading is None:
        return text

    def cut(value: str) -> Sequence[tuple[str, str]]:
        pieces = text(value)
        return pieces if any(kind for _, kind in pieces) else heading(value)
    return cut


def fulltext_path(root: Path, record_id: str) -> Path | None:
    """``data/fulltext/<record_id>.pdf`` when the review has it; never a path outside
    that folder, whatever the id says."""
    folder = (root / FULLTEXT).resolve()
    try:
        path = (folder / f"{record_id}.pdf").resolve()
        return path if path.parent == folder and path.is_file() else None
    except (ValueError, OSError):  # a NUL, a name too long: no such file
        return None
