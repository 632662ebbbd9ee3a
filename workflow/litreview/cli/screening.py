"""``litreview screen``: the screening stages, their sheets, agreement and conflicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from litreview.cli.outputs import output_folder
from litreview.core.fileio import CsvDictReader, atomic_write_bytes, atomic_write_text


def _load_screening(root: Path, unique: str, groups: str):
    from litreview.core.records import read_records
    from litreview.core.review import load_review
    from litreview.screening.stages import load_criteria, read_sheets, screen

    review = load_review(root)
    criteria = load_criteria(root / review.criteria)
    records = read_records(unique)
    with open(groups, newline="", encoding="utf-8") as handle:
        aliases = {row["record_id"]: row["group_id"] for row in CsvDictReader(handle)}
    sheets = read_sheets(root / review.decisions, [s.id for s in criteria.stages])
    return review, criteria, records, screen(records, criteria, sheets, aliases), sheets, \
        aliases


def _cmd_screen(args: argparse.Namespace) -> int:
    from litreview.screening.stages import (
        AGREEMENT_COLUMNS,
        STATUS_COLUMNS,
        TO_SCREEN_COLUMNS,
        agreement_rows,
        conflict_rows,
        prioritise,
        status_rows,
        table_csv,
        to_screen_rows,
        xlsx_bytes,
    )

    root = Path(args.review)
    review, _, records, result, sheets, aliases = _load_screening(root, args.unique,
                                                                  args.groups)
    for sheet in sheets:
        for warning in sheet.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    by_id = {r.record_id: r for r in records}
    out = Path(args.out)
    ranked_stage = next((s.stage.id for s in result.stages if s.stage.kind == "screening"),
                        None) if review.prioritise else None
    previous = {r.record_id for r in records  # an update's records left from before
                if review.update_of and not review.search_round(r.searched)}
    for stage in result.stages:
        folder = out / stage.stage.id
        rows = to_screen_rows(stage, by_id, previous)
        notes: list[str] = []
        if stage.stage.id == ranked_stage:
            order, notes = prioritise(stage, by_id, sheets, aliases)
            position = {rid: i for i, rid in enumerate(order)}
            rows.sort(key=lambda row: position.get(row[0], len(position)))
            notes = ["Ranked: most likely relevant first, learnt from the decisions so far.",
                     *notes]
            atomic_write_text(folder / "stopping.txt", "\n".join(notes) + "\n")
        else:
            atomic_write_text(folder / "stopping.txt", "Not ranked: prioritisation is off "
                              "(screening: prioritise: true in review.yaml) or this is not "
                              "the title/abstract stage.\n")
        header = [[f"# {note}"] for note in notes]
        atomic_write_text(folder / "to_screen.csv", table_csv(TO_SCREEN_COLUMNS, rows,
                                                              preamble=header))
        atomic_write_bytes(folder / "to_screen.xlsx", xlsx_bytes(TO_SCREEN_COLUMNS, rows,
                                                                 preamble=header))
        atomic_write_text(folder / "agreement.csv", table_csv(
            AGREEMENT_COLUMNS, agreement_rows(stage)))
        atomic_write_text(folder / "conflicts.csv", table_csv(
            ["stage", "record_id", "decisions", "resolution"], conflict_rows(stage)))
    atomic_write_text(out / "status.csv", table_csv(STATUS_COLUMNS, status_rows(result)))
    from litreview.core.contracts import UNIQUE_EXTRA_COLUMNS
    from litreview.core.records import records_to_csv

    included = [by_id[i] for i in result.included]
    atomic_write_text(out / "included.csv", records_to_csv(included, UNIQUE_EXTRA_COLUMNS))
    for stage in result.stages:
        waiting = len(stage.ids("awaiting", "conflict"))
        if waiting:
            print(f"{stage.stage.id}: awaiting screening: {waiting}", file=sys.stderr)
    waiting_total = sum(result.awaiting.values())
    if (args.strict or review.strict) and waiting_total:
        print(f"strict screening: {waiting_total} records await a decision", file=sys.stderr)
        return 1
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The screen subcommand."""
    p = sub.add_parser("screen", help="apply the screening stages")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--unique", default="results/dedupe/unique.csv",
                   help="the unique records from dedupe (default: %(default)s)")
    p.add_argument("--groups", default="results/dedupe/groups.csv",
                   help="the duplicate groups from dedupe (default: %(default)s)")
    p.add_argument("--out", default="results/screening", type=output_folder,
                   help="the folder to write the stages' sheets into (default: %(default)s)")
    p.add_argument("--strict", action="store_true", help="fail while records await a decision")
    p.set_defaults(func=_cmd_screen)
