"""The CUREE 2010 synthesis (seed 001) as an example: its 129 reports coded, as
reconstructed in examples/curee-2010/, give every table the seed prints — Tables 1–9, the
Table 10 typology (14 / 60 / 42 / 12, and the one report the table leaves out) — and its
three filters leave the 28 reports it selected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from litreview.coding import (
    agreed_coding,
    classify,
    frequency,
    load_form,
    read_coding_sheets,
    sheet_override_problems,
    value_problems,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "curee-2010"
PUBLISHED = yaml.safe_load((EXAMPLE / "published.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def studies() -> list[dict[str, str]]:
    form = load_form(EXAMPLE / "screening" / "coding.yaml")
    sheets = read_coding_sheets(EXAMPLE / "screening" / "coding", form)
    assert not value_problems(form, sheets) + sheet_override_problems(form, sheets)
    coding, awaiting = agreed_coding(form, sheets)
    assert not awaiting and len(coding) == PUBLISHED["reports"] == 129
    [typology] = form.typologies
    return [{**values, typology.id: classify(typology, form, values).level}
            for values in coding.values()]


def test_the_cohorts(studies):
    form = load_form(EXAMPLE / "screening" / "coding.yaml")
    assert dict(frequency(form, studies, "cohort").rows) == PUBLISHED["cohorts"]


@pytest.mark.parametrize("printed", PUBLISHED["tables"], ids=lambda t: f"table {t['table']}")
def test_every_printed_table(studies, printed):
    form = load_form(EXAMPLE / "screening" / "coding.yaml")
    table = frequency(form, studies, printed["field"])
    expected = [(row["value"], row["count"])
                for row in printed["rows"] + printed.get("not_printed", [])]
    assert list(table.rows) == expected
    assert table.multiple == printed["more_than_one"] and table.n == 129


def test_the_three_filters_leave_the_28(studies):
    quality = [s for s in studies if s["robustness"] in ("Research", "Evaluation")]
    described = [s for s in quality if s["leadership_described"] == "yes"]
    selected = [s for s in described if s["gap_focus"] == "yes"]
    assert len(selected) == PUBLISHED["selected"] == 28


@pytest.mark.workflow
def test_the_example_runs_129_reports_to_28(tmp_path: Path):
    """The review directory runs with Snakemake: every report mapped, then the filters as
    stages whose rules read the coding — each exclusion counted by PRISMA with its filter."""
    import json
    import shutil

    from conftest import snakemake
    from litreview.core import paths

    review = tmp_path / "curee-2010"
    shutil.copytree(EXAMPLE, review, ignore=shutil.ignore_patterns("results", ".snakemake"))
    run = snakemake(review, "--cores", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    counts = json.loads((review / paths.COUNTS).read_text())
    other = counts["other_methods"]
    assert counts["identification"]["other_sources"] == {"CUREE": 129}
    assert (other["records_screened"], other["reports_assessed"]) == (129, 129)
    assert other["reports_excluded"] == {"F1": 55, "F2": 29, "F3": 17}
    assert counts["included"]["studies"] == PUBLISHED["selected"] == 28
    summary = (review / paths.CODING / "summary.md").read_text()
    assert summary.startswith("# Coding of 129 studies")
    report = (review / paths.REPORT).read_text()
    assert 'id="coding">Coding of the studies' in report
    assert "Types of project evidence and research (CUREE 2010, Table 10)" in report
