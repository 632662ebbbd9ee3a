"""``litreview code``: a review with a coding form of its own (school meals, not leadership)
gets its own summary — its fields, its typology, its tables — and nothing of the bundled
review's."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

import pytest
from conftest import run_stages
from litreview.cli import main
from litreview.core import paths

FORM = """\
codes: {stage: full_text}   # every report read in full, included or not
fields:
  - {id: intervention, label: Intervention, type: one_of,
     values: [breakfast club, free school meals, nutrition lessons]}
  - {id: outcomes, label: Outcomes measured, type: any_of,
     values: [attainment, attendance, behaviour]}
  - {id: randomised, label: Randomised, type: yes_no}
  - {id: pupils, label: Pupils, type: number, min: 1}
tables:
  - field: intervention
  - field: outcomes
  - {rows: intervention, columns: quality}
typologies:
  - id: quality
    label: Quality of the trial
    override: {field: quality_override, reason: quality_reason}
    levels:
      - level: Strong
        because: randomised with at least 100 pupils
        when: [{field: randomised, is: yes}, {field: pupils, at_least: 100}]
      - level: Weak
        when: []
"""
HEADER = "record_id,intervention,outcomes,randomised,pupils,quality_override,quality_reason\n"


@pytest.fixture
def coded_review(tiny_review: Path) -> Path:
    assert run_stages(tiny_review) == 0
    (tiny_review / "screening" / "coding.yaml").write_text(FORM)
    sheets = tiny_review / "screening" / "coding"
    sheets.mkdir()
    (sheets / "coding-c1.csv").write_text(
        HEADER + "alpha-A1,breakfast club,attainment; attendance,yes,240,,\n"
                 "alpha-A2,free school meals,behaviour,no,35,,\n")
    (sheets / "coding-c2.csv").write_text(
        HEADER + "alpha-A1,Breakfast club,attendance; attainment,yes,240,,\n"
                 "alpha-A2,nutrition lessons,behaviour,no,35,,\n")
    (sheets / "coding.csv").write_text(  # the coders disagreed on A2: settled here
        HEADER + "alpha-A2,free school meals,behaviour,no,35,Strong,a cluster trial in all "
                 "but name\n")
    return tiny_review


def _code(review: Path) -> int:
    with contextlib.chdir(review):
        return main(["code", "--review", ".", "--unique", paths.UNIQUE,
                     "--groups", paths.GROUPS, "--out", paths.CODING])


def test_a_review_of_its_own_gets_its_own_summary(coded_review: Path):
    assert _code(coded_review) == 0
    out = coded_review / paths.CODING
    summary = (out / "summary.md").read_text()
    assert summary.startswith("# Coding of 2 studies")
    assert "2 studies were coded; 1 await an agreed coding" in summary  # beta-B2: not yet
    assert "Awaiting an agreed coding, not counted: beta-B2" in summary
    for label in ("Intervention", "Outcomes measured", "Quality of the trial"):
        assert label in summary
    assert "more than one may apply" in summary  # outcomes is multi-valued
    studies = {r["record_id"]: r for r in csv.DictReader((out / "studies.csv").open())}
    words = summary
    for study in studies.values():  # the records' own titles aside
        words = words.replace(study["title"], "")
    for word in ("leadership", "narrowing", "vulnerable", "robustness", "Research"):
        assert word.casefold() not in words.casefold()
    assert studies["alpha-A1"]["quality"] == "Strong"
    assert studies["alpha-A1"]["quality_because"] == "randomised with at least 100 pupils"
    assert studies["alpha-A2"]["quality"] == "Strong"  # overridden, with its reason
    assert studies["alpha-A2"]["quality_overridden"] == "yes"
    agreement = {r["field"]: r for r in csv.DictReader((out / "agreement.csv").open())}
    assert agreement["intervention"]["both_coded"] == "2"
    assert agreement["intervention"]["agreed"] == "1"  # case does not count as a difference
    assert agreement["outcomes"]["agreed"] == "2"  # the same set, in another order
    conflicts = list(csv.DictReader((out / "conflicts.csv").open()))
    assert [(c["record_id"], c["field"]) for c in conflicts] == [("alpha-A2", "intervention")]


def test_a_value_the_form_does_not_allow_is_located(coded_review: Path, capsys):
    sheet = coded_review / "screening" / "coding" / "coding-c1.csv"
    sheet.write_text(sheet.read_text().replace("breakfast club", "breakfast clubs")
                     + "nobody-X9,breakfast club,attainment,yes,10,,\n")
    assert _code(coded_review) == 2
    err = capsys.readouterr().err
    assert "coding-c1.csv:2: " in err and "breakfast clubs" in err
    assert "coding-c1.csv:4: record 'nobody-X9' is not a record of this review" in err


def test_a_record_screened_out_since_it_was_coded_is_set_aside(coded_review: Path, capsys):
    """The row stays in the sheet, is listed and warned of, and is not counted."""
    sheet = coded_review / "screening" / "coding" / "coding-c1.csv"
    sheet.write_text(sheet.read_text() + "websites-WEB-2,breakfast club,attainment,yes,10,,\n")
    assert _code(coded_review) == 0
    assert ("coding-c1.csv:4: 'websites-WEB-2' is coded but no longer coded here"
            in capsys.readouterr().err)
    summary = (coded_review / paths.CODING / "summary.md").read_text()
    assert summary.startswith("# Coding of 2 studies")
    assert "websites-WEB-2 (screening/coding/coding-c1.csv:4)" in summary


def test_a_review_without_a_form_codes_nothing(tiny_review: Path, capsys):
    assert run_stages(tiny_review) == 0
    assert _code(tiny_review) == 0
    assert "no coding form" in capsys.readouterr().err
    assert not (tiny_review / paths.CODING).exists()


def test_the_workflow_codes_when_the_review_has_a_form(tiny_review: Path):
    """The workflow's jobs (as its rules call them; Snakemake runs the same ``code`` rule on
    the bundled review, whose form it compares with these jobs) code a review with a form,
    the report shows the coding, and the audit manifest hashes the form and the sheets."""
    import json

    (tiny_review / "screening" / "coding.yaml").write_text(FORM)
    sheets = tiny_review / "screening" / "coding"
    sheets.mkdir()
    (sheets / "coding.csv").write_text(
        HEADER + "alpha-A1,breakfast club,attainment,yes,240,,\n")
    assert run_stages(tiny_review) == 0
    summary = (tiny_review / paths.CODING / "summary.md").read_text()
    assert summary.startswith("# Coding of 1 study")
    report = (tiny_review / paths.REPORT).read_text()
    assert 'id="coding">Coding of the studies' in report and "Quality of the trial" in report
    for words in ("Focus of the leadership studied", "narrowing the gap", "Design"):
        assert words not in report and words not in summary  # nothing of the bundled review
    inputs = json.loads((tiny_review / paths.MANIFEST).read_text())["inputs"]
    assert {"screening/coding.yaml", "screening/coding/coding.csv"} <= set(inputs)


FILTER_STAGE = """\
  - id: quality
    name: Quality of evidence
    kind: eligibility
    include_passing: true
    automatic:
      - {criterion: C1, coded: quality, allowed: [Strong]}
"""


def test_coded_levels_feed_a_later_stage(tiny_review: Path):
    """CUREE's filters: a stage after the coded one whose rule reads the typology level —
    a record that fails is excluded with the criterion as reason (so PRISMA counts it),
    one that passes is included, one not coded yet awaits its coding."""
    criteria = tiny_review / "screening" / "criteria.yaml"
    criteria.write_text(criteria.read_text() + FILTER_STAGE)
    (tiny_review / "screening" / "decisions" / "full_text-r1.csv").write_text(
        "record_id,decision,reason,reviewer,date,note\n"
        "alpha-A1,include,,r1,2024-03-01,\nalpha-A2,include,,r1,2024-03-01,\n"
        "beta-B2,include,,r1,2024-03-01,\n")
    (tiny_review / "screening" / "coding.yaml").write_text(FORM)
    sheets = tiny_review / "screening" / "coding"
    sheets.mkdir()
    (sheets / "coding.csv").write_text(HEADER + "alpha-A1,breakfast club,attainment,yes,240,,\n"
                                                "alpha-A2,breakfast club,attainment,no,35,,\n")
    assert run_stages(tiny_review) == 0
    status = [r for r in csv.DictReader((tiny_review / paths.STATUS).open())
              if r["stage"] == "quality"]
    assert [(r["record_id"], r["status"], r["reason"], r["decided_by"]) for r in status] == [
        ("alpha-A1", "included", "", "automation"),
        ("alpha-A2", "automation", "C1", "automation"),
        ("beta-B2", "awaiting", "", "")]
    included = (tiny_review / paths.INCLUDED).read_text()
    assert "alpha-A1" in included and "alpha-A2" not in included


def test_a_rule_on_a_field_the_form_lacks_is_refused(tiny_review: Path, capsys):
    criteria = tiny_review / "screening" / "criteria.yaml"
    criteria.write_text(criteria.read_text() + FILTER_STAGE.replace("coded: quality",
                                                                    "coded: qualty"))
    (tiny_review / "screening" / "coding.yaml").write_text(FORM)
    assert run_stages(tiny_review) == 2
    assert "stage quality: a rule reads 'qualty', which the coding form does not have" in \
        capsys.readouterr().err


def test_the_appraisal_figure_draws_the_fields_the_form_names(coded_review: Path):
    import xml.etree.ElementTree as ET

    form = coded_review / "screening" / "coding.yaml"
    form.write_text(form.read_text() + "appraisal: [randomised]\n")
    assert _code(coded_review) == 0
    root = ET.fromstring((coded_review / paths.CODING / "appraisal.svg").read_text())
    svg = "{http://www.w3.org/2000/svg}"
    assert len(list(root.iter(f"{svg}circle"))) == 2  # two studies, one criterion
    form.write_text(FORM)
    assert _code(coded_review) == 0
    assert not (coded_review / paths.CODING / "appraisal.svg").exists()


def test_defaults_are_the_reviews_files_from_anywhere(coded_review: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    """``--review DIR`` from another folder: the default inputs and outputs are DIR's."""
    monkeypatch.chdir(tmp_path)
    assert main(["code", "--review", str(coded_review)]) == 0
    assert (coded_review / paths.CODING / "summary.md").is_file()
    assert not (tmp_path / "results").exists()
