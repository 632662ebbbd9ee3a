from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from litreview.core.contracts import TO_SCREEN_COLUMNS
from litreview.core.errors import InputError, Problem
from litreview.core.records import Record
from litreview.screening import (
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
    stage_reasons,
    status_rows,
    to_screen_rows,
    to_screen_xlsx,
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


def screened(folder: Path, n: int = 6, aliases: dict[str, str] | None = None):
    """``n`` records screened against ``CRITERIA`` with the decision sheets in ``folder``."""
    return screen(records(n), CRITERIA, read_sheets(folder, STAGES), aliases)


def only_problem(run: Callable[..., object], *args: object) -> Problem:
    """The one located problem ``run(*args)`` stops at (fails unless there is exactly one)."""
    with pytest.raises(InputError) as caught:
        run(*args)
    (problem,) = caught.value.problems
    return problem


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
    write(tmp_path, "full_text-ann.csv", ["r1,include,,,,",
                                          "r2,exclude,not_retrieved,,,no library holds it",
                                          "r4,exclude,C1,,,"])
    result = screened(tmp_path)
    first, second = result.stages
    status = {rid: o.status for rid, o in first.outcomes.items()}
    assert status == {"r0": "automation", "r1": "included", "r2": "included",
                      "r3": "excluded", "r4": "included", "r5": "awaiting"}
    assert first.outcomes["r2"].decided_by == "consensus"
    assert [c.record_id for c in first.conflicts] == ["r2"]
    assert second.entered == ("r1", "r2", "r4")
    assert {r: o.status for r, o in second.outcomes.items()} == {
        "r1": "included", "r2": "not_retrieved", "r4": "excluded"}
    assert second.outcomes["r2"].note == "no library holds it"
    assert status_rows(result)[-2] == ["r2", "full_text", "not_retrieved", "not_retrieved",
                                       "ann", "no library holds it"]
    assert result.included == ("r1",)
    assert result.awaiting == {"title_abstract": 1, "full_text": 0}
    agreement = first.agreement[0]
    assert (agreement.reviewer_a, agreement.reviewer_b, agreement.both, agreement.agreed) == (
        "ann", "bob", 4, 3)


def test_unresolved_disagreement_is_a_conflict_awaiting_resolution(tmp_path: Path):
    write(tmp_path, "title_abstract-ann.csv", ["r1,include,,,,"])
    write(tmp_path, "title_abstract-bob.csv", ["r1,exclude,C1,,,"])
    result = screened(tmp_path, 3)
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
     "decided twice at title_abstract by reviewer 'ann': a conflicting decision at "),
    ("title_abstract-ann.csv", ["r1,include,,,,", "r1,include,,,,"],
     "decided twice at title_abstract by reviewer 'ann': the same decision at "),
    ("title_abstract.csv", ["r1,include,,,,", "r1,exclude,C1,,,"],
     "decided twice at title_abstract by the resolution sheet"),
    ("title_abstract-ann.csv", ["r1,include,,bob,,"], "reviewer 'bob' on the sheet of "
                                                      "reviewer 'ann'"),
    ("full_text-ann.csv", ["r1,exclude,not_retrieved,,,"], "not retrieved, with no note"),
    ("title_abstract-ann.csv", ["r0,exclude,C5,,,"], "excluded at title_abstract by the "
                                                     "automatic rule on year (C5)"),
    ("full_text-ann.csv", ["r0,include,,,,"], "was not included at the stage before full_text"),
    ("title_abstract-ann.csv", ["r1,exclude,not_retrieved,,,"], "unknown reason"),
    ("title_abstract-ann.csv", ["r1,include,,,2024-02-30,"], "date '2024-02-30' is not a date"),
    ("title_abstract-ann.csv", ["r1,include,,,13/02/2024,"], "date '13/02/2024' is not a date"),
])
def test_bad_decisions_are_located_errors(tmp_path: Path, sheet, rows, message):
    path = write(tmp_path, sheet, rows)
    with pytest.raises(InputError) as caught:
        screened(tmp_path)
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    assert problem.line == len(rows) + 1
    assert message in problem.message
    if "decided twice" in message:  # both places: this row's, and the first's in the text
        assert f"{path}:2" in problem.message


def test_a_decision_after_a_stage_that_no_longer_includes_says_why(tmp_path: Path):
    """A new reviewer's sheet at title_abstract turns an agreed inclusion into a conflict:
    the full-text row on that record is refused with its outcome there now."""
    write(tmp_path, "title_abstract-ann.csv", ["r1,include,,,,"])
    write(tmp_path, "title_abstract-bob.csv", ["r1,exclude,C1,,,"])
    sheet = write(tmp_path, "full_text-ann.csv", ["r1,include,,,,"])
    problem = only_problem(screened, tmp_path)
    assert (problem.file, problem.line) == (str(sheet), 2)
    assert "was not included at the stage before full_text" in problem.message
    assert problem.hint.startswith("at title_abstract it is now conflict")


def test_rows_not_decided_yet_are_no_decisions(tmp_path: Path):
    """A reviewer keeps the records still to screen in the sheet, a note on one of them:
    neither is an error, neither is a decision; a reason without a decision still is."""
    write(tmp_path, "title_abstract-ann.csv", ["r1,include,,,,", "r2,,,,,", "r3,,,,,read again",
                                               ",,,,,", "r2,exclude,C1,,,"])
    result = screened(tmp_path)
    stage = result.stages[0]
    assert {rid: stage.outcomes[rid].status for rid in ("r1", "r2", "r3")} == {
        "r1": "included", "r2": "excluded", "r3": "awaiting"}
    write(tmp_path, "title_abstract-ann.csv", ["r1,,C1,,,"])
    assert "decision '' is not one of" in only_problem(screened, tmp_path).message


def test_sheet_names_must_name_a_stage(tmp_path: Path):
    write(tmp_path, "abstracts-ann.csv", ["r1,include,,,,"])
    with pytest.raises(InputError, match="sheet name does not name a stage"):
        read_sheets(tmp_path, STAGES)


def test_member_ids_of_duplicate_groups_are_accepted(tmp_path: Path):
    write(tmp_path, "title_abstract-ann.csv", ["other-7,include,,,,"])
    result = screened(tmp_path, 3, {"other-7": "r1"})
    assert result.stages[0].outcomes["r1"].status == "included"
    assert result.stages[0].outcomes["r1"].record_id == "r1"  # the group's id, not the sheet's


def test_formula_injection_is_neutralised():
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("+1") == "'+1" and safe_cell("@sum") == "'@sum" and safe_cell("-2x") == "'-2x"
    assert safe_cell("-2") == "-2"  # a plain negative number is a number, not a formula
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
    # text, not a formula, shown as typed: Excel's own quote prefix, no visible '
    cell = sheet.cell(5, 2)
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=cmd|' /C calc'!A0", "s", True)
    assert not sheet.cell(4, 2).quotePrefix
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, TO_SCREEN_COLUMNS.index("decision") + 1, "include")
    book.save(path)
    decisions = read_sheet(path, STAGES).decisions
    assert [d.record_id for d in decisions] == ["r1", "r2", "r3", "r9"]
    assert {d.decision for d in decisions} == {"include"}
    assert [d.line for d in decisions] == [2, 3, 4, 5]


def test_to_screen_workbook_is_laid_out_for_screening(tmp_path: Path):
    linked = Record("r9", "DB", "f.ris", 9, title="=cmd|' /C calc'!A0", year="2007",
                    doi="10.1000/x9", url="https://example.org/r9")
    recs = [*records(4), linked]
    result = screen(recs, CRITERIA, [])
    rows = to_screen_rows(result.stages[0], {r.record_id: r for r in recs})
    reasons = stage_reasons(CRITERIA.stages[0], CRITERIA)
    data = to_screen_xlsx(rows, reasons, ["Keep screening: 2 more."])
    assert data == to_screen_xlsx(rows, reasons, ["Keep screening: 2 more."])  # byte-stable
    path = tmp_path / "title_abstract-ann.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["record_id", "decision", "reason", "reviewer", "date", "note"]
    assert sorted(header) == sorted(TO_SCREEN_COLUMNS) and sheet.freeze_panes == "B2"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"B2:B5": '"include,exclude,unsure"', "C2:C5": f'"{",".join(reasons)}"'}
    # the abstract, wrapped, 90 characters wide (Excel stores the width with its padding)
    assert 90 <= sheet.column_dimensions["H"].width < 91
    assert sheet.cell(2, header.index("title") + 1).alignment.wrap_text
    assert sheet.column_dimensions["H"].alignment.wrap_text  # an abstract typed in wraps too
    last = sheet.max_row
    assert sheet.cell(last, header.index("doi") + 1).hyperlink.target == \
        "https://doi.org/10.1000/x9"
    assert sheet.cell(last, header.index("url") + 1).hyperlink.target == "https://example.org/r9"
    title = sheet.cell(last, header.index("title") + 1)
    assert (title.value, title.data_type, title.quotePrefix) == ("=cmd|' /C calc'!A0", "s", True)
    assert [c.value for (c,) in book["notes"].iter_rows()][1:] == ["Keep screening: 2 more."]
    sheet.cell(2, 2, "include")
    sheet.cell(3, 2, "exclude")
    sheet.cell(3, 3, reasons[0])
    book.save(path)
    decided = read_sheet(path, STAGES)
    assert [(d.record_id, d.decision, d.reason) for d in decided.decisions] == [
        ("r1", "include", ""), ("r2", "exclude", reasons[0])]
    assert decided.warnings == ()  # every column of the workbook is known
    ranked = to_screen_xlsx(rows, reasons, scores={"r9": 1.23456, "r1": -0.5})
    path.write_bytes(ranked)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[6] == "score" and sheet.cell(sheet.max_row, 7).value == 1.2346
    assert sheet.cell(2, 7).value == -0.5 and read_sheet(path, STAGES).warnings == ()


def test_to_screen_workbook_says_what_excel_could_not_hold(tmp_path: Path, monkeypatch):
    from litreview.screening import workbook

    monkeypatch.setattr(workbook, "ROW_LIMIT", 5)  # a header and 4 records a sheet
    monkeypatch.setattr(workbook, "LINK_LIMIT", 3)
    recs = [Record(f"r{i}", "DB", "f.ris", i, title=f"Title {i}", year="2006",
                   doi=f"10.1000/x{i}", abstract="long " * 8000 if i == 1 else "")
            for i in range(6)]
    rows = to_screen_rows(screen(recs, CRITERIA, []).stages[0], {r.record_id: r for r in recs})
    path = tmp_path / "to_screen.xlsx"
    path.write_bytes(to_screen_xlsx(rows, ["R1"]))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert [c.value for c in sheet["A"]][1:] == ["r0", "r1", "r2", "r3"]
    doi = header.index("doi") + 1
    linked = [sheet.cell(row, doi).hyperlink is not None for row in range(2, 6)]
    assert linked == [True, True, False, False]  # r0's DOI and URL, r1's DOI: the three
    abstract = sheet.cell(3, header.index("abstract") + 1).value
    assert len(abstract) == 32_767 and abstract.endswith(" […]")
    notes = [c.value for (c,) in book["notes"].iter_rows()]
    assert notes[0] == "Notes" and "the last 2 of the 6 records are only in to_screen.csv" \
        in notes[1]
    assert "links a sheet: 5 DOIs and URLs after them are plain text" in notes[2]
    assert "the text of 1 cell(s) ends with '[…]' (rows 3)" in notes[3]


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
    text = table_csv(TO_SCREEN_COLUMNS, rows)
    assert "'-1 dose, +2 arms" in text
    filled = "\n".join(line.replace(",awaiting,", ",awaiting,exclude") if i else line
                       for i, line in enumerate(text.splitlines()))
    path = tmp_path / "title_abstract-bob.csv"
    path.write_text(filled + "\n")
    decisions = read_sheet(path, STAGES).decisions
    assert [d.record_id for d in decisions] == ["r1", "r2", "r3", "r9"]
    assert {(d.decision, d.reviewer) for d in decisions} == {("exclude", "bob")}


# --- automatic rules checked against what the importers write --------------------------

def test_language_rules_use_the_importers_normalisation():
    rule = AutoRule("C5", "language", allowed=("en", "fre"))
    assert not rule.fails(Record("a", "DB", "f", 1, language="English"))
    assert not rule.fails(Record("a", "DB", "f", 1, language="eng"))
    assert not rule.fails(Record("a", "DB", "f", 1, language="French"))
    assert not rule.fails(Record("a", "DB", "f", 1, language="German; English"))  # any one
    assert rule.fails(Record("a", "DB", "f", 1, language="German; Dutch"))
    assert rule.fails(Record("a", "DB", "f", 1, language="ger"))


def _criteria_file(tmp_path: Path, rule: str) -> Path:
    path = tmp_path / "criteria.yaml"
    path.write_text("criteria:\n  - {id: C1, text: x}\nstages:\n  - id: ta\n    kind: screening\n"
                    f"    automatic:\n      - {rule}\n")
    return path


def test_type_rules_are_checked_against_the_vocabulary(tmp_path: Path):
    path = _criteria_file(tmp_path, "{criterion: C1, field: type, allowed: [article, articles]}")
    problem = only_problem(load_criteria, path)
    assert (problem.file, problem.line) == (str(path), 7)
    assert "document type 'articles' is not in the vocabulary" in problem.message
    assert "article, book, chapter, report, thesis" in problem.hint
    path = _criteria_file(tmp_path, "{criterion: C1, field: type, allowed: [article, report]}")
    assert load_criteria(path).stages[0].automatic[0].allowed == ("article", "report")


def test_a_rule_on_country_is_refused_at_load(tmp_path: Path):
    path = _criteria_file(tmp_path, "{criterion: C1, field: country, allowed: [UK]}")
    problem = only_problem(load_criteria, path)
    assert (problem.file, problem.line) == (str(path), 7)
    assert "no export gives the country a study was done in" in problem.message


def test_a_rule_limited_to_sources_leaves_a_record_found_elsewhere_to_a_person(
        tmp_path: Path):
    """"Published 1997-2009; earlier material only when guided to it": the databases' year
    limit does not reach material the review was guided to, even when a database has it too."""
    names = {"databases": ("SSCI", "IBSS"), "ssci": ("SSCI",), "ibss": ("IBSS",),
             "guided material": ("Guided material",), "guided-material": ("Guided material",)}
    path = _criteria_file(tmp_path, "{criterion: C1, field: year, min: 1997, max: 2009, "
                                    "sources: [databases]}")
    [rule] = load_criteria(path, names).stages[0].automatic
    assert rule.sources == ("SSCI", "IBSS")

    def found(*sources: str) -> Record:
        return Record("a", sources[0], "f", 1, year="1995",
                      extra=(("sources", "; ".join(sources)),))

    assert rule.fails(found("SSCI")) and rule.fails(found("SSCI", "IBSS"))
    assert not rule.fails(found("Guided material"))
    assert not rule.fails(found("IBSS", "Guided material"))  # guided to it as well
    assert not rule.fails(Record("b", "Guided material", "f", 1, year="1990"))


def test_a_rule_naming_an_unknown_source_is_located(tmp_path: Path):
    path = _criteria_file(tmp_path, "{criterion: C1, field: year, min: 1997, "
                                    "sources: [SSCI, Scopus]}")
    problem = only_problem(load_criteria, path, {"databases": ("SSCI",), "ssci": ("SSCI",)})
    assert (problem.file, problem.line) == (str(path), 7)
    assert "automatic rule names unknown source 'Scopus'" in problem.message
    assert problem.hint == "one of: databases, SSCI"


# --- decision sheets: one decision per record and reviewer ------------------------------

def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["record_id", "decision", "reason", "reviewer", "date", "note"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_record_decided_in_two_files_names_both_places(tmp_path: Path):
    first = write(tmp_path, "title_abstract-ann.csv", ["r2,include,,ann,,", "r1,include,,ann,,"])
    second = _xlsx(tmp_path / "title_abstract-ann.xlsx", [["r3", "include"], ["r1", "exclude",
                                                                              "C1"]])
    write(tmp_path, "title_abstract-bob.csv", ["r1,include,,,,"])  # another reviewer: fine
    problem = only_problem(screened, tmp_path)
    assert (problem.file, problem.line) == (str(second), 3)
    assert f"a conflicting decision at {first}:3" in problem.message


def test_two_resolution_sheets_deciding_one_record(tmp_path: Path):
    first = write(tmp_path, "title_abstract.csv", ["r1,include,,ann+bob,,"])
    second = _xlsx(tmp_path / "title_abstract.xlsx", [["r1", "include", "", "ann+bob"]])
    problem = only_problem(screened, tmp_path)
    assert (problem.file, problem.line) == (str(second), 2)
    assert f"by the resolution sheet: the same decision at {first}:2" in problem.message


def test_duplicate_ids_of_one_work_decided_twice(tmp_path: Path):
    path = write(tmp_path, "title_abstract-ann.csv", ["r1,include,,,,", "other-7,include,,,,"])
    problem = only_problem(screened, tmp_path, 3, {"other-7": "r1"})
    assert (problem.file, problem.line) == (str(path), 3)
    assert "(as 'r1', the same work)" in problem.message


def test_reviewer_column_must_match_the_file_name(tmp_path: Path):
    write(tmp_path, "title_abstract-ann.csv", ["r1,include,,Ann,,", "r2,include,,,,",
                                               "r3,include,,bob,,"])
    problem = only_problem(read_sheets, tmp_path, STAGES)
    assert problem.line == 4 and "title_abstract-bob.csv" in problem.hint


# --- sheets as people save them --------------------------------------------------------

def test_a_windows_1252_csv_is_read_with_a_warning(tmp_path: Path):
    path = tmp_path / "full_text-ann.csv"
    path.write_bytes("record_id,decision,reason,reviewer,date,note\n"
                     "r1,exclude,not_retrieved,ann,,bibliothèque: “not held”\n".encode("cp1252"))
    sheet = read_sheet(path, STAGES)
    assert sheet.decisions[0].note == "bibliothèque: “not held”"
    (warning,) = sheet.warnings
    assert (warning.file, warning.line) == (str(path), 2)
    assert "not UTF-8: read as Windows-1252" in warning.message
    path.write_bytes(b"record_id,decision\n" + "r1,включить\n".encode("koi8_r") * 5)
    with pytest.raises(InputError, match="unknown text encoding"):
        read_sheet(path, STAGES)


def test_a_damaged_xlsx_is_a_located_error(tmp_path: Path):
    path = tmp_path / "title_abstract-ann.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    problem = only_problem(read_sheets, tmp_path, STAGES)
    assert problem.file == str(path) and "not a readable Excel file" in problem.message
    assert "save it again" in problem.hint


def test_xlsx_dates_and_numbers_read_as_typed(tmp_path: Path):
    import datetime as dt

    path = _xlsx(tmp_path / "title_abstract-ann.xlsx",
                 [["r1", "include", "", "ann", dt.datetime(2024, 5, 1), 2006],
                  ["r2", "include", "", "ann", dt.date(2024, 5, 2), 1.5]])
    decisions = read_sheet(path, STAGES).decisions
    assert [(d.date, d.note) for d in decisions] == [("2024-05-01", "2006"),
                                                     ("2024-05-02", "1.5")]


def test_agreement_is_blank_for_reviewers_with_no_record_in_common(tmp_path: Path):
    from litreview.screening import agreement_rows

    write(tmp_path, "title_abstract-ann.csv", ["r1,include,,,,"])
    write(tmp_path, "title_abstract-bob.csv", ["r2,include,,,,"])
    result = screened(tmp_path)
    assert agreement_rows(result.stages[0]) == [
        ["title_abstract", "ann", "bob", 0, 0, "", ""]]


def test_screen_command_writes_notes_and_warns_of_a_legacy_encoding(
        tiny_review: Path, capsys: pytest.CaptureFixture[str]):
    from litreview.cli import main
    from litreview.core.records import records_to_csv

    recs = records(4)
    (tiny_review / "results").mkdir()
    (tiny_review / "results/unique.csv").write_text(records_to_csv(recs))
    (tiny_review / "results/groups.csv").write_text(
        "record_id,group_id\n" + "".join(f"{r.record_id},{r.record_id}\n" for r in recs))
    decisions = tiny_review / "screening/decisions"
    for old in decisions.iterdir():
        old.unlink()
    write(decisions, "title_abstract-ann.csv", ["r1,include,,,2024-05-01,",
                                                "r2,include,,,2024-05-01,"])
    (decisions / "full_text-ann.csv").write_bytes(
        "record_id,decision,reason,reviewer,date,note\nr1,include,,,,\n"
        "r2,exclude,not_retrieved,ann,,pas de réponse des auteurs\n".encode("cp1252"))
    out = tiny_review / "results/screening"
    assert main(["screen", "--review", str(tiny_review), "--unique",
                 str(tiny_review / "results/unique.csv"), "--groups",
                 str(tiny_review / "results/groups.csv"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {decisions / 'full_text-ann.csv'}:3: not UTF-8" in err
    status = (out / "status.csv").read_text(encoding="utf-8").splitlines()
    assert status[0] == "record_id,stage,status,reason,decided_by,note"
    assert "r2,full_text,not_retrieved,not_retrieved,ann,pas de réponse des auteurs" in status
    assert "r1,full_text,included,,ann," in status


def test_the_package_loads_numpy_and_scikit_learn_only_when_ranking():
    import subprocess
    import sys

    code = ("import sys; import litreview.screening as s, litreview.reporting; "
            "heavy = [m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules]; "
            "assert not heavy, heavy; assert callable(s.stopping) and callable(s.rank)")
    subprocess.run([sys.executable, "-c", code], check=True,
                   env={"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "workflow")})
