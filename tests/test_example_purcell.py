"""Purcell 2009 (seed 003) as an example: its eight databases' strategies are the 37 pairs
the seed prints, in order; its review.yaml carries the Narrowing the Gap call for evidence
(seed 004) as printed; and the review directory runs to the end, every record decided."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from litreview.core.review import load_review
from litreview.search import read_strategy

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "purcell-2009"
PUBLISHED = yaml.safe_load((EXAMPLE / "published.yaml").read_text(encoding="utf-8"))
STRATEGIES = sorted((EXAMPLE / "search_strategies").glob("*.txt"))

#: The records in each export (illustrative: the seed prints no count).
DATABASE_RECORDS = {
    "Social Science Citation Index": 5, "International Bibliography of the Social Sciences": 4,
    "ASSIA": 5, "ERIC": 4, "Sociological Abstracts": 3, "Social Services Abstracts": 4,
    "Worldwide Political Science Abstracts": 3, "IDOX Information Service": 5,
}
OTHER_RECORDS = {"Guided material": 4, "Web searches": 4, "Stakeholder suggestions": 3,
                 "NtG call for evidence": 3}


def test_eight_strategy_files():
    assert [p.stem for p in STRATEGIES] == [
        "assia", "eric", "ibss", "idox", "social-services-abstracts", "sociological-abstracts",
        "ssci", "worldwide-political-science-abstracts"]


@pytest.mark.parametrize("path", STRATEGIES, ids=lambda p: p.stem)
def test_each_strategy_is_the_37_printed_pairs_in_order(path: Path):
    strategy = read_strategy(path)
    assert strategy.notation == "pairs"
    printed = [(group["heading"], pair) for group in PUBLISHED["pair_groups"]
               for pair in group["pairs"]]
    pairs = [(line.label, line.text) for line in strategy.lines
             if "synthetic" not in line.flags]
    assert len(pairs) == PUBLISHED["pair_counts"]["pairs"] == 37
    assert pairs == printed
    assert strategy.limits.years == (1997, 2009)


def test_the_review_has_the_seeds_sources():
    review = load_review(EXAMPLE)
    assert {db.name: db.searched for db in review.databases} == {
        name: date for name, date in zip(DATABASE_RECORDS, [
            "2009-01-13", "2009-01-14", *["2009-01-15"] * 5, "2009-01-16"], strict=True)}
    assert all(db.limits.years == (1997, 2009) for db in review.databases)
    strategies = {db.name: read_strategy(EXAMPLE / db.strategy) for db in review.databases}
    assert all(s.meta["database"] == name and s.meta["searched"] == db.searched
               for (name, s), db in zip(strategies.items(), review.databases, strict=True))
    assert {s.name: s.kind for s in review.other_sources} == {
        "Guided material": "other", "Web searches": "websites",
        "Stakeholder suggestions": "organisations", "NtG call for evidence": "call_for_evidence"}


def test_the_call_for_evidence_is_as_published():
    call = load_review(EXAMPLE).source("ntg-call-for-evidence")
    printed = PUBLISHED["call_for_evidence"]
    assert list(call.outlets) == printed["outlets"]
    # the seed prints months: the call opens on the first day of the first, closes on the last
    assert (call.opens[:7], call.closes[:7]) == (printed["runs"]["from"], printed["runs"]["to"])
    assert (call.opens, call.closes, call.searched) == ("2008-01-01", "2008-04-30",
                                                        "2008-04-30")


@pytest.mark.workflow
def test_the_example_runs_with_every_record_decided(tmp_path: Path):
    """The review directory runs with Snakemake: the exports and other sources identified,
    duplicates and out-of-limit years removed, every record decided at both stages."""
    import json
    import shutil

    from conftest import snakemake
    from litreview.core import paths

    review = tmp_path / "purcell-2009"
    shutil.copytree(EXAMPLE, review, ignore=shutil.ignore_patterns("results", ".snakemake"))
    run = snakemake(review, "--cores", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    counts = json.loads((review / paths.COUNTS).read_text())
    assert counts["identification"]["databases"] == DATABASE_RECORDS
    assert counts["identification"]["other_sources"] == OTHER_RECORDS
    assert counts["identification"]["other_methods_by_kind"]["call_for_evidence"] == 3
    assert counts["unique_records"] == 35
    assert [s["awaiting"] for s in counts["stages"]] == [0, 0]
    for side in ("databases", "other_methods"):
        assert counts[side]["awaiting_screening"] == counts[side]["awaiting_assessment"] == 0
    [screening, full_text] = counts["stages"]
    assert screening["automation"] == screening["reasons"]["C4"] == 2
    assert (screening["entered"], screening["included"], full_text["included"]) == (35, 27, 25)
    assert counts["included"]["studies"] == 25
