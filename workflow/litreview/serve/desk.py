"""The review as the app holds it: its records, criteria and stages, what the decision
sheets say so far, and each reviewer's queue and pen.

Everything is read from the review directory and ``results/`` (the workflow's unique
records and duplicate groups): the app needs a run of the workflow first. The sheets are
re-read whenever they change on disk, so a decision typed in a spreadsheet counts too.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from litreview.core.contracts import DECISIONS, Status
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.records import Record, RecordIdError, RecordIds
from litreview.core.review import Review, load_review
from litreview.pipeline.coding import coded_values
from litreview.screening import (
    Criteria,
    Decision,
    Screening,
    Sheet,
    Stage,
    load_criteria,
    read_sheets,
    screen,
    sheet_problems,
    stage_reasons,
)
from litreview.serve.loading import (
    Results,
    check_results,
    files_state,
    first_to_screen,
    read_results,
    spelt_as_sheets,
)
from litreview.serve.order import Queue, fallback_order
from litreview.serve.pen import Entry, Pen
from litreview.serve.ranker import BackgroundRanker
from litreview.serve.stage_links import held_back, later_rows

ORDERS = ("prioritised", "file", "random")


@dataclass(frozen=True, slots=True)
class Said:
    """What a decision request changed: the record decided, and whether it replaced a
    decision already on the reviewer's sheet (another tab's, or a change of mind)."""

    record_id: str
    replaced: bool


class Desk:
    """One review directory, open for screening. Thread-safe: requests of every reviewer
    and tab go through one lock, held only for in-memory work and one sheet write."""

    def __init__(self, root: str | Path, *, order: str = "", seed: int = 0, load: bool = True):
        self.root = Path(root)
        self.review: Review = (review := load_review(self.root))
        self.criteria: Criteria = load_criteria(self.root / review.criteria, review.source_names())
        check_results(self.root)
        self.folder = self.root / self.review.decisions
        self.order = order or ("prioritised" if self.review.prioritise else "file")
        if self.order not in ORDERS:
            raise InputError(Problem("--order", f"unknown order '{self.order}'",
                                     hint=f"one of {', '.join(ORDERS)}"))
        # what is wrong with the sheets whatever the records say stops the start
        raise_if(sheet_problems(read_sheets(self.folder, [s.id for s in self.stages]),
                                self.criteria))
        self.seed = seed
        self.lock = threading.RLock()
        self.ready = threading.Event()
        self._results: Results | None = None
        self._failure: Exception | None = None
        self._pens: dict[tuple[str, str], Pen] = {}
        self._pens_lock = threading.Lock()
        self._queues: dict[tuple[str, str], Queue] = {}
        self._rankers: dict[str, BackgroundRanker] = {}
        self._screened: tuple[tuple, list[Sheet], Screening] | None = None
        self._ids: RecordIds | None = None  # bare accession numbers, made when first met
        # what the app wrote, by stage and sheet: (id as written, the entry before, after)
        self._undo: dict[tuple[str, str], list[tuple[str, Entry | None, Entry]]] = {}
        self._closed = False
        if load:
            self._load("")
            self.wait()

    def load_in_background(self, warm: str = "") -> None:
        """Read the records in a thread of their own (:meth:`preview` meanwhile)."""
        threading.Thread(target=self._load, args=(warm,), name="litreview-load",
                         daemon=True).start()

    # --- the records, read once ----------------------------------------------------------

    def _load(self, warm: str) -> None:
        """Read the results and the sheets; with ``warm``, make that reviewer's queues
        and start their model."""
        interval = sys.getswitchinterval()
        # the requests meanwhile wait for the interpreter at every step of their I/O:
        # the reading thread gives it up ten times as often as by default
        sys.setswitchinterval(interval / 10)
        try:
            self._results = read_results(self.root)
            self.screening()
            if warm:
                for stage in self.stages:
                    self.queue(stage.id, warm, fresh=True)
                if self.order == "prioritised" and not self._closed:
                    self.ranker(warm)
        except Exception as error:  # shown on every page until the server restarts
            self._failure = error
        finally:
            sys.setswitchinterval(interval)
            self.ready.set()

    def wait(self) -> Results:
        """The results, once read (raising what reading them met)."""
        self.ready.wait()
        if self._failure is not None:
            raise self._failure
        assert self._results is not None
        return self._results

    def _data(self) -> Results:
        return self._results if self._results is not None else self.wait()

    @property
    def by_id(self) -> dict[str, Record]:
        return self._data().by_id

    @property
    def aliases(self) -> dict[str, str]:
        return self._data().aliases

    @property
    def database_of(self) -> dict[str, str]:
        return self._data().database_of

    def preview(self, stage: str, reviewer: str) -> Record | None:
        """While the records are being read: the first record of the stage's sheet to
        screen from that neither the reviewer nor the agreed sheet has decided (None in
        random order, which needs every record, or when the sheet has none)."""
        if self.order == "random":
            return None
        decided = {*self.pen(stage, reviewer).entries(), *self.pen(stage, "").entries()}
        return first_to_screen(self.root, stage, decided)

    # --- stages and what the sheets say ------------------------------------------------

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self.criteria.stages

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    @property
    def ranked_stage(self) -> str:
        """The stage screened in prioritised order: the first title/abstract stage."""
        return next((s.id for s in self.stages if s.kind == "screening"), "")

    def reasons(self, stage: Stage) -> tuple[str, ...]:
        return stage_reasons(stage, self.criteria)

    def screening(self) -> tuple[list[Sheet], Screening]:
        """Every sheet as on disk and every stage's outcomes; read again only when a sheet
        changed. A sheet with problems raises them (located), for the app to show."""
        results = self._data()  # read before the lock: the reading thread takes it too
        with self.lock:
            key = self._sheets_key()
            if self._screened is None or self._screened[0] != key:
                sheets = read_sheets(self.folder, [s.id for s in self.stages])
                coded = coded_values(self.root, self.review, self.criteria, results.aliases)
                self._screened = (key, sheets, screen(results.records, self.criteria, sheets,
                                                      results.aliases, coded))
            return self._screened[1], self._screened[2]

    def _sheets_key(self) -> tuple:
        """What the sheets are now: the decision sheets, and the coding a stage's rules
        may read."""
        return files_state(self.folder, self.root / self.review.coding_sheets)

    # --- a reviewer's pen and queue --------------------------------------------------

    def known_reviewer(self, name: str) -> str:
        """``name`` as the sheets already spell it ("ae" writes AE's sheet)."""
        return spelt_as_sheets(self.folder, name)

    def pen(self, stage: str, reviewer: str) -> Pen:
        """The one writer of ``<stage>-<reviewer>.csv`` (``<stage>.csv`` for "")."""
        with self._pens_lock:  # not the desk's lock: a page may need a pen while it reads
            key = (stage, reviewer)
            if key not in self._pens:
                self._pens[key] = Pen(self.folder, stage, reviewer)
            return self._pens[key]

    def queue(self, stage: str, reviewer: str, *, fresh: bool = False) -> Queue:
        """The records ``reviewer`` has to screen at ``stage``, in the app's order; made
        anew from the sheets when ``fresh`` (a page load), else kept between decisions."""
        self._data()  # read before the lock: the reading thread takes it too
        with self.lock:
            key = (stage, reviewer)
            if fresh or key not in self._queues:
                self._queues[key] = self._make_queue(stage, reviewer)
            queue = self._queues[key]
            queue.mine = self._own(self.pen(stage, reviewer).entries())
            if stage == self.ranked_stage and self.order == "prioritised":
                ranked = self.ranker(reviewer).latest()
                if ranked is not None:
                    queue.use_ranking(ranked.order, ranked.scores, ranked.labels_seen)
            return queue

    def _make_queue(self, stage: str, reviewer: str) -> Queue:
        sheets, result = self.screening()
        stage_result = next(r for r in result.stages if r.stage.id == stage)
        waiting = held_back(result, sheets, stage)
        pool = [i for i in stage_result.entered if i not in waiting
                and stage_result.outcomes[i].status != Status.AUTOMATION]
        closed = {i for i in pool if stage_result.outcomes[i].decided_by == "consensus"}
        order = "file" if stage != self.ranked_stage and self.order == "prioritised" \
            else self.order
        return Queue(stage, fallback_order(self.root, stage, pool, order, self.seed), closed,
                     order, waiting=len(waiting))

    def ranker(self, reviewer: str) -> BackgroundRanker:
        """The background model of ``reviewer``'s decisions at the ranked stage (theirs
        only and the agreed sheet's: blind screening learns from no one else)."""
        self._data()  # read before the lock: the reading thread takes it too
        with self.lock:
            if reviewer not in self._rankers:
                queue = self._queues.get((self.ranked_stage, reviewer)) or \
                    self._make_queue(self.ranked_stage, reviewer)
                records = [self.by_id[i] for i in queue.pool]
                from litreview.screening import record_text

                self._rankers[reviewer] = BackgroundRanker(
                    [r.record_id for r in records], [record_text(r) for r in records],
                    seed=self.seed)
                self._retrain(reviewer)
            return self._rankers[reviewer]

    def _retrain(self, reviewer: str) -> None:
        """Ask the reviewer's model for a new ranking and stopping estimate."""
        if reviewer in self._rankers:
            mine = self.mine(self.ranked_stage, reviewer).values()
            history = [e.decision == "include" for e in mine
                       if e.decision in ("include", "exclude")]
            self._rankers[reviewer].submit(self.labels(reviewer), history)

    def labels(self, reviewer: str) -> dict[str, bool]:
        """What the model learns from: the agreed sheet's decisions at the ranked stage,
        then the reviewer's own (include = relevant, exclude = not; unsure teaches nothing)."""
        stage = self.ranked_stage
        entries = {**self.mine(stage, ""), **self.mine(stage, reviewer)}
        return {rid: e.decision == "include" for rid, e in entries.items()
                if e.decision in ("include", "exclude")}

    # --- deciding -----------------------------------------------------------------------

    def decide(self, stage: str, reviewer: str, record_id: str, decision: str,
               reason: str = "", note: str = "") -> Said:
        """Check the decision as the workflow will, then write it to the reviewer's sheet
        (on disk when this returns). Raises :class:`InputError` with what to fix."""
        self._data()  # read before the lock: the reading thread takes it too
        with self.lock:
            said = self._write(stage, reviewer, Entry(record_id, decision, reason, reviewer,
                                                      "", note))
            if stage == self.ranked_stage:
                self._retrain(reviewer)
            return said

    def resolve(self, stage: str, entry: Entry) -> Said:
        """The resolver's decision (``entry.reviewer`` names them) on the agreed sheet."""
        self._data()  # read before the lock: the reading thread takes it too
        with self.lock:
            said = self._write(stage, "", entry)
            for reviewer in self._rankers:  # each learns from the agreed sheet too
                self._retrain(reviewer)
            return said

    def _write(self, stage: str, sheet_of: str, entry: Entry) -> Said:
        pen = self.pen(stage, sheet_of)
        record_id = entry.record_id
        written = self._written_as(pen, record_id)  # the row's own id, if any
        entry = Entry(written, entry.decision.strip().lower(), entry.reason.strip(),
                      entry.reviewer, dt.date.today().isoformat(), entry.note.strip())
        self._check(stage, sheet_of, entry, pen)
        if entry.decision != "include":
            raise_if(self._later(stage, record_id))
        before = pen.entries().get(written)
        pen.write(entry)
        self._undo.setdefault((stage, sheet_of), []).append((written, before, entry))
        return Said(record_id, before is not None)

    def undo(self, stage: str, reviewer: str) -> str | None:
        """Take back the reviewer's last decision at ``stage`` (a changed decision goes
        back to what it was): the record it was on, or None when there is none."""
        self._data()  # read before the lock: the reading thread takes it too
        with self.lock:
            pen = self.pen(stage, reviewer)
            done = self._undo.get((stage, reviewer), [])
            while done and pen.entries().get(done[-1][0]) != done[-1][2]:
                done.pop()  # changed by hand since: not the app's to take back
            written, before = (done[-1][0], done[-1][1]) if done else \
                ((pen.order() or [None])[-1], None)
            if written is None:
                return None
            if before is None or before.decision != "include":
                raise_if(self._later(stage, self.canonical(written)))
            if done:
                done.pop()
            pen.write(before) if before is not None else pen.remove(written)
            if stage == self.ranked_stage:
                self._retrain(reviewer)
            return self.canonical(written)

    def _later(self, stage: str, record_id: str) -> list[Problem]:
        """The rows deciding ``record_id`` at a later stage (none at the last stage)."""
        ids = [s.id for s in self.stages]
        if stage == ids[-1]:
            return []
        return later_rows(stage, ids, record_id, self._sheets_at, self.canonical)

    def _sheets_at(self, stage: str) -> dict[str, list[str]]:
        """Each CSV sheet of ``stage``, by path, with its record ids as written."""
        out = {}
        for path in sorted(self.folder.glob(f"{stage}*.csv")):
            name, _, reviewer = path.stem.partition("-")
            if name == stage:
                out[str(path)] = list(self.pen(stage, reviewer).entries())
        return out

    def canonical(self, written: str) -> str:
        """A record id as a sheet wrote it, read as its record's own: a duplicate's id, or
        a bare accession number (``EJ1181769``) that names one record."""
        if written in self.by_id:
            return written
        if written in self.aliases:
            return self.aliases[written]
        if self._ids is None:
            self._ids = RecordIds(self.by_id)
        try:
            return self._ids.resolve(written)
        except RecordIdError:
            return written

    def mine(self, stage: str, reviewer: str) -> dict[str, Entry]:
        """The reviewer's decisions at ``stage``, by their records' own ids."""
        return self._own(self.pen(stage, reviewer).entries())

    def _own(self, entries: Mapping[str, Entry]) -> dict[str, Entry]:
        """A sheet's decisions by their records' own ids."""
        return {rid if rid in self.by_id else self.canonical(rid): e
                for rid, e in entries.items()}

    def _written_as(self, pen: Pen, record_id: str) -> str:
        """The id the sheet already names ``record_id`` by (its own, when none)."""
        written = [*pen.entries(), *pen.pending()]
        if record_id in written:
            return record_id
        return next((rid for rid in written
                     if rid not in self.by_id and self.canonical(rid) == record_id),
                    record_id)

    def _check(self, stage_id: str, reviewer: str, entry: Entry, pen: Pen) -> None:
        self.stage(stage_id)  # an unknown stage is a KeyError: not found
        where = pen.path.name  # the sheet it would go to; the reviewer knows which line
        if self.canonical(entry.record_id) not in self.by_id:
            raise InputError(Problem(where, f"unknown record '{entry.record_id}'"))
        if entry.decision not in DECISIONS:
            raise InputError(Problem(where, f"decision '{entry.decision}' is not one of "
                                     f"{'|'.join(DECISIONS)}"))
        decision = Decision(entry.record_id, entry.decision, entry.reason, reviewer,
                            entry.date, entry.note, where, 0)
        problems = sheet_problems([Sheet(stage_id, reviewer, where, (decision,))],
                                  self.criteria)
        raise_if([replace(p, line=None, hint=p.hint.replace("in the note column", "in the note"))
                  for p in problems])

    # --- the end --------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the background models (and start no other)."""
        self._closed = True
        with self.lock:
            for ranker in self._rankers.values():
                ranker.close()
            self._rankers.clear()

