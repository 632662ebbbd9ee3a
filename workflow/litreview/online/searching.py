"""One database's search, from its first request to its saved export: requests sent in
turn, each reply checked (the count it reports, the records it holds) and kept in the
partial folder as it came, a progress bar on a terminal, and at the end the pages joined
into ``data/exports/<db>/<db>_<date>.<ext>`` with its sidecar (``….search.json``). A count
received that differs from the count reported stops the search with the folder it is in and
what to do; nothing is saved as an export unless every record came."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from tqdm import tqdm

from litreview import __version__
from litreview.core.errors import InputError, Problem
from litreview.core.fileio import atomic_write_bytes, atomic_write_text
from litreview.core.review import sidecar_of
from litreview.online.partial import FOLDER, Partial
from litreview.online.polite import Fetcher, Manners
from litreview.online.services import Progress, Service


@dataclass(frozen=True, slots=True)
class Search:
    """What one database's search sends, and where it saves what comes back."""

    database: str
    slug: str
    query: str
    service: Service
    root: Path  # the review directory
    day: dt.date  # the search date: the export's name
    strategy: str = ""
    since: str = ""  # an update: records added since this date
    warnings: tuple[str, ...] = ()  # the compiler's, about the query

    @property
    def folder(self) -> str:
        """The database's export folder, relative to the review."""
        return f"data/exports/{self.slug}"

    @property
    def export(self) -> str:
        return f"{self.folder}/{self.slug}_{self.day.isoformat()}.{self.service.extension}"

    @property
    def sidecar(self) -> str:
        return sidecar_of(self.export).as_posix()


@dataclass(frozen=True, slots=True)
class Outcome:
    """A search done: the counts, and the files written (no export for an empty result)."""

    search: Search
    reported: int
    received: int
    export: str | None
    sidecar: str
    resumed: bool = False


@dataclass(frozen=True, slots=True)
class Wiring:
    """How searches reach the network: the manners, and for tests a transport (respx, a
    local server), a sleep and a clock that wait for nothing, and the time of day."""

    manners: Manners = field(default_factory=Manners)
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] | None = None
    clock: Callable[[], float] | None = None
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    bar: bool | None = None  # the progress bar; None: on a terminal only


def refuse_overwrite(search: Search) -> None:
    """A search never replaces an export: a second one the same day is refused."""
    for name in (search.export, search.sidecar):
        if (search.root / name).exists():
            raise InputError(Problem(name, f"{search.database} was already searched on "
                                     f"{search.day.isoformat()}: this file exists",
                                     hint="a second search the same day would count its "
                                     "records twice; to search again, delete the export and "
                                     "its .search.json first"))


def run_search(search: Search, wiring: Wiring, most: int | None = None) -> Outcome:
    """Send the search, page by page, and save what came back (see the module docstring).
    ``most``: stop, before fetching more, when the service reports more records."""
    shown = f"{search.folder}/{FOLDER}"
    partial = Partial(search.root / shown, shown, search.service.api, search.query,
                      search.service.extension)
    partial.open(search.day.isoformat(), wiring.now().isoformat(timespec="seconds"))
    search = replace(search, day=dt.date.fromisoformat(partial.date))  # a resumed one's
    refuse_overwrite(search)
    done = search.service.resumed(partial.progress)
    manners = replace(wiring.manners, interval=search.service.interval)
    fetcher = Fetcher(manners, shown, wiring.transport, **_timing(wiring),
                      folder=partial.folder, name=search.database)
    bar = tqdm(total=done.reported, initial=done.received, desc=search.database,
               unit=" records", file=sys.stderr, leave=False,
               disable=not (sys.stderr.isatty() if wiring.bar is None else wiring.bar))
    with fetcher, bar:
        try:
            while (request := search.service.next_request(search.query, done)) is not None:
                reply = fetcher.get(request.url, request.shown)
                page = search.service.read(reply.body, request, done, shown)
                if page.reported is not None:
                    _check_count(done, page.reported, most, shown, search)
                    bar.total = page.reported
                saved = request.kind == "page"
                done = Progress(done.reported if page.reported is None else page.reported,
                                done.received + page.records, done.pages + saved,
                                page.cursor or done.cursor)
                partial.save(reply.body if saved else None, done, request.shown)
                bar.update(page.records)
        except InputError as error:
            raise located(error, partial, search.database) from None
    return _saved(search, partial, done, wiring)


def located(error: InputError, partial: Partial, name: str) -> InputError:
    """``error`` with the partial folder named only if it exists (else ``name``, what was
    searched): a failure before the first reply was kept leaves no folder to look in."""
    if partial.folder.exists():
        return error
    return type(error)([replace(p, file=name) if p.file == partial.shown else p
                        for p in error.problems])


def _timing(wiring: Wiring) -> dict[str, Callable]:
    timing: dict[str, Callable] = {}
    if wiring.sleep is not None:
        timing["sleep"] = wiring.sleep
    if wiring.clock is not None:
        timing["clock"] = wiring.clock
    return timing


def _check_count(done: Progress, reported: int, most: int | None, shown: str,
                 search: Search) -> None:
    """The count a reply reports: the same all through the search, and not over ``most``."""
    if done.reported is not None and reported != done.reported:
        raise InputError(Problem(shown, f"{search.database}: the service now reports {reported} "
                                 f"records; the search began with {done.reported}",
                                 hint=f"the database changed under the search: delete {shown} "
                                 "and run the command again to search afresh"))
    if most is not None and reported > most:
        raise InputError(Problem(shown, f"{search.database}: the service reports {reported} "
                                 f"records, more than --max {most}",
                                 hint="check the query (litreview query compile), or raise "
                                 "--max: the search resumes where it stopped"))


def _saved(search: Search, partial: Partial, done: Progress, wiring: Wiring) -> Outcome:
    """The pages joined into the export (when any record came) and the sidecar."""
    reported = done.reported or 0
    if done.received != reported:
        raise InputError(Problem(partial.shown, f"{search.database}: {done.received} records "
                                 f"received, the service reported {reported}",
                                 hint="nothing was saved as an export; run the command again "
                                 f"(or delete {partial.shown} to search afresh)"))
    data = search.service.join(partial.bodies()) if done.received else b""
    if data:
        atomic_write_bytes(search.root / search.export, data)
    atomic_write_text(search.root / search.sidecar, json.dumps(_sidecar(
        search, partial, done, wiring, data), indent=2, ensure_ascii=False) + "\n")
    partial.remove()
    return Outcome(search, reported, done.received, search.export if data else None,
                   search.sidecar, partial.resumed)


def _sidecar(search: Search, partial: Partial, done: Progress, wiring: Wiring,
             data: bytes) -> dict[str, object]:
    """What the sidecar records: the service, the query as sent, every request, when, and
    the counts reported and received."""
    return {
        "service": search.service.name, "api": search.service.api,
        "database": search.database, "strategy": search.strategy, "query": search.query,
        "since": search.since or None, "date": partial.date, "started": partial.started,
        "finished": wiring.now().isoformat(timespec="seconds"),
        "requests": partial.requests, "reported": done.reported or 0,
        "received": done.received,
        "export": Path(search.export).name if data else None,
        "sha256": hashlib.sha256(data).hexdigest() if data else None,
        "warnings": list(search.warnings), "tool": f"litreview {__version__}",
    }
