"""``litreview serve``: the local screening app on a review directory."""

from __future__ import annotations

import argparse
from pathlib import Path


def _cmd_serve(args: argparse.Namespace) -> int:
    from litreview.serve import Options, serve

    return serve(Options(Path(args.review), args.reviewer or "", args.resolver or "",
                         args.stage or "", args.host, args.port, not args.no_browser,
                         args.order or "", args.seed))


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The serve subcommand."""
    p = sub.add_parser("serve", help="screen (and code) in the browser: a local app that "
                       "writes each reviewer's own sheets")
    p.add_argument("review", nargs="?", default=".", help="the review directory (default: here)")
    p.add_argument("--reviewer", help="who screens (the sheet <stage>-<reviewer>.csv); "
                   "without it the app asks each browser")
    p.add_argument("--resolver", help="who may open the resolution views and write the agreed "
                   "sheets <stage>.csv (and coding.csv, with a coding form)")
    p.add_argument("--stage", help="the stage to open first (default: the first with "
                   "records left)")
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: "
                   "%(default)s, this machine only; any other needs the printed access token)")
    p.add_argument("--port", type=int, default=8765, help="default: %(default)s; 0 picks a "
                   "free one")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--order", choices=("prioritised", "file", "random"),
                   help="the order of the records (default: prioritised when review.yaml "
                   "asks for it, else the records file's)")
    p.add_argument("--seed", type=int, default=0, help="the seed of the random order and of "
                   "the model (default: %(default)s)")
    p.set_defaults(func=_cmd_serve)
