"""Screening and report: bare accession numbers in sheets and ``trail``, records
carried over by a search update, the report's navigation and reference list, and a
review in mid-screening. The workflow's jobs run in process (``run_stages``), on the tiny
review."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from conftest import ALPHA_UPDATE, run_stages
from litreview.audit.trail import trail
from litreview.audit.verify import recompute
from litreview.cli import main
from litreview.core.contracts import TO_SCREEN_COLUMNS
from litreview.core.errors import InputError
from litreview.core.records import Record, read_records
from litreview.core.review import load_review
from litreview.reporting import check_counts, flow_svg, reference, render_report, summary_text
from litreview.screening import (
    Criteria,
    Criterion,
    Stage,
    read_sheets,
    screen,
    to_screen_rows,
)

CRITERIA = Criteria((Criterion("C1", "Empirical research"),),
                    (Stage("title_abstract", "Title and abstract", "screening", False),))
HEADER = "record_id,decision,reason,reviewer,date,note\n"


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- 1. a bare accession number names its record ----------------------------------------

def eric(*ids: str) -> list[Record]:
    return [Record(rid, "ERIC", "eric.ris", n, title=f"Title {n}", year="2006")
            for n, rid in enumerate(ids, start=1)]


def test_a_bare_accession_number_in_a_sheet_is_read_as_its_record(tmp_path: Path):
    sheet = tmp_path / "title_abstract-ann.csv"
    sheet.write_text(HEADER + "EJ1181769,include,,,,\ned503100,exclude,C1,,,\n")
    before = sheet.read_bytes()
    result = screen(eric("eric-EJ1181769", "eric-ED503100", "eric-EJ830001"), CRITERIA,
                    read_sheets(tmp_path, ["title_abstract"]))
    status = {rid: o.status for rid, o in result.stages[0].outcomes.items()}
    assert status == {"eric-EJ1181769": "included", "eric-ED503100": "excluded",
                      "eric-EJ830001": "awaiting"}
    assert sheet.read_bytes() == before  # a person's sheet is never rewritten


def test_an_accession_number_naming_several_records_is_a_located_error(tmp_path: Path):
    (tmp_path / "title_abstract-ann.csv").write_text(HEADER + "eric-EJ830001,include,,,,\n"
                                                     "EJ1181769,include,,,,\n")
    with pytest.raises(InputError) as error:  # the same accession twice in one export
        screen(eric("eric-EJ1181769", "eric-EJ1181769~2", "eric-EJ830001"), CRITERIA,
               read_sheets(tmp_path, ["title_abstract"]))
    messages = [str(p) for p in error.value.problems]
    assert messages == [f"{tmp_path / 'title_abstract-ann.csv'}:3: record id 'EJ1181769' "
                        "names 2 records: eric-EJ1181769, eric-EJ1181769~2 — give the full "
                        "record id"]


def test_a_record_decided_as_its_id_and_its_accession_number_is_decided_twice(tmp_path: Path):
    (tmp_path / "title_abstract-ann.csv").write_text(HEADER + "eric-EJ1181769,include,,,,\n"
                                                     "EJ1181769,exclude,C1,,,\n")
    with pytest.raises(InputError, match=r"title_abstract-ann.csv:3: record 'eric-EJ1181769' "
                       r"decided twice at title_abstract by reviewer 'ann': a conflicting "
                       r"decision at .*title_abstract-ann.csv:2"):
        screen(eric("eric-EJ1181769"), CRITERIA, read_sheets(tmp_path, ["title_abstract"]))


def test_trail_and_the_workflow_take_a_bare_accession_number(
        tiny_review: Path, capsys: pytest.CaptureFixture):
    sheet = tiny_review / "screening/decisions/title_abstract-r1.csv"
    sheet.write_text(sheet.read_text().replace("\nalpha-A1,include", "\nA1,include"))
    assert run_stages(tiny_review) == 0
    lines = trail("A1", tiny_review)
    assert lines[0].startswith("alpha-A1: Leadership in integrated children's services")
    assert any("r1: include on 2024-02-01 (" in line and "title_abstract-r1.csv:2)"
               in line for line in lines), lines
    web = trail("web-1", tiny_review)  # in any case; a copy of beta-B2's work
    assert web[0].startswith("beta-B2: ") and any("- websites-WEB-1: Websites" in line
                                                  for line in web), web
    joined = {line.split(":")[0].strip("- "): line.partition("; joined to ")[2]
              for line in web if line.startswith("  - ")}
    assert joined["beta-B2"] == ""  # the pair and the rule that brought the copy in:
    assert joined["websites-WEB-1"].startswith("beta-B2 by the rule "), joined
    groups = tiny_review / "results/dedupe/groups.csv"
    groups.write_text(groups.read_text() + "beta-A1,beta-A1\n")
    capsys.readouterr()
    assert main(["trail", "A1", str(tiny_review)]) == 2
    err = capsys.readouterr().err
    assert "groups.csv: 'A1' names 2 records: alpha-A1, beta-A1 — give the full record id" \
        in err and "Traceback" not in err


# --- 2. a search update: the previous version's undecided records -------------------------

def test_a_search_update_carries_over_the_undecided_and_counts_them_apart(
        tiny_review: Path):
    decisions = tiny_review / "screening/decisions"
    for name in ("title_abstract-r1.csv", "title_abstract-r2.csv"):  # left undecided before
        sheet = decisions / name
        sheet.write_text("".join(line for line in sheet.read_text().splitlines(True)
                                 if not line.startswith("websites-WEB-2,")))
    (tiny_review / "data/exports/alpha/alpha_2024-06-01.ris").write_text(ALPHA_UPDATE)
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace("  title: Tiny review\n",
                                                 "  title: Tiny review\n"
                                                 "  update_of: 2024-01-20\n"))
    assert run_stages(tiny_review) == 0

    waiting = csv_rows(tiny_review / "results/screening/title_abstract/to_screen.csv")
    assert [(r["record_id"], r["status"]) for r in waiting] == [
        ("websites-WEB-2", "awaiting (carried over)"), ("alpha-N1", "awaiting")]
    counts = json.loads((tiny_review / "results/prisma/counts.json").read_text())
    assert check_counts(counts) == []
    assert counts["stages"][0]["carried_over"] == 1
    assert counts["databases"]["awaiting_screening"] == 1  # the flow counts the new work
    summary = summary_text(counts)
    assert "  New works awaiting a decision: 1 (Title and abstract: 1)\n" in summary
    assert ("  Records of the previous version still undecided, carried over (not counted in "
            "this flow): 1 (Title and abstract: 1)\n") in summary
    html = (tiny_review / "results/report.html").read_text()
    assert "2 record(s) await a decision: 1 new work(s) of the update, counted in its flow, " \
        "and 1 record(s) of the previous version left undecided, carried over" in html
    # the sources table gives every search date, the update's too
    assert "<td>Alpha</td><td>EBSCOhost</td><td>2024-01-10; 2024-06-01</td>" in html


def test_to_screen_marks_only_the_previous_versions_records():
    result = screen(eric("eric-EJ1", "eric-EJ2"), CRITERIA, [])
    rows = to_screen_rows(result.stages[0], {r.record_id: r for r in eric("eric-EJ1",
                                                                           "eric-EJ2")},
                          previous={"eric-EJ1"})
    status = TO_SCREEN_COLUMNS.index("status")
    assert [row[status] for row in rows] == ["awaiting (carried over)", "awaiting"]


# --- 3. the report: navigation and the included studies as references ---------------------

def test_the_report_has_contents_anchors_and_a_reference_list(
        tiny_review: Path):
    assert run_stages(tiny_review) == 0
    html = (tiny_review / "results/report.html").read_text()
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # every anchor once
    links = re.findall(r'href="#([^"]+)"', html)
    assert set(links) <= set(ids) and {"sources", "flow", "screening", "included-studies",
                                       "search-history"} <= set(links)
    assert html.index('<nav class="contents" id="contents"') < html.index('<h2 id="sources"')
    assert re.search(r'<h2 id="screening">Screening stages <a class="top" href="#contents">',
                     html)
    assert '<h3 id="screening-exclusion-reasons">Exclusion reasons</h3>' in html
    included = read_records(tiny_review / "results/screening/included.csv")
    assert [r.record_id for r in included] == ["alpha-A1"]
    assert ('<li id="ref-alpha-A1">Smith, J., &amp; Jones, K. (2006). Leadership in '
            "integrated children&#x27;s services. <em>Journal of Integrated Care</em>, "
            "<em>14</em>(2), 10–20. <a href=\"https://doi.org/10.1000/jic.2006.001\">"
            "https://doi.org/10.1000/jic.2006.001</a>") in html


def test_references_are_escaped_ordered_and_take_only_what_a_record_has(tiny_review: Path):
    review = load_review(tiny_review)
    counts = recompute(tiny_review)[0]
    many = tuple(f"Author{i:02d}, A." for i in range(1, 23))
    included = [
        Record("db-3", "DB", "f", 3, title="<script>alert(1)</script> & more", year="2010",
               authors=("O'Neil, P.",), journal="J <b>", url="javascript:alert(1)"),
        Record("db-1", "DB", "f", 1, title="Untitled report?", year=""),
        Record("db-2", "DB", "f", 2, title="A big trial", year="2012", authors=many,
               journal="Trials", volume="3", pages="1--9", doi="10.1/x\"y"),
    ]
    html = render_report(review, counts, flow_svg(counts), {}, "", {}, (), included)
    assert html == render_report(review, counts, flow_svg(counts), {}, "", {}, (),
                                 list(reversed(included)))  # deterministic
    refs = re.findall(r'<li id="ref-([^"]+)">', html)
    assert refs == ["db-2", "db-3", "db-1"]  # Author01, O'Neil, then the untitled by title
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "href" not in reference(included[0])  # a link only to http(s)
    assert 'href="https://doi.org/10.1/x&quot;y"' in html
    big = reference(included[2])
    assert big.startswith("Author01, A., Author02, A.,") and ", … Author22, A. (2012)." in big
    assert "Author20" not in big and "<em>Trials</em>, <em>3</em>, 1–9." in big
    assert reference(included[1]) == "Untitled report? (n.d.)."


# --- 4. a review in mid-screening -----------------------------------------------------------

@pytest.mark.parametrize("left", ["nothing decided", "full text undecided"])
def test_mid_screening_counts_add_up_and_say_where_records_wait(
        tiny_review: Path, left: str):
    decisions = tiny_review / "screening/decisions"
    if left == "nothing decided":
        for sheet in decisions.iterdir():
            sheet.unlink()
    else:
        (decisions / "full_text-r1.csv").write_text(HEADER + "alpha-A1,include,,r1,,\n")
    assert run_stages(tiny_review) == 0
    counts = json.loads((tiny_review / "results/prisma/counts.json").read_text())
    assert check_counts(counts) == []
    summary = summary_text(counts)
    expected = "Title and abstract: 4" if left == "nothing decided" else "Full text: 2"
    assert f"  Awaiting a decision: {4 if left == 'nothing decided' else 2} ({expected})\n" \
        in summary
    assert "carried over" not in summary
    html = (tiny_review / "results/report.html").read_text()
    assert "await a decision; the flow counts them as screened" in html
    if left == "nothing decided":
        assert "No study is included yet." in html
