"""A first run without guesswork: one command runs any review, every failure before a run
is the located messages alone, outputs that cannot be written are usage errors, and every
option says what it is."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, workflow_command
from litreview.cli import build_parser, main
from litreview.core import paths

FIRST_RUN = FIXTURES / "first_run"
EXPORT = FIXTURES / "exports" / "ebsco.ris"


# --- litreview run ----------------------------------------------------------------------

class _Ran:
    returncode = 0


def _capture_run(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commands ``litreview run`` would start, instead of starting them."""
    commands: list[list[str]] = []

    def fake_run(command: list[str], **_options: object) -> _Ran:
        commands.append(command)
        return _Ran()

    monkeypatch.setattr(subprocess, "run", fake_run)
    return commands


def test_run_wraps_the_packaged_snakefile_and_profile(tiny_review: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]):
    import litreview.reporting

    commands = _capture_run(monkeypatch)
    (tiny_review / "results/prisma").mkdir(parents=True)
    (tiny_review / "results/prisma/counts.json").write_text("{}")
    monkeypatch.setattr(litreview.reporting, "summary_text", lambda c: "Identification\n")
    assert main(["run", str(tiny_review), "--cores", "3", "--", "--dry-run", "-p"]) == 0
    assert commands == [[sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
                         "-d", str(tiny_review), "--workflow-profile",
                         str(REPO / "workflow/profiles/default"), "--cores", "3",
                         "--dry-run", "-p"]]
    assert "Identification" not in capsys.readouterr().out  # a dry run: no flow printed


def test_a_failed_run_says_the_report_is_the_last_finished_runs(
        tiny_review: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    _capture_run(monkeypatch)
    monkeypatch.setattr(_Ran, "returncode", 1)
    counts = tiny_review / "results/prisma/counts.json"
    counts.parent.mkdir(parents=True)
    counts.write_text("{}")
    assert main(["run", str(tiny_review)]) == 1
    said = capsys.readouterr()
    assert "results/prisma/counts.json are from the last run that finished" in said.err
    assert said.out == ""  # no flow printed from the old counts


def test_run_prints_the_flow_after_a_run(tiny_review: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]):
    import litreview.reporting

    monkeypatch.chdir(tiny_review)
    commands = _capture_run(monkeypatch)
    counts = tiny_review / "results/prisma/counts.json"
    counts.parent.mkdir(parents=True)
    counts.write_text('{"boxes": 1}')
    monkeypatch.setattr(litreview.reporting, "summary_text", lambda c: f"flow of {c}\n")
    assert main(["run"]) == 0
    assert commands[0][commands[0].index("-d") + 1] == "."
    assert "--cores" not in commands[0]  # the profile's
    assert "flow of {'boxes': 1}" in capsys.readouterr().out


def test_passthrough_belongs_to_run_only():
    from litreview.cli.run import split_passthrough

    assert split_passthrough(["run", "r", "--", "--unlock"]) == (["run", "r"], ["--unlock"])
    assert split_passthrough(["import", "--", "-odd.ris"]) == (["import", "--", "-odd.ris"], [])


def test_run_outside_a_review_names_no_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]):
    commands = _capture_run(monkeypatch)
    assert main(["run", str(tmp_path)]) == 2
    assert "no review config here" in capsys.readouterr().err
    assert commands == []  # nothing started


@pytest.mark.workflow
def test_run_dry_run_for_real(tiny_review: Path):
    """One real Snakemake process: the packaged Snakefile and profile are found."""
    run = subprocess.run([sys.executable, "-m", "litreview", "run", str(tiny_review), "--",
                          "--dry-run"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "import_records" in run.stdout + run.stderr
    assert not (tiny_review / "results").exists()


# --- init --------------------------------------------------------------------------------

def test_init_prints_the_real_command_and_writes_a_coding_form(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from litreview.coding import load_form, read_coding_sheets

    review = tmp_path / "my review"
    assert main(["init", str(review)]) == 0
    out = capsys.readouterr().out
    assert "<litreview>" not in out
    assert f"run '{review}'" in out and str(REPO / "Snakefile") in out
    form = load_form(review / "screening/coding.yaml")  # a valid form to start from
    [sheet] = read_coding_sheets(review / "screening/coding", form)
    assert Path(sheet.path).read_text().strip().split(",") == list(form.columns)
    assert sheet.rows == ()  # a valid, empty sheet
    shutil.copy(FIXTURES / "tiny_review/data/exports/alpha/alpha_2024-01-10.ris",
                review / "data/exports/eric/eric_2024-01-31.ris")
    assert main(["check", str(review)]) == 0


def test_init_ignores_results_in_git_and_keeps_a_gitignore_already_there(tmp_path: Path):
    review = tmp_path / "fresh"
    assert main(["init", str(review)]) == 0
    assert {"results/", ".snakemake/", "report.zip"} <= set(
        (review / ".gitignore").read_text().split())
    ours = tmp_path / "repo"
    ours.mkdir()
    (ours / ".gitignore").write_text("*.bak\n")  # the team's own: never overwritten
    assert main(["init", str(ours)]) == 0
    assert (ours / ".gitignore").read_text() == "*.bak\n"


# --- outside a review --------------------------------------------------------------------

def test_verify_outside_a_review_says_there_is_none(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]):
    assert main(["verify", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no review config here" in err and "audit manifest" not in err


def test_snakemake_outside_a_review_mentions_d(tmp_path: Path):
    from litreview.pipeline.smk import validated_review

    with pytest.raises(SystemExit) as stop:
        validated_review(tmp_path)
    message = str(stop.value.code)
    assert "-d REVIEW_DIR" in message and "litreview run" in message
    assert str(REPO / "Snakefile") in message


# --- before a run: the messages alone ---------------------------------------------------

@pytest.mark.workflow
def test_failed_validation_prints_only_the_messages(tiny_review: Path):
    """The one Snakemake run that stops in the Snakefile's check: Snakemake adds nothing to
    the messages (the messages themselves are tested in process, in test_workflow)."""
    shutil.copy(FIRST_RUN / "misspelt_review.yaml", tiny_review / "review.yaml")
    run = subprocess.run(workflow_command(tiny_review), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert lines[0] == "error: the review's inputs have problems; nothing was run:"
    assert "  review.yaml:2: unknown key 'titel' in review (did you mean 'title'?)" in lines
    assert all(line.startswith("  review.yaml") for line in lines[1:]), run.stderr
    assert "Snakefile" not in run.stderr and "Traceback" not in run.stderr
    assert not (tiny_review / "results").exists()


# --- check knows the imported records ----------------------------------------------------

def _import_all(review: Path) -> None:
    from litreview.core.review import load_review

    for source in load_review(review).sources:
        exports = [str(review / e) for e in source.exports]
        out = review / paths.records(source.slug)
        assert main(["import", *exports, "--database", source.name, "-o", str(out)]) == 0


def test_check_finds_unknown_record_ids_once_imported(tiny_review: Path,
                                                      capsys: pytest.CaptureFixture[str]):
    shutil.copy(FIRST_RUN / "title_abstract-r3.csv", tiny_review / "screening/decisions")
    assert main(["check", str(tiny_review)]) == 0  # not imported: ids wait for the run
    assert "checked when the workflow runs" in capsys.readouterr().out
    _import_all(tiny_review)
    capsys.readouterr()
    assert main(["check", str(tiny_review)]) == 2
    err = capsys.readouterr().err
    assert "title_abstract-r3.csv:3: unknown record id 'alpha-A9'" in err
    assert "alpha-A1" not in err
    (tiny_review / "screening/decisions/title_abstract-r3.csv").unlink()
    assert main(["check", str(tiny_review)]) == 0
    assert "record ids name imported records" in capsys.readouterr().out


def test_check_still_knows_the_ids_after_the_config_is_edited(
        tiny_review: Path, capsys: pytest.CaptureFixture[str]):
    """An edit to review.yaml alone changes no record id: check goes on checking them."""
    _import_all(tiny_review)
    shutil.copy(FIRST_RUN / "title_abstract-r3.csv", tiny_review / "screening/decisions")
    config = tiny_review / "review.yaml"
    later = (tiny_review / paths.records("alpha")).stat().st_mtime + 10
    os.utime(config, (later, later))
    capsys.readouterr()
    assert main(["check", str(tiny_review)]) == 2
    assert "unknown record id 'alpha-A9'" in capsys.readouterr().err


def test_check_waits_for_the_run_when_an_export_is_newer(tiny_review: Path,
                                                         capsys: pytest.CaptureFixture[str]):
    _import_all(tiny_review)
    shutil.copy(FIRST_RUN / "title_abstract-r3.csv", tiny_review / "screening/decisions")
    export = next((tiny_review / "data/exports/alpha").iterdir())
    later = (tiny_review / paths.records("alpha")).stat().st_mtime + 10
    os.utime(export, (later, later))
    capsys.readouterr()
    assert main(["check", str(tiny_review)]) == 0
    assert "checked when the workflow runs" in capsys.readouterr().out


# --- outputs that cannot be written ------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["import", str(EXPORT), "--database", "x", "-o", "{folder}"],
    ["dedupe", "r.csv", "-o", "u.csv", "--groups", "{folder}"],
    ["prisma", "--svg", "{folder}"],
    ["report", "-o", "{folder}"],
    ["--log", "{folder}", "summary"],
])
def test_an_output_naming_a_folder_is_a_usage_error(argv: list[str], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(SystemExit) as stop:
        main([a.replace("{folder}", str(folder)) for a in argv])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"{folder} is a folder; name a file" in err and "Traceback" not in err


def test_an_output_folder_naming_a_file_is_a_usage_error(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]):
    (tmp_path / "summary").write_text("")
    with pytest.raises(SystemExit) as stop:
        main(["code", "--out", str(tmp_path / "summary")])
    assert stop.value.code == 2
    assert "is a file; name a folder" in capsys.readouterr().err


def test_an_output_in_a_read_only_folder_is_a_usage_error(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access  # root may write anywhere: the folder says no for any user
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != locked
                        and real_access(path, mode))
    with pytest.raises(SystemExit) as stop:
        main(["import", str(EXPORT), "--database", "x", "-o", str(locked / "sub/r.csv")])
    assert stop.value.code == 2
    assert f"cannot write in {locked}" in capsys.readouterr().err


def test_a_write_refused_mid_command_is_a_message(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]):
    import tempfile

    def refuse(*_args: object, dir: str = "", **_options: object) -> None:
        raise PermissionError(13, "Permission denied", str(Path(dir) / ".r.csv.k2j_x8qa.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert main(["import", str(EXPORT), "--database", "x", "-o", str(tmp_path / "r.csv")]) == 2
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'r.csv'}: Permission denied" in err  # the file, not the temporary


# --- every option says what it is --------------------------------------------------------

def _actions(parser: argparse.ArgumentParser, name: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for command, sub in action.choices.items():
                yield f"{name} {command}", "(the command itself)", helps.get(command)
                yield from _actions(sub, f"{name} {command}")
        elif not isinstance(action, argparse._HelpAction):
            yield name, "/".join(action.option_strings) or action.dest, action.help


def test_every_option_has_help():
    missing = [f"{command}: {option}" for command, option, text in
               _actions(build_parser(), "litreview")
               if not text or text == argparse.SUPPRESS]
    assert missing == []
