"""The one way litreview reaches the network: GET requests paced to a service's rate limit,
with a User-Agent naming the tool and a contact, retried after 429 and 5xx replies (the
service's Retry-After honoured, else an exponential wait with a cap) a limited number of
times, then given up with a message that says what happened and what to do. The clock and
the sleep are injected, so that tests wait for nothing."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from litreview import __version__
from litreview.core.errors import InputError, Problem

#: Replies worth another try: the service is busy or briefly broken.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


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
                why = f"{type(error).__name__}: {error}"
                wait = self._backoff(attempt)
            else:
                if response.status_code < 300:
                    return Reply(shown, response.content)
                why = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUS:
                    raise self._refused(response, shown)
                wait = self._retry_after(response, shown) or self._backoff(attempt)
            if attempt < self.manners.tries:
                self._wait(wait)
        raise InputError(Problem(self.where, f"gave up after {self.manners.tries} tries of "
                                 f"{shown}: {why}", hint="the service is busy or down; run the "
                                 "same command later: the search resumes from its last page"))

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
            raise InputError(Problem(self.where, f"{shown}: the service asks to wait "
                                     f"{seconds:.0f} s (HTTP {response.status_code})",
                                     hint="run the same command after that: the search resumes "
                                     "from its last page"))
        return seconds

    def _refused(self, response: httpx.Response, shown: str) -> InputError:
        """A reply no retry mends (400 bad query, 403, 404): what the service said."""
        said = " ".join(response.text.split())[:300]
        return InputError(Problem(self.where, f"{shown}: HTTP {response.status_code}"
                                  + (f": {said}" if said else ""),
                                  hint="check the query compiled for this service "
                                  "(litreview query compile) and the contact in review.yaml"))
