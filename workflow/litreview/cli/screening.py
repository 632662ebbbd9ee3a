"""``litreview screen``: the screening stages, their sheets, agreement and conflicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from litreview.cli.outputs import output_folder, warn
from litreview.core import paths
from litreview.core.collector import collector_paused
from litreview.core.contracts import (
    AGREEMENT_COLUMNS,
    CONFLICT_COLUMNS,
    STATUS_COLUMNS,
    TO_SCREEN_COLUMNS,
    UNIQUE_EXTRA_COLUMNS,
    Status,
)
from litreview.core.fileio import atomic_open, atomic_write_bytes, atomic_write_text, write_csv


# Records and rows hold no cycles; XlsxWriter's links do (at most 65,530 a sheet), freed at
# the job's end.
@collector_paused()
def _cmd_screen(args: argparse.Namespace) -> int:
    """Apply the screening stages (:func:`pipeline.stages.screen_review`) and write each
    stage's sheet to screen from, agreement and conflicts, every status and the included."""
    from litreview.core.records import WITHOUT_ORIGINAL, read_records, write_records
    from litreview.core.review import load_review
    from litreview.dedupe import read_groups
    from litreview.pipeline.stages import screen_review, to_screen
    from litreview.screening import status_rows, table_csv

    root = Path(args.review)
    review = load_review(root)
    records = read_records(args.unique, columns=WITHOUT_ORIGINAL)  # theirs: the included's
    aliases = read_groups(args.groups).group_of
    screened = screen_review(root, review, records, aliases)
    warn(w for sheet in screened.sheets for w in sheet.warnings)
    out = Path(args.out)
    for stage, sheet in zip(screened.result.stages, to_screen(review, screened, records, aliases),
                            strict=True):
        _write_stage(out / sheet.stage, stage, sheet)
    atomic_write_text(out / paths.STATUS_CSV,
                      table_csv(STATUS_COLUMNS, status_rows(screened.result)))
    position = {r.record_id: i for i, r in enumerate(records)}
    whole = read_records(args.unique, rows=sorted(position[i] for i in screened.result.included))
    by_id = {r.record_id: r for r in whole}
    write_records(out / paths.INCLUDED_CSV, [by_id[i] for i in screened.result.included],
                  UNIQUE_EXTRA_COLUMNS)
    for stage in screened.result.stages:
        waiting = len(stage.ids(Status.AWAITING, Status.CONFLICT))
        if waiting:
            print(f"{stage.stage.id}: awaiting screening: {waiting}", file=sys.stderr)
    waiting_total = sum(screened.result.awaiting.values())
    if (args.strict or review.strict) and waiting_total:
        print(f"strict screening: {waiting_total} records await a decision", file=sys.stderr)
        return 1
    return 0


def _write_stage(folder: Path, stage, sheet) -> None:
    """One stage's folder: the sheet to screen from (CSV and XLSX), the stopping guidance,
    reviewers' agreement and the conflicts."""
    from litreview.screening import agreement_rows, conflict_rows, table_csv, to_screen_xlsx

    notes = ["Ranked: most likely relevant first, learnt from the decisions so far.",
             *sheet.notes] if sheet.ranked else []
    atomic_write_text(folder / paths.STOPPING_TXT, "\n".join(notes) + "\n" if sheet.ranked else
                      "Not ranked: prioritisation is off (screening: prioritise: true in "
                      "review.yaml) or this is not the title/abstract stage.\n")
    header = [[f"# {note}"] for note in notes]
    with atomic_open(folder / paths.TO_SCREEN_CSV) as handle:
        write_csv(handle, TO_SCREEN_COLUMNS, sheet.rows, preamble=header)
    atomic_write_bytes(folder / paths.TO_SCREEN_XLSX,
                       to_screen_xlsx(sheet.rows, sheet.reasons, notes, sheet.scores))
    atomic_write_text(folder / paths.AGREEMENT_CSV,
                      table_csv(AGREEMENT_COLUMNS, agreement_rows(stage)))
    atomic_write_text(folder / paths.CONFLICTS_CSV,
                      table_csv(CONFLICT_COLUMNS, conflict_rows(stage)))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The screen subcommand."""
    p = sub.add_parser("screen", help="apply the screening stages")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--unique", default=paths.UNIQUE,
                   help="the unique records from dedupe (default: %(default)s)")
    p.add_argument("--groups", default=paths.GROUPS,
                   help="the duplicate groups from dedupe (default: %(default)s)")
    p.add_argument("--out", default=paths.SCREENING, type=output_folder,
                   help="the folder to write the stages' sheets into (default: %(default)s)")
    p.add_argument("--strict", action="store_true", help="fail while records await a decision")
    p.set_defaults(func=_cmd_screen)
