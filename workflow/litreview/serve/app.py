"""The web app: pages and the few requests behind the keyboard (decide, undo, back,
resolve), and the coding pages when the review has a coding form. Each request is a plain
function of the :class:`~litreview.serve.desk.Desk`; Starlette runs them in its thread
pool, so a sheet written to disk never holds up another request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from litreview.core.errors import InputError
from litreview.serve.coding_page import CodingPages
from litreview.serve.desk import Desk
from litreview.serve.guard import Guard, Keys
from litreview.serve.screen_page import ScreenPages


@dataclass(frozen=True, slots=True)
class Settings:
    """How the server was started: who screens (fixed, or asked), who resolves."""

    reviewer: str = ""
    resolver: str = ""
    stage: str = ""


def templates() -> Environment:
    """The page templates, every value escaped unless marked safe."""
    env = Environment(loader=PackageLoader("litreview.serve", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["pct"] = lambda part, whole: f"{100 * part / whole:.0f}" if whole else "0"
    return env


def create_app(desk: Desk, settings: Settings, keys: Keys,
               hosts: frozenset[str] | None) -> Guard:
    """The app on ``desk``, behind its :class:`~litreview.serve.guard.Guard`."""
    pages = ScreenPages(desk, templates(), keys.csrf, settings.resolver)
    pages.warm()  # the highlighter and the templates made before any request
    coding = CodingPages(pages)  # a review without a coding form: each says so (404)

    def reviewer(request: Request) -> str:
        """Who screens in this browser: the server's one reviewer, or the name it gave
        (declared, not proven: the app trusts whoever may reach it)."""
        name = settings.reviewer or request.cookies.get(keys.cookie("reviewer"), "")
        return name if pages.valid_name(name) else ""

    def page(handler):  # a page needs a reviewer: ask for the name first
        def endpoint(request: Request) -> Response:
            who = reviewer(request)
            if not who:
                return RedirectResponse("/who", status_code=303)
            return _answer(lambda: handler(request, who))
        return endpoint

    def home(request: Request, who: str) -> Response:
        stage = settings.stage or pages.first_open_stage(who)
        return RedirectResponse(f"/screen/{stage}", status_code=303)

    def api(handler):  # JSON in, JSON out; a bad decision says what to fix
        async def endpoint(request: Request) -> Response:
            who = reviewer(request)
            if not who:
                return JSONResponse({"error": "say who you are first (/who)"}, 403)
            body = await _json(request) if request.method == "POST" else {}
            if body is None:
                return JSONResponse({"error": "the request is not a JSON object"}, 400)
            return await run_in_threadpool(
                lambda: _answer(lambda: handler(request, who, body), api=True))
        return endpoint

    def fulltext(request: Request) -> Response:
        path = pages.fulltext(request.path_params["record_id"])
        return FileResponse(path) if path else HTMLResponse("no full text", 404)

    routes = [
        Route("/", page(home)), *_who_routes(pages, settings, keys.cookie("reviewer")),
        *[Route(path, page(handler)) for path, handler in
          {**pages.pages(), **coding.pages()}.items()],
        *[Route(path, api(handler), methods=[method]) for (method, path), handler in
          {**pages.requests(), **coding.requests()}.items()],
        Route("/fulltext/{record_id}", fulltext),
        Mount("/static", StaticFiles(packages=[("litreview.serve", "static")]), name="static"),
    ]
    app = Starlette(routes=routes)
    return Guard(app, keys, hosts)


async def _json(request: Request) -> dict[str, Any] | None:
    """The request's JSON object, or None when it is none."""
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _who_routes(pages: ScreenPages, settings: Settings, cookie: str) -> list[Route]:
    """The page asking a browser for its reviewer's name (kept in a cookie), unless the
    server screens for one reviewer only."""

    def who_page(request: Request) -> Response:
        if settings.reviewer:
            return RedirectResponse("/", status_code=303)
        return HTMLResponse(pages.render("who.html"))

    async def who_set(request: Request) -> Response:
        name = str((await _json(request) or {}).get("name", "")).strip()
        if settings.reviewer or not pages.valid_name(name):
            return JSONResponse({"error": "a name of letters, digits, '_' or '.'"}, 400)
        response = JSONResponse({"go": "/"})  # "ae" screens on as "AE" if AE's sheets exist
        response.set_cookie(cookie, pages.desk.known_reviewer(name), samesite="strict")
        return response

    return [Route("/who", who_page), Route("/who", who_set, methods=["POST"])]


def _answer(make: Any, api: bool = False) -> Response:
    """The response ``make`` gives, or the problems of bad input: a JSON error for a
    request, a page listing them (file, line, what to do) for a page."""
    try:
        return make()
    except InputError as error:
        if api:
            return JSONResponse({"error": "\n".join(str(p) for p in error.problems)}, 400)
        items = "".join(f"<li>{_escape(str(p))}</li>" for p in error.problems)
        return HTMLResponse(f"<!doctype html><title>litreview: fix the sheets</title>"
                            f"<h1>The sheets need fixing</h1><ul>{items}</ul>"
                            "<p>Fix them, save, and reload this page.</p>", 409)
    except ValueError as error:  # a cell the sheet cannot hold (a NUL, say)
        return JSONResponse({"error": str(error)}, 400) if api else HTMLResponse(
            _escape(str(error)), 400)
    except PermissionError as error:
        return JSONResponse({"error": str(error)}, 403) if api else HTMLResponse(
            _escape(str(error)), 403)
    except KeyError as error:
        message = f"not found: {error.args[0] if error.args else ''}"
        return JSONResponse({"error": message}, 404) if api else HTMLResponse(
            _escape(message), 404)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
