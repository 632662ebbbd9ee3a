"""Counting as bib-dedupe does (``compare_dedupe_id``), plus pairwise, and the table rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from litreview.core.records import Record

from dedupe_bench.data import Groups


@dataclass
class Score:
    records: int = 0
    true_groups: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    pair_tp: int = 0
    pairs_found: int = 0
    pairs_true: int = 0
    seconds: float = 0.0
    peak_mb: float = 0.0

    def __iadd__(self, other: Score) -> Score:
        for name in self.__dataclass_fields__:
            if name == "peak_mb":
                self.peak_mb = max(self.peak_mb, other.peak_mb)
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def sensitivity(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def specificity(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else 1.0

    @property
    def precision(self) -> float:
        return self.pair_tp / self.pairs_found if self.pairs_found else 1.0

    @property
    def recall(self) -> float:
        return self.pair_tp / self.pairs_true if self.pairs_true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(records: Sequence[Record], truth: Groups, found: Iterable[Sequence[str]]) -> Score:
    """Count the bib-dedupe way, plus pairwise; ``found`` are the predicted groups."""
    group_of = {r.record_id: r.record_id for r in records}
    order = {r.record_id: n for n, r in enumerate(records)}
    for group in found:
        keep = min(group, key=order.__getitem__)  # the first in input order is kept
        for member in group:
            group_of[member] = keep
    kept = {rid for rid, keep in group_of.items() if rid == keep}
    s = Score(records=len(records), true_groups=len(truth))
    true_of: dict[str, int] = {}
    for n, group in enumerate(truth):
        k = sum(member in kept for member in group)
        if k == 0:
            s.fp += 1
            s.tp += len(group) - 1
        else:
            s.tn += 1
            s.fn += k - 1
            s.tp += len(group) - k
        true_of.update((member, n) for member in group)
    for record in records:
        if record.record_id not in true_of:
            s.tn += record.record_id in kept
            s.fp += record.record_id not in kept
    members: dict[str, list[str]] = defaultdict(list)
    for rid, keep in group_of.items():
        members[keep].append(rid)
    for group in members.values():
        s.pairs_found += len(group) * (len(group) - 1) // 2
        s.pair_tp += sum(1 for a, b in combinations(group, 2)
                         if a in true_of and true_of[a] == true_of.get(b))
    s.pairs_true = sum(len(g) * (len(g) - 1) // 2 for g in truth)
    return s


HEADER = (f"{'dataset':<20}{'tool':<11}{'records':>8}{'groups':>7}{'TP':>6}{'FP':>4}{'FN':>5}"
          f"{'TN':>7}{'sens':>8}{'spec':>8}{'prec':>8}{'recall':>8}{'F1':>8}{'time s':>9}"
          f"{'peak MB':>9}")


def row(dataset: str, tool: str, s: Score) -> str:
    return (f"{dataset:<20}{tool:<11}{s.records:>8}{s.true_groups:>7}{s.tp:>6}{s.fp:>4}"
            f"{s.fn:>5}{s.tn:>7}{s.sensitivity:>8.4f}{s.specificity:>8.4f}{s.precision:>8.4f}"
            f"{s.recall:>8.4f}{s.f1:>8.4f}{s.seconds:>9.2f}{s.peak_mb:>9.0f}")

