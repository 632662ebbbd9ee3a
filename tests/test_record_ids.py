"""Record ids that do not depend on the order files are read in, and RIS fields that are
read rather than lost: numbers a tool gives the records of one export or library, and
citation keys made from author and year, are no accessions; misspelt mixed-case tags,
``SO`` journals and dates without a standalone year are read or said."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from litreview.cli import main
from litreview.core.records import Record, finalise, read_records
from litreview.importers import citation_key, import_export

HERE = Path(__file__).resolve().parent
IDS = HERE / "fixtures" / "exports" / "record-ids"
EXAMPLE_EXPORTS = HERE.parent / "data" / "exports"


def imported(*names: str, folder: Path = IDS) -> list[Record]:
    """The files read in this order and given final ids, as ``litreview import`` does."""
    records: list[Record] = []
    for name in names:
        records += import_export(folder / name, database="X", display_path=name).records
    return finalise(records)


def ids_by_title(records: list[Record]) -> dict[str, str]:
    return {record.title: record.record_id for record in records}


def ris(tmp_path: Path, text: str, name: str = "t.ris"):
    path = tmp_path / name
    path.write_text(text)
    return import_export(path, database="X", display_path=name)


# --- RIS ID: running numbers, record numbers, citation keys ----------------------------

def test_a_second_export_numbering_from_one_moves_no_id():
    """Nested Knowledge numbers each export's records 1, 2, 3: read first or second, a
    paper keeps its id, and no id of one paper goes to another."""
    forward = imported("nk_first.ris", "nk_update.ris")
    backward = imported("nk_update.ris", "nk_first.ris")
    assert ids_by_title(forward) == ids_by_title(backward)
    assert len(set(ids_by_title(forward).values())) == 5
    assert not any("~" in record.record_id for record in forward)
    first = next(r for r in forward if r.title.startswith("Remote ischaemic"))
    assert first.source_id == "" and first.original_fields()["ID"] == "1"
    assert not first.record_id.endswith("-1")


def test_litreview_import_gives_the_same_ids_in_either_file_order(tmp_path: Path):
    outputs = []
    for order in (("nk_first.ris", "nk_update.ris"), ("nk_update.ris", "nk_first.ris")):
        out = tmp_path / f"{len(outputs)}.csv"
        assert main(["import", *(str(IDS / name) for name in order), "--database", "NK",
                     "-o", str(out)]) == 0
        outputs.append({r.title: r.record_id for r in read_records(out)})
    assert outputs[0] == outputs[1]


def test_endnote_record_numbers_in_ris_are_no_accessions():
    records = imported("endnote_record_numbers.ris")
    assert [r.source_id for r in records] == ["", ""]
    assert [r.original_fields()["ID"] for r in records] == ["889", "884"]


def test_accession_numbers_in_ris_id_are_kept():
    """Ovid writes the database's accession number in ID: ERIC, PsycINFO, a PMID."""
    records = imported("ovid_accessions.ris")
    assert [r.record_id for r in records] == ["x-EJ1181769", "x-2019-65183-001",
                                              "x-31245678"]


@pytest.mark.parametrize(("ids", "accessions"), [
    (["250001", "250002", "250003"], ["", "", ""]),  # a running number, however large
    (["250003", "250001", "250002"], ["", "", ""]),  # in any order
    (["7", "942"], ["", ""]),  # small numbers: a reference manager's record numbers
    (["31245678", "29459515"], ["31245678", "29459515"]),  # PMIDs
    (["620001234", "620001236", "620001237"], ["620001234", "620001236", "620001237"]),
    (["Kassin1997", "Smith2020a"], ["", ""]),  # citation keys
])
def test_which_ris_ids_are_accessions(tmp_path: Path, ids: list[str], accessions: list[str]):
    text = "".join(f"TY  - JOUR\nTI  - Paper {i}\nID  - {value}\nER  - \n\n"
                   for i, value in enumerate(ids))
    result = ris(tmp_path, text)
    assert [r.source_id for r in result.records] == accessions
    assert [r.original_fields()["ID"] for r in result.records] == ids


def test_running_numbers_are_found_however_the_tag_is_spaced():
    from litreview.importers.ris_fields import numbers_records

    assert numbers_records("ID  -1\nID  - 2\nID  -   3\n")
    assert not numbers_records("AN  - 1\nAN  - 2\nAN  - 3\n")  # no ID tag: nothing to scan


def test_a_record_known_only_by_its_running_number_is_kept_with_a_content_id(
        tmp_path: Path):
    """Still a record (the tool that wrote it can find it by ID); two such records with
    different abstracts do not share an id."""
    result = ris(tmp_path, "TY  - GEN\nID  - 1\nN2  - One abstract.\nER  - \n\n"
                 "TY  - GEN\nID  - 2\nN2  - Another abstract.\nER  - \n")
    first, second = result.records
    assert not result.rejects and first.record_id != second.record_id
    assert "~" not in second.record_id


# --- EndNote XML rec-number ------------------------------------------------------------

def test_endnote_rec_number_is_no_accession():
    """Two libraries both have a record number 1: each paper keeps its own id."""
    forward = imported("library_a.xml", "library_b.xml")
    backward = imported("library_b.xml", "library_a.xml")
    assert ids_by_title(forward) == ids_by_title(backward)
    assert not any("~" in r.record_id for r in forward)
    kinship, respite, foster = forward
    assert (kinship.source_id, foster.source_id) == ("", "")
    assert kinship.original_fields()["rec-number"] == "1"
    assert respite.record_id == "x-31245678"  # accession-num, when there is one


# --- BibTeX keys -----------------------------------------------------------------------

def test_author_year_keys_are_no_accessions(tmp_path: Path):
    """Scopus's keys say Smith2020a or Smith2020b by the order of the export: a reversed
    export gives each paper the same id."""
    text = (IDS / "scopus_keys.bib").read_text()
    entries = text.strip().split("\n\n")
    reversed_file = tmp_path / "reversed.bib"
    reversed_file.write_text("\n\n".join(reversed(entries)) + "\n")
    forward = imported("scopus_keys.bib")
    backward = imported("reversed.bib", folder=tmp_path)
    assert ids_by_title(forward) == ids_by_title(backward)
    smith_a, smith_b, firstwriter = forward
    assert smith_a.record_id == "x-2-s2.0-85000000001"  # the EID in the Scopus URL
    assert (smith_b.source_id, firstwriter.source_id) == ("", "")
    assert smith_b.original_fields()["ID"] == "Smith2020b"


def test_accession_fields_and_accession_keys_are_kept():
    childdata, wos, pmid, dblp = imported("accession_keys.bib")
    assert childdata.record_id == "x-cd583305"
    assert wos.source_id == "WOS:000223334444221"
    assert pmid.source_id == "16630000"  # the pmid field, not the key Okafor2006
    assert dblp.source_id == "DBLP:journals/tosem/WangYWHW22"  # DBLP keys are persistent


def test_the_example_reviews_bibtex_keys_stay_its_ids():
    """ChildData's keys are its accession numbers; the decision sheets name them."""
    for path in sorted(EXAMPLE_EXPORTS.glob("*/*.bib")):
        keys = re.findall(r"^@\w+\{([^,\s]+),", path.read_text(), re.MULTILINE)
        records = import_export(path, database="ChildData").records
        assert keys and [r.source_id for r in records] == keys


@pytest.mark.parametrize("key", [
    "Smith2020", "Smith2020a", "okafor2006", "Firstwriter2021133", "NoAuthor2013a",
    "smith_2020_nurse", "aiken_nurse_2014", "aikenNurseStaffing2014", "aiken2014nurse",
    "Aiken:2014aa", "O'Brien2019", "Müller2019", "Li2020", "van-der-Berg2019"])
def test_citation_keys(key: str):
    assert citation_key(key)


@pytest.mark.parametrize("key", [
    "cd583305", "WOS:000223334444221", "PMID:36788546", "DBLP:journals/tosem/WangYWHW22",
    "11111111111111111", "EJ1181769", "ED201905", "2-s2.0-85116700878", "rayyan-201234567",
    "2019-65183-001", "L2030246463", "chap1"])
def test_not_citation_keys(key: str):
    assert not citation_key(key)


# --- RIS fields that were lost ---------------------------------------------------------

def test_misspelt_tag_in_mixed_case_is_that_tag_and_said_on_its_own_line():
    result = import_export(IDS / "misspelt_case.ris", database="X",
                           display_path="misspelt_case.ris")
    article, book = result.records
    assert (article.journal, article.year) == ("The Lancet", "2014")
    assert article.authors == ("Aiken, Linda H.", "Sloane, Douglas M.")
    assert (book.title, book.year) == (
        "Nursing research: generating and assessing evidence", "2021")
    assert [str(w).split(":")[1] for w in result.warnings] == ["3", "7"]
    spaced, mixed = map(str, result.warnings)
    assert "'AU - Sloane" in spaced and "to line 15" in spaced
    assert mixed.startswith("misspelt_case.ris:7: 'Py  - 2014' read as the tag 'PY'; so "
                            "were 1 more line(s) spelt this way, to line 16")


def test_so_is_the_journal_when_no_journal_tag_is_there():
    records = imported("source_and_dates.ris")
    assert records[0].journal == "INTERNATIONAL JOURNAL OF PSYCHOLOGY"
    assert records[1].journal == "Nouveau Journal de Chimie"  # JO first


def test_a_date_without_a_standalone_year_gives_its_one_year_or_a_warning():
    result = import_export(IDS / "source_and_dates.ris", database="X",
                           display_path="source_and_dates.ris")
    assert [r.year for r in result.records] == ["2008", "1986", "2017", "", ""]
    (warning,) = result.warnings
    assert str(warning).startswith(
        "source_and_dates.ris:26: 'PY  - Start date: 20170812 End date: 20190101' gives no "
        "year of publication")
    assert "so did 1 more record(s), to line 32" in str(warning)
    assert result.records[3].original_fields()["PY"].startswith("Start date: 2017")
