"""Typology levels (conditions, first match, unclassified, overrides) and the frequency and
cross-tables, on a small nutrition-trials review of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from litreview.coding.form import Condition, Field, Form, Level, Typology, load_form
from litreview.coding.tables import (
    CSV_HEADER,
    CountTable,
    CrossTable,
    cross,
    frequency,
    table_csv_rows,
    table_markdown,
)
from litreview.coding.typology import Classified, classify, holds, override_problems

ONE_OF = Field("intervention", "one_of", values=("supplement", "diet", "education"))
ANY_OF = Field("outcomes", "any_of", values=("weight", "blood pressure", "HbA1c"), open=True)
YES_NO = Field("randomised", "yes_no")
NUMBER = Field("sample_size", "number")
TEXT = Field("country", "text")


@pytest.mark.parametrize("field, test, given, value, expected", [
    (ONE_OF, "is", "diet", "diet", True),
    (ONE_OF, "is", "diet", " Diet ", True),          # case and spaces ignored
    (ONE_OF, "is", "diet", "supplement", False),
    (ONE_OF, "is", "diet", "", False),
    (YES_NO, "is", True, "yes", True),               # YAML read `is: yes` as a truth
    (YES_NO, "is", True, "Yes", True),
    (YES_NO, "is", False, "no", True),
    (YES_NO, "is", False, "yes", False),
    (NUMBER, "is", 120, "120.0", True),              # numbers compared as numbers
    (TEXT, "is", "UK", "UK", True),
    (TEXT, "is", "UK", "uk", False),                 # text is compared as written
    (ONE_OF, "in", ["diet", "education"], "education", True),
    (ONE_OF, "in", ["diet", "education"], "supplement", False),
    (YES_NO, "in", [True], "yes", True),
    (ONE_OF, "in", "diet", "diet", True),            # a single value, not a list
    (ANY_OF, "has", "weight", "blood pressure; weight", True),
    (ANY_OF, "has", "weight", "blood pressure;weightloss", False),
    (ANY_OF, "has", "HbA1c", "hba1c", True),
    (NUMBER, "at_least", 100, "100", True),
    (NUMBER, "at_least", 100, " 1,200 ", True),      # a number given as text
    (NUMBER, "at_least", 100, "99", False),
    (NUMBER, "at_least", 100, "", False),            # no value: no threshold holds
    (NUMBER, "at_least", 100, "about a hundred", False),
    (NUMBER, "at_most", 100, "40", True),
    (NUMBER, "at_most", 100, "", False),
    (NUMBER, "at_most", 100, "101", False),
    (ANY_OF, "count_at_least", 2, "weight; HbA1c", True),
    (ANY_OF, "count_at_least", 2, "weight; weight", False),  # a value counts once
    (ANY_OF, "count_at_least", 2, "weight", False),
    (ANY_OF, "count_at_most", 1, "weight", True),
    (ANY_OF, "count_at_most", 1, "", True),
    (ANY_OF, "count_at_most", 1, "weight; HbA1c", False),
    (NUMBER, "empty", True, "", True),
    (NUMBER, "empty", True, "12", False),
    (ANY_OF, "empty", True, " ; ", True),
    (TEXT, "empty", False, "UK", True),
    (TEXT, "empty", False, "  ", False),
])
def test_each_condition(field, test, given, value, expected):
    assert holds(Condition(field.id, test, given), field, value) is expected


def test_an_unknown_condition_is_refused():
    with pytest.raises(ValueError, match="no condition 'near'"):
        holds(Condition("sample_size", "near", 3), NUMBER, "3")


FORM_YAML = """\
fields:
  - id: intervention
    type: one_of
    values: [supplement, diet, education]
  - id: outcomes
    label: Outcomes measured
    type: any_of
    open: true
    values: [weight, blood pressure, HbA1c]
  - id: sample_size
    type: number
    none: size not reported
  - id: randomised
    type: yes_no
  - id: country
    type: text
tables:
  - field: outcomes
  - rows: woe
    columns: outcomes
typologies:
  - id: woe
    label: Weight of evidence
    source: after the EPPI-Centre's weight of evidence
    unclassified: Not classified
    override: {field: woe_override, reason: woe_reason}
    levels:
      - level: A
        because: a randomised trial of 100 or more
        when:
          - {field: randomised, is: yes}
          - {field: sample_size, at_least: 100}
      - level: B
        when:
          - {field: randomised, is: yes}
      - level: C
        when:
          - {field: outcomes, count_at_least: 2}
          - {field: sample_size, at_least: 30}
      - level: D
        when:
          - {field: sample_size, empty: false}
          - {field: outcomes, has: weight}
"""


@pytest.fixture
def form(tmp_path: Path) -> Form:
    path = tmp_path / "coding.yaml"
    path.write_text(FORM_YAML, encoding="utf-8")
    return load_form(path)


def _study(**cells: str) -> dict[str, str]:
    return {"record_id": "r1", **cells}


def test_first_level_whose_conditions_all_hold(form):
    woe = form.typologies[0]
    big = classify(woe, form, _study(randomised="yes", sample_size="250"))
    assert big == Classified("A", "a randomised trial of 100 or more", False, "A")
    # A's second condition fails, so B (listed after it) is the level, spelt out in words
    small = classify(woe, form, _study(randomised="Yes", sample_size="40"))
    assert (small.level, small.because) == ("B", "Randomised is yes")
    both = classify(woe, form, _study(randomised="no", sample_size="30",
                                      outcomes="weight; HbA1c"))
    assert both.level == "C"
    assert both.because == "Outcomes measured has at least 2 values; Sample size is at least 30"
    one = classify(woe, form, _study(randomised="no", sample_size="30", outcomes="weight"))
    assert (one.level, one.because) == ("D", "Sample size is given; Outcomes measured "
                                               "includes weight")


def test_unclassified_when_no_level_fits(form):
    woe = form.typologies[0]
    none = classify(woe, form, _study(randomised="no", outcomes="weight"))
    assert none == Classified("Not classified", "no level's conditions all hold", False,
                              "Not classified")
    assert classify(woe, form, {}).level == "Not classified"


def test_an_override_replaces_the_level_and_keeps_the_computed_one(form):
    woe = form.typologies[0]
    study = _study(randomised="yes", sample_size="500", woe_override="c",
                   woe_reason="high attrition (45%)")
    assert classify(woe, form, study) == Classified("C", "high attrition (45%)", True, "A")
    to_none = classify(woe, form, _study(randomised="yes", woe_override="Not classified",
                                         woe_reason="cluster trial, unclear unit"))
    assert (to_none.level, to_none.computed, to_none.overridden) == ("Not classified", "B", True)
    # an override column left blank overrides nothing
    assert not classify(woe, form, _study(randomised="yes", woe_override=" ")).overridden


def test_override_problems_are_located(form):
    woe = form.typologies[0]
    rows = [
        (2, {"record_id": "r1", "woe_override": "A", "woe_reason": "re-analysed"}),
        (3, {"record_id": "r2", "woe_override": "B", "woe_reason": ""}),
        (4, {"record_id": "r3", "woe_override": "E", "woe_reason": "weak"}),
        (5, {"record_id": "r4", "woe_override": "", "woe_reason": ""}),
        (6, {"record_id": "r5", "woe_override": "high"}),
    ]
    problems = override_problems(woe, rows, "screening/coding.csv")
    assert [(p.file, p.line) for p in problems] == [
        ("screening/coding.csv", 3), ("screening/coding.csv", 4),
        ("screening/coding.csv", 6), ("screening/coding.csv", 6)]
    assert "without a reason" in problems[0].message and "r2" in problems[0].message
    assert "'E'" in problems[1].message and "Not classified" in problems[1].hint
    assert "woe_reason" in problems[3].hint


def test_no_override_columns_no_problems():
    plain = Typology("t", (Level("x", ()),))
    assert override_problems(plain, [(2, {"t_override": "y"})], "f.csv") == []
    form = Form((NUMBER,), typologies=(plain,))
    # a level with no conditions fits every study
    assert classify(plain, form, {}) == Classified("x", "every study fits this level", False, "x")


STUDIES = [
    {"intervention": "diet", "outcomes": "weight; blood pressure", "sample_size": "120",
     "randomised": "yes", "country": "UK"},
    {"intervention": "Diet", "outcomes": "weight; quality of life", "sample_size": "45",
     "randomised": "no", "country": "Kenya"},
    {"intervention": "supplement", "outcomes": "", "sample_size": "", "randomised": "",
     "country": ""},
    {"intervention": "", "outcomes": "weight; weight", "sample_size": "1,000",
     "randomised": "No", "country": "UK"},
]


def test_frequency_of_a_one_of_field_lists_every_value_in_order(form):
    table = frequency(form, STUDIES, "intervention")
    assert table == CountTable("Intervention", (("supplement", 1), ("diet", 2),
                                                ("education", 0), ("not stated", 1)), 4, False)
    assert table.percent(2) == 50.0


def test_frequency_of_an_any_of_field_counts_a_study_under_each_value(form):
    table = frequency(form, STUDIES, "outcomes")
    # an open field's list is a vocabulary: HbA1c, listed and met by none, is not a row
    assert table.rows == (("weight", 3), ("blood pressure", 1), ("quality of life", 1),
                          ("not stated", 1))
    assert table.multiple and table.n == 4
    assert sum(k for _, k in table.rows) == 6  # more than n: more than one may apply
    assert table.percent(3) == 75.0


def test_frequency_of_yes_no_number_and_text_fields(form):
    assert frequency(form, STUDIES, "randomised").rows == (
        ("yes", 1), ("no", 2), ("not stated", 1))
    sizes = frequency(form, STUDIES, "sample_size")
    assert sizes.rows == (("45", 1), ("120", 1), ("1000", 1), ("size not reported", 1))
    assert not sizes.multiple
    assert frequency(form, STUDIES, "country").rows == (
        ("UK", 2), ("Kenya", 1), ("not stated", 1))  # first seen order


def test_frequency_of_a_typology_lists_its_levels_then_unclassified(form):
    woe = form.typologies[0]
    studies = [{**s, "woe": classify(woe, form, s).level} for s in STUDIES]
    assert [s["woe"] for s in studies] == ["A", "C", "Not classified", "D"]
    table = frequency(form, studies, "woe")
    assert table == CountTable("Weight of evidence", (
        ("A", 1), ("B", 0), ("C", 1), ("D", 1), ("Not classified", 1)), 4, False)


def test_an_unknown_field_is_refused(form):
    with pytest.raises(ValueError, match="no field or typology 'dose'"):
        frequency(form, STUDIES, "dose")


def test_cross_table_with_a_multi_valued_side(form):
    table = cross(form, STUDIES, "randomised", "outcomes")
    assert table.label == "Randomised by Outcomes measured"
    assert table.row_values == ("yes", "no", "not stated")
    assert table.column_values == ("weight", "blood pressure", "quality of life", "not stated")
    assert table.counts == ((1, 1, 0, 0), (2, 0, 1, 0), (0, 0, 0, 1))
    assert table.multiple and table.n == 4
    assert table.percent(2) == 50.0
    single = cross(form, STUDIES, "intervention", "randomised")
    assert not single.multiple
    assert sum(map(sum, single.counts)) == 4


def test_csv_rows_stack_under_one_header(form):
    rows = table_csv_rows(frequency(form, STUDIES, "outcomes"))
    assert len(CSV_HEADER) == len(rows[0])
    assert rows[0] == ["Outcomes measured", "weight", "", "3", "75.0", "4", "yes"]
    crossed = table_csv_rows(cross(form, STUDIES, "intervention", "randomised"))
    assert ["Intervention by Randomised", "diet", "yes", "1", "25.0", "4", "no"] in crossed
    assert len(crossed) == 4 * 3


def test_markdown_shows_counts_percentages_and_the_note(form):
    text = table_markdown(frequency(form, STUDIES, "outcomes"))
    assert "### Outcomes measured" in text
    assert "more than one may apply" in text
    assert "| weight | 3 | 75.0 |" in text
    assert "| *all studies (n)* | 4 | |" in text
    plain = table_markdown(frequency(form, STUDIES, "intervention"))
    assert "more than one may apply" not in plain
    grid = table_markdown(cross(form, STUDIES, "intervention", "randomised"))
    assert "| | yes | no | not stated |" in grid
    assert "| diet | 1 (25%) | 1 (25%) | 0 (0%) |" in grid
    assert "more than one may apply" not in grid


def test_markdown_escapes_what_would_break_a_table():
    table = CountTable("Setting", (("school | home", 1),), 1, False)
    assert "| school \\| home | 1 | 100.0 |" in table_markdown(table)
    empty = CrossTable("A by B", (), (), (), 0, False)
    assert "n = 0 studies" in table_markdown(empty)


def test_a_review_of_its_own_end_to_end(form):
    """The form's own tables, counted from a coded sheet with the typology's levels."""
    woe = form.typologies[0]
    sheet = [{**s, "woe_override": "", "woe_reason": ""} for s in STUDIES]
    sheet[1] = {**sheet[1], "woe_override": "b", "woe_reason": "randomised by clinic"}
    assert override_problems(woe, list(enumerate(sheet, start=2)), "coding.csv") == []
    studies = [{**s, "woe": classify(woe, form, s).level} for s in sheet]
    made = [frequency(form, studies, t.field, t.label) if t.field
            else cross(form, studies, t.rows, t.columns, t.label) for t in form.tables]
    assert isinstance(made[0], CountTable) and made[0].label == "Outcomes measured"
    assert isinstance(made[1], CrossTable)
    assert made[1].row_values == ("A", "B", "C", "D", "Not classified")
    assert studies[1]["woe"] == "B"
    assert made[1].counts[1] == (1, 0, 1, 0)  # the overridden study, under each outcome
    text = "\n".join(table_markdown(t) for t in made)
    assert "leadership" not in text.lower()
