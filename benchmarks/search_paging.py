"""Paging throughput of ``litreview search run``: a 50,000-record ERIC-like search served by
a local HTTP server (no network), fetched page by page (2,000 records a page, the ERIC
API's most), each page checked and kept in the partial folder, joined into the export, then
the export imported (parsed, normalised, with the sidecar's provenance). Prints records per
second for each step, so that a large search is seen to be bounded by the service (and its
polite pace, set to 0 here), not by litreview.

    .venv/bin/python benchmarks/search_paging.py            # --records N, --rows N
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow"))

from litreview.importers import import_export
from litreview.online import Eric, Manners, Search, Wiring, run_search

WORDS = ("leadership", "integrated", "services", "children", "school", "multi", "agency",
         "team", "evaluation", "outcomes", "local", "authority", "partnership", "practice",
         "research", "teachers", "social", "care")


def doc(n: int) -> dict:
    """One ERIC-like record, about 1 kB, as the API sends it."""
    text = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(120))
    return {"id": f"EJ{1_000_000 + n}", "title": f"Record {n}: {text[:80]}",
            "author": [f"Author{n % 97}, A.", f"Writer{n % 89}, B."],
            "description": text, "subject": ["Leadership", "Integrated Services"],
            "publicationtype": ["Journal Articles", "Reports - Research"],
            "publicationdateyear": 2000 + n % 25, "language": ["English"],
            "source": f"Journal {n % 40}", "peerreviewed": "T"}


def serve(total: int) -> ThreadingHTTPServer:
    """A local ERIC: pages of ``rows`` records from ``start``, ``numFound`` = total."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            start, rows = int(query["start"][0]), int(query["rows"][0])
            docs = [doc(n) for n in range(start, min(total, start + rows))]
            body = json.dumps({"response": {"numFound": total, "start": start,
                                            "numFoundExact": True, "docs": docs}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    server = serve(args.records)
    base = f"http://127.0.0.1:{server.server_address[1]}/eric/"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            service = replace(Eric(rows=args.rows, base=base), interval=0.0)
            search = Search("ERIC", "eric", "subject:Leadership", service, Path(tmp),
                            dt.date(2026, 1, 1))
            wiring = Wiring(Manners(contact="bench@example.org"), bar=False)
            began = time.perf_counter()
            outcome = run_search(search, wiring)
            searched = time.perf_counter() - began
            export = Path(tmp) / str(outcome.export)
            began = time.perf_counter()
            records = import_export(export, database="ERIC").records
            imported = time.perf_counter() - began
            size = export.stat().st_size / 1e6
    finally:
        server.shutdown()
    assert outcome.received == len(records) == args.records
    pages = -(-args.records // args.rows)
    print(f"{args.records:,} records in {pages} pages of {args.rows} ({size:.1f} MB export)")
    print(f"search run (fetch, check, keep, join, write): {searched:6.2f} s "
          f"{args.records / searched:10,.0f} records/s")
    print(f"import (parse, normalise, provenance):        {imported:6.2f} s "
          f"{args.records / imported:10,.0f} records/s")
    total = searched + imported
    print(f"both:                                         {total:6.2f} s "
          f"{args.records / total:10,.0f} records/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
