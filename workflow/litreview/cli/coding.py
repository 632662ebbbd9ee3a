"""``litreview code``: the studies coded by the review's own form (``screening/coding.yaml``)
— their typology levels, the form's tables, the coders' agreement and conflicts."""

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
    from litreview.pipeline.stages import screen_review

    root = Path(args.review)
    review = load_review(root)
    records = read_records(args.unique)
    aliases = read_groups(args.groups).group_of
    screened = screen_review(root, review, records, aliases)
    coding = code_review(root, review, screened.result, {r.record_id: r for r in records},
                         aliases)
    if coding is None:
        print(f"no coding form: {root / review.coding} does not exist (nothing to code)",
              file=sys.stderr)
        return 0
    warn(w for sheet in coding.sheets for w in sheet.warnings)
    _write(Path(args.out), coding)
    if coding.awaiting:
        print(f"coding: {len(coding.awaiting)} of {len(coding.to_code)} studies await an "
              "agreed coding", file=sys.stderr)
    return 0


def _write(out: Path, coding) -> None:
    """The coding folder's files (:data:`litreview.core.paths.CODING_FILES`)."""
    from litreview.coding import CSV_HEADER, table_csv_rows, table_markdown

    summary, tables, studies, agreement, conflicts = paths.CODING_FILES
    n = len(coding.studies)
    lines = [f"# Coding of {n} stud{'y' if n == 1 else 'ies'}", ""]
    if coding.awaiting:
        lines += [f"{len(coding.awaiting)} of {len(coding.to_code)} studies await an agreed "
                  "coding and are not counted.", ""]
    lines += [table_markdown(t) for t in coding.tables]
    atomic_write_text(out / summary, "\n".join(lines).rstrip() + "\n")
    atomic_write_text(out / tables, csv_text(CSV_HEADER, [r for t in coding.tables
                                                          for r in table_csv_rows(t)]))
    fields = [f.id for f in coding.form.fields]
    typologies = [t.id for t in coding.form.typologies]
    header = ["record_id", "year", "title", *fields,
              *[c for t in typologies for c in (t, f"{t}_because", f"{t}_overridden")]]
    rows = [[s.record_id, s.year, s.title, *(s.values.get(f, "") for f in fields),
             *[v for t in typologies for v in (s.levels[t].level, s.levels[t].because,
                                               "yes" if s.levels[t].overridden else "")]]
            for s in coding.studies]
    atomic_write_text(out / studies, csv_text(header, rows))
    atomic_write_text(out / agreement, csv_text(
        ["field", "coder_a", "coder_b", "both_coded", "agreed", "percent_agreement", "kappa"],
        [[a.field, a.coder_a, a.coder_b, a.both, a.agreed,
          "" if a.percent is None else f"{a.percent:.1f}",
          "" if a.kappa is None else f"{a.kappa:.3f}"] for a in coding.agreement]))
    figure = out / "appraisal.svg"
    if coding.form.appraisal:  # the figure of the fields the form names
        from litreview.coding import appraisal_svg

        criteria = [coding.form.field(name) for name in coding.form.appraisal]
        labels = [(f"{s.title[:30]} ({s.year})" if s.year else s.title[:30], s.values)
                  for s in coding.studies]
        atomic_write_text(figure, appraisal_svg(criteria, labels))
    elif figure.exists():
        figure.unlink()  # no longer asked for
    atomic_write_text(out / conflicts, csv_text(
        ["record_id", "field", "values", "agreed"],
        [[c.record_id, c.field, "; ".join(f"{who}: {value}" for who, value in c.values),
          c.agreed or ""] for c in coding.conflicts]))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The code subcommand."""
    p = sub.add_parser("code", help="code the studies by the review's coding form")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--unique", default=paths.UNIQUE, help="default: %(default)s")
    p.add_argument("--groups", default=paths.GROUPS, help="default: %(default)s")
    p.add_argument("--out", default=paths.CODING, type=output_folder,
                   help="the folder to write into (default: %(default)s)")
    p.set_defaults(func=_cmd_code)
