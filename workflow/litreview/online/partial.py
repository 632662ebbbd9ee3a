"""A search under way, kept on disk as it comes: ``data/exports/<db>/.partial/`` holds each
page's body as it came (``page-00001.json``…) and ``search.json``, the search's state (its
query, the requests sent, the count reported, the records and pages saved). A page is
written before the state that counts it, each by an atomic move, so an interrupted search
leaves at worst one page to fetch again; a rerun of the same query continues from the last
complete page. The folder is hidden: nothing reads it as an export."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from litreview.core.errors import InputError, Problem
from litreview.core.fileio import atomic_write_bytes, atomic_write_text
from litreview.online.services import Progress

FOLDER = ".partial"
STATE = "search.json"


@dataclass(slots=True)
class Partial:
    """The partial folder of one database's search (see the module docstring)."""

    folder: Path
    shown: str  # the folder as messages name it (relative to the review)
    api: str
    query: str
    extension: str
    date: str = ""
    started: str = ""
    requests: list[str] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)
    resumed: bool = False

    def open(self, date: str, started: str) -> Partial:
        """Continue the saved search of the same query, else start afresh (a search of
        another query left here is dropped: its pages answer another question)."""
        state = self._state()
        if state and state.get("api") == self.api and state.get("query") == self.query:
            self.date, self.started = state["date"], state["started"]
            self.requests = list(state["requests"])
            self.progress = Progress(**state["progress"])
            self.resumed = True
            return self
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.date, self.started = date, started
        return self

    def _state(self) -> dict[str, Any] | None:
        path = self.folder / STATE
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(Problem(f"{self.shown}/{STATE}", f"an interrupted search's state "
                                     f"cannot be read ({error})", hint=f"delete {self.shown} "
                                     "to start the search afresh")) from None

    def page_path(self, number: int) -> Path:
        return self.folder / f"page-{number:05d}.{self.extension}"

    def save(self, body: bytes | None, progress: Progress, request: str) -> None:
        """A reply came: its page (None for a reply that only counts), then the state."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if body is not None:
            atomic_write_bytes(self.page_path(progress.pages), body)
        self.requests.append(request)
        self.progress = progress
        atomic_write_text(self.folder / STATE, json.dumps({
            "api": self.api, "query": self.query, "date": self.date, "started": self.started,
            "requests": self.requests, "progress": asdict(progress)}, indent=1) + "\n")

    def bodies(self) -> list[bytes]:
        """Every saved page's body, in order."""
        return [self.page_path(n).read_bytes() for n in range(1, self.progress.pages + 1)]

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
