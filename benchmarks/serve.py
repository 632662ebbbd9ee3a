"""``litreview serve`` on 50,000 records: time to the first page, the next record and a
saved decision (median and 95th percentile over many requests), and the background model
(features once, then each retrain), while decisions go on being saved.

    .venv/bin/python benchmarks/serve.py            # --records N, --decisions N, --keep DIR

The review is the bundled example's configuration with a records file of its own: each
record's title and abstract drawn, with a seed, from the words of the example's records and
from a long tail of rarer made-up words (a vocabulary of the size real searches give).
Targets (issue 14): first page under 2 s; next record and saved decision under 100 ms
(median); a retrain on 50,000 records under 10 s. The script exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow"))

from litreview.core import paths  # noqa: E402
from litreview.core.records import Record, read_records, write_records  # noqa: E402


def make_review(folder: Path, size: int, seed: int = 0) -> Path:
    """The example's configuration and ``size`` synthetic unique records (and groups)."""
    review = folder / "review"
    review.mkdir()
    for name in ("review.yaml", "search_strategies", "data", "screening"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, review / name)
    for sheet in (review / "screening" / "decisions").glob("*"):
        sheet.unlink()
    example = read_records(REPO / paths.UNIQUE) if (REPO / paths.UNIQUE).is_file() else []
    if not example:
        raise SystemExit("run 'make run' first: the benchmark draws on the example's records")
    words = [w for r in example for w in re.findall(r"[A-Za-z][a-z]+", f"{r.title} {r.abstract}")]
    rng = random.Random(seed)
    rare = [f"{rng.choice(words)[:4]}{n:x}" for n in range(200_000)]

    def text(n: int) -> str:
        return " ".join(rng.choice(words) if rng.random() < 0.85 else
                        rare[int(rng.paretovariate(1.1)) % len(rare)] for _ in range(n))

    records: list[Record] = []
    for n in range(size):
        base = example[n % len(example)]
        records.append(replace(base, record_id=f"bench-{n:06d}", source_id=str(n),
                               title=text(rng.randint(6, 16)).capitalize(),
                               abstract=text(rng.randint(90, 260)), doi="",
                               year=str(rng.randint(2002, 2008)),
                               extra=(("sources", base.database), ("members", ""))))
    write_records(review / paths.UNIQUE, records, ("sources", "members"))
    _to_screen(review, records)
    groups = review / paths.GROUPS
    groups.write_text("record_id,group_id,database,joined_to,rule\n" + "".join(
        f"{r.record_id},{r.record_id},{r.database},,\n" for r in records))
    return review


def _to_screen(review: Path, records: Sequence[Record]) -> None:
    """The title/abstract sheet to screen from, as ``litreview run`` leaves it."""
    from litreview.core.contracts import SHEET_COLUMNS, TO_SCREEN_COLUMNS
    from litreview.screening import table_csv

    rows = [[r.record_id, r.title, r.abstract, "; ".join(r.authors), r.year, r.journal,
             r.database, r.doi, r.url, "; ".join(r.keywords), "; ".join(r.subjects),
             "awaiting", *[""] * (len(SHEET_COLUMNS) - 1)] for r in records]
    path = review / paths.stage_file("title_abstract", paths.TO_SCREEN_CSV)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(table_csv(TO_SCREEN_COLUMNS, rows), encoding="utf-8")


def call(url: str, body: dict | None = None, csrf: str = "") -> tuple[float, dict | str]:
    """Seconds the request took, and its answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/json", "X-CSRF-Token": csrf})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        text = response.read().decode()
    took = time.perf_counter() - start
    return took, json.loads(text) if response.headers.get_content_type() == \
        "application/json" else text


def start(review: Path) -> tuple[subprocess.Popen, str, float]:
    """The server started; its address and the seconds until its first page arrived."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from litreview.cli import main; sys.exit(main())",
         "serve", str(review), "--no-browser", "--port", "0", "--reviewer", "bench",
         "--order", "prioritised"], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    base = line.split(": ", 1)[1].strip().rstrip("/")
    call(base + "/screen/title_abstract")
    return process, base, time.perf_counter() - began


def summary(name: str, seconds: Sequence[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (f"{name:<28}{len(seconds):>8,}{1000 * statistics.median(seconds):>12.1f}"
            f"{1000 * p95:>10.1f}{1000 * ordered[-1]:>10.1f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--decisions", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="build the review here and keep it")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="serve-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    made = time.perf_counter()
    review = make_review(folder, args.records)
    print(f"{args.records:,} records written in {time.perf_counter() - made:.1f} s")
    process, base, first_page = start(review)
    began = time.perf_counter() - first_page
    try:
        _, page = call(base + "/screen/title_abstract")
        csrf = re.search(r'name="csrf" content="([^"]+)"', str(page)).group(1)
        shown = re.search(r'data-record-id="([^"]+)"', str(page)).group(1)
        rng = random.Random(1)
        saved, nexts = [], []
        for n in range(args.decisions):
            decision = "include" if n % 10 == 0 or rng.random() < 0.05 else "exclude"
            took, answer = call(f"{base}/api/screen/title_abstract/decide",
                                {"record_id": shown, "decision": decision}, csrf)
            saved.append(took)
            if n == 0:  # it waits for the records to be read
                first_decision = time.perf_counter() - began
            shown = answer["record_id"]
            took, _ = call(f"{base}/api/screen/title_abstract/record?after={shown}")
            nexts.append(took)
        status = wait_for_model(base, args.decisions)
    finally:
        process.terminate()
        process.wait(30)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"first decision saved {first_decision:.2f} s after start (the records read)")
    return report(args.records, first_page, saved, nexts, status)


def wait_for_model(base: str, decisions: int, limit: float = 600) -> dict:
    """The status once the model has learnt from every decision made."""
    deadline = time.monotonic() + limit
    while True:
        _, status = call(f"{base}/api/screen/title_abstract/status")
        assert isinstance(status, dict)
        if status["learnt_from"] >= decisions or time.monotonic() > deadline:
            return status
        time.sleep(1)


def report(size: int, first_page: float, saved: list[float], nexts: list[float],
           status: dict) -> int:
    print(f"{'':<28}{'requests':>8}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
    print(summary("saved decision + next", saved))
    print(summary("next record", nexts))
    print(f"first page after start: {first_page:.2f} s")
    model = status.get("model", {})
    print(f"model: features {model.get('features_seconds', float('nan')):.1f} s once; "
          f"last retrain {model.get('seconds', float('nan')):.2f} s on {size:,} records, "
          f"learnt from {status['learnt_from']} decisions")
    checks = {"first page under 2 s": first_page < 2.0,
              "saved decision under 100 ms (median)": statistics.median(saved) < 0.1,
              "next record under 100 ms (median)": statistics.median(nexts) < 0.1,
              "retrain under 10 s": model.get("seconds", 99) < 10}
    for name, met in checks.items():
        print(f"target: {name}: {'met' if met else 'MISSED'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
