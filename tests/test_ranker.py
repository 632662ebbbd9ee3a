"""The screening app's background ranker: a worker process that keeps the features and
answers each set of decisions with the order ``rank_scores`` gives."""

from __future__ import annotations

import gc
import os
import signal

import pytest
from litreview.core.records import Record
from litreview.screening import Model, record_text
from litreview.screening.ranking import rank_scores
from litreview.serve.ranker import BackgroundRanker, Ranked

#: Long enough for a ``spawn`` start, the imports and the features on a busy machine.
PATIENCE = 120

TOPICS = (
    ("Nudging healthy food choices", "A behavioural nudge in school canteens changed what "
     "pupils chose; default options and salience shifted choices towards fruit."),
    ("Leadership of integrated children's services", "Case study of leaders in multi-agency "
     "children's centres and the governance of integrated teams."),
    ("Defaults and organ donation", "Opt-out defaults raised registration; behavioural "
     "economics explains the effect of choice architecture."),
    ("Safeguarding partnerships in local authorities", "Interviews with managers of "
     "safeguarding boards on information sharing between agencies."),
    ("Commitment devices for saving", "Savers who committed to future increases saved more; "
     "present bias and nudges in pension schemes."),
)
WORDS = ("rural", "urban", "trial", "survey", "cohort", "England", "Scotland", "qualitative",
         "pilot", "evaluation", "review", "longitudinal", "mixed methods")


def _records(n: int = 40) -> list[Record]:
    records = []
    for i in range(n):
        title, abstract = TOPICS[i % len(TOPICS)]
        extra = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7))
        records.append(Record(record_id=f"rec-{i:02d}", database="Fixture",
                              source_file="fixture.ris", source_position=i + 1,
                              title=f"{title}: {extra}", abstract=f"{abstract} {extra}.",
                              keywords=(WORDS[i % len(WORDS)],)))
    return records


RECORDS = _records()
#: Nudges (topics 0, 2, 4) relevant, the rest not.
LABELS = {"rec-00": True, "rec-02": True, "rec-01": False, "rec-03": False, "rec-06": False,
          "rec-13": False}
MORE_LABELS = {**LABELS, "rec-05": True, "rec-11": False, "rec-14": True, "rec-18": False}


def _start(records: list[Record], **kwargs: object) -> BackgroundRanker:
    return BackgroundRanker([r.record_id for r in records], [record_text(r) for r in records],
                            **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def ranker():
    with _start(RECORDS, seed=3) as shared:
        yield shared


def _ranking(ranker: BackgroundRanker, labels: dict[str, bool]) -> Ranked:
    ranker.submit(labels)
    ranked = ranker.wait(PATIENCE)
    assert ranked is not None, ranker.error
    return ranked


def test_the_order_is_that_of_rank_scores(ranker):
    ranked = _ranking(ranker, LABELS)
    order, scores = rank_scores(RECORDS, LABELS, seed=3)
    assert ranked.learnt and ranker.ready
    assert list(ranked.order) == order
    assert ranked.scores.keys() == scores.keys()
    assert all(ranked.scores[i] == pytest.approx(scores[i]) for i in order)
    assert ranked.labels_seen == len(LABELS)
    assert ranked.seconds >= 0 and ranked.features_seconds > 0
    # the model learnt something: a nudge record comes first, not the corpus order
    assert int(ranked.order[0][-2:]) % len(TOPICS) in (0, 2, 4)
    assert ranker.latest() is ranked


def test_ids_outside_the_corpus_are_ignored(ranker):
    ranked = _ranking(ranker, {**LABELS, "elsewhere-1": True, "elsewhere-2": False})
    assert list(ranked.order) == rank_scores(RECORDS, LABELS, seed=3)[0]
    assert ranked.labels_seen == len(LABELS)
    assert not set(ranked.order) & set(LABELS)


@pytest.mark.parametrize("labels", [{}, {"rec-00": True, "rec-02": True},
                                    {"rec-01": False}], ids=["none", "relevant", "irrelevant"])
def test_with_nothing_to_learn_the_records_keep_corpus_order(ranker, labels):
    ranked = _ranking(ranker, labels)
    assert not ranked.learnt and dict(ranked.scores) == {}
    assert list(ranked.order) == [r.record_id for r in RECORDS if r.record_id not in labels]
    assert list(ranked.order) == rank_scores(RECORDS, labels, seed=3)[0]


def test_the_newest_labels_win(ranker):
    while ranker.wait(2) is not None:  # an earlier test's request still being ranked
        pass
    version = ranker.latest().version if ranker.latest() else 0
    ranker.submit(LABELS)
    ranker.submit(MORE_LABELS)
    seen = []
    while not seen or seen[-1].labels_seen != len(MORE_LABELS):
        ranked = ranker.wait(PATIENCE)
        assert ranked is not None, ranker.error
        seen.append(ranked)
    # never more rankings than requests; a slow reader may find the second already there
    # (wait returns the newest), so a version can be skipped but never repeated
    versions = [r.version for r in seen]
    assert len(seen) <= 2 and versions == sorted(set(versions))
    assert version < versions[0] and versions[-1] <= version + 2
    assert list(seen[-1].order) == rank_scores(RECORDS, MORE_LABELS, seed=3)[0]
    assert ranker.latest() is seen[-1]


def test_requests_waiting_for_a_busy_worker_coalesce_and_close_ends_it():
    ranker = _start(RECORDS, seed=3)
    assert ranker.latest() is None
    # the features are not ready yet (a spawn start takes a second): every request waits
    assert not ranker.ready
    ranker.submit({"rec-00": True, "rec-01": False})
    ranker.submit(LABELS)
    ranker.submit(MORE_LABELS)
    first = ranker.wait(PATIENCE)
    assert first is not None, ranker.error
    assert first.version == 1 and first.labels_seen == len(MORE_LABELS)
    assert list(first.order) == rank_scores(RECORDS, MORE_LABELS, seed=3)[0]
    assert ranker.alive
    ranker.close()
    assert not ranker.alive
    ranker.close()
    ranker.submit(LABELS)  # after close: nothing, and no error
    assert ranker.wait(0) is None and ranker.error is None
    assert ranker.latest() is first


def test_a_corpus_with_no_words_keeps_its_order_and_a_killed_worker_is_reported():
    records = [Record(record_id=f"w{i}", database="Fixture", source_file="f.ris",
                      source_position=i + 1, title=title)
               for i, title in enumerate(["", "1 2", "!", "", "3", "- -"])]
    labels = {"w0": True, "w2": False}
    ranker = _start(records)
    try:
        ranked = _ranking(ranker, labels)
        assert not ranked.learnt
        assert list(ranked.order) == ["w1", "w3", "w4", "w5"]
        assert list(ranked.order) == rank_scores(records, labels)[0]
        assert ranker.pid is not None
        os.kill(ranker.pid, signal.SIGKILL)
        assert ranker.wait(PATIENCE) is None
        assert "stopped" in (ranker.error or "")
        assert not ranker.alive
        ranker.submit({"w1": True, "w3": False})  # the app carries on: nothing happens
        assert ranker.latest() is ranked
    finally:
        ranker.close()
    ranker.close()


def test_a_failing_worker_is_reported():
    ranker = _start(RECORDS, model=Model(C=-1.0))  # the SVM refuses a negative C
    try:
        ranker.submit(LABELS)
        assert ranker.wait(PATIENCE) is None
        assert "worker failed" in (ranker.error or "")
        assert "The 'C' parameter of LinearSVC" in (ranker.error or "")
        assert ranker.latest() is None
    finally:
        ranker.close()
    assert not ranker.alive


def test_dropping_the_ranker_stops_its_worker():
    ranker = _start(RECORDS)
    process = ranker._link.process
    assert process.is_alive()
    del ranker
    gc.collect()
    assert not process.is_alive() and process.exitcode is not None


def test_ids_and_texts_must_match():
    with pytest.raises(ValueError, match="not unique"):
        BackgroundRanker(["a", "a"], ["x", "y"])
    with pytest.raises(ValueError, match="2 ids but 1 texts"):
        BackgroundRanker(["a", "b"], ["x"])
