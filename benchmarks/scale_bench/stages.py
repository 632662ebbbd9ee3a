"""The workflow's jobs on a generated review, each the ``litreview`` command its rule calls
(``tests/conftest.py`` ``workflow_jobs``), each in a process of its own: wall time, CPU
time and peak RSS from ``os.wait4`` of that child."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scale_bench import REPO

#: The stages measured, in the order the workflow runs them, and how a job is recognised.
STAGES = ("import", "search hits", "dedupe", "screen", "prisma")


@dataclass(frozen=True)
class Run:
    """One process: its stage, the job's command line, and what it cost."""

    stage: str
    argv: tuple[str, ...]
    wall: float
    cpu: float
    peak_mb: float
    stopped: bool = False  # over the time limit: stopped, its figures are lower bounds


def stage_of(job: list[str]) -> str | None:
    """The measured stage a job belongs to (None: lint, compile, report, audit)."""
    command = job[2]
    if command == "query":
        return "search hits" if job[3] == "hits" else None
    if command.startswith("dedupe-"):  # a sharded dedupe's plan, shards and gather
        return "dedupe"
    return command if command in STAGES else None


def jobs(review: Path, shards: int = 1) -> list[tuple[str, list[str]]]:
    """The measured jobs, as the rules call them, in workflow order (``shards``: as
    ``--set-scatter dedupe=N``)."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    from conftest import workflow_jobs  # the one place the rules' command lines are

    with contextlib.chdir(review):
        every = workflow_jobs(Path("."), shards)
    return [(stage, job) for job in every if (stage := stage_of(job)) is not None]


def run(review: Path, stage: str, argv: list[str], limit: float | None = None) -> Run:
    """``python -m litreview ARGV`` in ``review``, stopped after ``limit`` seconds; stops
    the benchmark when it fails."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "workflow")}
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "litreview", *argv], cwd=review,
                                 env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        stopped = False
        while limit is not None:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > limit:
                child.kill()  # the child this function started, by its own handle
                stopped = True
                limit = None
            else:
                time.sleep(0.05)
        if limit is None:
            _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    if child.returncode and not stopped:
        log = review / argv[1]
        detail = log.read_text(encoding="utf-8")[-2000:] if log.is_file() else ""
        raise SystemExit(f"{stage} failed ({child.returncode}): {' '.join(argv)}\n"
                         f"{errors[-2000:]}\n{detail}")
    return Run(stage, tuple(argv), wall, usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss / 1024, stopped)


def snakemake_run(review: Path, shards: int = 1, cores: int = 2) -> Run:
    """The whole workflow as a team runs it: Snakemake on ``cores`` cores, from no results.
    Its peak is the largest process of the run (``os.wait4`` gives the largest of the
    waited-for tree: Snakemake and every job's process)."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    from conftest import workflow_command

    for made in ("results", ".snakemake"):
        shutil.rmtree(review / made, ignore_errors=True)
    argv = [*workflow_command(review, cores),
            *(("--set-scatter", f"dedupe={shards}") if shards > 1 else ())]
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=review, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            output.seek(0)
            raise SystemExit("the workflow failed:\n"
                             + output.read().decode("utf-8", "replace")[-3000:])
    return Run("workflow", tuple(argv), wall, usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss / 1024)


def rows(path: Path) -> int:
    """The data rows of a CSV file, or the rows of a Parquet file."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    with open(path, encoding="utf-8", newline="") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)
