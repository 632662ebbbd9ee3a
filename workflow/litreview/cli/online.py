"""``litreview search run``: the searches litreview sends itself, to the databases with an
open API; ``litreview search citations``: citation chasing of the included studies — the
only commands that reach the network. A failure of the network or of a service exits 1 (a
problem, not bad input: the same command works later); bad input exits 2."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from litreview.core.errors import InputError, Problem

if TYPE_CHECKING:
    from litreview.core.review import Review, Source
    from litreview.online import Outcome, Search

_NO_CONTACT = ("warning: review.yaml gives no contact: the real search needs one (add "
               "'contact: you@example.org' under review:); the requests shown lack it")


def _review_with_contact(root: Path, dry_run: bool, why: str):
    """The review, read for searching; without a contact e-mail only a dry run goes on."""
    from litreview.core.review import CONFIG_NAME, load_review

    review = load_review(root, searching=True)
    if not review.contact and not dry_run:
        raise InputError(Problem(str(root / CONFIG_NAME), "no contact e-mail for the services",
                                 hint=f"add 'contact: you@example.org' under review: ({why})"))
    return review


def _cmd_search_run(args: argparse.Namespace) -> int:
    from litreview.online import chosen_databases, plan_search

    root = Path(args.review)
    review = _review_with_contact(root, args.dry_run, "NCBI and ERIC ask searching tools to "
                                  "say who they are")
    day = dt.date.today()
    sources = chosen_databases(review, args.databases)
    searches = [plan_search(root, review, source, day=day, update=args.update,
                            api_key=os.environ.get("NCBI_API_KEY", "")) for source in sources]
    for search, source in zip(searches, sources, strict=True):
        for warning in search.warnings:
            print(f"warning: {search.database}: {warning}", file=sys.stderr)
        if not args.update:
            _second_export(root, source)
    if args.dry_run:
        if not review.contact:
            print(_NO_CONTACT, file=sys.stderr)
        for search in searches:
            _print_plan(search)
        return 0
    return _searched(root, review, searches, args)


def _searched(root: Path, review: Review, searches: list[Search],
              args: argparse.Namespace) -> int:
    """Run each search (the next after a failure all the same): 2 if one had bad input,
    else 1 if the network or a service failed one, else 0."""
    from litreview.online import Wiring, run_search
    from litreview.online.polite import ServiceFailure

    failed: list[InputError] = []
    for search in searches:
        try:
            outcome = run_search(search, Wiring(), most=args.max)
        except InputError as error:  # the next database is searched all the same
            failed.append(error)
            for problem in error.problems:
                print(f"error: {problem}", file=sys.stderr)
            continue
        print(_summary(outcome))
    if args.update and len(searches) > len(failed):
        _update_notes(root, review, searches)
    if not failed:
        return 0
    return 1 if all(isinstance(e, ServiceFailure) for e in failed) else 2


def _second_export(root: Path, source: Source) -> None:
    """Warn when a database searched afresh already has an export: its records would be
    counted twice, unless the search is an update."""
    folder = root / "data" / "exports" / source.slug
    earlier = sorted({p for name in source.exports for p in _export_files(root / name)} |
                     set(_export_files(folder)))
    if earlier:
        shown = ", ".join(p.relative_to(root).as_posix() for p in earlier[:3])
        print(f"warning: {source.name} already has an export ({shown}"
              f"{', …' if len(earlier) > 3 else ''}): this search would be a second export "
              "of the same database, its records counted twice unless it is an update "
              "(search with --update, and set update_of under review: in review.yaml)",
              file=sys.stderr)


def _export_files(path: Path) -> list[Path]:
    """The export files at ``path`` (a file, or a folder's files, not the hidden ones nor
    the records of searches)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return [p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
            and not p.name.endswith(".search.json")]


def _print_plan(search: Search) -> None:
    """What a search would send and save, with nothing sent."""
    from litreview.online import Progress

    first = search.service.next_request(search.query, Progress())
    print(f"{search.database} ({search.service.name})"
          + (f", records added since {search.since}" if search.since else ""))
    print(f"  query:   {search.query}")
    print(f"  first:   {first.shown if first else '(none)'}")
    print(f"  save as: {search.export} (and {Path(search.sidecar).name})")


def _summary(outcome: Outcome) -> str:
    search = outcome.search
    since = f" added since {search.since}" if search.since else ""
    saved = f"-> {outcome.export}" if outcome.export else "(no export written)"
    resumed = ", resumed" if outcome.resumed else ""
    return (f"{search.database}: {outcome.received} records{since} of {outcome.reported} "
            f"reported{resumed} {saved}; the search is recorded in {outcome.sidecar}")


def _update_notes(root: Path, review: Review, searches: list[Search]) -> None:
    """What the update flow needs to count the new exports: ``update_of``, and exports the
    review lists by file rather than by folder."""
    from litreview.core.review import load_review

    since = max(s.since for s in searches)
    if not review.update_of:
        print(f"note: review.yaml declares no update_of: add 'update_of: {since}' under "
              "review: so that litreview run counts these searches as the update's new "
              "records", file=sys.stderr)
    listed = {s.name: s.exports for s in load_review(root, searching=True).databases}
    for search in searches:
        export = search.export
        if (root / export).is_file() and export not in listed.get(search.database, ()):
            print(f"note: {search.database}'s exports are listed by file in review.yaml: add "
                  f"{export} to them, or list its folder", file=sys.stderr)


def _cmd_search_citations(args: argparse.Namespace) -> int:
    """Citation chasing of the included studies through OpenAlex (and Crossref)."""
    from litreview.online.chasing import included_studies
    from litreview.online.citations import BACKWARD, FORWARD, Chase, run_chase
    from litreview.online.polite import ServiceFailure
    from litreview.online.searching import Wiring

    root = Path(args.review)
    review = _review_with_contact(root, args.dry_run, "OpenAlex and Crossref ask tools to say "
                                  "who they are: mailto=")
    both = not (args.backward or args.forward)
    directions = tuple(d for d, asked in ((BACKWARD, args.backward), (FORWARD, args.forward))
                       if asked or both)
    chase = Chase(root, tuple(included_studies(root)), directions, dt.date.today(),
                  review.contact)
    if args.dry_run:
        if not review.contact:
            print(_NO_CONTACT, file=sys.stderr)
        print(f"{chase.query}: would save {chase.file('.json')} (and "
              f"{Path(chase.file('.search.json')).name})")
        for study in chase.studies:
            first = chase.first_request(study)
            print(f"  {study.record_id}: {first or '(no DOI, PMID, or title and year)'}")
        return 0
    try:
        outcome = run_chase(chase, Wiring())
    except ServiceFailure as error:  # the network's or the service's: not bad input
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    for found in outcome.found:
        print(f"{found.study.record_id}: " + (f"{found.work_id} (by {found.how})"
                                              if found.work_id else f"not found: {found.why}"))
    saved = ", ".join(f for f in (outcome.export, outcome.references) if f) or \
        "(no export written)"
    print(f"Citation searching: {outcome.received} records ({outcome.from_crossref} from "
          f"Crossref's reference lists){', resumed' if outcome.resumed else ''} -> {saved}; "
          f"the chase is recorded in {outcome.sidecar}")
    _citations_note(root, outcome.export or outcome.references)
    return 0


def _citations_note(root: Path, saved: str | None) -> None:
    """What the review needs to import what the chase saved."""
    from litreview.core.review import load_review

    sources = [s for s in load_review(root, searching=True).other_sources
               if s.kind == "citation_searching"]
    if saved and not any(saved in s.exports for s in sources):
        print("note: add the chase to review.yaml so that litreview run imports it:\n"
              "  other_sources:\n    - {name: Citation searching, kind: citation_searching, "
              "files: [data/other/citations]}", file=sys.stderr)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The search subcommands."""
    search = sub.add_parser("search", help="searches litreview sends to open APIs "
                            "(the only commands that reach the network)").add_subparsers(
        dest="search_command", required=True)
    p = search.add_parser(
        "run", help="send each database's compiled strategy to its API (review.yaml: api: "
        "eric|pubmed|europepmc|openalex|crossref), page through every result and save it as "
        "a dated export",
        description="Saves data/exports/<db>/<db>_<today>.<json|nbib> as the service sent "
        "it, and <db>_<today>.search.json: the query, every request, the counts reported "
        "and received. A search interrupted resumes from its last page when run again; a "
        "second search of a database the same day is refused. NCBI_API_KEY, when set, is "
        "sent to PubMed (10 requests a second instead of 3), OPENALEX_API_KEY to OpenAlex; "
        "keys are written nowhere.")
    p.add_argument("databases", nargs="*", metavar="DB",
                   help="databases to search (default: every one with an api)")
    p.add_argument("--review", default=".", help="review directory (default: here)")
    p.add_argument("--update", action="store_true",
                   help="a search update: only records added since each database's own "
                   "previous search (its newest export's date, else its searched date)")
    p.add_argument("--dry-run", action="store_true",
                   help="print each query, its first request and the file it would save; "
                   "send nothing")
    p.add_argument("--max", type=int, metavar="N",
                   help="stop a search whose service reports more than N records (nothing "
                   "is saved as an export; raise N and run again to go on)")
    p.set_defaults(func=_cmd_search_run)
    p = search.add_parser(
        "citations", help="citation chasing: the references (backward) and citing works "
        "(forward) of the included studies, through OpenAlex (and Crossref's reference lists)",
        description="Finds each study of results/screening/included.csv in OpenAlex (by DOI, "
        "PMID, else title and year), then saves data/other/citations/citations_<today>.json "
        "(OpenAlex's pages as they came), citations_<today>.crossref.json (references only "
        "Crossref knows) and citations_<today>.search.json: every request, and for each "
        "record the included study it came from and how. Resumes when run again after an "
        "interruption; one chase a day. Declare it in review.yaml: other_sources: - {name: "
        "Citation searching, kind: citation_searching, files: [data/other/citations]}.")
    p.add_argument("--backward", action="store_true",
                   help="the studies' references (default: both ways)")
    p.add_argument("--forward", action="store_true",
                   help="the works citing the studies (default: both ways)")
    p.add_argument("--review", default=".", help="review directory (default: here)")
    p.add_argument("--dry-run", action="store_true",
                   help="print the studies and the first request for each; send nothing")
    p.set_defaults(func=_cmd_search_citations)
