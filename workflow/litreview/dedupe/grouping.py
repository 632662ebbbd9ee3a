"""Find the records that are one work exported by several databases, and merge them.

1. **Blocking.** Only records that share a cheap key are compared: the DOI, the start or
   end of the title, first author with year or with the title's start, volume with first
   page, year with first page. Cost grows with the records, not with their pairs; a key
   shared by very many records ("page 1 of 2010") yields only pairs whose titles are alike.
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

import csv
import gc
import io
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process

from litreview.core.errors import InputError, Problem
from litreview.core.fileio import csv_text, read_person_text
from litreview.core.records import Record
from litreview.dedupe.rules import (
    DEFAULT_WEIGHTS,
    Judgement,
    Keys,
    Verdict,
    Weights,
    fold,
    journal_keys,
    judge,
    keys,
    volume_relation,
)

#: Blocks larger than this yield only pairs whose titles are alike (rapidfuzz cdist).
BLOCK_LIMIT = 40
#: Below this title similarity (rapidfuzz ratio) only a shared DOI, the same volume and
#: page range, or one title being the other with a subtitle can join a pair.
TITLE_FLOOR = 60.0


@dataclass(frozen=True, slots=True)
class PairDecision:
    """A reviewer's decision on a pair; it overrides every rule."""

    a: str
    b: str
    same: bool
    line: int = 0  # in the reviewer's sheet, for messages


@dataclass(frozen=True, slots=True)
class UncertainPair:
    """Two records a person should look at, and why the rules left them apart."""

    a: str
    b: str
    score: float  # title similarity, 0-100
    reason: str


@dataclass(frozen=True, slots=True)
class Dedupe:
    groups: dict[str, str]  # record_id -> group_id (the representative's record_id)
    unique: list[Record]
    uncertain: list[UncertainPair]


class _UnionFind:
    """Groups as a union-find forest; each root also keeps its members, for the chain guard."""

    def __init__(self, n: int):
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def group(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        a, b = min(a, b), max(a, b)  # the earlier record stays the root and represents
        self.parent[b] = a
        self.members[a] = self.group(a) + self.members.pop(b, [b])


# --- blocking ----------------------------------------------------------------------

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
    triangles: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for members in blocks.values():
        m = len(members)
        if m < 2:
            continue
        idx = np.asarray(members, dtype=np.int64)
        if m <= BLOCK_LIMIT:
            if m not in triangles:
                triangles[m] = np.triu_indices(m, 1)
            rows, cols = triangles[m]
        else:
            titles = [prepared[i].title.text for i in members]
            scores = process.cdist(titles, titles, scorer=fuzz.ratio, dtype=np.uint8,
                                   score_cutoff=TITLE_FLOOR, workers=-1)
            rows, cols = np.nonzero(np.triu(scores, 1))
        chunks.append(idx[rows] * n + idx[cols])
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(chunks))
    return np.stack((codes // n, codes % n), axis=1)


def _codes(values: Sequence[str]) -> np.ndarray:
    """Each distinct non-empty value as a positive integer, empty as 0."""
    index: dict[str, int] = {"": 0}
    return np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64,
                       count=len(values))


def _worth_judging(prepared: Sequence[Keys], pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs some rule could join or a person should see, with their title ratios.

    A pair with unlike titles (ratio below :data:`TITLE_FLOOR`) can only be joined by a
    shared DOI, the same volume and page range (translated titles) or when one title is
    the other with a subtitle; one published
    years apart only by a shared DOI or article number; one with conflicting DOIs or
    volumes (not a volume an export garbled) by nothing, and it is listed only with a
    near-identical title. Checking this
    on whole columns leaves the rules a fraction of the candidates.
    """
    if not len(pairs):
        return pairs, np.empty(0)
    i, j = pairs[:, 0], pairs[:, 1]
    ratio = process.cpdist([prepared[x].title.text for x in i.tolist()],
                           [prepared[y].title.text for y in j.tolist()],
                           scorer=fuzz.ratio, workers=-1)

    def column(name: str) -> np.ndarray:
        return _codes([getattr(k, name) for k in prepared])

    def same(codes: np.ndarray) -> np.ndarray:
        return (codes[i] == codes[j]) & (codes[i] > 0)

    def conflict(codes: np.ndarray) -> np.ndarray:
        return (codes[i] != codes[j]) & (codes[i] > 0) & (codes[j] > 0)

    doi, volume = column("doi_base"), column("volume")
    year = np.fromiter((k.year for k in prepared), dtype=np.int64, count=len(prepared))
    languages = np.fromiter((bool(k.title.variants) for k in prepared), dtype=bool,
                            count=len(prepared))
    gap = np.where((year[i] > 0) & (year[j] > 0), np.abs(year[i] - year[j]), 0)
    same_range = same(volume) & same(column("page_start")) & same(column("page_end"))
    opening = _codes([" ".join(k.title.text.split()[:4]) if k.title.text.count(" ") >= 3
                      else "" for k in prepared])  # a title and the same with a subtitle
    joinable = ((ratio >= TITLE_FLOOR) | same(doi) | same_range | same(opening)
                | ((languages[i] | languages[j]) & (gap <= 1)))
    apart = (gap >= 2) & ~same(doi) & ~same(column("page_token"))
    keep = joinable & ~apart & ~(conflict(doi) & (ratio < 93))
    volumes = np.nonzero(keep & conflict(volume) & ~same(doi) & (ratio < 93))[0]
    for n in volumes.tolist():  # a volume cut or mangled by an export is no conflict
        keep[n] = volume_relation(prepared[i[n]], prepared[j[n]]) != "conflict"
    return pairs[keep], ratio[keep]


def _unreliable_dois(prepared: Sequence[Keys]) -> set[str]:
    """DOIs given to records with unlike titles: a journal's or a book's, or a wrong one."""
    by_doi: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(prepared):
        if k.doi_base:
            by_doi[k.doi_base].append(i)
    bad = set()
    for doi, members in by_doi.items():
        titles = [prepared[i].title for i in members if not prepared[i].title.generic]
        if len(titles) > 1 and any(fuzz.token_set_ratio(x.text, y.text) < 60
                                   for n, x in enumerate(titles) for y in titles[n + 1:]):
            bad.add(doi)
    return bad


def _venue_aliases(records: Sequence[Record], prepared: list[Keys]) -> list[Keys]:
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
    if not aliases:
        return prepared
    out = []
    for k in prepared:
        extra = {n for part in k.venue for n in aliases.get(part, ())} - set(k.venue)
        out.append(replace(k, venue=k.venue + tuple(sorted(extra))) if extra else k)
    return out


_PARALLEL = re.compile(r"\s=\s")


# --- grouping ----------------------------------------------------------------------

def deduplicate(records: Sequence[Record], decisions: Sequence[PairDecision] = (),
                weights: Weights = DEFAULT_WEIGHTS) -> Dedupe:
    """Group duplicates; ``records`` must be in representative-priority order."""
    with _collector_paused():
        return _deduplicate(records, decisions, weights)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Millions of small acyclic objects make the cycle collector scan the heap over and
    over (a third of the run time on 100,000 records); it runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _deduplicate(records: Sequence[Record], decisions: Sequence[PairDecision],
                 weights: Weights) -> Dedupe:
    prepared = [keys(r) for r in records]
    bad_dois = _unreliable_dois(prepared)
    if bad_dois:
        prepared = [replace(k, doi="", doi_base="") if k.doi_base in bad_dois else k
                    for k in prepared]
    prepared = _venue_aliases(records, prepared)
    index = {r.record_id: i for i, r in enumerate(records)}
    decided: dict[tuple[int, int], bool] = {}
    for d in decisions:
        if d.a in index and d.b in index and d.a != d.b:
            i, j = sorted((index[d.a], index[d.b]))
            decided[(i, j)] = d.same

    judged: dict[tuple[int, int], Judgement] = {}

    def verdict(i: int, j: int) -> Judgement:
        pair = (i, j) if i < j else (j, i)
        if pair not in judged:
            judged[pair] = judge(prepared[pair[0]], prepared[pair[1]], weights=weights)
        return judged[pair]

    pairs, ratios = _worth_judging(prepared, candidate_pairs(prepared))
    for i, j, ratio in zip(pairs[:, 0].tolist(), pairs[:, 1].tolist(), ratios.tolist(),
                           strict=True):
        judged[(i, j)] = judge(prepared[i], prepared[j], ratio, weights)

    years = [k.year for k in prepared]
    uf = _UnionFind(len(records))
    for (i, j), same in sorted(decided.items()):
        if same:
            uf.union(i, j)
    refused: dict[tuple[int, int], str] = {}
    edges = sorted((-v.strength, i, j) for (i, j), v in judged.items()
                   if v.verdict is Verdict.SAME and (i, j) not in decided)
    for _, i, j in edges:
        a, b = uf.find(i), uf.find(j)
        if a == b:
            continue
        clash = _clash(uf.group(a), uf.group(b), decided, verdict, years)
        if clash:
            refused[(i, j)] = clash
        else:
            uf.union(a, b)

    roots = [uf.find(i) for i in range(len(records))]
    groups = {r.record_id: records[root].record_id for r, root in zip(records, roots,
                                                                      strict=True)}
    unique = [merge([records[i] for i in sorted(uf.group(root))])
              for root in sorted(set(roots))]
    uncertain = []
    for (i, j), v in sorted(judged.items()):
        if roots[i] == roots[j] or (i, j) in decided:
            continue
        reason = refused.get((i, j)) or (v.reason if v.doubt else "")
        if reason:
            uncertain.append(UncertainPair(records[i].record_id, records[j].record_id,
                                           round(v.title, 1), reason))
    return Dedupe(groups, unique, uncertain)


def _clash(left: list[int], right: list[int], decided: dict[tuple[int, int], bool],
           verdict: Callable[[int, int], Judgement], years: Sequence[int]) -> str:
    """Why two groups must stay apart: a member of each judged different, or ''.

    Years apart are no veto when a third member bridges the same years on its own: it is
    of one record's year, judged the same as both (versions of a review joined on their
    DOI or article number, and a record of one version without it).
    """
    members = left + right
    for x in left:
        for y in right:
            pair = (x, y) if x < y else (y, x)
            if decided.get(pair) is False:
                return "would join records a reviewer judged different"
            judgement = verdict(x, y)
            if judgement.verdict is Verdict.DIFFERENT and not (
                    judgement.rule == "veto:years"
                    and (_bridged(x, y, members, verdict, years)
                         or _bridged(y, x, members, verdict, years))):
                return f"would join records judged different ({judgement.reason})"
    return ""


def _bridged(x: int, y: int, members: list[int], verdict: Callable[[int, int], Judgement],
             years: Sequence[int]) -> bool:
    """A member of ``x``'s year is judged the same work as ``x`` and as ``y``."""
    return any(z not in (x, y) and years[z] == years[x]
               and verdict(x, z).verdict is Verdict.SAME
               and verdict(z, y).verdict is Verdict.SAME for z in members)


# --- merging -----------------------------------------------------------------------

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


# --- files -------------------------------------------------------------------------

def groups_csv(groups: dict[str, str], records: Sequence[Record]) -> str:
    return csv_text(["record_id", "group_id", "database"],
                    [[r.record_id, groups[r.record_id], r.database] for r in records])


#: Fields shown side by side for each uncertain pair, so a person can decide from the sheet.
_SHOWN = ("database", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi")


def uncertain_csv(pairs: Sequence[UncertainPair], records: Sequence[Record]) -> str:
    """Pairs for a person, with an empty ``decision`` column: copy the file to the pair sheet
    (``screening/duplicate_pairs.csv``), write same or different, leave the rest blank."""
    by_id = {r.record_id: r for r in records}

    def row(p: UncertainPair) -> list[str]:
        both = [by_id[p.a].to_row(), by_id[p.b].to_row()]
        return [p.a, p.b, "", f"{p.score:.1f}", p.reason,
                *(side[name] for name in _SHOWN for side in both)]

    return csv_text(["record_a", "record_b", "decision", "score", "reason",
                     *(f"{name}_{side}" for name in _SHOWN for side in "ab")],
                    [row(p) for p in pairs])


def overlap_csv(groups: dict[str, str], records: Sequence[Record],
                sources: Sequence[str]) -> str:
    """Per source: records, unique works, works found only there, works shared with each other."""
    works: dict[str, set[str]] = defaultdict(set)  # source -> group ids
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        works[record.database].add(groups[record.record_id])
        counts[record.database] += 1
    rows = []
    for source in sources:
        others = set().union(*(works[o] for o in sources if o != source))
        shared = [len(works[source] & works[o]) if o != source else len(works[source])
                  for o in sources]
        rows.append([source, counts[source], len(works[source]), len(works[source] - others),
                     *shared])
    return csv_text(["source", "records", "works", "only_here", *sources], rows)


def unknown_pair_ids(decisions: Sequence[PairDecision], ids: Collection[str],
                     path: str) -> list[Problem]:
    """Pair decisions naming a record that is not there: a mistyped id would silently leave
    the pair to the rules."""
    return [Problem(path, f"record id '{rid}' is not among the records", d.line,
                    hint="copy ids from uncertain_pairs.csv")
            for d in decisions for rid in (d.a, d.b) if rid not in ids]


def read_pair_decisions(path: str) -> list[PairDecision]:
    """A reviewer's sheet with columns ``record_a, record_b, decision`` (same|different).

    Rows without a decision are pairs not decided yet. Every row that cannot be used is
    reported with its line: a missing id, a decision other than same/different, a record
    paired with itself, or a pair decided both ways.
    """
    problems = []
    out: list[PairDecision] = []
    seen: dict[frozenset[str], tuple[bool, int]] = {}
    with io.StringIO(read_person_text(path), newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("record_a", "record_b", "decision")
                   if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(Problem(path, f"missing column(s) {', '.join(missing)}", 1,
                                     hint="columns: record_a, record_b, decision"))
        for line, row in enumerate(reader, start=2):
            a, b = (row.get("record_a") or "").strip(), (row.get("record_b") or "").strip()
            decision = (row.get("decision") or "").strip().lower()
            if not decision and (a or b):
                continue  # a pair copied from uncertain_pairs.csv and not decided yet
            if not a or not b:
                problems.append(Problem(path, "a record id is empty", line))
            elif a == b:
                problems.append(Problem(path, f"'{a}' is paired with itself", line))
            elif decision not in ("same", "different"):
                problems.append(Problem(path, f"decision '{decision}' is not same|different",
                                        line))
            elif (earlier := seen.get(frozenset((a, b)))) and earlier[0] != (decision == "same"):
                problems.append(Problem(path, f"{a} and {b} are also decided the other way "
                                        f"on line {earlier[1]}", line))
            else:
                seen.setdefault(frozenset((a, b)), (decision == "same", line))
                out.append(PairDecision(a, b, decision == "same", line))
    if problems:
        raise InputError(problems)
    return out
