"""Strategies and hits: ranges to lines that do not exist, major headings, and bare
accession numbers in benchmark lists."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import FIXTURES, realdata
from litreview.cli import main
from litreview.core.errors import InputError
from litreview.core.records import Record, RecordIdError, RecordIds, resolve_record_id
from litreview.importers import import_export
from litreview.pipeline.preflight import preflight
from litreview.search import (
    benchmark_indices,
    evaluate,
    heading_keys,
    line_hits,
    lint_text,
    parse_expression,
    parse_strategy,
    read_benchmark,
)

HERE = FIXTURES / "search_dialects"


# --- 1. a range to a line that does not exist ----------------------------------------

def test_a_typo_in_a_range_is_one_located_error_at_once():
    text = (HERE / "huge_range.txt").read_text()
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        parse_strategy(text, "huge_range.txt")
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1 and peak < 5_000_000  # nothing expanded
    assert [str(p) for p in caught.value.problems] == [
        "huge_range.txt:7:20: the range #2 ... #50000000 names 49,999,998 line(s) not "
        "defined above (#3, #4, #5, …) (a range names lines defined above it: check its "
        "numbers)"]


def test_a_range_over_a_gap_is_one_message_not_one_per_missing_line():
    text = "#1 Leaders\n#2 Leadership\n" + "".join(f"#{n} Term{n}\n" for n in range(10, 20)) \
        + "#20 #1 or #2 ... or #19\n"
    with pytest.raises(InputError) as caught:
        parse_strategy(text, "gap.txt")
    assert len(caught.value.problems) == 1
    assert "names 7 line(s) not defined above (#3, #4, #5, …)" in str(caught.value)


def test_a_range_to_a_later_line_is_refused():
    with pytest.raises(InputError, match=r"s.txt:2:14: the range #1 ... #3 names 2 line"):
        parse_strategy("#1 Leaders\n#2 #1 ... or #3\n#3 Leadership\n", "s.txt")


def test_a_range_over_lines_defined_above_still_expands():
    strategy = parse_strategy("#1 A\n#2 B\n#3 C\n#4 #1 or #2 ... or #3\n", "s.txt")
    assert len(strategy.line(4).expr.operands) == 3  # type: ignore[union-attr]


def test_an_expression_alone_refuses_an_absurd_range():
    with pytest.raises(InputError, match="names 49,999,999 lines"):
        parse_expression("#1 ... or #50000000")


def test_lint_gives_the_one_message_and_no_echoes():
    _, findings = lint_text((HERE / "huge_range.txt").read_text(), "huge_range.txt")
    assert [(f.code, f.line, f.column) for f in findings] == [("S001", 7, 20)]


def test_lint_cli_answers_quickly(capsys):
    start = time.perf_counter()
    assert main(["query", "lint", str(HERE / "huge_range.txt"), "--review", str(HERE)]) == 1
    assert time.perf_counter() - start < 5
    out = capsys.readouterr().out
    assert out.count("error S001") == 1 and "#50000000" in out


def test_check_and_pre_run_validation_give_the_one_message(tiny_review: Path):
    strategy = tiny_review / "search_strategies" / "alpha.txt"
    strategy.write_text(strategy.read_text().replace("#3 #1 or #2\n",
                                                     "#3 #1 or #2 ... or #50000000\n"))
    with pytest.raises(InputError) as caught:
        preflight(tiny_review)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 1 and messages[0].startswith(f"{strategy}:8:20: the range #2 ")


# --- 2. major headings -----------------------------------------------------------------

@pytest.mark.parametrize(("heading", "keys"), [
    ("*Paleontology", ("paleontology",)),  # Ovid, EBSCOhost, PubMed: a major heading
    ("* Paleontology", ("paleontology",)),
    ("*PALEONTOLOGY", ("paleontology",)),
    ("*Fossils/", ("fossils",)),  # Ovid: a heading searched as such
    ("Heart Rate/*physiology", ("heart rate/physiology", "heart rate")),  # major subheading
    ("Bone and Bones/anatomy & histology/*physiology",
     ("bone and bones/anatomy & histology/physiology", "bone and bones")),
    ("*Dinosaurs/ah [Anatomy & Histology]", ("dinosaurs/ah [anatomy & histology]", "dinosaurs")),
    ("Bone and Bones/dg, ph [Diagnostic Imaging, Physiology]",
     ("bone and bones/dg, ph [diagnostic imaging, physiology]", "bone and bones")),
    ("brain/gut interaction", ("brain/gut interaction",)),  # a slash that is the heading's
    ("40AR/39AR AGE", ("40ar/39ar age",)),
    ("Controversial Issues (Course Content)", ("controversial issues (course content)",)),
    ("*", ()),
])
def test_heading_keys(heading, keys):
    assert heading_keys(heading) == keys


def _hits(fixture: str, database: str, strategy_text: str) -> dict[int, frozenset[int]]:
    records = list(import_export(HERE / fixture, database=database).records)
    return evaluate(parse_strategy(strategy_text, "s.txt"), records)


def test_ovid_major_headings_match_the_plain_heading():
    records = import_export(HERE / "ovid_eric_major.ris", database="ERIC").records
    assert records[0].subjects[0] == "*Paleontology"  # stored as exported
    hits = evaluate(parse_strategy("#1 Paleontology\n#2 Geology\n#3 Science Activities\n",
                                   "s.txt"), list(records))
    assert hits == {1: {0, 1}, 2: {1, 2}, 3: {0}}


def test_ebsco_major_headings_match_the_plain_heading():
    assert _hits("ebsco_major.ris", "ERIC", "#1 Paleontology\n#2 Museums\n") == {
        1: {0}, 2: {0}}


def test_medline_subheadings_and_their_stars():
    text = "#1 Dinosaurs\n#2 Fossils\n#3 Bone and Bones\n#4 Dinosaurs/anatomy & histology\n" \
           "#5 Brain\n#6 Birds\n"
    assert _hits("pubmed_endnote_mesh.ris", "PubMed", text) == {
        1: {0}, 2: {0}, 3: {0}, 4: {0}, 5: frozenset(), 6: {1}}


def test_ovid_medline_headings_with_coded_subheadings():
    text = "#1 Dinosaurs\n#2 Fossils\n#3 Tomography, X-Ray Computed\n#4 Bone and Bones\n"
    assert _hits("ovid_medline.ris", "MEDLINE", text) == {1: {0}, 2: {0}, 3: {0}, 4: {0}}


def test_truncated_heading_finds_major_headings():
    assert _hits("ovid_eric_major.ris", "ERIC", "#1 Paleo*\n#2 Science*\n") == {
        1: {0, 1}, 2: {0, 2}}


def test_hits_csv_counts_major_headings(tmp_path: Path, capsys):
    assert main(["import", str(HERE / "ovid_eric_major.ris"), "--database", "ERIC",
                 "-o", str(tmp_path / "eric.csv")]) == 0
    (tmp_path / "s.txt").write_text("database: ERIC\n\n#1 Paleontology\n")
    assert main(["query", "hits", str(tmp_path / "s.txt"), str(tmp_path / "eric.csv"),
                 "--review", str(tmp_path), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "#1,,Paleontology,2"


def test_real_ovid_export_major_headings():
    path = realdata("exports", "dinosaur_baseline_eric_ovid.ris")
    records = list(import_export(path, database="ERIC").records)
    marked = sum(1 for r in records if "*Paleontology" in r.subjects)
    plain = sum(1 for r in records if "Paleontology" in r.subjects)
    assert marked and plain  # the export marks some as major, not others
    hits = evaluate(parse_strategy("#1 Paleontology\n", "s.txt"), records)
    assert len(hits[1]) == marked + plain


# --- 3. bare accession numbers in a benchmark list -----------------------------------

def _eric_records() -> list[Record]:
    return list(import_export(HERE / "ovid_eric_major.ris", database="ERIC").records)


def test_resolve_record_id():
    ids = ["eric-EJ1181769", "eric-EJ1181770", "eric-ebscohost-EJ1181770",
           "web-of-science-WOS-000123", "eric-EJ5~2", "eric-EJ5"]
    assert resolve_record_id("eric-EJ1181769", ids) == "eric-EJ1181769"
    assert resolve_record_id("ERIC-ej1181769", ids) == "eric-EJ1181769"
    assert resolve_record_id("EJ1181769", ids) == "eric-EJ1181769"
    assert resolve_record_id(" ej1181769 ", ids) == "eric-EJ1181769"
    assert resolve_record_id("WOS:000123", ids) == "web-of-science-WOS-000123"
    assert resolve_record_id("eric-EJ5~2", ids) == "eric-EJ5~2"
    with pytest.raises(RecordIdError) as caught:
        resolve_record_id("EJ1181770", RecordIds(ids))
    assert caught.value.candidates == ("eric-EJ1181770", "eric-ebscohost-EJ1181770")
    assert str(caught.value) == ("'EJ1181770' names 2 records: eric-EJ1181770, "
                                 "eric-ebscohost-EJ1181770 — give the full record id")
    with pytest.raises(RecordIdError, match="'EJ5' names 2 records"):
        resolve_record_id("EJ5", ids)  # the same accession twice in one import
    with pytest.raises(RecordIdError, match="no record 'EJ404'") as caught:
        resolve_record_id("EJ404", ids)
    assert caught.value.candidates == ()


def test_benchmark_accepts_bare_accession_numbers():
    records = _eric_records()
    wanted = read_benchmark(HERE / "benchmark_bare.txt")
    assert benchmark_indices(records, wanted) == {0, 2}
    rows = line_hits(parse_strategy("#1 Paleontology\n", "s.txt"), records,
                     benchmark=benchmark_indices(records, wanted))
    assert (rows[0].benchmark_hits, rows[0].benchmark_total) == (1, 2)


def test_benchmark_doi_forms():
    records = [Record("db-1", "DB", "f.ris", 1, doi="10.1234/abc.5")]
    assert benchmark_indices(records, ["https://doi.org/10.1234/ABC.5"]) == {0}
    assert benchmark_indices(records, ["doi:10.1234/abc.5"]) == {0}


def test_benchmark_entry_naming_several_records_is_located():
    records = _eric_records()
    records.append(Record("eric-ebscohost-EJ1181770", "ERIC EBSCOhost", "e.ris", 1))
    wanted = read_benchmark(HERE / "benchmark_ambiguous.txt")
    with pytest.raises(InputError) as caught:
        benchmark_indices(records, wanted, "ids.txt")
    assert [str(p) for p in caught.value.problems] == [
        "ids.txt:2: 'EJ1181770' names 2 records: eric-EJ1181770, eric-ebscohost-EJ1181770 "
        "— give the full record id"]


def test_query_hits_benchmark_with_bare_ids(tmp_path: Path, capsys):
    shutil.copy(HERE / "benchmark_bare.txt", tmp_path / "ids.txt")
    assert main(["import", str(HERE / "ovid_eric_major.ris"), "--database", "ERIC",
                 "-o", str(tmp_path / "eric.csv")]) == 0
    (tmp_path / "s.txt").write_text("database: ERIC\n\n#1 Paleontology\n")
    assert main(["query", "hits", str(tmp_path / "s.txt"), str(tmp_path / "eric.csv"),
                 "--review", str(tmp_path), "--benchmark", str(tmp_path / "ids.txt")]) == 0
    out = capsys.readouterr().out
    assert "benchmark: 2 of 4 listed records" in out and "eric-EJ1181771" in out


def test_query_hits_unreadable_benchmark_is_a_message(tmp_path: Path, capsys):
    (tmp_path / "ids.txt").write_bytes(b"\xff\xfeE\x00J\x00")
    assert main(["import", str(HERE / "ovid_eric_major.ris"), "--database", "ERIC",
                 "-o", str(tmp_path / "eric.csv")]) == 0
    (tmp_path / "s.txt").write_text("#1 Paleontology\n")
    assert main(["query", "hits", str(tmp_path / "s.txt"), str(tmp_path / "eric.csv"),
                 "--review", str(tmp_path), "--benchmark", str(tmp_path / "ids.txt")]) == 2
    assert "cannot read the benchmark list" in capsys.readouterr().err
