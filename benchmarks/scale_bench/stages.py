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
from typing import Any

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
    with contextlib.chdir(review):
        every = _conftest().workflow_jobs(Path("."), shards)
    return [(stage, job) for job in every if (stage := stage_of(job)) is not None]


def _measured(command: list[str], cwd: Path, output: Any, limit: float | None = None,
              env: dict[str, str] | None = None) -> tuple[float, int, Any, bool]:
    """Run ``command`` (its output to the open file ``output``), stopped after ``limit``
    seconds: its wall time, exit code, resource use (``os.wait4``) and whether it was
    stopped. The files written before it are flushed to disk first: their write-back is
    not its time."""
    os.sync()
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=output,
                             stderr=subprocess.STDOUT)
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
    return time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage, stopped


def _conftest() -> Any:
    """``tests/conftest.py``: the one place the rules' command lines are."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    import conftest

    return conftest


def run(review: Path, stage: str, argv: list[str], limit: float | None = None) -> Run:
    """``python -m litreview ARGV`` in ``review``, stopped after ``limit`` seconds; stops
    the benchmark when it fails."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "workflow")}
    with tempfile.TemporaryFile() as output:
        wall, code, usage, stopped = _measured([sys.executable, "-m", "litreview", *argv],
                                               review, output, limit, env)
        output.seek(0)
        errors = output.read().decode("utf-8", "replace")
    if code and not stopped:
        log = review / argv[1]
        detail = log.read_text(encoding="utf-8")[-2000:] if log.is_file() else ""
        raise SystemExit(f"{stage} failed ({code}): {' '.join(argv)}\n"
                         f"{errors[-2000:]}\n{detail}")
    return Run(stage, tuple(argv), wall, usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss / 1024, stopped)


def snakemake_run(review: Path, shards: int = 1, cores: int = 2) -> Run:
    """The whole workflow as a team runs it: Snakemake on ``cores`` cores, from no results.
    Its peak is the largest process of the run (``os.wait4`` gives the largest of the
    waited-for tree: Snakemake and every job's process)."""
    for made in ("results", ".snakemake"):
        shutil.rmtree(review / made, ignore_errors=True)
    argv = [*_conftest().workflow_command(review, cores),
            *(("--set-scatter", f"dedupe={shards}") if shards > 1 else ())]
    with tempfile.TemporaryFile() as output:
        wall, code, usage, _ = _measured(argv, review, output)
        if code:
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
