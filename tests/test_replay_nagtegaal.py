"""Replay a real two-stage screening (Nagtegaal et al. 2019) through the workflow.

The review's labels become decision sheets; its flagged duplicates become a reviewer's
duplicate-pair sheet. The workflow must then reproduce the review's history.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import realdata, snakemake


@pytest.mark.workflow
def test_replay_reproduces_the_history(tmp_path: Path):
    source = realdata("screening", "Nagtegaal_2019.csv")
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2019
    assert sum(r["label_abstract_screening"] == "1" for r in rows) == 392
    duplicates = {r["record_id"]: r["duplicate_record_id"].split(".")[0]
                  for r in rows if r["duplicate_record_id"]}
    assert len(duplicates) == 11

    review = tmp_path / "nagtegaal"
    (review / "data/exports/nagtegaal").mkdir(parents=True)
    shutil.copy(source, review / "data/exports/nagtegaal/nagtegaal_2018-01-01.csv")
    (review / "screening/decisions").mkdir(parents=True)
    (review / "review.yaml").write_text(
        "review:\n  title: Nudging in public administration (replay)\n"
        "  question: Replay of a published screening history\n"
        "databases:\n  - name: Nagtegaal\n    host: merged export\n    searched: 2018-01-01\n"
        "screening:\n  criteria: screening/criteria.yaml\n")
    (review / "screening/criteria.yaml").write_text(
        "criteria:\n  - {id: E1, text: Not a nudge studied in public administration}\n"
        "stages:\n  - {id: title_abstract, kind: screening}\n"
        "  - {id: full_text, kind: eligibility}\n")
    with (review / "screening/duplicate_pairs.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_a", "record_b", "decision"])
        for dup, original in sorted(duplicates.items(), key=lambda x: int(x[0])):
            writer.writerow([f"nagtegaal-{original}", f"nagtegaal-{dup}", "same"])
    screened = [r for r in rows if r["record_id"] not in duplicates]
    header = "record_id,decision,reason,reviewer,date,note\n"
    ta = [f"nagtegaal-{r['record_id']},"
          + ("include,," if r["label_abstract_screening"] == "1" else "exclude,E1,")
          + "labels,," for r in screened]
    (review / "screening/decisions/title_abstract-labels.csv").write_text(
        header + "\n".join(ta) + "\n")
    ft = [f"nagtegaal-{r['record_id']},"
          + ("include,," if r["label_included"] == "1" else "exclude,E1,") + "labels,,"
          for r in screened if r["label_abstract_screening"] == "1"]
    (review / "screening/decisions/full_text-labels.csv").write_text(
        header + "\n".join(ft) + "\n")

    run = snakemake(review, "--cores", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    counts = json.loads((review / "results/prisma/counts.json").read_text())
    db = counts["databases"]
    assert db["identified"] == 2019
    assert db["duplicates_removed"] == 11
    assert db["records_screened"] == 2008
    assert db["reports_sought"] == 389  # 392 labels, less the 3 on flagged duplicates
    assert db["included"] == 101
    assert db["awaiting_screening"] == db["awaiting_assessment"] == 0
    # the PRISMA2020 package / Shiny app template, loadable there with these figures
    with (review / "results/prisma/prisma2020.csv").open(newline="", encoding="utf-8") as handle:
        template = list(csv.DictReader(handle))
    assert list(template[0]) == ["data", "node", "box", "description", "boxtext", "tooltips",
                                 "url", "n"]
    n = {row["data"]: row["n"] for row in template if row["data"] != "NA"}
    assert (n["database_results"], n["duplicates"], n["records_screened"],
            n["records_excluded"], n["dbr_sought_reports"], n["dbr_notretrieved_reports"],
            n["dbr_assessed"], n["new_studies"], n["total_studies"]) == \
        ("2019", "11", "2008", "1619", "389", "0", "389", "101", "101")
    reasons = [part.rsplit(",", 1) for part in n["dbr_excluded"].split("; ")]
    assert sum(int(count) for _, count in reasons) == 389 - 101
    assert all("," not in reason for reason, _ in reasons)  # the app cuts a reason at a comma
