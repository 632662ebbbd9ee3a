"""Europe PMC's REST API (``/europepmc/webservices/rest/search``): the compiled query in
``query``, ``resultType=core`` (abstracts, MeSH, keywords), pages of up to 1,000 records by
``cursorMark`` (``*``, then each reply's ``nextCursorMark``); each reply states
``hitCount``. The review's contact goes in ``email``; five requests a second (Europe PMC
asks for no more than ten). Saved as a JSON list of the pages (``europepmc-json``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from litreview.online.cursors import checked, join_pages, json_page, not_whole
from litreview.online.services import Page, Progress, Request
from litreview.search import EUROPEPMC_BASE, PAGE_SIZES, europepmc_params


@dataclass(frozen=True, slots=True)
class EuropePmc:
    """Europe PMC as a :class:`~litreview.online.services.Service`."""

    contact: str = ""
    size: int = PAGE_SIZES["europepmc"]
    base: str = EUROPEPMC_BASE
    api: str = "europepmc"
    name: str = "Europe PMC REST API"
    extension: str = "json"
    interval: float = 0.2

    def next_request(self, query: str, done: Progress) -> Request | None:
        if done.complete:
            return None
        params = europepmc_params(query, self.size, done.cursor or "*", self.contact)
        return Request(self.base, params, start=done.received, size=self.size)

    def read(self, body: bytes, request: Request, done: Progress, where: str) -> Page:
        data = json_page(body, request, self.name, where)
        try:  # an error comes back as HTTP 200 without a resultList
            found = int(data["hitCount"])
            records = data["resultList"]["result"] if found or "resultList" in data else []
        except (KeyError, TypeError, ValueError) as error:
            raise not_whole(where, request, self.name, f"no {error}", body) from None
        return checked(found, records, data.get("nextCursorMark"), request, done, where)

    def resumed(self, done: Progress) -> Progress:
        return done  # a cursor mark is where the sort stopped, not a session: it keeps

    def join(self, bodies: Sequence[bytes]) -> bytes:
        return join_pages(bodies)
