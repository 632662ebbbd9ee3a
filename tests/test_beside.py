"""Work beside a stage: done in a second process while the stage goes on, its failure
raised when the stage's block ends."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from litreview.core.beside import beside


def _note(path: Path) -> None:
    path.write_text(str(os.getpid()))


def test_the_work_runs_in_another_process_and_is_done_when_the_block_ends(tmp_path: Path):
    done = tmp_path / "done"
    with beside(lambda: _note(done), jobs=2):
        pass
    assert done.read_text() != str(os.getpid())


def test_with_one_job_the_work_runs_here_first(tmp_path: Path):
    done = tmp_path / "done"
    with beside(lambda: _note(done), jobs=1):
        assert done.read_text() == str(os.getpid())


def test_a_failure_beside_is_raised_when_the_block_ends(tmp_path: Path, capfd):
    ran = []

    def fail() -> None:
        raise OSError("disk full")

    with pytest.raises(RuntimeError, match="beside this stage failed"), beside(fail, jobs=2):
        ran.append("block")
    assert ran == ["block"]  # the stage's own work still ran
    assert "OSError: disk full" in capfd.readouterr().err
