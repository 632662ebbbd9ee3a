"""``litreview decisions from-rayyan|from-covidence|from-asreview``: another tool's export
made into a decision sheet of this project, on the tiny review's records (built in process
once for the module).

The fixtures under ``tests/fixtures/tools/`` are shaped like the tools' real exports:

- ``rayyan_articles.csv``: Rayyan's ``articles.csv``, its columns in the order of a real
  export (key, title, year, month, day, journal, …, notes, doi, keywords, pubmed_id,
  pmc_id), each record's screening in ``notes`` as ``RAYYAN-INCLUSION: {"Name"=>"Included"}
  | RAYYAN-LABELS: … | RAYYAN-EXCLUSION-REASONS: a,b | USER-NOTES: {"Name"=>["…"]}``
  (public tools that read Rayyan exports parse these sections so);
- ``review_123456_irrelevant_csv_20240320131744.csv``: a Covidence reference list, named as
  Covidence names its exports (``review_<n>_<list>_csv_<time>.csv``), with its columns
  (Title, Authors, Abstract, Published Year, Published Month, Journal, Volume, Issue, Pages,
  Accession Number, DOI, Ref, Covidence #, Study, Notes, Tags; ``#301`` numbers);
- ``asreview_dataset.csv``: an ASReview LAB dataset export, the imported columns followed
  by ``included`` (1, 0, empty when unseen) and ``asreview_ranking``, as its documentation
  ("Export results") describes.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_stages
from litreview.cli import main
from litreview.core import paths
from litreview.core.records import Record
from litreview.dedupe import read_groups
from litreview.screening import (
    ReviewIndex,
    decision_problems,
    load_criteria,
    read_sheet,
    sheet_problems,
)

TOOLS = FIXTURES / "tools"
RAYYAN = TOOLS / "rayyan_articles.csv"
COVIDENCE = TOOLS / "review_123456_irrelevant_csv_20240320131744.csv"
ASREVIEW = TOOLS / "asreview_dataset.csv"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny review with its results, built once: copy it, never change it."""
    review = tmp_path_factory.mktemp("built") / "review"
    shutil.copytree(FIXTURES / "tiny_review", review)
    assert run_stages(review) == 0
    return review


@pytest.fixture
def review(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "review"
    shutil.copytree(built, target)
    return target


def decisions(review: Path, *args: str) -> int:
    return main(["decisions", *args, "--review", str(review)])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def passes_the_workflow(review: Path, sheet: Path) -> None:
    """The sheet as the workflow reads it: every check of a sheet and of its records."""
    criteria = load_criteria(review / "screening" / "criteria.yaml")
    read = read_sheet(sheet, [s.id for s in criteria.stages])
    aliases = read_groups(review / paths.GROUPS).group_of
    assert read.decisions and not read.warnings
    assert sheet_problems([read], criteria) == []
    assert decision_problems([read], criteria, aliases) == []


def test_rayyan_decisions_of_one_reviewer_matched_by_id_doi_and_title(review, tmp_path,
                                                                       capsys):
    reasons = tmp_path / "reasons.csv"
    reasons.write_text("reason,criterion\nwrong outcome,C2\n")
    code = decisions(review, "from-rayyan", str(RAYYAN), "--stage", "title_abstract",
                     "--reviewer", "alice", "--as", "Alice", "--reasons", str(reasons))
    err = capsys.readouterr().err
    assert code == 1  # a row is listed
    sheet = review / "screening" / "decisions" / "title_abstract-alice.csv"
    got = {r["record_id"]: r for r in rows(sheet)}
    assert list(got) == ["alpha-A1", "alpha-A2", "beta-B2", "websites-WEB-2"]
    assert got["alpha-A1"]["decision"] == "include"  # by DOI (Rayyan's own key is no id)
    assert (got["alpha-A2"]["decision"], got["alpha-A2"]["reason"]) == ("exclude", "C2")  # by key
    assert "about teams, not leadership" in got["alpha-A2"]["note"]  # Alice's own note
    assert got["beta-B2"]["decision"] == "unsure"  # "Maybe", by title and year
    # a reason that is a criterion's text is that criterion; the other stays in the note
    assert (got["websites-WEB-2"]["reason"], got["websites-WEB-2"]["note"]) == (
        "C1", "Rayyan reasons: Empirical research or evaluation, wrong setting")
    assert {r["reviewer"] for r in got.values()} == {"alice"}
    assert "1 by doi, 1 by id, 2 by title" in err and "1 not decided by Alice" in err
    listed = review / "screening" / "title_abstract-alice.unmatched.csv"  # not read as a sheet
    [unmatched] = rows(listed)
    assert (unmatched["line"], unmatched["title"]) == ("5", "A study nobody imported")
    assert "no record of the review" in unmatched["why"]
    assert (unmatched["record_id"], unmatched["candidates"]) == ("", "")  # it names none
    assert f"{RAYYAN}:5: not written" in err
    assert err.splitlines()[-1] == f"1 row not written: listed in {listed}"  # named last
    passes_the_workflow(review, sheet)


def test_a_rayyan_sheet_runs_through_the_workflow(review):
    folder = review / "screening" / "decisions"
    for old in folder.iterdir():  # the tiny review's own sheets would disagree with Alice's
        old.unlink()
    assert decisions(review, "from-rayyan", str(RAYYAN), "--stage", "title_abstract",
                     "--reviewer", "Alice", "--date", "2024-05-01") == 1
    assert run_stages(review) == 0
    status = rows(review / paths.STATUS)
    assert {(r["record_id"], r["status"]) for r in status if r["stage"] == "title_abstract"} >= {
        ("alpha-A1", "included"), ("websites-WEB-2", "excluded"), ("beta-B2", "awaiting")}


def test_a_full_text_exclusion_without_a_criterion_is_listed_not_written(review, capsys):
    code = decisions(review, "from-rayyan", str(RAYYAN), "--stage", "full_text",
                     "--reviewer", "alice")
    err = capsys.readouterr().err
    assert code == 1
    got = {r["record_id"]: r for r in rows(review / "screening/decisions/full_text-alice.csv")}
    assert "alpha-A2" not in got  # "wrong outcome" names no criterion
    assert list(got) == ["alpha-A1", "beta-B2"]
    assert "reason(s) 'wrong outcome' name none (map them with --reasons MAP.csv)" in err


def test_only_records_that_entered_the_stage_are_written(review, capsys):
    """The screening as it stands: websites-WEB-2 was excluded at title_abstract, beta-B2
    awaits a decision there (no reviewer's sheet decides it); neither is at full_text."""
    folder = review / "screening" / "decisions"
    (folder / "full_text-r1.csv").unlink()
    for name in ("title_abstract-r1.csv", "title_abstract-r2.csv"):
        sheet = folder / name
        sheet.write_text("".join(line for line in sheet.read_text().splitlines(True)
                                 if not line.startswith("beta-B2,")))
    reasons = review / "reasons.csv"
    reasons.write_text("reason,criterion\nwrong outcome,C2\n")
    code = decisions(review, "from-rayyan", str(RAYYAN), "--stage", "full_text",
                     "--reviewer", "alice", "--reasons", str(reasons))
    err = capsys.readouterr().err
    assert code == 1
    sheet = folder / "full_text-alice.csv"
    assert [(r["record_id"], r["reason"]) for r in rows(sheet)] == [("alpha-A1", ""),
                                                                   ("alpha-A2", "C2")]
    listed = {r["line"]: r for r in rows(review / "screening/full_text-alice.unmatched.csv")}
    assert [(r["why"], r["record_id"], r["candidates"]) for r in listed.values()] == [
        ("not at full_text: awaiting a decision at title_abstract", "beta-B2", ""),
        ("no record of the review has its title", "", ""),
        ("not at full_text: excluded at title_abstract (C1)", "websites-WEB-2", "")]
    assert f"{RAYYAN}:7: not written: not at full_text: excluded at title_abstract (C1)" in err
    passes_the_workflow(review, sheet)
    assert run_stages(review) == 0  # the run the unchecked sheet used to break


def test_a_row_that_would_turn_an_agreed_outcome_into_a_conflict_is_said(review, capsys):
    assert decisions(review, "from-rayyan", str(RAYYAN), "--stage", "title_abstract",
                     "--reviewer", "alice") == 1
    warnings = [line for line in capsys.readouterr().err.splitlines()
                if line.startswith("warning:") and "conflict" in line]
    # alpha-A1: include, as r1+r2 agree; alpha-A2: decided by consensus, which stands
    assert warnings == [f"warning: {RAYYAN}:4: beta-B2 is decided at title_abstract (included, "
                        "by r1+r2): this 'unsure' would make it a conflict (written all the "
                        "same; resolve it in title_abstract.csv, or drop the row from the "
                        "sheet)"]


def test_a_reason_that_names_no_criterion_where_none_is_needed_is_said(review, capsys):
    assert decisions(review, "from-rayyan", str(RAYYAN), "--stage", "title_abstract",
                     "--reviewer", "alice") == 1
    err = capsys.readouterr().err
    got = {r["record_id"]: r for r in rows(review / "screening/decisions/"
                                           "title_abstract-alice.csv")}
    assert (got["alpha-A2"]["decision"], got["alpha-A2"]["reason"]) == ("exclude", "")
    said = [line for line in err.splitlines() if "names no criterion" in line]
    # "wrong setting" came with a reason that names C1: that row has its criterion
    assert said == ["warning: Rayyan reason 'wrong outcome' names no criterion applied at "
                    "title_abstract: 1 exclusion written without a reason (kept in the note; "
                    "map it to a criterion with --reasons MAP.csv)"]


def test_outside_the_decisions_folder_any_name_will_do(review, tmp_path, capsys):
    out = tmp_path / "ft-ry2.csv"
    assert decisions(review, "from-rayyan", str(RAYYAN), "--stage", "title_abstract",
                     "--reviewer", "RY", "--as", "Alice", "-o", str(out)) == 1
    err = capsys.readouterr().err
    assert [r["record_id"] for r in rows(out)][:2] == ["alpha-A1", "alpha-A2"]
    listed = tmp_path / "ft-ry2.unmatched.csv"  # beside the sheet, not in the review
    assert [r["line"] for r in rows(listed)] == ["5"]
    assert not list((review / "screening").glob("*.unmatched.csv"))
    assert "would read this sheet" not in err
    assert err.splitlines()[-1] == f"1 row not written: listed in {listed}"


def test_a_reviewer_rayyan_does_not_name_is_refused(review, capsys):
    assert decisions(review, "from-rayyan", str(RAYYAN), "--stage", "title_abstract",
                     "--reviewer", "carol") == 2
    err = capsys.readouterr().err
    assert "no decision of 'carol'" in err and "Alice, Bob" in err
    assert not (review / "screening/decisions/title_abstract-carol.csv").exists()


def test_covidence_list_gives_the_decision(review, capsys):
    code = decisions(review, "from-covidence", str(COVIDENCE), "--stage", "title_abstract",
                     "--reviewer", "dan")
    assert code == 1
    sheet = review / "screening/decisions/title_abstract-dan.csv"
    got = {r["record_id"]: r for r in rows(sheet)}
    assert {k: r["decision"] for k, r in got.items()} == {"alpha-A2": "exclude",
                                                          "websites-WEB-2": "exclude"}
    assert got["websites-WEB-2"]["note"] == "guidance only; Grey literature"
    [unmatched] = rows(review / "screening/title_abstract-dan.unmatched.csv")
    assert unmatched["line"] == "4" and "DOI 10.9999/slm.2012.1" in unmatched["why"]
    assert "1 by id, 1 by title" in capsys.readouterr().err  # Accession Number A2
    passes_the_workflow(review, sheet)


def test_covidence_file_that_names_no_list_needs_a_decision(review, tmp_path, capsys):
    plain = tmp_path / "references.csv"
    shutil.copy(COVIDENCE, plain)
    assert decisions(review, "from-covidence", str(plain), "--stage", "title_abstract",
                     "--reviewer", "dan") == 2
    assert f"{plain}:1: the file does not say which list it is" in capsys.readouterr().err
    assert decisions(review, "from-covidence", str(plain), "--stage", "title_abstract",
                     "--reviewer", "dan", "--decision", "include") == 1
    assert {r["decision"] for r in rows(review / "screening/decisions/title_abstract-dan.csv")
            } == {"include"}


def test_asreview_labels_with_a_reason_at_full_text(review, capsys):
    code = decisions(review, "from-asreview", str(ASREVIEW), "--stage", "full_text",
                     "--reviewer", "erin", "--reason", "C2")
    assert code == 1  # websites-WEB-2 was excluded at title_abstract
    sheet = review / "screening/decisions/full_text-erin.csv"
    got = {r["record_id"]: (r["decision"], r["reason"]) for r in rows(sheet)}
    assert got == {"alpha-A1": ("include", ""), "beta-B2": ("exclude", "C2")}
    assert "1 not decided" in capsys.readouterr().err  # alpha-A2 unseen: not decided
    [listed] = rows(review / "screening/full_text-erin.unmatched.csv")
    assert listed["record_id"] == "websites-WEB-2"
    passes_the_workflow(review, sheet)


def test_asreview_exclusions_need_a_reason_where_the_stage_does(review, capsys):
    assert decisions(review, "from-asreview", str(ASREVIEW), "--stage", "full_text",
                     "--reviewer", "erin") == 1
    listed = rows(review / "screening/full_text-erin.unmatched.csv")
    assert [r["line"] for r in listed] == ["3", "5"]
    assert "give one with --reason" in listed[0]["why"]
    assert listed[1]["why"].startswith("not at full_text: excluded at title_abstract")
    assert [r["record_id"] for r in rows(review / "screening/decisions/full_text-erin.csv")
            ] == ["alpha-A1"]


def test_an_existing_sheet_is_never_overwritten(review, capsys):
    sheet = review / "screening/decisions/title_abstract-r1.csv"
    before = sheet.read_bytes()
    assert decisions(review, "from-asreview", str(ASREVIEW), "--stage", "title_abstract",
                     "--reviewer", "R1") == 2  # the same reviewer, whatever the case
    err = capsys.readouterr().err
    assert "is never overwritten" in err and "title_abstract-R1.from-tool.csv" in err
    assert sheet.read_bytes() == before
    assert not (review / "screening/title_abstract-R1.unmatched.csv").exists()


def test_a_sheet_name_the_workflow_would_misread_is_refused(review, capsys):
    out = review / "screening/decisions/alice.csv"
    assert decisions(review, "from-asreview", str(ASREVIEW), "--stage", "title_abstract",
                     "--reviewer", "alice", "-o", str(out)) == 2
    assert "name it title_abstract-alice.csv" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(("tool", "text", "where"), [
    ("from-rayyan", "key,title,authors\nrayyan-1,A title,Someone\n", ":1: missing column(s) "
     "notes"),
    ("from-covidence", "Title,Authors\nA title,Someone\n", ":1: missing column(s) covidence #"),
    ("from-asreview", "record_id,title\nx,A title\n", ":1: no label column"),
    ("from-asreview", "record_id,title,included\nx,A title,1\ny,B title,yes\n",
     ":3: label 'yes'"),
])
def test_a_file_not_in_the_tool_format_is_located(review, tmp_path, capsys, tool, text, where):
    path = tmp_path / "export_irrelevant_csv_.csv"
    path.write_text(text)
    assert decisions(review, tool, str(path), "--stage", "title_abstract",
                     "--reviewer", "zed") == 2
    assert f"{path}{where}" in capsys.readouterr().err
    assert not (review / "screening/decisions/title_abstract-zed.csv").exists()


def test_rayyan_ris_notes_are_read_like_its_csv(review, tmp_path):
    ris = tmp_path / "rayyan.ris"
    ris.write_text("TY  - JOUR\nTI  - Leaders of multi-agency teams\nPY  - 2008\nAN  - A2\n"
                   'N1  - RAYYAN-INCLUSION: {"Alice"=>"Excluded"} | '
                   "RAYYAN-EXCLUSION-REASONS: Evidence on effective features of leadership\n"
                   "ER  - \n")
    assert decisions(review, "from-rayyan", str(ris), "--stage", "full_text",
                     "--reviewer", "alice") == 0
    [row] = rows(review / "screening/decisions/full_text-alice.csv")
    assert (row["record_id"], row["decision"], row["reason"]) == ("alpha-A2", "exclude", "C2")


def test_a_row_naming_two_records_is_ambiguous():
    one = Record("a-1", "A", "a.ris", 1, title="Leaders of teams in schools", year="2008")
    two = Record("b-1", "B", "b.csv", 1, title="Leaders of teams in schools", year="2009",
                 doi="10.1000/b.1")
    index = ReviewIndex([one, two], {})
    found = index.match((), "", "Leaders of teams in schools", "")
    assert not found.record_id and found.candidates == ("a-1", "b-1")
    assert found.why.startswith("ambiguous: its title and year names 2 records")
    assert index.match((), "", "Leaders of teams in schools", "2009").record_id == "b-1"
    clash = index.match(("a-1",), "https://doi.org/10.1000/B.1", "", "")
    assert not clash.record_id and "its id names a-1 but its DOI names b-1" in clash.why
