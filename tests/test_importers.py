"""Importers: every format, the awkward exports real databases produce, and bad input."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litreview.errors import InputError
from litreview.importers import FORMATS, detect_format, read_export
from litreview.importers.common import clean, split_authors, split_terms
from litreview.records import clean_text

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
    assert first.record_id == "bib-okafor2006" and first.source_id == "okafor2006"
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
        ("a.xml", b"<?xml version='1.0'?><records/>", "XML"),
        ("a.xlsx", b"not a workbook\n", "not a valid Excel workbook"),
        ("a.dat", b"just some words\n", "cannot tell the format"),
        ("a.txt", b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n", "Web of Science"),
        ("a.nbib", b"\nPMID- 21553931\nOWN - NLM\nTI  - A title\n", "PubMed/MEDLINE"),
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
    assert set(FORMATS) == {"ris", "bibtex", "csv", "tsv", "xlsx"}


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


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fast_clean_equals_clean_text(value: str):
    assert clean(value) == clean_text(value)


_RIS_LINES = st.lists(st.sampled_from([
    "TY  - JOUR", "ER  - ", "ER  -", "TI  - A title", "AU  - Smith, J.", "KW  - a; b",
    "1.", "", "PY  - 2020///", "continuation", "<html>", "@article{k,", "title={x}}",
    "Title,Year", "x,2020", "\tTitle\t", "\x00", "DO  - 10.1/x",
]), max_size=30).map("\n".join).map(str.encode)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=400), _RIS_LINES),
       suffix=st.sampled_from([".ris", ".bib", ".csv", ".tsv", ".txt", ".xlsx", ""]),
       fmt=st.sampled_from(["auto", "auto", *FORMATS]))
def test_arbitrary_bytes_give_records_or_input_error(tmp_path: Path, data: bytes, suffix: str,
                                                     fmt: str):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    try:
        records = read_export(path, database="X", fmt=fmt)
    except InputError as error:
        assert error.problems and all(p.file == str(path) for p in error.problems)
    else:
        assert records and all(r.source_file == str(path) for r in records)


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
