"""The pairs a person sees and decides: the uncertain pairs the rules list, and a reviewer's
decision on a pair."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairDecision:
    """A reviewer's decision on a pair; it overrides every rule."""

    a: str
    b: str
    same: bool
    line: int = 0  # in the reviewer's sheet, for messages


@dataclass(frozen=True, slots=True)
class UncertainPair:
    """Two records a person should look at, why the rules left them apart, and the rule
    that did: the veto or unsure verdict on the pair ("veto:volume",
    "unsure:similar-titles"), or ``refused:`` and what a join would have violated
    ("refused:veto:pages", "refused:reviewer")."""

    a: str
    b: str
    score: float  # title similarity, 0-100
    reason: str
    rule: str = ""
