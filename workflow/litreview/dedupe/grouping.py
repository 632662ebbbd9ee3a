"""Find the records that are one work exported by several databases, and merge them.

1. **Blocking.** Only records that share a cheap key are compared: the DOI, the start or
   end of the title, first author with year or with the title's start, volume with first
   page, year with first page. Cost grows with the records, not with their pairs: a key
   shared by many records ("page 1 of 2010") yields only the pairs of records near each
   other in title order.
2. **Verdicts.** :func:`litreview.dedupe.rules.judge` weighs each pair: firm vetoes for
   what proves two works, weak ones (fields exports garble) that enough agreeing evidence
   outweighs, named positive rules that need independent fields to agree; each verdict
   names its rule.
3. **Groups.** Pairs judged the same join groups, surest first; a join that would put two
   records judged different into one group is refused, so groups never chain across a
   veto (a year gap excepted when a third member of one record's year is judged the same
   as both: the group already spans those years). A reviewer's pair sheet
   (``same``/``different``) overrides every rule.
4. **Merge.** One record per group with the richest value of each field and the
   provenance of every member.

The first member of a group in input order (databases in config order, then other
sources; files and positions in order) lends the group its ``record_id``, so ids stay
put when a later search adds members. Pairs that need a person's eye are listed as
uncertain, with the rule that held them apart.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from litreview.core.collector import collector_paused
from litreview.core.records import Record
from litreview.dedupe.blocking import pairs_to_judge, prepare
from litreview.dedupe.evidence import DEFAULT_WEIGHTS, Weights
from litreview.dedupe.match_keys import Keys
from litreview.dedupe.merging import merge
from litreview.dedupe.pairs import PairDecision, UncertainPair
from litreview.dedupe.rules import Judgement, Verdict, judge

#: The rule named for a record a reviewer's pair decision put in its group.
REVIEWER = "reviewer"


@dataclass(frozen=True, slots=True)
class Dedupe:
    """The groups, one merged record per group, the pairs for a person, and for each record
    the record it was joined to and the rule that joined them ("" for a group's first
    record)."""

    groups: dict[str, str]  # record_id -> group_id (the representative's record_id)
    unique: list[Record]
    uncertain: list[UncertainPair]
    rules: dict[str, str] = field(default_factory=dict)  # record_id -> rule
    joined_to: dict[str, str] = field(default_factory=dict)  # record_id -> its partner


class _UnionFind:
    """Groups as a union-find forest; each root also keeps its members, for the chain guard,
    and every join is kept with its rule."""

    def __init__(self, n: int):
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}
        self.joins: list[tuple[int, int, str]] = []  # the pairs that joined two groups

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def group(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def union(self, i: int, j: int, rule: str) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        self.joins.append((i, j, rule))
        a, b = min(a, b), max(a, b)  # the earlier record stays the root and represents
        self.parent[b] = a
        self.members[a] = self.group(a) + self.members.pop(b, [b])

    def links(self) -> list[tuple[int, str]]:
        """For each record, the join that links it towards its group's first record: the
        record on the other side and the rule (``(-1, "")`` for that first record); the
        joins form a tree of each group."""
        linked: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for i, j, rule in self.joins:
            linked[i].append((j, rule))
            linked[j].append((i, rule))
        out = [(-1, "")] * len(self.parent)
        for root in sorted({self.find(i) for i in linked}):
            seen, queue = {root}, deque([root])
            while queue:
                here = queue.popleft()
                for other, rule in linked[here]:
                    if other not in seen:
                        seen.add(other)
                        out[other] = (here, rule)
                        queue.append(other)
        return out


# --- grouping ----------------------------------------------------------------------

def deduplicate(records: Sequence[Record], decisions: Sequence[PairDecision] = (),
                weights: Weights = DEFAULT_WEIGHTS, *, prepared: Sequence[Keys] | None = None,
                pairs: tuple[np.ndarray, np.ndarray] | None = None) -> Dedupe:
    """Group duplicates; ``records`` must be in representative-priority order.

    A shard of a larger set (:mod:`litreview.dedupe.shards`) gives its records' keys with
    the whole set's facts (``prepared``) and the pairs the whole set's blocking chose for
    them, as index pairs into ``records`` with their title ratios (``pairs``)."""
    with collector_paused():
        if prepared is None:
            prepared = prepare(records)
        if pairs is None:
            pairs = pairs_to_judge(prepared)
        return _deduplicate(records, decisions, weights, prepared, pairs)


class _Verdicts(dict[tuple[int, int], Judgement]):
    """The verdicts on pairs (i < j): the blocked pairs at once, others when the chain
    guard asks."""

    def __init__(self, prepared: Sequence[Keys], weights: Weights,
                 pairs: tuple[np.ndarray, np.ndarray]):
        super().__init__()
        self.prepared, self.weights = prepared, weights
        pairs, ratios = pairs
        for i, j, ratio in zip(pairs[:, 0].tolist(), pairs[:, 1].tolist(), ratios.tolist(),
                               strict=True):
            self[(i, j)] = judge(prepared[i], prepared[j], ratio, weights)

    def __call__(self, i: int, j: int) -> Judgement:
        pair = (i, j) if i < j else (j, i)
        if pair not in self:
            self[pair] = judge(self.prepared[pair[0]], self.prepared[pair[1]],
                               weights=self.weights)
        return self[pair]


def _deduplicate(records: Sequence[Record], decisions: Sequence[PairDecision],
                 weights: Weights, prepared: Sequence[Keys],
                 pairs: tuple[np.ndarray, np.ndarray]) -> Dedupe:
    decided = _decided(records, decisions)
    judged = _Verdicts(prepared, weights, pairs)
    uf = _UnionFind(len(records))
    refused = _join(uf, decided, judged, [k.year for k in prepared])
    roots = [uf.find(i) for i in range(len(records))]
    groups = {r.record_id: records[root].record_id for r, root in zip(records, roots,
                                                                      strict=True)}
    unique = [merge([records[i] for i in sorted(uf.group(root))])
              for root in sorted(set(roots))]
    uncertain = []
    for (i, j), v in sorted(judged.items()):
        if roots[i] == roots[j] or (i, j) in decided:
            continue
        reason, rule = refused.get((i, j)) or ((v.reason, v.rule) if v.doubt else ("", ""))
        if reason:
            uncertain.append(UncertainPair(records[i].record_id, records[j].record_id,
                                           round(v.title, 1), reason, rule))
    links = uf.links()
    rules = {r.record_id: rule for r, (_, rule) in zip(records, links, strict=True)}
    joined_to = {r.record_id: records[other].record_id if other >= 0 else ""
                 for r, (other, _) in zip(records, links, strict=True)}
    return Dedupe(groups, unique, uncertain, rules, joined_to)


def _decided(records: Sequence[Record], decisions: Sequence[PairDecision]
             ) -> dict[tuple[int, int], bool]:
    """The reviewer's decisions on pairs of these records, by index pair (i < j)."""
    index = {r.record_id: i for i, r in enumerate(records)}
    decided: dict[tuple[int, int], bool] = {}
    for d in decisions:
        if d.a in index and d.b in index and d.a != d.b:
            i, j = sorted((index[d.a], index[d.b]))
            decided[(i, j)] = d.same
    return decided


def _join(uf: _UnionFind, decided: Mapping[tuple[int, int], bool], judged: _Verdicts,
          years: Sequence[int]) -> dict[tuple[int, int], tuple[str, str]]:
    """Join the reviewer's same pairs, then the pairs judged the same, surest first; return
    the joins refused, with why and the rule a join would have violated."""
    for (i, j), same in sorted(decided.items()):
        if same:
            uf.union(i, j, REVIEWER)
    refused: dict[tuple[int, int], tuple[str, str]] = {}
    edges = sorted((-v.strength, i, j) for (i, j), v in judged.items()
                   if v.verdict is Verdict.SAME and (i, j) not in decided)
    for _, i, j in edges:
        a, b = uf.find(i), uf.find(j)
        if a == b:
            continue
        clash = _clash(uf.group(a), uf.group(b), decided, judged, years)
        if clash:
            refused[(i, j)] = clash
        else:
            uf.union(i, j, judged[(i, j)].rule)
    return refused


def _clash(left: list[int], right: list[int], decided: Mapping[tuple[int, int], bool],
           verdict: Callable[[int, int], Judgement], years: Sequence[int]
           ) -> tuple[str, str] | None:
    """Why two groups must stay apart, and the rule it comes from: a member of each judged
    different; None when nothing keeps them apart.

    Years apart are no veto when a third member bridges the same years on its own: it is
    of one record's year, judged the same as both (versions of a review joined on their
    DOI or article number, and a record of one version without it).
    """
    members = left + right
    for x in left:
        for y in right:
            pair = (x, y) if x < y else (y, x)
            if decided.get(pair) is False:
                return ("would join records a reviewer judged different",
                        f"refused:{REVIEWER}")
            judgement = verdict(x, y)
            if judgement.verdict is Verdict.DIFFERENT and not (
                    judgement.rule == "veto:years"
                    and (_bridged(x, y, members, verdict, years)
                         or _bridged(y, x, members, verdict, years))):
                return (f"would join records judged different ({judgement.reason})",
                        f"refused:{judgement.rule}")
    return None


def _bridged(x: int, y: int, members: list[int], verdict: Callable[[int, int], Judgement],
             years: Sequence[int]) -> bool:
    """A member of ``x``'s year is judged the same work as ``x`` and as ``y``."""
    return any(z not in (x, y) and years[z] == years[x]
               and verdict(x, z).verdict is Verdict.SAME
               and verdict(z, y).verdict is Verdict.SAME for z in members)
