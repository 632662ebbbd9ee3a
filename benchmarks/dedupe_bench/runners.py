"""Running deduplication: these rules in a fresh process (time and peak memory its own),
bib-dedupe in its own environment, and the rules of any tree or git revision."""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from litreview.core.records import Record
from litreview.dedupe import deduplicate

from dedupe_bench import REPO
from dedupe_bench.data import Groups, found_groups


@dataclass
class Run:
    """One run of these rules: its time and peak memory, the groups found, the number of
    uncertain pairs, and the rule that joined each record of a found group."""

    seconds: float
    peak_mb: float
    groups: Groups
    uncertain: int
    rules: dict[str, str]


def _ours_child(records: list[Record], connection: object) -> None:
    start = time.perf_counter()
    result = deduplicate(records)
    seconds = time.perf_counter() - start
    groups = found_groups(result)
    rules = {rid: result.rules[rid] for group in groups for rid in group}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    connection.send(Run(seconds, peak, groups, len(result.uncertain), rules))  # type: ignore[attr-defined]


def run_ours(records: list[Record]) -> Run:
    """Deduplicate in a fresh process, so its peak resident memory is this run's alone."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_ours_child, args=(records, child))
    process.start()
    child.close()
    run = parent.recv()
    process.join()
    return run


_BIB_DEDUPE = """
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep
records = pd.read_csv(sys.argv[1])
start = time.perf_counter()
matched = match(block(prep(records, verbosity_level=0), verbosity_level=0), verbosity_level=0)
groups = cluster(matched, verbosity_level=0)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "groups": groups}))
"""


def bib_dedupe_python() -> str | None:
    """A Python that can import bib_dedupe: $BIB_DEDUPE_PYTHON, /tmp/bibdedupe, or this one."""
    for candidate in (os.environ.get("BIB_DEDUPE_PYTHON"), "/tmp/bibdedupe/bin/python",
                      sys.executable):
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import bib_dedupe"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


def bib_dedupe_version(python: str) -> str:
    done = subprocess.run([python, "-c", "from importlib.metadata import version; "
                           "print(version('bib-dedupe'))"], capture_output=True, text=True)
    return done.stdout.strip() or "(version unknown)"


def run_bib_dedupe(python: str, csv_path: Path) -> tuple[float, float, Groups]:
    done = subprocess.run([python, "-c", _BIB_DEDUPE, str(csv_path)], capture_output=True,
                          text=True, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["seconds"], out["peak_mb"], out["groups"]


_RUN_RULES = """
import json, sys
from collections import defaultdict
from litreview.dedupe import deduplicate
try:  # the package by stage, or the flat package of older revisions
    from litreview.core.records import Record
except ImportError:
    from litreview.records import Record
out = []
for job in json.load(sys.stdin):
    result = deduplicate([Record(**{**r, "authors": tuple(r["authors"])}) for r in job])
    members = defaultdict(list)
    for rid, group in result.groups.items():
        members[group].append(rid)
    out.append([[g for g in members.values() if len(g) > 1], len(result.uncertain)])
print(json.dumps(out))
"""
_SHIPPED = ("record_id", "database", "source_file", "source_position", "type", "title",
            "authors", "year", "journal", "volume", "issue", "pages", "doi", "abstract")


def run_rules(package: Path, jobs: list[list[Record]]) -> list[tuple[Groups, int]]:
    """Deduplicate each job with the ``litreview`` package under ``package``, in a
    subprocess: its found groups and uncertain pairs."""
    payload = json.dumps([[{f: getattr(r, f) for f in _SHIPPED} for r in job]
                          for job in jobs])
    done = subprocess.run([sys.executable, "-c", _RUN_RULES], input=payload, text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(package)})
    if done.returncode:
        raise SystemExit(f"rules under {package} failed:\n{done.stderr}")
    return [(groups, uncertain) for groups, uncertain in json.loads(done.stdout)]


def extract_rules(revision: str, into: Path) -> Path | None:
    """The ``litreview`` package of ``revision``, extracted from git into ``into``."""
    listing = subprocess.run(["git", "-C", str(REPO), "ls-tree", "-r", "--name-only",
                              revision, "workflow/litreview"], capture_output=True, text=True)
    if listing.returncode:
        return None
    for path in listing.stdout.split():
        blob = subprocess.run(["git", "-C", str(REPO), "show", f"{revision}:{path}"],
                              capture_output=True, check=True).stdout
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    return into / "workflow"

