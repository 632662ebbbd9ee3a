"""End to end on small review directories: what needs Snakemake runs it (marked
``workflow``, sharing one run of the tiny review); the rest runs the workflow's jobs in
process (``run_stages``), which one test holds to writing what Snakemake writes."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import ALPHA_UPDATE, FIXTURES, REPO, results_files, run_stages, snakemake
from litreview.cli import main
from litreview.core import paths
from litreview.core.records import read_records

#: The tests that share the tiny review's Snakemake run go to one xdist worker.
TINY_RUN = pytest.mark.xdist_group("tiny-run")
DECISIONS = Path("screening/decisions")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny review run once by Snakemake, in a copy: read it, never change it."""
    review = tmp_path_factory.mktemp("tiny-run") / "review"
    shutil.copytree(FIXTURES / "tiny_review", review)
    run = snakemake(review)
    assert run.returncode == 0, run.stderr[-3000:]
    return review


# --- Snakemake: the run, a rerun, the report ------------------------------------------------

@pytest.mark.workflow
@TINY_RUN
def test_tiny_review_runs_end_to_end(tiny_run: Path):
    counts = json.loads((tiny_run / "results/prisma/counts.json").read_text())
    assert counts["identification"]["databases"] == {"Alpha": 3, "Beta": 2}
    assert counts["databases"]["duplicates_removed"] == 1
    assert counts["other_methods"]["duplicates_removed"] == 1
    assert counts["included"]["studies"] == 1
    for path in ["results/report.html", "results/prisma/flow.svg", "results/dedupe/overlap.csv",
                 "results/dedupe/uncertain_pairs.csv", "results/search/alpha.hits.csv",
                 "results/search/alpha.ovid.txt", "results/search/beta.lint.txt",
                 "results/screening/title_abstract/to_screen.xlsx",
                 "results/screening/full_text/conflicts.csv", "results/audit/manifest.json"]:
        assert (tiny_run / path).is_file(), path
    hits = (tiny_run / "results/search/alpha.hits.csv").read_text().splitlines()
    assert hits[-1] == "#7,Services set,#3 and #6,3"
    manifest = json.loads((tiny_run / "results/audit/manifest.json").read_text())
    assert "screening/decisions/title_abstract-r1.csv" in manifest["inputs"]
    assert manifest["counts"] == counts


@pytest.mark.workflow
@TINY_RUN
def test_the_tiny_fixture_is_untouched_by_runs(tiny_run: Path):
    for path in (p for p in (FIXTURES / "tiny_review").rglob("*") if p.is_file()):
        copy = tiny_run / path.relative_to(FIXTURES / "tiny_review")
        assert copy.read_bytes() == path.read_bytes(), f"the workflow wrote {copy}"


@pytest.mark.workflow
@TINY_RUN
def test_a_forced_rerun_gives_byte_identical_results(tiny_run: Path, tmp_path: Path):
    again = tmp_path / "review"
    shutil.copytree(tiny_run, again, symlinks=True)
    run = snakemake(again, "--forceall")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Nothing to be done" not in run.stdout + run.stderr
    first, second = results_files(tiny_run), results_files(again)
    assert first.keys() == second.keys()
    changed = [name for name in first if first[name] != second[name]]
    assert changed == []


@pytest.mark.workflow
@TINY_RUN
def test_a_second_run_with_no_change_does_nothing(tiny_run: Path):
    again = snakemake(tiny_run)
    assert again.returncode == 0
    assert "Nothing to be done" in again.stdout + again.stderr


@pytest.mark.workflow
@TINY_RUN
def test_snakemake_report(tiny_run: Path, tmp_path: Path):
    run = snakemake(tiny_run, "--report", str(tmp_path / "snakemake-report.html"))
    assert run.returncode == 0, run.stderr[-2000:]
    page = (tmp_path / "snakemake-report.html").read_text(errors="replace")
    assert "flow.svg" in page and "report.html" in page


def use_every_option(review: Path) -> None:
    """Switch on every input the rules pass on as an option or only when present: a search
    update, rejects set aside, a column mapping, a duplicate-pair sheet and a studies sheet."""
    alpha = review / "data/exports/alpha/alpha_2024-01-10.ris"
    alpha.write_text(alpha.read_text() + "\nAU  - Orphan, A.\nTI  - a block with no TY\n"
                     "ER  - \n")
    (review / "data/exports/alpha/alpha_2024-06-01.ris").write_text(ALPHA_UPDATE)
    beta = review / "data/exports/beta/beta_2024-01-12.csv"
    beta.write_text(beta.read_text().replace("Title,", "Heading Of Work,", 1))
    config = review / "review.yaml"
    config.write_text(config.read_text()
                      .replace("  title: Tiny review\n", "  title: Tiny review\n"
                               "  update_of: 2024-01-20\n")
                      .replace("    host: EBSCOhost\n", "    host: EBSCOhost\n    rejects: true\n")
                      .replace("    host: Beta online\n", "    host: Beta online\n"
                               "    columns: {title: Heading Of Work}\n"))
    (review / "screening/duplicate_pairs.csv").write_text(
        "record_a,record_b,decision\nalpha-A1,alpha-A2,different\n")
    sheet = review / DECISIONS / "full_text-r1.csv"
    sheet.write_text(sheet.read_text().replace("alpha-A2,exclude,C2,", "alpha-A2,include,,"))
    (review / "screening/studies.csv").write_text(
        "record_id,study_id\nalpha-A1,study-1\nalpha-A2,study-1\n")


@pytest.mark.workflow
@TINY_RUN
def test_the_jobs_in_process_write_what_the_workflow_writes(tiny_run: Path, tmp_path: Path,
                                                            tiny_review: Path):
    """``run_stages`` calls each job as its rule does: on the tiny review, and after a rerun
    in which every optional input appears or changes (Snakemake reruns what they touch and
    passes each on), the results are the same bytes."""
    assert run_stages(tiny_review) == 0
    assert results_files(tiny_review) == results_files(tiny_run)
    rerun = tmp_path / "rerun"
    shutil.copytree(tiny_run, rerun, symlinks=True)
    use_every_option(rerun)
    run = snakemake(rerun)
    assert run.returncode == 0, run.stderr[-3000:]
    use_every_option(tiny_review)
    assert run_stages(tiny_review) == 0
    workflow, in_process = results_files(rerun), results_files(tiny_review)
    assert workflow.keys() == in_process.keys()
    assert [name for name in workflow if workflow[name] != in_process[name]] == []
    counts = json.loads((rerun / "results/prisma/counts.json").read_text())  # each option
    assert counts["review_type"] == "update" and counts["per_source"]["Alpha"]["set_aside"] == 1
    assert counts["total"] == {"studies": 1, "reports": 2}  # reached its job
    assert "1 reviewer decisions applied" in (rerun / "results/logs/dedupe.log").read_text()
    assert any("LEADERSHIP IN INTEGRATED" in r.title
               for r in read_records(rerun / paths.records("beta")))


# --- Snakemake: other ways to start it ------------------------------------------------------

@pytest.mark.workflow
def test_workflow_lint_is_clean():
    run = snakemake(REPO, "--lint")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Lints for" not in run.stdout + run.stderr


@pytest.mark.workflow
def test_slurm_profile_dry_run(tiny_review: Path):
    run = snakemake(tiny_review, "--workflow-profile", str(REPO / "workflow/profiles/slurm"),
                    "--dry-run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "import_records" in run.stdout and "dedupe" in run.stdout


@pytest.mark.workflow
def test_init_starts_a_review_that_runs(tmp_path: Path):
    review = tmp_path / "new"
    assert main(["init", str(review), "--title", "Leadership and integrated services"]) == 0
    assert main(["init", str(review)]) == 2  # never overwrites a review
    shutil.copy(REPO / "tests/fixtures/tiny_review/data/exports/alpha/alpha_2024-01-10.ris",
                review / "data/exports/eric/eric_2024-01-31.ris")
    run = snakemake(review)
    assert run.returncode == 0, run.stderr[-2000:]
    counts = json.loads((review / "results/prisma/counts.json").read_text())
    assert counts["identification"]["databases"] == {"ERIC": 3}
    assert counts["databases"]["excluded_automation"] == 3  # all before 2010, the limit


@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_cli_entry_points(how, tmp_path: Path):
    """Both ways to call the installed package work, from any directory."""
    import subprocess
    import sys

    command = ([str(Path(sys.executable).parent / "litreview")] if how == "console script"
               else [sys.executable, "-m", "litreview"])
    run = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "usage: litreview" in run.stdout
    missing = subprocess.run([*command, "summary", "nowhere.json"], capture_output=True,
                             text=True, cwd=tmp_path)
    assert missing.returncode == 2
    assert "nowhere.json: file not found" in missing.stderr


# --- in process: a problem stops the run, and says where --------------------------------------

def stopped_before_any_job(review: Path) -> str:
    """What the Snakefile's check exits with, before any job: every problem, located."""
    with pytest.raises(SystemExit) as stop:
        run_stages(review)
    assert not (review / "results").exists()
    return str(stop.value.code)


def test_undefined_reference_stops_the_run_before_any_result(tiny_review: Path):
    strategy = tiny_review / "search_strategies/alpha.txt"
    strategy.write_text(strategy.read_text().replace("#7 #3 and #6", "#7 #3 and #16"))
    assert "search_strategies/alpha.txt:13:11: #7 refers to #16, an undefined line" \
        in stopped_before_any_job(tiny_review)


def test_config_typo_stops_the_run_with_one_message(tiny_review: Path):
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace("other_sources:", "other_source:"))
    assert "review.yaml:14: unknown key 'other_source' in the top level (did you mean " \
           "'other_sources'?)" in stopped_before_any_job(tiny_review)


def test_a_bad_decision_row_stops_the_run_before_any_result(tiny_review: Path):
    sheet = tiny_review / DECISIONS / "full_text-r1.csv"
    sheet.write_text(sheet.read_text().replace("alpha-A2,exclude,C2,", "alpha-A2,exclude,C9,"))
    assert f"{DECISIONS / 'full_text-r1.csv'}:3: unknown reason 'C9'" \
        in stopped_before_any_job(tiny_review)


def test_a_file_that_is_no_export_stops_the_run_before_any_result(tiny_review: Path):
    export = tiny_review / "data/exports/alpha/alpha_2024-01-10.ris"
    export.write_text("<html><body>Session expired</body></html>\n")
    assert f"{Path('data/exports/alpha/alpha_2024-01-10.ris')}: this is an HTML web page" \
        in stopped_before_any_job(tiny_review)


def test_every_file_with_a_problem_is_named_at_once(tiny_review: Path):
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace("other_sources:", "other_source:"))
    criteria = tiny_review / "screening/criteria.yaml"
    criteria.write_text(criteria.read_text() + "\nstages: [\n")
    strategy = tiny_review / "search_strategies/alpha.txt"
    strategy.write_text(strategy.read_text().replace("#7 #3 and #6", "#7 (#3 and #6"))
    (tiny_review / "data/exports/alpha/alpha_2024-01-10.ris").write_text("<html>expired</html>")
    said = stopped_before_any_job(tiny_review)
    assert "review.yaml:14: unknown key 'other_source'" in said
    assert "screening/criteria.yaml:" in said and "not valid YAML" in said
    assert "search_strategies/alpha.txt:13:" in said
    assert "alpha_2024-01-10.ris: this is an HTML web page" in said


def test_unknown_record_id_in_a_decision_sheet_is_named(tiny_review: Path,
                                                        capsys: pytest.CaptureFixture[str]):
    sheet = tiny_review / DECISIONS / "full_text-r1.csv"
    sheet.write_text(sheet.read_text() + "alpha-ZZZ,include,,r1,2024-03-01,\n")
    assert run_stages(tiny_review) != 0  # the screening job
    assert f"{DECISIONS / 'full_text-r1.csv'}:5: unknown record id 'alpha-ZZZ'" \
        in capsys.readouterr().err
    assert not (tiny_review / "results/prisma/counts.json").exists()


def test_a_bad_block_in_an_export_fails_its_import_and_is_named(
        tiny_review: Path, capsys: pytest.CaptureFixture[str]):
    export = tiny_review / "data/exports/alpha/alpha_2024-01-10.ris"
    export.write_text(export.read_text() + "\nTY  - JOUR\nthis line is no RIS tag\n")
    assert run_stages(tiny_review) != 0
    assert "alpha_2024-01-10.ris:" in capsys.readouterr().err
    assert not (tiny_review / paths.records("alpha")).exists()


# --- in process: what the results say -------------------------------------------------------

def test_rejects_are_set_aside_only_when_the_source_says_so(tiny_review: Path,
                                                           capsys: pytest.CaptureFixture[str]):
    export = tiny_review / "data/exports/alpha/alpha_2024-01-10.ris"
    export.write_text(export.read_text() + "\nAU  - Orphan, A.\nTI  - a block with no TY\n"
                      "ER  - \n")
    assert run_stages(tiny_review) != 0
    assert "alpha_2024-01-10.ris:" in capsys.readouterr().err
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace(
        "    host: EBSCOhost\n", "    host: EBSCOhost\n    rejects: true\n"))
    assert run_stages(tiny_review) == 0

    with open(tiny_review / "results/records/alpha.rejects.csv", newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert len(rejects) == 1
    assert rejects[0]["file"] == "data/exports/alpha/alpha_2024-01-10.ris"
    assert rejects[0]["raw"].startswith("AU  - Orphan, A.")
    assert "Alpha: 3 records imported, 1 rejected" in (
        tiny_review / "results/logs/import/alpha.log").read_text()
    # the counts say so: identified, then removed before screening for that reason
    counts = json.loads((tiny_review / "results/prisma/counts.json").read_text())
    assert counts["identification"]["databases"]["Alpha"] == 4
    assert counts["per_source"]["Alpha"]["set_aside"] == 1
    assert counts["databases"]["excluded_other_reasons"] == 1
    assert "Removed for other reasons (n\u00a0=\u00a01)" in (
        tiny_review / "results/prisma/flow.svg").read_text()
    assert main(["verify", str(tiny_review)]) == 0, capsys.readouterr()


def test_a_column_mapping_reads_odd_headers(tiny_review: Path):
    export = tiny_review / "data/exports/beta/beta_2024-01-12.csv"
    export.write_text(export.read_text().replace("Title,", "Heading Of Work,", 1))
    config = tiny_review / "review.yaml"
    mapping = "    columns: {title: Heading Of Work}\n"
    config.write_text(config.read_text().replace("    host: Beta online\n",
                                                 "    host: Beta online\n" + mapping))
    assert run_stages(tiny_review) == 0
    assert any("LEADERSHIP IN INTEGRATED" in r.title
               for r in read_records(tiny_review / paths.records("beta")))


def test_prioritised_title_abstract_sheet(tiny_review: Path):
    for name in ("title_abstract-r1.csv", "title_abstract-r2.csv"):
        sheet = tiny_review / DECISIONS / name
        sheet.write_text("".join(line for line in sheet.read_text().splitlines(keepends=True)
                                 if not line.startswith("beta-B2,")))
    full_text = tiny_review / DECISIONS / "full_text-r1.csv"
    full_text.write_text(full_text.read_text().replace(
        "beta-B2,exclude,not_retrieved,r1,2024-03-01,not held by any library\n", ""))
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace(
        "  criteria: screening/criteria.yaml\n",
        "  criteria: screening/criteria.yaml\n  prioritise: true\n"))
    assert run_stages(tiny_review) == 0
    sheet = (tiny_review / "results/screening/title_abstract/to_screen.csv").read_text()
    assert sheet.startswith("\"# Ranked: most likely relevant first")
    assert "Callaghan" in sheet
    from litreview.screening import read_sheet

    copy = tiny_review / "title_abstract-x.csv"  # the sheet as a reviewer's, notes and all
    copy.write_text(sheet)
    assert read_sheet(copy, ["title_abstract"]).decisions == ()  # nothing decided yet
    rows = list(csv.reader(io.StringIO(sheet)))
    header = next(i for i, row in enumerate(rows) if row[0] == "record_id")
    decision = rows[header].index("decision")
    for row in rows[header + 1:]:
        row[decision] = "include" if row[0] == "beta-B2" else ""
    filled = io.StringIO()
    csv.writer(filled).writerows(rows)
    copy.write_text(filled.getvalue())
    assert [d.record_id for d in read_sheet(copy, ["title_abstract"]).decisions] == ["beta-B2"]
    stopping = (tiny_review / "results/screening/title_abstract/stopping.txt").read_text()
    assert "Keep screening" in stopping or "may stop" in stopping
    assert "Prioritised screening" in (tiny_review / "results/report.html").read_text()


def test_reports_of_one_study(tiny_review: Path):
    sheet = tiny_review / DECISIONS / "full_text-r1.csv"
    sheet.write_text(sheet.read_text().replace("alpha-A2,exclude,C2,", "alpha-A2,include,,"))
    (tiny_review / "screening/coding.yaml").write_text(
        "fields: [{id: design, type: text}]\n")  # a form, nothing coded yet
    assert run_stages(tiny_review) == 0
    with open(tiny_review / "results/screening/included.csv", newline="") as handle:
        included = [row["record_id"] for row in csv.DictReader(handle)]
    assert included == ["alpha-A1", "alpha-A2"]
    (tiny_review / "screening/studies.csv").write_text(
        "record_id,study_id\n" + "".join(f"{rid},study-1\n" for rid in included[:2]))
    assert run_stages(tiny_review) == 0
    counts = json.loads((tiny_review / "results/prisma/counts.json").read_text())
    assert counts["included"] == {"studies": len(included) - 1, "reports": len(included)}
    manifest = json.loads((tiny_review / "results/audit/manifest.json").read_text())
    assert "screening/studies.csv" in manifest["inputs"]
    summary = (tiny_review / "results/robustness/summary.md").read_text()
    # one study to code, not two reports
    assert "Awaiting an agreed coding, not counted: alpha-A1\n" in summary
