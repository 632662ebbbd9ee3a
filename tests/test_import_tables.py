"""CSV, TSV and XLSX exports: column profiles, explicit column mappings, and bad rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from import_helpers import problems_of, read, refusal
from litreview.core.errors import InputError
from litreview.importers import detect_format, import_export, parse_column_mapping, read_export


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
    assert refusal(tmp_path, "Title,Year,Notes\nFine,2020,\n,2021,orphan\n\n,,\n"
                   "Also fine,2022,\n,2023,another\n", "rows.csv") == [
        "rows.csv:3: row has no title, DOI or ID (fill one in, or delete the row if it is "
        "not a record)",
        "rows.csv:7: row has no title, DOI or ID (fill one in, or delete the row if it is "
        "not a record)",
    ]


def test_a_header_past_the_text_delimiters_are_tried_on_is_found(monkeypatch):
    from litreview.importers.tables import delimited

    whole = read("embase_preamble.csv", database="Embase")
    monkeypatch.setattr(delimited, "_SNIFF", 40)  # the preamble is longer than this
    assert read("embase_preamble.csv", database="Embase") == whole
    monkeypatch.setattr(delimited, "_SNIFF", 500)  # the header is inside, a row is cut
    assert read("embase_preamble.csv", database="Embase") == whole


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


def test_csv_rows_after_a_malformed_one_are_still_read(tmp_path: Path):
    path = tmp_path / "quotes.csv"
    path.write_text('Title,Year\n"ok",2020\n"broken"x,2021\nfine,2022\n,2023\n')
    imported = import_export(path, database="X", display_path="quotes.csv")
    assert [r.title for r in imported.records] == ["ok", "fine"]
    assert [(r.problem.line, r.raw) for r in imported.rejects] == [
        (3, '"broken"x,2021'), (5, ",2023")]


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
