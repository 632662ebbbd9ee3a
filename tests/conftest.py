"""Shared fixtures: the repository, the shared real data, small review directories, and the
workflow run two ways: by Snakemake, and in process, each job's command as its rule calls it."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from litreview.core.review import Review

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALDATA = REPO.parent / "shared" / "realdata"
#: What a review directory holds besides its results: the example review is this repository.
EXAMPLE_INPUTS = ("review.yaml", "search_strategies", "data", "screening")

#: A new export of the tiny review's Alpha, after its searches: a search update's one new work.
ALPHA_UPDATE = """TY  - JOUR
AU  - Newman, R.
TI  - Leadership of integrated children's services: a follow-up study
JO  - Journal of Integrated Care
PY  - 2024
AB  - Follows leaders of children's trusts in two authorities.
AN  - N1
DB  - Alpha
ER  -
"""

#: CI (``.ci/run``) runs every property test on the same examples, so that main's verdict
#: never depends on a draw; a run here explores new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def realdata(*parts: str) -> Path:
    """A path under ../shared/realdata, or a visible skip when it is not there."""
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent")
    return path


@pytest.fixture
def tiny_review(tmp_path: Path) -> Path:
    """A copy of the tiny review directory, free to change."""
    target = tmp_path / "review"
    shutil.copytree(FIXTURES / "tiny_review", target)
    return target


def copy_example(target: Path) -> Path:
    """A copy of the example review's inputs (this repository's), without its results."""
    target.mkdir()
    for name in EXAMPLE_INPUTS:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def results_files(review: Path) -> dict[str, bytes]:
    """Every result file but the audit manifest (which records when and how it ran)."""
    return {str(p.relative_to(review)): p.read_bytes()
            for p in sorted((review / "results").rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def results_state(review: Path) -> dict[str, bytes]:
    """The result files a run must reproduce byte for byte: all but its logs, the audit
    manifest, and any temporary file a stopped run left."""
    return {str(p.relative_to(review)): p.read_bytes() for p in (review / "results").rglob("*")
            if p.is_file() and "logs" not in p.parts and p.name != "manifest.json"
            and not p.name.endswith(".tmp")}


def assert_same_as_a_clean_run(review: Path, clean: Path) -> None:
    """The review's results are those of a clean run, byte for byte (``results_state``)."""
    assert results_state(review) == results_state(clean)


# --- the workflow by Snakemake ------------------------------------------------------------

def workflow_command(review: Path, cores: int = 1) -> list[str]:
    """The command that runs this repository's workflow on a review directory."""
    return [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
            "-d", str(review), "--cores", str(cores)]


def snakemake(review: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the workflow of this repository on a review directory."""
    return subprocess.run([*workflow_command(review), *args], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example review run once by Snakemake, in a copy: read it, never change it (copy
    it first). Tests that use it share an xdist group (``example``, or ``example-reruns``
    for the two slowest), so that a worker runs it once for each group it takes."""
    review = copy_example(tmp_path_factory.mktemp("example-run") / "review")
    run = snakemake(review, "--cores", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    return review


# --- the workflow in process --------------------------------------------------------------

def workflow_jobs(root: Path, shards: int = 1) -> list[list[str]]:
    """Every job of the workflow on a review, as its rule (workflow/rules/*.smk) calls the
    command line, in an order the rules' inputs allow; paths relative to the review.
    ``shards``: as ``--set-scatter dedupe=N``."""
    from litreview.pipeline.smk import validated_review

    review = validated_review(root)  # what the Snakefile runs first
    return [*_import_jobs(review), *_search_jobs(review), *_later_jobs(review, root, shards)]


def _import_jobs(review: Review) -> list[list[str]]:
    """import.smk: one job per source."""
    from litreview.core import paths
    from litreview.pipeline.smk import import_options

    return [["--log", f"{paths.LOGS}/import/{s.slug}.log", "import", *s.exports,
             "--database", s.name, "--format", s.format, "--searched", s.searched or "",
             *shlex.split(import_options(s)),
             "-o", paths.records(s.slug)] for s in review.sources]


def _search_jobs(review: Review) -> list[list[str]]:
    """search.smk: hits, lint and compile for each database with a strategy."""
    from litreview.core import paths

    jobs = []
    for s in (s for s in review.databases if s.strategy):
        log = f"{paths.LOGS}/search/{s.slug}"
        jobs += [["--log", f"{log}.log", "query", "hits", s.strategy, paths.records(s.slug),
                  "--review", ".", "--format", "csv", "-o", paths.hits(s.slug)],
                 ["--log", f"{log}.lint.log", "query", "lint", s.strategy, "--review", ".",
                  "-o", paths.lint(s.slug)],
                 ["--log", f"{log}.compile.log", "query", "compile", s.strategy, "--to", "all",
                  "--review", ".", "-o", paths.compiled(s.slug, "{platform}")]]
    return jobs


def _dedupe_jobs(records: list[str], pairs: list[str], since: list[str],
                 shards: int) -> list[list[str]]:
    """dedupe.smk: one job, or a plan, ``shards`` shard jobs and their gather."""
    from litreview.core import paths

    logs = paths.LOGS
    outputs = ["-o", paths.UNIQUE, "--groups", paths.GROUPS, "--uncertain", paths.UNCERTAIN,
               "--overlap", paths.OVERLAP]
    if shards == 1:
        return [["--log", f"{logs}/dedupe.log", "dedupe", *records, *outputs, *pairs, *since]]
    items = [f"{k}-of-{shards}" for k in range(1, shards + 1)]
    plan = paths.DEDUPE_PLAN
    return [
        ["--log", f"{logs}/dedupe/plan.log", "dedupe-plan", *records, "--shards", str(shards),
         "--plan", plan, *pairs, *since],
        *(["--log", f"{logs}/dedupe/{item}.log", "dedupe-shard", *records, "--plan", plan,
           "--shard", item, *pairs, "-o", paths.dedupe_shard(item)] for item in items),
        ["--log", f"{logs}/dedupe.log", "dedupe-gather",
         *(paths.dedupe_shard(item) for item in items), "--plan", plan, *outputs],
    ]


def _later_jobs(review: Review, root: Path, shards: int = 1) -> list[list[str]]:
    """dedupe.smk, screen.smk and report.smk: dedupe, screen, prisma, code (with a coding
    form), report, audit."""
    from litreview.core import paths
    from litreview.pipeline.smk import (
        coding_inputs,
        pair_sheet,
        search_sidecars,
        stages,
        studies_sheet,
    )

    records = [paths.records(s.slug) for s in review.sources]
    hits = [paths.hits(s.slug) for s in review.databases if s.strategy]
    ids = stages(review, root)
    agreement = [paths.stage_file(i, "agreement.csv") for i in ids]
    stopping = [paths.stage_file(i, "stopping.txt") for i in ids]
    pairs = [a for sheet in pair_sheet(root) for a in ("--pairs", sheet)]
    studies = [a for sheet in studies_sheet(root) for a in ("--studies", sheet)]
    since = ["--update-of", review.update_of] if review.update_of else []
    coding = bool(coding_inputs(review, root))
    chases = search_sidecars(review, root, kind="citation_searching")
    citations = ["--citations", *chases, "--citation-records", *(
        paths.records(s.slug) for s in review.other_sources
        if s.kind == "citation_searching")] if chases else []
    logs = paths.LOGS
    return [
        *_dedupe_jobs(records, pairs, since, shards),
        ["--log", f"{logs}/screen.log", "screen", "--review", ".", "--unique", paths.UNIQUE,
         "--groups", paths.GROUPS, "--out", paths.SCREENING],
        ["--log", f"{logs}/prisma.log", "prisma", "--review", ".", "--groups", paths.GROUPS,
         "--status", paths.STATUS, "--records", *records, "--rejects",
         *(paths.rejects(s.slug) for s in review.sources), *studies, "-o", paths.COUNTS,
         "--svg", paths.FLOW_SVG, "--png", paths.FLOW_PNG, "--csv", paths.PRISMA_CSV,
         "--prisma-s", paths.PRISMA_S],
        *([["--log", f"{logs}/code.log", "code", "--review", ".", "--unique", paths.UNIQUE,
             "--groups", paths.GROUPS, *studies, "--out", paths.CODING]]
          if coding else []),
        ["--log", f"{logs}/report.log", "report", "--review", ".", "--counts", paths.COUNTS,
         "--flow", paths.FLOW_SVG, "--overlap", paths.OVERLAP, "--hits", *hits,
         "--agreement", *agreement, "--stopping", *stopping, "--included", paths.INCLUDED,
         "--prisma-s", paths.PRISMA_S,
         *(["--coding", paths.CODING] if coding else []), *citations,
         "-o", paths.REPORT],
        ["--log", f"{logs}/audit.log", "audit", "--review", ".", "--counts", paths.COUNTS,
         "--hits", *hits, "--agreement", *agreement,
         *(["--coding", paths.CODING_SUMMARY] if coding else []), "-o", paths.MANIFEST]]


def run_stages(review: Path) -> int:
    """The workflow on a review directory without Snakemake: the Snakefile's check first
    (a ``SystemExit`` with the located messages on a problem), then every job in process,
    in the review directory. Stops at the first job that fails and returns its exit code
    (its message is on stderr); 0 when every job ran."""
    from litreview.cli import main

    with contextlib.chdir(review):
        for job in workflow_jobs(Path(".")):
            code = main(job)
            if code:
                return code
    return 0


@pytest.fixture(scope="session")
def example_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example review's results, made in process once per worker, in a copy: read it,
    never change it (copy it first). Tests that use it share the xdist group ``example``,
    or ``serve`` for the screening app's (a second worker builds its own, in parallel)."""
    review = copy_example(tmp_path_factory.mktemp("example-built") / "review")
    assert run_stages(review) == 0
    return review
