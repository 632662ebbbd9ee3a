"""Checks run before any job: a bad config, strategy or criteria file stops the run early."""

from __future__ import annotations

from pathlib import Path

from litreview.errors import InputError, Problem, raise_if
from litreview.review import Review, load_review
from litreview.screening import Criteria, load_criteria
from litreview.strategies import read_strategy


def preflight(root: str | Path = ".") -> Review:
    """Validate everything that can be checked without running a stage; all problems at once."""
    root = Path(root)
    review = load_review(root)
    problems: list[Problem] = []
    for source in (s for s in review.databases if s.strategy):
        try:
            read_strategy(root / source.strategy)
        except InputError as error:
            problems += error.problems
    try:
        load_criteria(root / review.criteria)
    except InputError as error:
        problems += error.problems
    raise_if(problems)
    return review


def stage_ids(root: str | Path, review: Review) -> list[str]:
    criteria: Criteria = load_criteria(Path(root) / review.criteria)
    return [stage.id for stage in criteria.stages]
