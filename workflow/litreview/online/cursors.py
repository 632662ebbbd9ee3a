"""What the services paged by a cursor share (Europe PMC, OpenAlex, Crossref): a reply read
as JSON, its records checked against the count the service reported and its next cursor
against the one sent, and the pages joined as a JSON list, each as it came (the format their
importers read)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from litreview.core.errors import InputError, Problem
from litreview.online.services import Page, Progress, Request

RERUN = "run the same command again: it resumes from this page"


def said(body: bytes) -> str:
    """The start of a reply, on one line, for a message."""
    return " ".join(body.decode("utf-8", "replace").split())[:300]


def not_whole(where: str, request: Request, name: str, why: str, body: bytes) -> InputError:
    """A reply that is not the service's page: cut short, malformed or an error message."""
    return InputError(Problem(where, f"the page from record {request.start} is not a whole "
                              f"{name} response ({why}): {said(body)}: {request.shown}",
                              hint=RERUN))


def json_page(body: bytes, request: Request, name: str, where: str) -> dict[str, Any]:
    """The reply as a JSON object, else a located error."""
    try:
        data = json.loads(body)
    except ValueError as error:
        raise not_whole(where, request, name, f"{type(error).__name__}: {error}", body) from None
    if not isinstance(data, dict):
        raise not_whole(where, request, name, "not a JSON object", body)
    return data


def sent_cursor(request: Request) -> str:
    """The cursor the request sent (``*`` on the first page)."""
    return next(v for k, v in request.params if k in ("cursor", "cursorMark"))


def checked(found: int, records: object, cursor: object, request: Request, done: Progress,
            where: str, *, fresh: bool = True) -> Page:
    """A page's records against the count reported (the first page's: a change is said
    after), and the next cursor: one is due while records are missing, and a new one where
    the service moves it on (``fresh``; Crossref's scroll keeps one value)."""
    if not isinstance(records, list):
        raise InputError(Problem(where, f"the page from record {request.start} holds no list "
                                 f"of records: {request.shown}", hint=RERUN))
    count = found if done.reported is None else done.reported
    due = max(0, min(request.size, count - request.start))
    if len(records) != due:
        raise InputError(Problem(where, f"the page from record {request.start} holds "
                                 f"{len(records)} records; the service reported {count}, so "
                                 f"{due} were due: {request.shown}", hint=RERUN))
    following = str(cursor or "")
    stuck = not following or (fresh and following == sent_cursor(request))
    if request.start + due < count and stuck:
        raise InputError(Problem(where, f"the page from record {request.start} gives no next "
                                 f"cursor while {count - request.start - due} of the {count} "
                                 f"records reported are still to come: {request.shown}",
                                 hint=RERUN))
    return Page(found, due, following)


def join_pages(bodies: Sequence[bytes]) -> bytes:
    """The pages as one JSON list, each page's body as it came."""
    return b"[\n" + b",\n".join(bodies) + b"\n]\n"
