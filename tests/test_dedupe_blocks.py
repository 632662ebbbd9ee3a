"""Blocks bounded in size: a key shared by thousands of records yields pairs in proportion
to the records (sorted neighbourhood), and still finds the duplicates among them."""

from __future__ import annotations

import random

from litreview.core.records import Record
from litreview.dedupe import deduplicate
from litreview.dedupe.blocking import BLOCK_LIMIT, WINDOW, _neighbours, candidate_pairs, prepare

ENDING = "in adults with asthma: a randomized controlled trial"


def _work(k: int) -> Record:
    """One of many distinct works whose titles all end alike (one title-end block)."""
    rng = random.Random(k)
    words = " ".join(rng.choice(("early", "brief", "school", "online", "nurse", "group",
                                 "family", "home", "yoga", "diet")) for _ in range(3))
    return Record(f"w{k}", "A", "a.ris", k, type="article",
                  title=f"Study {k:05d} of {words} therapy {ENDING}",
                  authors=(f"Author{k}, A. B.", f"Other{k}, C."), year=str(1990 + k % 30),
                  journal=f"Journal {k % 400}", volume=str(1 + k % 90),
                  pages=f"{k}-{k + 9}")


def _copy(r: Record, n: int) -> Record:
    """Another database's export of the same work: case, punctuation, author form."""
    title = r.title.upper() if n % 2 else r.title.replace(":", "").lower() + "."
    authors = tuple(a.replace(",", "").replace(".", "").replace(" B", "B") for a in r.authors)
    return Record(f"{r.record_id}#{n}", "B", "b.ris", n, type="article", title=title,
                  authors=authors, year=r.year, journal=r.journal.upper(), volume=r.volume,
                  pages=r.pages)


def test_a_huge_block_yields_pairs_in_proportion_to_its_records():
    n = 2000
    pairs = candidate_pairs(prepare([_work(k) for k in range(n)]))
    # all 2,000 share the title-end key; every pair of it would be n(n-1)/2 = 1,999,000
    assert 0 < len(pairs) <= 2 * WINDOW * n
    assert (pairs[:, 0] < pairs[:, 1]).all()


def test_the_duplicates_inside_a_huge_block_are_found():
    works = [_work(k) for k in range(2000)]
    twins = {k: [_copy(works[k], n) for n in (1, 2)] for k in range(0, 2000, 97)}
    records = works + [c for k in sorted(twins) for c in twins[k]]
    result = deduplicate(records)
    for k, copies in twins.items():
        assert {result.groups[c.record_id] for c in copies} == {f"w{k}"}
    assert len(result.unique) == 2000  # no two distinct works joined


def test_a_large_block_pairs_do_not_depend_on_the_order_it_was_built_in():
    records = [_work(k) for k in range(BLOCK_LIMIT * 5)]
    records += [_copy(records[k], 1) for k in range(0, len(records), 7)]
    prepared = prepare(records)
    members = list(range(len(records)))
    shuffled = members[:]
    random.Random(3).shuffle(shuffled)
    first, second = (set(_neighbours(prepared, m, len(records)).tolist())
                     for m in (members, shuffled))
    assert first == second
    assert len(first) <= 2 * WINDOW * len(records)
