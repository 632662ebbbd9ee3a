"""What every request passes before the app sees it: the Host it names (a page of another
site cannot reach the app through a name of its own), the access token when the app is
bound beyond this machine, and the CSRF token on every request that changes something."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: On every answer: no other site may frame the app (and so trick a reviewer's keys), no
#: script but the app's own file runs, no answer is read as another type than it says.
HEADERS = [(b"x-frame-options", b"DENY"),
           (b"content-security-policy",
            b"frame-ancestors 'none'; script-src 'self'; object-src 'none'"),
           (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer")]


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the app on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Keys:
    """The secrets of one run of the server, made anew at each start."""

    csrf: str
    access: str  # "" on loopback: nobody else can connect
    port: int = 0  # cookies are a host's, whatever the port: their names carry it

    @classmethod
    def new(cls, host: str, port: int = 0) -> Keys:
        return cls(secrets.token_urlsafe(24), "" if is_loopback(host) else
                   secrets.token_urlsafe(24), port)

    def cookie(self, name: str) -> str:
        """The name of one of this server's cookies."""
        return f"litreview_{name}_{self.port}"


def same(given: str, secret: str) -> bool:
    """``given`` is ``secret``, compared in constant time (any text given: bytes)."""
    return secrets.compare_digest(given.encode("utf-8", "replace"), secret.encode())


def loopback_hosts(port: int) -> frozenset[str]:
    """The Host headers a browser on this machine sends to the app."""
    names: Iterable[str] = ("127.0.0.1", "localhost", "[::1]")
    return frozenset(f"{name}:{port}" for name in names) | frozenset(names)


class Guard:
    """ASGI middleware refusing what the app must never serve (see the module's text)."""

    def __init__(self, app: ASGIApp, keys: Keys, hosts: frozenset[str] | None):
        self.app, self.keys, self.hosts = app, keys, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refused = self._refusal(request)

        async def guarded(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await (refused or self.app)(scope, receive, guarded)

    def _refusal(self, request: Request) -> Response | None:
        if self.hosts is not None and request.headers.get("host", "") not in self.hosts:
            return PlainTextResponse("unknown Host: open the address the server printed",
                                     status_code=400)
        if self.keys.access and not same(request.cookies.get(self.keys.cookie("token"), ""),
                                         self.keys.access):
            return self._token_door(request)
        if request.method not in SAFE_METHODS and not same(
                request.headers.get(CSRF_HEADER, ""), self.keys.csrf):
            return PlainTextResponse("missing or wrong CSRF token: reload the page",
                                     status_code=403)
        return None

    def _token_door(self, request: Request) -> Response:
        """The token given in the address: kept in a cookie, then the address without it;
        no token: refused."""
        given = request.query_params.get("token", "")
        if request.method in SAFE_METHODS and same(given, self.keys.access):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = "/" + request.url.path.lstrip("/")  # never //another.site/
            target += f"?{urlencode(rest)}" if rest else ""
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(self.keys.cookie("token"), self.keys.access, httponly=True,
                                samesite="strict")
            return response
        return PlainTextResponse("access token required: open the address with ?token=... "
                                 "that 'litreview serve' printed when it started",
                                 status_code=403)
