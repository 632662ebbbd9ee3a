"""Glue for the Snakefile: the validated review, its sheets, and the options of its jobs."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from litreview.core import paths
from litreview.core.errors import InputError
from litreview.core.paths import PAIR_SHEET, STUDIES_SHEET
from litreview.core.review import (
    CONFIG_NAME,
    Review,
    Source,
    decision_files,
    search_records,
)
from litreview.pipeline.preflight import preflight, stage_ids, update_hints
from litreview.pipeline.scaffold import REPOSITORY

#: Dedupe shard jobs (``dedupe.smk``): 1 deduplicates in one job; ``--set-scatter dedupe=N``
#: (the SLURM profile sets it) plans N shards, groups each in a job of its own and gathers
#: them into the same files, byte for byte.
DEDUPE_SHARDS = 1


def validated_review(root: str | Path = ".") -> Review:
    """The review config, strategies and criteria, checked before any job runs.

    On a problem, prints one located message per problem and exits: a ``SystemExit``
    is the one way out of a Snakefile that Snakemake does not decorate with a traceback.
    """
    try:
        review = preflight(root)
    except InputError as error:
        sys.exit(failure_text(error, Path(root)))
    for hint in update_hints(review):
        print(f"warning: {hint}", file=sys.stderr)
    return review


def failure_text(error: InputError, root: Path) -> str:
    """What a run stopped before any job prints: the problems, and outside a review, how
    to name one."""
    if not (root / CONFIG_NAME).is_file():
        return (f"error: {root.resolve()} is not a review directory (no {CONFIG_NAME}); "
                f"name the review with -d: snakemake -s {REPOSITORY / 'Snakefile'} "
                "-d REVIEW_DIR, or run 'litreview run REVIEW_DIR'")
    lines = "".join(f"\n  {problem}" for problem in error.problems)
    return f"error: the review's inputs have problems; nothing was run:{lines}"


def stages(review: Review, root: str | Path = ".") -> list[str]:
    """The ids of the review's screening stages, the screening rule's output folders."""
    return stage_ids(root, review)


def decision_sheets(review: Review, root: str | Path = ".") -> list[str]:
    """The review's decision sheets, the screening rule's inputs."""
    return decision_files(review, root)


def coding_inputs(review: Review, root: str | Path = ".") -> list[str]:
    """The coding form and the coders' sheets, when the review has a form (else none:
    there is nothing to code)."""
    root = Path(root)
    if not (root / review.coding).is_file():
        return []
    folder = root / review.coding_sheets
    sheets = sorted(str(p.relative_to(root)) for p in folder.glob("coding*")
                    if p.suffix.lower() in (".csv", ".xlsx")) if folder.is_dir() else []
    return [review.coding, *sheets]


def search_sidecars(review: Review, root: str | Path = ".", kind: str = "") -> list[str]:
    """What each search litreview sent recorded beside its export (``*.search.json``), for
    PRISMA-S: the databases' and the citation searching's (``litreview search citations``);
    ``kind``: only the sources of that kind (``citation_searching``, for the report)."""
    sources = [*review.databases, *(s for s in review.other_sources
                                    if s.kind == "citation_searching")]
    return sorted({f for source in sources if not kind or source.kind == kind
                   for f in search_records(source, root)})


def studies_sheet(root: str | Path = ".") -> list[str]:
    """The sheet linking reports of one study, when the review has one."""
    return [STUDIES_SHEET] if (Path(root) / STUDIES_SHEET).is_file() else []


def studies_option(wildcards: object, input: object) -> str:
    """``--studies FILE`` for a rule whose input names the studies sheet, when there is one."""
    studies = getattr(input, "studies", None)
    return f"--studies {shlex.quote(str(studies))}" if studies else ""


def pair_sheet(root: str | Path = ".") -> list[str]:
    """The reviewer's duplicate-pair decisions, when the review has them."""
    return [PAIR_SHEET] if (Path(root) / PAIR_SHEET).is_file() else []


def import_options(source: Source) -> str:
    """Command-line options for one source's import: column mapping, and where rejects go.

    The rejects file is always written (empty when nothing was set aside), so the rule's
    outputs are the same for every source.
    """
    options = []
    if source.columns:
        mapping = ",".join(f"{field}={header}" for field, header in source.columns)
        options.append(f"--columns {shlex.quote(mapping)}")
    options.append(f"--rejects {shlex.quote(paths.rejects(source.slug))}")
    if not source.rejects:
        options.append("--no-set-aside")
    return " ".join(options)


def pairs_option(wildcards: object, input: Any) -> str:
    """The ``--pairs`` option of a dedupe job: the reviewers' pair sheet when there is one."""
    return f"--pairs {input.pairs}" if input.pairs else ""


def plan_written(wildcards: object, output: Any) -> str:
    """The folder of the dedupe plan a job writes (its files are the job's output)."""
    return str(Path(output[0]).parent)


def plan_read(wildcards: object, input: Any) -> str:
    """The folder of the dedupe plan a job reads (its files are the job's ``plan`` input)."""
    return str(Path(input.plan[0]).parent)
