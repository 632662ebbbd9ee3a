"""Checks run before any job: a bad config, strategy, criteria file, export or decision
sheet stops the run before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from litreview.errors import InputError, Problem, raise_if
from litreview.review import Review, load_review, search_date
from litreview.screening import Criteria, load_criteria, read_sheets, sheet_problems
from litreview.strategies import read_strategy

DEFAULT_CRITERIA = "screening/criteria.yaml"


def preflight(root: str | Path = ".") -> Review:
    """Validate everything that can be checked without running a stage; all problems at once.

    Exports are only looked at (their first bytes), not read: an empty, binary, archived
    or HTML file stops the run here; a bad block inside an export stops its import job.
    Decision sheets are checked for all that needs no records (decisions, reasons, notes,
    rows decided twice); an unknown record id stops the screening job.
    """
    root = Path(root)
    try:
        review = load_review(root)
    except InputError as error:  # say what else is wrong too, where it can be known
        raise InputError(error.problems + _problems_without_config(root)) from None
    problems: list[Problem] = _export_problems(root, review)
    for source in (s for s in review.databases if s.strategy):
        problems += _problems(read_strategy, root / source.strategy)
    criteria_problems = _problems(load_criteria, root / review.criteria)
    problems += criteria_problems or _sheet_problems(root, review)
    raise_if(problems)
    return review


def _sheet_problems(root: Path, review: Review) -> list[Problem]:
    """The decision sheets, checked for all that does not need the records."""
    criteria = load_criteria(root / review.criteria)
    try:
        sheets = read_sheets(root / review.decisions, [s.id for s in criteria.stages])
    except InputError as error:
        return list(error.problems)
    return sheet_problems(sheets, criteria)


def update_hints(review: Review) -> list[str]:
    """Warnings about search dates: exports dated after their database's search in a review
    that declares no update (a forgotten ``update_of``?), or, in an update, exports whose
    name gives no date (which version's are they?)."""
    if review.update_of:  # an update: every export should say when it was searched
        return [f"{source.name}: {export} has no search date in its name, so it counts as "
                f"searched on {source.searched} ("
                + ("the update" if review.search_round(source.searched) else
                   "the previous version")
                + f"); name it {source.slug}_YYYY-MM-DD{Path(export).suffix} to say when"
                for source in review.sources for export in source.exports
                if not search_date(export, "")]
    last = max((s.searched for s in review.sources if s.searched), default="")
    hints = []
    for source in review.sources:
        later = sorted(e for e in source.exports
                       if source.searched and search_date(e, "") > source.searched)
        if later:
            hints.append(f"{source.name}: {later[0]} is dated after its search of "
                         f"{source.searched}; for a search update, set update_of: {last} "
                         "(the previous version's last search) under review: in review.yaml")
    return hints


def _problems_without_config(root: Path) -> list[Problem]:
    """With the config unreadable, what else is surely wrong in the usual places: the
    criteria, strategy syntax, and files under data/ that cannot be exports at all."""
    criteria = root / DEFAULT_CRITERIA
    problems = _problems(load_criteria, criteria) if criteria.is_file() else []
    for strategy in sorted((root / "search_strategies").glob("*.txt")):
        problems += _problems(read_strategy, strategy)
    for folder in ("data/exports", "data/other"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not path.name.startswith(".") and path.suffix != ".md":
                problems += _sniff(path, "any")
    return problems


def _problems(check: Callable[[Path], object], path: Path) -> list[Problem]:
    """The problems ``check`` raises for ``path``, as a list (empty when it passes)."""
    try:
        check(path)
    except InputError as error:
        return list(error.problems)
    return []


def _export_problems(root: Path, review: Review) -> list[Problem]:
    """Files that cannot be exports at all, found from their first bytes."""
    return [problem for source in review.sources for export in source.exports
            for problem in _sniff(root / export, source.format)]


def _sniff(path: Path, fmt: str) -> list[Problem]:
    """What the first bytes of ``path`` say against its being an export: in ``fmt``, in
    any known format (``auto``), or at all (``any``: only what no export can be)."""
    from litreview.importers.detect import HEAD_SIZE, detect_format, refuse

    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_SIZE)
        if fmt == "auto":
            detect_format(path, head)
        else:
            refuse(path, head, "auto" if fmt == "any" else fmt)
    except InputError as error:
        return list(error.problems)
    except OSError as error:
        return [Problem(str(path), f"cannot read the file: {error.strerror}")]
    return []



def stage_ids(root: str | Path, review: Review) -> list[str]:
    criteria: Criteria = load_criteria(Path(root) / review.criteria)
    return [stage.id for stage in criteria.stages]
