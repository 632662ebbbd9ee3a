"""``litreview code``: the studies coded by the review's own form (``screening/coding.yaml``)
— the evidence-robustness summary in ``results/robustness/``: the form's tables, each
study's typology levels, the coders' agreement and conflicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from litreview.cli.outputs import output_folder, warn
from litreview.core import paths
from litreview.core.fileio import atomic_write_text, csv_text


def _cmd_code(args: argparse.Namespace) -> int:
    from litreview.core.records import read_records
    from litreview.core.review import load_review
    from litreview.dedupe import read_groups
    from litreview.pipeline.coding import code_review
    from litreview.pipeline.stages import screen_review, study_links

    root = Path(args.review)
    review = load_review(root)
    records = read_records(args.unique)
    aliases = read_groups(args.groups).group_of
    screened = screen_review(root, review, records, aliases)
    links = study_links(args.studies, aliases)
    if links:
        warn(links.warnings)
    coding = code_review(root, review, screened.result, {r.record_id: r for r in records},
                         aliases, links.study_of if links else None)
    if coding is None:
        print(f"no coding form: {root / review.coding} does not exist (nothing to code)",
              file=sys.stderr)
        return 0
    warn(w for sheet in coding.sheets for w in sheet.warnings)
    _write(Path(args.out), coding)
    if coding.awaiting:
        print(f"coding: {len(coding.awaiting)} of {len(coding.to_code)} studies await an "
              f"agreed coding in {review.coding_sheets}", file=sys.stderr)
    for row in coding.set_aside:
        print(f"warning: {row.file}:{row.line}: '{row.record_id}' is coded but no longer "
              "coded here (screened out since); kept, not counted", file=sys.stderr)
    return 0


def _write(out: Path, coding) -> None:
    """The coding folder's files (:data:`litreview.core.paths.CODING_FILES`, and the
    appraisal figure when the form draws one)."""
    from litreview.coding import (
        CSV_HEADER,
        appraisal_labels,
        appraisal_svg,
        studies_table,
        summary_markdown,
        table_csv_rows,
    )

    form = coding.form
    atomic_write_text(out / paths.SUMMARY_MD, summary_markdown(
        form, coding.tables, coding.studies, coding.awaiting, coding.set_aside))
    atomic_write_text(out / paths.SUMMARY_CSV, csv_text(
        CSV_HEADER, [r for t in coding.tables for r in table_csv_rows(t)]))
    atomic_write_text(out / paths.STUDIES_CSV, csv_text(*studies_table(form, coding.studies)))
    atomic_write_text(out / paths.AGREEMENT_CSV, csv_text(
        ["field", "coder_a", "coder_b", "both_coded", "agreed", "percent_agreement", "kappa"],
        [[a.field, a.coder_a, a.coder_b, a.both, a.agreed,
          "" if a.percent is None else f"{a.percent:.1f}",
          "" if a.kappa is None else f"{a.kappa:.3f}"] for a in coding.agreement]))
    atomic_write_text(out / paths.CONFLICTS_CSV, csv_text(
        ["record_id", "field", "values", "agreed"],
        [[c.record_id, c.field, "; ".join(f"{who}: {value}" for who, value in c.values),
          c.agreed or ""] for c in coding.conflicts]))
    figure = out / paths.APPRAISAL_SVG
    if form.appraisal:  # the figure of the fields the form names
        criteria = [form.field(name) for name in form.appraisal]
        atomic_write_text(figure, appraisal_svg(criteria, appraisal_labels(coding.studies)))
    elif figure.exists():
        figure.unlink()  # no longer asked for


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The code subcommand."""
    p = sub.add_parser("code", help="code the studies by the review's coding form")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--unique", default=paths.UNIQUE, help="default: %(default)s")
    p.add_argument("--groups", default=paths.GROUPS, help="default: %(default)s")
    p.add_argument("--studies", default=paths.STUDIES_SHEET,
                   help="reports of one study, coded once (default: %(default)s, if present)")
    p.add_argument("--out", default=paths.CODING, type=output_folder,
                   help="the folder to write into (default: %(default)s)")
    p.set_defaults(func=_cmd_code)
