"""Prioritised screening: rank what reviewers read next, replay a screening, know when to stop.

Title/abstract screening is the costliest step of a review. Ordering the records still
awaiting a decision by the relevance a model learns from the decisions made so far lets a
team meet the relevant studies early (active learning with certainty sampling, as in
ASReview); a statistical stopping test then says when the unscreened rest may be set aside.

- :func:`rank` orders the undecided records; :func:`simulate` replays a screening from
  labelled records and measures it (recall curve, WSS@95, RRF@10);
- :func:`stopping` is the hypergeometric test of Callaghan & Müller-Hansen (2020) on the
  records screened last, with an estimate of the relevant records still unseen;
- :func:`recall_svg` draws recall curves as a small self-contained SVG (no display needed).

Everything is a pure function of its inputs and seed: the same decisions give the same order.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np
from scipy import sparse
from scipy.stats import hypergeom

from litreview.core.records import Record

#: Shares of the records screened at which :func:`simulate` reports recall.
SHARES: tuple[float, ...] = (0.05, 0.10, 0.25, 0.50, 0.75)


# --- the model ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Model:
    """Settings of the ranking model.

    Two views of the text a reviewer reads (title, abstract, keywords, subject headings),
    each weighted by sublinear TF-IDF and scaled so that together a record has unit length:
    words and word pairs, and character n-grams within words, which match what word
    features split apart (nudge, nudges, nudging; multi-agency, multiagency; British and
    American spellings). A linear SVM (squared hinge, ``C``) learns from the decisions with
    sample weights that give the irrelevant records, together, ``1 / ratio`` of the
    relevant records' weight: relevant records are rare, and a missed one costs more than
    a record read in vain. The word view and the SVM keep ASReview's published ELAS u4
    settings (optimised on the 26 reviews of the SYNERGY collection); the character view
    was added after comparing feature sets on the benchmark review, where it ranks better
    in cross-validation at both stages (``benchmarks/README.md``). ``char_ngrams=None``
    gives ELAS u4's features.
    """

    word_ngrams: int = 2
    char_ngrams: tuple[int, int] | None = (3, 5)  # None: words only (ELAS u4 itself)
    max_df: float = 0.95
    C: float = 0.11
    ratio: float = 9.8


DEFAULT_MODEL = Model()


def record_text(record: Record) -> str:
    """The text the model reads: what a reviewer reads at title/abstract screening."""
    parts = [record.title, record.abstract, "; ".join(record.keywords),
             "; ".join(record.subjects)]
    return " . ".join(part for part in parts if part)


def features(texts: Sequence[str], *, model: Model = DEFAULT_MODEL) -> sparse.csr_matrix | None:
    """One row per text, fitted on all the texts at once (the vocabulary and its weights
    use no decision, so every record may inform them). ``None`` when no text has a word."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return None
    # a share of records only makes sense for a corpus large enough to estimate it
    max_df = model.max_df if len(texts) >= 20 else 1.0
    views = [TfidfVectorizer(ngram_range=(1, model.word_ngrams), sublinear_tf=True,
                             max_df=max_df, strip_accents="unicode", dtype=np.float64)]
    if model.char_ngrams is not None:
        # an n-gram met in one record only cannot carry what was learnt to another one
        views.append(TfidfVectorizer(analyzer="char_wb", ngram_range=model.char_ngrams,
                                     sublinear_tf=True, max_df=max_df,
                                     strip_accents="unicode", dtype=np.float64,
                                     min_df=2 if len(texts) >= 20 else 1))
    blocks = []
    for vectoriser in views:
        try:
            blocks.append(vectoriser.fit_transform(texts))
        except ValueError:  # an empty vocabulary: no text has a word of two letters
            return None
    if len(blocks) == 1:
        return blocks[0].tocsr()
    # each view has unit length per record: halve their squares so a record's is one
    return sparse.hstack(blocks, format="csr") / math.sqrt(len(blocks))


def _scores(matrix: sparse.csr_matrix, train: np.ndarray, relevant: np.ndarray,
            candidates: np.ndarray, model: Model, seed: int) -> np.ndarray:
    """Decision values of the candidates from a model trained on the decided records."""
    from sklearn.svm import LinearSVC

    n_relevant = int(relevant.sum())
    n_irrelevant = len(relevant) - n_relevant
    weights = np.where(relevant, 1.0, n_relevant / (model.ratio * n_irrelevant))
    weights *= len(relevant) / weights.sum()
    classifier = LinearSVC(C=model.C, loss="squared_hinge", random_state=seed)
    classifier.fit(matrix[train], relevant, sample_weight=weights)
    return classifier.decision_function(matrix[candidates])


def _best_first(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Candidates by decreasing score; ties keep the input order, so the order is stable."""
    return candidates[np.lexsort((candidates, -scores))]


def rank(records: Sequence[Record], labels: Mapping[str, bool], *, seed: int = 0,
         model: Model = DEFAULT_MODEL) -> list[str]:
    """Ids of the undecided records (those not in ``labels``), most likely relevant first.

    ``labels`` maps record ids to a decision: True relevant (include), False irrelevant.
    Until there is at least one of each, nothing can be learnt and the records keep their
    input order. The same records, labels and seed give the same order.
    """
    candidates = np.array([i for i, r in enumerate(records) if r.record_id not in labels],
                          dtype=np.intp)
    decided = np.array([i for i, r in enumerate(records) if r.record_id in labels],
                       dtype=np.intp)
    relevant = np.array([bool(labels[records[i].record_id]) for i in decided], dtype=bool)
    ids = [records[i].record_id for i in candidates]
    if len(candidates) < 2 or relevant.all() or not relevant.any():
        return ids
    matrix = features([record_text(r) for r in records], model=model)
    if matrix is None:
        return ids
    order = _best_first(_scores(matrix, decided, relevant, candidates, model, seed), candidates)
    return [records[i].record_id for i in order]


# --- metrics ----------------------------------------------------------------------------


def records_to_recall(found: Sequence[bool], recall: float = 0.95) -> int | None:
    """Records screened, in this order, until ``recall`` of the relevant ones are found
    (``ceil(recall × relevant)``); None when nothing is relevant."""
    total = sum(1 for f in found if f)
    if total == 0:
        return None
    need = math.ceil(recall * total - 1e-9)
    seen = 0
    for position, is_relevant in enumerate(found, start=1):
        seen += bool(is_relevant)
        if seen >= need:
            return position
    return len(found)  # pragma: no cover - need <= total


def wss(found: Sequence[bool], recall: float = 0.95) -> float | None:
    """Work saved over sampling at ``recall`` (Cohen et al. 2006): the share of records left
    unread when that recall is reached, minus the share random reading would leave
    (``1 - recall``). WSS@95 of a random order is 0, of a perfect one ``0.95 - R/N``."""
    needed = records_to_recall(found, recall)
    if needed is None or len(found) == 0:
        return None
    return (len(found) - needed) / len(found) - (1.0 - recall)


def recall_at(found: Sequence[bool], share: float) -> float | None:
    """Recall after reading ``ceil(share × N)`` records in this order. ``recall_at(found,
    0.10)`` is RRF@10, the relevant records found after 10% of the records."""
    total = sum(1 for f in found if f)
    if total == 0:
        return None
    read = math.ceil(share * len(found) - 1e-9)
    return sum(1 for f in found[:read] if f) / total


def recall_curve(found: Sequence[bool]) -> list[float]:
    """Recall after each record read (index i: after i + 1 records)."""
    total = sum(1 for f in found if f) or 1
    seen = 0
    curve = []
    for is_relevant in found:
        seen += bool(is_relevant)
        curve.append(seen / total)
    return curve


# --- simulation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Simulation:
    """One replayed screening. Metrics count the records after the prior decisions (the
    priors are given, not found), as ASReview's simulation reports do."""

    seed: int
    batch: int
    priors: tuple[str, ...]
    order: tuple[str, ...]  # every record, priors first, in the order screened
    found: tuple[bool, ...]  # relevance of the records after the priors, in order
    seconds: float
    recall: tuple[tuple[float, float], ...] = field(default=())  # (share, recall)

    @property
    def wss95(self) -> float | None:
        return wss(self.found, 0.95)

    @property
    def rrf10(self) -> float | None:
        return recall_at(self.found, 0.10)

    @property
    def to_95(self) -> int | None:
        """Records read after the priors until 95% of the relevant ones were found."""
        return records_to_recall(self.found, 0.95)


def choose_priors(ids: Sequence[str], relevant: Sequence[bool], k: int,
                  seed: int) -> tuple[str, ...]:
    """``k`` relevant and ``k`` irrelevant records drawn with ``seed``: the decisions a team
    would make on records it already knows before the model can help."""
    rng = np.random.default_rng(seed)
    pos = np.flatnonzero(np.asarray(relevant, dtype=bool))
    neg = np.flatnonzero(~np.asarray(relevant, dtype=bool))
    if k < 1 or len(pos) < k or len(neg) < k:
        raise ValueError(f"need at least {k} relevant and {k} irrelevant records for "
                         f"{k} + {k} prior decisions; found {len(pos)} and {len(neg)}")
    chosen = [*rng.choice(pos, k, replace=False), *rng.choice(neg, k, replace=False)]
    return tuple(ids[int(i)] for i in chosen)


def simulate(records: Sequence[Record], labels: Mapping[str, bool], *, seed: int = 0,
             prior: int = 1, batch: int = 10, priors: Sequence[str] | None = None,
             model: Model = DEFAULT_MODEL, shares: Sequence[float] = SHARES) -> Simulation:
    """Replay a screening of labelled records: start from ``prior`` relevant and ``prior``
    irrelevant decisions drawn with ``seed`` (or the ``priors`` ids given), then read the
    ``batch`` records ranked highest, learn their labels, retrain, and so on to the end.

    ``batch`` trades speed for accuracy: the model is retrained about ``N / batch`` times,
    and within a batch it cannot learn from the records of that batch. ``batch=1`` is what a
    reviewer gets from an interactive tool (and what ASReview simulates); on the benchmark
    review (2,008 records) 10 was eight times faster (14 s against 114 s a run) for the same
    WSS@95 (0.461 against 0.462), and 50 cost under 0.01 of WSS@95. Larger batches matter
    most early, when each decision changes the model most.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    started = time.perf_counter()
    ids = [r.record_id for r in records]
    truth = np.array([bool(labels[i]) for i in ids], dtype=bool)
    if priors is None:
        priors = choose_priors(ids, truth, prior, seed)
    index = {rid: i for i, rid in enumerate(ids)}
    matrix = features([record_text(r) for r in records], model=model)
    if matrix is None:
        raise ValueError("the records have no text to learn from")
    read = np.zeros(len(ids), dtype=bool)
    order = [index[p] for p in priors]
    read[order] = True
    to_find = int(truth.sum()) - int(truth[order].sum())
    while len(order) < len(ids):
        train = np.array(order, dtype=np.intp)
        candidates = np.flatnonzero(~read)
        relevant = truth[train]
        if relevant.all() or not relevant.any():
            ranked = candidates  # nothing to learn from yet: input order
        else:
            ranked = _best_first(_scores(matrix, train, relevant, candidates, model, seed),
                                 candidates)
        # once every relevant record is found no order of the rest changes a metric: the
        # rest follow in this ranking (as ASReview stops at the last relevant record)
        chosen = ranked[:batch] if to_find else ranked
        to_find -= int(truth[chosen].sum())
        order.extend(int(i) for i in chosen)
        read[chosen] = True
    found = tuple(bool(truth[i]) for i in order[len(priors):])
    curve = tuple((share, recall_at(found, share) or 0.0) for share in shares)
    return Simulation(seed=seed, batch=batch, priors=tuple(priors),
                      order=tuple(ids[i] for i in order), found=found,
                      seconds=time.perf_counter() - started, recall=curve)


# --- stopping ------------------------------------------------------------------------------


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
    p = hypergeom.cdf(k, remaining + n, k + missed, n)
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


# --- plot ---------------------------------------------------------------------------------


_COLOURS = ("#1f6fb4", "#d9541e", "#2a9d4b", "#8e44ad", "#b8860b", "#555555")


def recall_svg(curves: Mapping[str, Sequence[bool]], *, title: str = "Recall curve",
               width: int = 640, height: int = 420) -> str:
    """Recall against records screened, one line per named screening order, with the
    random-reading diagonal and the 95% recall line: a small self-contained SVG.

    Orders of different lengths share the x axis as a share of their own length.
    """
    left, right, top, bottom = 60, 20, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(share: float) -> float:
        return left + share * plot_w

    def y(recall: float) -> float:
        return top + (1.0 - recall) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2:.1f}" y="22" text-anchor="middle" font-size="15">'
           f"{escape(title)}</text>"]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        out.append(f'<line x1="{x(tick):.1f}" y1="{y(0):.1f}" x2="{x(tick):.1f}" '
                   f'y2="{y(1):.1f}" stroke="#eeeeee"/>')
        out.append(f'<line x1="{x(0):.1f}" y1="{y(tick):.1f}" x2="{x(1):.1f}" '
                   f'y2="{y(tick):.1f}" stroke="#eeeeee"/>')
        out.append(f'<text x="{x(tick):.1f}" y="{y(0) + 18:.1f}" text-anchor="middle">'
                   f"{tick:.0%}</text>")
        out.append(f'<text x="{x(0) - 8:.1f}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                   f"{tick:.0%}</text>")
    out.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
               'stroke="#444444"/>')
    out.append(f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(1):.1f}" y2="{y(1):.1f}" '
               'stroke="#999999" stroke-dasharray="4 4"/>')
    out.append(f'<line x1="{x(0):.1f}" y1="{y(0.95):.1f}" x2="{x(1):.1f}" y2="{y(0.95):.1f}" '
               'stroke="#999999" stroke-dasharray="1 3"/>')
    out.append(f'<text x="{x(0) + 6:.1f}" y="{y(0.95) - 5:.1f}" fill="#777777">95% recall'
               "</text>")
    for n, (name, found) in enumerate(curves.items()):
        colour = _COLOURS[n % len(_COLOURS)]
        curve = recall_curve(found)
        step = max(1, len(curve) // 400)  # at most ~400 points a line: a light file
        points = [(0.0, 0.0)] + [((i + 1) / len(curve), curve[i])
                                 for i in range(0, len(curve), step)]
        if curve and points[-1][0] != 1.0:
            points.append((1.0, curve[-1]))
        path = " ".join(f"{x(s):.1f},{y(r):.1f}" for s, r in points)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.8" '
                   f'points="{path}"/>')
        out.append(f'<line x1="{x(0.62):.1f}" y1="{y(0.3 - 0.07 * n):.1f}" '
                   f'x2="{x(0.67):.1f}" y2="{y(0.3 - 0.07 * n):.1f}" stroke="{colour}" '
                   'stroke-width="3"/>')
        out.append(f'<text x="{x(0.69):.1f}" y="{y(0.3 - 0.07 * n) + 4:.1f}">'
                   f"{escape(name)}</text>")
    out.append(f'<text x="{x(0.5):.1f}" y="{height - 10}" text-anchor="middle">'
               "records screened</text>")
    out.append(f'<text x="16" y="{y(0.5):.1f}" text-anchor="middle" '
               f'transform="rotate(-90 16 {y(0.5):.1f})">relevant records found (recall)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
