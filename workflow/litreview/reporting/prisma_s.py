"""PRISMA-S (Rethlefsen et al. 2021): each source's search as it was run, in one table
(``results/search/prisma_s.csv``): where and when, the exact query as sent, its limits,
the records the service reported and those received, and the files they came in.

The query of a database is its strategy as typed into the host (the strategy file's lines,
its header aside), or, for a search litreview sent itself, the query its record
(``<db>_<date>.search.json``, beside the export) says was sent. The count reported is that
record's, or the strategy header's ``results:`` line (the count the host showed for the
final search); the count received is the records imported from the source's files."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.core.review import (
    STRATEGY_HEADER,
    Limits,
    Review,
    Source,
    header_field,
    search_date,
    search_records,
)

PRISMA_S_COLUMNS = ("source", "kind", "platform", "searched", "query", "limits", "reported",
                    "received", "files")


@dataclass(frozen=True, slots=True)
class SearchRun:
    """One source's search, as PRISMA-S reports it."""

    source: str
    kind: str
    platform: str
    searched: str
    query: str
    limits: str
    reported: str  # "" when neither the host nor a sidecar said
    received: int
    files: tuple[tuple[str, int], ...]  # each file read, with the records it gave

    def row(self) -> list[object]:
        return [self.source, self.kind.replace("_", " "), self.platform, self.searched,
                self.query, self.limits, self.reported, self.received,
                "; ".join(f"{file} ({n})" for file, n in self.files)]


def strategy_query(text: str) -> str:
    """A strategy file's search lines as typed, its header (``key: value`` lines before
    the first blank or search line) left out."""
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or (
            not lines[start].lstrip().startswith("#")
            and STRATEGY_HEADER.match(lines[start].strip()))):
        start += 1
    return "\n".join(line.rstrip() for line in lines[start:]).strip()


def limits_text(limits: Limits) -> str:
    """The limits as a strategy header writes them."""
    parts = [f"years {limits.years[0]}-{limits.years[1]}"] if limits.years else []
    parts += [f"language {', '.join(limits.language)}"] if limits.language else []
    parts += [f"document type {', '.join(limits.document_types)}"] if limits.document_types \
        else []
    parts += [f"added since {limits.since}"] if limits.since else []
    return "; ".join(parts)


def read_sidecar(path: Path) -> dict[str, object]:
    """What a search litreview sent recorded beside its export; a located error when it
    cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(Problem(str(path), f"the search's record cannot be read ({error})",
                                 hint="restore it from the copy the search saved, or "
                                      "delete the export and run the search again")) from None
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), "the search's record is not a JSON object"))
    return data


def search_runs(review: Review, root: Path, received: Mapping[str, Counter[str]]
                ) -> list[SearchRun]:
    """Every search of every source, one a source and search date (an update searches a
    database again): ``received`` counts each source's records (by slug) per file they
    came from (the records files' ``source_file``)."""
    return [run for source in review.sources
            for run in _runs(source, root, received.get(source.slug, Counter()))]


def _runs(source: Source, root: Path, files: Counter[str]) -> list[SearchRun]:
    """The source's searches, by date: the files dated that day and the record of the API
    search made that day, if any."""
    default = source.searched or source.closes
    sidecars = {str(s.get("date", "")) or default: s for s in
                (read_sidecar(root / file) for file in search_records(source, root))}
    by_date: dict[str, Counter[str]] = {}
    for file, n in files.items():
        by_date.setdefault(search_date(file, default), Counter())[file] = n
    text = (root / source.strategy).read_text(encoding="utf-8-sig") \
        if source.strategy and (root / source.strategy).is_file() else ""
    dates = sorted(set(by_date) | set(sidecars)) or [default]
    runs = []
    for date in dates:
        sidecar = sidecars.get(date)
        query, limits, reported = _what_was_searched(source, text, sidecar)
        if sidecar is None and date != (source.searched or date) and len(dates) > 1:
            reported = ""  # the header's count is that of the search on its searched: date
        found = by_date.get(date, Counter())
        runs.append(SearchRun(source.name, source.kind, source.host or str(
            (sidecar or {}).get("service", "")), date, query, limits, reported,
            sum(found.values()), tuple(sorted(found.items()))))
    return runs


def _what_was_searched(source: Source, text: str, sidecar: Mapping[str, object] | None
                       ) -> tuple[str, str, str]:
    """The query as sent, the limits and the count reported: by the search's record when
    the search was litreview's own, else by the strategy file and review.yaml."""
    header_limits = header_field(text, "limits") if text else None
    limits = header_limits[0] if header_limits else limits_text(source.limits)
    if sidecar is not None:
        since = sidecar.get("since")
        return (str(sidecar.get("query", "")), limits + (f"; added since {since}" if since
                                                        else ""), str(sidecar.get("reported", "")))
    if text:
        results = header_field(text, "results")
        return strategy_query(text), limits, results[0] if results else ""
    if source.kind == "call_for_evidence" and source.outlets:
        return (f"call for evidence in {', '.join(source.outlets)}"
                + (f", {source.opens} to {source.closes}" if source.opens else "")), limits, ""
    return source.description, limits, ""
