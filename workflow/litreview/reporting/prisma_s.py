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
from collections.abc import Mapping, Sequence
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
    """Every source's search: ``received`` counts each source's records (by slug) per
    file they came from (the records files' ``source_file``)."""
    return [_run(source, root, received.get(source.slug, Counter()))
            for source in review.sources]


def _run(source: Source, root: Path, files: Counter[str]) -> SearchRun:
    sidecars = [read_sidecar(root / file) for file in search_records(source, root)]
    text = (root / source.strategy).read_text(encoding="utf-8-sig") \
        if source.strategy and (root / source.strategy).is_file() else ""
    query, limits, reported = _what_was_searched(source, text, sidecars)
    dated = {search_date(file, source.searched or source.closes) for file in files}
    searched = "; ".join(sorted({str(s.get("date", "")) for s in sidecars} | dated - {""})) \
        or source.searched or source.closes
    return SearchRun(source.name, source.kind, source.host or _services(sidecars), searched,
                     query, limits, reported, sum(files.values()), tuple(sorted(files.items())))


def _what_was_searched(source: Source, text: str, sidecars: Sequence[Mapping[str, object]]
                       ) -> tuple[str, str, str]:
    """The query as sent, the limits and the count reported, by the sidecars when the
    search was litreview's own, else by the strategy file and review.yaml."""
    header_limits = header_field(text, "limits") if text else None
    limits = header_limits[0] if header_limits else limits_text(source.limits)
    if sidecars:
        queries = list(dict.fromkeys(str(s.get("query", "")) for s in sidecars))
        reported = [s.get("reported") for s in sidecars]
        total = sum(int(n) for n in reported if isinstance(n, int | str) and str(n).isdigit())
        return "\n".join(q for q in queries if q), limits, str(total)
    if text:
        results = header_field(text, "results")
        return strategy_query(text), limits, results[0] if results else ""
    if source.kind == "call_for_evidence" and source.outlets:
        return (f"call for evidence in {', '.join(source.outlets)}"
                + (f", {source.opens} to {source.closes}" if source.opens else "")), limits, ""
    return source.description, limits, ""


def _services(sidecars: Sequence[Mapping[str, object]]) -> str:
    return "; ".join(dict.fromkeys(str(s.get("service", "")) for s in sidecars if
                                   s.get("service")))
