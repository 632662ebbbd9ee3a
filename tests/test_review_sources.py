"""Review config: misspelt export folders, a strategy attached to the wrong
database, and exports in subfolders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES
from litreview.cli import main
from litreview.core.errors import InputError
from litreview.core.records import read_records
from litreview.core.review import (
    export_files,
    is_export_name,
    load_review,
    same_database,
    search_date,
)

HERE = FIXTURES / "review_sources"


def problems(review: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_review(review)
    return [str(p) for p in caught.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    """``path`` with ``old`` replaced by ``new``."""
    path.write_text(path.read_text().replace(old, new))


def problems_with_exports(review: Path, exports: str) -> list[str]:
    """The problems of ``review`` once database Alpha lists ``exports: [<exports>]``."""
    strategy = "    strategy: search_strategies/alpha.txt\n"
    edit(review / "review.yaml", strategy, f"{strategy}    exports: [{exports}]\n")
    return problems(review)


# --- 4. misspelt folders, strategies of another database ------------------------------

def test_a_misspelt_default_folder_suggests_the_one_that_exists(tiny_review: Path):
    (tiny_review / "data/exports/alpha").rename(tiny_review / "data/exports/alhpa")
    assert problems(tiny_review) == [
        "review.yaml:5: Alpha: export folder 'data/exports/alpha' not found (did you mean "
        "'data/exports/alhpa'? The folder takes the database's name: correct the name or the "
        "folder, or list the exports under 'exports:')"]


def test_a_misspelt_exports_entry_suggests_the_one_that_exists(tiny_review: Path):
    assert problems_with_exports(tiny_review, "data/exports/aplha") == [
        "review.yaml:5: Alpha: export folder 'data/exports/aplha' not found (did you mean "
        "'data/exports/alpha'?)"]


def test_a_misspelt_export_file_suggests_the_file(tiny_review: Path):
    assert problems_with_exports(tiny_review, "data/exports/alpha/alpha_2024-01-01.ris") == [
        "review.yaml:5: Alpha: export file 'data/exports/alpha/alpha_2024-01-01.ris' not "
        "found (did you mean 'data/exports/alpha/alpha_2024-01-10.ris'?)"]


def test_nothing_near_gives_no_suggestion(tiny_review: Path):
    shutil.rmtree(tiny_review / "data/exports/alpha")
    assert problems(tiny_review)[0].endswith(
        "not found (The folder takes the database's name: correct the name or the folder, or "
        "list the exports under 'exports:')")


def test_a_strategy_naming_another_database_is_an_error(tiny_review: Path):
    edit(tiny_review / "review.yaml", "strategy: search_strategies/alpha.txt",
         "strategy: search_strategies/beta.txt")
    assert problems(tiny_review) == [
        "review.yaml:7: Alpha: its strategy search_strategies/beta.txt:1 says 'database: "
        "Beta' (point Alpha's 'strategy:' at its own strategy file, or correct the database "
        "line of the strategy)"]


def test_check_reports_the_wrong_strategy(tiny_review: Path, capsys):
    edit(tiny_review / "search_strategies/alpha.txt", "database: Alpha", "database: BEI")
    assert main(["check", str(tiny_review)]) == 2
    assert "Alpha: its strategy search_strategies/alpha.txt:1 says 'database: BEI'" \
        in capsys.readouterr().err


@pytest.mark.parametrize(("a", "b", "same"), [
    ("ERIC", "ERIC", True), ("ERIC", "eric", True), ("ERIC (EBSCOhost)", "ERIC", True),
    ("PsycINFO", "APA PsycInfo", True), ("Social Care Online", "SCIE Social Care Online", True),
    ("Embase", "Embase.com", True), ("BEI", "ERIC", False), ("CINAHL", "MEDLINE", False),
])
def test_same_database(a, b, same):
    assert same_database(a, b) is same


def test_a_strategy_without_a_database_line_is_not_judged(tiny_review: Path):
    edit(tiny_review / "search_strategies/alpha.txt", "database: Alpha\n", "")
    assert load_review(tiny_review).databases[0].strategy == "search_strategies/alpha.txt"


# --- 5. exports in subfolders ----------------------------------------------------------

def _nested(review: Path) -> Path:
    folder = review / "data/exports/alpha"
    (folder / "2024-03-01").mkdir()
    shutil.copy(HERE / "alpha_download.ris", folder / "2024-03-01" / "download.ris")
    for clutter in (".DS_Store", "Thumbs.db", "desktop.ini", "~$alpha.xlsx", "README.txt"):
        (folder / clutter).write_bytes(b"\x00\x01")
    (folder / "__MACOSX").mkdir()
    (folder / "__MACOSX" / "._download.ris").write_bytes(b"\x00\x05\x16\x07")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "old.ris").write_text("TY  - JOUR\nER  - \n")
    return folder


def test_exports_in_subfolders_are_read_in_search_order(tiny_review: Path):
    _nested(tiny_review)
    assert load_review(tiny_review).databases[0].exports == (
        "data/exports/alpha/alpha_2024-01-10.ris", "data/exports/alpha/2024-03-01/download.ris")


def test_dated_folder_gives_the_search_date():
    assert search_date("data/exports/eric/2024-03-01/download.ris", "x") == "2024-03-01"
    assert search_date("data/exports/eric/2024-03-01/eric_2024-03-02.ris", "x") == "2024-03-02"
    assert search_date("data/exports/eric/download.ris", "x") == "x"


def test_sorting_is_stable_without_dates(tmp_path: Path):
    for name in ("b/2.ris", "a/1.ris", "a/0.ris", "c.ris"):
        (tmp_path / "db" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "db" / name).write_text("x")
    assert export_files(["db"], tmp_path) == ("db/a/0.ris", "db/a/1.ris", "db/b/2.ris",
                                              "db/c.ris")


@pytest.mark.parametrize(("name", "export"), [
    ("eric.ris", True), ("2024-03-01", True), (".DS_Store", False), ("._eric.ris", False),
    ("Thumbs.db", False), ("desktop.ini", False), ("~$eric.xlsx", False), ("__MACOSX", False),
    ("README.md", False), ("readme", False),
])
def test_is_export_name(name, export):
    assert is_export_name(name) is export


def test_nested_exports_pass_check_and_keep_their_path_in_provenance(tiny_review: Path,
                                                                     tmp_path: Path, capsys):
    _nested(tiny_review)
    assert main(["check", str(tiny_review)]) == 0
    review = load_review(tiny_review)
    out = tmp_path / "alpha.csv"
    assert main(["import", *(str(tiny_review / e) for e in review.databases[0].exports),
                 "--database", "Alpha", "-o", str(out)]) == 0
    files = {r.source_file.replace(str(tiny_review) + "/", "") for r in read_records(out)}
    assert "data/exports/alpha/2024-03-01/download.ris" in files


def test_only_the_nearest_folder_dates_an_export():
    assert search_date("/home/me/review_2020-01-01/data/exports/eric/eric.ris", "x") == "x"


# --- a call for evidence (seed 004): outlets and the weeks it ran ---------------------------

CALL = """  - name: Call for evidence
    kind: call_for_evidence
    outlets: [Children & Young People Now, Municipal Journal, Times Educational Supplement]
    opens: 2008-01-07
    closes: 2008-04-30
    files: [data/other/websites.csv]
"""


def test_a_call_for_evidence_is_a_source_kind_of_its_own(tiny_review: Path):
    edit(tiny_review / "review.yaml", "screening:\n", CALL + "screening:\n")
    call = load_review(tiny_review).source("call-for-evidence")
    assert call.kind == "call_for_evidence" and len(call.outlets) == 3
    assert (call.opens, call.closes, call.searched) == ("2008-01-07", "2008-04-30",
                                                        "2008-04-30")


def test_a_call_for_evidence_says_where_and_when(tiny_review: Path):
    edit(tiny_review / "review.yaml", "screening:\n",
         CALL.replace("    opens: 2008-01-07\n", "") + "screening:\n")
    assert any("'opens' is a required property" in p for p in problems(tiny_review))
    edit(tiny_review / "review.yaml", "    closes: 2008-04-30\n",
         "    opens: 2008-05-07\n    closes: 2008-04-30\n")
    assert any("the call for evidence closes (2008-04-30) before it opens (2008-05-07)" in p
               for p in problems(tiny_review))
