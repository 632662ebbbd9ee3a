from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest
from litreview.core.errors import InputError
from litreview.core.review import load_review
from litreview.reporting import (
    assert_counts,
    check_counts,
    flow_svg,
    layout,
    prisma_counts,
    read_study_links,
    summary_text,
)
from litreview.screening import Outcome, load_criteria


@pytest.fixture
def counts(tiny_review: Path) -> dict:
    review = load_review(tiny_review)
    criteria = load_criteria(tiny_review / review.criteria)
    source_of = {"alpha-A1": "Alpha", "alpha-A2": "Alpha", "alpha-A3": "Alpha",
                 "beta-B1": "Beta", "beta-B2": "Beta",
                 "websites-WEB-1": "Websites", "websites-WEB-2": "Websites"}
    groups = {"alpha-A1": "alpha-A1", "alpha-A2": "alpha-A2", "alpha-A3": "alpha-A3",
              "beta-B1": "alpha-A1", "beta-B2": "beta-B2", "websites-WEB-1": "beta-B2",
              "websites-WEB-2": "websites-WEB-2"}
    outcomes = [
        Outcome("alpha-A1", "title_abstract", "included"),
        Outcome("alpha-A2", "title_abstract", "included"),
        Outcome("alpha-A3", "title_abstract", "automation", "C5"),
        Outcome("beta-B2", "title_abstract", "included"),
        Outcome("websites-WEB-2", "title_abstract", "excluded", "C1"),
        Outcome("alpha-A1", "full_text", "included"),
        Outcome("alpha-A2", "full_text", "excluded", "C2"),
        Outcome("beta-B2", "full_text", "not_retrieved", "not_retrieved"),
    ]
    return prisma_counts(review, source_of, groups, outcomes, criteria)


def test_boxes_per_column(counts: dict):
    db, other = counts["databases"], counts["other_methods"]
    assert counts["identification"]["databases"] == {"Alpha": 3, "Beta": 2}
    assert counts["identification"]["other_sources"] == {"Websites": 2}
    assert (db["identified"], db["duplicates_removed"], db["excluded_automation"],
            db["records_screened"], db["records_excluded"], db["reports_sought"],
            db["reports_not_retrieved"], db["reports_assessed"], db["reports_excluded"],
            db["included"]) == (5, 1, 1, 3, 0, 3, 1, 2, {"C2": 1}, 1)
    # the website's copy of beta-B2 is a duplicate; WEB-2 is its own work, excluded
    assert (other["identified"], other["duplicates_removed"], other["records_screened"],
            other["records_excluded"], other["included"]) == (2, 1, 1, 1, 0)
    assert counts["included"] == {"studies": 1, "reports": 1}
    assert counts["per_source"]["Beta"] == {"kind": "database", "searched": "2024-01-12",
                                            "records": 2, "set_aside": 0, "works": 2,
                                            "only_here": 0,
                                            "included": 1}
    assert check_counts(counts) == []


@pytest.mark.parametrize(("path", "delta", "named"), [
    ("databases.duplicates_removed", 1, "databases: identified is 5 but duplicates_removed"),
    ("databases.excluded_other_reasons", 1, "databases: identified is 5 but duplicates_removed"),
    ("databases.records_excluded", 2, "databases: records_screened is 3 but records_excluded"),
    ("databases.reports_not_retrieved", 1,
     "databases: reports_sought is 3 but reports_not_retrieved + reports_assessed is 4"),
    ("databases.included", 1, "databases: reports_assessed is 2 but reports_excluded"),
    ("other_methods.duplicates_removed", 1, "other_methods: identified is 2 but"),
    ("other_methods.records_excluded", 1, "other_methods: records_screened is 1 but"),
    ("other_methods.reports_not_retrieved", 1, "other_methods: reports_sought is 0 but"),
    ("other_methods.included", 1, "other_methods: reports_assessed is 0 but"),
    ("identification.databases.Alpha", 1, "databases: identified is 5 but the records of each "
     "database is 6"),
    ("identification.other_sources.Websites", -1, "other_methods: identified is 2 but the "
     "records of each other source is 1"),
    ("identification.other_methods_by_kind.websites", 1, "other_methods: identified is 2 but "
     "the records of each kind of other method is 3"),
    ("unique_records", 1, "unique_records is 6 but identified - duplicates_removed -"),
    ("included.reports", 1, "included.reports is 2 but included in both columns is 1"),
    ("included.studies", 1, "included.studies is 2 but at most the reports included is 1"),
    ("total.studies", -1, "total.studies is 0 but included.studies + previous.studies is 1"),
    ("previous.reports", 2, "total.reports is 1 but included.reports + previous.reports is 3"),
])
def test_each_arithmetic_check_fails_when_a_box_is_off(counts: dict, path: str, delta: int,
                                                       named: str):
    broken = copy.deepcopy(counts)
    *parents, box = path.split(".")
    where = broken
    for key in parents:
        where = where[key]
    where[box] += delta
    problems = check_counts(broken)
    assert any(p.startswith(named) for p in problems), problems
    with pytest.raises(InputError, match="do not add up"):
        assert_counts(broken, "counts.json")


def test_summary_and_diagram(counts: dict):
    text = summary_text(counts)
    assert "Records identified from databases: 5" in text
    assert "    Alpha: 3" in text
    assert "Duplicate records removed: 2" in text
    assert "C2 not met: Evidence on effective features of leadership: 1" in text
    assert text.rstrip().endswith("Studies included in review: 1\n"
                                  "  Reports of included studies: 1")
    svg = flow_svg(counts).replace("\u00a0", " ")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "Records identified from databases (n = 5)" in svg
    assert "Identification of studies via other methods" in svg
    assert "Studies included in review (n = 1)" in svg


def test_prisma2020_template(counts: dict):
    import csv
    import io

    from litreview.reporting import prisma2020_csv

    rows = {r["data"]: r for r in csv.DictReader(io.StringIO(prisma2020_csv(counts)))
            if r["data"] != "NA"}
    assert next(csv.reader(io.StringIO(prisma2020_csv(counts)))) == [
        "data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
    assert rows["database_results"]["n"] == "5"
    assert rows["database_specific_results"]["n"] == "Alpha, 3; Beta, 2"
    assert rows["website_results"]["n"] == "2"
    assert rows["duplicates"]["n"] == "1"
    assert rows["excluded_automatic"]["n"] == "1"
    assert rows["records_screened"]["n"] == "3"
    assert rows["dbr_sought_reports"]["n"] == "3"
    assert rows["dbr_notretrieved_reports"]["n"] == "1"
    assert rows["dbr_excluded"]["n"] == \
        "C2 not met: Evidence on effective features of leadership, 1"
    assert rows["other_excluded"]["n"] == "0"
    assert rows["new_studies"]["n"] == rows["total_studies"]["n"] == "1"
    assert rows["dbr_excluded"]["node"] == "node14" and rows["new_studies"]["box"] == "box10"


def test_png_diagram_is_drawn_and_byte_stable(counts: dict):
    import io

    from litreview.reporting import flow_png
    from PIL import Image

    data = flow_png(counts)
    assert data == flow_png(counts)
    image = Image.open(io.BytesIO(data)).convert("L")
    assert image.size[0] > 1000
    dark = sum(image.histogram()[:128])
    assert dark > 5000  # boxes, arrows and text were drawn


def test_updated_review_counts_previous_studies(tiny_review: Path):
    review = load_review(tiny_review)
    criteria = load_criteria(tiny_review / review.criteria)
    source_of = {"alpha-A1": "Alpha", "alpha-A2": "Alpha", "alpha-N1": "Alpha",
                 "alpha-N2": "Alpha"}
    groups = {"alpha-A1": "alpha-A1", "alpha-A2": "alpha-A2", "alpha-N1": "alpha-A1",
              "alpha-N2": "alpha-N2"}  # N1 is a new copy of A1; N2 a new work
    outcomes = [Outcome(r, "title_abstract", "included") for r in ("alpha-A1", "alpha-A2",
                                                                    "alpha-N2")]
    outcomes += [Outcome("alpha-A1", "full_text", "included"),
                 Outcome("alpha-A2", "full_text", "excluded", "C2"),
                 Outcome("alpha-N2", "full_text", "included")]
    counts = prisma_counts(review, source_of, groups, outcomes, criteria,
                           new_records={"alpha-N1", "alpha-N2"})
    assert counts["review_type"] == "update"
    assert counts["previous"]["studies"] == 1
    db = counts["databases"]
    assert (db["identified"], db["duplicates_removed"], db["records_screened"],
            db["included"]) == (2, 1, 1, 1)
    assert counts["total"] == {"studies": 2, "reports": 2}
    assert check_counts(counts) == []
    text = summary_text(counts)
    assert "  Studies included in the previous version (searched until" in text
    assert text.rstrip().endswith("New studies included in review: 1\n"
                                  "  Total studies included in review: 2\n"
                                  "  Reports of included studies: 2")
    svg = flow_svg(counts).replace("\u00a0", " ")
    assert ">Previous studies<" in svg and ">Studies included in previous<" in svg
    assert ">version of review (n = 1)<" in svg
    layout_ = layout(counts)
    previous, included = layout_.boxes[0], layout_.boxes[-1]
    assert previous.x + previous.w < included.x  # a column of its own, left of the new flow
    assert layout_.arrows[-1].points[-1][0] < included.x  # its arrow ends at the total
    identification = layout_.bands[0]
    assert identification.y == previous.y and identification.h > 0
    assert "Total studies included in review (n = 2)" in svg


def test_every_arrow_leaves_a_box_and_enters_one(counts: dict):
    many = copy.deepcopy(counts)  # a tall box of reasons beside a one-line step
    many["databases"]["reports_excluded"] = {"C1": 1, "C2": 1, "C3": 1, "C4": 1, "C5": 1}
    diagram = layout(many)

    def on_edge(point: tuple[float, float]) -> bool:
        x, y = point
        on_side = [(abs(x - b.x) < 7 or abs(x - b.x - b.w) < 7) and b.y <= y <= b.y + b.h
                   for b in diagram.boxes]
        on_top = [(abs(y - b.y) < 1 or abs(y - b.y - b.h) < 1) and b.x <= x <= b.x + b.w
                  for b in diagram.boxes]
        return any(on_side) or any(on_top)

    for arrow in diagram.arrows:
        assert on_edge(arrow.points[0]) and on_edge(arrow.points[-1]), arrow


def test_reports_of_one_study_count_once(tiny_review: Path, tmp_path: Path):
    review = load_review(tiny_review)
    criteria = load_criteria(tiny_review / review.criteria)
    source_of = {"alpha-A1": "Alpha", "alpha-A2": "Alpha", "beta-B2": "Beta"}
    groups = {r: r for r in source_of}
    outcomes = [Outcome(r, stage, "included") for r in source_of
                for stage in ("title_abstract", "full_text")]
    sheet = tmp_path / "studies.csv"
    sheet.write_text("record_id,study_id\nalpha-A2,trial-1\nalpha-A1,trial-1\n")
    study_of = read_study_links(sheet, groups)
    counts = prisma_counts(review, source_of, groups, outcomes, criteria, study_of=study_of)
    assert counts["included"] == {"studies": 2, "reports": 3}
    assert check_counts(counts) == []
    # an update: a new report of a study the previous version included adds no study
    update = replace(review, update_of="2024-01-11")
    counts = prisma_counts(update, source_of, groups, outcomes, criteria,
                           new_records={"alpha-A2", "beta-B2"}, study_of=study_of)
    assert counts["previous"] == {"studies": 1, "reports": 1, "searched_until": "2024-01-11"}
    assert counts["included"] == {"studies": 1, "reports": 2}
    assert counts["total"] == {"studies": 2, "reports": 3}
    assert check_counts(counts) == []


@pytest.mark.parametrize(("text", "message"), [
    ("record_id,study_id\nnope-1,s1\n", "studies.csv:2: unknown record id 'nope-1'"),
    ("record_id,study_id\nalpha-A1,\n", "studies.csv:2: 'alpha-A1' has no study_id"),
    ("record_id,study_id\nalpha-A1,s1\nbeta-B1,s2\n",
     "studies.csv:3: 'beta-B1' is listed twice (first on line 2)"),
    ("record_id,study\nalpha-A1,s1\n", "studies.csv:1: missing column(s) study_id"),
])
def test_study_links_are_checked(tmp_path: Path, text: str, message: str):
    sheet = tmp_path / "studies.csv"
    sheet.write_text(text)
    with pytest.raises(InputError) as caught:
        read_study_links(sheet, {"alpha-A1": "alpha-A1", "beta-B1": "alpha-A1"})
    assert message in str(caught.value)


def test_the_studies_sheet_may_be_xlsx_or_windows_1252(tmp_path: Path):
    from litreview.reporting import read_studies_sheet
    from litreview.screening import xlsx_bytes

    aliases = {"alpha-A1": "alpha-A1", "beta-B1": "alpha-A1", "alpha-A2": "alpha-A2"}
    book = tmp_path / "studies.xlsx"
    book.write_bytes(xlsx_bytes(("record_id", "study_id"),
                                [["beta-B1", "trial-1"], ["alpha-A2", "trial-1"]]))
    assert read_study_links(book, aliases) == {"alpha-A1": "trial-1", "alpha-A2": "trial-1"}
    book.write_bytes(xlsx_bytes(("record_id", "study_id"),
                                [["beta-B1", "trial-1"], ["alpha-A1", "trial-1"]]))
    with pytest.raises(InputError) as caught:
        read_study_links(book, aliases)
    assert str(caught.value) == f"{book}:3: 'alpha-A1' is listed twice (first on line 2)"
    legacy = tmp_path / "studies.csv"
    legacy.write_bytes("record_id,study_id\nalpha-A2,étude-1\n".encode("cp1252"))
    links = read_studies_sheet(legacy, aliases)
    assert links.study_of == {"alpha-A2": "étude-1"}
    (warning,) = links.warnings
    assert (warning.file, warning.line) == (str(legacy), 2)
    assert "not UTF-8: read as Windows-1252" in warning.message
