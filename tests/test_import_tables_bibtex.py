"""Tables, BibTeX and encodings met on a team's own data: screening-tool section rows,
stray braces in EBSCOhost BibTeX, UTF-16 without a byte-order mark, workbooks with several
sheets or unsaved formulas, and control characters in any format."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest
from litreview.core.errors import InputError
from litreview.importers import import_export, read_export

HERE = Path(__file__).resolve().parent / "fixtures" / "exports" / "tables_bibtex"


def imported(path: Path | str, **kwargs: str):
    path = HERE / path if isinstance(path, str) else path
    return import_export(path, database="Test DB", display_path=path.name, **kwargs)


def refused(path: Path) -> list[str]:
    """The located problems importing ``path`` stops at."""
    with pytest.raises(InputError) as excinfo:
        imported(path)
    return [str(p) for p in excinfo.value.problems]


# --- section rows ----------------------------------------------------------------------

def test_abstrackr_section_row_is_skipped_with_a_warning_and_records_around_it_kept():
    result = imported("abstrackr_labels.csv")
    assert not result.rejects
    assert len(result.records) == 10  # 6 labelled above the section row, 4 unlabelled below
    assert result.records[5].title == "Leaving care at eighteen: transitions and support"
    assert result.records[6].title == "Placement instability and mental health"
    assert result.records[6].source_line == 9
    assert [str(w) for w in result.warnings] == [
        "abstrackr_labels.csv:8: skipped a section row, not a record: 'citations that are "
        "not yet labeled by anyone' (one cell of text and the rest empty: a heading the tool "
        "writes between groups of records)"]
    # the labels stay with the record
    assert '"alice":"1"' in result.records[0].original


def test_a_lone_word_or_a_table_of_section_rows_alone_stays_a_reject(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text("Authors,Title,Year\nSmith J,A record,2020\nIncluded,,\n", encoding="utf-8")
    result = imported(path)
    assert [r.problem.line for r in result.rejects] == [3]
    path.write_text("Authors,Title,Year\nnot yet labelled by anyone,,\n", encoding="utf-8")
    result = imported(path)
    assert not result.records and [r.problem.line for r in result.rejects] == [2]


# --- BibTeX with stray braces ----------------------------------------------------------

def test_ebsco_bibtex_stray_braces_recovered_line_by_line():
    result = imported("ebsco_stray_braces.bib")
    assert not result.rejects
    titles = [r.title for r in result.records]
    assert titles == ["Kinship care and school contact: carers' accounts.",
                      "Placement instability and mental health.",
                      "Sibling placement and wellbeing."]
    first, _, third = result.records
    assert first.source_id == "118504913" and first.pages == "120-131"
    assert first.authors == ("Okafor, Chidi", "Lindqvist, Maja")
    assert first.abstract.endswith('"@type": "ScholarlyArticle" ...')
    assert "ScholarlyArticle" in first.original  # the field as written, brace and all
    assert third.abstract == "Menu text came along: Home Journals About. Siblings placed " \
                             "together fared better."
    assert [(w.file, w.line) for w in result.warnings] == [("ebsco_stray_braces.bib", 2),
                                                           ("ebsco_stray_braces.bib", 29)]
    assert all("'Abstract' has braces that do not balance" in w.message
               and "left out of the field (the original fields keep it)" in w.message
               for w in result.warnings)


@pytest.mark.parametrize(("written", "read"), [
    ("Schools & families", "Schools & families"),          # bare: LaTeX's column separator
    ("Schools &amp; families", "Schools & families"),      # a web page's character reference
    (r"Schools \& families", "Schools & families"),         # LaTeX's own escape
    ("Scores &lt;5 &#8211; rare", "Scores <5 \u2013 rare"),
    ("&#123; stays &#123;", "&#123; stays &#123;"),        # a brace would change the BibTeX
])
def test_bibtex_ampersands_survive(tmp_path: Path, written: str, read: str):
    path = tmp_path / "amp.bib"
    path.write_text(f"@article{{k1,\n  title = {{{written}}},\n  year = {{2001}}\n}}\n")
    (record,) = imported(path).records
    assert record.title == read


def test_bibtex_that_is_not_one_field_per_line_is_still_refused_located():
    result = imported("ebsco_unrecoverable.bib")
    assert [r.title for r in result.records] == ["A readable entry."]
    assert [(r.problem.line, "cannot read this BibTeX entry" in r.problem.message)
            for r in result.rejects] == [(1, True)]
    assert not result.warnings


# --- UTF-16 without a byte-order mark ---------------------------------------------------

def test_utf16_without_bom_little_and_big_endian():
    ris = imported("utf16le_nobom.ris")
    assert ris.format == "ris"
    assert [r.title for r in ris.records] == ["Kinship care and school outcomes",
                                              "Placement instability and mental health"]
    assert ris.records[0].authors == ("Okafor, Chidi", "Müller, Jürgen")
    assert ris.records[1].source_line == 10
    table = imported("utf16be_nobom.csv")
    assert table.format == "csv"
    assert table.records[0].authors == ("Mensah A", "Zoë Brown")
    assert table.records[1].title == "Sibling placement and wellbeing — a review"


def test_binary_files_are_still_refused(tmp_path: Path):
    path = tmp_path / "export.ris"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError, match="binary file"):
        imported(path)
    path.write_bytes(os.urandom(5000))
    with pytest.raises(InputError, match="binary file"):
        imported(path)
    # NULs in every other byte, but not text in UTF-16 either
    path.write_bytes(b"".join(bytes((b, 0)) for b in range(1, 32)) * 40)
    with pytest.raises(InputError, match="binary file"):
        imported(path)


# --- workbooks ---------------------------------------------------------------------------

def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_reads_every_sheet_with_a_header_and_says_which(tmp_path: Path):
    path = _workbook(tmp_path / "searches.xlsx", {
        "Scopus": [["Title", "Authors", "Year"], ["Kinship care", "Okafor C", 2006],
                   ["Residential care", "Byrne T", 2009]],
        "Search strategy": [["#", "Query", "Results"], [1, "kinship AND care", 120]],
        "PubMed": [["Search run 2024-05-01"], ["Title", "Authors", "PMID"],
                   ["Adoption from care", "Neil E", "123"]],
        "Sheet4": [],
    })
    result = imported(path)
    assert [r.title for r in result.records] == ["Kinship care", "Residential care",
                                                 "Adoption from care"]
    assert [r.source_position for r in result.records] == [1, 2, 3]
    assert [r.original_fields()["_sheet"] for r in result.records] == [  # where each stands
        "Scopus", "Scopus", "PubMed"]
    assert [str(w) for w in result.warnings] == [
        "searches.xlsx: a workbook of 4 sheets: read 'Scopus' (2 records); skipped 'Search "
        "strategy' (no title column and no record fields: not a table of records); read "
        "'PubMed' (1 records); skipped 'Sheet4' (empty)"]


def test_xlsx_sheet_of_records_without_a_title_column_is_refused_by_name(tmp_path: Path):
    path = _workbook(tmp_path / "two.xlsx", {
        "Scopus": [["Title", "Authors", "Year"], ["Kinship care", "Okafor C", 2006]],
        "Embase": [["Article name", "Authors", "Year", "DOI"],
                   ["Leaving care", "Stein M", 2012, "10.1/x"]],
    })
    assert refused(path) == [
        "two.xlsx: sheet(s) 'Embase' name record fields but have no title column in the "
        "first 50 rows: their records cannot be read (add a Title column, name the columns "
        "with --columns title=HEADER,..., or move the sheet to a workbook of its own)"]


def test_xlsx_rows_of_a_second_sheet_are_located_by_sheet(tmp_path: Path):
    path = _workbook(tmp_path / "two.xlsx", {
        "A": [["Title", "Year"], ["One", 2001]],
        "B": [["Title", "Year"], ["Two", 2002], [None, 2003]],
    })
    result = imported(path)
    assert [str(r.problem) for r in result.rejects] == [
        "two.xlsx[B]:3: row has no title, DOI or ID (fill one in, or delete the row if it "
        "is not a record)"]


def test_xlsx_hyperlink_formula_without_saved_value_reads_its_text_and_url(tmp_path: Path):
    path = _workbook(tmp_path / "links.xlsx", {"Results": [
        ["Title", "Authors", "URL"],
        ['=HYPERLINK("https://example.org/a?id=1","Kinship care and ""school"" outcomes")',
         "Okafor C", None],
        ['=HYPERLINK("https://example.org/b")', "Byrne T", "https://doi.org/10.1/b"],
    ]})
    result = imported(path)
    first, second = result.records
    assert first.title == 'Kinship care and "school" outcomes'
    assert first.url == "https://example.org/a?id=1"
    assert second.title == "https://example.org/b"
    assert second.url == "https://doi.org/10.1/b"  # the URL column wins; the link is kept
    assert '"Title (link)":"https://example.org/b"' in second.original


def test_xlsx_other_formula_without_saved_value_is_refused_naming_cells(tmp_path: Path):
    path = _workbook(tmp_path / "formulas.xlsx", {"Results": [
        ["Title", "Authors", "Year"],
        ["Kinship care", "Okafor C", "=2000+6"],
        ['=A2&" (copy)"', "Byrne T", 2009],
    ]})
    assert refused(path) == [
        "formulas.xlsx: formula(s) whose value was never saved, so it cannot be read: C2, "
        "A3 (open the workbook in Excel or LibreOffice, let it calculate, and save it again "
        "(or paste the values over the formulas))"]


def test_xlsx_formula_with_saved_value_reads_the_value(tmp_path: Path):
    path = _workbook(tmp_path / "saved.xlsx", {"Results": [
        ["Title", "Year"], ["=A1", 2001]]})
    # as Excel saves it: the formula and its value, a string ("str")
    import zipfile
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<c r="A2"><f>A1</f><v /></c>',
                                        b'<c r="A2" t="str"><f>A1</f><v>Title</v></c>')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert [r.title for r in imported(path).records] == ["Title"]


# --- control characters, every format -----------------------------------------------------

@pytest.mark.parametrize(("name", "title", "codes"), [
    ("control_chars.ris", "Kinship care and school[0m outcomes",
     "U+0000, U+0007, U+000B, U+001B"),
    ("control_chars.bib", "Kinship care and school outcomes", "U+0008, U+001F"),
    ("control_chars.csv", "Kinship care and school outcomes", "U+0002, U+000C"),
])
def test_control_characters_removed_with_a_located_warning(name: str, title: str, codes: str):
    result = imported(name)
    record = result.records[0]
    assert record.title == title
    assert not any(ord(c) < 32 for r in result.records for c in r.title + r.abstract
                   + r.original)
    assert [(w.file, w.line) for w in result.warnings] == [(name, record.source_line)]
    assert f"removed control character(s) {codes} from title, abstract" in \
        result.warnings[0].message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_control_characters_are_found_whatever_the_file_s_encoding(tmp_path: Path,
                                                                   encoding: str):
    """The bytes are searched when each byte under 0x80 is that character; UTF-16's text."""
    path = tmp_path / "ctrl.ris"
    path.write_bytes("TY  - JOUR\nTI  - Caf\u00e9 care\x07 and school\nER  - \n"
                     "TY  - JOUR\nTI  - Caf\u00e9 outcomes\nER  - \n".encode(encoding))
    result = imported(path)
    assert [r.title for r in result.records] == ["Caf\u00e9 care and school",
                                                 "Caf\u00e9 outcomes"]
    assert [w.line for w in result.warnings] == [1]
    assert "U+0007" in result.warnings[0].message


def test_control_characters_escaped_in_json_are_removed(tmp_path: Path):
    """A JSON export writes them as escapes ("\\u0007"), which a scan of its text misses."""
    path = tmp_path / "ctrl.json"
    path.write_text(json.dumps([{"type": "article-journal", "title": "Care\u0007 and school",
                                 "issued": {"date-parts": [[2020]]}}]))
    result = imported(path)
    assert [r.title for r in result.records] == ["Care and school"]
    assert "U+0007" in result.warnings[0].message


def test_control_characters_in_endnote_xml_raw_and_as_references():
    result = imported("control_chars.xml")
    assert [r.title for r in result.records] == ["Kinship care and school outcomes",
                                                 "Placement instability and mental health"]
    assert result.records[0].abstract == "Carers interviewed."
    assert [(w.line, w.message.split(" (")[0]) for w in result.warnings] == [
        (3, "removed control character(s) U+0001"),
        (5, "removed control character(s) U+0008, U+001F")]


def test_control_characters_in_xlsx_stored_as_escapes(tmp_path: Path):
    path = _workbook(tmp_path / "ctrl.xlsx", {"Results": [
        ["Title", "Abstract"], ["Kinship_x0001_ care", "Carers_x000B_interviewed"]]})
    result = imported(path)
    assert (result.records[0].title, result.records[0].abstract) == (
        "Kinship care", "Carers interviewed")
    assert [(w.line, "U+0001, U+000B" in w.message) for w in result.warnings] == [(2, True)]


def test_nul_byte_after_the_first_64_kb_of_a_csv(tmp_path: Path):
    path = tmp_path / "big.csv"
    rows = ["Title,Authors,Year"] + [f"Record number {i} {'padding ' * 8},Smith J,2020"
                                     for i in range(1000)]
    rows.append("A title with a\x00 NUL,Doe J,2021")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > 64 * 1024
    result = imported(path)
    assert result.records[-1].title == "A title with a NUL"
    assert [(w.line, "U+0000" in w.message) for w in result.warnings] == [(1002, True)]


def test_strict_import_keeps_records_and_only_warns():
    records = read_export(HERE / "control_chars.csv", database="Test DB")
    assert len(records) == 2
