"""The example review on a real SLURM cluster, through the workflow's SLURM profile: every
job goes through sbatch (deduplication in shard jobs, as the profile sets), and the results
are those of a local run (one dedupe job), byte for byte.

Needs a cluster that answers (`.ci/slurm-up` starts a one-node one; `make test-slurm` runs
this test). Without one the test is skipped, naming what is missing, unless
``LITREVIEW_REQUIRE_SLURM=1`` (CI), when it fails instead."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO, assert_same_as_a_clean_run, copy_example

pytestmark = [pytest.mark.slurm, pytest.mark.workflow, pytest.mark.xdist_group("example")]

PROFILE = REPO / "workflow" / "profiles" / "slurm"
#: What .ci/slurm-up said last (its success, or what could not start).
SLURM_UP_STATUS = Path(os.environ.get("SLURM_UP_STATUS", "/run/slurm-up.status"))
#: The test cluster has no slurmdbd: the plugin asks slurmctld (squeue) for job states
#: rather than sacct, and checks them every 2 s rather than after 40 s.
TEST_CLUSTER = ("--slurm-status-command", "squeue",
                "--slurm-init-seconds-before-status-checks", "2")


def cluster_problem() -> str | None:
    """Why no SLURM cluster answers here, or None when a node is ready for jobs."""
    if shutil.which("sinfo") is None or shutil.which("sacct") is None:
        return "sinfo/sacct are not installed"
    try:
        sinfo = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True,
                               timeout=20)
    except subprocess.TimeoutExpired:
        return "sinfo did not answer within 20 s"
    if sinfo.returncode != 0:
        return f"sinfo failed: {(sinfo.stderr.strip().splitlines() or ['no message'])[-1]}"
    states = sinfo.stdout.split()
    if not {"idle", "mix"} & set(states):
        return f"no idle node (sinfo: {' '.join(states) or 'no nodes'})"
    return None


@pytest.fixture(scope="session")
def slurm_cluster() -> None:
    """A SLURM cluster that answers, or the test skipped (failed when required) saying why.
    Session-scoped and first in the test's arguments, so it is checked before the local run."""
    problem = cluster_problem()
    if problem is None:
        return
    said = SLURM_UP_STATUS.read_text().strip() if SLURM_UP_STATUS.is_file() else ""
    reason = f"no SLURM cluster: {problem}" + (f"; .ci/slurm-up said: {said}" if said else
                                               "; start one with .ci/slurm-up")
    if os.environ.get("LITREVIEW_REQUIRE_SLURM") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def sacct_jobs(since: datetime) -> list[dict[str, str]]:
    """The jobs SLURM completed since then, from its job completion log (sacct -c)."""
    fields = ("JobID", "JobName", "State", "WorkDir")
    listed = subprocess.run(["sacct", "-c", "-n", "-P", "-S", since.strftime("%Y-%m-%dT%H:%M:%S"),
                             "-o", ",".join(fields)],
                            capture_output=True, text=True, timeout=60, check=True)
    return [dict(zip(fields, line.split("|"), strict=True))
            for line in listed.stdout.splitlines() if line.strip()]


def submitted(said: str) -> dict[str, str]:
    """The SLURM job id of each job Snakemake submitted, with its rule (from its log path)."""
    return dict(re.findall(r"submitted with SLURM jobid (\d+) \(log: \S*/slurm_logs/rule_(\w+)/",
                           said))


def test_the_example_on_slurm_is_the_example_run_locally(slurm_cluster: None,
                                                         example_run: Path, tmp_path: Path):
    review = copy_example(tmp_path / "review")
    since = datetime.now() - timedelta(minutes=1)
    run = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
                          "-d", str(review), "--workflow-profile", str(PROFILE), *TEST_CLUSTER],
                         capture_output=True, text=True, timeout=1200)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said[-4000:]

    # every job Snakemake ran but the target rule went through sbatch, and SLURM's
    # accounting lists it as completed, under the run's name, in the review directory
    run_id = re.search(r"SLURM run ID: (\S+)", said)
    assert run_id and run_id[1].startswith("litreview_"), said[-2000:]
    ran = Counter(re.findall(r"^rule (\w+):$", said, flags=re.MULTILINE))
    assert {"import_records", "search_hits", "dedupe_plan", "dedupe", "screen", "prisma",
            "report", "audit"} <= ran.keys(), ran
    assert ran["dedupe_shard"] == 4, ran  # the profile's set-scatter: dedupe in 4 shards
    assert re.findall(r"^localrule (\w+):$", said, flags=re.MULTILINE) == ["all"]
    jobs = submitted(said)
    completed = {job["JobID"] for job in sacct_jobs(since)
                 if job["JobName"] == run_id[1] and job["State"] == "COMPLETED"
                 and Path(job["WorkDir"]) == review}
    assert completed == set(jobs), (completed ^ set(jobs), said[-2000:])
    assert Counter(jobs.values()) == ran

    # and they wrote what the local run writes
    assert_same_as_a_clean_run(review, example_run)
