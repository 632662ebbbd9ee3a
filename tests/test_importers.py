"""Importers: every format, the awkward exports real databases produce, and bad input."""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litreview.core.errors import InputError
from litreview.core.languages import normalise_language
from litreview.core.records import read_records
from litreview.core.text import clean_text
from litreview.importers import (
    FORMATS,
    detect_format,
    import_export,
    parse_column_mapping,
    read_export,
)
from litreview.importers.common import (
    pages,
    split_authors,
    split_terms,
)

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"


def read(name: str, database: str = "Test DB", **kwargs: str):
    return read_export(EXPORTS / name, database=database, display_path=name, **kwargs)


def problems_of(excinfo: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


# --- RIS -----------------------------------------------------------------------------

def test_ebsco_ris_fields_and_db_descriptors():
    first, second = read("ebsco.ris", database="Academic Search", searched="2024-05-01")
    assert first.record_id == "academic-search-123456789"
    assert (first.source_id, first.source_position, first.source_line) == ("123456789", 1, 1)
    assert first.source_file == "ebsco.ris" and first.searched == "2024-05-01"
    assert first.type == "article"
    assert first.title == "Kinship care and school outcomes: a cohort study"
    assert first.authors == ("Okafor, Chidi", "Lindqvist, Maja")
    assert (first.year, first.volume, first.issue, first.pages) == ("2006", "11", "2", "120-131")
    assert first.journal == "Child & Family Social Work"
    assert first.doi == "10.1111/j.1365-2206.2006.00401.x"
    assert first.abstract.startswith("Children placed with relatives do as well at school as "
                                     "those in unrelated foster care, once")
    # A DB tag marks a host database: its KW are descriptors, so they are subjects too.
    assert first.keywords == ("KINSHIP care", "FOSTER children", "ACADEMIC achievement")
    assert first.subjects == first.keywords
    assert first.language == "English"
    assert (second.type, second.source_line, second.authors) == ("report", 26, ("Brennan, Aoife",))
    assert second.keywords == ("RESPITE care", "CAREGIVERS", "EVALUATION research")
    assert second.doi == "10.5555/report.2019.7"  # from the resolver URL in UR


def test_proquest_ris():
    article, thesis = read("proquest.ris", database="ProQuest")
    assert article.source_id == "2214991469; 51887"
    assert article.record_id == "proquest-2214991469-51887"
    assert article.doi == "10.1080/13676261.2018.1492101"
    assert article.url == "https://www.proquest.com/docview/2214991469"
    assert article.subjects == ("Young carers", "Peer support")
    assert (thesis.type, thesis.source_line, thesis.year) == ("thesis", 22, "2021")


def test_ovid_numbered_crlf_bom_ris():
    raw = (EXPORTS / "ovid.ris").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw  # the fixture is what it claims
    first, second = read("ovid.ris", database="PsycINFO")
    assert (first.source_id, first.source_line) == ("2021-94054-001", 2)
    assert first.authors == ("Keefer, Amy", "Vasa, Roma A")  # A2 (cited refs) not authors
    assert first.year == "2021" and first.pages == ""  # "No-Specified" is no page
    assert first.doi == "10.1186/s11689-021-09396-9"
    assert first.abstract.startswith("Background:")
    assert (second.type, second.source_line, second.title) == (
        "book", 23, "Grandparents raising grandchildren.")


def test_cp1252_ris_is_decoded():
    (record,) = read("cp1252.ris")
    assert record.title == "Les aidants familiaux en Île-de-France : l'étude « Proches »"
    assert record.authors == ("Lefèvre, Hélène", "Müller, Jürgen")
    assert record.journal == "Santé Publique"
    assert record.abstract == "Étude qualitative – 24 entretiens."


def test_mixed_utf8_and_cp1252_bytes_both_decode(tmp_path: Path):
    """Concatenated exports mix encodings: valid UTF-8 stays, stray bytes are cp1252."""
    path = tmp_path / "mixed.ris"
    path.write_bytes("TY  - JOUR\nTI  - Naïve carers\nER  - \n".encode()
                     + "TY  - JOUR\nTI  - Café’s carers\nER  - \n".encode("cp1252"))
    first, second = read_export(path, database="X")
    assert (first.title, second.title) == ("Naïve carers", "Café's carers")


def test_multiline_keywords_are_one_keyword_per_line():
    first, second = read("multiline_kw.ris")
    assert first.keywords == ("Health Facility Administration", "Joint Commission",
                              "Medication Errors", "Models, Biological")
    assert first.subjects == ()  # no DB tag: KW are only keywords
    assert first.pages == "1-5" and first.journal.startswith("Joint Commission")
    assert second.keywords == ("Patient Education", "Literacy")
    assert second.source_line == 13


def test_ris_tag_forms(tmp_path: Path):
    text = ("TY  - CHAP\nT1  - Primary\nTI  - Title wins\nBT  - Book\nT2  - Container\n"
            "JA  - Abbrev\nPY  - 2010///\nDA  - 2011/01/01\nSP  - 5\nEP  - 9\n"
            "N1  - see doi: 10.1234/ABC.5\nMH  - Heading A\nDE  - Descriptor B\n"
            "KW  - free term\nUR  - https://example.org/a https://example.org/b\nER  -")
    path = tmp_path / "forms.ris"
    path.write_text(text)
    (record,) = read_export(path, database="X")
    assert record.type == "chapter"
    assert record.title == "Title wins" and record.journal == "Container"
    assert (record.year, record.pages, record.doi) == ("2010", "5-9", "10.1234/abc.5")
    assert record.subjects == ("Descriptor B", "Heading A")  # DE first, then MH
    assert record.keywords == ("free term",)
    assert record.url == "https://example.org/a"


@pytest.mark.parametrize(("ty", "kind"), [
    ("JOUR", "article"), ("JFULL", "article"), ("MGZN", "article"), ("NEWS", "article"),
    ("BOOK", "book"), ("CHAP", "chapter"), ("RPRT", "report"), ("GOVDOC", "report"),
    ("THES", "thesis"), ("CONF", "conference"), ("CPAPER", "conference"),
    ("ELEC", "webpage"), ("WEB", "webpage"), ("GEN", "other"), ("ART", "other"), ("", "other"),
    # EndNote's own codes, and the rest of the RIS specification's text types
    ("GRNT", "project"), ("UNPD", "document"), ("SER", "book"), ("DICT", "chapter"),
    ("ENCYC", "chapter"), ("PCOMM", "document"), ("PRESS", "document"), ("INTV", "document"),
    ("HEAR", "report"), ("CLSWK", "book"), ("PAT", "document"), ("MAP", "other"),
])
def test_ris_types(tmp_path: Path, ty: str, kind: str):
    path = tmp_path / "t.ris"
    path.write_text(f"TY  - {ty}\nTI  - x\nER  - \n")
    assert read_export(path, database="X")[0].type == kind


def test_ris_errors_are_all_located(tmp_path: Path):
    path = tmp_path / "bad.ris"
    path.write_text(
        "AU  - Orphan, A.\n"        # 1: tag before any TY
        "\n"
        "TY  - JOUR\nTI  - One\n"   # 3: no ER before the next TY
        "TY  - JOUR\nTI  - Two\nER  - \n"
        "some stray text\n"         # 8
        "TY  - JOUR\nTI  - Never ends\n")  # 9: no ER at end of file
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="exports/bad.ris")
    messages = problems_of(excinfo)
    assert len(messages) == 4
    assert messages[0].startswith("exports/bad.ris:1: 'AU' tag line")
    assert messages[1].startswith("exports/bad.ris:3: record starting at line 3 has no 'ER  -'")
    assert messages[2].startswith("exports/bad.ris:8: text 'some stray text'")
    assert messages[3].startswith("exports/bad.ris:9: record starting at line 9 never ends")


def test_ris_without_records_is_an_error(tmp_path: Path):
    path = tmp_path / "numbers.ris"
    path.write_text("1.\n\n2.\n")
    with pytest.raises(InputError, match="no records found"):
        read_export(path, database="X", fmt="ris")


# --- BibTeX --------------------------------------------------------------------------

def test_bibtex_broken_entry_is_reported_with_its_line():
    with pytest.raises(InputError) as excinfo:
        read("broken.bib")
    (message,) = problems_of(excinfo)
    assert message.startswith("broken.bib:14: cannot read this BibTeX entry")


def test_bibtex_fields(tmp_path: Path):
    path = tmp_path / "good.bib"
    path.write_text((EXPORTS / "broken.bib").read_text().split("@article{broken2019")[0] + r"""
@inproceedings{brennan2019,
  author = {Brennan, Aoife and M{\"u}ller, J{\"u}rgen},
  title = {Respite services for carers},
  booktitle = {Proceedings of the Carers Conference},
  year = 2019,
  mesh = {Caregivers; Respite Care},
}
@misc{web1, title = {A web page}, url = {https://example.org/page}, year = {2020}}
@misc{misc1, title = {A dataset}, year = {2020}}
@incollection{chap1, title = {A chapter}, booktitle = {A book}}
@phdthesis{thesis1, title = {A thesis}, school = {X}}
""")
    records = read_export(path, database="Bib")
    first, second, web, misc, chapter, thesis = records
    # an author-year citation key is no accession: a content id, the key kept as "ID"
    assert first.source_id == "" and first.original_fields()["ID"] == "okafor2006"
    assert (first.source_line, first.source_position) == (2, 1)
    assert first.authors == ("Okafor, Chidi", "Lindqvist, Maja")
    assert first.title == "Kinship care and School outcomes"
    assert first.journal == "Child & Family Social Work"
    assert (first.year, first.volume, first.issue, first.pages) == ("2006", "11", "2", "120-131")
    assert first.doi == "10.1111/j.1365-2206.2006.00401.x"
    assert first.keywords == ("kinship care", "foster children")
    assert second.type == "conference" and second.journal.startswith("Proceedings")
    assert second.authors == ("Brennan, Aoife", "Müller, Jürgen")
    assert second.subjects == ("Caregivers", "Respite Care")
    assert (web.type, misc.type, chapter.type, thesis.type) == (
        "webpage", "other", "chapter", "thesis")


def test_bibtex_entry_without_at_is_a_located_reject(tmp_path: Path):
    path = tmp_path / "noat.bib"
    path.write_text(
        "% exported by hand; title = {not a field}\n"   # 1: a % comment stays silent
        "@comment{jabref-meta: databaseType:bibtex;}\n"
        "@string{cfs = {Child and Family Social Work}}\n"
        "@preamble{\"\\newcommand{\\noop}[1]{}\"}\n"
        "Notes on this file, in plain prose.\n"          # 5: prose stays silent
        "@article{a1, title={One}}\n"
        "article{a2, title={Two},\n"                      # 7: no @
        "  year = {2020}}\n"
        "\n"
        "@article{a3, title={Three}}\n"
        "  journal = {Orphan}\n")                         # 11: a field outside any entry
    imported = import_export(path, database="X")
    assert [r.source_id for r in imported.records] == ["a1", "a3"]
    assert [(r.problem.line, r.raw) for r in imported.rejects] == [
        (7, "article{a2, title={Two},\n  year = {2020}}"), (11, "journal = {Orphan}")]
    first = str(imported.rejects[0].problem)
    assert first.startswith(f"{path}:7: 'article{{a2, title={{Two}},' looks like a BibTeX entry "
                            "without its '@'") and "write '@' before the entry type" in first
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="noat.bib")
    assert [m.split(":")[1] for m in problems_of(excinfo)] == ["7", "11"]


def test_bibtex_comments_preamble_and_strings_are_not_rejects(tmp_path: Path):
    path = tmp_path / "ok.bib"
    path.write_text("This file was exported by JabRef.\n% title = {x}\n"
                    "@comment{article{c1, title={Commented out}}}\n"
                    "@string{j = {J}}\n@article{a1, title={One}, journal=j}\n")
    imported = import_export(path, database="X")
    assert not imported.rejects and [r.journal for r in imported.records] == ["J"]


def test_bibtex_duplicate_key(tmp_path: Path):
    path = tmp_path / "dup.bib"
    path.write_text("@article{k1, title={One}}\n\n@article{k1, title={Two}}\n")
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X")
    (message,) = problems_of(excinfo)
    assert message.startswith(f"{path}:3: duplicate entry key 'k1' (first at line 1)")


def test_bibtex_duplicate_field(tmp_path: Path):
    path = tmp_path / "field.bib"
    path.write_text("@article{k1, title={One}, title={Two}}\n")
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="field.bib")
    assert problems_of(excinfo) == [
        "field.bib:1: entry 'k1' has the field(s) title more than once (keep one value per field)"]


# --- CSV, TSV, XLSX ------------------------------------------------------------------

def test_scopus_csv():
    first, second = read("scopus.csv", database="Scopus")
    assert first.record_id == "scopus-2-s2.0-85189760133"
    assert first.authors == ("Wilson L.N.", "Gardner J.D.")
    assert (first.journal, first.pages, first.year) == (
        "Children and Youth Services Review", "97-105", "2024")
    assert first.keywords == ("kinship", "wellbeing")
    assert first.subjects == ("Child", "Humans", "Models, Biological")
    assert first.type == "article" and first.language == "English"
    assert first.abstract == "An abstract, with a comma."
    assert first.source_line == 2
    # A quoted cell spanning two lines: the row starts on line 3, the journal is not the
    # "Source" column (which says "Scopus"), and the type is mapped.
    assert (second.source_line, second.journal, second.type) == (3, "", "conference")
    assert second.title == "Carers at work: a multi-line title cell"


def test_csv_with_preamble_and_embase_source():
    first, second = read("embase_preamble.csv", database="Embase")
    assert (first.source_line, second.source_line) == (5, 6)
    assert first.source_id == "L373791783"
    assert first.authors == ("Liu R.", "Adler D.G.")
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == (
        "Child Abuse Review", "2014", "3", "3", "152-160")
    assert first.subjects == ("foster care", "kinship care (diagnosis, therapy)", "child")
    assert second.type == "article" and second.language == "Italian"


def test_tsv_detected_from_content(tmp_path: Path):
    path = tmp_path / "refworks.txt"  # RefWorks saves tab-separated text as .txt
    path.write_text("Reference Type\tReference Id\tAuthors, Primary\tTitle Primary\t"
                    "Pub Year\tStart Page\tOther Pages\tDOI\t\n"
                    "Journal Article\t7\tvan den Hoven,null;Smits,Maarten L. J.\tA title\t"
                    "2014\t69\t79\t10.1/x\t\n")
    assert detect_format(path, path.read_bytes()) == "tsv"
    (record,) = read_export(path, database="RefWorks")
    assert record.authors == ("van den Hoven", "Smits, Maarten L. J.")
    assert (record.pages, record.source_id, record.type) == ("69-79", "7", "article")


def test_openalex_and_rayyan_columns(tmp_path: Path):
    openalex = tmp_path / "openalex.csv"
    openalex.write_text(
        "id,doi,title,publication_year,authorships.author.display_name,ids.openalex,"
        "primary_location.source.display_name,biblio.first_page,biblio.last_page,type\n"
        "https://openalex.org/W123,https://doi.org/10.1000/ABC,A work,2024,Ann Lee|Bo Chen,"
        "https://openalex.org/W123,Some Journal,3,9,preprint\n")
    (work,) = read_export(openalex, database="OpenAlex")
    assert (work.source_id, work.record_id, work.doi) == ("W123", "openalex-W123", "10.1000/abc")
    assert work.authors == ("Ann Lee", "Bo Chen")
    assert (work.journal, work.pages, work.type) == ("Some Journal", "3-9", "article")
    rayyan = tmp_path / "rayyan.csv"
    rayyan.write_text("key,title,year,authors,keywords,pubmed_id,pmc_id,url\n"
                      "rayyan-1,A title,2020,\"Yang, Z. and Xu, J.\",a;b,,,"
                      "https://x.org/1     U2  - L1\n")
    (row,) = read_export(rayyan, database="Rayyan")
    assert row.source_id == "rayyan-1" and row.authors == ("Yang, Z.", "Xu, J.")
    assert row.url == "https://x.org/1"  # Rayyan leaks the next RIS tag into the URL


def test_xlsx_with_title_row(tmp_path: Path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["_baseline"])
    sheet.append(["Lens ID", "Title", "Publication Year", "Source Title", "Author/s",
                  "Volume", "Start Page", "End Page", "MeSH Terms", "DOI", "Unknown"])
    sheet.append(["000-463-679-101-319", "Lens title", 2012, "Journal X",
                  "Björn A. Blomberg; Mateen Moghbel", 15, 97, 105, "Humans; Infant",
                  "10.1007/s11307-012-0572-0", "ignored"])
    sheet.append([])
    sheet.append(["001-000-000-000-001", "Second", 2013.0])
    path = tmp_path / "lens.xlsx"
    workbook.save(path)
    first, second = read_export(path, database="Lens")
    assert (first.source_line, second.source_line) == (3, 5)  # sheet rows
    assert first.record_id == "lens-000-463-679-101-319"
    assert first.authors == ("Björn A. Blomberg", "Mateen Moghbel")
    assert (first.year, first.volume, first.pages) == ("2012", "15", "97-105")
    assert first.subjects == ("Humans", "Infant")
    assert second.year == "2013"


def test_row_without_title_doi_or_id_is_located(tmp_path: Path):
    path = tmp_path / "rows.csv"
    path.write_text("Title,Year,Notes\nFine,2020,\n,2021,orphan\n\n,,\nAlso fine,2022,\n"
                    ",2023,another\n")
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="rows.csv")
    assert problems_of(excinfo) == [
        "rows.csv:3: row has no title, DOI or ID (fill one in, or delete the row if it is "
        "not a record)",
        "rows.csv:7: row has no title, DOI or ID (fill one in, or delete the row if it is "
        "not a record)",
    ]


def test_csv_without_header_and_malformed_quotes(tmp_path: Path):
    headerless = tmp_path / "numbers.csv"
    headerless.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError, match=r"numbers.csv:1: no header row with a title column"):
        read_export(headerless, database="X")
    bad = tmp_path / "quotes.csv"
    bad.write_text('Title,Year\n"ok",2020\n"broken"x,2021\n')
    with pytest.raises(InputError, match=r"quotes.csv:3: malformed CSV row"):
        read_export(bad, database="X")


def test_row_with_too_many_cells(tmp_path: Path):
    path = tmp_path / "wide.csv"
    path.write_text("Title,Year\nA title, with a comma,2020\n")
    with pytest.raises(InputError, match=r"wide.csv:2: row has 3 cells but the header has 2"):
        read_export(path, database="X")


# --- detection and refusal -----------------------------------------------------------

def test_html_page_saved_as_ris():
    with pytest.raises(InputError) as excinfo:
        read("html_page.ris")
    (message,) = problems_of(excinfo)
    assert message.startswith("html_page.ris: this is an HTML web page")


def test_empty_file():
    with pytest.raises(InputError, match=r"^empty.ris: the file is empty"):
        read("empty.ris")


def test_zip_archive(tmp_path: Path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("export.ris", "TY  - JOUR\nER  - \n")
    with pytest.raises(InputError, match="ZIP archive"):
        read_export(archive, database="X")
    fake = tmp_path / "export.csv"
    fake.write_bytes(b"PK\x03\x04\x14\x00\x00\x00garbage")
    with pytest.raises(InputError, match="ZIP archive"):
        read_export(fake, database="X")
    broken_workbook = tmp_path / "broken.xlsx"
    broken_workbook.write_bytes(b"PK\x03\x04\x14\x00\x00\x00garbage")
    with pytest.raises(InputError, match="Excel workbook"):
        read_export(broken_workbook, database="X")


def test_binary_and_other_refusals(tmp_path: Path):
    for name, data, expected in [
        ("a.ris", b"\x00\x01\x02binary\x00", "binary file"),
        ("a.pdf", b"%PDF-1.7\n", "PDF"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Microsoft Office"),
        ("a.xml", b"<?xml version='1.0'?><catalog/>", "not an EndNote XML export"),
        ("b.xml", b"<?xml version='1.0'?><PubmedArticleSet/>", "PubMed XML"),
        ("a.rtf", b"{\\rtf1\\ansi TY  - JOUR}", "Rich Text"),
        ("a.xlsx", b"not a workbook\n", "not a valid Excel workbook"),
        ("a.dat", b"just some words\n", "cannot tell the format"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError, match=expected):
            read_export(path, database="X")


def test_content_wins_over_extension(tmp_path: Path):
    ris = b"\xef\xbb\xbfTY  - JOUR\r\nTI  - x\r\nER  - \r\n"
    bib = b"% comment\n@article{k, title={x}}\n"
    for name, data, fmt in [("a.txt", ris, "ris"), ("a.csv", ris, "ris"), ("a.ris", bib, "bibtex"),
                            ("a.bib", b"Title,Year\nx,2020\n", "csv"),
                            ("a.csv", b"Title\tYear\nx\t2020\n", "tsv")]:
        assert detect_format(Path(name), data) == fmt, (name, fmt)
    for name, data, fmt in [
        ("savedrecs.txt", b"\xef\xbb\xbfFN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n",
         "wos"),
        ("pubmed.txt", b"\nPMID- 21553931\nOWN - NLM\nTI  - A title\n", "nbib"),
        ("lib.txt", b"<?xml version='1.0'?><xml><records><record/></records></xml>",
         "endnote-xml"),
    ]:
        assert detect_format(Path(name), data) == fmt, (name, fmt)
    assert set(FORMATS) == {"ris", "bibtex", "csv", "tsv", "xlsx", "endnote-xml", "nbib", "wos",
                            "ovid"}
    from litreview.cli import IMPORT_FORMATS
    assert IMPORT_FORMATS == FORMATS


def test_explicit_and_unknown_formats(tmp_path: Path):
    path = tmp_path / "records.dat"
    path.write_text("TY  - JOUR\nTI  - x\nER  - \n")
    assert len(read_export(path, database="X", fmt="ris")) == 1
    with pytest.raises(InputError, match="unknown format 'endnote'"):
        read_export(path, database="X", fmt="endnote")
    with pytest.raises(InputError, match="cannot read the file"):
        read_export(tmp_path / "missing.ris", database="X")


def test_record_ids_are_stable_and_unique(tmp_path: Path):
    for name in ("ebsco.ris", "scopus.csv", "multiline_kw.ris", "embase_preamble.csv"):
        assert [r.record_id for r in read(name)] == [r.record_id for r in read(name)]
    path = tmp_path / "twins.ris"
    path.write_text("TY  - JOUR\nTI  - Same\nER  - \nTY  - JOUR\nTI  - Same\nER  - \n")
    first, second = read_export(path, database="X")
    assert second.record_id == f"{first.record_id}~2"
    assert read_export(path, database="X")[1].record_id == second.record_id


# --- helpers and properties ----------------------------------------------------------

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
    path = tmp_path / "moji.ris"
    path.write_text("TY  - JOUR\nTI  - CafÃ© society and â€œcareâ€\x9d\nAU  - MÃ¼ller, K.\n"
                    "ER  - \n", encoding="utf-8")
    (record,) = read_export(path, database="X")
    assert record.title == 'Café society and "care"'
    assert record.authors == ("Müller, K.",)


def test_mojibake_is_repaired_in_journal_keywords_and_subjects(tmp_path: Path):
    path = tmp_path / "moji.ris"
    path.write_text("TY  - JOUR\nTI  - T\nJO  - Revista de EducaÃ§Ã£o\nKW  - CrianÃ§as\n"
                    "DB  - Host\nKW  - EducaÃ§Ã£o infantil\nER  - \n", encoding="utf-8")
    (record,) = read_export(path, database="X")
    assert record.journal == "Revista de Educação"
    assert record.keywords == ("Crianças", "Educação infantil")
    assert record.subjects == record.keywords  # a host database's KW are its descriptors
    table = tmp_path / "moji.csv"
    table.write_text("Title,Author Keywords,Index Keywords,Source title\n"
                     "T,MÃ¼ller effect; cafÃ©,SchÃ¼ler,ZeitschrÃ¤ft\n", encoding="utf-8")
    (row,) = read_export(table, database="X")
    assert (row.keywords, row.subjects, row.journal) == (
        ("Müller effect", "café"), ("Schüler",), "Zeitschräft")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_text_takes_a_short_way_to_the_same_text(value: str):
    """The ASCII short cut gives what NFC, straight quotes and ``\\s+`` collapsing give."""
    slow = unicodedata.normalize("NFC", value)
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        slow = slow.replace(curly, straight)
    assert clean_text(value) == re.sub(r"\s+", " ", slow).strip()


_RIS_LINES = st.lists(st.sampled_from([
    "TY  - JOUR", "ER  - ", "ER  -", "TI  - A title", "AU  - Smith, J.", "KW  - a; b",
    "1.", "", "PY  - 2020///", "continuation", "<html>", "@article{k,", "title={x}}",
    "Title,Year", "x,2020", "\tTitle\t", "\x00", "DO  - 10.1/x",
]), max_size=30).map("\n".join).map(str.encode)


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


# --- accession ids, original fields, Ovid trailers -----------------------------------

def test_embase_and_scopus_ris_accession_ids():
    embase, scopus = read("embase_scopus.ris", database="Mixed")
    assert (embase.source_id, embase.record_id) == ("L373791783", "mixed-L373791783")
    assert scopus.source_id == "2-s2.0-85189760133"  # from eid= in the record URL
    assert scopus.original_fields()["N1"] == [
        "Export Date: 2 May 2024", "References: Smith, J., Kinship (2001) Child Welf., 80, p. 1;"]


def test_original_fields_keep_every_tag_as_compact_sorted_json():
    first, _ = read("ebsco.ris")
    original = first.original_fields()
    assert first.original.startswith('{"AB":') and ", " not in first.original[:12]
    assert list(original) == sorted(original)
    assert original["DP"] == "EBSCOhost" and original["AN"] == "123456789"
    assert original["KW"] == ["KINSHIP care", "FOSTER children", "ACADEMIC achievement"]
    assert original["AB"].count("\n") == 2  # wrapped lines as the file has them
    assert original["DO"] == "10.1111/J.1365-2206.2006.00401.X"  # not normalised


def test_ovid_number_and_trailer_stay_with_their_record():
    first, second = read("ovid.ris", database="PsycINFO")
    original = first.original_fields()
    assert original["_number"] == "1" and original["NL"] == "J Fam Stud"
    assert original["_trailer"].startswith("Link to the Ovid Full Text or citation:")
    assert second.original_fields()["_number"] == "2"
    assert second.source_position == 2


def test_original_column_round_trips_through_the_records_file(tmp_path: Path):
    from litreview.core.records import EXTRA_COLUMNS, read_records, write_records

    records = read("pubmed.nbib") + read("endnote.xml")
    write_records(tmp_path / "r.csv", records)
    header = (tmp_path / "r.csv").read_text().splitlines()[0].split(",")
    assert header[-len(EXTRA_COLUMNS):] == list(EXTRA_COLUMNS) and header[-1] == "original"
    assert read_records(tmp_path / "r.csv") == records


# --- PubMed/MEDLINE, Web of Science, EndNote XML ------------------------------------

def test_pubmed_nbib():
    article, chapter = read("pubmed.nbib", database="PubMed")
    assert (article.source_id, article.record_id, article.source_line) == (
        "31245678", "pubmed-31245678", 2)
    assert article.title == ("Kinship foster care and mental health of children: a systematic "
                             "review of cohort studies.")
    assert article.authors == ("Okafor, Chidi", "Müller, Jürgen")  # FAU before AU
    assert (article.year, article.volume, article.issue, article.pages) == (
        "2019", "24", "3", "349-369")
    assert article.journal == "Child & family social work"  # JT before TA
    assert article.doi == "10.1111/cfs.12640"
    assert article.abstract.startswith("BACKGROUND: Children in kinship care may fare better "
                                       "than those in unrelated")
    assert article.subjects == ("Child", "Foster Home Care", "Mental Health")
    assert article.keywords == ("kinship care", "cohort studies")
    assert (article.language, article.type) == ("English", "article")
    assert article.url == "https://pubmed.ncbi.nlm.nih.gov/31245678/"
    assert article.original_fields()["MH"][1] == "*Foster Home Care/psychology"
    assert (chapter.type, chapter.journal, chapter.source_line) == (
        "chapter", "Family Care in Europe", 43)
    assert chapter.authors == ("European Carers Study Group",)
    assert (chapter.language, chapter.pages) == ("French; English", "101-109")


def test_medline_line_that_fits_nowhere_is_a_located_reject(tmp_path: Path):
    path = tmp_path / "bad.nbib"
    path.write_text("PMID- 1\nTI  - Fine\n\nPMID- 2\nTI  - Broken\nnot a tag\n\nPMID- 3\n"
                    "TI  - Fine too\n")
    imported = import_export(path, database="X", display_path="bad.nbib")
    assert [r.source_id for r in imported.records] == ["1", "3"]
    assert [r.source_position for r in imported.records] == [1, 3]
    (reject,) = imported.rejects
    assert str(reject.problem).startswith("bad.nbib:6: text 'not a tag' that is neither")
    assert reject.raw == "PMID- 2\nTI  - Broken\nnot a tag"


def test_wos_plain_text():
    article, book = read("wos_plain.txt", database="Web of Science")
    assert (article.source_id, article.record_id, article.source_line) == (
        "WOS:000237000100002", "web-of-science-WOS-000237000100002", 3)
    assert article.title == "Kinship care and school outcomes: a cohort study of 1,200 children"
    assert article.authors == ("Okafor, Chidi", "Lindqvist, Maja")  # AF before AU
    assert (article.year, article.volume, article.issue, article.pages) == (
        "2006", "11", "2", "120-131")
    assert article.keywords == ("kinship care", "foster children", "academic achievement",
                                "OUTCOMES", "PLACEMENT")
    assert article.doi == "10.1111/j.1365-2206.2006.00401.x"
    assert (article.type, article.language, article.subjects) == ("article", "English", ())
    original = article.original_fields()
    assert original["CR"] == ["Smith J, 2001, CHILD WELF, V80, P1",
                              "Jones K, 2003, ADOPT FOSTER, V27, P33"]
    assert original["WC"] == "Family Studies; Social Work"
    assert (book.type, book.pages, book.source_line) == ("book", "7", 34)


def test_wos_record_without_er_is_rejected_and_the_rest_read(tmp_path: Path):
    path = tmp_path / "savedrecs.txt"
    path.write_text("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI One\n"
                    "PT J\nTI Two\nUT WOS:2\nER\n\nEF\n")
    imported = import_export(path, database="X", display_path="savedrecs.txt")
    assert [r.title for r in imported.records] == ["Two"]
    (reject,) = imported.rejects
    assert str(reject.problem).startswith("savedrecs.txt:3: record starting at line 3 has no "
                                          "'ER' before line 5")
    assert reject.raw == "PT J\nTI One"


def test_wos_tab_delimited_utf16():
    raw = (EXPORTS / "wos_tab.txt").read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE)  # "Tab-delimited (Win)" is UTF-16
    assert detect_format(EXPORTS / "wos_tab.txt", raw) == "tsv"
    first, second = read("wos_tab.txt", database="WoS")
    assert (first.source_id, first.authors) == ("WOS:000237000100002",
                                                ("Okafor, Chidi", "Lindqvist, Maja"))
    assert (first.journal, first.pages, first.keywords) == (
        "CHILD & FAMILY SOCIAL WORK", "120-131", ("kinship care", "foster children", "OUTCOMES"))
    assert second.type == "article"  # "Article; Proceedings Paper": the first that maps
    assert second.original_fields()["PM"] == "30111222"


def test_endnote_xml():
    article, chapter = read("endnote.xml", database="EndNote")
    assert (article.source_id, article.source_line, article.type) == ("16630000", 1, "article")
    assert article.title == "Kinship care and school outcomes"  # <style> runs joined
    assert article.authors == ("Okafor, Chidi", "Müller, Jürgen")
    assert (article.journal, article.year, article.volume, article.issue, article.pages) == (
        "Child & Family Social Work", "2006", "11", "2", "120-131")
    assert article.doi == "10.1111/j.1365-2206.2006.00401.x"
    assert article.keywords == ("kinship care", "foster children", "academic achievement")
    assert (article.language, article.url) == ("English", "https://example.org/okafor2006")
    original = article.original_fields()
    assert original["ref-type@name"] == "Journal Article"
    assert original["custom1"] == "screened: yes"
    assert original["remote-database-name"] == "MEDLINE"
    assert (chapter.type, chapter.source_id, chapter.journal, chapter.source_line) == (
        "chapter", "", "Caring in Ireland", 2)  # rec-number is no accession
    assert chapter.original_fields()["rec-number"] == "13"
    assert chapter.original_fields()["contributors/secondary-authors/author"] == "Keane, Roisin"


_BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE xml [\n <!ENTITY a "aaaaaaaaaa">\n'
         + b"".join(b' <!ENTITY %s "%s">\n' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                    for i in range(8))
         + b"]>\n<xml><records><record><titles><title>&i;</title></titles></record></records>"
           b"</xml>\n")


@pytest.mark.parametrize("padding", [0, 70_000])  # refused by detection, or by the parser
def test_xml_entity_bomb_gets_one_message(tmp_path: Path, padding: int):
    path = tmp_path / "library.xml"
    data = _BOMB if not padding else _BOMB.replace(
        b"<!DOCTYPE", b"<!-- " + b"x" * padding + b" -->\n<!DOCTYPE")
    path.write_bytes(data)
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="library.xml",
                    fmt="endnote-xml" if padding else "auto")
    (message,) = problems_of(excinfo)
    assert message.startswith("library.xml: this XML declares entities")


def test_truncated_endnote_xml_keeps_what_was_read_and_rejects_the_rest(tmp_path: Path):
    path = tmp_path / "cut.xml"
    text = (EXPORTS / "endnote.xml").read_text(encoding="utf-8")
    path.write_text(text[:text.index("<pages>45-60")], encoding="utf-8")
    imported = import_export(path, database="X", display_path="cut.xml")
    assert [r.source_id for r in imported.records] == ["16630000"]
    (reject,) = imported.rejects
    assert str(reject.problem).startswith("cut.xml:2: not well-formed XML at line 2")
    assert reject.raw.startswith("<record><database")
    with pytest.raises(InputError, match=r"cut\.xml:2: not well-formed"):
        read_export(path, database="X", display_path="cut.xml")


# --- column profiles and explicit mappings -------------------------------------------

def test_covidence_eppi_asreview_and_wos_headers_profiles():
    covidence = read("covidence.csv", database="Covidence")
    assert [r.source_id for r in covidence] == ["#12", "#13"]
    assert covidence[0].journal == "Child & Family Social Work" and covidence[0].year == "2006"
    assert covidence[0].keywords == ()  # Covidence tags are the team's, not keywords
    assert covidence[0].original_fields()["Tags"] == "cohort; UK"
    eppi = read("eppi.tsv", database="EPPI")
    assert [r.source_id for r in eppi] == ["41234567", "41234568"]
    assert (eppi[0].journal, eppi[0].type, eppi[1].type) == (
        "Child & Family Social Work", "article", "chapter")
    asreview = read("asreview.csv", database="ASReview")
    assert [r.record_id for r in asreview] == ["asreview-0", "asreview-1", "asreview-2"]
    assert asreview[0].original_fields()["included"] == "1"  # the labels are kept
    (wos,) = read("wos_fullheaders.csv", database="WoS")
    assert (wos.source_id, wos.authors, wos.keywords) == (
        "WOS:000237000100002", ("Okafor, Chidi", "Lindqvist, Maja"),
        ("kinship care", "foster children", "OUTCOMES"))


def test_parse_column_mapping():
    assert parse_column_mapping(["title=Article Title,authors=Authors, Primary",
                                 'year="PY"']) == (
        ("title", "Article Title"), ("authors", "Authors, Primary"), ("year", "PY"))
    with pytest.raises(InputError) as excinfo:
        parse_column_mapping(["titel=Titel", "year"])
    assert [p.message for p in excinfo.value.problems] == [
        "cannot use 'titel=Titel': write FIELD=HEADER", "cannot use 'year': write FIELD=HEADER"]


def test_explicit_column_mapping(tmp_path: Path):
    path = tmp_path / "hausintern.csv"
    path.write_text("Liste 3\nNr;Titel;Verfasser;Jahr;Zeitschrift\n"
                    "7;Pflegefamilien heute;Meier, A. and Kurz, B.;2011;Jugendhilfe\n")
    with pytest.raises(InputError, match="no header row with a title column"):
        read_export(path, database="X")
    columns = parse_column_mapping(["title=Titel,authors=Verfasser", "year=Jahr,source_id=Nr"])
    (record,) = read_export(path, database="X", columns=columns)
    assert (record.source_id, record.title, record.year) == ("7", "Pflegefamilien heute", "2011")
    assert record.source_line == 3
    missing = parse_column_mapping(["title=Titel,journal=Journal"])
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", columns=missing, display_path="hausintern.csv")
    assert problems_of(excinfo) == [
        "hausintern.csv:2: --columns names column(s) not in the header: journal=Journal "
        "(spell each header as the file's header row does)"]


def test_a_table_with_only_a_header_is_an_empty_search(tmp_path: Path):
    path = tmp_path / "nothing.csv"
    path.write_text("Title,Authors,Year\n\n")
    imported = import_export(path, database="X")
    assert (imported.format, imported.records, imported.rejects) == ("csv", (), ())


# --- rejects ---------------------------------------------------------------------------

def test_rejects_keep_the_raw_block_and_positions_count_them(tmp_path: Path):
    path = tmp_path / "bad.ris"
    path.write_text("TY  - JOUR\nTI  - One\n\nTY  - JOUR\nTI  - No end\n"
                    "TY  - JOUR\nTI  - Three\nER  - \nstray line\n")
    imported = import_export(path, database="X", display_path="bad.ris")
    assert [(r.title, r.source_position) for r in imported.records] == [("Three", 3)]
    assert [(str(r.problem).split(":")[1], r.raw) for r in imported.rejects] == [
        ("1", "TY  - JOUR\nTI  - One"), ("4", "TY  - JOUR\nTI  - No end"),
        ("9", "stray line")]


def test_csv_rows_after_a_malformed_one_are_still_read(tmp_path: Path):
    path = tmp_path / "quotes.csv"
    path.write_text('Title,Year\n"ok",2020\n"broken"x,2021\nfine,2022\n,2023\n')
    imported = import_export(path, database="X", display_path="quotes.csv")
    assert [r.title for r in imported.records] == ["ok", "fine"]
    assert [(r.problem.line, r.raw) for r in imported.rejects] == [
        (3, '"broken"x,2021'), (5, ",2023")]


def test_bibtex_rejects_keep_the_entry_text():
    imported = import_export(EXPORTS / "broken.bib", database="X")
    (reject,) = imported.rejects
    assert reject.problem.line == 14 and reject.raw.startswith("@article{broken2019")
    assert [r.source_position for r in imported.records] == [1, 3]


def _cli(*args: str) -> int:
    from litreview.cli import main

    return main(list(args))


def test_cli_rejects_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "bad.ris"
    bad.write_text("TY  - JOUR\nTI  - Good\nER  - \nTY  - JOUR\nTI  - Cut off\n")
    out, rejects = tmp_path / "records.csv", tmp_path / "rejects.csv"
    assert _cli("import", str(bad), str(EXPORTS / "ebsco.ris"), "--database", "X",
                "-o", str(out)) == 2
    assert not out.exists()
    assert "bad.ris:4: record starting at line 4 never ends" in capsys.readouterr().err
    assert _cli("import", str(bad), str(EXPORTS / "ebsco.ris"), "--database", "X",
                "-o", str(out), "--rejects", str(rejects)) == 0
    assert f"X: 3 records imported, 1 rejected (see {rejects})" in capsys.readouterr().err
    with rejects.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"file": str(bad), "line": "4", "reason": "record starting at line 4 never "
                     "ends: no 'ER  -' line before the end of the file (the export may be "
                     "truncated; export again)", "raw": "TY  - JOUR\nTI  - Cut off"}]
    # a file that is not an export fails the import even with --rejects
    assert _cli("import", str(EXPORTS / "html_page.ris"), "--database", "X", "-o",
                str(tmp_path / "other.csv"), "--rejects", str(tmp_path / "r2.csv")) == 2
    assert not (tmp_path / "other.csv").exists() and not (tmp_path / "r2.csv").exists()


def test_cli_columns_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "list.csv"
    path.write_text("Ref,Name of study,When\nA1,Carers at home,2010\n")
    out = tmp_path / "records.csv"
    assert _cli("import", str(path), "--database", "X", "-o", str(out), "--format", "csv",
                "--columns", "title=Name of study,year=When", "--columns", "source_id=Ref") == 0
    (record,) = read_records(out)
    assert (record.record_id, record.title, record.year) == ("x-A1", "Carers at home", "2010")
    assert _cli("import", str(path), "--database", "X", "-o", str(out),
                "--columns", "name=Ref") == 2
    assert "cannot use 'name=Ref'" in capsys.readouterr().err


# --- encodings and languages -----------------------------------------------------------

@pytest.mark.parametrize(("encoding", "title"), [
    ("cp1251", "Опека родственников и успеваемость детей в школе"),
    ("koi8_r", "Опека родственников и успеваемость детей в школе"),
    ("shift_jis", "親族里親と子どもの学業成績に関する研究"),
    ("gbk", "亲属寄养与儿童学业成绩的队列研究"),
    ("iso8859_7", "Συγγενική αναδοχή και σχολικές επιδόσεις"),
])
def test_unknown_encoding_gets_one_message(tmp_path: Path, encoding: str, title: str):
    path = tmp_path / "export.ris"
    path.write_bytes(f"TY  - JOUR\nAU  - Ivanova, A.\nTI  - {title}\nPY  - 2019\nER  - \n"
                     .encode(encoding))
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="export.ris")
    (message,) = problems_of(excinfo)
    assert message.startswith("export.ris:3: unknown text encoding: the bytes are not UTF-8,")


def test_many_c1_control_bytes_are_an_unknown_encoding(tmp_path: Path):
    path = tmp_path / "export.ris"
    path.write_bytes(b"TY  - JOUR\nTI  - A" + bytes(range(0x80, 0xA0)) * 3 + b"\nER  - \n")
    with pytest.raises(InputError, match="unknown text encoding"):
        read_export(path, database="X")


def test_western_cp1252_and_latin1_are_still_read(tmp_path: Path):
    path = tmp_path / "latin1.ris"
    text = ("TY  - JOUR\nTI  - Grüße aus Köln: Pflegekinder in Nordrhein-Westfalen, "
            "Ærø og Åbenrå, São Paulo, Łódź – „Studie“\nER  - \n")
    for encoding in ("cp1252", "latin-1"):
        data = text.encode(encoding, errors="ignore")
        path.write_bytes(data)
        (record,) = read_export(path, database="X")
        assert record.title.startswith("Grüße aus Köln") and "Ærø og Åbenrå" in record.title


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


# --- every format, arbitrary bytes ----------------------------------------------------

_TAGGED_LINES = st.lists(st.sampled_from([
    "PMID- 123", "TI  - A title", "      wrapped", "FAU - Smith, J", "MH  - *A/b", "PG  - 9-1",
    "FN Clarivate", "VR 1.0", "PT J", "AU Smith, J", "   Jones, K", "TI x", "UT WOS:1", "ER",
    "EF", "", "garbage", "LID - 10.1/x [doi]", "DP  - 2020 May", "PY 2020", "LA  - eng",
]), max_size=30).map("\n".join).map(str.encode)
_XML = st.lists(st.sampled_from([
    b"<?xml version='1.0'?>", b"<xml>", b"<records>", b"<record>", b"</record>",
    b"<titles><title>T</title></titles>", b"<style>x</style>", b"</records>", b"</xml>",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;", b"<ref-type name='Book'>6</ref-type>",
    b"\xff", b"<", b"&amp;", b"<dates><year>2020</year></dates>",
]), max_size=20).map(b"".join)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=400), _RIS_LINES, _TAGGED_LINES, _XML),
       suffix=st.sampled_from([".ris", ".bib", ".csv", ".txt", ".xml", ".nbib", ""]),
       fmt=st.sampled_from(["auto", "auto", *FORMATS]))
def test_every_format_gives_records_or_located_problems(tmp_path: Path, data: bytes,
                                                       suffix: str, fmt: str):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    try:
        imported = import_export(path, database="X", fmt=fmt)
    except InputError as error:
        assert error.problems and all(p.file == str(path) for p in error.problems)
    else:
        assert imported.records or imported.rejects or imported.format in ("csv", "tsv", "xlsx")
        assert all(r.source_file == str(path) for r in imported.records)
        assert all(r.problem.file == str(path) and (r.problem.line or 0) >= 1
                   for r in imported.rejects)
        assert len({r.record_id for r in imported.records}) == len(imported.records)


@pytest.mark.parametrize(("name", "fmt", "source"), [
    ("ovid.ris", "ris", "Ovid APA PsycInfo"), ("ebsco.ris", "ris", "Academic Search Complete"),
    ("multiline_kw.ris", "ris", "Rayyan"), ("scopus.csv", "csv", "scopus"),
    ("embase_preamble.csv", "csv", "embase"), ("pubmed.nbib", "nbib", "PubMed"),
    ("wos_plain.txt", "wos", "Web of Science"), ("wos_tab.txt", "tsv", "wos"),
    ("endnote.xml", "endnote-xml", "EndNote"), ("eppi.tsv", "tsv", "eppi-reviewer"),
    ("broken.bib", "bibtex", ""),
])
def test_format_and_source_are_told_from_the_content(name: str, fmt: str, source: str):
    imported = import_export(EXPORTS / name, database="X")
    assert (imported.format, imported.source) == (fmt, source)


def test_a_utf16_mark_on_bytes_that_are_not_utf16(tmp_path: Path):
    path = tmp_path / "odd.ris"
    path.write_bytes(codecs.BOM_UTF16_LE + "TY  - JOUR\n".encode("utf-16-le") + b"\x00\xd8")
    with pytest.raises(InputError, match="UTF-16 byte-order mark but is not UTF-16"):
        read_export(path, database="X")
