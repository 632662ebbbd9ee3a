"""Crossref's REST API (``https://api.crossref.org/works``): the compiled
``query.bibliographic`` (relevance-ranked words, not boolean) and ``filter``, pages of up to
1,000 works by ``cursor`` (``*``, then each reply's ``message.next-cursor``); each reply
states ``message.total-results``; the cursor may stay the same from page to page (a
scroll). The review's contact goes in ``mailto`` and the
User-Agent (Crossref's polite pool); five requests a second. A cursor lapses five minutes
after its last use, so an interrupted search starts again from its first page. Saved as a
JSON list of the pages (``crossref-json``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from litreview.online.cursors import checked, join_pages, json_page, not_whole
from litreview.online.services import Page, Progress, Request
from litreview.search import CROSSREF_BASE, PAGE_SIZES, crossref_params


@dataclass(frozen=True, slots=True)
class Crossref:
    """Crossref as a :class:`~litreview.online.services.Service`."""

    contact: str = ""
    size: int = PAGE_SIZES["crossref"]
    base: str = CROSSREF_BASE
    api: str = "crossref"
    name: str = "Crossref REST API"
    extension: str = "json"
    interval: float = 0.2

    def next_request(self, query: str, done: Progress) -> Request | None:
        if done.complete:
            return None
        params = crossref_params(query, self.size, done.cursor or "*", self.contact)
        return Request(self.base, params, start=done.received, size=self.size)

    def read(self, body: bytes, request: Request, done: Progress, where: str) -> Page:
        data = json_page(body, request, self.name, where)
        if data.get("status") != "ok":
            raise not_whole(where, request, self.name, f"status {data.get('status')!r}", body)
        try:
            message = data["message"]
            found, records = int(message["total-results"]), message["items"]
        except (KeyError, TypeError, ValueError) as error:
            raise not_whole(where, request, self.name, f"no {error}", body) from None
        return checked(found, records, message.get("next-cursor"), request, done, where,
                       fresh=False)

    def resumed(self, done: Progress) -> Progress:
        return Progress()  # the cursor has lapsed: from the first page again

    def join(self, bodies: Sequence[bytes]) -> bytes:
        return join_pages(bodies)
