"""What a searchable service is to the search loop: the next request to send given what has
come back so far, how to read a reply (the count it reports, the records it holds), and how
its pages join into one export file, as they came. A service (ERIC, PubMed, Europe PMC,
OpenAlex, Crossref) is one module with one class of this shape, and a line in :data:`APIS`."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

#: Parameters never written down: a URL in the sidecar or a message has them removed.
SECRET_PARAMS = frozenset({"api_key"})
#: The services ``api:`` may name in review.yaml, each with the platform its query is
#: compiled for (``litreview query compile --to``).
APIS = {"eric": "eric", "pubmed": "pubmed", "europepmc": "europepmc", "openalex": "openalex",
        "crossref": "crossref"}
#: The environment variable holding a service's API key: sent, never written down.
KEY_VARIABLES = {"pubmed": "NCBI_API_KEY", "openalex": "OPENALEX_API_KEY"}


@dataclass(frozen=True, slots=True)
class Request:
    """One GET: the address, its parameters in the order sent, and what it asks for."""

    base: str
    params: tuple[tuple[str, str], ...]
    kind: str = "page"  # "page": its body goes into the export; "count": it only counts
    start: int = 0  # the first record asked for
    size: int = 0  # how many asked for

    @property
    def url(self) -> str:
        return f"{self.base}?{urllib.parse.urlencode(self.params)}"

    @property
    def shown(self) -> str:
        """The URL as the sidecar and messages give it: without any key."""
        kept = [(k, v) for k, v in self.params if k not in SECRET_PARAMS]
        return f"{self.base}?{urllib.parse.urlencode(kept)}"


@dataclass(frozen=True, slots=True)
class Page:
    """What one reply says: the count the service reports (None when it states none), the
    records it holds, and what the next request needs (a session, a cursor)."""

    reported: int | None
    records: int
    cursor: str = ""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a search has come: the count reported, the records and pages saved, and the
    cursor or session the next request needs."""

    reported: int | None = None
    received: int = 0
    pages: int = 0
    cursor: str = ""

    @property
    def complete(self) -> bool:
        return self.reported is not None and self.received >= self.reported


class Service(Protocol):
    """One searchable service (see the module docstring)."""

    api: str  # its key in review.yaml (``api: eric``)
    name: str  # as people call it ("ERIC API")
    extension: str  # of the export file it saves (json, nbib)
    interval: float  # seconds between requests: its rate limit, or a polite pace

    def next_request(self, query: str, done: Progress) -> Request | None:
        """The next request of the search, or None when every record has come."""
        ...

    def read(self, body: bytes, request: Request, done: Progress, where: str) -> Page:
        """A reply's count and records; a reply that is cut short, malformed or an error
        raises :class:`~litreview.core.errors.InputError` against ``where``."""
        ...

    def resumed(self, done: Progress) -> Progress:
        """What of a saved progress a new run may use (a server session may have expired)."""
        ...

    def join(self, bodies: Sequence[bytes]) -> bytes:
        """The pages' bodies, in order, as one export file, each as it came."""
        ...
