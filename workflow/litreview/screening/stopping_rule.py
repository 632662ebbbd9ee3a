"""When may screening stop? The hypergeometric test of Callaghan & Müller-Hansen (2020) on
the records screened last, with an estimate of the relevant records still unseen."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import hypergeom


@dataclass(frozen=True, slots=True)
class Stopping:
    """Whether screening may stop, with the numbers a report prints.

    ``p_value`` tests the hypothesis that recall is still below ``recall_target``;
    screening may stop when it is below ``1 - confidence``. ``missed_estimate`` (a median
    estimate) and ``missed_upper`` (an upper bound at ``confidence``) are the relevant
    records still among the ``remaining`` unscreened ones, from the same test. Both lean
    high when the ranking works: the records read last are then richer in relevant ones
    than the rest, so the test errs on the side of screening more.
    """

    screened: int
    relevant_found: int
    remaining: int
    recall_target: float
    confidence: float
    p_value: float
    missed_estimate: int
    missed_upper: int
    stop: bool
    basis: str
    recommendation: str

    @property
    def recall_lower_bound(self) -> float | None:
        """Recall at ``confidence``: relevant found / (found + upper bound of missed)."""
        total = self.relevant_found + self.missed_upper
        return self.relevant_found / total if total else None

    def lines(self) -> list[str]:
        """The estimate in words, for a report or a sheet header."""
        bound = self.recall_lower_bound
        return [
            f"Screened {self.screened} records, {self.relevant_found} relevant; "
            f"{self.remaining} not yet screened.",
            f"Relevant records still unseen: about {self.missed_estimate} "
            f"(at most {self.missed_upper} at {self.confidence:.0%} confidence"
            + (f"; recall at least {bound:.1%})." if bound is not None else ")."),
            f"p = {self.p_value:.3g} for 'recall is below {self.recall_target:.0%}'.",
            self.recommendation,
            self.basis,
        ]


BASIS = ("Basis: hypergeometric test of Callaghan & Müller-Hansen (2020, Systematic Reviews "
         "9:273): the records screened last are treated as a random sample of themselves and "
         "the unscreened records, the lowest p over every such sample is kept.")


def _min_p(found_last_first: np.ndarray, remaining: int, missed: int) -> float:
    """Lowest p, over the samples of the last n screened records (n = 1..screened), of
    seeing that few relevant records if ``missed`` relevant records were still unseen."""
    n = np.arange(1, len(found_last_first) + 1)
    k = np.cumsum(found_last_first)
    # While k stays, p only falls as n grows: it is the chance that the unscreened records
    # hold ``missed`` or more relevant ones, drawn from an urn with one more irrelevant
    # record at each step. So only the last sample of each run of irrelevant records can
    # hold the minimum (the same p, far fewer evaluations on a long screening).
    ends = np.flatnonzero(np.append(found_last_first[1:] == 1, True))
    p = hypergeom.cdf(k[ends], remaining + n[ends], k[ends] + missed, n[ends])
    return float(np.min(p))


def _largest_missed(found_last_first: np.ndarray, remaining: int, level: float) -> int:
    """The largest number of unseen relevant records the test does not reject at ``level``
    (p decreases as that number grows; a bisection finds the crossing)."""
    if remaining == 0 or len(found_last_first) == 0:
        return 0 if remaining == 0 else remaining
    if _min_p(found_last_first, remaining, remaining) >= level:
        return remaining
    low, high = 0, remaining  # p(low) >= level > p(high)
    while high - low > 1:
        middle = (low + high) // 2
        if _min_p(found_last_first, remaining, middle) >= level:
            low = middle
        else:
            high = middle
    return low


def stopping(screened: Sequence[bool], total: int, *, recall_target: float = 0.95,
             confidence: float = 0.95) -> Stopping:
    """Test whether ``recall_target`` has been reached, from the decisions made so far.

    ``screened`` holds the relevance of each screened record, in the order they were
    screened (prioritised or random; never sorted by decision); ``total`` counts every
    record to screen, screened or not. Following Callaghan & Müller-Hansen (2020), the last
    n screened records are taken as a sample drawn without replacement from an urn of
    themselves and the unscreened records. If recall were below the target, the urn would
    hold at least ``floor(found / target) + 1 - found`` unseen relevant records besides the
    k relevant of the sample; p is the hypergeometric probability of drawing k or fewer,
    minimised over n. Stop when p < 1 - confidence.
    """
    if not 0 < recall_target < 1 or not 0 < confidence < 1:
        raise ValueError("recall_target and confidence must lie strictly between 0 and 1")
    found = np.asarray(screened, dtype=bool)
    if total < len(found):
        raise ValueError(f"total ({total}) is smaller than the records screened "
                         f"({len(found)})")
    remaining = total - len(found)
    relevant = int(found.sum())
    last_first = found[::-1].astype(np.int64)
    alpha = 1.0 - confidence
    # the fewest unseen relevant records that would put recall below the target
    missed_target = math.floor(relevant / recall_target + 1e-9) + 1 - relevant
    if remaining == 0:
        p_value = 0.0  # every record screened: recall is 1
    elif len(found) == 0 or missed_target > remaining:
        p_value = 1.0 if len(found) == 0 else 0.0
    else:
        p_value = _min_p(last_first, remaining, missed_target)
    upper = _largest_missed(last_first, remaining, alpha)
    estimate = _largest_missed(last_first, remaining, 0.5)
    stop = p_value < alpha
    if remaining == 0:
        text = "Every record has been screened."
    elif stop:
        text = (f"Screening may stop: recall below {recall_target:.0%} is rejected at "
                f"{confidence:.0%} confidence (p = {p_value:.3g} < {alpha:.2g}).")
    else:
        text = (f"Keep screening: recall below {recall_target:.0%} cannot yet be rejected "
                f"at {confidence:.0%} confidence (p = {p_value:.3g} >= {alpha:.2g}).")
    return Stopping(screened=len(found), relevant_found=relevant, remaining=remaining,
                    recall_target=recall_target, confidence=confidence, p_value=p_value,
                    missed_estimate=estimate, missed_upper=upper, stop=stop, basis=BASIS,
                    recommendation=text)

