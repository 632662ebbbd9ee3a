"""PubMed through NCBI's E-utilities: ESearch with ``usehistory=y`` keeps the result on
NCBI's history server and states its count; EFetch then takes it in batches (``WebEnv``,
``query_key``, ``retstart``, ``retmax``) as MEDLINE text (``rettype=medline``), which is
PubMed's ``.nbib`` export. Every request carries ``tool=litreview`` and the review's
contact as ``email``, and ``api_key`` when NCBI_API_KEY is set (10 requests a second
instead of 3). The batches joined are the export, as they came.

PubMed serves only the first 9,999 records of one search through the E-utilities (since
2022): a larger search is refused before any record is fetched, with what to do."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from litreview.core.errors import InputError, Problem
from litreview.online.services import Page, Progress, Request

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
LIMIT = 9_999
_PMID = re.compile(rb"^PMID- ?\d", re.MULTILINE)
_RERUN = "run the same command again: it resumes from this batch"


@dataclass(frozen=True, slots=True)
class PubMed:
    """PubMed's E-utilities as a :class:`~litreview.online.services.Service`."""

    contact: str = ""
    api_key: str = ""
    batch: int = 2000  # records per EFetch (NCBI allows up to 10,000)
    api: str = "pubmed"
    name: str = "PubMed E-utilities"
    extension: str = "nbib"

    @property
    def interval(self) -> float:
        """Seconds between requests: NCBI allows 3 a second, 10 with an API key."""
        return 0.1 if self.api_key else 1 / 3

    def _polite(self) -> tuple[tuple[str, str], ...]:
        params = [("tool", "litreview")] + ([("email", self.contact)] if self.contact else [])
        return tuple(params + ([("api_key", self.api_key)] if self.api_key else []))

    def next_request(self, query: str, done: Progress) -> Request | None:
        if done.complete:
            return None
        if not done.cursor:  # no live session on the history server: search (again)
            return Request(EUTILS + "esearch.fcgi", (
                ("db", "pubmed"), ("term", query), ("usehistory", "y"), ("retmax", "0"),
                ("retmode", "json"), *self._polite()), kind="count")
        webenv, query_key = done.cursor.split(" ", 1)
        return Request(EUTILS + "efetch.fcgi", (
            ("db", "pubmed"), ("query_key", query_key), ("WebEnv", webenv),
            ("retstart", str(done.received)), ("retmax", str(self.batch)),
            ("rettype", "medline"), ("retmode", "text"), *self._polite()),
            start=done.received, size=self.batch)

    def read(self, body: bytes, request: Request, done: Progress, where: str) -> Page:
        if request.kind == "count":
            return _searched(body, request, where)
        if body.lstrip().startswith((b"{", b"<")):  # an error message, not MEDLINE
            said = " ".join(body.decode("utf-8", "replace").split())[:300]
            raise InputError(Problem(where, f"the batch from record {request.start} is an "
                                     f"error, not MEDLINE: {said}: {request.shown}",
                                     hint=_RERUN))
        held = len(_PMID.findall(body))
        due = max(0, min(request.size, (done.reported or 0) - request.start))
        if held != due or (body and not body.endswith(b"\n")):
            cut = " and ends mid-line" if body and not body.endswith(b"\n") else ""
            raise InputError(Problem(where, f"the batch from record {request.start} holds "
                                     f"{held} records{cut}; the search reported "
                                     f"{done.reported}, so {due} were due: {request.shown}",
                                     hint=_RERUN))
        return Page(None, held)

    def resumed(self, done: Progress) -> Progress:
        return replace(done, cursor="")  # a history-server session lasts hours, not days

    def join(self, bodies: Sequence[bytes]) -> bytes:
        return b"\n".join(body if body.endswith(b"\n") else body + b"\n" for body in bodies)


def _searched(body: bytes, request: Request, where: str) -> Page:
    """ESearch's reply: the count, and the session (WebEnv, query key) to fetch from."""
    try:
        result = json.loads(body)["esearchresult"]
    except (ValueError, KeyError, TypeError):
        said = " ".join(body.decode("utf-8", "replace").split())[:300]
        raise InputError(Problem(where, f"ESearch's reply is not the JSON it sends: {said}: "
                                 f"{request.shown}", hint=_RERUN)) from None
    if result.get("ERROR"):
        raise InputError(Problem(where, f"PubMed refused the search: {result['ERROR']}: "
                                 f"{request.shown}",
                                 hint="check the query compiled for PubMed "
                                 "(litreview query compile --to pubmed)"))
    count = int(result.get("count", 0))
    if count > LIMIT:
        raise InputError(Problem(where, f"PubMed found {count} records; its E-utilities serve "
                                 f"only the first {LIMIT} of a search", hint="narrow the "
                                 "strategy, or split the search by date limits into searches "
                                 "of fewer records; nothing was fetched"))
    cursor = f"{result['webenv']} {result['querykey']}" if count else ""
    return Page(count, 0, cursor)
