"""Deduplication benchmark: accuracy and speed on the labelled sets, against bib-dedupe.

Reads ../shared/realdata/dedup/<dataset>/records_pre_merged.csv (one row per record) and
merged_record_ids.csv (one row per true duplicate group), runs ``litreview.dedupe.deduplicate`` and,
in the same run, bib-dedupe from PyPI; then times both on a 100,000-record scale set made
from the benchmark records with the perturbations databases introduce.

Counting follows bib-dedupe (``compare_dedupe_id``): for each true group with k members
kept, k = 0 is one false positive (a work lost) and |G|-1 true positives, k >= 1 is one
true negative, k-1 false negatives and |G|-k true positives; a unique record kept is a
true negative, removed a false positive. Pairwise precision, recall and F1 count every
pair of records put in one group.

bib-dedupe runs in its own environment: ``BIB_DEDUPE_PYTHON=/path/to/python`` (default
``/tmp/bibdedupe/bin/python`` if present, else this interpreter if it can import it).

    python benchmarks/dedupe.py                      # everything
    python benchmarks/dedupe.py --datasets stroke --no-bib-dedupe --scale 0

Garbled exports: one member of 30 % of the true groups of each set is rewritten the way
real exports garble a field (author lists run together, a volume cut or mangled, a
supplement issue, "S"-prefixed pages, a conference in the journal field, "Anonymous"
authors, a title in capitals or brackets, a DOI dropped), one kind at a time, seeded; the
garbled pairs found and the false merges are printed for these rules and for the rules of
``--against`` (a git revision, extracted to a temporary folder and run in a subprocess).

Leave one dataset out: the three parameters that trade found duplicates against false
merges (``Weights.same``, ``similar``, ``garbled``) are chosen on four sets, as exported and
garbled (see :func:`choose` for the objective), and the fifth is scored with them; the
chosen values are printed per fold. ``--extra DIR`` scores further sets in the same layout,
never tuned on, with the values chosen on all five.

The parts live in ``benchmarks/dedupe_bench/``; ``--errors`` names, for every record of a
missed or wrongly joined group, the rule that joined it, and the rule or veto that decided
the closest pair across the split.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dedupe_bench.data import DATA, DATASETS, load
from dedupe_bench.errors import errors
from dedupe_bench.garbling import garbled_table
from dedupe_bench.runners import bib_dedupe_python, bib_dedupe_version, run_bib_dedupe, run_ours
from dedupe_bench.scale import SCALE_SEED, scale_set
from dedupe_bench.scoring import HEADER, Score, row, score
from dedupe_bench.tuning import leave_one_out

#: The commit whose rules the garbled-exports table compares with: before issue 12.
RULES_BEFORE = "4d56a63"

Targets = list[tuple[str, bool]]


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--no-bib-dedupe", action="store_true")
    parser.add_argument("--scale", type=int, default=100_000, help="0 to skip")
    parser.add_argument("--errors", action="store_true",
                        help="list every missed and every wrongly joined group")
    parser.add_argument("--no-leave-one-out", action="store_true",
                        help="skip the leave-one-dataset-out table")
    parser.add_argument("--no-garbled", action="store_true",
                        help="skip the garbled-exports table")
    parser.add_argument("--against", default=RULES_BEFORE,
                        help="git revision whose rules the garbled-exports table compares "
                             f"with (default {RULES_BEFORE}, the rules before issue 12)")
    parser.add_argument("--extra", type=Path, nargs="*", default=[],
                        help="further labelled sets (records_pre_merged.csv and "
                             "merged_record_ids.csv), scored without tuning")
    return parser


@dataclass
class Accuracy:
    """The labelled sets' table: totals per tool, bib-dedupe's time over ours per set, and
    the error listing."""

    totals: dict[str, Score] = field(default_factory=lambda: {"litreview": Score(),
                                                              "bib-dedupe": Score()})
    ratios: dict[str, float] = field(default_factory=dict)
    listing: list[str] = field(default_factory=list)


def accuracy(names: Sequence[str], python: str | None, listed: bool) -> Accuracy:
    """Run both tools on each labelled set and print a row each, then the totals."""
    out = Accuracy()
    print(HEADER)
    for name in names:
        records, truth = load(name)
        run = run_ours(records)
        ours = score(records, truth, run.groups)
        ours.seconds, ours.peak_mb = run.seconds, run.peak_mb
        out.totals["litreview"] += ours
        print(row(name, "litreview", ours) + f"   ({run.uncertain} uncertain pairs listed)")
        if listed:
            out.listing += [f"== {name}", *errors(records, truth, run)]
        if python:
            seconds, peak, found = run_bib_dedupe(python, DATA / name / "records_pre_merged.csv")
            theirs = score(records, truth, found)
            theirs.seconds, theirs.peak_mb = seconds, peak
            out.totals["bib-dedupe"] += theirs
            out.ratios[name] = theirs.seconds / ours.seconds
            print(row(name, "bib-dedupe", theirs))
    print(row("TOTAL", "litreview", out.totals["litreview"]))
    if python:
        print(row("TOTAL", "bib-dedupe", out.totals["bib-dedupe"]))
        print()
        for name, ratio in out.ratios.items():
            print(f"time ratio bib-dedupe / litreview on {name}: {ratio:.1f}x")
    return out


def accuracy_targets(names: Sequence[str], done: Accuracy) -> Targets:
    ours, ratios = done.totals["litreview"], done.ratios
    met: Targets = []
    if set(names) == set(DATASETS):
        met.append((f"sensitivity >= 0.99 with <= 5 false positives over the five sets "
                    f"({ours.sensitivity:.4f}, {ours.fp})",
                    ours.sensitivity >= 0.99 and ours.fp <= 5))
    if "digital_work" in ratios:
        met.append((f">= 5x faster than bib-dedupe on digital_work ({ratios['digital_work']:.1f}x)",
                    ratios["digital_work"] >= 5))
    return met


def scale_targets(size: int) -> Targets:
    """Time and memory on ``size`` records (the target is for 100,000)."""
    records, truth = scale_set(size)
    print(f"\nscale set: {len(records)} records from the benchmark records with perturbed "
          f"copies (seed {SCALE_SEED}), {len(truth)} true groups")
    run = run_ours(records)
    s = score(records, truth, run.groups)
    s.seconds, s.peak_mb = run.seconds, run.peak_mb
    print(HEADER)
    print(row("scale", "litreview", s) + f"   ({run.uncertain} uncertain pairs listed)")
    if size != 100_000:
        return []
    return [(f"100,000 records in < 60 s and < 4 GB ({s.seconds:.1f} s, {s.peak_mb:.0f} MB)",
             s.seconds < 60 and s.peak_mb < 4096)]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not DATA.exists():
        print(f"benchmark data not found: {DATA}", file=sys.stderr)
        return 2
    python = None if args.no_bib_dedupe else bib_dedupe_python()
    if not args.no_bib_dedupe and python is None:
        print("note: bib-dedupe is not installed; set BIB_DEDUPE_PYTHON to a Python that can "
              "import it (python3 -m venv /tmp/bibdedupe && /tmp/bibdedupe/bin/pip install "
              "bib-dedupe). Its rows and the time ratio are skipped.\n")
    elif python:
        print(f"bib-dedupe {bib_dedupe_version(python)} from {python}\n")
    done = accuracy(args.datasets, python, args.errors)
    met = accuracy_targets(args.datasets, done)
    if not args.no_leave_one_out and len(args.datasets) > 1:
        met += leave_one_out(args.datasets, args.extra)
    if not args.no_garbled:
        met += garbled_table(args.datasets, args.against)
    if args.scale:
        met += scale_targets(args.scale)
    if met:
        print()
    for target, ok in met:
        print(f"target {'met' if ok else 'MISSED'}: {target}")
    if done.listing:
        print("\n" + "\n".join(done.listing))
    return 0 if all(ok for _, ok in met) else 1


if __name__ == "__main__":
    raise SystemExit(main())
