"""Find the records that are one work exported by several databases, and merge them.

Two records are the same work when they share a DOI, or when their normalised titles
and years are equal and no DOI says otherwise. Pairs with near-identical titles that
these rules do not join are listed as uncertain for a person to decide; a reviewer's
pair sheet (``same``/``different``) overrides the rules either way.

The first member of a group in input order (databases in config order, then other
sources; files and positions in order) lends the group its ``record_id``, so ids stay
put when a later search adds members.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from rapidfuzz import fuzz

from litreview.records import Record, normalise_title

#: Titles shorter than this many words are too generic to match on title alone.
MIN_TITLE_WORDS = 3
UNCERTAIN_SCORE = 90.0
UNIQUE_EXTRA_COLUMNS = ("sources", "members")


@dataclass(frozen=True, slots=True)
class PairDecision:
    a: str
    b: str
    same: bool


@dataclass(frozen=True, slots=True)
class UncertainPair:
    a: str
    b: str
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Dedupe:
    groups: dict[str, str]  # record_id -> group_id (the representative's record_id)
    unique: list[Record]
    uncertain: list[UncertainPair]


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:  # the earlier record stays the root, so it represents the group
            self.parent[max(a, b)] = min(a, b)


def _title_key(record: Record) -> str:
    key = normalise_title(record.title)
    return key if len(key.split()) >= MIN_TITLE_WORDS else ""


def _conflict(a: Record, b: Record) -> bool:
    return bool(a.doi and b.doi and a.doi != b.doi)


def deduplicate(records: Sequence[Record], decisions: Sequence[PairDecision] = ()) -> Dedupe:
    """Group duplicates; ``records`` must be in representative-priority order."""
    index = {r.record_id: i for i, r in enumerate(records)}
    different = {frozenset((d.a, d.b)) for d in decisions if not d.same}
    uf = _UnionFind(len(records))

    def join(i: int, j: int) -> None:
        if frozenset((records[i].record_id, records[j].record_id)) not in different:
            uf.union(i, j)

    by_doi: dict[str, list[int]] = defaultdict(list)
    by_title: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if record.doi:
            by_doi[record.doi].append(i)
        if (key := _title_key(record)) and record.year:
            by_title[(key, record.year)].append(i)
    for members in by_doi.values():
        for j in members[1:]:
            join(members[0], j)
    uncertain: list[UncertainPair] = []
    for members in by_title.values():
        for i, j in combinations(members, 2):
            if _conflict(records[i], records[j]):
                uncertain.append(UncertainPair(records[i].record_id, records[j].record_id,
                                               100.0, "same title and year, different DOIs"))
            else:
                join(i, j)
    for decision in decisions:
        if decision.same and decision.a in index and decision.b in index:
            uf.union(index[decision.a], index[decision.b])
    uncertain += _near_titles(records, uf, different)

    members_of: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        members_of[uf.find(i)].append(i)
    groups = {records[i].record_id: records[uf.find(i)].record_id for i in range(len(records))}
    unique = [merge([records[i] for i in members_of[root]]) for root in sorted(members_of)]
    first_reason: dict[tuple[str, str], UncertainPair] = {}
    for pair in uncertain:
        if groups[pair.a] != groups[pair.b]:
            first_reason.setdefault((pair.a, pair.b), pair)
    return Dedupe(groups, unique, [first_reason[k] for k in sorted(first_reason)])


def _near_titles(records: Sequence[Record], uf: _UnionFind,
                 different: set[frozenset[str]]) -> list[UncertainPair]:
    """Pairs in one year with near-identical titles that the rules did not join."""
    by_year: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if record.title:
            by_year[record.year].append(i)
    out = []
    for members in by_year.values():
        keys = [normalise_title(records[i].title) for i in members]
        for (i, a), (j, b) in combinations(zip(members, keys, strict=True), 2):
            if uf.find(i) == uf.find(j):
                continue
            ids = frozenset((records[i].record_id, records[j].record_id))
            if ids in different:
                continue
            score = fuzz.token_sort_ratio(a, b)
            if score >= UNCERTAIN_SCORE:
                out.append(UncertainPair(records[i].record_id, records[j].record_id,
                                         round(score, 1), "near-identical titles, same year"))
    return out


def _best(values: Sequence[str], name: str) -> str:
    """The first member's value, unless a later member's is clearly richer."""
    present = [v for v in values if v]
    if not present:
        return ""
    if name == "abstract":
        return max(present, key=len)
    if name in ("title", "journal"):
        mixed = [v for v in present if not v.isupper()]
        return (mixed or present)[0]
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
    values["authors"] = next((m.authors for m in members if m.authors), ())
    for name in ("keywords", "subjects"):  # the union, in the order met, case-insensitively
        union: dict[str, str] = {}
        for member in members:
            for value in getattr(member, name):
                union.setdefault(value.casefold(), value)
        values[name] = tuple(union.values())
    sources = "; ".join(dict.fromkeys(m.database for m in members))
    extra = (("sources", sources), ("members", "; ".join(m.record_id for m in members)))
    return replace(first, **values, extra=extra)  # type: ignore[arg-type]


def groups_csv(groups: dict[str, str], records: Sequence[Record]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["record_id", "group_id", "database"])
    for record in records:
        writer.writerow([record.record_id, groups[record.record_id], record.database])
    return buffer.getvalue()


def uncertain_csv(pairs: Sequence[UncertainPair], records: Sequence[Record]) -> str:
    by_id = {r.record_id: r for r in records}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["record_a", "record_b", "score", "reason", "title_a", "title_b",
                     "year_a", "year_b"])
    for p in pairs:
        a, b = by_id[p.a], by_id[p.b]
        writer.writerow([p.a, p.b, f"{p.score:.1f}", p.reason, a.title, b.title, a.year, b.year])
    return buffer.getvalue()


def overlap_csv(groups: dict[str, str], records: Sequence[Record],
                sources: Sequence[str]) -> str:
    """Per source: records, unique works, works found only there, works shared with each other."""
    works: dict[str, set[str]] = defaultdict(set)  # source -> group ids
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        works[record.database].add(groups[record.record_id])
        counts[record.database] += 1
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["source", "records", "works", "only_here", *sources])
    for source in sources:
        others = set().union(*(works[o] for o in sources if o != source))
        shared = [len(works[source] & works[o]) if o != source else len(works[source])
                  for o in sources]
        writer.writerow([source, counts[source], len(works[source]),
                         len(works[source] - others), *shared])
    return buffer.getvalue()


def read_pair_decisions(path: str) -> list[PairDecision]:
    """A reviewer's sheet with columns ``record_a, record_b, decision`` (same|different)."""
    from litreview.errors import InputError, Problem

    problems = []
    out = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for line, row in enumerate(reader, start=2):
            decision = (row.get("decision") or "").strip().lower()
            if decision not in ("same", "different"):
                problems.append(Problem(path, f"decision '{decision}' is not same|different",
                                        line))
                continue
            out.append(PairDecision(row["record_a"].strip(), row["record_b"].strip(),
                                    decision == "same"))
    if problems:
        raise InputError(problems)
    return out
