"""OpenAlex (``https://api.openalex.org/works``): the compiled ``search`` and ``filter``,
pages of up to 200 works by ``cursor`` (``*``, then each reply's ``meta.next_cursor``); each
reply states ``meta.count``. The review's contact goes in ``mailto`` (OpenAlex's polite
pool), an API key in ``api_key`` when OPENALEX_API_KEY is set (never written down); five
requests a second (OpenAlex allows ten). Saved as a JSON list of the pages
(``openalex-json``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from litreview.online.cursors import checked, join_pages, json_page, not_whole
from litreview.online.services import Page, Progress, Request
from litreview.search import OPENALEX_BASE, PAGE_SIZES, openalex_params


@dataclass(frozen=True, slots=True)
class OpenAlex:
    """OpenAlex as a :class:`~litreview.online.services.Service`."""

    contact: str = ""
    api_key: str = ""
    size: int = PAGE_SIZES["openalex"]
    base: str = OPENALEX_BASE
    api: str = "openalex"
    name: str = "OpenAlex API"
    extension: str = "json"
    interval: float = 0.2

    def next_request(self, query: str, done: Progress) -> Request | None:
        if done.complete:
            return None
        params = openalex_params(query, self.size, done.cursor or "*", self.contact,
                                 self.api_key)
        return Request(self.base, params, start=done.received, size=self.size)

    def read(self, body: bytes, request: Request, done: Progress, where: str) -> Page:
        data = json_page(body, request, self.name, where)
        try:
            meta = data["meta"]
            found, records = int(meta["count"]), data["results"]
        except (KeyError, TypeError, ValueError) as error:
            raise not_whole(where, request, self.name, f"no {error}", body) from None
        return checked(found, records, meta.get("next_cursor"), request, done, where)

    def resumed(self, done: Progress) -> Progress:
        return done  # a cursor is where the sort stopped, not a session: it keeps

    def join(self, bodies: Sequence[bytes]) -> bytes:
        return join_pages(bodies)
