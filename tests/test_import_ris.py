"""RIS exports: the fields of each dialect, tag forms, types, located errors, accession ids,
original fields and Ovid's numbers and trailers."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from import_helpers import EXPORTS, import_text, problems_of, read
from litreview.core.errors import InputError
from litreview.importers import read_export


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


def test_rejects_keep_the_raw_block_and_positions_count_them(tmp_path: Path):
    imported = import_text(tmp_path, "TY  - JOUR\nTI  - One\n\nTY  - JOUR\nTI  - No end\n"
                           "TY  - JOUR\nTI  - Three\nER  - \nstray line\n", "bad.ris")
    assert [(r.title, r.source_position) for r in imported.records] == [("Three", 3)]
    assert [(str(r.problem).split(":")[1], r.raw) for r in imported.rejects] == [
        ("1", "TY  - JOUR\nTI  - One"), ("4", "TY  - JOUR\nTI  - No end"),
        ("9", "stray line")]


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


def test_original_json_is_the_same_text_whatever_the_values_hold():
    import json

    from litreview.importers.context import original_json

    fields = {"TI": "Ünïcode 😀 \u2028 \"q\" \\ /", "AB": "a\tb\nc\x01", "KW": ["x", "", "y"],
              "AU": ["only"], "N1": "", "é": "z", "Z": ["\ud800"]}  # a lone surrogate too
    expected = {"TI": fields["TI"], "AB": fields["AB"], "KW": ["x", "y"], "AU": "only",
                "é": "z", "Z": "\ud800"}
    assert original_json(fields) == json.dumps(expected, ensure_ascii=False, sort_keys=True,
                                               separators=(",", ":"))
    del fields["Z"], expected["Z"]
    assert original_json(fields) == json.dumps(expected, ensure_ascii=False, sort_keys=True,
                                               separators=(",", ":"))


def test_ovid_number_and_trailer_stay_with_their_record():
    first, second = read("ovid.ris", database="PsycINFO")
    original = first.original_fields()
    assert original["_number"] == "1" and original["NL"] == "J Fam Stud"
    assert original["_trailer"].startswith("Link to the Ovid Full Text or citation:")
    assert second.original_fields()["_number"] == "2"
    assert second.source_position == 2
