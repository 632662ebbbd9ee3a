from __future__ import annotations

from pathlib import Path

import pytest
from litreview.errors import InputError
from litreview.robustness import classify, narrative, read_extraction, summary_csv, tables

HEADER = ("record_id,design,evidence_kinds,evidence_sources,project_specific,triangulated,"
          "pre_post,tracks_leadership,country,focus,setting,vulnerable_group,"
          "outcomes_measured,narrowing_gap,effective_features,robustness_override,"
          "override_reason,coder,note\n")
INCLUDED = {f"s{i}": (f"Study {i}", "2006") for i in range(1, 5)}


def coding(**kw: str) -> dict[str, str]:
    base = {"evidence_kinds": "interviews; surveys; attendance data", "evidence_sources": "3",
            "project_specific": "yes", "triangulated": "yes", "pre_post": "yes",
            "tracks_leadership": "yes"}
    return {**base, **kw}


@pytest.mark.parametrize(("fields", "level"), [
    ({}, "Research"),
    ({"pre_post": "no"}, "Evaluation"),
    ({"pre_post": "no", "evidence_kinds": "interviews; surveys"}, "Monitoring"),
    ({"pre_post": "no", "tracks_leadership": "no"}, "Monitoring"),
    ({"evidence_sources": "1"}, "Monitoring"),
    ({"evidence_kinds": "", "evidence_sources": "0"}, "Description"),
])
def test_typology_rules(fields, level):
    assert classify(coding(**fields))[0] == level


def write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "extraction.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


ROWS = [
    "s1,evaluation,interviews; surveys; pupil attainment data,3,yes,yes,yes,yes,England,"
    "school leadership; extended schools,secondary school,,attainment,yes,yes,,,AE,",
    "s2,case study,interviews,1,no,no,no,no,England,children's centres,children's centre,"
    "looked after children,,no,yes,,,AE,",
    "s3,policy or guidance,,0,no,no,no,no,England,children's services,national,,,no,no,"
    "Evaluation,national inspection evidence cross-checked,AE,",
]


def test_sheet_levels_override_and_awaiting(tmp_path: Path):
    studies, awaiting = read_extraction(write(tmp_path, ROWS), INCLUDED, {})
    assert [(s.record_id, s.level, s.overridden) for s in studies] == [
        ("s1", "Research", False), ("s2", "Monitoring", False), ("s3", "Evaluation", True)]
    assert studies[2].rule.startswith("overridden from Description: national inspection")
    assert awaiting == ["s4"]
    by_label = {t.label: t for t in tables(studies)}
    focus = by_label["Focus of the leadership studied"]
    assert focus.multi and dict(focus.rows)["school leadership"] == 1
    assert dict(by_label["Specific vulnerable group"].rows) == {"none specific": 2,
                                                               "looked after children": 1}
    assert dict(by_label["Robustness of evidence"].rows) == {
        "Research": 1, "Evaluation": 1, "Monitoring": 1, "Description": 0}
    text = " ".join(narrative(studies, awaiting))
    assert text.startswith("3 included studies were coded; 1 await coding.")
    assert "1 (33%) refer specifically to narrowing the gap" in text
    assert "1 focuses on a specific vulnerable group: looked after children (1)" in text
    csv_text = summary_csv(tables(studies))
    assert "Focus of the leadership studied,school leadership,1,33.3,3,yes" in csv_text


@pytest.mark.parametrize(("row", "message"), [
    (ROWS[0].replace("evaluation,", "anecdote,", 1), "design: 'anecdote' is not one of"),
    (ROWS[0].replace(",yes,yes,yes,yes,", ",yes,maybe,yes,yes,", 1),
     "triangulated: 'maybe' is not one of"),
    (ROWS[0].replace("s1,", "s9,", 1), "'s9' is not an included study"),
    (ROWS[2].replace("national inspection evidence cross-checked", ""),
     "robustness_override without an override_reason"),
])
def test_bad_rows_are_located(tmp_path: Path, row, message):
    path = write(tmp_path, [row])
    with pytest.raises(InputError) as caught:
        read_extraction(path, INCLUDED, {})
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (str(path), 2)
    assert message in problem.message


def test_member_ids_and_duplicates(tmp_path: Path):
    path = write(tmp_path, [ROWS[0].replace("s1,", "other-1,", 1), ROWS[0]])
    with pytest.raises(InputError, match="'s1' is coded twice"):
        read_extraction(path, INCLUDED, {"other-1": "s1"})
