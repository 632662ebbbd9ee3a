"""The ERIC API (``https://api.ies.ed.gov/eric/``): the compiled query in ``search``, JSON
pages of up to 2,000 records by ``rows`` and ``start``; each reply states ``numFound``.
Saved as a JSON list of the pages, each as it came (read by the ``eric-json`` importer)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from litreview.core.errors import InputError, Problem
from litreview.online.services import Page, Progress, Request
from litreview.search import ERIC_BASE, ERIC_FIELDS, PAGE_SIZES, eric_params

BASE = ERIC_BASE
FIELDS = ERIC_FIELDS  # every field a record is imported from (ERIC ignores names it lacks)
_RERUN = "run the same command again: it resumes from this page"


@dataclass(frozen=True, slots=True)
class Eric:
    """The ERIC API as a :class:`~litreview.online.services.Service`."""

    rows: int = PAGE_SIZES["eric"]  # the API's most per page
    base: str = BASE  # another for a local mock (benchmarks)
    api: str = "eric"
    name: str = "ERIC API"
    extension: str = "json"
    interval: float = 1.0  # ERIC states no rate limit: one request a second is polite

    def next_request(self, query: str, done: Progress) -> Request | None:
        if done.complete:
            return None
        start = done.received
        return Request(self.base, eric_params(query, self.rows, start), start=start,
                       size=self.rows)

    def read(self, body: bytes, request: Request, done: Progress, where: str) -> Page:
        try:
            response = json.loads(body)["response"]
            found, docs = int(response["numFound"]), response["docs"]
            if not isinstance(docs, list):
                raise TypeError("docs is no list")
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(Problem(where, f"the page from record {request.start} is not a "
                                     f"whole ERIC API response ({type(error).__name__}: "
                                     f"{error}): {request.shown}", hint=_RERUN)) from None
        count = found if done.reported is None else done.reported  # a change: said after
        expected = max(0, min(request.size, count - request.start))
        if len(docs) != expected:
            raise InputError(Problem(where, f"the page from record {request.start} holds "
                                     f"{len(docs)} records; the service reported {count}, so "
                                     f"{expected} were due: {request.shown}", hint=_RERUN))
        return Page(found, len(docs))

    def resumed(self, done: Progress) -> Progress:
        return replace(done, cursor="")

    def join(self, bodies: Sequence[bytes]) -> bytes:
        return b"[\n" + b",\n".join(bodies) + b"\n]\n"
