"""The one way litreview reaches the network: GET requests paced to a service's rate limit,
with a User-Agent naming the tool and a contact, retried after 429 and 5xx replies (the
service's Retry-After honoured, else an exponential wait with a cap), and after timeouts and
dropped connections, a limited number of times, then given up with a message that says what
happened and what to do. A host that cannot be reached at all (its name not resolved, the
connection refused) fails at once: waiting does not mend it. A failure of the network or of
the service is a :class:`ServiceFailure`, not bad input. Messages give a URL as its host and
path (:func:`brief`); the search's record keeps it whole. The clock and the sleep are
injected, so that tests wait for nothing."""

from __future__ import annotations

import email.utils
import socket
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from litreview import __version__
from litreview.core.errors import InputError, Problem

#: Replies worth another try: the service is busy or briefly broken.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: How a failure to resolve a host's name reads, where the error carries no cause.
_NO_NAME = ("name or service not known", "temporary failure in name resolution",
            "nodename nor servname", "getaddrinfo failed", "no address associated")


class ServiceFailure(InputError):
    """The network or the service failed, not the input: nothing in the review to correct
    (the command line exits 1 for it, not 2)."""


def brief(url: str) -> str:
    """A URL as a message gives it: its host and path, "…" for its query."""
    parts = urllib.parse.urlsplit(url)
    if not parts.netloc:
        return url
    return f"{parts.netloc}{parts.path}" + ("?…" if parts.query else "")


def unreachable(error: httpx.TransportError) -> str:
    """Why the host cannot be reached at all (its name not resolved, the connection
    refused), "" for a failure another try may mend (a timeout, a dropped connection)."""
    if not isinstance(error, httpx.ConnectError):
        return ""
    causes: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    text = " ".join(str(c) for c in causes).casefold()
    if any(isinstance(c, socket.gaierror) for c in causes) or any(t in text for t in _NO_NAME):
        return "no network, or the name cannot be resolved"
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text:
        return "the connection was refused"
    return ""


@dataclass(frozen=True, slots=True)
class Manners:
    """How politely to ask: the contact, the pace, how many tries and how long to wait."""

    contact: str = ""
    interval: float = 1.0  # seconds between the starts of two requests
    tries: int = 5  # attempts of one request before giving up
    first_wait: float = 2.0  # the wait after a first failure, doubled after each
    max_wait: float = 60.0  # the cap of that wait
    longest_retry_after: float = 600.0  # a longer Retry-After: stop and say when to resume
    timeout: float = 60.0

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.contact}" if self.contact else ""
        return f"litreview/{__version__} (literature review search{contact})"


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful reply: the URL asked (as shown) and the body as it came."""

    url: str
    body: bytes


@dataclass(slots=True)
class Fetcher:
    """GETs one service's URLs in turn, paced and retried (see the module docstring)."""

    manners: Manners
    where: str  # what a failure is reported against (the search's partial folder)
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    folder: Path | None = None  # the partial folder on disk: ``where`` only once it exists
    name: str = ""  # what a failure is reported against before then (the database)
    waited: list[float] = field(default_factory=list)  # every pause, for the curious
    _last: float | None = None
    _client: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        self._client = httpx.Client(
            transport=self.transport, timeout=self.manners.timeout, follow_redirects=True,
            headers={"User-Agent": self.manners.user_agent})
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._client is not None:
            self._client.close()

    def get(self, url: str, shown: str) -> Reply:
        """The body of ``url``; ``shown`` is the URL as messages give it (no key)."""
        assert self._client is not None, "use the Fetcher in a with block"
        why = ""
        for attempt in range(1, self.manners.tries + 1):
            self._pace()
            try:
                response = self._client.get(url)
            except httpx.TransportError as error:  # timeouts, refused or dropped connections
                if reason := unreachable(error):
                    raise self._failure(f"cannot reach {urllib.parse.urlsplit(url).netloc}: "
                                        f"{reason}", "check the connection; nothing was saved",
                                        "check the connection and run the same command again: "
                                        "it resumes from what is kept in {kept}") from None
                why = f"{type(error).__name__}: {error}"
                advice = "the service did not answer, or the connection dropped"
                wait = self._backoff(attempt)
            else:
                if response.status_code < 300:
                    return Reply(shown, response.content)
                why = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUS:
                    raise self._refused(response, shown)
                advice = "the service is busy or down"
                wait = self._retry_after(response, shown) or self._backoff(attempt)
            if attempt < self.manners.tries:
                self._wait(wait)
        raise self._failure(f"gave up after {self.manners.tries} tries of {brief(shown)}: "
                            f"{why}", f"{advice}; nothing was saved: run the same command later",
                            f"{advice}; run the same command later: it resumes from what is "
                            "kept in {kept}")

    def place(self) -> str:
        """What a failure is reported against: the partial folder, once it exists."""
        if self.folder is None or self.folder.exists():
            return self.where
        return self.name or self.where

    def _failure(self, message: str, fresh: str, kept: str) -> ServiceFailure:
        """A failure of the network or the service; the hint ``fresh`` when nothing was kept,
        else ``kept`` (its ``{kept}`` the partial folder)."""
        if self.folder is None or self.folder.exists():
            return ServiceFailure(Problem(self.where, message, hint=kept.format(kept=self.where)))
        return ServiceFailure(Problem(self.place(), message, hint=fresh))

    def _pace(self) -> None:
        """Keep to the service's rate: wait until ``interval`` has passed since the last."""
        now = self.clock()
        if self._last is not None and now - self._last < self.manners.interval:
            self._wait(self.manners.interval - (now - self._last))
        self._last = self.clock()

    def _wait(self, seconds: float) -> None:
        self.waited.append(seconds)
        self.sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        return min(self.manners.max_wait, self.manners.first_wait * 2 ** (attempt - 1))

    def _retry_after(self, response: httpx.Response, shown: str) -> float:
        """The service's own wait (seconds or an HTTP date), 0 when it gives none."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return 0.0
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                return 0.0
        seconds = max(0.0, seconds)
        if seconds > self.manners.longest_retry_after:
            raise self._failure(f"{brief(shown)}: the service asks to wait {seconds:.0f} s "
                                f"(HTTP {response.status_code})", "nothing was saved: run the "
                                "same command after that", "run the same command after that: "
                                "it resumes from what is kept in {kept}")
        return seconds

    def _refused(self, response: httpx.Response, shown: str) -> InputError:
        """A reply no retry mends (400 bad query, 403, 404): what the service said."""
        said = " ".join(response.text.split())[:300]
        return InputError(Problem(self.place(), f"{brief(shown)}: HTTP {response.status_code}"
                                  + (f": {said}" if said else ""),
                                  hint="check the query compiled for this service "
                                  "(litreview query compile) and the contact in review.yaml"))
