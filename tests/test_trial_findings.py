"""Small silent losses and guesswork a new user met (issue 12): PubMed's CSV, columns no
profile reads, a file with nothing readable, a malformed DOI, markup in titles and
abstracts, a bare PMID, a review title YAML cannot hold."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES
from litreview.cli import main
from litreview.core.records import (
    RecordIdError,
    RecordIds,
    make_record_id,
    read_records,
    resolve_record_id,
    write_records,
)
from litreview.importers import import_export, strip_markup

HERE = FIXTURES / "trial_findings"
EXPORTS = FIXTURES / "exports"


# --- 1. PubMed's CSV, and columns no profile reads ----------------------------------------

def test_pubmed_csv_keeps_journal_and_unpacks_the_citation():
    result = import_export(HERE / "pubmed.csv", database="PubMed")
    assert (result.format, result.source, result.rejects, result.warnings) == (
        "csv", "pubmed", (), ())
    got = [(r.record_id, r.journal, r.year, r.volume, r.issue, r.pages, r.type)
           for r in result.records]
    assert got == [
        ("pubmed-31000001", "Occup Med (Lond)", "2020", "70", "1", "35-42", "article"),
        ("pubmed-31000002", "Sleep Health", "2022", "", "", "1-13", "article"),  # ahead of print
        ("pubmed-31000003", "J Med Internet Res", "2021", "23", "", "e24006", "article"),
        ("pubmed-31000004", "Eur Heart J", "2019", "40", "Suppl 1", "S112-S113", "article"),
        ("pubmed-31000005", "Activity", "2019", "", "", "", "other"),  # a book: no citation
    ]
    first = result.records[0]
    assert first.authors == ("Okafor CN", "Lindqvist E", "Park JH")  # the closing "." gone
    assert first.url == "https://pubmed.ncbi.nlm.nih.gov/31000001/"  # as from MEDLINE
    original = first.original_fields()
    assert original["PMCID"] == "PMC7000001" and original["Create Date"] == "2019/11/02"
    assert original["Citation"].startswith("Occup Med (Lond). 2020 Jan 4;70(1):35-42.")


def test_a_generic_table_says_once_which_columns_it_did_not_read():
    result = import_export(HERE / "generic.csv", database="X")
    assert result.source == "generic" and len(result.records) == 2
    (warning,) = result.warnings
    assert (warning.file, warning.line) == (str(HERE / "generic.csv"), 1)
    assert "'Reviewer notes', 'Venue' not read into any record field" in warning.message
    assert "Empty column" not in warning.message  # no value in it: nothing to learn
    assert "--columns" in warning.hint
    assert result.records[0].original_fields()["Venue"] == "Age Ageing"  # kept all the same


def test_a_grey_literature_list_reads_summary_and_researchers(tmp_path: Path):
    """A register or website list (CERUK's, an organisation's): 'Summary' is the abstract,
    'Researchers' the authors; a publisher or organisation has no record field to go to."""
    path = tmp_path / "register.csv"
    path.write_text("ID,Title,Researchers,Year,Organisation,Publisher,Summary\n"
                    "R-1,Leading extended schools,\"Okafor, N.\",2009,University of Leeds,"
                    "SOLACE,Doctoral study of headteachers.\n")
    result = import_export(path, database="X")
    (record,) = result.records
    assert (record.authors, record.abstract) == (("Okafor, N.",),
                                                 "Doctoral study of headteachers.")
    assert not result.warnings
    assert record.original_fields()["Organisation"] == "University of Leeds"


def test_a_mapped_column_is_read_and_the_warning_goes():
    result = import_export(HERE / "generic.csv", database="X",
                           columns=[("journal", "Venue"), ("title", "Title")])
    assert result.records[0].journal == "Age Ageing"
    assert not result.warnings  # the user named the columns: nothing is guessed


@pytest.mark.parametrize("name", ["scopus.csv", "covidence.csv", "wos_fullheaders.csv",
                                  "embase_preamble.csv", "asreview.csv",
                                  "tables_bibtex/abstrackr_labels.csv"])
def test_known_profiles_do_not_warn_about_columns(name: str):
    result = import_export(EXPORTS / name, database="X")
    assert result.source != "generic"
    assert not [w for w in result.warnings if "not read into any record field" in w.message]


def test_the_projects_own_records_file_reads_back_without_the_warning(tmp_path: Path):
    records = import_export(HERE / "pubmed.csv", database="PubMed").records
    path = tmp_path / "included.csv"
    write_records(path, records)
    again = import_export(path, database="PubMed")
    assert len(again.records) == len(records)
    assert not [w for w in again.warnings if "not read into any record field" in w.message]


# --- 2. a file of which nothing could be read, with --rejects ----------------------------

def test_rejects_do_not_let_a_file_with_nothing_readable_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out, rejects = tmp_path / "records.csv", tmp_path / "rejects.csv"
    bad = str(HERE / "all_rejected.ris")
    for files in ([bad], [bad, str(EXPORTS / "ebsco.ris")]):
        assert main(["import", *files, "--database", "X", "--rejects", str(rejects),
                     "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert (f"{bad}: no record could be read from this file: all 2 block(s) rejected"
                in err)
        assert f"{bad}:5: record starting at line 5 has no title" in err  # each reason
        assert not out.exists() and not rejects.exists()


def test_rejects_still_set_aside_blocks_of_a_file_that_has_records(tmp_path: Path):
    mixed = tmp_path / "mixed.ris"
    mixed.write_text((HERE / "all_rejected.ris").read_text()
                     + "\nTY  - JOUR\nTI  - A readable record\nER  - \n")
    out, rejects = tmp_path / "records.csv", tmp_path / "rejects.csv"
    assert main(["import", str(mixed), "--database", "X", "--rejects", str(rejects),
                 "-o", str(out)]) == 0
    assert [r.title for r in read_records(out)] == ["A readable record"]
    with rejects.open(newline="") as handle:
        assert [row["line"] for row in csv.DictReader(handle)] == ["1", "5"]


# --- 3. a malformed DOI ---------------------------------------------------------------------

def test_a_malformed_doi_is_said_and_kept_in_the_original_fields():
    result = import_export(HERE / "bad_doi.ris", database="X")
    cut, none = result.records
    assert (cut.doi, cut.original_fields()["DO"]) == ("", "10.1/abc")
    assert (none.doi, none.original_fields()["DO"]) == ("", "N/A")
    (warning,) = result.warnings  # "N/A" says there is none: nothing to warn about
    assert (warning.line, warning.message.split(":")[0]) == (
        1, "DOI '10.1/abc' is not a DOI (10.NNNN/...)")


def test_a_malformed_doi_in_a_table_names_its_row(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text("Title,DOI\nFirst,10.1/abc\nSecond,https://doi.org/10.1234/XYZ\n")
    result = import_export(path, database="X")
    assert [r.doi for r in result.records] == ["", "10.1234/xyz"]
    assert [(w.line, "'10.1/abc'" in w.message) for w in result.warnings] == [(2, True)]
    assert result.records[0].original_fields()["DOI"] == "10.1/abc"


# --- 4. markup in titles and abstracts -------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("CO<sub>2</sub> in <i>vitro</i>", "CO2 in vitro"),
    ("<h4>Background</h4>Text.<h4>Methods</h4>More", " Background Text. Methods More"),
    ("one<br>two<br/>three<p>four</p>", "one two three four "),
    ("<jats:title>Abstract</jats:title><jats:p>x &lt; y &amp; z</jats:p>",
     " Abstract  x < y & z "),
    ('<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>x</mml:mi>'
     "<mml:mo>=</mml:mo><mml:mn>2</mml:mn></mml:math>", "x=2"),
    ("<span class='nlm'>t</span>", "t"),
    # text that only looks like markup stays as it is
    ("p < 0.05", "p < 0.05"), ("a<b", "a<b"), ("A<B and C>D", "A<B and C>D"),
    ("children <5 years>", "children <5 years>"), ("x<y>z", "x<y>z"),
    ("<foo:bar>x</foo:bar>", "<foo:bar>x</foo:bar>"), ("AT&amp;T", "AT&amp;T"),
    ("<A>", "<A>"), ("Groups <B> and <C> compared", "Groups <B> and <C> compared"),
    ("<i>in vitro</I> and <B>", "in vitro and <B>"),
])
def test_strip_markup(text: str, expected: str):
    assert strip_markup(text) == expected


def test_markup_is_stripped_from_title_and_abstract_and_kept_in_the_original():
    (record,) = import_export(HERE / "markup.bib", database="X").records
    assert record.title == "Validation of a wrist tracker 2TM against in vitro sensors"
    assert record.abstract == ("Background Sleep was compared (p < 0.05; a<b) with t-tests. "
                               "CO2 and O2 were measured.")
    original = record.original_fields()
    assert "<sup>TM</sup>" in original["title"] and "<h4>" in original["abstract"]


# --- 5. a bare PMID ----------------------------------------------------------------------------

def test_the_number_after_an_accession_prefix_names_its_record():
    pmid = make_record_id("PubMed", "PMID:36788546", "", "T", "2020", ())
    wos = make_record_id("Web of Science", "WOS:000512345600001", "", "T", "2020", ())
    assert (pmid, wos) == ("pubmed-PMID-36788546", "web-of-science-WOS-000512345600001")
    ids = RecordIds([pmid, wos, "eric-EJ1181769", "ris-Smith-2020"])
    for given in ("36788546", "PMID:36788546", "pmid-36788546", "pubmed-pmid-36788546"):
        assert ids.resolve(given) == pmid
    assert ids.resolve("000512345600001") == wos
    assert ids.resolve("EJ1181769") == "eric-EJ1181769"
    with pytest.raises(RecordIdError, match="no record '2020'"):
        ids.resolve("2020")  # only a capitalised accession prefix is passed over


def test_a_number_naming_several_records_is_still_refused():
    ids = ["pubmed-PMID-36788546", "embase-PMID-36788546", "wos-WOS-1~2"]
    with pytest.raises(RecordIdError) as caught:
        resolve_record_id("36788546", ids)
    assert caught.value.candidates == ("embase-PMID-36788546", "pubmed-PMID-36788546")
    assert resolve_record_id("1~2", ids) == "wos-WOS-1~2"


# --- 6. init writes valid YAML whatever the title -------------------------------------------

@pytest.mark.parametrize("title", [
    "Fitbit and wearables: trial review", "# not a comment", "Pain # and sleep",
    "'Quoted' and \"double\"", "- a leading dash", "Über: Schlaf — 睡眠", "2024", "yes",
    "ends with a colon:", "[brackets] and {braces}", "@home", "two\nlines"])
def test_init_writes_a_title_that_reads_back_as_itself(tmp_path: Path, title: str):
    from litreview.core.review import load_review

    review = tmp_path / "r"
    assert main(["init", str(review), "--title", title]) == 0
    data = yaml.safe_load((review / "review.yaml").read_text(encoding="utf-8"))
    assert data["review"]["title"] == title
    shutil.copy(FIXTURES / "tiny_review/data/exports/alpha/alpha_2024-01-10.ris",
                review / "data/exports/eric/eric_2024-01-31.ris")
    assert load_review(review).title == title


def test_a_review_with_a_colon_in_its_title_passes_check(tmp_path: Path):
    review = tmp_path / "r"
    assert main(["init", str(review), "--title", "Fitbit and wearables: trial review"]) == 0
    assert "title: 'Fitbit and wearables: trial review'\n" in (
        review / "review.yaml").read_text(encoding="utf-8")
    shutil.copy(FIXTURES / "tiny_review/data/exports/alpha/alpha_2024-01-10.ris",
                review / "data/exports/eric/eric_2024-01-31.ris")
    assert main(["check", str(review)]) == 0
