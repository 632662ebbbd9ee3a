from __future__ import annotations

from pathlib import Path

import pytest
from litreview.core.errors import InputError
from litreview.reporting import (
    classify,
    narrative,
    per_study,
    read_extraction,
    summary_csv,
    tables,
)

HEADER = ("record_id,design,evidence_kinds,evidence_sources,project_specific,triangulated,"
          "pre_post,tracks_leadership,country,focus,setting,vulnerable_group,"
          "outcomes_measured,narrowing_gap,effective_features,robustness_override,"
          "override_reason,coder,note\n")
INCLUDED = {f"s{i}": (f"Study {i}", "2006") for i in range(1, 5)}


def coding(**kw: str) -> dict[str, str]:
    base = {"evidence_kinds": "interviews; surveys; attendance data", "evidence_sources": "3",
            "project_specific": "most", "triangulated": "yes", "pre_post": "yes",
            "tracks_leadership": "yes"}
    return {**base, **kw}


@pytest.mark.parametrize(("fields", "level"), [
    ({}, "Research"),
    ({"project_specific": "some"}, "Evaluation"),  # Research needs most of it specific
    ({"pre_post": "no"}, "Evaluation"),
    ({"pre_post": "no", "project_specific": "no"}, "Unclassified"),
    ({"pre_post": "no", "evidence_kinds": "interviews; surveys"}, "Unclassified"),
    ({"pre_post": "no", "evidence_sources": "2", "tracks_leadership": "no"}, "Monitoring"),
    ({"pre_post": "no", "tracks_leadership": "no"}, "Unclassified"),  # three sources
    ({"evidence_sources": "1", "tracks_leadership": "no"}, "Monitoring"),
    ({"evidence_sources": "1"}, "Unclassified"),  # one source, but it tracks leadership
    ({"evidence_kinds": "", "evidence_sources": "0"}, "Description"),
])
def test_typology_rules(fields, level):
    assert classify(coding(**fields))[0] == level


def write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "extraction.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


ROWS = [
    "s1,evaluation,interviews; surveys; pupil attainment data,3,most,yes,yes,yes,England,"
    "school leadership; extended schools,secondary school,,attainment,yes,yes,,,AE,",
    "s2,case study,interviews,1,no,no,no,no,England,children's centres,children's centre,"
    "looked after children,,no,yes,,,AE,",
    "s3,policy or guidance,,0,no,no,no,no,England,children's services,national,,,no,no,"
    "Evaluation,national inspection evidence cross-checked,AE,",
]


def test_sheet_levels_override_and_awaiting(tmp_path: Path):
    coded = read_extraction(write(tmp_path, ROWS), INCLUDED, {})
    studies, awaiting = coded.studies, coded.awaiting
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
    (ROWS[0].replace(",most,yes,yes,yes,", ",most,maybe,yes,yes,", 1),
     "triangulated: 'maybe' is not one of"),
    (ROWS[0].replace(",most,", ",yes,", 1), "project_specific: 'yes' is not one of"),
    (ROWS[0].replace(",3,most,", ",three,most,", 1), "evidence_sources: 'three' does not match"),
    (ROWS[0].replace(",3,most,", ",0,most,", 1), "3 kind(s) of evidence from 0 sources"),
    (ROWS[2].replace(",,0,no,", ",,2,no,", 1), "2 source(s) of evidence but no kind"),
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


def test_overrides_and_rows_screened_out_after_coding(tmp_path: Path):
    unclassified = ROWS[0].replace(",3,most,yes,yes,yes,", ",3,no,no,no,yes,", 1)
    agreeing = ROWS[2].replace("Evaluation,national", "Description,national", 1)
    gone = ROWS[1].replace("s2,", "x-7,", 1)  # a known record, no longer included
    coded = read_extraction(write(tmp_path, [unclassified, agreeing, gone]), INCLUDED,
                            {"x-7": "x-7", "s1": "s1", "s3": "s3"})
    assert [(s.level, s.overridden) for s in coded.studies] == [
        ("Unclassified", False), ("Description", False)]  # an override that agrees is none
    assert coded.not_included == [("x-7", 4)]
    rows = dict(tables(coded.studies)[0].rows)
    assert rows["Unclassified"] == 1 and sum(rows.values()) == 2
    assert "1 fits no level of the typology and awaits a reviewer's judgement." in \
        " ".join(narrative(coded.studies, coded.awaiting))
    by_label = {t.label: t for t in tables(coded.studies)}
    assert by_label["Setting"].multi and dict(by_label["Year of publication"].rows) == \
        {"2006": 2}


def test_member_ids_and_duplicates(tmp_path: Path):
    path = write(tmp_path, [ROWS[0].replace("s1,", "other-1,", 1), ROWS[0]])
    with pytest.raises(InputError, match="'s1' is coded twice"):
        read_extraction(path, INCLUDED, {"other-1": "s1"})


def test_reports_of_one_study_are_coded_once(tmp_path: Path):
    aliases = {"s1": "s1", "s2": "s2", "s2-copy": "s2", "s3": "s3"}
    included, folded = per_study({k: INCLUDED[k] for k in ("s1", "s2", "s3")}, aliases,
                                 {"s1": "trial", "s2": "trial"})
    assert list(included) == ["s1", "s3"]  # the study goes by its first report
    assert folded == {"s1": "s1", "s2": "s1", "s2-copy": "s1", "s3": "s3"}
    coded = read_extraction(write(tmp_path, [ROWS[0].replace("s1,", "s2-copy,", 1)]),
                            included, folded)
    assert [s.record_id for s in coded.studies] == ["s1"] and coded.awaiting == ["s3"]
    with pytest.raises(InputError, match="'s1' is coded twice"):
        read_extraction(write(tmp_path, [ROWS[0], ROWS[0].replace("s1,", "s2,", 1)]),
                        included, folded)


def test_the_coding_sheet_may_be_xlsx_or_windows_1252(tmp_path: Path):
    import csv
    import io

    from litreview.screening import xlsx_bytes

    header, *rows = list(csv.reader(io.StringIO(HEADER + "\n".join(ROWS) + "\n")))
    book = tmp_path / "extraction.xlsx"
    book.write_bytes(xlsx_bytes(header, [*rows, ["s1", *rows[0][1:]]]))
    with pytest.raises(InputError) as caught:  # located as a spreadsheet numbers its rows
        read_extraction(book, INCLUDED, {})
    assert str(caught.value) == f"{book}:5: 's1' is coded twice"
    book.write_bytes(xlsx_bytes(header, rows))
    from_book = read_extraction(book, INCLUDED, {})
    assert from_book.studies == read_extraction(write(tmp_path, ROWS), INCLUDED, {}).studies
    assert from_book.warnings == ()
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes((HEADER + ROWS[1].replace("England", "Région") + "\n").encode("cp1252"))
    coded = read_extraction(legacy, INCLUDED, {})
    assert coded.studies[0].coding["country"] == "Région"
    (warning,) = coded.warnings
    assert (warning.file, warning.line) == (str(legacy), 2)
    assert "not UTF-8: read as Windows-1252" in warning.message
