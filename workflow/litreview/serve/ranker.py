"""Ranking the records awaiting a decision in a worker process, so that the app never waits.

The features of a large corpus take tens of seconds of CPU-bound Python: the worker (a
``spawn``-started process: the server has threads, so never ``fork``) computes them once and
keeps them; each retrain sends it only the decisions and brings back the order. The order
is that of :func:`litreview.screening.rank_scores` for the same records, labels and seed.

Until the first ranking arrives, or when the worker has stopped (:attr:`error`), the app
keeps its own fallback order. When nothing can be learnt (no relevant or no irrelevant
decision yet, fewer than two records left, or no text with a word), a ranking is still
delivered: the undecided records in corpus order, with no scores (:attr:`Ranked.learnt`
false), as :func:`~litreview.screening.rank` answers. The stopping estimate
(:func:`litreview.screening.stopping`) is not made here; on a large corpus it is not cheap
either (seconds once thousands are screened), so the app makes it off the request path.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
import traceback
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from litreview.screening import Model


@dataclass(frozen=True, slots=True)
class Ranked:
    """One ranking of the undecided records."""

    order: tuple[str, ...]  # undecided ids, most likely relevant first
    scores: Mapping[str, float]  # their decision values (empty when nothing was learnt)
    labels_seen: int  # the decisions on records of the corpus this ranking took in
    version: int  # 1, 2, …: increases with each ranking delivered
    seconds: float  # how long the retrain took in the worker (features excluded)
    features_seconds: float  # how long the features took (once per corpus)

    @property
    def learnt(self) -> bool:
        """Whether a model ranked the records (else they keep the corpus order)."""
        return bool(self.scores)


# --- the worker process ------------------------------------------------------------


def _work(conn: Connection, seed: int, model: Model | None) -> None:
    """The worker's life: features of the corpus sent first, then one ranking per
    request, until told to stop or the parent goes away."""
    try:
        _serve(conn, seed, model)
    except (EOFError, OSError, KeyboardInterrupt):
        return
    except Exception:
        with contextlib.suppress(OSError):
            conn.send(("failed", traceback.format_exc()))


def _serve(conn: Connection, seed: int, model: Model | None) -> None:
    # loaded before the features are timed
    import sklearn.feature_extraction.text
    import sklearn.svm  # noqa: F401

    from litreview.screening import DEFAULT_MODEL, features, stopping

    model = model or DEFAULT_MODEL
    _, texts = conn.recv()
    start = time.perf_counter()
    matrix = features(texts, model=model)
    size = len(texts)
    del texts
    conn.send(("ready", time.perf_counter() - start))
    while True:
        message = conn.recv()
        if message[0] == "stop":
            return
        _, decided, relevant, history = message
        start = time.perf_counter()
        order, scores = _retrain(matrix, size, decided, relevant, model, seed)
        conn.send(("ranked", order, scores, len(decided), time.perf_counter() - start,
                   bool(history)))
        if history:  # the stopping estimate: seconds on a large corpus, so made here too
            conn.send(("stopping", tuple(stopping(history, size).lines())))


def _retrain(matrix: Any, size: int, decided: list[int], relevant: list[bool],
             model: Model, seed: int) -> tuple[list[int], list[float] | None]:
    """Indices of the undecided records, best first, and their scores in that order;
    corpus order and no scores when nothing can be learnt (as ``rank_scores`` does)."""
    import numpy as np

    from litreview.screening import best_first, svm_scores

    train = np.asarray(decided, dtype=np.intp)
    is_relevant = np.asarray(relevant, dtype=bool)
    undecided = np.ones(size, dtype=bool)
    undecided[train] = False
    candidates = np.flatnonzero(undecided).astype(np.intp)
    if matrix is None or len(candidates) < 2 or is_relevant.all() or not is_relevant.any():
        return candidates.tolist(), None
    scores = svm_scores(matrix, train, is_relevant, candidates, model, seed)
    order = best_first(scores, candidates)
    # candidates ascend, so each ranked index finds its score by bisection
    return order.tolist(), scores[np.searchsorted(candidates, order)].tolist()


# --- the parent's side ---------------------------------------------------------------


@dataclass(eq=False)
class _Link:
    """What the server keeps of its worker; the receiving thread holds this, not the
    :class:`BackgroundRanker`, so that dropping the ranker closes it."""

    ids: tuple[str, ...]
    process: Any
    conn: Connection
    lock: threading.Condition = field(default_factory=threading.Condition)
    thread: threading.Thread | None = None
    ready: bool = False
    busy: bool = True  # the worker is computing (the features first)
    pending: tuple[list[int], list[bool], list[bool]] | None = None
    stopping: tuple[str, ...] = ()  # the newest stopping estimate, in words
    features_seconds: float = 0.0
    latest: Ranked | None = None
    returned: int = 0  # the newest version handed out by latest() or wait()
    error: str | None = None
    closed: bool = False

    def receive(self, texts: list[str]) -> None:
        """The receiving thread: sends the corpus, then takes each answer in turn."""
        try:
            self.conn.send(("corpus", texts))
            del texts
            while True:
                self.take(self.conn.recv())
        except (EOFError, OSError):
            self.lost()

    def take(self, message: tuple[Any, ...]) -> None:
        with self.lock:
            if message[0] == "ready":
                self.ready, self.busy, self.features_seconds = True, False, message[1]
            elif message[0] == "ranked":
                self.busy = message[-1]  # a stopping estimate follows
                self.latest = self.ranked(*message[1:-1])
            elif message[0] == "stopping":
                self.busy, self.stopping = False, message[1]
            elif message[0] == "failed":
                self.error = f"the ranking worker failed:\n{message[1]}"
            self.dispatch()
            self.lock.notify_all()

    def ranked(self, order: list[int], scores: list[float] | None, labels_seen: int,
               seconds: float) -> Ranked:
        ids = tuple(self.ids[i] for i in order)
        score_of = dict(zip(ids, scores, strict=True)) if scores is not None else {}
        version = self.latest.version + 1 if self.latest else 1
        return Ranked(order=ids, scores=MappingProxyType(score_of), labels_seen=labels_seen,
                      version=version, seconds=seconds,
                      features_seconds=self.features_seconds)

    def dispatch(self) -> None:
        """Sends the waiting labels when the worker is free (the lock held)."""
        if self.pending is None or self.busy or not self.ready or self.closed or self.error:
            return
        decided, relevant, history = self.pending
        self.pending = None
        try:
            self.conn.send(("rank", decided, relevant, history))
            self.busy = True
        except OSError:
            pass  # the worker is gone: the receiving thread reports it

    def lost(self) -> None:
        """The worker's end of the pipe closed: by :meth:`close`, or by its death."""
        with self.lock:
            if self.closed:
                return
        self.process.join(timeout=5)  # reaps it: no zombie
        with self.lock:
            if self.error is None:
                self.error = (f"the ranking worker stopped (exit code "
                              f"{self.process.exitcode})")
            self.lock.notify_all()

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            idle = self.ready and not self.busy and self.error is None
            if idle:
                try:
                    self.conn.send(("stop",))
                except OSError:
                    idle = False
            self.lock.notify_all()
        self.process.join(timeout=5 if idle else 0)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=5)
        self.conn.close()


class BackgroundRanker:
    """Ranks the undecided records of one corpus in a worker process.

    ``ids`` (unique) and ``texts`` (what the model reads, e.g.
    :func:`litreview.screening.record_text`) are in corpus order. Construction returns at
    once: the worker starts and computes the features while the app serves in its
    fallback order. :meth:`submit` asks for a ranking from a set of decisions; while one
    is being computed only the newest decisions wait, so no backlog forms.
    """

    def __init__(self, ids: Sequence[str], texts: Sequence[str], *, seed: int = 0,
                 model: Model | None = None) -> None:
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
        self._index = {record_id: i for i, record_id in enumerate(ids)}
        if len(self._index) != len(ids):
            raise ValueError("the record ids are not unique")
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        process = context.Process(target=_work, args=(theirs, seed, model), daemon=True,
                                  name="litreview-ranker")
        process.start()
        theirs.close()  # the worker's end lives in the worker: its death closes the pipe
        self._link = _Link(ids=tuple(ids), process=process, conn=mine)
        self._link.thread = threading.Thread(target=self._link.receive, args=(list(texts),),
                                             name="litreview-ranker-receiver", daemon=True)
        self._link.thread.start()
        self._finalizer = weakref.finalize(self, self._link.close)

    def submit(self, labels: Mapping[str, bool], history: Sequence[bool] = ()) -> None:
        """Asks for a ranking from ``labels`` (record id → relevant); returns at once.
        With ``history`` (the relevance of the records screened, in the order they were),
        the worker then makes the stopping estimate for the corpus (:attr:`stopping`).

        Ids not in the corpus are ignored. Nothing happens after :meth:`close` or once
        the worker has stopped."""
        decided = sorted(self._index[i] for i in labels if i in self._index)
        relevant = [bool(labels[self._link.ids[i]]) for i in decided]
        with self._link.lock:
            if self._link.closed or self._link.error:
                return
            self._link.pending = (decided, relevant, [bool(h) for h in history])
            self._link.dispatch()

    @property
    def stopping(self) -> tuple[str, ...]:
        """The newest stopping estimate, in words (none before the first)."""
        with self._link.lock:
            return self._link.stopping

    def latest(self) -> Ranked | None:
        """The newest ranking delivered; None before the first one."""
        with self._link.lock:
            if self._link.latest is not None:
                self._link.returned = max(self._link.returned, self._link.latest.version)
            return self._link.latest

    def wait(self, timeout: float) -> Ranked | None:
        """Blocks until a ranking newer than the last one :meth:`latest` or :meth:`wait`
        returned arrives, and returns it; None on timeout, once closed, or once the worker
        has stopped (for tests and benchmarks: the app calls :meth:`latest`)."""
        link = self._link

        def newer() -> bool:
            return link.latest is not None and link.latest.version > link.returned

        with link.lock:
            link.lock.wait_for(lambda: newer() or link.closed or link.error is not None,
                               timeout)
            if not newer():
                return None
            assert link.latest is not None
            link.returned = link.latest.version
            return link.latest

    @property
    def ready(self) -> bool:
        """Whether the worker has computed the features."""
        with self._link.lock:
            return self._link.ready

    @property
    def error(self) -> str | None:
        """Why the worker stopped, if it stopped by itself; the app then keeps its
        fallback order (or the last ranking)."""
        with self._link.lock:
            return self._link.error

    @property
    def alive(self) -> bool:
        """Whether the worker process runs."""
        return self._link.process.is_alive()

    @property
    def pid(self) -> int | None:
        """The worker's process id."""
        return self._link.process.pid

    def close(self) -> None:
        """Stops the worker and reaps it; idempotent. Also run on garbage collection and
        at exit."""
        self._finalizer()

    def __enter__(self) -> BackgroundRanker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
