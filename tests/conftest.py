"""Shared fixtures: the repository, the shared real data, and small review directories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALDATA = REPO.parent / "shared" / "realdata"

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


def workflow_command(review: Path, cores: int = 1) -> list[str]:
    """The command that runs this repository's workflow on a review directory."""
    return [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
            "-d", str(review), "--cores", str(cores)]


def snakemake(review: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the workflow of this repository on a review directory."""
    return subprocess.run([*workflow_command(review), *args], capture_output=True, text=True,
                          timeout=600)
