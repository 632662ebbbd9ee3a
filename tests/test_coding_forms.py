"""The ready-made coding forms (``coding/forms/*.yaml``): each loads when a review includes
it by name, and its rules say what its source says."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from litreview.coding import (
    Form,
    Typology,
    classify,
    load_form,
    read_coding_sheets,
    text_of,
    value_problems,
)
from litreview.core.errors import InputError

FORMS = Path(__file__).resolve().parents[1] / "workflow" / "litreview" / "coding" / "forms"
READY = ("curee-table10", "eppi-woe", "mmat", "casp-qualitative")
ANSWERS = ("yes", "can't tell", "no")  # best to worst, as the appraisal figure colours them


def including(tmp_path: Path, *names: str, extra: str = "") -> Form:
    path = tmp_path / "coding.yaml"
    path.write_text(f"include: [{', '.join(names)}]\n{extra}", encoding="utf-8")
    return load_form(path)


def level_of(typology: Typology, coding: dict[str, str]) -> str:
    """The level by the documented reading of a typology (first level whose conditions all
    hold), kept here so the forms' rules are tested before the coding stage applies them."""
    def holds(test: str, cell: str, value: object) -> bool:
        items = [v.strip() for v in cell.split(";") if v.strip()]
        if test == "empty":
            return (cell == "") == value
        if cell == "":
            return False
        if test == "is":
            return cell == text_of(value)
        if test == "in":
            return cell in [text_of(v) for v in value]  # type: ignore[union-attr]
        if test == "has":
            return text_of(value) in items
        if test in ("at_least", "at_most"):
            return float(cell) >= value if test == "at_least" else float(cell) <= value
        return len(items) >= value if test == "count_at_least" else len(items) <= value

    for level in typology.levels:
        if all(holds(c.test, coding.get(c.field, ""), c.value) for c in level.when):
            return level.level
    return typology.unclassified


@pytest.mark.parametrize("name", READY)
def test_each_ready_form_loads_by_name_with_labelled_fields(tmp_path, name):
    form = including(tmp_path, name)
    on_its_own = load_form(FORMS / f"{name}.yaml")
    assert [f.id for f in form.fields] == [f.id for f in on_its_own.fields]
    assert form.fields, name
    for field in form.fields:
        assert field.label and field.help, f"{name}: {field.id} needs a label and help"


def test_all_ready_forms_together_have_no_clashing_ids(tmp_path):
    form = including(tmp_path, *READY)
    ids = [f.id for f in form.fields] + [c for t in form.typologies if t.override
                                         for c in t.override]
    assert len(ids) == len(set(ids))
    assert {t.id for t in form.typologies} == {"robustness", "weight_of_evidence",
                                               "mmat_screening"}


# --- CUREE 2010 Table 10 ----------------------------------------------------------------

def table10(tmp_path: Path) -> Typology:
    return including(tmp_path, "curee-table10").typologies[0]


def conditions(typology: Typology, level: str) -> set[tuple[str, str, str]]:
    found = next(lv for lv in typology.levels if lv.level == level)
    return {(c.field, c.test, text_of(c.value) if not isinstance(c.value, list)
             else ", ".join(map(text_of, c.value))) for c in found.when}


def test_table10_has_its_four_levels_in_order_with_source_and_override(tmp_path):
    typology = table10(tmp_path)
    assert typology.id == "robustness"
    assert [lv.level for lv in typology.levels] == ["Research", "Evaluation", "Monitoring",
                                                    "Description"]
    assert "Table 10" in typology.source
    assert typology.override == ("robustness_override", "override_reason")
    assert typology.unclassified == "Unclassified"
    for level in typology.levels:
        assert level.because.startswith("Table 10: \"")


def test_table10_keeps_the_two_conditions_the_old_rules_dropped(tmp_path):
    typology = table10(tmp_path)
    # Monitoring: "one of which is pupil progress tracking mechanisms, not tailored for the
    # project" and "no evidence about leadership and its development"
    assert {("pupil_tracking", "is", "not tailored"), ("leadership_evidence", "is", "no"),
            ("evidence_sources", "at_most", "2")} <= conditions(typology, "Monitoring")
    # Description: "the evidence did not immediately relate to the reported outcomes"
    assert conditions(typology, "Description") == {("outcome_evidence", "in", "none, unrelated")}
    assert "did not immediately relate" in typology.levels[3].because


def test_table10_prints_every_research_and_evaluation_condition(tmp_path):
    typology = table10(tmp_path)
    assert conditions(typology, "Research") == {
        ("outcome_evidence", "is", "relevant"), ("evidence_sources", "at_least", "2"),
        ("project_specific", "is", "most"), ("triangulated", "is", "yes"),
        ("pre_post", "is", "yes")}
    assert conditions(typology, "Evaluation") == {
        ("outcome_evidence", "is", "relevant"), ("evidence_kinds", "count_at_least", "3"),
        ("evidence_sources", "at_least", "2"), ("project_specific", "in", "some, most"),
        ("tracks_leadership", "is", "yes")}


def test_the_bundled_review_codes_by_table10_and_says_where_it_departs():
    """The root review takes curee-table10 in whole: every study gets a level of the table,
    and every level a coder set says where the study departs from the table."""
    root = FORMS.parents[3]
    form = load_form(root / "screening" / "coding.yaml")
    [sheet] = read_coding_sheets(root / "screening" / "coding", form)
    assert value_problems(form, [sheet]) == []
    typology = next(t for t in form.typologies if t.id == "robustness")
    levels = {row.record_id: classify(typology, form, row.values) for row in sheet.rows}
    assert len(levels) == 25
    assert {c.level for c in levels.values()} <= {"Research", "Evaluation", "Monitoring",
                                                   "Description"}
    overridden = [c for c in levels.values() if c.overridden]
    assert overridden and all(c.computed != c.level for c in overridden)
    assert all(c.because.startswith("Departs from Table 10") for c in overridden)


MONITORING = {"outcome_evidence": "relevant", "evidence_kinds": "test/assessment data",
              "evidence_sources": "1", "project_specific": "no", "triangulated": "no",
              "pre_post": "no", "tracks_leadership": "no", "leadership_evidence": "no",
              "pupil_tracking": "not tailored"}


@pytest.mark.parametrize(("change", "level"), [
    ({}, "Monitoring"),
    # the text's own Description: pupil performance data for distributed leadership
    ({"outcome_evidence": "unrelated"}, "Description"),
    ({"outcome_evidence": "none", "evidence_kinds": "", "evidence_sources": "0"},
     "Description"),
    ({"pupil_tracking": "tailored"}, "Unclassified"),
    ({"pupil_tracking": "none"}, "Unclassified"),
    ({"evidence_sources": "3"}, "Unclassified"),
    ({"leadership_evidence": "yes"}, "Unclassified"),  # leadership described, not tracked
    ({"evidence_kinds": "student perceptions; meeting notes; observation data",
      "evidence_sources": "3", "project_specific": "some", "tracks_leadership": "yes",
      "leadership_evidence": "yes"}, "Evaluation"),
    # two kinds of evidence where Table 10 asks three (the bundled example's overrides)
    ({"evidence_kinds": "interviews; focus groups", "evidence_sources": "2",
      "project_specific": "some", "tracks_leadership": "yes", "leadership_evidence": "yes"},
     "Unclassified"),
    ({"evidence_sources": "2", "project_specific": "most", "triangulated": "yes",
      "pre_post": "yes"}, "Research"),
])
def test_table10_levels_of_coded_reports(tmp_path, change, level):
    assert level_of(table10(tmp_path), {**MONITORING, **change}) == level


# --- EPPI-Centre weight of evidence -----------------------------------------------------

def test_weight_of_evidence_d_follows_the_stated_convention(tmp_path):
    form = including(tmp_path, "eppi-woe")
    typology = form.typologies[0]
    assert typology.id == "weight_of_evidence"
    assert "Gough" in typology.source and "convention" in typology.source
    assert [f.id for f in form.fields] == ["wa", "wb", "wc"]
    for field in form.fields:
        assert (field.type, field.values) == ("one_of", ("high", "medium", "low"))
    for a, b, c in itertools.product(("high", "medium", "low"), repeat=3):
        want = ("high" if (a, b, c) == ("high",) * 3 else
                "low" if "low" in (a, b, c) else "medium")
        assert level_of(typology, {"wa": a, "wb": b, "wc": c}) == want, (a, b, c)
    assert level_of(typology, {"wa": "low", "wb": "high"}) == "not rated"


# --- MMAT 2018 ----------------------------------------------------------------------------

def test_mmat_has_two_screening_questions_and_five_criteria_in_each_of_five_categories(
        tmp_path):
    form = including(tmp_path, "mmat")
    screening = [f for f in form.fields if f.id in ("mmat_s1", "mmat_s2")]
    criteria = [f for f in form.fields if re.fullmatch(r"mmat_\d_\d", f.id)]
    assert len(screening) == 2
    assert [f.id for f in criteria] == [f"mmat_{c}_{k}" for c in range(1, 6)
                                        for k in range(1, 6)]
    for field in screening + criteria:
        assert (field.type, field.values) == ("one_of", ANSWERS), field.id
    assert form.field("mmat_1_1").label.startswith("1.1. Is the qualitative approach")
    assert form.field("mmat_category").values == (
        "qualitative", "quantitative randomized", "quantitative non-randomized",
        "quantitative descriptive", "mixed methods")
    assert len(form.fields) == 2 + 25 + 1


def test_mmat_gives_no_score_only_the_screening_outcome(tmp_path):
    (typology,) = including(tmp_path, "mmat").typologies
    assert typology.id == "mmat_screening" and typology.override is None
    assert {c.field for lv in typology.levels for c in lv.when} == {"mmat_s1", "mmat_s2"}
    assert level_of(typology, {"mmat_s1": "yes", "mmat_s2": "yes"}) == "screening passed"
    assert level_of(typology, {"mmat_s1": "yes", "mmat_s2": "can't tell"}) == \
        "further appraisal may not be feasible"
    assert level_of(typology, {"mmat_s1": "no"}) == "screening not answered"
    text = (FORMS / "mmat.yaml").read_text(encoding="utf-8")
    assert "discourages" in text.split("fields:")[0]


# --- CASP qualitative ---------------------------------------------------------------------

def test_casp_has_ten_questions_the_last_in_words(tmp_path):
    form = including(tmp_path, "casp-qualitative")
    assert [f.id for f in form.fields] == [f"casp_{n}" for n in range(1, 11)]
    assert all((f.type, f.values) == ("one_of", ANSWERS) for f in form.fields[:9])
    assert (form.fields[9].type, form.fields[9].label) == (
        "text", "10. How valuable is the research?")
    assert form.typologies == ()


# --- clashes --------------------------------------------------------------------------------

def test_two_forms_defining_one_field_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(InputError) as raised:
        including(tmp_path, "eppi-woe", "eppi-woe")
    problems = raised.value.problems
    assert [p.message for p in problems] == [f"field '{f}' defined twice"
                                             for f in ("wa", "wb", "wc")]
    assert all(p.file == str(tmp_path / "coding.yaml") for p in problems)
    assert "included form" in problems[0].hint


def test_a_review_field_clashing_with_a_ready_form_is_an_error(tmp_path):
    with pytest.raises(InputError, match="field 'triangulated' defined twice"):
        including(tmp_path, "curee-table10",
                  extra="fields:\n  - id: note\n    type: text\n"
                        "  - id: triangulated\n    type: yes_no\n")


def test_a_clash_is_located_at_the_include_entry_or_the_field(tmp_path):
    with pytest.raises(InputError) as raised:
        including(tmp_path, "curee-table10", "eppi-woe", "eppi-woe")
    assert [p.line for p in raised.value.problems] == [1, 1, 1]
    path = tmp_path / "clash.yaml"
    path.write_text("include: [mmat]\nfields:\n  - id: note\n    type: text\n"
                    "  - id: mmat_s1\n    type: text\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_form(path)
    assert [p.line for p in raised.value.problems] == [5]
