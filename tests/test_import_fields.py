"""Field cleaning shared by every reader: authors, terms, mojibake, pages, languages,
clean text, record ids and the original fields column."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from import_helpers import read, saved
from litreview.core.languages import normalise_language
from litreview.core.records import read_records
from litreview.core.text import clean_text
from litreview.importers import pages, read_export, split_authors, split_terms


@pytest.mark.parametrize(("value", "expected"), [
    ("Liu R., Adler D.G.", ("Liu R.", "Adler D.G.")),
    ("Liu, R.", ("Liu, R.",)),
    ("Liu, R., Adler, D.G.", ("Liu, R.", "Adler, D.G.")),
    ("Smith, J. and Doe, A.", ("Smith, J.", "Doe, A.")),
    ("A B|C D", ("A B", "C D")),
    (["Smith,J.", "Smith,J."], ("Smith, J.",)),
])
def test_split_authors(value, expected):
    assert split_authors(value) == expected


def test_split_terms_keeps_bracketed_commas():
    assert split_terms("cyst (diagnosis, surgery), article") == (
        "cyst (diagnosis, surgery)", "article")
    assert split_terms(["Models, Biological"]) == ("Models, Biological",)


def test_mojibake_is_repaired(tmp_path: Path):
    (record,) = read_export(saved(tmp_path, "moji.ris", "TY  - JOUR\n"
                                  "TI  - CafÃ© society and â€œcareâ€\x9d\nAU  - MÃ¼ller, K.\n"
                                  "ER  - \n"), database="X")
    assert record.title == 'Café society and "care"'
    assert record.authors == ("Müller, K.",)


def test_mojibake_is_repaired_in_journal_keywords_and_subjects(tmp_path: Path):
    (record,) = read_export(saved(tmp_path, "moji.ris", "TY  - JOUR\nTI  - T\n"
                                  "JO  - Revista de EducaÃ§Ã£o\nKW  - CrianÃ§as\nDB  - Host\n"
                                  "KW  - EducaÃ§Ã£o infantil\nER  - \n"), database="X")
    assert record.journal == "Revista de Educação"
    assert record.keywords == ("Crianças", "Educação infantil")
    assert record.subjects == record.keywords  # a host database's KW are its descriptors
    (row,) = read_export(saved(tmp_path, "moji.csv",
                               "Title,Author Keywords,Index Keywords,Source title\n"
                               "T,MÃ¼ller effect; cafÃ©,SchÃ¼ler,ZeitschrÃ¤ft\n"), database="X")
    assert (row.keywords, row.subjects, row.journal) == (
        ("Müller effect", "café"), ("Schüler",), "Zeitschräft")


@settings(max_examples=300, deadline=None)
@given(st.text() | st.text(st.sampled_from(" a.\t\n\xa0\u2003\u3000e\u0301\u2019\x1c\x85")))
def test_clean_text_takes_a_short_way_to_the_same_text(value: str):
    """The short cuts (ASCII; tidy text) give what NFC, straight quotes and ``\\s+``
    collapsing give."""
    slow = unicodedata.normalize("NFC", value)
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        slow = slow.replace(curly, straight)
    assert clean_text(value) == re.sub(r"\s+", " ", slow).strip()


def test_every_whitespace_character_but_the_space_is_unprintable():
    """What lets :func:`clean_text` return printable text as it is."""
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert len(spaces) > 20
    assert [c for c in spaces if c.isprintable()] == [" "]


def test_corporate_authors_are_not_split_at_and(tmp_path):
    ris = tmp_path / "corp.ris"
    ris.write_text("TY  - RPRT\nAU  - Department for Children, Schools and Families\n"
                   "AU  - Smith, J.; Jones, K.\nTI  - Guidance\nPY  - 2008\nER  - \n")
    assert read_export(ris, database="X")[0].authors == (
        "Department for Children, Schools and Families", "Smith, J.", "Jones, K.")
    bib = tmp_path / "corp.bib"
    bib.write_text("@techreport{k1,\n  author = {{Department for Children, Schools and "
                   "Families} and Smith, J.},\n  title = {Guidance},\n  year = {2008}\n}\n")
    assert read_export(bib, database="X")[0].authors == (
        "Department for Children, Schools and Families", "Smith, J.")


@pytest.mark.parametrize(("value", "expected"), [
    ("eng", "English"), ("English", "English"), ("en", "English"), ("EN-gb", "English"),
    ("fre", "French"), ("fra", "French"), ("Français", "French"), ("ger; eng", "German; English"),
    ("English, Spanish", "English; Spanish"), ("Greek, Modern", "Greek"), ("pt_BR", "Portuguese"),
    ("Klingon", "Klingon"), ("", ""), ("English; English", "English"),
])
def test_language_normalisation(value: str, expected: str):
    assert normalise_language(value) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("349-69", None, "349-369"), ("1203", "7", "1203-1207"), ("99-101", None, "99-101"),
    ("No", "Specified", ""), ("S105", None, "S105"), ("e1234", None, "e1234"),
    ("12--20", None, "12-20"),
])
def test_page_ranges(start: str, end: str | None, expected: str):
    assert pages(start, end) == expected


def test_record_ids_are_stable_and_unique(tmp_path: Path):
    for name in ("ebsco.ris", "scopus.csv", "multiline_kw.ris", "embase_preamble.csv"):
        assert [r.record_id for r in read(name)] == [r.record_id for r in read(name)]
    path = tmp_path / "twins.ris"
    path.write_text("TY  - JOUR\nTI  - Same\nER  - \nTY  - JOUR\nTI  - Same\nER  - \n")
    first, second = read_export(path, database="X")
    assert second.record_id == f"{first.record_id}~2"
    assert read_export(path, database="X")[1].record_id == second.record_id


def test_original_column_round_trips_through_the_records_file(tmp_path: Path):
    from litreview.core.records import EXTRA_COLUMNS, write_records

    records = read("pubmed.nbib") + read("endnote.xml")
    write_records(tmp_path / "r.csv", records)
    header = (tmp_path / "r.csv").read_text().splitlines()[0].split(",")
    assert header[-len(EXTRA_COLUMNS):] == list(EXTRA_COLUMNS) and header[-1] == "original"
    assert read_records(tmp_path / "r.csv") == records
