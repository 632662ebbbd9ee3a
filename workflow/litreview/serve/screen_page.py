"""The app's pages and requests, each a function of the desk and the reviewer: the
screening page and its record, progress, the resolution view."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from litreview.core.errors import InputError, Problem
from litreview.serve.desk import Desk
from litreview.serve.order import Queue
from litreview.serve.pen import Entry
from litreview.serve.progress import prisma_now, tallies, to_resolve
from litreview.serve.views import fulltext_path, record_view

_NAME = re.compile(r"^[A-Za-z0-9_.]+$")


class ScreenPages:
    """Everything the routes answer with."""

    def __init__(self, desk: Desk, env: Environment, csrf: str, resolver: str):
        self.desk, self.env, self.csrf, self.resolver = desk, env, csrf, resolver
        self._segments = None
        self._segments_lock = threading.Lock()
        self._prisma: tuple[object, dict[str, Any]] | None = None

    # --- helpers ---------------------------------------------------------------------

    def render(self, name: str, **values: Any) -> str:
        desk = self.desk
        return self.env.get_template(name).render(
            csrf=self.csrf, title=desk.review.title, stages=desk.stages,
            resolver=self.resolver, coding=(desk.root / desk.review.coding).is_file(),
            **values)

    @staticmethod
    def valid_name(name: str) -> bool:
        return bool(_NAME.match(name))

    def marks(self):
        """The review's highlighter, made once (it reads the strategies)."""
        with self._segments_lock:
            if self._segments is None:
                from litreview.screening import review_highlighter

                desk = self.desk
                self._segments = review_highlighter(desk.root, desk.review, desk.criteria)
            return self._segments

    def warm(self) -> None:
        """Make what every page uses (the highlighter, the templates) before the first."""
        self.marks()
        for name in ("screen.html", "record.html", "done.html"):
            self.env.get_template(name)

    def first_open_stage(self, reviewer: str) -> str:
        """The first stage with records left for ``reviewer`` (else the last)."""
        if not self.desk.ready.is_set():  # the records are still being read
            for stage in self.desk.stages:
                if self.desk.preview(stage.id, reviewer) is not None:
                    return stage.id
        for stage in self.desk.stages:
            if self.desk.queue(stage.id, reviewer, fresh=True).next() is not None:
                return stage.id
        return self.desk.stages[-1].id

    def pages(self) -> dict[str, Any]:
        """The pages, by path."""
        return {"/screen/{stage}": self.screen, "/progress": self.progress,
                "/progress/flow.svg": self.flow_svg, "/resolve/{stage}": self.resolve}

    def requests(self) -> dict[tuple[str, str], Any]:
        """The requests behind the keyboard and the resolution view, by method and path."""
        return {("POST", "/api/screen/{stage}/decide"): self.decide,
                ("POST", "/api/screen/{stage}/undo"): self.undo,
                ("GET", "/api/screen/{stage}/record"): self.record,
                ("GET", "/api/screen/{stage}/status"): self.status,
                ("POST", "/api/resolve/{stage}"): self.resolve_one}

    def fulltext(self, record_id: str) -> Path | None:
        return fulltext_path(self.desk.root, record_id)

    def _stage(self, request: Request):
        return self.desk.stage(request.path_params["stage"])

    # --- screening ---------------------------------------------------------------------

    def screen(self, request: Request, who: str) -> Response:
        """The screening page, with the record to screen (or the one asked for)."""
        stage = self._stage(request)
        if not self.desk.ready.is_set() and "record" not in request.query_params:
            early = self.desk.preview(stage.id, who)  # the records are still being read
            if early is not None:
                done = len(self.desk.pen(stage.id, who).entries())
                return HTMLResponse(self.render(
                    "screen.html", stage=stage, reviewer=who, reasons=self._reasons(stage),
                    record=self._render_record(stage, early, None, ""),
                    status={"count": f"{done} screened; reading the records…", "done": done,
                            "total": 0, "order": self.desk.order, "learnt_from": 0,
                            "stopping": [], "model": {}}))
        queue = self.desk.queue(stage.id, who, fresh=True)
        shown = request.query_params.get("record") or queue.next()
        return HTMLResponse(self.render(
            "screen.html", stage=stage, reviewer=who,
            reasons=self._reasons(stage), record=self._record_html(stage, who, queue, shown),
            status=self._status(stage, who, queue)))

    def _reasons(self, stage) -> list[tuple[int, str, str]]:
        """Each reason the stage allows: its key (1–9, then 0), id and text."""
        ids = self.desk.reasons(stage)
        return [(n + 1, rid, self.desk.criteria.text(rid)) for n, rid in enumerate(ids)]

    def _record_html(self, stage, who: str, queue: Queue, record_id: str | None) -> str:
        if record_id is None:
            unsure = [rid for rid, e in self.desk.mine(stage.id, who).items()
                      if e.decision == "unsure" and rid in queue]
            return self.env.get_template("done.html").render(stage=stage, queue=queue,
                                                             unsure=unsure)
        if record_id not in queue:
            raise KeyError(record_id)
        mine = self.desk.mine(stage.id, who).get(record_id)
        pending = self.desk.pen(stage.id, who).pending()
        return self._render_record(stage, self.desk.by_id[record_id], mine,
                                   mine.note if mine else pending.get(record_id, ""),
                                   queue.scores.get(record_id))

    def _render_record(self, stage, record, mine, note: str,
                       score: float | None = None) -> str:
        view = record_view(record, self.marks(), self.desk.root, score)
        return self.env.get_template("record.html").render(
            r=view, mine=mine, stage=stage, eligibility=stage.kind == "eligibility", note=note)

    def _status(self, stage, who: str, queue: Queue) -> dict[str, Any]:
        """The progress bar and the stopping estimate, as the page shows them."""
        lines: list[str] = []
        model: dict[str, float] = {}
        if queue.order == "prioritised" and stage.id == self.desk.ranked_stage:
            lines = self._stopping(stage.id, who, queue)
            ranked = self.desk.ranker(who).latest()
            if ranked is not None:
                model = {"seconds": ranked.seconds, "features_seconds": ranked.features_seconds}
        return {"count": f"{queue.done} of {queue.total} screened",
                "done": queue.done, "total": queue.total, "order": queue.order,
                "learnt_from": queue.learnt_from, "stopping": lines, "model": model}

    def _stopping(self, stage: str, who: str, queue: Queue) -> list[str]:
        """The newest stopping estimate of the reviewer's model (made in its worker)."""
        if not queue.learnt_from:
            learnt = set(self.desk.labels(who).values())
            return ["The model is learning from your decisions: it orders the records "
                    "when it is done." if learnt == {True, False} else
                    "The model orders the records once it has one included and one "
                    "excluded record to learn from."]
        return list(self.desk.ranker(who).stopping[:4])

    def _answer(self, stage, who: str, queue: Queue, shown: str | None,
                status_code: int = 200, **extra: Any) -> JSONResponse:
        return JSONResponse({"html": self._record_html(stage, who, queue, shown),
                             "record_id": shown, "status": self._status(stage, who, queue),
                             **extra}, status_code)

    def decide(self, request: Request, who: str, body: dict[str, Any]) -> Response:
        stage = self._stage(request)
        rid = str(body.get("record_id", ""))
        queue = self.desk.queue(stage.id, who)
        if rid not in queue:
            raise InputError(Problem(stage.id, f"record '{rid}' is not screened at this stage"))
        mine = self.desk.mine(stage.id, who).get(rid)
        if "shown" in body and str(body["shown"]) != (mine.decision if mine else ""):
            return self._answer(stage, who, queue, rid, status_code=409, error=(
                f"'{rid}' was decided meanwhile (in another tab, or in the sheet) as "
                f"'{mine.decision if mine else 'nothing'}': shown again, decide again to "
                "change it"))
        note = str(body.get("note", ""))
        if "shown_note" in body and note == str(body["shown_note"]):  # not changed here:
            note = mine.note if mine else self.desk.pen(stage.id, who).pending().get(rid, note)
        said = self.desk.decide(stage.id, who, rid, str(body.get("decision", "")),
                                str(body.get("reason", "")), note)
        queue = self.desk.queue(stage.id, who)  # the decision now among the reviewer's
        return self._answer(stage, who, queue, queue.next(), saved=said.record_id,
                            replaced=said.replaced)

    def undo(self, request: Request, who: str, body: dict[str, Any]) -> Response:
        stage = self._stage(request)
        rid = self.desk.undo(stage.id, who)
        queue = self.desk.queue(stage.id, who)
        return self._answer(stage, who, queue, rid or queue.next(), undone=rid or "")

    def record(self, request: Request, who: str, body: dict[str, Any]) -> Response:
        """One record by id, or the one decided before (``before=ID``) or next."""
        stage = self._stage(request)
        queue = self.desk.queue(stage.id, who)
        order = [rid for rid in map(self.desk.canonical, self.desk.pen(stage.id, who).order())
                 if rid in queue]  # a row of a record no longer here is passed by
        shown: str | None
        if "before" in request.query_params:
            before = request.query_params["before"]
            at = order.index(before) if before in order else len(order)
            shown = order[at - 1] if at > 0 else (order[0] if order else None)
        elif "after" in request.query_params:
            after = request.query_params["after"]
            at = order.index(after) + 1 if after in order else len(order)
            shown = order[at] if at < len(order) else queue.next()
        else:
            shown = request.query_params.get("id") or queue.next()
        return self._answer(stage, who, queue, shown)

    def status(self, request: Request, who: str, body: dict[str, Any]) -> Response:
        stage = self._stage(request)
        queue = self.desk.queue(stage.id, who)
        return JSONResponse(self._status(stage, who, queue))

    # --- progress and resolution ------------------------------------------------------------

    def progress(self, request: Request, who: str) -> Response:
        sheets, result = self.desk.screening()
        counts = self._counts(result)
        notices = [f"Not highlighted: {p}" for p in self.marks().problems]
        return HTMLResponse(self.render(
            "progress.html", reviewer=who, tallies=tallies(sheets, result), counts=counts,
            notices=notices, sees_all=bool(self.resolver) and
            who.casefold() == self.resolver.casefold()))

    def _counts(self, result) -> dict[str, Any]:
        """The PRISMA counts now (computed again only when the sheets changed)."""
        if self._prisma is None or self._prisma[0] is not result:
            self._prisma = (result, prisma_now(self.desk, result))
        return self._prisma[1]

    def flow_svg(self, request: Request, who: str) -> Response:
        from litreview.reporting import flow_svg

        _, result = self.desk.screening()
        return Response(flow_svg(self._counts(result)), media_type="image/svg+xml",
                        headers={"Content-Security-Policy": "script-src 'none'"})

    def _may_resolve(self, who: str) -> None:
        if not self.resolver or who.casefold() != self.resolver.casefold():
            raise PermissionError(f"only the resolver ({self.resolver or 'none named'}) may "
                                  "resolve: start the app with --resolver NAME")

    def resolve(self, request: Request, who: str) -> Response:
        self._may_resolve(who)
        stage = self._stage(request)
        sheets, result = self.desk.screening()
        items = to_resolve(stage.id, sheets, result, self.desk.aliases)
        views = [(item, record_view(self.desk.by_id[item.record_id], self.marks(),
                                    self.desk.root)) for item in items]
        agreement = next(t for t in tallies(sheets, result) if t.id == stage.id).agreement
        return HTMLResponse(self.render("resolve.html", reviewer=who, stage=stage,
                                        items=views, agreement=agreement,
                                        reasons=self._reasons(stage)))

    def resolve_one(self, request: Request, who: str, body: dict[str, Any]) -> Response:
        """The resolver's decision, on the agreed sheet ``<stage>.csv``."""
        self._may_resolve(who)
        stage = self._stage(request)
        rid = str(body.get("record_id", ""))
        entry = Entry(rid, str(body.get("decision", "")).lower(), str(body.get("reason", "")),
                      who, "", str(body.get("note", "")))
        said = self.desk.resolve(stage.id, entry)
        return JSONResponse({"saved": said.record_id, "replaced": said.replaced})
