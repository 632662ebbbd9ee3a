"""The coders' sheets: reading, each cell checked against the form (located), agreement
per field and pair of coders, conflicts, and the coding agreed for each record."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from litreview.coding.form import Form, load_form
from litreview.coding.sheets import (
    CodingConflict,
    agreed_coding,
    agreement,
    conflicts,
    read_coding_sheet,
    read_coding_sheets,
    sheet_override_problems,
    value_problems,
)
from litreview.core.errors import InputError

#: A review of school-based physical activity programmes: nothing of leadership.
FORM = """\
fields:
  - id: design
    type: one_of
    values: [RCT, cluster RCT, quasi-experimental, qualitative]
    required: true
  - id: setting
    type: one_of
    values: [primary, secondary]
    open: true
  - id: outcomes
    type: any_of
    values: [BMI, fitness, attainment, wellbeing]
  - id: follow_up
    type: yes_no
  - id: sample_size
    type: number
    min: 1
  - id: weeks
    type: number
    min: 0
    max: 520
  - id: notes
    type: text
typologies:
  - id: evidence
    override: {field: evidence_override, reason: evidence_reason}
    levels:
      - level: Strong
        when: [{field: design, in: [RCT, cluster RCT]}, {field: sample_size, at_least: 100}]
      - level: Moderate
        when: [{field: design, is: quasi-experimental}]
"""
HEADER = ("record_id,design,setting,outcomes,follow_up,sample_size,weeks,notes,"
          "evidence_override,evidence_reason")


@pytest.fixture
def form(tmp_path: Path) -> Form:
    path = tmp_path / "coding.yaml"
    path.write_text(FORM, encoding="utf-8")
    return load_form(path)


def write(folder: Path, name: str, rows: list[str], header: str = HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_form_gives_the_sheet_columns(form: Form):
    assert form.columns == tuple(HEADER.split(","))


def test_a_missing_folder_has_no_sheets(tmp_path: Path, form: Form):
    assert read_coding_sheets(tmp_path / "nowhere", form) == []


def test_a_sheet_is_read_by_coder_skipping_rows_not_coded(tmp_path: Path, form: Form):
    folder = tmp_path / "coding"
    write(folder, "coding-ann.csv", ["r1,RCT,primary,BMI,yes,120,12,,,", "r2,,,,,,,,,",
                                     "r3,qualitative,,,,,,,,"])
    write(folder, "coding.csv", ["r1,RCT,,,,,,,,"])
    agreed, ann = read_coding_sheets(folder, form)
    assert (agreed.coder, ann.coder) == ("", "ann")
    assert [(r.record_id, r.line) for r in ann.rows] == [("r1", 2), ("r3", 4)]
    assert ann.rows[0].values["sample_size"] == "120"
    assert ann.rows[1].file == str(folder / "coding-ann.csv")


def test_unknown_columns_are_warned_of_and_missing_optional_ones_read_empty(tmp_path: Path,
                                                                             form: Form):
    path = write(tmp_path, "coding-bob.csv", ["r1,RCT,to check"],
                 header="record_id,design,coder_note")
    sheet = read_coding_sheet(path, form)
    (warning,) = sheet.warnings
    assert "'coder_note' not read" in str(warning)
    assert str(warning).startswith(f"{path}:1:")
    assert sheet.rows[0].values["outcomes"] == ""
    assert "coder_note" not in sheet.rows[0].values


def test_guidance_above_the_header_is_skipped(tmp_path: Path, form: Form):
    path = write(tmp_path, "coding-bob.csv", ["record_id,design", "r1,RCT"],
                 header="Code each study; see the form")
    (row,) = read_coding_sheet(path, form).rows
    assert (row.record_id, row.values["design"], row.line) == ("r1", "RCT", 3)


def test_a_missing_required_column_is_a_located_error(tmp_path: Path, form: Form):
    path = write(tmp_path, "coding-bob.csv", ["r1,primary"], header="record_id,setting")
    with pytest.raises(InputError) as caught:
        read_coding_sheet(path, form)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (str(path), 1)
    assert "design" in problem.message


def test_every_sheets_problems_are_raised_together(tmp_path: Path, form: Form):
    folder = tmp_path / "coding"
    write(folder, "coding-ann.csv", [",RCT,,,,,,,,"])
    write(folder, "notes.csv", ["r1,RCT,,,,,,,,"])
    write(folder, "coding-bob.csv", ["r1,RCT,,,,,,,,"])
    write(folder, "coding-BOB.csv", ["r2,RCT,,,,,,,,"])
    with pytest.raises(InputError) as caught:
        read_coding_sheets(folder, form)
    said = [str(p) for p in caught.value.problems]
    assert len(said) == 3
    assert any(s.startswith(f"{folder / 'coding-ann.csv'}:2: a coded row without a "
                            "record_id") for s in said)
    assert any(s.startswith(f"{folder / 'notes.csv'}: not a coding sheet's name") for s in said)
    assert any("a second sheet of coder" in s for s in said)


def test_a_coders_xlsx_sheet_is_read(tmp_path: Path, form: Form):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["r1", "cluster RCT", "secondary", "fitness; wellbeing", "No", 250, 10.5])
    sheet.append(["r2"])
    path = tmp_path / "coding-cat.xlsx"
    book.save(path)
    (read,) = read_coding_sheets(tmp_path, form)
    assert read.coder == "cat"
    (row,) = read.rows
    assert (row.record_id, row.line) == ("r1", 2)
    assert row.values["sample_size"] == "250"
    assert row.values["weeks"] == "10.5"
    assert value_problems(form, [read]) == []


def test_each_value_problem_is_located(tmp_path: Path, form: Form):
    path = write(tmp_path, "coding-dee.csv", [
        "r1,rct,primary,BMI; fitnes,Y,abc,,,,",          # line 2
        "r2,Quasi experimental,tertiary,,no,0,600,,,",   # line 3: an open field takes any
        "r1,,,,,,,,,x",                                  # line 4
        "r4,,,,,,,,,",                                   # not coded: skipped
        "r5,cluster rct,,Wellbeing;BMI,YES,1,520,ok,,",  # line 6: all fine
        'r6,RCT,,,,"1,200",,,,',                          # line 7: a thousands separator
    ])
    said = [str(p) for p in value_problems(form, [read_coding_sheet(path, form)])]
    expected = [
        f"{path}:2: value 'fitnes' is not allowed in 'outcomes' (did you mean 'fitness'?",
        f"{path}:2: 'Y' in 'follow_up' is not yes or no (write yes or no (Yes, NO",
        f"{path}:2: 'abc' in 'sample_size' is not a number",
        f"{path}:3: value 'Quasi experimental' is not allowed in 'design' (did you mean "
        "'quasi-experimental'?",
        f"{path}:3: 0 in 'sample_size' is out of range (a number from 1)",
        f"{path}:3: 600 in 'weeks' is out of range (a number from 0 up to 520)",
        f"{path}:4: required field 'design' is empty for 'r1'",
        f"{path}:4: record 'r1' coded twice in this sheet (first at line 2)",
    ]
    assert len(said) == len(expected)
    for line, start in zip(said, expected, strict=True):
        assert line.startswith(start), line


def test_overrides_name_a_level_and_give_a_reason(tmp_path: Path, form: Form):
    path = write(tmp_path, "coding.csv", [
        "r1,RCT,,,,,,,moderate,small sample in one school",
        "r2,RCT,,,,,,,Weak,",
        "r3,RCT,,,,,,,Strong,",
        "r4,RCT,,,,,,,unclassified,no outcome measured",
    ])
    said = [str(p) for p in sheet_override_problems(form, [read_coding_sheet(path, form)])]
    assert len(said) == 3
    assert said[0].startswith(f"{path}:3: record r2: 'evidence_override' is 'Weak', not a "
                              "level of 'evidence' (one of: Strong, Moderate, Unclassified)")
    assert said[1].startswith(f"{path}:3: record r2: an override of 'evidence' without a "
                              "reason")
    assert said[2].startswith(f"{path}:4: record r3: an override of 'evidence' without a "
                              "reason")


@pytest.fixture
def coded(tmp_path: Path, form: Form):
    """Two coders on four records, a third on one, and an agreed sheet on r2 and r4."""
    folder = tmp_path / "coding"
    write(folder, "coding-ann.csv", [
        "r1,RCT,primary,BMI; fitness,yes,120,,Small  pilot,,",
        "r2,RCT,primary,BMI,yes,60,,,,",
        "r3,qualitative,,,no,12,,,,",
        "r4,quasi-experimental,secondary,attainment,no,,,,Strong,matched design",
    ])
    write(folder, "coding-bob.csv", [
        "r1,rct,primary,fitness;bmi,Yes,120.0,,small pilot,,",
        "r2,quasi-experimental,primary,BMI; wellbeing,no,60,,,,",
        "r3,qualitative,,,no,15,,,,",
        "r4,quasi-experimental,Secondary,attainment,no,,,,strong,propensity matched",
    ])
    write(folder, "coding-cat.csv", ["r1,RCT,primary,fitness; BMI,yes,120,,small pilot,,"])
    write(folder, "coding.csv", ["r2,RCT,primary,bmi; Wellbeing,YES,60,,,,",
                                 "r4,quasi-experimental,primary,attainment,no,,,,,",
                                 "r5,qualitative,,,,,,,,"])
    sheets = read_coding_sheets(folder, form)
    assert value_problems(form, sheets) == []
    return sheets


def test_agreement_per_field_and_pair_of_coders(form: Form, coded):
    found = {(a.field, a.coder_a, a.coder_b): a for a in agreement(form, coded)}
    assert len(found) == 3 * len(form.fields)  # ann-bob, ann-cat, bob-cat
    design = found["design", "ann", "bob"]
    # ann RCT 2, qualitative 1, quasi 1; bob RCT 1, quasi 2, qualitative 1; 3 of 4 agree:
    # expected (2*1 + 1*1 + 1*2) / 16 = 5/16, kappa (12/16 - 5/16) / (11/16) = 7/11
    assert (design.both, design.agreed, design.percent) == (4, 3, 75.0)
    assert design.kappa == pytest.approx(7 / 11)
    # yes/no: ann yes 2 no 2; bob yes 1 ("Yes") no 3; expected 8/16, kappa 0.5
    assert found["follow_up", "ann", "bob"].kappa == pytest.approx(0.5)
    outcomes = found["outcomes", "ann", "bob"]  # the same set, whatever order or case
    assert (outcomes.agreed, outcomes.kappa) == (3, None)
    assert found["sample_size", "ann", "bob"].agreed == 3  # 120 and 120.0 are equal
    assert found["notes", "ann", "bob"].agreed == 4  # case and spaces aside
    assert found["setting", "ann", "bob"].agreed == 4
    pair = found["design", "ann", "cat"]
    assert (pair.both, pair.agreed, pair.kappa) == (1, 1, None)  # no variation: undefined


def test_conflicts_list_each_coders_value_and_the_agreed_one(form: Form, coded):
    assert conflicts(form, coded) == [
        CodingConflict("r2", "design", (("ann", "RCT"), ("bob", "quasi-experimental")), "RCT"),
        CodingConflict("r2", "outcomes", (("ann", "BMI"), ("bob", "BMI; wellbeing")),
                       "bmi; Wellbeing"),
        CodingConflict("r2", "follow_up", (("ann", "yes"), ("bob", "no")), "YES"),
        CodingConflict("r3", "sample_size", (("ann", "12"), ("bob", "15")), None),
    ]


def test_agreed_coding_prefers_the_agreed_sheet_then_the_coders_agreement(form: Form, coded):
    coding, awaiting = agreed_coding(form, coded)
    assert awaiting == ("r3",)
    assert list(coding) == ["r2", "r4", "r5", "r1"]
    # the agreed sheet's row, spelt as the form spells it
    assert coding["r2"]["outcomes"] == "BMI; wellbeing"
    assert coding["r2"]["follow_up"] == "yes"
    # the agreed sheet wins even where the coders agreed with each other
    assert coding["r4"]["setting"] == "primary"
    assert coding["r4"]["evidence_override"] == ""
    assert coding["r5"]["design"] == "qualitative"
    # three coders agreeing: their coding, in the form's spelling and order
    assert coding["r1"]["design"] == "RCT"
    assert coding["r1"]["outcomes"] == "BMI; fitness"
    assert coding["r1"]["follow_up"] == "yes"
    assert set(coding["r1"]) == set(form.columns[1:])


def test_coders_agreeing_on_an_override_keep_both_reasons(tmp_path: Path, form: Form):
    folder = tmp_path / "coding"
    write(folder, "coding-ann.csv", ["r4,quasi-experimental,,,,,,,Strong,matched design"])
    write(folder, "coding-bob.csv", ["r4,quasi-experimental,,,,,,,strong,matched design",
                                     "r6,qualitative,,,,,,,,"])
    coding, awaiting = agreed_coding(form, read_coding_sheets(folder, form))
    assert awaiting == ()
    assert coding["r4"]["evidence_override"] == "Strong"
    assert coding["r4"]["evidence_reason"] == "matched design"
    assert coding["r6"]["design"] == "qualitative"  # one coder alone: theirs
    write(folder, "coding-bob.csv", ["r4,quasi-experimental,,,,,,,strong,propensity scores"])
    coding, _ = agreed_coding(form, read_coding_sheets(folder, form))
    assert coding["r4"]["evidence_reason"] == "matched design | propensity scores"


def test_coders_differing_on_an_override_level_await_agreement(tmp_path: Path, form: Form):
    folder = tmp_path / "coding"
    write(folder, "coding-ann.csv", ["r4,quasi-experimental,,,,,,,Strong,matched"])
    write(folder, "coding-bob.csv", ["r4,quasi-experimental,,,,,,,,"])
    sheets = read_coding_sheets(folder, form)
    assert [(c.record_id, c.field) for c in conflicts(form, sheets)] == [
        ("r4", "evidence_override")]
    assert agreed_coding(form, sheets) == ({}, ("r4",))
