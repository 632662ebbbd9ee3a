"""The pipeline's stages in memory (litreview.pipeline.stages): what the command line, the
rules and the audit all call."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_stages
from litreview.core.errors import InputError
from litreview.core.records import Record
from litreview.core.review import load_review
from litreview.pipeline.stages import (
    deduplicate_sources,
    import_files,
    import_source,
    run_review,
    set_aside_dates,
    update_order,
)


def _record(rid: str, source_file: str = "a.ris", searched: str = "2008-01-01") -> Record:
    return Record(record_id=rid, database="A", source_file=source_file, source_position=1,
                  title=f"Title of {rid}", year="2006", searched=searched)


def test_the_whole_review_in_memory_gives_the_counts_the_files_give(tiny_review: Path):
    assert run_stages(tiny_review) == 0
    run = run_review(tiny_review)
    counts = json.loads((tiny_review / "results/prisma/counts.json").read_text())
    assert run.counts == counts
    assert [r.record_id for r in run.dedupe.result.unique] == [
        line.split(",")[0] for line in
        (tiny_review / "results/dedupe/unique.csv").read_text().splitlines()[1:]]
    assert set(run.hits) == {s.slug for s in run.review.databases if s.strategy}


def test_a_record_id_two_sources_share_is_refused_where_each_record_is():
    a, b = _record("x-1", "alpha.ris"), replace(_record("x-1", "beta.csv"), source_line=7)
    with pytest.raises(InputError) as caught:
        deduplicate_sources([[a], [b]])
    assert str(caught.value) == "beta.csv:7: record id 'x-1' also comes from alpha.ris " \
        "(give each source a distinct name)"


def test_an_update_s_records_come_after_the_previous_version_s():
    old, new, undated = (_record("o"), _record("n", searched="2009-06-01"),
                         _record("u", searched=""))
    assert [r.record_id for r in update_order([new, old, undated], "2008-12-31")] == [
        "o", "u", "n"]
    assert update_order([new, old], "") == [new, old]  # not an update: as given


def test_unreadable_blocks_fail_an_import_unless_set_aside(tmp_path: Path):
    export = tmp_path / "e_2009-02-03.ris"
    export.write_text("TY  - JOUR\nTI  - Readable\nER  - \n\nTY  - JOUR\nER  - \n",
                      encoding="utf-8")
    with pytest.raises(InputError, match="line 5"):
        import_files([export], database="E")
    kept = import_files([export], database="E", set_aside=True, names=["e_2009-02-03.ris"])
    assert [r.title for r in kept.records] == ["Readable"]
    assert [r.problem.line for r in kept.rejects] == [5]
    assert kept.records[0].searched == "2009-02-03"  # the date in the file's name
    assert [(f.path, f.format, f.records, f.rejects) for f in kept.files] == [
        ("e_2009-02-03.ris", "ris", 1, 1)]


def test_a_file_nothing_could_be_read_from_fails_even_when_set_aside(tmp_path: Path):
    export = tmp_path / "e.ris"
    export.write_text("TY  - JOUR\nER  - \n", encoding="utf-8")
    with pytest.raises(InputError, match="no record could be read from this file"):
        import_files([export], database="E", set_aside=True)


def test_a_source_imports_as_its_rule_imports_it(tiny_review: Path):
    review = load_review(tiny_review)
    alpha = import_source(tiny_review, review.sources[0])
    assert alpha.records and all(r.source_file.startswith("data/exports/")
                                 for r in alpha.records)
    assert set_aside_dates(review, {review.sources[0].slug: list(review.sources[0].exports)}) \
        == {review.sources[0].name: [review.sources[0].searched]
            * len(review.sources[0].exports)}


def test_a_sheet_read_as_windows_1252_is_said_by_the_command_that_reads_it(
        tiny_review: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    from litreview.cli import main

    assert run_stages(tiny_review) == 0
    first = (tiny_review / "results/dedupe/groups.csv").read_text().splitlines()[1].split(",")[0]
    studies = tiny_review / "screening/studies.csv"
    studies.write_bytes(f"record_id,study_id\n{first},Étude 1\n".encode("cp1252"))
    monkeypatch.chdir(tiny_review)
    capsys.readouterr()
    for command in (["prisma", "--studies", "screening/studies.csv", "-o", "c.json"],
                    ["code", "--studies", "screening/studies.csv", "--out", "r"]):
        assert main(command) == 0
        said = capsys.readouterr().err
        assert "warning: screening/studies.csv:2: not UTF-8: read as Windows-1252" in said


def test_check_says_a_decision_sheet_was_read_as_windows_1252(
        tiny_review: Path, capsys: pytest.CaptureFixture[str]):
    from litreview.cli import main

    sheet = tiny_review / "screening/decisions/full_text-r1.csv"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_bytes(text.replace("2024-03-01,\n", "2024-03-01,café\n", 1).encode("cp1252"))
    assert main(["check", str(tiny_review)]) == 0
    said = capsys.readouterr().err
    assert f"warning: {sheet}:2: not UTF-8: read as Windows-1252" in said


def test_a_review_in_progress_shows_what_awaits_a_decision(tiny_review: Path):
    """Mid-screening, the flow's boxes add up: the records awaiting screening and the
    reports awaiting assessment have boxes of their own; none once all is decided."""
    from litreview.reporting import check_counts, flow_svg

    done = flow_svg(run_review(tiny_review).counts)
    assert "awaiting" not in done
    for name in ("title_abstract-r1.csv", "title_abstract-r2.csv", "title_abstract.csv"):
        sheet = tiny_review / "screening/decisions" / name
        sheet.write_text("".join(line for line in sheet.read_text().splitlines(keepends=True)
                                 if not line.startswith("beta-B2,")))
    sheet = tiny_review / "screening/decisions/full_text-r1.csv"
    sheet.write_text("".join(line for line in sheet.read_text().splitlines(keepends=True)
                             if not line.startswith(("alpha-A1,", "beta-B2,"))))
    counts = run_review(tiny_review).counts
    databases = counts["databases"]
    assert (databases["awaiting_screening"], databases["awaiting_assessment"]) == (1, 1)
    assert check_counts(counts) == []  # screened = excluded + awaiting + sought, and so on
    drawn = flow_svg(counts).replace("\u00a0", " ")  # the diagram's counts keep together
    assert "Records awaiting screening (n = 1)" in drawn
    assert "Reports awaiting assessment (n = 1)" in drawn
