"""Citation chasing (``litreview search citations``): each included study found in OpenAlex
(:mod:`~litreview.online.chasing` says how), then its references (backward; Crossref's
reference list where OpenAlex has none) and the works citing it (forward). Every reply is
kept in ``data/other/citations/.partial/`` as it comes, so an interrupted chase resumes:
the chase is run again from the start on the replies kept, and only what is missing is
asked. At the end the OpenAlex pages of references and citing works are saved as they came
(``citations_<date>.json``), the references known only to Crossref as a Crossref page
(``citations_<date>.crossref.json``), and the record of the chase
(``citations_<date>.search.json``): every request, and for each record received the
included studies it came from, and how."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from litreview import __version__
from litreview.core.errors import InputError, Problem
from litreview.core.fileio import atomic_write_bytes, atomic_write_text
from litreview.core.records import normalise_doi
from litreview.core.review import CITATIONS_FOLDER
from litreview.online import chasing
from litreview.online.chasing import Study
from litreview.online.partial import FOLDER, Partial
from litreview.online.polite import Fetcher
from litreview.online.searching import Wiring, located
from litreview.online.services import Progress

INTERVAL = 0.2  # five requests a second at most
BACKWARD, FORWARD = "backward", "forward"
VIA = {"references": "OpenAlex references", "crossref": "Crossref reference list",
       "citing": "OpenAlex citing works"}


@dataclass(frozen=True, slots=True)
class Chase:
    """What one citation chase looks for, which ways, and where it saves what it finds."""

    root: Path
    studies: tuple[Study, ...]
    directions: tuple[str, ...]  # backward, forward or both
    day: dt.date
    contact: str = ""

    def file(self, suffix: str) -> str:
        return f"{CITATIONS_FOLDER}/citations_{self.day.isoformat()}{suffix}"

    @property
    def query(self) -> str:
        ways = {BACKWARD: "backward (references)", FORWARD: "forward (citing works)"}
        return (f"{' and '.join(ways[d] for d in self.directions)} citation searching of "
                f"{len(self.studies)} included studies in OpenAlex")

    @property
    def key(self) -> str:
        """What a kept partial chase must share to be continued: the ways and the studies."""
        ids = "\n".join(f"{s.record_id} {s.doi} {s.pmid}" for s in self.studies)
        return f"{'+'.join(self.directions)} {hashlib.sha256(ids.encode()).hexdigest()}"

    def first_request(self, study: Study) -> str:
        if study.doi:
            return chasing.by_doi(study.doi, self.contact)
        if study.pmid:
            return chasing.by_pmid(study.pmid, self.contact)
        return chasing.by_title(study.title, study.year, self.contact) \
            if study.title and study.year else ""


@dataclass(frozen=True, slots=True)
class Found:
    """An included study looked for: its OpenAlex work and how it was found, else why not."""

    study: Study
    work_id: str = ""
    how: str = ""  # DOI, PMID or title and year
    doi: str = ""
    references: tuple[str, ...] = ()
    why: str = ""  # why it was not found


@dataclass(frozen=True, slots=True)
class ChaseOutcome:
    """A chase done: each study found or not, the records saved, and the files written."""

    chase: Chase
    found: tuple[Found, ...]
    received: int
    from_crossref: int
    export: str | None
    references: str | None
    sidecar: str
    resumed: bool = False


class _NotFound(InputError):
    """A 404: the service has no such work."""


class _Lenient(Fetcher):
    """The polite fetcher, with a 404 told apart (a study not in OpenAlex is no failure)."""

    __slots__ = ()

    def _refused(self, response: httpx.Response, shown: str) -> InputError:
        if response.status_code == 404:
            return _NotFound(Problem(self.place(), f"{shown}: not found"))
        return Fetcher._refused(self, response, shown)


@dataclass(slots=True)
class _Replies:
    """Each reply of the chase in turn: the one kept from an interrupted run, else asked
    and kept. None for a 404."""

    fetcher: Fetcher
    partial: Partial
    position: int = 0

    def get(self, address: str) -> bytes | None:
        kept = self.partial.requests
        if self.position < len(kept):
            if kept[self.position] != address:
                raise InputError(Problem(self.partial.shown, f"the interrupted chase asked "
                                         f"{kept[self.position]} here, this one {address}",
                                         hint=f"delete {self.partial.shown} to chase afresh"))
            body = self.partial.page_path(self.position + 1).read_bytes()
        else:
            try:
                body = self.fetcher.get(address, address).body
            except _NotFound:
                body = b""
            self.partial.save(body, Progress(pages=self.position + 1), address)
        self.position += 1
        return body or None


@dataclass(slots=True)
class _Run:
    """A chase under way: the pages to save, the Crossref references kept, and where each
    record came from."""

    chase: Chase
    replies: _Replies
    where: str
    pages: list[bytes] = field(default_factory=list)
    crossref: list[dict[str, Any]] = field(default_factory=list)
    origins: dict[str, dict[str, Any]] = field(default_factory=dict)
    fetched: set[str] = field(default_factory=set)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    reported: int = 0
    received: int = 0

    def _json(self, body: bytes, address: str, what: str) -> dict[str, Any]:
        return chasing.read_json(body, address, self.where, what)

    def find(self, study: Study) -> Found:
        """The study's work in OpenAlex: by DOI, else PMID, else title and year."""
        tried = []
        for how, value, ask in (("DOI", study.doi, chasing.by_doi),
                                ("PMID", study.pmid, chasing.by_pmid)):
            if not value:
                continue
            body = self.replies.get(address := ask(value, self.chase.contact))
            if body is not None:
                return self._found(study, how, self._json(body, address, "an OpenAlex work"))
            tried.append(f"{how} {value} not in OpenAlex")
        if not (study.title and study.year):
            return Found(study, why="; ".join([*tried, "no title and year to search by"]))
        address = chasing.by_title(study.title, study.year, self.chase.contact)
        body = self.replies.get(address)
        works = chasing.results(self._json(body, address, "an OpenAlex page"), address,
                                self.where) if body else []
        matched = {chasing.short_id(w.get("id")): w for w in
                   chasing.matching(works, study.title, study.year)}
        if len(matched) == 1:
            return self._found(study, "title and year", next(iter(matched.values())))
        tried.append(f"title and year: {len(matched)} works match ({', '.join(matched)}), "
                     "none taken" if matched else "no work with its title and year")
        return Found(study, why="; ".join(tried))

    def _found(self, study: Study, how: str, work: dict[str, Any]) -> Found:
        refs = work.get("referenced_works") or []
        return Found(study, chasing.short_id(work.get("id")), how, chasing.work_doi(work),
                     tuple(chasing.short_id(r) for r in refs if r))

    def _note(self, study: Study, way: str, n: int = 1) -> None:
        tally = self.counts.setdefault(study.record_id, {})
        tally[way] = tally.get(way, 0) + n

    def _origin(self, key: str, entry: dict[str, Any], study: Study, direction: str,
                via: str) -> None:
        origin = self.origins.setdefault(key, {**entry, "came_from": []})
        came = {"study": study.record_id, "direction": direction, "via": via}
        if came not in origin["came_from"]:
            origin["came_from"].append(came)

    def _page(self, body: bytes, address: str, study: Study, direction: str, via: str
              ) -> list[dict[str, Any]]:
        """An OpenAlex list page: kept for the export when it holds works, each work's
        origin noted."""
        page = self._json(body, address, "an OpenAlex page")
        works = chasing.results(page, address, self.where)
        if works:
            self.pages.append(body)
            self.received += len(works)
        for work in works:
            work_id = chasing.short_id(work.get("id"))
            self.fetched.add(work_id)
            self._origin(work_id, {"id": work_id, "file": Path(self.chase.file(".json")).name,
                                   "title": work.get("display_name") or work.get("title"),
                                   "year": work.get("publication_year")},
                         study, direction, via)
        self._note(study, direction, len(works))
        return works

    def backward(self, found: Found) -> None:
        """The works the study's references name; Crossref's list where OpenAlex has none."""
        study = found.study
        if found.references:
            for work_id in (r for r in found.references if r in self.fetched):
                self._origin(work_id, {}, study, BACKWARD, VIA["references"])
            wanted = [r for r in dict.fromkeys(found.references) if r not in self.fetched]
            self.reported += len(found.references)
            for start in range(0, len(wanted), chasing.BATCH):
                address = chasing.works_by_id(wanted[start:start + chasing.BATCH],
                                              self.chase.contact)
                body = self.replies.get(address)
                if body is not None:
                    self._page(body, address, study, BACKWARD, VIA["references"])
            return
        doi = study.doi or found.doi
        address = chasing.crossref_work(doi, self.chase.contact) if doi else ""
        body = self.replies.get(address) if address else None
        if body is not None:
            self._crossref(study, chasing.references_of(
                self._json(body, address, "a Crossref work")))

    def _crossref(self, study: Study, references: list[dict[str, Any]]) -> None:
        """Crossref's references: those with a DOI OpenAlex knows as OpenAlex works, the
        others kept as Crossref works."""
        self.reported += len(references)
        dois = list(dict.fromkeys(normalise_doi(r["DOI"]) for r in references if r.get("DOI")))
        known: set[str] = set()
        for start in range(0, len(dois), chasing.BATCH):
            address = chasing.works_by_doi(dois[start:start + chasing.BATCH], self.chase.contact)
            body = self.replies.get(address)
            if body is not None:
                known |= {chasing.work_doi(w) for w in self._page(
                    body, address, study, BACKWARD, VIA["crossref"])}
        for n, reference in enumerate(references, start=1):
            doi = normalise_doi(str(reference.get("DOI") or ""))
            if doi and doi in known:
                continue
            key = f"doi:{doi}" if doi else f"{study.record_id}#{n}"
            item = chasing.crossref_item(reference)
            if key not in self.origins:
                self.crossref.append(item)
                self.received += 1
            self._origin(key, {"id": doi, "file": Path(self.chase.file(".crossref.json")).name,
                               "title": (item["title"] or [""])[0],
                               "year": str(reference.get("year") or "")},
                         study, BACKWARD, VIA["crossref"])
            self._note(study, "from_crossref")

    def forward(self, found: Found) -> None:
        """The works citing the study, page by page by cursor."""
        cursor: str | None = "*"
        while cursor:
            address = chasing.citing(found.work_id, cursor, self.chase.contact)
            body = self.replies.get(address)
            if body is None:
                return
            page = self._json(body, address, "an OpenAlex page")
            if cursor == "*":
                self.reported += int((page.get("meta") or {}).get("count") or 0)
            works = self._page(body, address, found.study, FORWARD, VIA["citing"])
            cursor = (page.get("meta") or {}).get("next_cursor") if works else None


def refuse_overwrite(chase: Chase) -> None:
    """One chase a day: its files are never replaced."""
    for name in (chase.file(".json"), chase.file(".crossref.json"), chase.file(".search.json")):
        if (chase.root / name).exists():
            raise InputError(Problem(name, f"citations were already chased on "
                                     f"{chase.day.isoformat()}: this file exists",
                                     hint="a second chase the same day would count its records "
                                     "twice; to chase again, delete that day's citations_* "
                                     "files first"))


def run_chase(chase: Chase, wiring: Wiring) -> ChaseOutcome:
    """Find the studies, chase their citations and save what came (see the module
    docstring)."""
    shown = f"{CITATIONS_FOLDER}/{FOLDER}"
    partial = Partial(chase.root / shown, shown, "citations", chase.key, "json")
    partial.open(chase.day.isoformat(), wiring.now().isoformat(timespec="seconds"))
    chase = replace(chase, day=dt.date.fromisoformat(partial.date))  # a resumed one's
    refuse_overwrite(chase)
    timing: dict[str, Callable] = {k: v for k, v in (("sleep", wiring.sleep),
                                                     ("clock", wiring.clock)) if v is not None}
    fetcher = _Lenient(replace(wiring.manners, interval=INTERVAL), shown, wiring.transport,
                       **timing, folder=partial.folder, name="citation chasing")
    bar = tqdm(total=len(chase.studies), desc="citations", unit=" steps", file=sys.stderr,
               leave=False, disable=not (sys.stderr.isatty() if wiring.bar is None
                                         else wiring.bar))
    with fetcher, bar:
        run = _Run(chase, _Replies(fetcher, partial), shown)
        try:
            found = []
            for study in chase.studies:
                found.append(run.find(study))
                bar.update()
            chased = [f for f in found if f.work_id]
            bar.total = len(chase.studies) + len(chased) * len(chase.directions)
            for each in chased:
                for direction in chase.directions:
                    (run.backward if direction == BACKWARD else run.forward)(each)
                    bar.update()
                    bar.set_postfix(records=run.received)
        except InputError as error:
            raise located(error, partial, "citation chasing") from None
    return _saved(chase, partial, run, tuple(found), wiring)


def _saved(chase: Chase, partial: Partial, run: _Run, found: tuple[Found, ...],
           wiring: Wiring) -> ChaseOutcome:
    """The pages, the Crossref references and the record of the chase, written."""
    data = b"[\n" + b",\n".join(run.pages) + b"\n]\n" if run.pages else b""
    refs = chasing.crossref_page(run.crossref) if run.crossref else b""
    for name, content in ((chase.file(".json"), data), (chase.file(".crossref.json"), refs)):
        if content:
            atomic_write_bytes(chase.root / name, content)
    record = _record(chase, partial, run, found, wiring, data, refs)
    atomic_write_text(chase.root / chase.file(".search.json"),
                      json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    partial.remove()
    return ChaseOutcome(chase, found, run.received, len(run.crossref),
                        chase.file(".json") if data else None,
                        chase.file(".crossref.json") if refs else None,
                        chase.file(".search.json"), partial.resumed)


def _study(found: Found, counts: dict[str, int]) -> dict[str, Any]:
    study = found.study
    return {"record_id": study.record_id, "title": study.title, "year": study.year,
            "doi": study.doi or None, "pmid": study.pmid or None,
            "openalex_id": found.work_id or None, "found_by": found.how or None,
            "references": counts.get(BACKWARD, 0), "from_crossref": counts.get("from_crossref", 0),
            "citing": counts.get(FORWARD, 0), "why_not_found": found.why or None}


def _record(chase: Chase, partial: Partial, run: _Run, found: tuple[Found, ...],
            wiring: Wiring, data: bytes, refs: bytes) -> dict[str, Any]:
    """What the record of the chase says: the service, every request, when, each study and
    how it was found, and for each record received the studies it came from and how."""
    return {
        "service": "OpenAlex" + (" and Crossref" if any(
            "crossref.org" in r for r in partial.requests) else ""),
        "api": "openalex", "database": "Citation searching", "query": chase.query,
        "directions": list(chase.directions), "date": partial.date,
        "started": partial.started, "finished": wiring.now().isoformat(timespec="seconds"),
        "requests": partial.requests, "reported": run.reported, "received": run.received,
        "export": Path(chase.file(".json")).name if data else None,
        "sha256": hashlib.sha256(data).hexdigest() if data else None,
        "references_export": Path(chase.file(".crossref.json")).name if refs else None,
        "references_sha256": hashlib.sha256(refs).hexdigest() if refs else None,
        "studies": [_study(f, run.counts.get(f.study.record_id, {})) for f in found],
        "records": list(run.origins.values()), "tool": f"litreview {__version__}",
    }
