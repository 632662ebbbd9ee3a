"""Telling the format from the content, refusing what is no export, and every format
given arbitrary bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import EXPORTS, problems_of, read
from litreview.core.errors import InputError
from litreview.importers import FORMATS, detect_format, import_export, read_export


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
                            "ovid", "eric-json", "openalex-json", "crossref-json",
                            "europepmc-json", "csl-json"}
    from litreview.cli import IMPORT_FORMATS
    assert IMPORT_FORMATS == FORMATS
    from litreview.core.schema import load_schema  # what review.yaml may name
    sources = load_schema("review")["properties"]
    for kind in ("databases", "other_sources"):
        assert sources[kind]["items"]["properties"]["format"]["enum"] == ["auto", *FORMATS]


def test_explicit_and_unknown_formats(tmp_path: Path):
    path = tmp_path / "records.dat"
    path.write_text("TY  - JOUR\nTI  - x\nER  - \n")
    assert len(read_export(path, database="X", fmt="ris")) == 1
    with pytest.raises(InputError, match="unknown format 'endnote'"):
        read_export(path, database="X", fmt="endnote")
    with pytest.raises(InputError, match="cannot read the file"):
        read_export(tmp_path / "missing.ris", database="X")


_RIS_LINES = st.lists(st.sampled_from([
    "TY  - JOUR", "ER  - ", "ER  -", "TI  - A title", "AU  - Smith, J.", "KW  - a; b",
    "1.", "", "PY  - 2020///", "continuation", "<html>", "@article{k,", "title={x}}",
    "Title,Year", "x,2020", "\tTitle\t", "\x00", "DO  - 10.1/x",
]), max_size=30).map("\n".join).map(str.encode)


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
