"""Deduplication in shards (plan, shard jobs, gather) writes the files one dedupe job
writes, byte for byte: on a generated set of several thousand records with what crosses
components (reviewers' decisions, a DOI given to unlike titles, a journal's other names,
a search update's order), on a scale set built from the real exports' records, and with
every number of shards. Plans and shards that do not fit together are located errors."""

from __future__ import annotations

import contextlib
import random
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, realdata, workflow_jobs
from hypothesis import given, settings
from hypothesis import strategies as st
from litreview.cli import main
from litreview.core.errors import InputError
from litreview.core.records import Record, write_records
from litreview.dedupe import blocking
from litreview.dedupe.authors import author_keys, first_author
from litreview.dedupe.blocking import pairs_to_judge, record_keys
from litreview.dedupe.shards import components, deal
from litreview.pipeline.dedupe_shards import gather, make_plan, run_shard

WORDS = ("school", "leadership", "vulnerable", "children", "outcomes", "family", "early",
         "support", "teacher", "attainment", "trial", "review", "nurse", "online", "reading")
SOURCES = ("Scopus", "ERIC", "BEI", "ASSIA")


def _work(rng: random.Random, k: int) -> dict[str, object]:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9)))
    ending = ": a randomized controlled trial" if k % 5 == 0 else ""  # one huge block
    return {"title": f"{title.capitalize()} {k}{ending}",
            "authors": (f"Surname{rng.randint(1, 900)}, A. B.", f"Other{k % 97}, C."),
            "year": str(1995 + k % 28), "journal": f"Journal of {rng.choice(WORDS)} studies",
            "volume": str(1 + k % 60), "pages": f"{k % 300 + 1}-{k % 300 + 12}",
            "doi": f"10.1000/w{k}" if k % 3 else "", "abstract": f"Abstract of work {k}."}


def _copy(fields: dict[str, object], rng: random.Random) -> dict[str, object]:
    """Another database's export of the work: case, punctuation, a field lost or garbled."""
    out = dict(fields)
    title = str(out["title"])
    out["title"] = rng.choice((title.upper(), title.lower() + ".", title.replace(":", " -")))
    if rng.random() < 0.3:
        out["doi"] = ""
    if rng.random() < 0.2:
        out["year"] = str(int(str(out["year"])) + rng.choice((-1, 1, 3)))  # vetoes, doubt
    if rng.random() < 0.1:
        out["pages"] = ""
    return out


def scale_set(works: int = 1500, seed: int = 7) -> dict[str, list[Record]]:
    """Records of four databases: each work once or in up to four databases."""
    rng = random.Random(seed)
    by_source: dict[str, list[Record]] = {s: [] for s in SOURCES}
    for k in range(works):
        fields = _work(rng, k)
        for n, source in enumerate(rng.sample(SOURCES, rng.choice((1, 1, 2, 3, 4)))):
            made = fields if n == 0 else _copy(fields, rng)
            searched = "2024-03-01" if k % 11 == 0 else "2023-01-10"
            records = by_source[source]
            by_source[source].append(Record(
                f"{source.lower()}:{len(records)}", source, f"{source}.ris", len(records) + 1,
                type="article", searched=searched, original=f'{{"TI": "{made["title"]}"}}',
                **made))  # type: ignore[arg-type]
    scopus = by_source["Scopus"]
    # a DOI given to two unlike titles (a journal's DOI), and a journal by two names
    scopus[0] = replace(scopus[0], doi="10.1000/journal")
    scopus[5] = replace(scopus[5], doi="10.1000/journal")
    scopus[9] = replace(scopus[9], journal="Ai zheng = Aizheng = Chinese journal of cancer")
    scopus[12] = replace(scopus[12], journal="Aizheng")
    return by_source


def _write_set(folder: Path, by_source: dict[str, list[Record]]) -> list[str]:
    """One records file per source, one of them CSV (a file a person passed)."""
    paths = []
    for n, (source, records) in enumerate(by_source.items()):
        path = folder / f"{source.lower()}.{'csv' if n == 2 else 'parquet'}"
        write_records(path, records)
        paths.append(str(path))
    return paths


def _pair_sheet(folder: Path, by_source: dict[str, list[Record]]) -> str:
    """Reviewers' decisions: two unrelated records the same (joins two components), and
    a different on two copies."""
    scopus, eric = by_source["Scopus"], by_source["ERIC"]
    path = folder / "duplicate_pairs.csv"
    path.write_text("record_a,record_b,decision\n"
                    f"{scopus[3].record_id},{eric[40].record_id},same\n"
                    f"{scopus[20].record_id},{eric[21].record_id},different\n",
                    encoding="utf-8")
    return str(path)


OUTPUTS = ("unique.csv", "groups.csv", "uncertain.csv", "overlap.csv")


def _one_job(folder: Path, records: list[str], *options: str) -> dict[str, bytes]:
    out = folder / "one"
    out.mkdir()
    assert main(["dedupe", *records, "-o", str(out / "unique.csv"), "--groups",
                 str(out / "groups.csv"), "--uncertain", str(out / "uncertain.csv"),
                 "--overlap", str(out / "overlap.csv"), *options]) == 0
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def _sharded(folder: Path, records: list[str], shards: int, *options: str,
             pairs: tuple[str, ...] = ()) -> dict[str, bytes]:
    out = folder / f"in-{shards}"
    plan = out / "plan"
    assert main(["dedupe-plan", *records, "--shards", str(shards), "--plan", str(plan),
                 *pairs, *options]) == 0
    files = []
    for k in range(1, shards + 1):
        files.append(str(out / f"{k}.parquet"))
        assert main(["dedupe-shard", *records, "--plan", str(plan), "--shard",
                     f"{k}-of-{shards}", *pairs, "-o", files[-1]]) == 0
    assert main(["dedupe-gather", *reversed(files), "--plan", str(plan),
                 "-o", str(out / "unique.csv"), "--groups", str(out / "groups.csv"),
                 "--uncertain", str(out / "uncertain.csv"),
                 "--overlap", str(out / "overlap.csv")]) == 0
    return {name: (out / name).read_bytes() for name in OUTPUTS}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], str]:
    folder = tmp_path_factory.mktemp("shards")
    by_source = scale_set()
    return folder, _write_set(folder, by_source), _pair_sheet(folder, by_source)


def test_shards_write_the_files_of_one_job_byte_for_byte(generated):
    folder, records, sheet = generated
    options = ("--update-of", "2023-06-01")
    one = _one_job(folder, records, "--pairs", sheet, *options)
    assert one["groups.csv"].count(b"\n") > 3000  # the whole set
    assert b",reviewer" in one["groups.csv"] and one["uncertain.csv"].count(b"\n") > 1
    for shards in (1, 3, 8):
        assert _sharded(folder, records, shards, *options, pairs=("--pairs", sheet)) == one


def test_the_plan_deals_components_whole_and_balanced(generated):
    folder, records, _ = generated
    plan_dir = folder / "plan-check"
    make_plan(records, [], 4, plan_dir)
    from litreview.pipeline.dedupe_shards import read_plan

    planned = read_plan(plan_dir).plan
    pairs = planned.pairs
    assert len(pairs) and (planned.shard[pairs[:, 0]] == planned.shard[pairs[:, 1]]).all()
    loads = np.bincount(planned.shard, minlength=4)
    assert loads.max() - loads.min() <= 40  # the largest component is a few records


def test_the_plan_s_keys_find_the_pairs_full_keys_find():
    """The plan makes only the first author of each list: blocking reads no more."""
    records = [r for rs in scale_set(400).values() for r in rs]
    records[3] = replace(records[3], authors=("Anonymous", "Tan A.Schulze A.", "Zuna, R E"))
    records[4] = replace(records[4], authors=("et al",))
    full, first = record_keys(records), record_keys(records, first_author_only=True)
    assert [k.first_author for k in first] == [k.first_author for k in full]
    assert all(len(k.authors) <= 1 for k in first) and any(len(k.authors) > 1 for k in full)
    found, by_first = pairs_to_judge(full), pairs_to_judge(first)
    assert len(found[0]) > 100
    assert np.array_equal(found[0], by_first[0]) and np.array_equal(found[1], by_first[1])


def test_candidate_pairs_merged_as_they_come_are_those_found_at_once(monkeypatch):
    """A million records' candidates are made a block size at a time and merged a few
    million at a time: the same pairs as each block's own, found at once."""
    keys = record_keys([r for rs in scale_set(400).values() for r in rs])
    at_once = blocking.candidate_pairs(keys)
    assert len(at_once) > 1000
    monkeypatch.setattr(blocking, "_COMPACT", 50)
    monkeypatch.setattr(blocking, "_SAME_SIZE", 10)
    assert np.array_equal(blocking.candidate_pairs(keys), at_once)
    # blocks of one size, their pairs made together: (i, j) as i * n + j
    assert blocking._all_pairs([[1, 4, 7], [2, 3, 9]], 10).tolist() == [
        14, 17, 47, 23, 29, 39]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["Anonymous", "", "Smith, J.; Jones, K.", "Tan A.Schulze A.",
                                 "R. E. Zuna", "et al", "Omulo Sylvia", "Le Quintrec, M."]),
                max_size=4))
def test_the_first_author_alone_is_the_list_s_first(entries):
    assert first_author(entries, {}).names == author_keys(entries).names[:1]


def test_deal_gives_the_largest_component_first_to_the_least_loaded_shard():
    labels = np.array([0, 0, 0, 1, 2, 2, 3])  # sizes 3, 1, 2, 1
    # 3 records to shard 0, 2 to shard 1, then 1 to shard 1 (2 < 3), 1 to shard 0 (3 = 3)
    assert deal(labels, 2).tolist() == [0, 0, 0, 1, 1, 1, 0]
    assert deal(labels, 1).tolist() == [0] * 7
    edges = np.array([[0, 2], [3, 4], [2, 5]])
    assert components(6, edges).tolist() == [0, 1, 0, 2, 2, 0]


def test_a_shard_of_another_plan_or_a_missing_shard_is_refused(generated, tmp_path):
    records = generated[1]
    make_plan(records, [], 2, tmp_path / "a")
    make_plan(records[:3], [], 2, tmp_path / "b")
    run_shard(records, tmp_path / "a", "1-of-2", [], tmp_path / "a1.parquet")
    run_shard(records[:3], tmp_path / "b", "2-of-2", [], tmp_path / "b2.parquet")
    with pytest.raises(InputError, match="another plan"):
        gather([str(tmp_path / "a1.parquet"), str(tmp_path / "b2.parquet")], tmp_path / "a",
               tmp_path / "u.csv", tmp_path / "g.csv")
    (tmp_path / "page.parquet").write_text("<html>a page saved by mistake</html>")
    with pytest.raises(InputError, match="not a dedupe shard's rows"):
        gather([str(tmp_path / "a1.parquet"), str(tmp_path / "page.parquet")],
               tmp_path / "a", tmp_path / "u.csv", tmp_path / "g.csv")
    with pytest.raises(InputError, match="no rows of shard 2-of-2"):
        gather([str(tmp_path / "a1.parquet")], tmp_path / "a", tmp_path / "u.csv",
               tmp_path / "g.csv")
    assert not (tmp_path / "u.csv").exists()
    with pytest.raises(InputError, match="the plan is for 2 shards, not 3"):
        run_shard(records, tmp_path / "a", "1-of-3", [], tmp_path / "x.parquet")
    with pytest.raises(InputError, match="other records files"):
        run_shard(records[:3], tmp_path / "a", "1-of-2", [], tmp_path / "x.parquet")
    with pytest.raises(InputError, match="0 shards: give 1 or more"):
        make_plan(records, [], 0, tmp_path / "c")
    with pytest.raises(InputError, match="a shard is written K-of-N"):
        run_shard(records, tmp_path / "a", "3-of-2", [], tmp_path / "x.parquet")
    (tmp_path / "b" / "pairs.parquet").write_bytes((tmp_path / "a" / "pairs.parquet").read_bytes())
    with pytest.raises(InputError, match="do not fit together"):
        run_shard(records[:3], tmp_path / "b", "1-of-2", [], tmp_path / "x.parquet")
    with pytest.raises(InputError, match="not a dedupe plan"):
        run_shard(records, tmp_path, "1-of-2", [], tmp_path / "x.parquet")


def test_the_workflow_jobs_of_a_sharded_dedupe_are_the_rules(tmp_path):
    """The jobs ``--set-scatter dedupe=3`` runs are those ``workflow_jobs`` lists (the
    scale benchmark runs those)."""
    from conftest import copy_example

    review = copy_example(tmp_path / "review")
    dry = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
                          "-d", str(review), "--cores", "1", "--set-scatter", "dedupe=3",
                          "-n", "-p", "--forceall"],
                         capture_output=True, text=True, timeout=300)
    assert dry.returncode == 0, dry.stderr[-2000:]
    listed = workflow_jobs(review, shards=3)
    dedupe = [job for job in listed if job[2].startswith("dedupe")]
    assert [job[2] for job in dedupe] == ["dedupe-plan", *["dedupe-shard"] * 3,
                                          "dedupe-gather"]
    for job in dedupe:
        assert f"-m litreview --log {job[1]} {job[2]}" in dry.stdout, job[:3]


def test_a_scale_set_from_the_real_exports_shards_to_the_same_bytes(tmp_path):
    """Several thousand records generated from the real exports' shapes (the scale
    benchmark's generator), imported as the workflow does, deduplicated both ways."""
    realdata()
    sys.path.insert(0, str(REPO / "benchmarks"))
    from scale_bench.review_dir import build
    from scale_bench.templates import pools

    review = build(tmp_path / "review", 4000, 5, pools()).review
    records = []
    with contextlib.chdir(review):
        for job in workflow_jobs(review):
            if job[2] == "import":
                assert main([*job, "--jobs", "1"]) == 0
                records.append(str(review / job[-1]))
    one = _one_job(tmp_path, records)
    assert one["groups.csv"].count(b"\n") > 3500
    assert _sharded(tmp_path, records, 4) == one
    shutil.rmtree(review)
