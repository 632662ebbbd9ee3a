"""Which pairs are worth judging: the keys of a whole set, and the pairs that share one.

Only records that share a cheap key are compared: the DOI, the start or end of the title,
first author with year or with the title's start, volume with first page, year with first
page. Cost grows with the records, not with their pairs: a key shared by many records
("page 1 of 2010", a title ending "… a randomized controlled trial") yields only the
pairs of records near each other in title order (sorted neighbourhood). Whole columns
then drop the pairs no rule could join and no person need see.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from rapidfuzz import fuzz, process

from litreview.core.collector import collector_paused
from litreview.core.records import Record
from litreview.dedupe.evidence import volume_relation
from litreview.dedupe.match_keys import Keys, Known, keys
from litreview.dedupe.venues import journal_keys

#: A block of up to this many records yields all its pairs; a larger one (a title ending
#: "… randomized controlled trial", "page 1 of 2010") only the pairs of records near each
#: other in title order (:func:`_neighbours`), so pairs grow with records, not squared.
BLOCK_LIMIT = 20
#: How many records on in title order each record of a large block is paired with.
WINDOW = 10
#: Below this title similarity (rapidfuzz ratio) only a shared DOI, the same volume and
#: page range, or one title being the other with a subtitle can join a pair.
TITLE_FLOOR = 60.0


@dataclass(frozen=True, slots=True)
class SetFacts:
    """What the set of records as a whole says about each record's keys: the DOIs given to
    unlike titles (dropped), and every name each journal goes by (:func:`_venue_aliases`)."""

    bad_dois: frozenset[str] = frozenset()
    aliases: Mapping[tuple[str, ...], frozenset[tuple[str, ...]]] = field(
        default_factory=dict)


def prepare(records: Sequence[Record]) -> list[Keys]:
    """The keys of every record, with what the set as a whole says: DOIs given to unlike
    titles dropped, and every name a journal goes by made one."""
    prepared = record_keys(records)
    return with_facts(prepared, set_facts(records, prepared))


def record_keys(records: Sequence[Record], *, first_author_only: bool = False) -> list[Keys]:
    """Each record's own keys (:func:`litreview.dedupe.match_keys.keys`), parsed once per
    distinct author list and title; ``first_author_only``: enough for
    :func:`pairs_to_judge`, not for judging them."""
    known = Known()
    with collector_paused():  # keys hold no cycles
        return [keys(r, known, first_author_only=first_author_only) for r in records]


def set_facts(records: Sequence[Record], prepared: Sequence[Keys]) -> SetFacts:
    """What the whole set says about its records' keys (their own keys, ``prepared``)."""
    return SetFacts(frozenset(_unreliable_dois(prepared)), _venue_aliases(records))


def with_facts(prepared: list[Keys], facts: SetFacts) -> list[Keys]:
    """The keys with the set's facts applied: a record of one set keys the same whether
    deduplicated in one job or in a shard of its own."""
    if facts.bad_dois:
        prepared = [replace(k, doi="", doi_base="") if k.doi_base in facts.bad_dois else k
                    for k in prepared]
    if not facts.aliases:
        return prepared
    out = []
    for k in prepared:
        extra = {n for part in k.venue for n in facts.aliases.get(part, ())} - set(k.venue)
        out.append(replace(k, venue=k.venue + tuple(sorted(extra))) if extra else k)
    return out


def pairs_to_judge(prepared: Sequence[Keys]) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs worth judging, with their title ratios."""
    return _worth_judging(prepared, candidate_pairs(prepared))


def _block_keys(k: Keys) -> Iterable[str]:
    text = k.title.text.replace(" ", "")
    if k.doi_base:
        yield "d" + k.doi_base
    if not k.title.generic:
        for title in (text, *(v.replace(" ", "") for v in k.title.variants)):
            yield "<" + title[:24]
            yield ">" + title[-24:]
    author = k.first_author
    if author:
        if k.year:
            yield f"a{author}|{k.year}"
        if text:
            yield f"t{author}|{text[:10]}"
    if k.page_start:
        if k.volume:
            yield f"v{k.volume}|{k.page_start}"
        if k.year:
            yield f"y{k.year}|{k.page_start}"


def candidate_pairs(prepared: Sequence[Keys]) -> np.ndarray:
    """Index pairs (i < j) that share a blocking key, as an (m, 2) array, sorted."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(prepared):
        for key in dict.fromkeys(_block_keys(k)):
            blocks[key].append(i)
    n = len(prepared)
    chunks: list[np.ndarray] = []
    done: list[np.ndarray] = []  # the distinct codes of the chunks merged so far, one array
    pending = 0
    small: dict[int, list[list[int]]] = defaultdict(list)  # blocks by size, awaiting pairs
    while blocks:
        members = blocks.popitem()[1]  # each block's list freed once its pairs are made
        m = len(members)
        if m < 2:
            continue
        if m <= BLOCK_LIMIT:
            same_size = small[m]
            same_size.append(members)
            if len(same_size) * m < _SAME_SIZE:
                continue
            chunks.append(_all_pairs(small.pop(m), n))
        else:
            chunks.append(_neighbours(prepared, members, n))
        pending += len(chunks[-1])
        if pending > _COMPACT:  # a pair met in many blocks is kept once
            _merge(done, chunks)
            pending = 0
    chunks += [_all_pairs(same_size, n) for same_size in small.values()]
    _merge(done, chunks)
    codes = done.pop()
    return np.stack((codes // n, codes % n), axis=1)


#: Candidate pair codes gathered before those met twice are dropped: bounds the memory of
#: a million records' pairs, most of which several blocks give.
_COMPACT = 1 << 23


#: Records in small blocks of one size gathered before their pairs are made together.
_SAME_SIZE = 1 << 20


def _all_pairs(blocks: list[list[int]], n: int) -> np.ndarray:
    """Every pair of each block, all the blocks of one size, as codes ``i * n + j``
    (each block's members ascending)."""
    members = np.array(blocks, dtype=np.int64)
    rows, cols = np.triu_indices(members.shape[1], 1)
    return (members[:, rows] * n + members[:, cols]).ravel()


def _merge(done: list[np.ndarray], chunks: list[np.ndarray]) -> None:
    """Merge ``chunks`` into ``done``'s one array of distinct codes (sorted; none at
    first), emptying ``chunks``. Only the chunks are sorted; a stable sort then merges the
    two sorted runs in one pass. Each array is let go as soon as it is copied."""
    new = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)
    chunks.clear()
    new.sort()
    codes = np.concatenate([*done, new])
    done.clear()
    del new
    codes.sort(kind="stable")
    if len(codes):
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    done.append(codes)


def _neighbours(prepared: Sequence[Keys], members: list[int], n: int) -> np.ndarray:
    """The pairs of a large block as codes ``i * n + j``: each record with the next
    :data:`WINDOW` in the block sorted by title, and again sorted by the title read
    backwards (a typo early in a title moves it far in the first order only). Ties keep
    input order, so the pairs do not depend on the order the block was built in."""
    out = []
    for key in (lambda i: (prepared[i].title.text, i),
                lambda i: (prepared[i].title.text[::-1], i)):
        order = np.asarray(sorted(members, key=key), dtype=np.int64)
        for step in range(1, min(WINDOW, len(members) - 1) + 1):
            a, b = order[:-step], order[step:]
            out.append(np.minimum(a, b) * n + np.maximum(a, b))
    return np.concatenate(out)


def _codes(values: Sequence[str]) -> np.ndarray:
    """Each distinct non-empty value as a positive integer, empty as 0."""
    index: dict[str, int] = {"": 0}
    return np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64,
                       count=len(values))


#: Candidate pairs are sifted this many at a time: a column for every candidate of a
#: million records at once would outweigh the candidates themselves.
SIFT_CHUNK = 1 << 19


@dataclass(frozen=True, slots=True)
class _Columns:
    """What the sifting compares of each record, values as integer codes (0: none)."""

    titles: np.ndarray  # of str objects: a chunk's titles taken in C
    doi: np.ndarray
    volume: np.ndarray
    page_start: np.ndarray
    page_end: np.ndarray
    page_token: np.ndarray
    opening: np.ndarray  # a title's first four words: the same with a subtitle
    year: np.ndarray
    languages: np.ndarray  # a title in several languages


def _columns(prepared: Sequence[Keys]) -> _Columns:
    def column(name: str) -> np.ndarray:
        return _codes([getattr(k, name) for k in prepared])

    return _Columns(
        np.array([k.title.text for k in prepared], dtype=object), column("doi_base"),
        column("volume"), column("page_start"), column("page_end"), column("page_token"),
        _codes([" ".join(k.title.text.split()[:4]) if k.title.text.count(" ") >= 3 else ""
                for k in prepared]),
        np.fromiter((k.year for k in prepared), dtype=np.int64, count=len(prepared)),
        np.fromiter((bool(k.title.variants) for k in prepared), dtype=bool,
                    count=len(prepared)))


def _worth_judging(prepared: Sequence[Keys], pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs some rule could join or a person should see, with their title ratios.

    A pair with unlike titles (ratio below :data:`TITLE_FLOOR`) can only be joined by a
    shared DOI, the same volume and page range (translated titles) or when one title is
    the other with a subtitle; one published
    years apart only by a shared DOI or article number; one with conflicting DOIs or
    volumes (not a volume an export garbled) by nothing, and it is listed only with a
    near-identical title. Checking this
    on whole columns, :data:`SIFT_CHUNK` pairs at a time, leaves the rules a fraction
    of the candidates.
    """
    if not len(pairs):
        return pairs, np.empty(0)
    columns = _columns(prepared)
    kept, ratios = [], []
    for start in range(0, len(pairs), SIFT_CHUNK):
        chunk = pairs[start:start + SIFT_CHUNK]
        keep, ratio = _sift(prepared, columns, chunk)
        kept.append(chunk[keep])
        ratios.append(ratio[keep])
    return np.concatenate(kept), np.concatenate(ratios)


def _sift(prepared: Sequence[Keys], c: _Columns, pairs: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``pairs`` are worth judging (see :func:`_worth_judging`), and their ratios."""
    i, j = pairs[:, 0], pairs[:, 1]
    ratio = process.cpdist(c.titles[i].tolist(), c.titles[j].tolist(),
                           scorer=fuzz.ratio, workers=-1)

    def same(codes: np.ndarray) -> np.ndarray:
        return (codes[i] == codes[j]) & (codes[i] > 0)

    def conflict(codes: np.ndarray) -> np.ndarray:
        return (codes[i] != codes[j]) & (codes[i] > 0) & (codes[j] > 0)

    year = c.year
    gap = np.where((year[i] > 0) & (year[j] > 0), np.abs(year[i] - year[j]), 0)
    same_range = same(c.volume) & same(c.page_start) & same(c.page_end)
    joinable = ((ratio >= TITLE_FLOOR) | same(c.doi) | same_range | same(c.opening)
                | ((c.languages[i] | c.languages[j]) & (gap <= 1)))
    apart = (gap >= 2) & ~same(c.doi) & ~same(c.page_token)
    keep = joinable & ~apart & ~(conflict(c.doi) & (ratio < 93))
    volumes = np.nonzero(keep & conflict(c.volume) & ~same(c.doi) & (ratio < 93))[0]
    for n in volumes.tolist():  # a volume cut or mangled by an export is no conflict
        keep[n] = volume_relation(prepared[i[n]], prepared[j[n]]) != "conflict"
    return keep, ratio


def _unreliable_dois(prepared: Sequence[Keys]) -> set[str]:
    """DOIs given to records with unlike titles: a journal's or a book's, or a wrong one."""
    by_doi: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(prepared):
        if k.doi_base:
            by_doi[k.doi_base].append(i)
    bad = set()
    for doi, members in by_doi.items():
        if len(members) < 2:
            continue
        titles = list(dict.fromkeys(prepared[i].title.text for i in members  # equal: 100
                                    if not prepared[i].title.generic))
        if len(titles) > 1 and any(fuzz.token_set_ratio(x, y) < 60
                                   for n, x in enumerate(titles) for y in titles[n + 1:]):
            bad.add(doi)
    return bad


def _venue_aliases(records: Sequence[Record]) -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """Every name a journal goes by, as the records declare it: a record of "Ai zheng =
    Aizheng = Chinese journal of cancer" makes "Aizheng" and "Chinese Journal of Cancer"
    one journal in every record."""
    aliases: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for record in records:
        if " = " not in record.journal:
            continue
        names = {journal_keys(piece)[0] for piece in _PARALLEL.split(record.journal)
                 if journal_keys(piece)}
        for name in list(names):
            names |= aliases.get(name, set())
        for name in names:
            aliases[name] = names
    return {name: frozenset(names) for name, names in aliases.items()}


_PARALLEL = re.compile(r"\s=\s")
