"""``litreview search run``: the searches litreview sends itself, to the databases with an
open API — the only commands that reach the network."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from litreview.core.errors import InputError, Problem

if TYPE_CHECKING:
    from litreview.core.review import Review
    from litreview.online import Outcome, Search


def _cmd_search_run(args: argparse.Namespace) -> int:
    from litreview.core.review import CONFIG_NAME, load_review
    from litreview.online import Wiring, chosen_databases, plan_search, run_search

    root = Path(args.review)
    review = load_review(root, searching=True)
    if not review.contact and not args.dry_run:
        raise InputError(Problem(str(root / CONFIG_NAME), "no contact e-mail for the services",
                                 hint="add 'contact: you@example.org' under review: (NCBI and "
                                 "ERIC ask searching tools to say who they are)"))
    day = dt.date.today()
    searches = [plan_search(root, review, source, day=day, update=args.update,
                            api_key=os.environ.get("NCBI_API_KEY", ""))
                for source in chosen_databases(review, args.databases)]
    for search in searches:
        for warning in search.warnings:
            print(f"warning: {search.database}: {warning}", file=sys.stderr)
    if args.dry_run:
        for search in searches:
            _print_plan(search)
        return 0
    failed = 0
    for search in searches:
        try:
            outcome = run_search(search, Wiring(), most=args.max)
        except InputError as error:  # the next database is searched all the same
            failed += 1
            for problem in error.problems:
                print(f"error: {problem}", file=sys.stderr)
            continue
        print(_summary(outcome))
    if args.update and len(searches) > failed:
        _update_notes(root, review, searches)
    return 2 if failed else 0


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


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The search subcommands."""
    search = sub.add_parser("search", help="searches litreview sends to open APIs "
                            "(the only commands that reach the network)").add_subparsers(
        dest="search_command", required=True)
    p = search.add_parser(
        "run", help="send each database's compiled strategy to its API (review.yaml: api: "
        "eric|pubmed), page through every result and save it as a dated export",
        description="Saves data/exports/<db>/<db>_<today>.<json|nbib> as the service sent "
        "it, and <db>_<today>.search.json: the query, every request, the counts reported "
        "and received. A search interrupted resumes from its last page when run again; a "
        "second search of a database the same day is refused. NCBI_API_KEY, when set, is "
        "sent to PubMed (10 requests a second instead of 3) and written nowhere.")
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
