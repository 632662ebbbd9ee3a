"""RIS dialects met in the wild: publishers' export headers, misspelt tag lines, and
records with nothing to identify them. Every one is read, or is a located error."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import import_text as ris
from import_helpers import only_reject, refusal
from litreview.core.errors import InputError
from litreview.importers import detect_format, import_export, read_export

DIALECTS = Path(__file__).resolve().parent / "fixtures" / "exports" / "ris-dialects"
RAYYAN = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "exports" / \
    "asreview-tests_ris_issue_992.txt"


def imported(name: str):
    return import_export(DIALECTS / name, database="X", display_path=name)


# --- publishers' export headers -------------------------------------------------------

@pytest.mark.parametrize(("name", "count", "source"), [
    ("cochrane_central.ris", 3, "Cochrane Library"),
    ("cochrane_central_per_record.ris", 2, "John Wiley & Sons, Ltd."),
    ("cochrane_cdsr.ris", 2, "Cochrane Database of Systematic Reviews"),
    ("jstor.ris", 2, "JSTOR"),
    ("apa_psycnet.ris", 2, "APA PsycInfo"),
])
def test_export_headers_are_read_not_rejected(name: str, count: int, source: str):
    result = imported(name)
    assert not result.rejects
    assert len(result.records) == count and all(r.title for r in result.records)
    assert result.source == source


def test_cochrane_header_is_kept_as_each_records_provenance():
    first, second, third = imported("cochrane_central.ris").records
    assert (first.source_id, first.source_line) == ("CN-09900001", 7)
    assert third.doi == "10.5555/trials.2022.0088"
    original = first.original_fields()
    assert original["_provider"] == "John Wiley & Sons, Ltd."
    assert original["_database"] == "Cochrane Library"
    assert original["_content"] == 'text/plain; charset="UTF-8"'
    assert [r.original_fields()["_record"] for r in (first, second, third)] == [
        "1 of 3", "2 of 3", "3 of 3"]


def test_header_repeated_before_every_record_crlf_and_bom():
    """Cochrane's other layout: 'Record #N of M' and the header before each record."""
    first, second = imported("cochrane_central_per_record.ris").records
    assert second.type == "conference" and second.issue == "Supplement 2"
    assert second.source_line == 25
    assert second.original_fields()["_record"] == "2 of 2"
    assert "_database" not in first.original_fields()


def test_jstor_and_psycnet_headers():
    jstor = imported("jstor.ris").records
    assert [r.original_fields()["_provider"] for r in jstor] == ["JSTOR http://www.jstor.org"] * 2
    assert (jstor[0].journal, jstor[0].pages, jstor[0].year) == (
        "Social Service Review", "255-271", "1994")
    article, _ = imported("apa_psycnet.ris").records
    assert article.original_fields()["_database"] == "APA PsycInfo"
    assert article.source_id == "2021-99990-001"


def test_a_long_capitalised_label_is_its_own_field_not_part_of_the_type():
    """APA's 'DESCRIPTORS  - ' after 'TY  - CHAP' was read as more of the type: 'other'."""
    result = imported("apa_psycnet.ris")
    chapter = result.records[1]
    assert chapter.type == "chapter"
    assert chapter.original_fields()["DESCRIPTORS"] == (
        "*Caregivers;  *Grandparents; Family Relations")
    (warning,) = result.warnings
    assert str(warning).startswith("apa_psycnet.ris:28: 'DESCRIPTORS  - ")


def test_a_header_line_is_kept_only_until_the_file_gives_another(tmp_path: Path):
    result = ris(tmp_path, "Database: One\n\nTY  - JOUR\nTI  - a\nER  - \n"
                 "Database: Two\nSearch: kin* AND carer*\nDate: 2024-05-01\n"
                 "TY  - JOUR\nTI  - b\nER  - \n")
    first, second = (r.original_fields() for r in result.records)
    assert first["_database"] == "One" and "_search" not in first
    assert (second["_database"], second["_search"], second["_date"]) == (
        "Two", "kin* AND carer*", "2024-05-01")


def test_other_text_outside_a_record_is_still_a_located_error(tmp_path: Path):
    (problem,) = refusal(tmp_path, "Provider: JSTOR\nExported by: someone\nRecord #1 of 1\n\n"
                         "TY  - JOUR\nTI  - a\nER  - \n")
    assert problem.startswith("t.ris:2: text 'Exported by: someone' outside any record")


def test_header_lines_before_ovid_numbers(tmp_path: Path):
    """rispy's example: a header, then Ovid's '1.' numbering; the header of the next
    record is not the trailer of the one before."""
    result = ris(tmp_path, "Record #1 of 2\nProvider: Provider\n1.\nTY  - JOUR\nID  - 1\n"
                 "ER  - \nLink to the Ovid Full Text\n\nRecord #2 of 2\n2.\nTY  - JOUR\n"
                 "ID  - 2\nER  - \n")
    first, second = (r.original_fields() for r in result.records)
    assert first["_trailer"] == "Link to the Ovid Full Text" and first["_record"] == "1 of 2"
    assert second["_record"] == "2 of 2" and "_trailer" not in second
    assert result.source == "Ovid Provider"


# --- misspelt tag lines ---------------------------------------------------------------

def test_each_misspelt_title_is_read_with_a_located_warning():
    result = imported("misspelt_tags.ris")
    assert not result.rejects
    assert [r.title.split(":")[0] for r in result.records] == [
        "Bare tag", "One space before the dash", "No space after the dash",
        "No space before the dash", "Lower-case tag", "Colon instead of a dash"]
    assert all(r.type == "article" for r in result.records)  # nothing appended to TY
    assert [str(w).split(":")[1] for w in result.warnings] == ["2", "10", "16", "22", "28", "34"]
    assert all("read as the tag 'TI'" in str(w) for w in result.warnings)


def test_prose_that_starts_like_a_tag_still_continues_its_field():
    first, *_, last = imported("misspelt_tags.ris").records
    assert first.abstract.endswith("US policy on kinship payments varies by state; this "
                                   "continues the abstract.")
    assert last.abstract.endswith("UK schools were asked about attendance; this continues "
                                  "the abstract too.")


@pytest.mark.parametrize(("line", "code"), [
    ("ED visits fell by a third.", "ED"), ("AD: Alzheimer's disease was excluded.", "AD"),
    ("T1- and T2-weighted images were read blind.", "T1"), ("ST segment elevation", "ST"),
    ("AU", "AU"), ("La France, W., Reuber, M.", ""), ("NF-kappa B/metabolism", ""),
    ("is - as we show - small.", ""), ("US policy differs.", ""),
])
def test_weak_spellings_after_free_text_stay_text(tmp_path: Path, line: str, code: str):
    """Prose may begin like a weak spelling of a tag: it stays text; but when the code is
    an RIS tag it might be a tag line, so the first line is said (with the second)."""
    result = ris(tmp_path, f"TY  - JOUR\nTI  - t\nAB  - First line.\n{line}\nKW  - k\n{line}\n"
                 "ER  - \n")
    (record,) = result.records
    assert record.abstract == f"First line. {line}"
    assert record.keywords[-1] == line.rstrip(".") or record.keywords[-1] == line
    if not code:
        assert not result.warnings
        return
    (warning,) = result.warnings
    assert str(warning).startswith(f"t.ris:4: {line[:40]!r} is read as part of 'AB', not as "
                                   f"the tag '{code}'; so was 1 more line written this way: 6")
    assert f"if it is a tag, write it '{code}  - " in str(warning)


def test_glued_tag_lines_are_read_or_said_never_lost():
    """A reviewer's cases: a tab before the dash, 'AB-x' after a DOI, a bare author line
    after a title, a record identified by a malformed DOI alone."""
    result = imported("glued_tags.ris")
    tab, glued, bare = result.records
    assert (tab.title, tab.type) == ("Tab before the dash: foster care outcomes", "article")
    assert (glued.doi, glued.abstract) == ("10.5555/glued.0002",
                                           "Kinship carers reported less strain.")
    assert bare.title == "A bare author line after the title AU Smith, J." and not bare.authors
    (reject,) = result.rejects
    assert str(reject.problem).startswith("glued_tags.ris:19: record starting at line 19 has "
                                          "no title, DOI or ID ('not-a-doi' is no DOI)")
    assert [(w.line, w.message) for w in result.warnings] == [
        (2, "'TI\\t- Tab before the dash: foster care ou' read as the tag 'TI'"),
        (10, "'AB-Kinship carers reported less strain.' read as the tag 'AB'"),
        (15, "'AU Smith, J.' is read as part of 'TI', not as the tag 'AU'"),
    ]
    assert result.warnings[2].hint == ("if it is a tag, write it 'AU  - Smith, J.'; if it is "
                                       "text, nothing needs changing")


@pytest.mark.parametrize("line", ["TI\t- Tab title", "TI \t- Tab title", "TI\t\t- Tab title",
                                  "TI\t-Tab title", "ti\t- Tab title", "TI:\tTab title",
                                  "TI\u00a0 - Tab title"])
@pytest.mark.parametrize("before", ["PY  - 2020", "AB  - An abstract."])
def test_a_tab_counts_as_spacing_in_every_spelling(tmp_path: Path, line: str, before: str):
    """Strong spellings with a tab (or another space character) are tags anywhere."""
    result = ris(tmp_path, f"TY  - JOUR\n{before}\n{line}\nER  - \n")
    (record,) = result.records
    assert record.title == "Tab title"
    assert record.year in ("2020", "") and record.abstract in ("An abstract.", "")
    (warning,) = result.warnings
    assert str(warning).startswith(f"t.ris:3: {line!r} read as the tag 'TI'")


@pytest.mark.parametrize("line", ["AB-Text here.", "AB- Text here.", "AB: Text here.",
                                  "AB Text here.", "AB  -Text here.", "ab  - Text here."])
@pytest.mark.parametrize("one_value", ["TY  - JOUR", "DO  - 10.5555/x", "PY  - 2020",
                                       "VL  - 12", "AN  - 123456", "SP  - 4"])
def test_after_a_one_value_field_a_tag_in_any_spelling_is_that_tag(tmp_path: Path, line: str,
                                                                    one_value: str):
    head = "" if one_value.startswith("TY") else "TY  - JOUR\n"
    result = ris(tmp_path, f"{head}{one_value}\n{line}\nTI  - t\nER  - \n")
    (record,) = result.records
    assert record.abstract == "Text here."
    assert one_value[6:] in record.original_fields()[one_value[:2]]
    (warning,) = result.warnings
    assert f": {line!r} read as the tag 'AB'" in str(warning)


def test_other_text_after_a_one_value_field_is_kept_beside_it_and_said(tmp_path: Path):
    result = ris(tmp_path, "TY  - JOUR\nnot a type\nTI  - t\nDO  - 10.5555/x\nsee also "
                 "10.5555/y\nXQ-what\nAU  - Smith, J.\nER  - \n")
    (record,) = result.records
    assert (record.type, record.doi, record.authors) == ("article", "10.5555/x", ("Smith, J.",))
    original = record.original_fields()
    assert original["TY"] == ["JOUR", "not a type"]
    assert original["DO"] == ["10.5555/x", "see also 10.5555/y", "XQ-what"]
    (warning,) = result.warnings
    assert str(warning).startswith(
        "t.ris:2: 'not a type' follows 'TY', a field of one value: kept beside its value in "
        "the record's original fields; so were 2 more lines: 5, 6")


@pytest.mark.parametrize(("line", "tag", "value"), [
    ("AU Smith, J.", "AU", "Smith, J."), ("AU- Smith, J.", "AU", "Smith, J."),
    ("AU: Smith, J.", "AU", "Smith, J."), ("TI Title", "TI", "Title"),
])
def test_weak_spellings_after_a_one_value_field_are_tags(tmp_path: Path, line: str, tag: str,
                                                         value: str):
    result = ris(tmp_path, f"TY  - JOUR\nTI  - t\nPY  - 2020\n{line}\nER  - \n")
    (record,) = result.records
    assert record.year == "2020"
    assert value in record.original_fields()[tag]
    (warning,) = result.warnings
    assert str(warning).startswith(f"t.ris:4: {line!r} read as the tag '{tag}'")


def test_a_file_written_in_bare_tags_is_read_whole(tmp_path: Path):
    """Once a weak spelling has shown itself a tag, the file writes tags that way."""
    result = ris(tmp_path, "TY JOUR\nTI A title\nAU Smith, J.\nAU Jones, K.\nPY 2020\n"
                 "AB An abstract.\nER\n\nTY JOUR\nTI Another\nER\n")
    first, second = result.records
    assert (first.title, first.authors, first.year, first.abstract) == (
        "A title", ("Smith, J.", "Jones, K."), "2020", "An abstract.")
    assert second.title == "Another"
    (warning,) = result.warnings
    assert str(warning).startswith("t.ris:1: 'TY JOUR' read as the tag 'TY'; so were 9 more")


def test_misspelt_type_and_end_lines_open_and_close_records(tmp_path: Path):
    result = ris(tmp_path, "TY - JOUR\nTI - a\nER -\nty  - BOOK\nTI  - b\nER  -\n")
    assert [(r.type, r.title, r.source_line) for r in result.records] == [
        ("article", "a", 1), ("book", "b", 4)]


def test_a_strong_spelling_with_an_unknown_code_is_a_located_error(tmp_path: Path):
    result = ris(tmp_path, "TY  - JOUR\nTI  - ok\nER  - \nTY  - JOUR\nTI  - x\n"
                 "XQ - what is this\nER  - \n")
    assert [r.title for r in result.records] == ["ok"]
    reject = only_reject(result)
    assert str(reject.problem).startswith("t.ris:6: 'XQ - what is this' looks like a tag line, "
                                          "but 'XQ' is no RIS tag")
    assert reject.raw == "TY  - JOUR\nTI  - x\nXQ - what is this\nER  - "


@pytest.mark.parametrize("first_line", ["TY - JOUR", "TY  -JOUR", "ty  - JOUR", "TY:  JOUR",
                                        "TY\t- JOUR", "TY \t- JOUR", "ty\t- JOUR", "TY:\tJOUR"])
@pytest.mark.parametrize("suffix", [".ris", ".txt", ".csv", ""])
def test_a_file_with_misspelt_type_lines_is_detected_as_ris(tmp_path: Path, first_line: str,
                                                            suffix: str):
    path = tmp_path / f"export{suffix}"
    path.write_text(f"{first_line}\nTI  - a\nER  - \n")
    assert detect_format(path, path.read_bytes()) == "ris"


@pytest.mark.parametrize("suffix", [".ris", ".txt", ".csv", ""])
@pytest.mark.parametrize(("space", "end"), [(" ", "ER"), ("\t", "ER"), ("-", "ER"),
                                            ("\t", "er  -")])
def test_a_file_written_in_bare_tags_is_detected_as_ris(tmp_path: Path, suffix: str,
                                                        space: str, end: str):
    """``TY JOUR`` … ``ER``: a type code of RIS's own and an end line; a comma in a title
    (or a tab between tag and value) must not make it a table."""
    path = tmp_path / f"export{suffix}"
    path.write_text(f"TY{space}JOUR\nTI{space}Schools, families and care\nPY{space}2001\n"
                    f"{end}\n")
    assert detect_format(path, path.read_bytes()) == "ris"
    (record,) = import_export(path, database="X").records
    assert (record.title, record.year) == ("Schools, families and care", "2001")


def test_real_rayyan_multiline_keywords_stay_keywords():
    """Rayyan's keyword 'ST segment elevation…' on a line of its own (ST is a RIS tag)."""
    if not RAYYAN.exists():
        pytest.skip(f"real data not available: {RAYYAN} is absent")
    result = import_export(RAYYAN, database="X", display_path="rayyan.txt")
    assert not result.rejects
    (warning,) = result.warnings  # it might be an ST tag line: said, and kept a keyword
    assert str(warning).startswith("rayyan.txt:522: 'ST segment elevation myocardial infarcti' "
                                   "is read as part of 'KW', not as the tag 'ST' (")
    assert any(k.startswith("ST segment elevation") for r in result.records for k in r.keywords)


# --- records with nothing to identify them --------------------------------------------

def test_a_record_without_title_doi_or_id_is_a_located_error(tmp_path: Path):
    result = ris(tmp_path, "TY  - JOUR\nTI  - titled\nER  - \n\nTY  - JOUR\nAU  - Smith, J.\n"
                 "PY  - 2020\nAB  - An abstract only.\nER  - \n\nTY  - JOUR\nDO  - 10.1234/x\n"
                 "ER  - \nTY  - JOUR\nAN  - 123\nER  - \n")
    assert [(r.title, r.doi, r.source_id) for r in result.records] == [
        ("titled", "", ""), ("", "10.1234/x", ""), ("", "", "123")]
    reject = only_reject(result)
    assert str(reject.problem).startswith("t.ris:5: record starting at line 5 has no title, "
                                          "DOI or ID")
    assert reject.raw.endswith("AB  - An abstract only.\nER  - ")
    with pytest.raises(InputError, match=r"t\.ris:5: record starting at line 5 has no title"):
        read_export(tmp_path / "t.ris", database="X", display_path="t.ris")


def test_a_record_whose_only_identifier_is_a_malformed_doi_is_a_located_error(tmp_path: Path):
    """A DOI that normalises to nothing identifies nothing: the same rule as no DOI."""
    result = ris(tmp_path, "TY  - JOUR\nAU  - Smith, J.\nDO  - not-a-doi\nER  - \n"
                 "TY  - JOUR\nDO  - https://doi.org/10.5555/ok\nER  - \n")
    assert [r.doi for r in result.records] == ["10.5555/ok"]
    assert str(only_reject(result).problem).startswith(
        "t.ris:1: record starting at line 1 has no title, DOI or ID ('not-a-doi' is no DOI)")


def test_a_table_row_whose_only_identifier_is_a_malformed_doi_is_a_located_error(
        tmp_path: Path):
    """The table rule, the same as the RIS one (importers/tables/rows.py)."""
    result = ris(tmp_path, "Title,Authors,DOI,Year\n,\"Smith, J.\",not-a-doi,2020\n"
                 "A title,\"Jones, K.\",,2021\n", "t.csv")
    assert [r.title for r in result.records] == ["A title"]
    assert str(only_reject(result).problem).startswith("t.csv:2: row has no title, DOI or ID")


def test_a_title_lost_to_a_misspelt_tag_is_never_silent(tmp_path: Path):
    """The issue's case: 'TI Title' after TY was read as more of the type; now the title
    is read, and a record that still has none stops the import at its line."""
    assert ris(tmp_path, "TY  - JOUR\nTI Title\nER  - \n").records[0].title == "Title"
    result = ris(tmp_path, "TY  - JOUR\nAB  - text\nUS Title\nER  - \n")
    assert not result.records and result.rejects[0].problem.line == 1
