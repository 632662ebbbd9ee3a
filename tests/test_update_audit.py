"""A search update of the example review, and the audit of a review from its files."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import assert_same_as_a_clean_run, copy_example, snakemake, workflow_command
from litreview.cli import main

#: The tests that share the example review's runs go to one xdist worker.
EXAMPLE = pytest.mark.xdist_group("example")
#: The two slowest runs of the example on a worker of their own (it runs the example once
#: more for them), beside the ``example`` group.
EXAMPLE_RERUNS = pytest.mark.xdist_group("example-reruns")

#: A 2009 ERIC export: a re-export of a 2008 ERIC record, a new copy of a BEI work, and
#: two works never seen before.
UPDATE = "\n".join([
    "TY  - JOUR",
    "AU  - Aubrey, Carol",
    "T1  - Leading Multi-Agency Teams in Sure Start Children's Centres: An "
    "Exploratory Study",
    "JO  - Early Years",
    "Y1  - 2007///",
    "VL  - 27",
    "IS  - 3",
    "SP  - 259",
    "EP  - 273",
    "KW  - Leadership",
    "KW  - Agency Cooperation",
    "DO  - 10.1080/09575140701594368",
    "DB  - ERIC",
    "AN  - EJ754205",
    "ER  -",
    "",
    "TY  - RPRT",
    "AU  - Department for Children, Schools and Families",
    "T1  - Leading and managing children's services in England: a national "
    "professional development framework",
    "Y1  - 2008///",
    "KW  - Leadership",
    "KW  - Agency Cooperation",
    "DB  - ERIC",
    "AN  - ED503100",
    "ER  -",
    "",
    "TY  - JOUR",
    "AU  - Newman, Ruth",
    "T1  - Leadership of integrated children's services in two English auth"
    "orities: a follow-up study",
    "JO  - Journal of Integrated Care",
    "Y1  - 2009///",
    "N2  - Follows leaders of children's trusts and children's services in "
    "two authorities.",
    "KW  - Leadership",
    "KW  - Integrated Services",
    "DB  - ERIC",
    "AN  - EJ830001",
    "ER  -",
    "",
    "TY  - JOUR",
    "AU  - Oakes, Peter",
    "T1  - Leadership for narrowing the gap in a county children's trust",
    "JO  - Local Government Studies",
    "Y1  - 2009///",
    "N2  - An evaluation of leadership practice in one county children's trust.",
    "KW  - Leadership",
    "KW  - Agency Cooperation",
    "DB  - ERIC",
    "AN  - EJ830002",
    "ER  -",
    "",
])


def copy_run(review: Path, target: Path) -> Path:
    """A copy of a review that has run, results, Snakemake's records and all, free to change."""
    shutil.copytree(review, target, symlinks=True)
    return target


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.workflow
@EXAMPLE
def test_search_update(example_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    review = copy_run(example_run, tmp_path / "review")
    before_ids = [r["record_id"] for r in rows(review / "results/dedupe/unique.csv")]
    before_included = [r["record_id"] for r in rows(review / "results/screening/included.csv")]

    (review / "data/exports/eric/eric_2009-03-02.ris").write_text(UPDATE)
    capsys.readouterr()
    assert main(["check", str(review)]) == 0
    assert "warning: ERIC: data/exports/eric/eric_2009-03-02.ris is dated after its search " \
        "of 2008-09-12; for a search update, set update_of: 2008-10-07" \
        in capsys.readouterr().err
    config = review / "review.yaml"
    config.write_text(config.read_text().replace(
        "  year: 2008\n", "  year: 2008\n  update_of: 2008-10-07\n"))
    main(["check", str(review)])
    assert "warning: Websites: data/other/websites.csv has no search date in its name, so it " \
        "counts as searched on 2008-09-30 (the previous version)" in capsys.readouterr().err
    run = snakemake(review, "--cores", "2")
    assert run.returncode == 0, run.stderr[-3000:]

    after_ids = [r["record_id"] for r in rows(review / "results/dedupe/unique.csv")]
    assert after_ids[: len(before_ids)] == before_ids  # no existing id changed
    assert len(after_ids) == len(before_ids) + 2
    counts = json.loads((review / "results/prisma/counts.json").read_text())
    assert counts["review_type"] == "update"
    assert counts["previous"]["studies"] == 25
    db = counts["databases"]
    assert counts["identification"]["databases"]["ERIC"] == 4
    assert counts["per_source"]["ERIC"]["searched"] == "2008-09-12; 2009-03-02"
    assert (db["identified"], db["duplicates_removed"], db["records_screened"]) == (4, 2, 2)
    assert db["awaiting_screening"] == 2
    waiting = rows(review / "results/screening/title_abstract/to_screen.csv")
    assert sorted(r["record_id"] for r in waiting) == ["eric-EJ830001", "eric-EJ830002"]
    assert [r["record_id"] for r in rows(review / "results/screening/included.csv")] == \
        before_included  # decisions carried over
    # each database's update starts where its own previous search ended
    assert "2008/09/12:3000[edat]" in (review / "results/search/eric.pubmed.txt").read_text()
    assert "2008/09/09:3000[edat]" in (review / "results/search/bei.pubmed.txt").read_text()

    sheet = review / "screening/decisions/title_abstract-AE.csv"
    sheet.write_text(sheet.read_text() + "eric-EJ830001,exclude,C5,AE,2009-03-10,\n"
                     "eric-EJ830002,include,,AE,2009-03-10,\n")
    (review / "screening/decisions/full_text-AE.csv").write_text(
        (review / "screening/decisions/full_text-AE.csv").read_text()
        + "eric-EJ830002,include,,AE,2009-03-20,\n")
    run = snakemake(review, "--cores", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    counts = json.loads((review / "results/prisma/counts.json").read_text())
    assert counts["databases"]["included"] == 1
    assert counts["total"] == {"studies": 26, "reports": 26}
    assert "Total studies included in review" in (review / "results/prisma/flow.svg").read_text()


@pytest.fixture
def audited(example_built: Path, tmp_path: Path) -> Path:
    """The example review with its results and audit manifest, free to change."""
    return copy_run(example_built, tmp_path / "review")


@dataclass(frozen=True)
class Said:
    """What a command returned and printed."""

    returncode: int
    stdout: str
    stderr: str


def litreview(*args: str, capsys: pytest.CaptureFixture[str]) -> Said:
    """A ``litreview`` command, in process."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return Said(code, out, err)


@EXAMPLE
def test_verify_and_a_tampered_decision(audited: Path, capsys: pytest.CaptureFixture[str]):
    manifest = json.loads((audited / "results/audit/manifest.json").read_text())
    assert "screening/decisions/full_text-AE.csv" in manifest["inputs"]
    assert manifest["counts"]["included"]["studies"] == 25
    assert {"python", "snakemake", "litreview"} <= manifest["software"].keys()
    ok = litreview("verify", str(audited), capsys=capsys)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    sheet = audited / "screening/decisions/full_text-AE.csv"
    lines = sheet.read_text().splitlines()
    target = next(i for i, line in enumerate(lines) if ",include,," in line)
    lines[target] = lines[target].replace(",include,,", ",exclude,C2,")
    sheet.write_text("\n".join(lines) + "\n")
    bad = litreview("verify", str(audited), capsys=capsys)
    assert bad.returncode == 1
    assert "first: input changed: screening/decisions/full_text-AE.csv" in bad.stdout
    assert "count moved: included.studies was 25, now 24 (-1)" in bad.stdout


@EXAMPLE
def test_verify_names_moved_hits_and_robustness_and_unreadable_inputs(
        audited: Path, capsys: pytest.CaptureFixture[str]):
    manifest = json.loads((audited / "results/audit/manifest.json").read_text())
    derived = manifest["derived_counts"]
    assert derived["search_hits"]["bei"]["#2"] > 0
    assert derived["agreement"]["title_abstract"]["AE+JB"]["both_decided"] > 0
    table10 = "Types of project evidence and research (CUREE 2010, Table 10)"
    assert sum(derived["coding"][table10].values()) == 25
    assert {"scikit-learn", "scipy"} <= manifest["software"].keys()

    def tampered(path: str, old: str, new: str) -> Said:
        file = audited / path
        original = file.read_text()
        assert old in original
        file.write_text(original.replace(old, new, 1))
        try:
            return litreview("verify", str(audited), capsys=capsys)
        finally:
            file.write_text(original)

    run = tampered("search_strategies/bei.txt", "#2 Leadership\n", "#2 Zzyzx\n")
    assert run.returncode == 1
    assert "first: input changed: search_strategies/bei.txt" in run.stdout
    assert f"count moved: search_hits.bei.#2 was {derived['search_hits']['bei']['#2']}, now 0" \
        in run.stdout
    run = tampered("screening/coding/coding.csv", "bei-1963960,case studies; interviews; "
                   "pupil attainment data; documents,4,some,yes,no,yes,yes,not tailored,relevant",
                   "bei-1963960,,0,no,no,no,no,no,none,none")
    assert run.returncode == 1
    assert f"count moved: coding.{table10}.Description was" in run.stdout
    # an excluded abstract whose full text was assessed: the sheets no longer read
    run = tampered("screening/decisions/title_abstract-AE.csv",
                   "assia-200726957,include,,", "assia-200726957,exclude,C1,")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "first: input changed: screening/decisions/title_abstract-AE.csv" in run.stdout
    assert "the counts cannot be recomputed: " in run.stdout
    assert litreview("verify", str(audited), capsys=capsys).returncode == 0  # all restored


@EXAMPLE
def test_verify_refuses_what_the_workflow_refuses_and_a_damaged_manifest(
        audited: Path, capsys: pytest.CaptureFixture[str]):
    pairs = audited / "screening/duplicate_pairs.csv"
    pairs.write_text("record_a,record_b,decision\nassia-200580712,nope-1,different\n")
    run = litreview("verify", str(audited), capsys=capsys)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "first: input added: screening/duplicate_pairs.csv" in run.stdout
    assert "the counts cannot be recomputed: " in run.stdout
    assert "duplicate_pairs.csv:2: record id 'nope-1' is not among the records" in run.stdout
    pairs.unlink()
    manifest = audited / "results/audit/manifest.json"
    for damaged in ("{", "[]", "{}"):
        manifest.write_text(damaged)
        run = litreview("verify", str(audited), capsys=capsys)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert "results/audit/manifest.json: the audit manifest" in run.stderr


@EXAMPLE
def test_trail_of_a_record(audited: Path, capsys: pytest.CaptureFixture[str]):
    included = rows(audited / "results/screening/included.csv")[0]["record_id"]
    run = litreview("trail", included, str(audited), capsys=capsys)
    assert run.returncode == 0, run.stderr
    text = run.stdout
    assert text.startswith(f"{included}: ")
    assert "data/exports/" in text and "Title and abstract: included" in text
    assert "screening/decisions/full_text-AE.csv:" in text
    assert litreview("trail", "nope-1", str(audited), capsys=capsys).returncode == 2


def start_and_kill_midway(review: Path, how: signal.Signals, begun: str, *args: str) -> None:
    """Start the workflow, and once it has begun writing ``begun`` (a results folder), kill
    all its processes."""
    process = subprocess.Popen([*workflow_command(review, cores=2), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while not (review / begun).is_dir() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(process.pid, how)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # Snakemake itself may hang on shutdown: kill it outright
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def assert_outputs_whole(review: Path) -> None:
    """Every output present is complete; the only other thing left is a hidden temporary."""
    for path in (review / "results").rglob("*") if (review / "results").exists() else []:
        if not path.is_file() or "logs" in path.parts:
            continue
        if path.name.endswith(".tmp"):
            assert path.name.startswith("."), path  # never mistaken for an output
        elif path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as handle:
                list(csv.reader(handle))
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.workflow
@EXAMPLE_RERUNS
def test_a_killed_run_leaves_no_half_written_file(example_run: Path, tmp_path: Path):
    """Told to stop (SIGTERM) as it begins writing, then resumed and killed outright
    (SIGKILL) later on: every output left is whole, and a further run completes the review
    as a clean run does."""
    review = copy_example(tmp_path / "review")
    start_and_kill_midway(review, signal.SIGTERM, "results/records")
    assert not list((review / "results").rglob("*.tmp"))  # a run told to stop cleans up
    assert_outputs_whole(review)
    snakemake(review, "--unlock")
    start_and_kill_midway(review, signal.SIGKILL, "results/dedupe", "--rerun-incomplete")
    assert_outputs_whole(review)
    snakemake(review, "--unlock")  # a killed Snakemake cannot release its lock
    rerun = snakemake(review, "--cores", "2", "--rerun-incomplete")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert_same_as_a_clean_run(review, example_run)


@pytest.mark.workflow
@EXAMPLE_RERUNS
def test_two_concurrent_runs_do_not_corrupt_the_review(example_run: Path, tmp_path: Path):
    review = copy_example(tmp_path / "review")
    command = workflow_command(review)
    first = subprocess.Popen(workflow_command(review, cores=2), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    first_out, _ = first.communicate(timeout=300)
    if second.returncode != 0 and first.returncode == 0:
        # refused, and said why: the review is locked, or a job of the first run is in flight
        said = (second.stdout + second.stderr).lower()
        assert "lock" in said or "incomplete files" in said, said[-2000:]
    # whatever the interleaving, nothing is corrupt: a further run completes the review and
    # its results are those of a clean run
    final = snakemake(review, "--cores", "2", "--rerun-incomplete")
    assert final.returncode == 0, first_out[-2000:] + final.stderr[-2000:]
    assert_same_as_a_clean_run(review, example_run)
