"""PRISMA-S: each source's search as run — the query as typed (the strategy's lines, its
header aside) or as sent (a search's sidecar), limits, records reported and received."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from conftest import run_stages
from litreview.core import paths
from litreview.core.records import read_records
from litreview.core.review import load_review
from litreview.reporting import search_runs
from litreview.reporting.prisma_s import strategy_query

STRATEGY = """\
database: ERIC
host: EBSCOhost
searched: 2024-01-31
limits: years 2010-2024
results: 412

Leadership set
#1 Leaders
#2 #1 and school*
"""


def test_the_query_is_the_strategy_as_typed_without_its_header():
    assert strategy_query(STRATEGY) == "Leadership set\n#1 Leaders\n#2 #1 and school*"


def test_each_source_of_the_tiny_review_with_its_files_and_counts(tiny_review: Path):
    assert run_stages(tiny_review) == 0
    rows = list(csv.DictReader((tiny_review / paths.PRISMA_S).open(encoding="utf-8")))
    review = load_review(tiny_review)
    assert [r["source"] for r in rows] == [s.name for s in review.sources]
    for row, source in zip(rows, review.sources, strict=True):
        records = read_records(tiny_review / paths.records(source.slug))
        assert int(row["received"]) == len(records)
        assert all(f"{file} (" in row["files"] for file in {r.source_file for r in records})
        if source.strategy:
            assert row["query"] == strategy_query((tiny_review / source.strategy).read_text())
            assert row["query"].startswith("#1") or "\n#1" in row["query"]
    report = (tiny_review / paths.REPORT).read_text()
    assert "Searches as run (PRISMA-S)" in report


def test_a_header_count_and_a_sidecar_give_what_was_reported(tiny_review: Path):
    review = load_review(tiny_review)
    database = review.databases[0]
    strategy = tiny_review / database.strategy
    strategy.write_text(strategy.read_text().replace("\n\n", "\nresults: 7\n\n", 1))
    [first] = search_runs(review, tiny_review, {database.slug: Counter({"a.ris": 5})})[:1]
    assert (first.reported, first.received) == ("7", 5)
    folder = tiny_review / "data/exports" / database.slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "x_2024-02-01.search.json").write_text(json.dumps({
        "service": "ERIC API", "query": "title:leader*", "reported": 9, "date": "2024-02-01"}))
    [sent] = search_runs(review, tiny_review, {database.slug: Counter(
        {f"data/exports/{database.slug}/x_2024-02-01.json": 9})})[:1]
    assert (sent.query, sent.reported, sent.received) == ("title:leader*", "9", 9)
    assert "2024-02-01" in sent.searched
