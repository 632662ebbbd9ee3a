"""End to end: the Snakemake workflow on small review directories."""

from __future__ import annotations

import csv
import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, snakemake


def results_files(review: Path) -> dict[str, bytes]:
    return {str(p.relative_to(review)): p.read_bytes()
            for p in sorted((review / "results").rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_tiny_review_runs_end_to_end(tiny_review: Path):
    run = snakemake(tiny_review)
    assert run.returncode == 0, run.stderr
    counts = json.loads((tiny_review / "results/prisma/counts.json").read_text())
    assert counts["identification"]["databases"] == {"Alpha": 3, "Beta": 2}
    assert counts["databases"]["duplicates_removed"] == 1
    assert counts["other_methods"]["duplicates_removed"] == 1
    assert counts["included"]["studies"] == 1
    for path in ["results/report.html", "results/prisma/flow.svg", "results/dedupe/overlap.csv",
                 "results/dedupe/uncertain_pairs.csv", "results/search/alpha.hits.csv",
                 "results/search/alpha.ovid.txt", "results/search/beta.lint.txt",
                 "results/screening/title_abstract/to_screen.xlsx",
                 "results/screening/full_text/conflicts.csv", "results/audit/manifest.json"]:
        assert (tiny_review / path).is_file(), path
    hits = (tiny_review / "results/search/alpha.hits.csv").read_text().splitlines()
    assert hits[-1] == "#7,Services set,#3 and #6,3"
    manifest = json.loads((tiny_review / "results/audit/manifest.json").read_text())
    assert "screening/decisions/title_abstract-r1.csv" in manifest["inputs"]
    assert manifest["counts"] == counts


def test_two_runs_give_byte_identical_results(tiny_review: Path, tmp_path: Path):
    assert snakemake(tiny_review).returncode == 0
    first = results_files(tiny_review)
    shutil.rmtree(tiny_review / "results")
    shutil.rmtree(tiny_review / ".snakemake")
    assert snakemake(tiny_review).returncode == 0
    second = results_files(tiny_review)
    assert first.keys() == second.keys()
    changed = [name for name in first if first[name] != second[name]]
    assert changed == []


def test_a_second_run_with_no_change_does_nothing(tiny_review: Path):
    assert snakemake(tiny_review).returncode == 0
    again = snakemake(tiny_review)
    assert again.returncode == 0
    assert "Nothing to be done" in again.stdout + again.stderr


def test_undefined_reference_stops_the_run_before_any_result(tiny_review: Path):
    strategy = tiny_review / "search_strategies/alpha.txt"
    strategy.write_text(strategy.read_text().replace("#7 #3 and #6", "#7 #3 and #16"))
    run = snakemake(tiny_review)
    assert run.returncode != 0
    assert "search_strategies/alpha.txt:13:11: #7 refers to #16, an undefined line" in run.stderr
    assert not (tiny_review / "results").exists()


def test_config_typo_stops_the_run_with_one_message(tiny_review: Path):
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace("other_sources:", "other_source:"))
    run = snakemake(tiny_review)
    assert run.returncode != 0
    assert "review.yaml:14: unknown key 'other_source' in the top level (did you mean " \
           "'other_sources'?)" in run.stderr
    assert not (tiny_review / "results").exists()


def test_unknown_record_id_in_a_decision_sheet_is_named(tiny_review: Path):
    sheet = tiny_review / "screening/decisions/full_text-r1.csv"
    sheet.write_text(sheet.read_text() + "alpha-ZZZ,include,,r1,2024-03-01,\n")
    run = snakemake(tiny_review)
    assert run.returncode != 0
    assert f"{Path('screening/decisions/full_text-r1.csv')}:5: unknown record id 'alpha-ZZZ'" \
        in run.stderr
    assert not (tiny_review / "results/prisma/counts.json").exists()


def test_a_bad_decision_row_stops_the_run_before_any_result(tiny_review: Path):
    sheet = tiny_review / "screening/decisions/full_text-r1.csv"
    sheet.write_text(sheet.read_text().replace("alpha-A2,exclude,C2,", "alpha-A2,exclude,C9,"))
    run = snakemake(tiny_review)
    assert run.returncode != 0
    assert f"{Path('screening/decisions/full_text-r1.csv')}:3: unknown reason 'C9'" \
        in run.stderr
    assert not (tiny_review / "results").exists()


def test_a_file_that_is_no_export_stops_the_run_before_any_result(tiny_review: Path):
    export = tiny_review / "data/exports/alpha/alpha_2024-01-10.ris"
    export.write_text("<html><body>Session expired</body></html>\n")
    run = snakemake(tiny_review)
    assert run.returncode != 0
    assert f"{Path('data/exports/alpha/alpha_2024-01-10.ris')}: this is an HTML web page" \
        in run.stderr
    assert not (tiny_review / "results").exists()


def test_a_bad_block_in_an_export_fails_its_import_and_is_named(tiny_review: Path):
    export = tiny_review / "data/exports/alpha/alpha_2024-01-10.ris"
    export.write_text(export.read_text() + "\nTY  - JOUR\nthis line is no RIS tag\n")
    run = snakemake(tiny_review)
    assert run.returncode != 0
    assert "alpha_2024-01-10.ris:" in run.stderr
    assert not (tiny_review / "results/records/alpha.csv").exists()


def test_every_file_with_a_problem_is_named_at_once(tiny_review: Path):
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace("other_sources:", "other_source:"))
    criteria = tiny_review / "screening/criteria.yaml"
    criteria.write_text(criteria.read_text() + "\nstages: [\n")
    strategy = tiny_review / "search_strategies/alpha.txt"
    strategy.write_text(strategy.read_text().replace("#7 #3 and #6", "#7 (#3 and #6"))
    (tiny_review / "data/exports/alpha/alpha_2024-01-10.ris").write_text("<html>expired</html>")
    run = snakemake(tiny_review)
    assert run.returncode != 0
    assert "review.yaml:14: unknown key 'other_source'" in run.stderr
    assert "screening/criteria.yaml:" in run.stderr and "not valid YAML" in run.stderr
    assert "search_strategies/alpha.txt:13:" in run.stderr
    assert "alpha_2024-01-10.ris: this is an HTML web page" in run.stderr
    assert not (tiny_review / "results").exists()


def test_workflow_lint_is_clean():
    run = snakemake(REPO, "--lint")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Lints for" not in run.stdout + run.stderr


def test_slurm_profile_dry_run(tiny_review: Path):
    run = snakemake(tiny_review, "--workflow-profile", str(REPO / "workflow/profiles/slurm"),
                    "--dry-run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "import_records" in run.stdout and "dedupe" in run.stdout


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


def test_the_tiny_fixture_is_untouched_by_runs(tiny_review: Path):
    before = {p: p.read_bytes() for p in tiny_review.rglob("*") if p.is_file()}
    assert snakemake(tiny_review).returncode == 0
    for path, data in before.items():
        assert path.read_bytes() == data, f"the workflow wrote {path}"
    assert filecmp.cmp(tiny_review / "review.yaml",
                       REPO / "tests/fixtures/tiny_review/review.yaml", shallow=False)


def test_rejects_are_set_aside_only_when_the_source_says_so(tiny_review: Path):
    export = tiny_review / "data/exports/alpha/alpha_2024-01-10.ris"
    export.write_text(export.read_text() + "\nAU  - Orphan, A.\nTI  - a block with no TY\n"
                      "ER  - \n")
    run = snakemake(tiny_review)
    assert run.returncode != 0
    assert "alpha_2024-01-10.ris:" in run.stderr
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace(
        "    host: EBSCOhost\n", "    host: EBSCOhost\n    rejects: true\n"))
    run = snakemake(tiny_review)
    assert run.returncode == 0, run.stderr

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
    verify = subprocess.run([sys.executable, "-m", "litreview", "verify", str(tiny_review)],
                            capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_column_mapping_reads_odd_headers(tiny_review: Path):
    export = tiny_review / "data/exports/beta/beta_2024-01-12.csv"
    export.write_text(export.read_text().replace("Title,", "Heading Of Work,", 1))
    config = tiny_review / "review.yaml"
    mapping = "    columns: {title: Heading Of Work}\n"
    config.write_text(config.read_text().replace("    host: Beta online\n",
                                                 "    host: Beta online\n" + mapping))
    run = snakemake(tiny_review)
    assert run.returncode == 0, run.stderr
    assert "LEADERSHIP IN INTEGRATED" in (tiny_review / "results/records/beta.csv").read_text()


def test_snakemake_report(tiny_review: Path):
    assert snakemake(tiny_review).returncode == 0
    run = snakemake(tiny_review, "--report", "snakemake-report.html")
    assert run.returncode == 0, run.stderr[-2000:]
    page = (tiny_review / "snakemake-report.html").read_text(errors="replace")
    assert "flow.svg" in page and "report.html" in page


def test_init_starts_a_review_that_runs(tmp_path: Path):
    from litreview.cli import main

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


def test_prioritised_title_abstract_sheet(tiny_review: Path):
    for name in ("title_abstract-r1.csv", "title_abstract-r2.csv"):
        sheet = tiny_review / "screening/decisions" / name
        sheet.write_text("".join(line for line in sheet.read_text().splitlines(keepends=True)
                                 if not line.startswith("beta-B2,")))
    full_text = tiny_review / "screening/decisions/full_text-r1.csv"
    full_text.write_text(full_text.read_text().replace(
        "beta-B2,exclude,not_retrieved,r1,2024-03-01,not held by any library\n", ""))
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace(
        "  criteria: screening/criteria.yaml\n",
        "  criteria: screening/criteria.yaml\n  prioritise: true\n"))
    run = snakemake(tiny_review)
    assert run.returncode == 0, run.stderr[-2000:]
    sheet = (tiny_review / "results/screening/title_abstract/to_screen.csv").read_text()
    assert sheet.startswith("\"# Ranked: most likely relevant first")
    assert "Callaghan" in sheet
    from litreview.screening.stages import read_sheet

    copy = tiny_review / "title_abstract-x.csv"
    copy.write_text(sheet)
    assert [d.record_id for d in read_sheet(copy, ["title_abstract"]).decisions] == ["beta-B2"]
    stopping = (tiny_review / "results/screening/title_abstract/stopping.txt").read_text()
    assert "Keep screening" in stopping or "may stop" in stopping
    assert "Prioritised screening" in (tiny_review / "results/report.html").read_text()


def test_reports_of_one_study(tiny_review: Path):
    sheet = tiny_review / "screening/decisions/full_text-r1.csv"
    sheet.write_text(sheet.read_text().replace("alpha-A2,exclude,C2,", "alpha-A2,include,,"))
    assert snakemake(tiny_review).returncode == 0
    with open(tiny_review / "results/screening/included.csv", newline="") as handle:
        included = [row["record_id"] for row in csv.DictReader(handle)]
    assert included == ["alpha-A1", "alpha-A2"]
    (tiny_review / "screening/studies.csv").write_text(
        "record_id,study_id\n" + "".join(f"{rid},study-1\n" for rid in included[:2]))
    run = snakemake(tiny_review)
    assert run.returncode == 0, run.stderr
    counts = json.loads((tiny_review / "results/prisma/counts.json").read_text())
    assert counts["included"] == {"studies": len(included) - 1, "reports": len(included)}
    manifest = json.loads((tiny_review / "results/audit/manifest.json").read_text())
    assert "screening/studies.csv" in manifest["inputs"]
    summary = (tiny_review / "results/robustness/summary.md").read_text()
    assert "Awaiting coding: alpha-A1\n" in summary  # one study to code, not two reports
