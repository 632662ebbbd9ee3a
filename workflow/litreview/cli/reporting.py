"""``litreview prisma``, ``robustness``, ``report`` and ``summary``: what a reader sees."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from litreview.cli.outputs import output_file, output_folder
from litreview.core.fileio import CsvDictReader, atomic_write_bytes, atomic_write_text


def _read_status(path: str):
    from litreview.screening.stages import Outcome

    with open(path, newline="", encoding="utf-8") as handle:
        return [Outcome(r["record_id"], r["stage"], r["status"], r["reason"], r["decided_by"],
                        r.get("note", "")) for r in CsvDictReader(handle)]


def set_aside_dates(review, rejects: list[str]) -> dict[str, list[str]]:
    """The search date of each record set aside as unreadable, by source name, from the
    rejects files of the imports."""
    from litreview.core.review import search_date

    by_slug = {s.slug: s for s in review.sources}
    out: dict[str, list[str]] = {}
    for path in rejects:
        source = by_slug[Path(path).name.split(".")[0]]
        with open(path, newline="", encoding="utf-8") as handle:
            dates = [search_date(r["file"], source.searched) for r in CsvDictReader(handle)]
        if dates:
            out[source.name] = dates
    return out


def _cmd_prisma(args: argparse.Namespace) -> int:
    from litreview.core.review import load_review
    from litreview.reporting.flow import flow_png, flow_svg
    from litreview.reporting.prisma import (
        assert_counts,
        prisma2020_csv,
        prisma_counts,
        read_study_links,
    )
    from litreview.screening.stages import load_criteria

    root = Path(args.review)
    review = load_review(root)
    criteria = load_criteria(root / review.criteria)
    with open(args.groups, newline="", encoding="utf-8") as handle:
        rows = list(CsvDictReader(handle))
    groups = {r["record_id"]: r["group_id"] for r in rows}
    source_of = {r["record_id"]: r["database"] for r in rows}
    new_records = None
    if review.update_of:  # the update's own records, by their search dates
        from litreview.core.records import read_records

        new_records = {r.record_id for path in args.records for r in read_records(path)
                       if review.search_round(r.searched)}
    study_of = read_study_links(args.studies, groups) if args.studies else None
    counts = prisma_counts(review, source_of, groups, _read_status(args.status), criteria,
                           new_records=new_records,
                           set_aside=set_aside_dates(review, args.rejects), study_of=study_of)
    assert_counts(counts, args.output)
    atomic_write_text(args.output, json.dumps(counts, indent=2, ensure_ascii=False) + "\n")
    if args.svg:
        atomic_write_text(args.svg, flow_svg(counts))
    if args.png:
        atomic_write_bytes(args.png, flow_png(counts))
    if args.csv:
        atomic_write_text(args.csv, prisma2020_csv(counts))
    return 0


def _cmd_robustness(args: argparse.Namespace) -> int:
    from litreview.core.records import read_records
    from litreview.core.review import load_review
    from litreview.reporting.prisma import read_study_links
    from litreview.reporting.robustness import (
        Extraction,
        bar_chart_svg,
        per_study,
        read_extraction,
        studies_csv,
        summary_csv,
        summary_markdown,
        tables,
    )

    root = Path(args.review)
    review = load_review(root)
    included = {r.record_id: (r.title, r.year) for r in read_records(args.included)}
    with open(args.groups, newline="", encoding="utf-8") as handle:
        aliases = {row["record_id"]: row["group_id"] for row in CsvDictReader(handle)}
    if args.studies:  # reports of one study are coded once, as that study
        included, aliases = per_study(included, aliases, read_study_links(args.studies,
                                                                          aliases))
    sheet = root / review.extraction
    coded = read_extraction(sheet, included, aliases) if sheet.is_file() else \
        Extraction([], list(included), [])
    studies, awaiting = coded.studies, coded.awaiting
    table_list = tables(studies)
    out = Path(args.out)
    atomic_write_text(out / "summary.md", summary_markdown(table_list, studies, awaiting,
                                                           coded.not_included))
    atomic_write_text(out / "summary.csv", summary_csv(table_list))
    atomic_write_text(out / "studies.csv", studies_csv(studies))
    atomic_write_text(out / "charts.html", "".join(bar_chart_svg(t) for t in table_list))
    if awaiting:
        print(f"robustness: {len(awaiting)} included studies await coding in {review.extraction}",
              file=sys.stderr)
    for rid, line in coded.not_included:
        print(f"warning: {review.extraction}:{line}: '{rid}' is coded but no longer included; "
              "not counted", file=sys.stderr)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from litreview.core.records import read_records
    from litreview.core.review import load_review
    from litreview.reporting.report import render_report

    root = Path(args.review)
    review = load_review(root)
    counts = json.loads(Path(args.counts).read_text(encoding="utf-8"))
    hits = {}
    for path in args.hits:
        slug = Path(path).name.split(".")[0]
        hits[review.source(slug).name] = Path(path).read_text(encoding="utf-8")
    agreement = {p: Path(p).read_text(encoding="utf-8") for p in args.agreement}
    stopping = [Path(p).read_text(encoding="utf-8") for p in args.stopping]
    robustness = {name: (Path(args.robustness) / name).read_text(encoding="utf-8")
                  for name in ("summary.csv", "studies.csv", "charts.html", "summary.md")
                  } if args.robustness else {}
    included = read_records(args.included) if args.included else None
    html = render_report(review, counts, Path(args.flow).read_text(encoding="utf-8"), hits,
                         Path(args.overlap).read_text(encoding="utf-8"), agreement, robustness,
                         stopping, included)
    atomic_write_text(args.output, html)
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from litreview.reporting.prisma import summary_text

    sys.stdout.write(summary_text(json.loads(Path(args.counts).read_text(encoding="utf-8"))))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The prisma, robustness, report and summary subcommands."""
    p = sub.add_parser("prisma", help="PRISMA 2020 counts and flow diagram")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--groups", default="results/dedupe/groups.csv",
                   help="the duplicate groups from dedupe (default: %(default)s)")
    p.add_argument("--status", default="results/screening/status.csv",
                   help="every record's outcome at every stage (default: %(default)s)")
    p.add_argument("-o", "--output", default="results/prisma/counts.json", type=output_file,
                   help="where to write the counts (default: %(default)s)")
    p.add_argument("--svg", default="results/prisma/flow.svg", type=output_file,
                   help="where to write the flow diagram (default: %(default)s)")
    p.add_argument("--records", nargs="*", default=[],
                   help="the records files (for an update: which records are new)")
    p.add_argument("--studies", help="screening/studies.csv: reports that tell of one study")
    p.add_argument("--rejects", nargs="*", default=[],
                   help="the rejects files of the imports (records set aside as unreadable)")
    p.add_argument("--png", type=output_file, help="the flow diagram as PNG too")
    p.add_argument("--csv", type=output_file,
                   help="the counts in the PRISMA2020 R package / Shiny template")
    p.set_defaults(func=_cmd_prisma)

    p = sub.add_parser("robustness", help="summarise the coding of the included studies")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--included", default="results/screening/included.csv",
                   help="the included studies (default: %(default)s)")
    p.add_argument("--studies", help="screening/studies.csv: reports that tell of one study")
    p.add_argument("--groups", default="results/dedupe/groups.csv",
                   help="the duplicate groups from dedupe (default: %(default)s)")
    p.add_argument("--out", default="results/robustness", type=output_folder,
                   help="the folder to write the summary into (default: %(default)s)")
    p.set_defaults(func=_cmd_robustness)

    p = sub.add_parser("report", help="write the HTML report")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--counts", default="results/prisma/counts.json",
                   help="the PRISMA counts (default: %(default)s)")
    p.add_argument("--flow", default="results/prisma/flow.svg",
                   help="the flow diagram (default: %(default)s)")
    p.add_argument("--overlap", default="results/dedupe/overlap.csv",
                   help="the overlap between sources (default: %(default)s)")
    p.add_argument("--hits", nargs="*", default=[],
                   help="results/search/<db>.hits.csv files: each strategy's line hits")
    p.add_argument("--agreement", nargs="*", default=[],
                   help="results/screening/<stage>/agreement.csv files")
    p.add_argument("--robustness", help="folder of the robustness summary")
    p.add_argument("--stopping", nargs="*", default=[], help="stopping guidance files")
    p.add_argument("--included", help="results/screening/included.csv: the included reports, "
                                      "for the reference list")
    p.add_argument("-o", "--output", default="results/report.html", type=output_file,
                   help="where to write the report (default: %(default)s)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("summary", help="print the PRISMA flow in words")
    p.add_argument("counts", nargs="?", default="results/prisma/counts.json",
                   help="the PRISMA counts (default: %(default)s)")
    p.set_defaults(func=_cmd_summary)
