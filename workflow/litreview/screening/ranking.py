"""Ranking the records still awaiting a decision by the relevance a model learns from the
decisions made so far (active learning with certainty sampling, as in ASReview).

Title/abstract screening is the costliest step of a review; meeting the relevant studies
early lets a team stop sooner (:mod:`litreview.screening.stopping_rule`). Everything is a pure
function of its inputs and seed: the same decisions give the same order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from litreview.core.records import Record


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


def svm_scores(matrix: sparse.csr_matrix, train: np.ndarray, relevant: np.ndarray,
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


def best_first(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Candidates by decreasing score; ties keep the input order, so the order is stable."""
    return candidates[np.lexsort((candidates, -scores))]


def rank(records: Sequence[Record], labels: Mapping[str, bool], *, seed: int = 0,
         model: Model = DEFAULT_MODEL) -> list[str]:
    """Ids of the undecided records (those not in ``labels``), most likely relevant first.

    ``labels`` maps record ids to a decision: True relevant (include), False irrelevant.
    Until there is at least one of each, nothing can be learnt and the records keep their
    input order. The same records, labels and seed give the same order.
    """
    return rank_scores(records, labels, seed=seed, model=model)[0]


def rank_scores(records: Sequence[Record], labels: Mapping[str, bool], *, seed: int = 0,
                model: Model = DEFAULT_MODEL) -> tuple[list[str], dict[str, float]]:
    """:func:`rank`, and each ranked record's score: the model's decision value, higher
    for more likely relevant (no scores when nothing could be learnt)."""
    candidates = np.array([i for i, r in enumerate(records) if r.record_id not in labels],
                          dtype=np.intp)
    decided = np.array([i for i, r in enumerate(records) if r.record_id in labels],
                       dtype=np.intp)
    relevant = np.array([bool(labels[records[i].record_id]) for i in decided], dtype=bool)
    ids = [records[i].record_id for i in candidates]
    if len(candidates) < 2 or relevant.all() or not relevant.any():
        return ids, {}
    matrix = features([record_text(r) for r in records], model=model)
    if matrix is None:
        return ids, {}
    scores = svm_scores(matrix, decided, relevant, candidates, model, seed)
    order = best_first(scores, candidates)
    score_of = {records[i].record_id: float(s) for i, s in zip(candidates, scores, strict=True)}
    return [records[i].record_id for i in order], score_of

