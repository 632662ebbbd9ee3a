"""The order a reviewer meets a stage's records in: the project's model (prioritised),
the records file's order, or a shuffle with a seed; and the next record to show."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from litreview.core import paths
from litreview.core.fileio import read_own_table


def fallback_order(root: Path, stage: str, pool: Sequence[str], order: str,
                   seed: int) -> list[str]:
    """The order before (or without) a model: ``random`` shuffles the pool with ``seed``;
    ``prioritised`` starts from the stage's ``to_screen.csv`` as the workflow last ranked
    it (records it did not list follow in the pool's order); ``file`` keeps the pool's."""
    ids = list(pool)
    if order == "random":
        random.Random(seed).shuffle(ids)
        return ids
    if order == "prioritised":
        sheet = root / paths.stage_file(stage, paths.TO_SCREEN_CSV)
        try:
            rows = read_own_table(sheet)[1] if sheet.is_file() else []
        except Exception:  # an unreadable ranking is only a lost head start
            rows = []
        place = {row.get("record_id", ""): n for n, row in enumerate(rows)}
        ids.sort(key=lambda rid: place.get(rid, len(place)))
    return ids


@dataclass(slots=True)
class Queue:
    """One reviewer's records at one stage: the pool in order, those the agreed sheet
    settled (closed), and the reviewer's own decisions (``mine``, from their sheet)."""

    stage: str
    pool: list[str]
    closed: set[str]
    order: str
    mine: Mapping[str, object] = field(default_factory=dict)
    scores: Mapping[str, float] = field(default_factory=dict)
    learnt_from: int = 0  # decisions the current ranking learnt from (0: none yet)
    waiting: int = 0  # records held back for a reviewer of the stage before
    _members: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._members = frozenset(self.pool)

    def use_ranking(self, ranked: Sequence[str], scores: Mapping[str, float],
                    learnt_from: int) -> None:
        """Take a new ranking of the undecided records; the records it does not rank
        (decided meanwhile, then taken back) keep their place after them."""
        if learnt_from == self.learnt_from and scores is self.scores:
            return
        head = [rid for rid in ranked if rid in self._members]
        seen = set(head)
        self.pool = head + [rid for rid in self.pool if rid not in seen]
        self.scores, self.learnt_from = scores, learnt_from

    def next(self) -> str | None:
        """The first record the reviewer has not decided and nobody settled."""
        return next((rid for rid in self.pool
                     if rid not in self.mine and rid not in self.closed), None)

    @property
    def total(self) -> int:
        """How many records the reviewer has to screen here."""
        return len(self.pool) - len(self.closed - set(self.mine))

    @property
    def done(self) -> int:
        return sum(1 for rid in self.mine if rid in self._members)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self._members
