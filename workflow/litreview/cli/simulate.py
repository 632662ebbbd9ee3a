"""``litreview simulate``: replay a screening of labelled records with prioritisation.

A team that has screened a review by hand (or a benchmark dataset) can see what ranking
would have saved: recall after each share of records read, WSS@95, RRF@10 and the records
read to reach 95% recall, for one or several seeds, and a recall-curve plot.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

from litreview.cli.outputs import output_file
from litreview.core.errors import InputError, Problem
from litreview.core.records import Record, split_list
from litreview.core.text import clean_text

#: Columns that flag a record as a duplicate of another one (the systematic-review-datasets
#: and SYNERGY convention): such a record is set aside before screening, as PRISMA does.
DUPLICATE_COLUMN = "duplicate_record_id"


def read_labelled(path: str | Path, label_column: str = "label_included"
                  ) -> tuple[list[Record], dict[str, bool], int]:
    """Records, their 0/1 labels, and how many flagged duplicates were set aside.

    Needs a ``title`` column and the label column; ``record_id`` (default: the line
    number), ``abstract``, ``keywords`` and ``subjects`` are read when present.
    """
    path = Path(path)
    name = str(path)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in ("title", label_column) if c not in header]
        if missing:
            raise InputError(Problem(name, f"missing column(s): {', '.join(missing)}", line=1,
                                     hint=f"columns found: {', '.join(header) or 'none'}"))
        records: list[Record] = []
        labels: dict[str, bool] = {}
        problems: list[Problem] = []
        duplicates = 0
        for row in reader:
            line = reader.line_num
            if (row.get(DUPLICATE_COLUMN) or "").strip():
                duplicates += 1
                continue
            record_id = (row.get("record_id") or "").strip() or f"line{line}"
            value = (row.get(label_column) or "").strip()
            if value not in ("0", "1"):
                problems.append(Problem(name, f"{label_column} is {value!r}, not 0 or 1",
                                        line=line))
                continue
            if record_id in labels:
                problems.append(Problem(name, f"record_id {record_id} appears twice",
                                        line=line))
                continue
            labels[record_id] = value == "1"
            records.append(Record(
                record_id, "labelled", name, len(records) + 1, source_line=line,
                title=clean_text(row.get("title")), abstract=clean_text(row.get("abstract")),
                keywords=split_list(row.get("keywords")),
                subjects=split_list(row.get("subjects"))))
    if problems:
        raise InputError(problems)
    return records, labels, duplicates


def cmd_simulate(args: argparse.Namespace) -> int:
    """Replay the screening ``--repeat`` times (seeds ``--seed`` onwards), print the table."""
    from litreview.core.fileio import atomic_write_text
    from litreview.screening import DEFAULT_MODEL, Model, recall_svg, simulate

    records, labels, duplicates = read_labelled(args.labelled, args.label_column)
    relevant = sum(labels.values())
    if relevant < args.prior or len(labels) - relevant < args.prior:
        raise InputError(Problem(args.labelled, f"{relevant} relevant and "
                                 f"{len(labels) - relevant} irrelevant records: too few for "
                                 f"{args.prior} + {args.prior} prior decisions"))
    print(f"{args.labelled}: {len(records)} records, {relevant} relevant "
          f"({args.label_column})"
          + (f"; {duplicates} flagged duplicates ({DUPLICATE_COLUMN}) set aside"
             if duplicates else ""))
    model = Model(char_ngrams=None) if args.words_only else DEFAULT_MODEL
    print(f"{args.prior} relevant + {args.prior} irrelevant prior decisions per run, "
          f"retrained every {args.batch} record(s)"
          + (", words only" if args.words_only else "") + "; metrics exclude the priors")
    try:
        runs = [simulate(records, labels, seed=seed, prior=args.prior, batch=args.batch,
                         model=model)
                for seed in range(args.seed, args.seed + args.repeat)]
    except ValueError as error:  # e.g. no words in any title or abstract
        raise InputError(Problem(args.labelled, str(error),
                                 hint="the ranking learns from titles and abstracts; give "
                                 "records with text")) from None
    sys.stdout.write(metrics_table(runs))
    plot = args.plot or f"{Path(args.labelled).stem}.recall.svg"
    curves = {f"seed {run.seed}": run.found for run in runs}
    atomic_write_text(plot, recall_svg(
        curves, title=f"{Path(args.labelled).name}: recall with prioritised screening"))
    print(f"recall curve written to {plot}")
    return 0


def metrics_table(runs: Sequence) -> str:
    """One row per run (and their mean when there are several): the figures of the issue."""
    if not runs:
        return ""
    shares = [share for share, _ in runs[0].recall]
    head = (["seed", "WSS@95", "RRF@10"] + [f"recall@{share:.0%}" for share in shares]
            + ["to 95%", "seconds"])
    rows = []
    for run in runs:
        rows.append([str(run.seed), _num(run.wss95), _pct(run.rrf10)]
                    + [_pct(value) for _, value in run.recall]
                    + [str(run.to_95), f"{run.seconds:.1f}"])
    if len(runs) > 1:
        def mean(values: Sequence[float | None]) -> float | None:
            known = [v for v in values if v is not None]
            return sum(known) / len(known) if known else None

        rows.append(["mean", _num(mean([r.wss95 for r in runs])),
                     _pct(mean([r.rrf10 for r in runs]))]
                    + [_pct(mean([r.recall[i][1] for r in runs])) for i in range(len(shares))]
                    + [f"{mean([r.to_95 for r in runs]):.1f}",
                       f"{mean([r.seconds for r in runs]):.1f}"])
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    return "".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) + "\n"
                   for row in [head, *rows])


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_parsers(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The simulate subcommand."""
    p = sub.add_parser(
        "simulate", help="replay a screening with prioritisation: recall curve, WSS@95",
        description="Replay a title/abstract screening from labelled records: start from "
        "--prior relevant and --prior irrelevant decisions drawn with the seed, then read the "
        "records the model ranks highest, --batch at a time, retraining after each batch.")
    p.add_argument("labelled", metavar="LABELLED.csv",
                   help="CSV with title, a 0/1 label column, and record_id, abstract, "
                   "keywords when present")
    p.add_argument("--label-column", default="label_included",
                   help="the 0/1 column (default: label_included)")
    p.add_argument("--seed", type=int, default=0, help="seed of the first run (default 0)")
    p.add_argument("--prior", type=_positive, default=1,
                   help="relevant and irrelevant prior decisions each (default 1)")
    p.add_argument("--batch", type=_positive, default=10,
                   help="records read between retrainings (default 10; 1 is slowest and "
                   "closest to interactive screening)")
    p.add_argument("--repeat", type=_positive, default=1,
                   help="runs, with seeds --seed, --seed + 1, ... (default 1)")
    p.add_argument("--plot", metavar="RECALL.svg", type=output_file,
                   help="where to write the recall curves (default: LABELLED.recall.svg in "
                   "the current directory)")
    p.add_argument("--words-only", action="store_true",
                   help="leave out the character n-grams (ASReview's ELAS u4 features), to "
                   "compare on your own labelled reviews")
    p.set_defaults(func=cmd_simulate)
    return p
