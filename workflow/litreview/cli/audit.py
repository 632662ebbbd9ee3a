"""``litreview audit``, ``verify`` and ``trail``: reproduce every count from the files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from litreview.cli.outputs import output_file
from litreview.core import paths
from litreview.core.fileio import atomic_write_text


def _cmd_audit(args: argparse.Namespace) -> int:
    from litreview.audit.manifest import derived_counts, manifest, review_inputs
    from litreview.core.review import load_review

    root = Path(args.review)
    review = load_review(root)
    counts = json.loads(Path(args.counts).read_text(encoding="utf-8"))

    def text(path: str) -> str:
        return Path(path).read_text(encoding="utf-8")

    derived = derived_counts({paths.slug_of(p): text(p) for p in args.hits},
                             [text(p) for p in args.agreement],
                             text(args.coding) if args.coding else "")
    atomic_write_text(args.output, manifest(root, review_inputs(review, root), counts,
                                            derived))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from litreview.audit.verify import verify
    from litreview.core.review import CONFIG_NAME, load_review

    root = Path(args.review)
    if not (root / CONFIG_NAME).is_file():
        load_review(root)  # no review here: say so as check and trail do, not "no manifest"
    differences = verify(root)
    if not differences:
        print(f"{args.review}: every input and every count matches the audit manifest")
        return 0
    print(f"{args.review}: does not match the audit manifest; first: {differences[0]}")
    for line in differences[1:]:
        print(f"  also: {line}")
    return 1


def _cmd_trail(args: argparse.Namespace) -> int:
    from litreview.audit.trail import trail

    sys.stdout.write("\n".join(trail(args.record_id, Path(args.review))) + "\n")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The audit, verify and trail subcommands."""
    p = sub.add_parser("audit", help="write the audit manifest")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--counts", default=paths.COUNTS,
                   help="the PRISMA counts to record (default: %(default)s)")
    p.add_argument("--hits", nargs="*", default=[], help="results/search/<db>.hits.csv files")
    p.add_argument("--agreement", nargs="*", default=[],
                   help="results/screening/<stage>/agreement.csv files")
    p.add_argument("--coding", help="the coding's tables, results/robustness/summary.csv "
                                     "(when the review has a coding form)")
    p.add_argument("-o", "--output", default=paths.MANIFEST, type=output_file,
                   help="the manifest to write (default: %(default)s)")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser("verify", help="recompute every count from the inputs and compare "
                                      "with the audit manifest (exit 1 on a difference)")
    p.add_argument("review", nargs="?", default=".",
                   help="the review directory, holding review.yaml (default: here)")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("trail", help="where a record came from and every decision on it")
    p.add_argument("record_id", help="the record's id (as in results/records or a "
                                      "decision sheet)")
    p.add_argument("review", nargs="?", default=".",
                   help="the review directory, holding review.yaml (default: here)")
    p.set_defaults(func=_cmd_trail)
