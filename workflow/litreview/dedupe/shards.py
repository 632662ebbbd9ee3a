"""Deduplication in shards: a plan, shards that each group a share of the records, a gather.

Every pair the rules judge, every join and every guard of a join lies within one component
of the candidate graph, whose nodes are the records and whose edges are the pairs worth
judging and the reviewers' "same" decisions. Components can therefore be grouped apart and
still give the groups one job gives:

- :func:`plan`: every record's keys, the set's facts (:class:`SetFacts`), the pairs worth
  judging (blocking sees the whole set) and the components, dealt out to the shards
  largest first, each to the shard with the fewest records so far;
- :func:`shard_dedupe`: one shard's records grouped with the plan's pairs and the set's
  facts; :func:`shard_rows`: the rows of the dedupe files it gives, each with its place
  among all the shards' rows;
- the gather (:mod:`litreview.pipeline.dedupe_shards`) merges the shards' rows in place
  order into the files one job writes, to the byte.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from litreview.core.records import Record
from litreview.dedupe.blocking import SetFacts, pairs_to_judge, record_keys, set_facts, with_facts
from litreview.dedupe.evidence import DEFAULT_WEIGHTS, Weights
from litreview.dedupe.grouping import Dedupe, deduplicate
from litreview.dedupe.pairs import PairDecision

#: The kinds of row a shard writes, in the order the gather merges them.
UNIQUE, GROUPS, UNCERTAIN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Plan:
    """Which shard groups each record (records in priority order), the pairs worth
    judging (index pairs ``i < j``, sorted) with their title ratios, and the set's facts."""

    shard: np.ndarray  # int32, per record: 0 .. shards - 1
    pairs: np.ndarray  # int64, (m, 2)
    ratios: np.ndarray  # float64, (m,)
    facts: SetFacts
    shards: int

    def members(self, shard: int) -> np.ndarray:
        """The records of one shard, as sorted indices into the records."""
        return np.flatnonzero(self.shard == shard)

    def shard_pairs(self, shard: int) -> tuple[np.ndarray, np.ndarray]:
        """The pairs (global indices) and ratios of one shard: both records are its."""
        mine = self.shard[self.pairs[:, 0]] == shard if len(self.pairs) else np.empty(0, bool)
        return self.pairs[mine], self.ratios[mine]


def plan(records: list[Record], decisions: Sequence[PairDecision], shards: int) -> Plan:
    """The plan for ``shards`` jobs: ``records`` in priority order, as :func:`deduplicate`
    takes them (only the fields their keys read are needed). The list is emptied once
    their keys are made: a million records need not be held beside their keys. Only the
    keys the pairs are found by are made (of the authors, the first)."""
    own = record_keys(records, first_author_only=True)
    facts = set_facts(records, own)
    index = {r.record_id: i for i, r in enumerate(records)}
    same = np.array([(index[d.a], index[d.b]) for d in decisions
                     if d.same and d.a in index and d.b in index], dtype=np.int64)
    n = len(records)
    del index
    records.clear()
    pairs, ratios = pairs_to_judge(with_facts(own, facts))
    del own
    labels = components(n, np.concatenate([pairs, same.reshape(-1, 2)]))
    return Plan(deal(labels, shards), pairs, ratios, facts, shards)


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Each of ``n`` nodes' component, numbered in order of each component's first node."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])),
                       shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def deal(labels: np.ndarray, shards: int) -> np.ndarray:
    """Each node's shard: components largest first (ties: the earlier first), each to the
    shard with the fewest nodes so far (ties: the lower shard)."""
    sizes = np.bincount(labels) if len(labels) else np.empty(0, dtype=np.int64)
    order = np.lexsort((np.arange(len(sizes)), -sizes))
    to = np.empty(len(sizes), dtype=np.int32)
    loads = [(0, s) for s in range(shards)]
    for component in order.tolist():
        load, shard = heapq.heappop(loads)
        to[component] = shard
        heapq.heappush(loads, (load + int(sizes[component]), shard))
    return to[labels]


#: A row of a shard's part of the dedupe files: its kind (:data:`UNIQUE`, :data:`GROUPS`,
#: :data:`UNCERTAIN`), its place, its text, and for a groups row its record's database and
#: group (for the overlap of sources).
Row = tuple[int, int, str, str, str]


def shard_dedupe(records: Sequence[Record], indices: np.ndarray, pairs: np.ndarray,
                 ratios: np.ndarray, facts: SetFacts, decisions: Sequence[PairDecision] = (),
                 weights: Weights = DEFAULT_WEIGHTS) -> Dedupe:
    """The groups of one shard's records (at ``indices`` among all, sorted), judged on
    the plan's pairs (global indices) with the whole set's facts."""
    local = np.searchsorted(indices, pairs) if len(pairs) else pairs.reshape(-1, 2)
    prepared = with_facts(record_keys(records), facts)
    return deduplicate(records, decisions, weights, prepared=prepared, pairs=(local, ratios))


def shard_rows(result: Dedupe, records: Sequence[Record], indices: np.ndarray, n: int,
               unique_lines: Iterable[str], groups_lines: Iterable[str],
               uncertain_lines: Iterable[str]) -> Iterator[Row]:
    """One shard's rows in (kind, place) order, made as they are taken: a unique record's
    place is its first member's index, a groups row's its record's, an uncertain pair's
    ``i * n + j``. ``*_lines`` render the rows of ``result`` as one job writes them, in
    its order."""
    place_of = {r.record_id: int(i) for r, i in zip(records, indices.tolist(), strict=True)}
    for record, line in zip(result.unique, unique_lines, strict=True):
        yield UNIQUE, place_of[record.record_id], line, "", ""
    for record, line in zip(records, groups_lines, strict=True):
        yield (GROUPS, place_of[record.record_id], line, record.database,
               result.groups[record.record_id])
    for pair, line in zip(result.uncertain, uncertain_lines, strict=True):
        yield UNCERTAIN, place_of[pair.a] * n + place_of[pair.b], line, "", ""
