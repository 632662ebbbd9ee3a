"""Leave one dataset out: the three parameters that trade found duplicates against false
merges (``Weights.same``, ``similar``, ``garbled``) chosen on four sets, as exported and
garbled (see :func:`choose`), and the fifth scored with them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from litreview.core.records import Record
from litreview.dedupe import DEFAULT_WEIGHTS, Weights, deduplicate

from dedupe_bench.data import Groups, found_groups, load
from dedupe_bench.garbling import GARBLE_SHARE, GARBLES, GarbledSet, garbled
from dedupe_bench.scoring import Score, score

#: The parameters that trade found duplicates against false merges, and the values tried:
#: the evidence score at which a pair is one work, the title similarity from which titles
#: are alike, and the points of a volume that looks garbled.
GRID: dict[str, tuple[float, ...]] = {"same": (3.0, 5.0, 7.0),
                                      "similar": (75.0, 80.0, 85.0),
                                      "garbled": (0.0, -1.0, -2.0)}
#: Each parameter's cautious end: what ties are broken towards.
_CAUTIOUS = {"same": 1, "similar": 1, "garbled": -1}
#: At most this share of the unique records wrongly merged, on the sets tuned on.
MAX_MERGED = 0.001


@dataclass
class Trial:
    score: Score
    uncertain: int
    garbled: Score  # the same set with one member of a share of its groups garbled


def _run(records: list[Record], truth: Groups, weights: Weights) -> tuple[Score, int]:
    start = time.perf_counter()
    result = deduplicate(records, weights=weights)
    seconds = time.perf_counter() - start
    s = score(records, truth, found_groups(result))
    s.seconds = seconds
    return s, len(result.uncertain)


def trial(clean: tuple[list[Record], Groups], garbled_set: GarbledSet,
          weights: Weights) -> Trial:
    """One in-process run with ``weights`` on a set as exported and as garbled."""
    s, uncertain = _run(*clean, weights)
    return Trial(s, uncertain, _run(garbled_set.records, garbled_set.truth, weights)[0])


def _grid() -> list[Weights]:
    return [replace(DEFAULT_WEIGHTS, same=same, similar=similar, garbled=garbled)
            for same in GRID["same"] for similar in GRID["similar"]
            for garbled in GRID["garbled"]]


def choose(trials: dict[Weights, list[Trial]]) -> Weights:
    """The objective, over the given sets as exported and garbled: no more than
    :data:`MAX_MERGED` of the unique records wrongly merged, and the fewest false merges
    (a record merged away is lost to screening, a missed duplicate costs a second look);
    then the most true positives, the fewest uncertain pairs, and the most cautious values
    (highest ``same`` and ``similar``, most negative ``garbled``)."""
    def key(w: Weights) -> tuple[bool, int, int, int, tuple[float, ...]]:
        runs = trials[w]
        scores = [t.score for t in runs] + [t.garbled for t in runs]
        fp, tp = sum(s.fp for s in scores), sum(s.tp for s in scores)
        unique = sum(s.tn + s.fp for s in scores)
        return (fp > unique * MAX_MERGED, fp, -tp, sum(t.uncertain for t in runs),
                tuple(-sign * getattr(w, name) for name, sign in _CAUTIOUS.items()))
    return min(trials, key=key)


LOO_HEADER = (f"{'held out':<20}{'same':>5}{'simil':>6}{'garbl':>6}{'records':>8}{'TP':>6}"
              f"{'FP':>4}{'FN':>5}{'sens':>8}{'merged %':>10}{'uncertain':>10}"
              f"{'garbled: sens':>14}{'FP':>4}{'time s':>8}")


def loo_row(name: str, w: Weights | None, t: Trial) -> str:
    s, g = t.score, t.garbled
    unique = s.tn + s.fp  # the works: what a false positive loses one of
    share = 100 * s.fp / unique if unique else 0.0
    chosen = (f"{w.same:>5.0f}{w.similar:>6.0f}{w.garbled:>6.0f}" if w else " " * 17)
    return (f"{name:<20}{chosen}{s.records:>8}{s.tp:>6}{s.fp:>4}{s.fn:>5}"
            f"{s.sensitivity:>8.4f}{share:>9.3f}%{t.uncertain:>10}{g.sensitivity:>14.4f}"
            f"{g.fp:>4}{s.seconds + g.seconds:>8.2f}")


def leave_one_out(names: Sequence[str], extra: Sequence[Path]) -> list[tuple[str, bool]]:
    """Print the held-out table; return the targets (sensitivity, false merges)."""
    sets = {name: load(name) for name in names}
    mixed = {name: garbled(name, *sets[name], *GARBLES) for name in names}
    trials = {w: [trial(sets[n], mixed[n], w) for n in names] for w in _grid()}
    print(f"\nleave one dataset out: same, similar and garbled (Weights) chosen on the other "
          f"sets, as exported and with one member of {GARBLE_SHARE:.0%} of their groups "
          f"garbled (a kind drawn per group), from {dict(GRID)}: at most {MAX_MERGED:.1%} of "
          f"unique records wrongly merged, the fewest false positives, then the most true "
          f"positives, fewest uncertain pairs, most cautious values; default "
          f"{DEFAULT_WEIGHTS.same:.0f}, {DEFAULT_WEIGHTS.similar:.0f}, "
          f"{DEFAULT_WEIGHTS.garbled:.0f}")
    print(LOO_HEADER)
    total = Trial(Score(), 0, Score())
    chosen = []
    for k, name in enumerate(names):
        rest = {w: [t for n, t in enumerate(runs) if n != k] for w, runs in trials.items()}
        w = choose(rest)
        chosen.append(w)
        held = trials[w][k]
        total.score += held.score
        total.garbled += held.garbled
        total.uncertain += held.uncertain
        print(loo_row(name, w, held))
    print(loo_row("TOTAL held out", None, total))
    if len(set(chosen)) == 1:
        print("the same values were chosen in every fold")
    unique = total.score.tn + total.score.fp
    met = [(f"held out: sensitivity >= 0.98 ({total.score.sensitivity:.4f})",
            total.score.sensitivity >= 0.98),
           (f"held out: <= 0.1% of unique records wrongly merged "
            f"({100 * total.score.fp / unique:.3f}%)", total.score.fp <= unique / 1000)]
    if extra:
        w = choose(trials)
        print(f"\nnever tuned on (same {w.same:.0f}, similar {w.similar:.0f}, garbled "
              f"{w.garbled:.0f}, chosen on all five)")
        print(LOO_HEADER)
        for folder in extra:
            records, truth = load(folder)
            print(loo_row(folder.name, w, trial((records, truth),
                                                garbled(folder.name, records, truth,
                                                        *GARBLES), w)))
    return met

