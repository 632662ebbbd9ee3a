from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from litreview.errors import InputError
from litreview.records import Record
from litreview.screening import (
    TO_SCREEN_COLUMNS,
    AutoRule,
    Criteria,
    Criterion,
    Stage,
    cohen_kappa,
    load_criteria,
    read_sheet,
    read_sheets,
    safe_cell,
    screen,
    to_screen_rows,
    xlsx_bytes,
)

CRITERIA = Criteria(
    (Criterion("C1", "Empirical research"), Criterion("C5", "UK from 2002")),
    (Stage("title_abstract", "Title and abstract", "screening", False,
           (AutoRule("C5", "year", min=2002),)),
     Stage("full_text", "Full text", "eligibility", True)),
)
STAGES = ["title_abstract", "full_text"]


def records(n: int = 6) -> list[Record]:
    return [Record(f"r{i}", "DB", "f.ris", i, title=f"Title {i}",
                   year="1999" if i == 0 else "2006") for i in range(n)]


def write(folder: Path, name: str, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("record_id,decision,reason,reviewer,date,note\n" + "\n".join(rows) + "\n")
    return path


def test_stages_automation_reviewers_consensus_and_pending(tmp_path: Path):
    write(tmp_path, "title_abstract-ann.csv", ["r1,include,,,,", "r2,include,,,,",
                                               "r3,exclude,C1,,,", "r4,include,,,,"])
    write(tmp_path, "title_abstract-bob.csv", ["r1,include,,,,", "r2,exclude,C1,,,",
                                               "r3,exclude,C1,,,", "r4,include,,,,"])
    write(tmp_path, "title_abstract.csv", ["r2,include,,,,discussed"])
    write(tmp_path, "full_text-ann.csv", ["r1,include,,,,", "r2,exclude,not_retrieved,,,",
                                          "r4,exclude,C1,,,"])
    result = screen(records(), CRITERIA, read_sheets(tmp_path, STAGES))
    first, second = result.stages
    status = {rid: o.status for rid, o in first.outcomes.items()}
    assert status == {"r0": "automation", "r1": "included", "r2": "included",
                      "r3": "excluded", "r4": "included", "r5": "awaiting"}
    assert first.outcomes["r2"].decided_by == "consensus"
    assert [c.record_id for c in first.conflicts] == ["r2"]
    assert second.entered == ("r1", "r2", "r4")
    assert {r: o.status for r, o in second.outcomes.items()} == {
        "r1": "included", "r2": "not_retrieved", "r4": "excluded"}
    assert result.included == ("r1",)
    assert result.awaiting == {"title_abstract": 1, "full_text": 0}
    agreement = first.agreement[0]
    assert (agreement.reviewer_a, agreement.reviewer_b, agreement.both, agreement.agreed) == (
        "ann", "bob", 4, 3)


def test_unresolved_disagreement_is_a_conflict_awaiting_resolution(tmp_path: Path):
    write(tmp_path, "title_abstract-ann.csv", ["r1,include,,,,"])
    write(tmp_path, "title_abstract-bob.csv", ["r1,exclude,C1,,,"])
    result = screen(records(3), CRITERIA, read_sheets(tmp_path, STAGES))
    assert result.stages[0].outcomes["r1"].status == "conflict"
    assert result.stages[1].entered == ()


def test_cohen_kappa_against_a_hand_computed_value():
    a = list("IIIIEEEEEE")
    b = list("IIIEEEEEEI")
    # observed 0.8; expected 0.4*0.4 + 0.6*0.6 = 0.52; kappa = 0.28 / 0.48
    assert cohen_kappa(list(zip(a, b, strict=True))) == pytest.approx(0.58333, abs=1e-5)
    assert cohen_kappa([]) is None
    assert cohen_kappa([("I", "I"), ("I", "I")]) is None


@pytest.mark.parametrize(("sheet", "rows", "message"), [
    ("title_abstract-ann.csv", ["r9,include,,,,"], "unknown record id 'r9'"),
    ("title_abstract-ann.csv", ["r1,maybe,,,,"], "decision 'maybe' is not one of"),
    ("title_abstract-ann.csv", ["r1,exclude,C9,,,"], "unknown reason 'C9'"),
    ("full_text-ann.csv", ["r1,exclude,,,,"], "exclusion at full_text without a reason"),
    ("title_abstract-ann.csv", ["r1,include,,,,", "r1,exclude,C1,,,"],
     "conflicting decision from the same reviewer at line 2"),
    ("full_text-ann.csv", ["r0,include,,,,"], "was not included at the stage before full_text"),
    ("title_abstract-ann.csv", ["r1,exclude,not_retrieved,,,"], "unknown reason"),
])
def test_bad_decisions_are_located_errors(tmp_path: Path, sheet, rows, message):
    path = write(tmp_path, sheet, rows)
    with pytest.raises(InputError) as caught:
        screen(records(), CRITERIA, read_sheets(tmp_path, STAGES))
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    assert problem.line == len(rows) + 1
    assert message in problem.message


def test_sheet_names_must_name_a_stage(tmp_path: Path):
    write(tmp_path, "abstracts-ann.csv", ["r1,include,,,,"])
    with pytest.raises(InputError, match="sheet name does not name a stage"):
        read_sheets(tmp_path, STAGES)


def test_member_ids_of_duplicate_groups_are_accepted(tmp_path: Path):
    write(tmp_path, "title_abstract-ann.csv", ["other-7,include,,,,"])
    result = screen(records(3), CRITERIA, read_sheets(tmp_path, STAGES), {"other-7": "r1"})
    assert result.stages[0].outcomes["r1"].status == "included"
    assert result.stages[0].outcomes["r1"].record_id == "r1"  # the group's id, not the sheet's


def test_formula_injection_is_neutralised():
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("+1") == "'+1" and safe_cell("@sum") == "'@sum" and safe_cell("-2") == "'-2"
    assert safe_cell("Leadership") == "Leadership"


def test_xlsx_sheet_filled_in_and_read_back_loses_nothing(tmp_path: Path):
    injected = Record("r9", "DB", "f.ris", 9, title="=cmd|' /C calc'!A0", year="2007")
    recs = [*records(4), injected]
    result = screen(recs, CRITERIA, [])
    rows = to_screen_rows(result.stages[0], {r.record_id: r for r in recs})
    data = xlsx_bytes(TO_SCREEN_COLUMNS, rows)
    assert data == xlsx_bytes(TO_SCREEN_COLUMNS, rows)  # byte-stable
    path = tmp_path / "title_abstract-ann.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.cell(5, 2).value == "'=cmd|' /C calc'!A0"  # text, not a formula
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, TO_SCREEN_COLUMNS.index("decision") + 1, "include")
    book.save(path)
    decisions = read_sheet(path, STAGES).decisions
    assert [d.record_id for d in decisions] == ["r1", "r2", "r3", "r9"]
    assert {d.decision for d in decisions} == {"include"}
    assert [d.line for d in decisions] == [2, 3, 4, 5]


def test_load_criteria_reports_unknown_criterion(tmp_path: Path):
    path = tmp_path / "criteria.yaml"
    path.write_text("criteria:\n  - {id: C1, text: x}\nstages:\n  - id: ta\n    kind: screening\n"
                    "    automatic:\n      - {criterion: C7, field: year, min: 2002}\n")
    with pytest.raises(InputError, match="unknown criterion 'C7'"):
        load_criteria(path)
    path.write_text("criteria: []\nstages: []\n")
    with pytest.raises(InputError, match="should be non-empty"):
        load_criteria(path)


def test_three_stages_with_their_own_criteria(tmp_path: Path):
    """CUREE-style: full text, then a quality filter with criteria of its own."""
    path = tmp_path / "criteria.yaml"
    path.write_text(
        "criteria:\n"
        "  - {id: C1, text: Empirical research}\n"
        "  - {id: Q1, text: Clear aims and methods}\n"
        "  - {id: Q2, text: Triangulated evidence}\n"
        "  - {id: N1, text: Note only, excludes: false}\n"
        "stages:\n"
        "  - {id: title_abstract, kind: screening, criteria: [C1, N1]}\n"
        "  - {id: full_text, kind: eligibility, criteria: [C1]}\n"
        "  - {id: quality, kind: eligibility, criteria: [Q1, Q2],\n"
        "     automatic: [{criterion: Q2, field: type, allowed: [article, report]}]}\n")
    criteria = load_criteria(path)
    assert [s.id for s in criteria.stages] == ["title_abstract", "full_text", "quality"]
    recs = [*records(5), Record("r9", "DB", "f.ris", 9, title="A book", year="2006",
                                type="book")]
    folder = tmp_path / "decisions"
    write(folder, "title_abstract-ann.csv", [f"r{i},include,,,," for i in (1, 2, 3, 4, 9)])
    write(folder, "full_text-ann.csv", [f"r{i},include,,,," for i in (1, 2, 3, 9)]
          + ["r4,exclude,C1,,,"])
    write(folder, "quality-ann.csv", ["r1,include,,,,", "r2,exclude,Q1,,,"])
    result = screen(recs, criteria, read_sheets(folder, [s.id for s in criteria.stages]))
    quality = result.stages[2]
    assert quality.entered == ("r1", "r2", "r3", "r9")
    assert {r: o.status for r, o in quality.outcomes.items()} == {
        "r1": "included", "r2": "excluded", "r3": "awaiting", "r9": "automation"}
    assert result.included == ("r1",)
    # a criterion of another stage, and one that does not exclude, are refused
    write(folder, "quality-ann.csv", ["r1,exclude,C1,,,"])
    with pytest.raises(InputError, match="criterion 'C1' is not applied at quality"):
        screen(recs, criteria, read_sheets(folder, [s.id for s in criteria.stages]))
    write(folder, "quality-ann.csv", ["r1,include,,,,"])
    write(folder, "title_abstract-ann.csv", ["r1,exclude,N1,,,"])
    with pytest.raises(InputError, match="criterion 'N1' does not exclude"):
        screen(recs, criteria, read_sheets(folder, [s.id for s in criteria.stages]))


def test_automatic_rules_on_language_and_unknown_values():
    rule = AutoRule("C5", "language", allowed=("English",))
    assert rule.fails(Record("a", "DB", "f", 1, language="German"))
    assert not rule.fails(Record("a", "DB", "f", 1, language="english"))
    assert not rule.fails(Record("a", "DB", "f", 1))  # unknown: a person decides
    years = AutoRule("C5", "year", min=2002, max=2008)
    assert years.fails(Record("a", "DB", "f", 1, year="2009"))
    assert not years.fails(Record("a", "DB", "f", 1, year=""))


def test_csv_sheet_filled_in_and_read_back_loses_nothing(tmp_path: Path):
    from litreview.screening import table_csv

    recs = [*records(4), Record("r9", "DB", "f.ris", 9, title="-1 dose, +2 arms", year="2007")]
    result = screen(recs, CRITERIA, [])
    rows = to_screen_rows(result.stages[0], {r.record_id: r for r in recs})
    text = table_csv(TO_SCREEN_COLUMNS, rows, safe=True)
    assert "'-1 dose, +2 arms" in text
    filled = "\n".join(line.replace(",awaiting,", ",awaiting,exclude") if i else line
                       for i, line in enumerate(text.splitlines()))
    path = tmp_path / "title_abstract-bob.csv"
    path.write_text(filled + "\n")
    decisions = read_sheet(path, STAGES).decisions
    assert [d.record_id for d in decisions] == ["r1", "r2", "r3", "r9"]
    assert {(d.decision, d.reviewer) for d in decisions} == {("exclude", "bob")}
