"""The table: per stage and size, processes, records in, wall and CPU seconds, peak RSS;
the growth exponents between sizes against n log n; the issue's targets, each said met or
missed (at a size below 1,000,000 the 1M targets are judged on the extrapolation)."""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from scale_bench.stages import STAGES, Run

MB_6GB, MB_4GB, MB_1GB = 6 * 1024.0, 4 * 1024.0, 1024.0
MILLION = 1_000_000


@dataclass(frozen=True)
class Stage:
    """A stage at one size: its processes summed (wall, CPU) and its largest peak."""

    stage: str
    n: int
    processes: int
    wall: float
    cpu: float
    peak_mb: float
    stopped: bool = False  # a process over the time limit: wall and CPU are lower bounds


@dataclass(frozen=True)
class Size:
    """One size's measurements."""

    records: int
    stages: tuple[Stage, ...]
    uncertain: int

    def stage(self, name: str) -> Stage:
        return next(s for s in self.stages if s.stage == name)


def summarise(name: str, n: int, runs: list[Run]) -> Stage:
    mine = [r for r in runs if r.stage == name]
    if not mine:
        return Stage(name, n, 0, math.nan, math.nan, math.nan)
    return Stage(name, n, len(mine), sum(r.wall for r in mine), sum(r.cpu for r in mine),
                 max(r.peak_mb for r in mine), any(r.stopped for r in mine))


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def exponent(a: float, b: float, n_a: int, n_b: int) -> float:
    if not (a > 0 and b > 0) or n_a == n_b:
        return math.nan
    return math.log(b / a) / math.log(n_b / n_a)


def nlogn_exponent(n_a: int, n_b: int) -> float:
    return exponent(n_a * math.log(n_a), n_b * math.log(n_b), n_a, n_b)


HEADER = (f"{'records':>10}  {'stage':<12}{'procs':>6}{'n':>10}{'wall s':>9}{'CPU s':>9}"
          f"{'peak MB':>9}  target")


def _stage_target(stage: Stage) -> str:
    if not stage.processes:
        return "not run: an earlier stage was stopped"
    if stage.stopped:
        return "STOPPED at the time limit (its figures are lower bounds)"
    limit = MB_4GB if stage.stage == "dedupe" else MB_6GB
    return f"peak under {limit / 1024:.0f} GB: {verdict(stage.peak_mb < limit)}"


def size_lines(size: Size) -> list[str]:
    lines = [f"{size.records:>10,}  {s.stage:<12}{s.processes:>6}{s.n:>10,}"
             f"{('≥' if s.stopped else '') + f'{s.wall:.1f}':>9}{s.cpu:>9.1f}{s.peak_mb:>9.0f}"
             f"  {_stage_target(s)}" for s in size.stages]
    ran = [s for s in size.stages if s.processes]
    wall = sum(s.wall for s in ran)
    cpu = sum(s.cpu for s in ran)
    peak = max(s.peak_mb for s in ran)
    lines.append(f"{size.records:>10,}  {'workflow':<12}{sum(s.processes for s in size.stages):>6}"
                 f"{size.records:>10,}{wall:>9.1f}{cpu:>9.1f}{peak:>9.0f}  "
                 f"(the stages one after another)")
    if size.uncertain < 0:
        return [*lines, f"{size.records:>10,}  uncertain pairs: dedupe did not finish"]
    share = size.uncertain / size.records
    lines.append(f"{size.records:>10,}  uncertain pairs {size.uncertain:,} = {share:.2%} of the "
                 f"records; target under 1 %: {verdict(share < 0.01)}")
    return lines


def growth_lines(sizes: list[Size]) -> list[str]:
    """Exponents of wall, CPU and peak RSS between consecutive sizes; n log n's bound."""
    lines = [f"{'growth':<24}{'stage':<12}{'wall':>7}{'CPU':>7}{'RSS':>7}{'n log n':>9}  target"]
    for a, b in itertools.pairwise(sizes):
        bound = nlogn_exponent(a.records, b.records)
        for name in STAGES:
            sa, sb = a.stage(name), b.stage(name)
            wall = exponent(sa.wall, sb.wall, sa.n, sb.n)
            cpu = exponent(sa.cpu, sb.cpu, sa.n, sb.n)
            rss = exponent(sa.peak_mb, sb.peak_mb, sa.n, sb.n)
            said = (f"CPU no worse than n log n: {verdict(cpu <= bound)}"
                    if not math.isnan(cpu) else "not measured at both sizes")
            if sb.stopped or sa.stopped:
                said = "not measured: a process stopped at the limit"
            lines.append(f"{a.records:>10,} → {b.records:>10,}  {name:<12}{wall:>7.2f}"
                         f"{cpu:>7.2f}{rss:>7.2f}{bound:>9.2f}  {said}")
    return lines


def _project(value_a: float, value_b: float, a: Stage, b: Stage, records_b: int) -> float:
    """``value_b`` grown to 1,000,000 records with the exponent between ``a`` and ``b``."""
    return value_b * (MILLION / records_b) ** exponent(value_a, value_b, a.n, b.n)


def million_lines(a: Size, b: Size) -> list[str]:
    """The issue's 1M targets, judged on the growth between the two largest sizes."""
    lines, wall, peak = [], 0.0, 0.0
    for name in STAGES:
        sa, sb = a.stage(name), b.stage(name)
        stage_wall = _project(sa.wall, sb.wall, sa, sb, b.records)
        stage_peak = _project(sa.peak_mb, sb.peak_mb, sa, sb, b.records)
        if math.isnan(stage_wall) or sa.stopped or sb.stopped:
            lines.append(f"  {name:<12} not measured at both sizes (stopped or not run): "
                         "left out of the sum, which is a lower bound")
            continue
        wall, peak = wall + stage_wall, max(peak, stage_peak)
        lines.append(f"  {name:<12} {stage_wall:>8.0f} s  {stage_peak:>7.0f} MB")
        if name == "dedupe":
            ok = stage_wall < 180 and stage_peak < MB_4GB
            lines.append(f"  dedupe alone under 180 s and 4 GB: {verdict(ok)}")
    lines.append(f"  whole workflow {wall:,.0f} s ({wall / 60:.1f} min), largest process "
                 f"{peak:,.0f} MB; target under 10 min, no process over 6 GB: "
                 f"{verdict(wall < 600 and peak < MB_6GB)}")
    return lines


def target_lines(import_run: Run, hits_run: Run, records: int) -> list[str]:
    """Item 2's single-stage targets on 100,000 realistic records."""
    ok_import = import_run.wall < 10 and import_run.peak_mb < MB_1GB
    ok_hits = hits_run.wall < 5 and hits_run.peak_mb < MB_1GB
    return [f"import {records:,} realistic records (one command, its files read in parallel): "
            f"{import_run.wall:.1f} s wall, "
            f"{import_run.cpu:.1f} s CPU, {import_run.peak_mb:.0f} MB; target under 10 s and "
            f"1 GB: {verdict(ok_import)}",
            f"BEI strategy hits on them: {hits_run.wall:.1f} s wall, {hits_run.cpu:.1f} s CPU, "
            f"{hits_run.peak_mb:.0f} MB; target under 5 s and 1 GB: {verdict(ok_hits)}"]


def save(path: Path, sizes: list[Size]) -> None:
    """The sizes measured, as JSON, for a later run's growth table (``--add``)."""
    path.write_text(json.dumps([asdict(s) for s in sizes], indent=1), encoding="utf-8")


def load(path: Path) -> list[Size]:
    return [Size(d["records"], tuple(Stage(**s) for s in d["stages"]), d["uncertain"])
            for d in json.loads(path.read_text(encoding="utf-8"))]
