"""The whole workflow at scale: 100,000 to 1,000,000 records from the real exports' shapes.

    python benchmarks/scale.py [--sizes 100000,300000] [--seed 17] [--keep DIR]
                               [--no-targets] [--dedupe-shards N]

For each size, a review directory under a temporary folder: works recombined from the
labelled dedupe sets and the real exports in ``../shared/realdata`` (never copied here),
each in 1–10 of ten databases (5–10 for a share), its copies perturbed and garbled as
``benchmarks/dedupe.py`` does, written as export files of 5,000 records in each
database's native format (RIS, MEDLINE for PubMed, BibTeX for ChildData, Scopus CSV for
CERUK plus), with the example's six strategies and criteria. Every job of the measured
stages — import (one per source), search hits (one per strategy), dedupe, screen, prisma
— runs as the command its rule calls, in a process of its own, one after another: wall
and CPU seconds and peak RSS are that process's (``os.wait4``). Prints a table per size,
the growth exponents between sizes, the 1,000,000-record targets (measured, or
extrapolated from the two largest sizes), and first the single-stage targets on 100,000
realistic records (one import, the BEI strategy's hits). Exits 1 when a target is missed.

``--dedupe-shards N`` deduplicates as ``--set-scatter dedupe=N`` does: a plan job, N shard
jobs and a gather, measured one after another like every job (the dedupe row sums them,
its peak is the largest), and prints what a node per shard would take: the plan, the
longest shard and the gather.

``--snakemake`` then runs the whole workflow as a team does, Snakemake on the 2 cores
(jobs side by side where the DAG allows; with ``--dedupe-shards N`` the shards too), from
no results: its wall time and largest process are the workflow target's measure.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from scale_bench import REALDATA
from scale_bench.review_dir import Built, build
from scale_bench.stages import STAGES, Run, jobs, rows, run, snakemake_run
from scale_bench.table import (
    HEADER,
    Size,
    growth_lines,
    load,
    million_lines,
    save,
    size_lines,
    summarise,
    target_lines,
)
from scale_bench.templates import Pools, pools
from scale_bench.works import TARGET_DATABASE

TARGET_RECORDS = 100_000


def measure(built: Built, limit: float | None, shards: int = 1) -> tuple[Size, list[Run]]:
    """Every measured job of a generated review, one process after another; after a
    process stopped at the time limit, the later stages' jobs are not run."""
    runs: list[Run] = []
    for stage, argv in jobs(built.review, shards):
        if any(r.stopped and r.stage != stage for r in runs):
            continue
        runs.append(run(built.review, stage, argv, limit))
        print(f"    {stage:<12}{runs[-1].wall:>8.1f} s {runs[-1].peak_mb:>7.0f} MB  "
              f"{argv[1]}{'  STOPPED at the limit' if runs[-1].stopped else ''}", flush=True)
    results = built.review / "results"
    searched = sum(rows(results / "records" / Path(r.argv[5]).name)
                   for r in runs if r.stage == "search hits")
    unique = rows(results / "dedupe" / "unique.csv")
    uncertain = results / "dedupe" / "uncertain_pairs.csv"
    n = {"import": built.records, "search hits": searched, "dedupe": built.records,
         "screen": unique, "prisma": built.records}
    stages = tuple(summarise(name, n[name], runs) for name in STAGES)
    return Size(built.records, stages, rows(uncertain) if uncertain.is_file() else -1), runs


def spread_lines(runs: list[Run], size: int) -> list[str]:
    """A sharded dedupe's wall time with a node per shard (the plan, the longest shard and
    the gather one after another) and on the 2 cores (the shards two at a time, in the
    order dealt), from the jobs' own times; at a million records the target."""
    steps = [r for r in runs if r.stage == "dedupe"]
    plan, shards, gather = steps[0], steps[1:-1], steps[-1]
    longest = max(shards, key=lambda r: r.wall)
    node = plan.wall + longest.wall + gather.wall
    rounds = [max(r.wall for r in shards[i:i + 2]) for i in range(0, len(shards), 2)]
    cores = plan.wall + sum(rounds) + gather.wall
    peak = max(r.peak_mb for r in steps)
    target = ""
    if size >= 1_000_000:
        target = "; target under 180 s and 4 GB: " + ("met" if node < 180 and peak < 4096
                                                      else "MISSED")
    return [f"    dedupe with a node per shard: plan {plan.wall:.0f} s + longest of "
            f"{len(shards)} shards {longest.wall:.0f} s ({longest.peak_mb:,.0f} MB) + gather "
            f"{gather.wall:.0f} s = {node:.0f} s{target}",
            f"    dedupe on the 2 cores, two shards at a time: plan {plan.wall:.0f} s + "
            f"{len(rounds)} rounds {sum(rounds):.0f} s + gather {gather.wall:.0f} s = "
            f"{cores:.0f} s" + (("; target: " + ("met" if cores < 180 and peak < 4096
                                                  else "MISSED")) if target else "")]


def workflow_line(whole: Run, size: int) -> str:
    """The workflow by Snakemake: wall time and largest process, and at a million records
    the target."""
    line = (f"{size:>10,}  workflow by Snakemake on 2 cores: {whole.wall:,.0f} s "
            f"({whole.wall / 60:.1f} min), {whole.cpu:,.0f} s CPU, largest process "
            f"{whole.peak_mb:,.0f} MB")
    if size < 1_000_000:
        return line
    ok = whole.wall < 600 and whole.peak_mb < 6 * 1024
    return f"{line}; target under 10 min, no process over 6 GB: {'met' if ok else 'MISSED'}"


def generated(folder: Path, size: int, seed: int, the_pools: Pools, **kw: object) -> Built:
    start = time.perf_counter()
    built = build(folder, size, seed, the_pools, **kw)  # type: ignore[arg-type]
    print(f"{size:,} records ({built.works:,} works) in {built.files} export files, "
          f"{built.bytes / 2**20:,.0f} MB ({built.bytes / size / 1024:.1f} KB a record), "
          f"generated in {time.perf_counter() - start:.0f} s: "
          + ", ".join(f"{name} {count:,}" for name, count in built.per_database), flush=True)
    return built


def single_targets(tmp: Path, seed: int, the_pools: Pools) -> bool:
    """Item 2: import 100,000 realistic RIS records with one command (its 20 files read
    one per core); the BEI hits on them."""
    built = generated(tmp / "target", TARGET_RECORDS, seed, the_pools,
                      databases=(TARGET_DATABASE,))
    measured = {stage: run(built.review, stage, argv) for stage, argv in jobs(built.review)
                if stage in ("import", "search hits")}
    lines = target_lines(measured["import"], measured["search hits"], TARGET_RECORDS)
    print("\n".join(lines), flush=True)
    shutil.rmtree(built.review)
    return all(line.endswith(": met") for line in lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,300000")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--keep", type=Path, help="generate the reviews here and keep them")
    parser.add_argument("--no-targets", action="store_true",
                        help="skip the single-stage targets on 100,000 records")
    parser.add_argument("--limit", type=float, metavar="SECONDS",
                        help="stop a process after this long (its figures become lower "
                             "bounds; the later stages are not run)")
    parser.add_argument("--dedupe-shards", type=int, default=1, metavar="N",
                        help="deduplicate in N shard jobs (a plan, N shards, a gather), as "
                             "--set-scatter dedupe=N does; 1: one job")
    parser.add_argument("--snakemake", action="store_true",
                        help="then run the whole workflow by Snakemake on 2 cores, timed")
    parser.add_argument("--save", type=Path, help="write the sizes measured here as JSON")
    parser.add_argument("--add", type=Path,
                        help="sizes measured by an earlier run (its --save) for the growth")
    args = parser.parse_args()
    missing = [p for p in (REALDATA / "exports", REALDATA / "dedup") if not p.is_dir()]
    if missing:
        print(f"skipped: the real data is absent ({', '.join(map(str, missing))})")
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)  # "": --add only
    the_pools = pools()
    ok = True
    with tempfile.TemporaryDirectory(prefix="litreview-scale-") as tmp:
        folder = args.keep or Path(tmp)
        if not args.no_targets:
            ok = single_targets(folder, args.seed, the_pools)
        measured: list[Size] = load(args.add) if args.add else []
        for size in sizes:
            built = generated(folder / f"review-{size}", size, args.seed, the_pools)
            size_measured, runs = measure(built, args.limit, args.dedupe_shards)
            measured.append(size_measured)
            if args.dedupe_shards > 1:
                print("\n".join(spread_lines(runs, size)), flush=True)
            measured.sort(key=lambda s: s.records)
            print(HEADER)
            lines = size_lines(next(m for m in measured if m.records == size))
            print("\n".join(lines), flush=True)
            ok = ok and all("MISSED" not in line and "STOPPED" not in line for line in lines)
            if args.snakemake:
                line = workflow_line(snakemake_run(built.review, args.dedupe_shards), size)
                print(line, flush=True)
                ok = ok and "MISSED" not in line
            if args.save:
                save(args.save, measured)
            if not args.keep:
                shutil.rmtree(built.review)
    print("\n" + HEADER)
    for size in measured:
        print("\n".join(size_lines(size)))
    if len(measured) > 1:
        print("\n".join(growth_lines(measured)))
        if measured[-1].records < 1_000_000:
            print(f"1,000,000 records, extrapolated from {measured[-2].records:,} and "
                  f"{measured[-1].records:,} (each stage's own exponents):")
        else:
            print("1,000,000 records, measured: see the rows above; projected the same way:")
        print("\n".join(million_lines(measured[-2], measured[-1])))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
