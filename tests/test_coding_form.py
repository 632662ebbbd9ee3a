"""The coding form (``screening/coding.yaml``): a review's own fields, tables and
typologies, read and checked with every problem located."""

from __future__ import annotations

from pathlib import Path

import pytest
from litreview.coding import load_form
from litreview.core.errors import InputError

#: A review about something else than leadership: school meals and attainment.
FORM = """\
codes: {stage: full_text}
fields:
  - id: intervention
    label: Intervention
    type: one_of
    values: [breakfast club, free school meals, nutrition education]
  - id: outcomes
    type: any_of
    values: [attainment, attendance, behaviour]
  - id: sample_size
    type: number
    min: 1
  - id: randomised
    type: yes_no
  - id: country
    type: text
tables:
  - field: intervention
  - {rows: intervention, columns: quality}
typologies:
  - id: quality
    label: Quality of evidence
    override: {field: quality_override, reason: quality_reason}
    levels:
      - level: Strong
        because: randomised, at least 100 pupils
        when:
          - {field: randomised, is: yes}
          - {field: sample_size, at_least: 100}
      - level: Weak
        when:
          - {field: outcomes, count_at_most: 1}
"""


def _form(tmp_path: Path, text: str, stages=("title_abstract", "full_text")):
    path = tmp_path / "coding.yaml"
    path.write_text(text)
    return load_form(path, stages)


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as error:
        _form(tmp_path, text)
    return [str(p) for p in error.value.problems]


def test_a_review_declares_its_own_fields_tables_and_typology(tmp_path: Path):
    form = _form(tmp_path, FORM)
    assert form.codes == "full_text"
    assert [f.id for f in form.fields] == ["intervention", "outcomes", "sample_size",
                                           "randomised", "country"]
    assert form.field("randomised").choices == ("yes", "no")
    assert form.columns[-2:] == ("quality_override", "quality_reason")
    [quality] = form.typologies
    strong = quality.levels[0]
    assert (strong.level, strong.because) == ("Strong", "randomised, at least 100 pupils")
    assert [(c.field, c.test) for c in strong.when] == [("randomised", "is"),
                                                        ("sample_size", "at_least")]
    assert form.tables[1].rows == "intervention" and form.tables[1].columns == "quality"
    assert "leadership" not in repr(form).lower()


@pytest.mark.parametrize(("change", "message", "line"), [
    ("{field: sample_size, at_least: 100}", "", None),
    ("{field: sample_sise, at_least: 100}", "unknown field 'sample_sise' in a rule", 29),
    ("{field: country, at_least: 100}", "'at_least' on the text field 'country'", 29),
    ("{field: outcomes, has: reading}", "value 'reading' is not allowed in 'outcomes'", 29),
    ("{field: randomised, is: maybe}", "value 'maybe' is not allowed in 'randomised'", 29),
    ("{field: sample_size, at_least: 100, at_most: 5}", "a condition sets one test", 29),
])
def test_a_rule_that_cannot_be_answered_is_located(tmp_path: Path, change, message, line):
    text = FORM.replace("{field: sample_size, at_least: 100}", change)
    if not message:
        assert _form(tmp_path, text).typologies
        return
    [problem] = _problems(tmp_path, text)
    assert f"coding.yaml:{line}: {message}" in problem


def test_tables_stages_and_fields_are_checked(tmp_path: Path):
    text = FORM.replace("columns: quality}", "columns: qualty}").replace(
        "{stage: full_text}", "{stage: fulltext}")
    problems = _problems(tmp_path, text)
    joined = "\n".join(problems)
    assert "table 2: unknown field 'qualty'" in joined
    assert "codes: no stage 'fulltext'" in joined


def test_a_field_defined_twice_is_located(tmp_path: Path):
    text = FORM.replace("  - id: country\n    type: text\n",
                        "  - id: country\n    type: text\n  - {id: country, type: text}\n")
    [problem] = _problems(tmp_path, text)
    assert "field 'country' defined twice" in problem and "coding.yaml:17" in problem


def test_the_schema_locates_a_bad_type(tmp_path: Path):
    [problem] = _problems(tmp_path, FORM.replace("type: yes_no", "type: boolean"))
    assert "coding.yaml:14" in problem and "boolean" in problem


def test_an_appraisal_field_must_have_judgements(tmp_path: Path):
    [problem] = _problems(tmp_path, FORM + "appraisal: [randomised, country]\n")
    assert "coding.yaml:33: appraisal: 'country' is not a one_of or yes_no field" in problem
