"""Checks run before any job: a bad config, strategy, criteria file, export or decision
sheet stops the run before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.paths import records as records_path
from litreview.core.review import Review, load_review, search_date
from litreview.screening import Criteria, Sheet, load_criteria, read_sheets, sheet_problems
from litreview.search import read_strategy

DEFAULT_CRITERIA = "screening/criteria.yaml"


@dataclass(frozen=True, slots=True)
class Checked:
    """A review that passed the checks, and whether its decision sheets' record ids could
    be checked too (only against records imported from the exports as they are now)."""

    review: Review
    record_ids_checked: bool
    warnings: tuple[Problem, ...] = ()  # sheets read, but not as written (a legacy encoding)


def preflight(root: str | Path = ".") -> Review:
    """Validate everything that can be checked without running a stage; all problems at once.

    Exports are only looked at (their first bytes), not read: an empty, binary, archived
    or HTML file stops the run here; a bad block inside an export stops its import job.
    Decision sheets are checked for all that needs no records (decisions, reasons, notes,
    rows decided twice); an unknown record id stops the screening job. (The run does not
    check ids against records it may be about to import again: that could refuse the
    very run that would make them right.)
    """
    return check_review(root, records=False).review


def check_review(root: str | Path = ".", *, records: bool = True) -> Checked:
    """:func:`preflight`, and with ``records``, the decision sheets' record ids checked
    against the imported records when they are current; says whether they were."""
    root = Path(root)
    try:
        review = load_review(root)
    except InputError as error:  # say what else is wrong too, where it can be known
        raise InputError(error.problems + _problems_without_config(root)) from None
    problems: list[Problem] = _export_problems(root, review)
    for source in (s for s in review.databases if s.strategy):
        problems += _problems(read_strategy, root / source.strategy)
    criteria_problems = _problems(load_criteria, root / review.criteria)
    ids = imported_ids(root, review) if records else None
    sheets_said, warnings = ([], []) if criteria_problems else _sheet_problems(root, review, ids)
    raise_if(problems + criteria_problems + sheets_said)
    return Checked(review, ids is not None, tuple(warnings))


def _sheet_problems(root: Path, review: Review,
                    ids: frozenset[str] | None) -> tuple[list[Problem], list[Problem]]:
    """The decision sheets' problems — all that does not need the records, and unknown
    record ids when the imported records' ``ids`` are known — and their reading warnings."""
    criteria = load_criteria(root / review.criteria, review.source_names())
    try:
        sheets = read_sheets(root / review.decisions, [s.id for s in criteria.stages])
    except InputError as error:
        return list(error.problems), []
    problems = sheet_problems(sheets, criteria)
    problems += unknown_record_ids(sheets, ids) if ids is not None else []
    return problems, [w for sheet in sheets for w in sheet.warnings]


def imported_ids(root: Path, review: Review) -> frozenset[str] | None:
    """Every imported record's id, when each source's records file is there and not older
    than any of its exports; ``None`` when the run has still to import (or import again).
    An edit to the config alone does not count: it leaves the records' ids as they are,
    and the run that follows imports again only what changed."""
    from litreview.core.records import read_records

    paths = [root / records_path(source.slug) for source in review.sources]
    try:
        if any(_modified(root / given) > _modified(path)
               for source, path in zip(review.sources, paths, strict=True)
               for given in source.exports):
            return None
        return frozenset(r.record_id for path in paths for r in read_records(path))
    except (OSError, InputError, UnicodeDecodeError):  # not there, or not readable: the
        return None                                     # import job will say why


def _modified(path: Path) -> float:
    return path.stat().st_mtime


def unknown_record_ids(sheets: list[Sheet], ids: frozenset[str]) -> list[Problem]:
    """Decisions whose record id names no imported record, or several (a bare accession
    number shared by two databases' records)."""
    from litreview.core.records import RecordIdError, RecordIds

    index = RecordIds(ids)
    problems = []
    for sheet in sheets:
        for d in sheet.decisions:
            try:
                index.resolve(d.record_id)
            except RecordIdError as error:
                problems.append(Problem(d.file, str(error), d.line) if error.candidates else
                                Problem(d.file, f"unknown record id '{d.record_id}'", d.line,
                                        hint="no imported record has it; copy ids from "
                                             "results/screening/<stage>/to_screen.csv"))
    return problems


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
    from litreview.importers import HEAD_SIZE, detect_format, refuse

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
    criteria: Criteria = load_criteria(Path(root) / review.criteria,
                                        review.source_names())
    return [stage.id for stage in criteria.stages]
