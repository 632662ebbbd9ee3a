"""Prioritised screening on a real review: ours against ASReview. Prints figures; not a test.

Replays the title/abstract screening of Nagtegaal et al. (2019), 2,008 records after the 11
flagged duplicates, with the abstract-stage labels (389 relevant), several times. Each
repetition draws ``--prior`` relevant and ``--prior`` irrelevant records with its seed; both
contenders start from those same records and get the same seed:

- ours: :func:`litreview.screening.simulate`, retraining every ``--batch`` records, with
  its default model (words and character n-grams) and with words only (``words only``: the
  features of ASReview's default model, to show what the character n-grams add);
- ASReview's default model, by its own ``asreview simulate`` command (retraining after every
  record), run in a subprocess by the Python named in $ASREVIEW_PYTHON (or
  ``--asreview-python``); ASReview is not a dependency of this project.

Both screening orders are scored by the same functions, the prior records excluded:
WSS@95, RRF@10, recall after 10/25/50% of the records, records read to reach 95% recall,
and the time of each run. Exits 1 when our mean WSS@95 is below ASReview's.

    python3 -m venv /tmp/asreview && /tmp/asreview/bin/pip install asreview==3.0.8  # once
    ASREVIEW_PYTHON=/tmp/asreview/bin/python .venv/bin/python benchmarks/prioritise.py
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow"))

from litreview.cli.simulate import read_labelled  # noqa: E402
from litreview.core.fileio import atomic_write_text  # noqa: E402
from litreview.core.records import Record  # noqa: E402
from litreview.screening import (  # noqa: E402
    Model,
    choose_priors,
    recall_at,
    recall_svg,
    records_to_recall,
    simulate,
    stopping,
    wss,
)

DATA = REPO.parent / "shared" / "realdata" / "screening" / "Nagtegaal_2019.csv"
INSTALL = ("python3 -m venv /tmp/asreview && /tmp/asreview/bin/pip install asreview, then "
           "ASREVIEW_PYTHON=/tmp/asreview/bin/python")


def asreview_version(python: str) -> str:
    with tempfile.TemporaryDirectory(prefix="asreview-bench-") as tmp:  # it leaves a cache
        done = subprocess.run([python, "-c", "import asreview; print(asreview.__version__)"],
                              capture_output=True, text=True, timeout=120, cwd=tmp)
    if done.returncode:
        raise RuntimeError(f"{python} cannot import asreview: {done.stderr.strip()[-300:]}")
    return done.stdout.strip()


def asreview_order(python: str, records: Sequence[Record], truth: Sequence[bool],
                   priors: Sequence[int], seed: int) -> tuple[list[int], float]:
    """Row numbers in the order ASReview's default model screened them (priors first), and
    the wall time of its ``simulate`` command. ASReview stops at the last relevant record;
    the rows it never read follow in input order (all irrelevant: no metric changes)."""
    with tempfile.TemporaryDirectory(prefix="asreview-bench-") as tmp:
        data = Path(tmp) / "labelled.csv"
        with open(data, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["title", "abstract", "keywords", "included"])
            for record, label in zip(records, truth, strict=True):
                writer.writerow([record.title, record.abstract, "; ".join(record.keywords),
                                 int(label)])
        project = Path(tmp) / "run.asreview"
        command = [python, "-m", "asreview", "simulate", str(data), "--seed", str(seed),
                   "-o", str(project), "--prior-idx", *map(str, priors)]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"asreview simulate failed: {done.stderr.strip()[-600:]}")
        with zipfile.ZipFile(project) as archive:
            archive.extract("results.db", tmp)
        connection = sqlite3.connect(Path(tmp) / "results.db")
        try:
            rows = connection.execute(
                "SELECT record.dataset_row FROM results JOIN record "
                "ON record.record_id = results.record_id ORDER BY results.rowid").fetchall()
        finally:
            connection.close()
    order = [int(row[0]) for row in rows]
    if sorted(order[: len(priors)]) != sorted(priors):
        raise RuntimeError("ASReview did not start from the prior records given")
    seen = set(order)
    return order + [i for i in range(len(records)) if i not in seen], seconds


def figures(found: Sequence[bool], seconds: float) -> dict[str, float]:
    to_95 = records_to_recall(found, 0.95)
    return {"WSS@95": wss(found) or 0.0, "RRF@10": recall_at(found, 0.10) or 0.0,
            "recall@10%": recall_at(found, 0.10) or 0.0,
            "recall@25%": recall_at(found, 0.25) or 0.0,
            "recall@50%": recall_at(found, 0.50) or 0.0,
            "to 95%": float(to_95 or 0), "seconds": seconds}


def first_stop(found: Sequence[bool], every: int = 10) -> tuple[int, float] | None:
    """Where the stopping test (95% recall, 95% confidence) first says stop, checked every
    ``every`` records, and the recall actually reached there."""
    total = sum(found)
    for n in range(every, len(found) + 1, every):
        if stopping(found[:n], len(found)).stop:
            return n, sum(found[:n]) / total
    return None


def table(results: dict[str, list[dict[str, float]]]) -> str:
    columns = list(next(iter(results.values()))[0])
    lines = ["method        " + "".join(f"{c:>17}" for c in columns)]
    for name, runs in results.items():
        cells = []
        for column in columns:
            values = [run[column] for run in runs]
            mean = statistics.fmean(values)
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            if column in ("to 95%", "seconds"):
                cells.append(f"{mean:9.1f} ± {sd:5.1f}")
            elif column == "WSS@95":
                cells.append(f"{mean:9.3f} ± {sd:5.3f}")
            else:
                cells.append(f"{mean:8.1%} ± {sd:5.1%}")
        lines.append(f"{name:<14}" + "".join(f"{c:>17}" for c in cells))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--label-column", default="label_abstract_screening")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--prior", type=int, default=1)
    parser.add_argument("--batch", type=int, default=10, help="ours: records between "
                        "retrainings (ASReview retrains after every record)")
    parser.add_argument("--asreview-python", default=os.environ.get("ASREVIEW_PYTHON"))
    parser.add_argument("--plot", help="write the recall curves of the first seed here")
    args = parser.parse_args(argv)

    if not Path(args.data).exists():
        print(f"{args.data} is absent: nothing to benchmark")
        return 0
    records, labels, duplicates = read_labelled(args.data, args.label_column)
    relevant = sum(labels[r.record_id] for r in records)
    print(f"{Path(args.data).name}: {len(records)} records ({duplicates} flagged duplicates "
          f"set aside), {relevant} relevant ({args.label_column}); {args.repeat} "
          f"repetitions, seeds {args.seed}..{args.seed + args.repeat - 1}, "
          f"{args.prior} + {args.prior} prior decisions each")
    python = _asreview(args.asreview_python)
    results, stops, curves = _replay(args, records, labels, python)
    print()
    sys.stdout.write(table(results))
    print("(mean ± sd over the repetitions; metrics exclude the prior records; ASReview's "
          "time is the wall time of its command, interpreter start included)")
    for seed, stop in zip(range(args.seed, args.seed + args.repeat), stops, strict=True):
        if stop:
            print(f"stopping test (95% recall, 95% confidence), litreview seed {seed}: stop "
                  f"after {stop[0]} records, recall then {stop[1]:.1%}")
    if args.plot:
        atomic_write_text(args.plot, recall_svg(curves, title=f"{Path(args.data).name}, "
                                                f"seed {args.seed}"))
        print(f"recall curves written to {args.plot}")
    if python:
        ours_wss = statistics.fmean(r["WSS@95"] for r in results["litreview"])
        theirs = statistics.fmean(r["WSS@95"] for r in results["ASReview"])
        met = ours_wss >= theirs
        print(f"target: WSS@95 at least ASReview's ({ours_wss:.3f} vs {theirs:.3f}): "
              + ("met" if met else "missed"))
        return 0 if met else 1
    return 0


def _asreview(python: str | None) -> str | None:
    """The Python that runs ASReview, when it is given and works; says which, or why not."""
    if not python:
        print(f"note: ASReview not run: $ASREVIEW_PYTHON is not set ({INSTALL}); "
              "only our figures follow")
        return None
    try:
        print(f"ASReview {asreview_version(python)} (default model) via {python}")
    except (RuntimeError, OSError) as error:
        print(f"note: ASReview not run: {error}")
        return None
    return python


def _replay(args: argparse.Namespace, records, labels, python: str | None):
    """Every seed's screening replayed by ours, ours on words only, and ASReview: the
    figures by method, our stopping point per seed, and the first seed's recall curves."""
    ids = [r.record_id for r in records]
    truth = [labels[rid] for rid in ids]
    results: dict[str, list[dict[str, float]]] = {"litreview": [], "words only": []}
    if python:
        results["ASReview"] = []
    stops: list[tuple[int, float] | None] = []
    curves: dict[str, Sequence[bool]] = {}
    index = {rid: i for i, rid in enumerate(ids)}
    for seed in range(args.seed, args.seed + args.repeat):
        priors = choose_priors(ids, truth, args.prior, seed)
        ours = simulate(records, labels, seed=seed, priors=priors, batch=args.batch)
        results["litreview"].append(figures(ours.found, ours.seconds))
        stops.append(first_stop(ours.found))
        words = simulate(records, labels, seed=seed, priors=priors, batch=args.batch,
                         model=Model(char_ngrams=None))
        results["words only"].append(figures(words.found, words.seconds))
        line = (f"seed {seed}: litreview WSS@95 {ours.wss95:.3f} in {ours.seconds:.1f} s "
                f"(batch {args.batch}); words only {words.wss95:.3f} in "
                f"{words.seconds:.1f} s")
        if seed == args.seed:
            curves["litreview"] = ours.found
        if python:
            prior_rows = [index[p] for p in priors]
            order, seconds = asreview_order(python, records, truth, prior_rows, seed)
            found = [truth[i] for i in order[len(prior_rows):]]
            results["ASReview"].append(figures(found, seconds))
            line += f"; ASReview WSS@95 {wss(found):.3f} in {seconds:.1f} s"
            if seed == args.seed:
                curves["ASReview (default model)"] = found
        print(line, flush=True)
    return results, stops, curves

if __name__ == "__main__":
    raise SystemExit(main())
