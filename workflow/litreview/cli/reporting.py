"""``litreview prisma``, ``report`` and ``summary``: what a reader sees."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from litreview.cli.outputs import output_file, warn
from litreview.core import paths
from litreview.core.collector import collector_paused
from litreview.core.fileio import atomic_write_bytes, atomic_write_text, read_own_table


def _read_status(path: str) -> list:
    """Every outcome of ``status.csv``, as the screening wrote them."""
    from litreview.screening import Outcome

    return [Outcome(r["record_id"], r["stage"], r["status"], r["reason"], r["decided_by"],
                    r.get("note", "")) for r in _own_table(path)]


def _own_table(path: str) -> list[dict[str, str]]:
    """The rows of a table the workflow wrote, each cell as it was before writing."""
    return read_own_table(path)[1]


def _set_aside_files(rejects: list[str]) -> dict[str, list[str]]:
    """The export file of each block in the imports' rejects files, by source slug."""
    return {paths.slug_of(path): [r["file"] for r in _own_table(path)] for path in rejects}


def _warned(sheet):
    """A sheet as read (or None), its reading warnings said."""
    warn(getattr(sheet, "warnings", ()))
    return sheet


@collector_paused()  # every record's id and dates: no cycles
def _cmd_prisma(args: argparse.Namespace) -> int:
    """PRISMA 2020 counts (:func:`pipeline.stages.count_prisma`), the flow diagram and the
    counts in the PRISMA2020 template."""
    from litreview.core.records import read_records
    from litreview.core.review import load_review
    from litreview.dedupe import read_groups
    from litreview.pipeline.stages import count_prisma, set_aside_dates, study_links
    from litreview.reporting import assert_counts, flow_png, flow_svg, prisma2020_csv
    from litreview.screening import load_criteria

    root = Path(args.review)
    review = load_review(root)
    groups = read_groups(args.groups)
    read = {path: read_records(path, columns=("searched",)) for path in args.records}
    searched = {r.record_id: r.searched for records in read.values() for r in records}
    links = _warned(study_links(args.studies, groups.group_of))
    criteria = load_criteria(root / review.criteria, review.source_names())
    counts = count_prisma(review, criteria, groups.group_of,
                          groups.database_of, _read_status(args.status), searched_of=searched,
                          set_aside=set_aside_dates(review, _set_aside_files(args.rejects)),
                          study_of=links.study_of if links else None)
    assert_counts(counts, args.output)
    atomic_write_text(args.output, json.dumps(counts, indent=2, ensure_ascii=False) + "\n")
    if args.svg:
        atomic_write_text(args.svg, flow_svg(counts))
    if args.png:
        atomic_write_bytes(args.png, flow_png(counts))
    if args.csv:
        atomic_write_text(args.csv, prisma2020_csv(counts))
    if args.prisma_s:
        from collections import Counter

        from litreview.core.fileio import csv_text
        from litreview.reporting import PRISMA_S_COLUMNS, search_runs

        received = {paths.slug_of(path): Counter(r.source_file for r in records)
                    for path, records in read.items()}
        atomic_write_text(args.prisma_s, csv_text(PRISMA_S_COLUMNS, [
            run.row() for run in search_runs(review, root, received)]))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from litreview.core.records import read_records
    from litreview.core.review import load_review
    from litreview.reporting import render_report

    root = Path(args.review)
    review = load_review(root)
    counts = json.loads(Path(args.counts).read_text(encoding="utf-8"))
    hits = {}
    for path in args.hits:
        slug = paths.slug_of(path)
        hits[review.source(slug).name] = Path(path).read_text(encoding="utf-8")
    agreement = {p: Path(p).read_text(encoding="utf-8") for p in args.agreement}
    stopping = [Path(p).read_text(encoding="utf-8") for p in args.stopping]
    included = read_records(args.included) if args.included else None
    coding = {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(args.coding).glob("*"))
              if p.suffix in (".csv", ".svg", ".md")} if args.coding else None
    html = render_report(review, counts, Path(args.flow).read_text(encoding="utf-8"), hits,
                         Path(args.overlap).read_text(encoding="utf-8"), agreement,
                         stopping, included, coding,
                         Path(args.prisma_s).read_text(encoding="utf-8") if args.prisma_s else "",
                         _chased(args.citations, args.citation_records))
    atomic_write_text(args.output, html)
    return 0


def _chased(chases: list[str], records: list[str]):
    """What citation chasing found, each record with its study (None: no chase given)."""
    if not chases:
        return None
    from litreview.core.records import read_records
    from litreview.reporting import citation_rows, read_chase

    return citation_rows([read_chase(p) for p in chases],
                         [r for path in records for r in read_records(path)])


def _cmd_summary(args: argparse.Namespace) -> int:
    from litreview.reporting import summary_text

    sys.stdout.write(summary_text(json.loads(Path(args.counts).read_text(encoding="utf-8"))))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The prisma, report and summary subcommands."""
    p = sub.add_parser("prisma", help="PRISMA 2020 counts and flow diagram")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--groups", default=paths.GROUPS,
                   help="the duplicate groups from dedupe (default: %(default)s)")
    p.add_argument("--status", default=paths.STATUS,
                   help="every record's outcome at every stage (default: %(default)s)")
    p.add_argument("-o", "--output", default=paths.COUNTS, type=output_file,
                   help="where to write the counts (default: %(default)s)")
    p.add_argument("--svg", default=paths.FLOW_SVG, type=output_file,
                   help="where to write the flow diagram (default: %(default)s)")
    p.add_argument("--records", nargs="*", default=[],
                   help="the records files (for an update: which records are new)")
    p.add_argument("--studies", help="screening/studies.csv: reports that tell of one study")
    p.add_argument("--rejects", nargs="*", default=[],
                   help="the rejects files of the imports (records set aside as unreadable)")
    p.add_argument("--png", type=output_file, help="the flow diagram as PNG too")
    p.add_argument("--csv", type=output_file,
                   help="the counts in the PRISMA2020 R package / Shiny template")
    p.add_argument("--prisma-s", type=output_file,
                   help="each source's search as run, for PRISMA-S (needs --records)")
    p.set_defaults(func=_cmd_prisma)

    p = sub.add_parser("report", help="write the HTML report")
    p.add_argument("--review", default=".", help="the review directory (default: here)")
    p.add_argument("--counts", default=paths.COUNTS,
                   help="the PRISMA counts (default: %(default)s)")
    p.add_argument("--flow", default=paths.FLOW_SVG,
                   help="the flow diagram (default: %(default)s)")
    p.add_argument("--overlap", default=paths.OVERLAP,
                   help="the overlap between sources (default: %(default)s)")
    p.add_argument("--hits", nargs="*", default=[],
                   help="results/search/<db>.hits.csv files: each strategy's line hits")
    p.add_argument("--agreement", nargs="*", default=[],
                   help="results/screening/<stage>/agreement.csv files")
    p.add_argument("--coding", help="folder of the coding (results/robustness), when the "
                                    "review has a coding form")
    p.add_argument("--prisma-s", help="each source's search as run (results/search/"
                                      "prisma_s.csv)")
    p.add_argument("--stopping", nargs="*", default=[], help="stopping guidance files")
    p.add_argument("--included", help="results/screening/included.csv: the included reports, "
                                      "for the reference list")
    p.add_argument("--citations", nargs="*", default=[],
                   help="the records of citation chases (data/other/citations/"
                   "citations_<date>.search.json): a section on citation searching")
    p.add_argument("--citation-records", nargs="*", default=[],
                   help="the imported records of the citation searching sources "
                   "(results/records/<source>.parquet), matched to the chases' records")
    p.add_argument("-o", "--output", default=paths.REPORT, type=output_file,
                   help="where to write the report (default: %(default)s)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("summary", help="print the PRISMA flow in words")
    p.add_argument("counts", nargs="?", default=paths.COUNTS,
                   help="the PRISMA counts (default: %(default)s)")
    p.set_defaults(func=_cmd_summary)
