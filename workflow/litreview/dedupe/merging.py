"""One record per group of duplicates: the richest value of each field, every member's
provenance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from litreview.core.records import Record
from litreview.dedupe.folding import fold


def _richest_title(values: Sequence[str]) -> str:
    """The first member's title, unless another is a fuller form of it (not all capitals)."""
    present = [v for v in values if v]
    if not present:
        return ""
    cased = [v for v in present if not v.isupper()] or present
    best = cased[0]
    folded = fold(best)
    for value in cased[1:]:
        other = fold(value)
        if len(other) > len(folded) and other.startswith(folded) and "[" not in value:
            best, folded = value, other
    return best


def _best(values: Sequence[str], name: str) -> str:
    """The first member's value, unless a later member's is clearly richer."""
    present = [v for v in values if v]
    if not present:
        return ""
    if name == "abstract":
        return max(present, key=len)
    if name == "title":
        return _richest_title(present)
    if name == "journal":
        cased = [v for v in present if not v.isupper()] or present
        return max(cased, key=lambda v: (len(fold(v).split()), len(v), -cased.index(v)))
    if name == "pages":
        ranges = [v for v in present if "-" in v]
        return (ranges or present)[0]
    return present[0]


def merge(members: Sequence[Record]) -> Record:
    """One record for a group: the best value of each field, every member's provenance."""
    first = members[0]
    if len(members) == 1:
        return replace(first, extra=(("sources", first.database), ("members", first.record_id)))
    values: dict[str, object] = {
        name: _best([getattr(m, name) for m in members], name)
        for name in ("title", "year", "journal", "volume", "issue", "pages", "doi",
                     "abstract", "language", "url")
    }
    values["type"] = next((m.type for m in members if m.type != "other"), first.type)
    longest = max(len(m.authors) for m in members)
    values["authors"] = next(m.authors for m in members if len(m.authors) == longest)
    for name in ("keywords", "subjects"):  # the union, in the order met, case-insensitively
        union: dict[str, str] = {}
        for member in members:
            for value in getattr(member, name):
                union.setdefault(value.casefold(), value)
        values[name] = tuple(union.values())
    sources = "; ".join(dict.fromkeys(m.database for m in members))
    extra = (("sources", sources), ("members", "; ".join(m.record_id for m in members)))
    return replace(first, **values, extra=extra)  # type: ignore[arg-type]

