"""Ovid's own tagged export (Embase, MEDLINE, APA PsycInfo on Ovid) and PubMed/MEDLINE files
cut short: read whole, or the cut record named."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from litreview.cli import main
from litreview.core.errors import InputError
from litreview.importers import detect_format, import_export, read_export
from litreview.importers.ovid import _source_parts

OVID = Path(__file__).resolve().parent / "fixtures" / "exports" / "ovid-tagged"


def read(name: str, database: str = "embase"):
    return read_export(OVID / name, database=database, display_path=name)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def problems_cut_before(tmp_path: Path, fixture: str, name: str, end: bytes) -> list[str]:
    """The located problems reading ``fixture``, cut just before ``end`` and saved as
    ``name``, stops at."""
    data = (OVID / fixture).read_bytes()
    path = write(tmp_path, name, data[:data.index(end)])
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path=name)
    return [str(p) for p in excinfo.value.problems]


# --- detection ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["embase_citavi.ovd", "embase_endnote.cgi", "psycinfo.ovd",
                                  "medline.ovd"])
def test_ovid_tagged_exports_are_told_from_their_content(name: str):
    path = OVID / name
    assert detect_format(path, path.read_bytes()) == "ovid"


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"  "])
def test_a_leading_record_number_is_not_taken_for_xml(tmp_path: Path, prefix: bytes):
    data = prefix + (OVID / "embase_citavi.ovd").read_bytes()
    path = write(tmp_path, "export.txt", data)  # the extension says RIS: content decides
    imported = import_export(path, database="embase")
    assert (imported.format, imported.source, len(imported.records)) == (
        "ovid", "Ovid Embase", 3)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_ovid_tagged_in_utf16(tmp_path: Path, codec: str):
    text = (OVID / "medline.ovd").read_text(encoding="utf-8")
    path = write(tmp_path, "medline.ovd", text.encode(codec))
    assert [r.source_id for r in read_export(path, database="medline")] == [
        "31245678", "31245679"]


def test_an_xml_file_is_still_xml(tmp_path: Path):
    path = write(tmp_path, "export.xml", b"<?xml version='1.0'?><xml><foo/></xml>")
    with pytest.raises(InputError, match="not an EndNote XML export"):
        read_export(path, database="X")


def test_ovid_format_can_be_named(tmp_path: Path):
    path = write(tmp_path, "export.dat", (OVID / "psycinfo.ovd").read_bytes())
    assert len(read_export(path, database="psycinfo", fmt="ovid")) == 2


# --- reading --------------------------------------------------------------------------

def test_embase_direct_export():
    conference, article, open_access = read("embase_citavi.ovd")
    assert (conference.source_id, conference.record_id, conference.source_line,
            conference.type) == ("2001234567", "embase-2001234567", 1, "conference")
    assert conference.title == "Kinship foster care and mental health: a pooled cohort."
    assert conference.authors == ("Okafor C.", "Lindqvist M.A.")
    # Embase's SO: "Journal. Conference: …. Volume (Issue) (pp pages), Year."
    assert (conference.journal, conference.volume, conference.issue, conference.pages,
            conference.year) == ("Heart", "104", "Supplement 6", "A12-A13", "2018")
    assert conference.doi == "10.1136/heartjnl-2018-bcs.12"
    assert conference.subjects == ("child", "foster care", "mental health", "human",
                                   "conference abstract")
    assert conference.keywords == ("kinship care", "cohort")
    assert conference.language == "English"
    assert conference.abstract.startswith("Background: Children in kinship care")
    original = conference.original_fields()
    assert original["_number"] == "1"
    assert original["MH"][2] == "*mental health/ep [Epidemiology]"  # as the export has it
    assert original["IN"] == ("(Okafor) Department of Child Health, University of Leeds, "
                              "Leeds, United Kingdom\n(Lindqvist) Karolinska Institutet, "
                              "Stockholm, Sweden")
    assert original["SO"].startswith("Heart. Conference: British Cardiovascular")
    for tag in ("VN", "DB", "ST", "AD", "PB", "OD", "IS", "SL", "EM", "CR"):
        assert tag in original
    assert (article.journal, article.volume, article.issue, article.pages, article.year,
            article.abstract, article.source_line) == (
        "Journal of Family Studies", "245", "", "1-10", "2019", "", 33)
    assert (open_access.journal, open_access.volume, open_access.issue, open_access.pages,
            open_access.type) == ("BMJ Open", "8", "11", "", "article")


def test_endnote_flavour_unindented_paragraphs_crlf_and_bom():
    structured, plain = read("embase_endnote.cgi")
    # the unindented paragraphs belong to AB; "T1- and T2-weighted" is no tag line
    assert structured.abstract == (
        "Background: Abstracts broken into paragraphs. Method(s): T1- and T2-weighted "
        "images were read by two raters. Result(s): Agreement was high.")
    assert (structured.volume, structured.issue, structured.pages) == ("61", "SUPPL. 1",
                                                                        "77-79")
    assert "T1" not in structured.original_fields()
    assert (plain.title, plain.source_line) == ("Respite for kinship carers.", 17)


def test_psycinfo_dedicated_tags_win_over_so():
    first, second = read("psycinfo.ovd", database="psycinfo")
    assert first.source_id == "2019-29490-001"  # as Ovid's RIS export gives it (ID)
    assert first.title == "Body image in kinship carers: explaining dissatisfaction."
    assert first.authors == ("Trindade, Ines A", "Ferreira, Claudia")
    assert (first.journal, first.volume, first.issue, first.pages, first.year) == (
        "Journal of Health Psychology", "24", "7", "847-856", "2019")
    assert first.keywords == ("body image", "kinship care", "gender differences")
    assert first.subjects == ("Body Image", "Caregivers", "Human Sex Differences")
    assert first.doi == "10.1177/1359105317742958"
    assert first.url.startswith("http://ovidsp.ovid.com/")
    assert first.original_fields()["IN"] == ("Trindade, Ines A.: University of Coimbra, "
                                             "Coimbra, Portugal\nFerreira, Claudia: "
                                             "University of Coimbra, Coimbra, Portugal")
    assert first.original_fields()["TI"].endswith("[References].")
    # no JN/VO/IP/PG: PsycInfo's SO gives them
    assert (second.journal, second.volume, second.issue, second.pages, second.year) == (
        "Clinical Psychology & Psychotherapy", "26", "3", "312-320", "2019")
    assert second.keywords == ("self-criticism", "depression")


def test_ovid_medline():
    review, other = read("medline.ovd", database="medline")
    assert (review.source_id, review.record_id) == ("31245678", "medline-31245678")
    assert review.authors == ("Winokur, Marc", "Holtan, Amy")  # FA before AU
    assert (review.volume, review.issue, review.pages) == ("24", "3", "349-369")
    assert review.subjects == ("Child", "Foster Home Care", "Birds")
    assert review.doi == "10.1111/cfs.12640"
    assert review.type == "article"
    assert (other.journal, other.volume, other.issue, other.pages, other.year,
            other.authors) == ("Child Care in Practice", "201", "2-3", "327-334", "2004",
                               ("Dunn S",))
    assert other.original_fields()["_number"] == "2"


@pytest.mark.parametrize(("source", "expected"), [
    ("Lancet. 391 (10127) (pp 1234-1245), 2018. Date of Publication: 2018.",
     {"journal": "Lancet", "volume": "391", "issue": "10127", "pages": "1234-1245",
      "year": "2018"}),
    ("Anaesthesia. (pp 5-6), 2020.", {"journal": "Anaesthesia", "pages": "5-6",
                                      "year": "2020"}),
    ("Journal of neurosurgery. 130(2):123-130, 2019 Feb.",
     {"journal": "Journal of neurosurgery", "volume": "130", "issue": "2", "pages": "123-130",
      "year": "2019"}),
    ("Behaviour Research. Vol.43(5), Sep 2015, pp. 623-634.",
     {"journal": "Behaviour Research", "volume": "43", "issue": "5", "pages": "623-634",
      "year": "2015"}),
    ("Nursing Times March/April 2012;14(1):56",
     {"journal": "Nursing Times", "volume": "14", "issue": "1", "pages": "56",
      "year": "2012"}),
    ("Proceedings of something, undated, 2005", {"year": "2005"}),
    ("", {}),
])
def test_source_line_shapes(source: str, expected: dict[str, str]):
    assert _source_parts(source) == expected


def test_author_notes_are_not_names(tmp_path: Path):
    text = ("<1. >\nVN  - Ovid Technologies\nDB  - BIOSIS Previews\nAN  - PREV2004001\n"
            "AU  - Werner, S. M. [Author, Reprint Author; E-mail: w@example.org]\n"
            "AU  - He, Zhimin 1,2,*\nTI  - A title.\nYR  - 2004\n")
    (record,) = read_export(write(tmp_path, "biosis.ovd", text.encode()), database="biosis")
    assert record.authors == ("Werner, S. M.", "He, Zhimin")
    assert record.source_id == "PREV2004001"


# --- what does not fit ----------------------------------------------------------------

def test_a_wrongly_spaced_tag_is_read_with_a_warning(tmp_path: Path):
    text = ("<1. >\nVN  - Ovid Technologies\nDB  - Embase\nUI  - 1\nTI - Spaced wrongly\n"
            "AB  - An abstract.\nTI  -Also wrong\n")
    imported = import_export(write(tmp_path, "x.ovd", text.encode()), database="X",
                             display_path="x.ovd")
    (record,) = imported.records
    assert record.title == "Spaced wrongly"
    assert record.abstract == "An abstract."  # not swallowed, nor the title into it
    assert record.original_fields()["TI"] == ["Spaced wrongly", "Also wrong"]
    assert [str(w).split(" (")[0] for w in imported.warnings] == [
        "x.ovd:5: 'TI - Spaced wrongly' read as the tag 'TI'",
        "x.ovd:7: 'TI  -Also wrong' read as the tag 'TI'"]


def test_text_before_any_tag_is_a_located_reject(tmp_path: Path):
    text = ("<1. >\nVN  - Ovid Technologies\nUI  - 1\nTI  - Fine\n\n<2. >\nnot a tag\n"
            "UI  - 2\nTI  - Broken\n\n<3. >\nVN  - Ovid Technologies\nUI  - 3\n"
            "TI  - Fine too\n")
    imported = import_export(write(tmp_path, "x.ovd", text.encode()), database="X",
                             display_path="x.ovd")
    assert [r.source_id for r in imported.records] == ["1", "3"]
    assert [r.source_position for r in imported.records] == [1, 3]
    (reject,) = imported.rejects
    assert str(reject.problem).startswith("x.ovd:7: text 'not a tag' before any tag in the "
                                          "record starting at line 6")
    assert reject.raw == "<2. >\nnot a tag\nUI  - 2\nTI  - Broken"


def test_a_search_history_before_the_records_is_warned_about(tmp_path: Path):
    head = b"Database: Embase <1974 to 2019>\nSearch Strategy:\n1 exp foster care/ (12)\n\n"
    path = write(tmp_path, "x.ovd", head + (OVID / "embase_citavi.ovd").read_bytes())
    imported = import_export(path, database="X", display_path="x.ovd")
    assert len(imported.records) == 3 and not imported.rejects
    (warning,) = imported.warnings
    assert str(warning).startswith("x.ovd:1: lines 1-3 before the first record")
    assert imported.records[0].source_line == 5


def test_records_without_number_lines_start_at_vn(tmp_path: Path):
    text = ("VN  - Ovid Technologies\nDB  - ERIC\nAN  - EJ1\nTI  - One\n"
            "VN  - Ovid Technologies\nDB  - ERIC\nAN  - EJ2\nTI  - Two\n")
    path = write(tmp_path, "eric.txt", text.encode())
    records = read_export(path, database="eric")
    assert [(r.source_id, r.source_line) for r in records] == [("EJ1", 1), ("EJ2", 5)]


# --- files cut short: Ovid -----------------------------------------------------------

def test_an_ovid_file_cut_anywhere_in_its_last_record_is_refused(tmp_path: Path):
    data = (OVID / "embase_citavi.ovd").read_bytes()
    start = data.index(b"<3. >\n") + len(b"<3. >\n")
    end = data.index(b"CR  - Copyright", start) + len(b"CR  -")
    for cut in range(start, end):
        path = write(tmp_path, "cut.ovd", data[:cut])
        imported = import_export(path, database="X", display_path="cut.ovd")
        assert len(imported.records) == 2, cut
        (reject,) = imported.rejects
        assert "record starting at line 48 is cut short" in reject.problem.message, cut
        assert reject.problem.line == data[:cut].rstrip(b"\n").count(b"\n") + 1, cut
    for cut in range(end, len(data) + 1):  # in the line that ends every record: read
        assert len(read_export(write(tmp_path, "whole.ovd", data[:cut]), database="X")) == 3


def test_an_ovid_cut_short_message(tmp_path: Path):
    assert problems_cut_before(tmp_path, "embase_citavi.ovd", "cut.ovd",
                               b"AB  - Objectives") == [
        "cut.ovd:57: record starting at line 48 is cut short: it has no 'CR' line, which "
        "ends every record before it (the export may be truncated; export the records "
        "again)"]


def test_a_last_record_without_an_optional_field_is_not_cut(tmp_path: Path):
    data = (OVID / "embase_citavi.ovd").read_bytes()
    without_abstract = data.replace(
        b"AB  - Objectives: School outcomes were studied in a national register.\n", b"")
    path = write(tmp_path, "whole.ovd", without_abstract.rstrip(b"\n") + b"\n")
    assert len(read_export(path, database="X")) == 3


def test_records_of_another_database_after_embase_are_not_cut(tmp_path: Path):
    data = (OVID / "embase_citavi.ovd").read_bytes() + (OVID / "medline.ovd").read_bytes()
    records = read_export(write(tmp_path, "multi.ovd", data), database="X")
    assert [r.source_id for r in records][-2:] == ["31245678", "31245679"]


# --- files cut short: PubMed/MEDLINE -------------------------------------------------

def test_a_pubmed_file_cut_anywhere_before_its_last_so_is_refused(tmp_path: Path):
    data = (OVID / "pubmed_three.nbib").read_bytes()
    start = data.rindex(b"PMID- ") + len(b"PMID- 3")  # a PMID cut to "3" is no record
    end = data.rindex(b"\nSO  - ") + 1
    for cut in range(start, end):
        path = write(tmp_path, "cut.nbib", data[:cut])
        imported = import_export(path, database="X", display_path="cut.nbib")
        assert [r.source_id for r in imported.records] == ["30922926", "36448670"], cut
        (reject,) = imported.rejects
        assert reject.problem.message.startswith("record starting at line 37 is cut short"), cut
    for cut in range(end + len(b"SO  - E"), len(data) + 1):  # inside SO: only SO is cut
        path = write(tmp_path, "cut.nbib", data[:cut])
        assert len(read_export(path, database="X")) == 3, cut


def test_the_trial_file_cut_mid_abstract(tmp_path: Path):
    assert problems_cut_before(tmp_path, "pubmed_three.nbib", "cut.nbib",
                               b"follow children") == [
        "cut.nbib:43: record starting at line 37 is cut short: the file ends mid-line, at "
        "line 43, before its 'SO' line (the export may be truncated; export it again)"]


def test_a_pubmed_file_cut_at_a_line_end(tmp_path: Path):
    data = (OVID / "pubmed_three.nbib").read_bytes()
    path = write(tmp_path, "cut.nbib", data[:data.rindex(b"JT  - eLife")])
    with pytest.raises(InputError, match="cut short: it has no 'SO' line, which ends every "
                                         "record before it"):
        read_export(path, database="X")


@pytest.mark.parametrize("text", [
    "PMID- 1\nTI  - One record, no SO\n",  # hand-made, ending with a line break
    "PMID- 1\nTI  - A\nSO  - J. 2020.\n\nPMID- 2\nBTI - A book\nTI  - Its chapter\n",
    "PMID- 1\nTI  - A\n\nPMID- 2\nTI  - B\n",  # no record has SO: not PubMed's own writing
])
def test_medline_files_that_are_not_cut(tmp_path: Path, text: str):
    path = write(tmp_path, "ok.nbib", text.encode())
    assert len(read_export(path, database="X")) == text.count("PMID-")


def test_pubmed_file_without_a_final_line_break_after_so(tmp_path: Path):
    data = (OVID / "pubmed_three.nbib").read_bytes().rstrip(b"\n")
    assert len(read_export(write(tmp_path, "ok.nbib", data), database="X")) == 3


# --- the command line -----------------------------------------------------------------

def test_import_command_reads_ovid_tagged(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "records.csv"
    assert main(["import", str(OVID / "embase_citavi.ovd"), "--database", "embase",
                 "--format", "ovid", "-o", str(out)]) == 0
    assert "(ovid, Ovid Embase): 3 records" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").count("embase-200123456") == 3


def test_original_fields_round_trip_as_json():
    (record, _) = read("embase_endnote.cgi")
    original = json.loads(record.original)
    assert original["AB"].splitlines()[1] == "Method(s): T1- and T2-weighted images were read "\
        "by two raters."
    assert codecs.BOM_UTF8.decode() not in record.original
