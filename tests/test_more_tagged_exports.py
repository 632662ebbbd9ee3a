"""Tagged and BibTeX exports not met before (Europe PMC, Scopus, Web of Science, biblatex,
arXiv BibTeX, EBSCOhost RIS): every field as written, nothing cut short, no guessing."""

from __future__ import annotations

import json
from pathlib import Path

from litreview.importers import import_export

MORE = Path(__file__).resolve().parent / "fixtures" / "exports" / "more-tagged"


def imported(name: str):
    result = import_export(MORE / name, database="X", display_path=name)
    assert not result.rejects
    return result


# --- a bare % in a BibTeX field is a percent sign, not a LaTeX comment ------------------

def test_bare_percent_in_bibtex_field_keeps_the_rest_of_the_text():
    result = imported("europepmc_percent.bib")
    first, second = result.records
    assert first.title == "Walking 30% more: a pragmatic trial of step counters"
    assert "(95% CI 12% to 48%)" in first.abstract
    assert first.abstract.endswith("Counters help.")  # the line after a % is kept too
    assert "8% dropped out" in first.abstract
    assert first.url == "https://doi.org/10.5555%2Fep.2020.001"
    assert second.abstract == "Sensitivity was 93.9% and specificity 13.1%."  # \% as well
    assert "30% more" in json.loads(first.original)["Title"]
    assert not result.warnings


def test_percent_comment_lines_between_entries_stay_silent(tmp_path: Path):
    path = tmp_path / "t.bib"
    path.write_text("% exported 2024\n@article{k1, title={Fifty %}, year={2020}}\n"
                    "% title = {not a field}\n")
    result = import_export(path, database="X", display_path="t.bib")
    assert not result.rejects and [r.title for r in result.records] == ["Fifty %"]


# --- article numbers: the pages of an article that has none ------------------------------

def test_article_number_is_read_as_pages_when_there_are_none():
    records = imported("scopus_article_number.bib").records
    assert [r.pages for r in records] == ["e0245511", "104512", "1-9", "e0245"]
    assert records[0].source_id == "2-s2.0-85100000001"  # the Scopus EID stays the id


# --- arXiv's own BibTeX: a preprint, not a web page -------------------------------------

def test_eprint_entries_are_preprints_and_web_pages_stay_web_pages():
    records = imported("arxiv_preprints.bib").records
    assert [r.type for r in records] == ["article", "article", "webpage"]
    assert json.loads(records[0].original)["eprint"] == "2301.01234"


# --- EBSCOhost RIS with the accession number only in the record link --------------------

def test_accession_number_in_the_record_link_is_the_id():
    records = imported("ebscohost_url_accession.ris").records
    assert [r.source_id for r in records] == ["149876543", "146543210"]
    assert [r.record_id for r in records] == ["x-149876543", "x-146543210"]


def test_an_tag_still_wins_over_the_link(tmp_path: Path):
    path = tmp_path / "t.ris"
    path.write_text("TY  - JOUR\nTI  - T\nAN  - 111\n"
                    "UR  - https://search.ebscohost.com/login.aspx?db=a9h&AN=222\nER  - \n")
    record, = import_export(path, database="X", display_path="t.ris").records
    assert record.source_id == "111"
