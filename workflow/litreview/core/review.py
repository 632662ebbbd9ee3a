"""The review config (``review.yaml``): what was searched, where, and how it is screened."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.records import slug
from litreview.core.schema import line_of, read_yaml, validate

CONFIG_NAME = "review.yaml"
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
#: A ``key: value`` line of a search strategy's header (``database: ERIC``).
STRATEGY_HEADER = re.compile(r"^([A-Za-z][A-Za-z _-]*):\s*(.*)$")


def header_field(text: str, key: str) -> tuple[str, int] | None:
    """The value and line of a strategy header's ``key:`` line, if it has one. The header
    is the ``key: value`` lines before the first blank line or search line."""
    started = False
    for line_no, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            if started:
                return None
            continue
        match = STRATEGY_HEADER.match(stripped) if not stripped.startswith("#") else None
        if match is None:
            return None
        started = True
        if match.group(1).strip().lower() == key:
            return match.group(2).strip(), line_no
    return None


@dataclass(frozen=True, slots=True)
class Limits:
    """A search's limits, as the review config or a strategy's header states them
    (``limits: years 2002-2008; language English``)."""

    years: tuple[int, int] | None = None
    language: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()
    since: str = ""  # a search update: records added after this date (YYYY-MM-DD)


@dataclass(frozen=True, slots=True)
class Source:
    """A database searched with a strategy, or another source (website, organisation...)."""

    name: str
    slug: str
    kind: str  # "database" or a PRISMA other-methods kind
    exports: tuple[str, ...]
    searched: str = ""
    host: str = ""
    strategy: str = ""
    format: str = "auto"
    limits: Limits = field(default_factory=Limits)
    description: str = ""
    thesaurus: str = ""
    heading_map: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # field -> column header, for odd tables
    rejects: bool = False  # set unreadable blocks aside instead of stopping
    outlets: tuple[str, ...] = ()  # a call for evidence: where it was placed
    opens: str = ""  # and when it ran
    closes: str = ""
    api: str = ""  # the open API litreview searches it through (litreview search run)

    @property
    def is_database(self) -> bool:
        return self.kind == "database"


@dataclass(frozen=True, slots=True)
class Review:
    title: str
    question: str
    databases: tuple[Source, ...]
    other_sources: tuple[Source, ...]
    criteria: str
    decisions: str
    strict: bool = False
    coding: str = "screening/coding.yaml"  # the coding form, used when the file exists
    coding_sheets: str = "screening/coding"
    update_of: str = ""  # last search date of the previous version, for an update
    prioritise: bool = False  # rank the title/abstract sheet by predicted relevance
    contact: str = ""  # the e-mail an API search gives the services (polite use)

    def search_round(self, searched: str) -> int:
        """0 for records of the previous version (or of a new review), 1 for the update's."""
        return 1 if self.update_of and searched and searched > self.update_of else 0

    def previous_search(self, source: Source) -> str:
        """For an update: the last date ``source`` was searched for the previous version
        (its exports' dates up to ``update_of``), so the update's date limit leaves no gap."""
        if not self.update_of:
            return ""
        dates = [d for d in (search_date(e, source.searched) for e in source.exports)
                 if d and d <= self.update_of]
        return max(dates, default=self.update_of)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def sources(self) -> tuple[Source, ...]:
        """Databases first, then other sources: the order that decides representatives."""
        return self.databases + self.other_sources

    def source_names(self) -> dict[str, tuple[str, ...]]:
        """What a person may call a source in another file (its name or slug, any case),
        and ``databases`` for every database: each with the source names it stands for."""
        names = {"databases": tuple(d.name for d in self.databases)}
        for source in self.sources:
            names[source.name.casefold()] = names[source.slug] = (source.name,)
        return names

    def source(self, slug_: str) -> Source:
        for source in self.sources:
            if source.slug == slug_:
                return source
        raise KeyError(slug_)


def export_files(entries: list[str], root: Path) -> tuple[str, ...]:
    """Expand folders and keep files as given. A folder gives every export in it and in its
    subfolders (databases' downloads often come in dated folders), in search order: by the
    date in the file's or its folder's name, then by path; what is no export is left
    (:func:`is_export_name`)."""
    files: list[str] = []
    for entry in entries:
        path = root / entry
        if path.is_dir():
            found = [p for p in path.rglob("*") if p.is_file()
                     and all(is_export_name(part) for part in p.relative_to(path).parts)]
            found.sort(key=lambda p: (search_date(p.relative_to(root).as_posix(), ""),
                                      p.relative_to(path).as_posix()))
            files.extend(p.relative_to(root).as_posix() for p in found)
        else:
            files.append(entry)
    return tuple(files)


#: Names in an export folder that no database wrote: what Windows and macOS leave behind.
_NOT_EXPORTS = frozenset({"thumbs.db", "desktop.ini", "__macosx"})
#: What ``litreview search run`` writes beside an export it saved: how it was searched.
SEARCH_SIDECAR = ".search.json"
#: Where ``litreview search citations`` saves what citation chasing found.
CITATIONS_FOLDER = "data/other/citations"


def sidecar_of(export: str | Path) -> Path:
    """The record of the API search that saved ``export`` (``eric_2026-05-01.json`` →
    ``eric_2026-05-01.search.json``), whether or not it exists."""
    path = Path(export)
    return path.with_name(path.stem + SEARCH_SIDECAR)


def search_records(source: Source, root: str | Path = ".") -> list[str]:
    """The records of the API searches of ``source`` (``*.search.json``) in the folders of
    its exports and in ``data/exports/<slug>/`` (citation searching: in
    :data:`CITATIONS_FOLDER` too), relative to ``root``, sorted: a search that found nothing
    leaves its record and no export."""
    root = Path(root)
    folders = {Path(e).parent for e in source.exports} | {Path("data/exports") / source.slug}
    if source.kind == "citation_searching":
        folders.add(Path(CITATIONS_FOLDER))
    return sorted({str(p.relative_to(root)) for folder in folders
                   for p in (root / folder).glob(f"*{SEARCH_SIDECAR}") if p.is_file()})


def is_export_name(name: str) -> bool:
    """Whether a file or folder in an export folder may hold exports: not hidden (``.DS_Store``,
    macOS ``._`` copies), not an Office lock file (``~$export.xlsx``), not system clutter
    (``Thumbs.db``, ``__MACOSX``), not a read-me, not the record of an API search."""
    lower = name.lower()
    return not (lower.startswith((".", "~$", "readme")) or lower in _NOT_EXPORTS
                or lower.endswith(SEARCH_SIDECAR))


def search_date(file: str, default: str) -> str:
    """The date in an export's file name (``eric_2009-03-01.ris``), else in the name of the
    folder it is in (a dated download: ``2009-03-01/eric.ris``), else the database's."""
    path = Path(file)
    for name in (path.name, path.parent.name):
        match = _DATE_IN_NAME.search(name)
        if match:
            return match.group(1)
    return default


def _date_problems(value: str, file: str, where: str) -> list[Problem]:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return [Problem(file, f"{where}: '{value}' is not a date", hint="write YYYY-MM-DD")]
    return []


def parse_review(data: Any, file: str = CONFIG_NAME, yaml_text: str = "",
                 root: Path | None = None, searching: bool = False) -> Review:
    """Validate the config and turn it into a :class:`Review`; raises InputError.
    ``searching``: for ``litreview search run``, a database with an ``api`` may have no
    export yet (its first search is the one about to run)."""
    root = root or Path(".")
    raise_if(validate(data, "review", file, yaml_text))
    databases = [_database(entry, root) for entry in data["databases"]]
    others = [_other_source(entry, root) for entry in data.get("other_sources", [])]
    problems = [p for source in databases
                for p in _date_problems(source.searched, file, f"database {source.name} searched")]
    if not databases and not others:
        problems.append(Problem(file, "the review has no source: no database and no other "
                                "source", line_of(yaml_text, ["databases"]),
                                hint="list the databases searched, or the other sources"))
    line = {entry["name"]: line_of(yaml_text, [kind, i, "name"])
            for kind in ("databases", "other_sources")
            for i, entry in enumerate(data.get(kind, []))}
    problems += _source_problems(databases + others, file, root, line, searching)
    for i, source in enumerate(databases):
        problems += _strategy_database(file, source, root,
                                       line_of(yaml_text, ["databases", i, "strategy"]))
    screening = data["screening"]
    if not (root / screening["criteria"]).is_file():
        problems.append(Problem(file, f"criteria file '{screening['criteria']}' not found",
                                line_of(yaml_text, ["screening", "criteria"])))
    raise_if(problems)
    return Review(
        title=data["review"]["title"], question=data["review"]["question"],
        databases=tuple(databases), other_sources=tuple(others),
        criteria=screening["criteria"],
        decisions=screening.get("decisions", "screening/decisions"),
        strict=bool(screening.get("strict", False)), meta=dict(data["review"]),
        coding=screening.get("coding", "screening/coding.yaml"),
        coding_sheets=screening.get("coding_sheets", "screening/coding"),
        update_of=data["review"].get("update_of", ""),
        contact=data["review"].get("contact", ""),
        prioritise=bool(screening.get("prioritise", False)),
    )


def _database(entry: dict[str, Any], root: Path) -> Source:
    """One ``databases:`` entry of the config."""
    name = entry["name"]
    limits = entry.get("limits", {})
    years = limits.get("years")
    return Source(
        name=name, slug=slug(name), kind="database",
        exports=export_files(entry.get("exports", [f"data/exports/{slug(name)}"]), root),
        searched=entry["searched"], host=entry["host"], strategy=entry.get("strategy", ""),
        format=entry.get("format", "auto"), description=entry.get("description", ""),
        thesaurus=entry.get("thesaurus", ""), heading_map=entry.get("heading_map", ""),
        columns=tuple(sorted(entry.get("columns", {}).items())),
        rejects=bool(entry.get("rejects", False)), api=entry.get("api", ""),
        limits=Limits(tuple(years) if years else None, tuple(limits.get("language", [])),
                      tuple(limits.get("country", [])),
                      tuple(limits.get("document_types", []))),
    )


def _other_source(entry: dict[str, Any], root: Path) -> Source:
    """One ``other_sources:`` entry of the config (hand searching, citation chasing…)."""
    return Source(
        name=entry["name"], slug=slug(entry["name"]), kind=entry["kind"],
        exports=export_files(entry["files"], root),
        searched=entry.get("searched", entry.get("closes", "")),
        format=entry.get("format", "auto"), description=entry.get("description", ""),
        columns=tuple(sorted(entry.get("columns", {}).items())),
        rejects=bool(entry.get("rejects", False)),
        outlets=tuple(entry.get("outlets", [])), opens=entry.get("opens", ""),
        closes=entry.get("closes", ""),
    )


def _source_problems(sources: list[Source], file: str, root: Path,
                     line: dict[str, int | None], searching: bool = False) -> list[Problem]:
    """Names two sources share, exports missing or with impossible dates in their names,
    and strategy, thesaurus or heading-map files that are not there."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for source in sources:
        if source.slug in seen:
            problems.append(Problem(file, f"sources '{seen[source.slug]}' and '{source.name}' "
                                    f"share the short name '{source.slug}'",
                                    hint="give each database and source a distinct name"))
        seen[source.slug] = source.name
        first_search = searching and (bool(source.api) or source.kind == "citation_searching")
        if not source.exports and not first_search:
            how = f"search it first: litreview search run '{source.name}'" if source.api \
                else f"put its exports in data/exports/{source.slug}/"
            problems.append(Problem(file, f"{source.name}: no export files found",
                                    line[source.name], hint=how))
        for export in source.exports:
            named = search_date(export, "")
            if named:  # the search date a file's name gives must be a real one
                problems += [replace(p, line=line[source.name]) for p in
                             _date_problems(named, file, f"{source.name}: export '{export}'")]
            if not (root / export).is_file() and not first_search:
                problems.append(_missing_export(file, source, export, root, line[source.name]))
        for what, path in (("strategy", source.strategy), ("thesaurus", source.thesaurus),
                           ("heading map", source.heading_map)):
            if path and not (root / path).is_file():
                problems.append(Problem(file, f"{source.name}: {what} file '{path}' not found",
                                        line[source.name]))
        if source.opens and source.closes and source.closes < source.opens:
            problems.append(Problem(file, f"{source.name}: the call for evidence closes "
                                    f"({source.closes}) before it opens ({source.opens})",
                                    line[source.name]))
    return problems


def _missing_export(file: str, source: Source, export: str, root: Path,
                    line: int | None) -> Problem:
    """An export file or folder that is not there, with the nearest existing name."""
    path = root / export
    default = export == f"data/exports/{source.slug}" and source.is_database
    what = "export folder" if default or (not path.suffix and path.parent.is_dir()) \
        else "export file"
    near = _nearest(path)
    hint = f"did you mean '{near.relative_to(root).as_posix()}'?" if near else ""
    if default and source.api and not near:
        hint = f"search it first: litreview search run '{source.name}'"
    elif default:
        hint = (f"{hint} " if hint else "") + (
            "The folder takes the database's name: correct the name or the folder, or list "
            "the exports under 'exports:'")
    return Problem(file, f"{source.name}: {what} '{export}' not found", line, hint=hint)


def _nearest(path: Path) -> Path | None:
    """The existing file or folder beside ``path`` whose name is closest to its name."""
    if not path.parent.is_dir():
        return None
    names = {p.name: p for p in path.parent.iterdir() if is_export_name(p.name)}
    close = difflib.get_close_matches(path.name, sorted(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


def _strategy_database(file: str, source: Source, root: Path, line: int | None
                       ) -> list[Problem]:
    """A strategy whose header names another database than the config entry it is
    attached to: the wrong search would be compiled and evaluated for this database."""
    path = root / source.strategy
    try:
        stated = header_field(path.read_text(encoding="utf-8-sig"), "database") \
            if source.strategy else None
    except (OSError, UnicodeDecodeError):  # missing or unreadable: said elsewhere
        return []
    if stated is None or same_database(stated[0], source.name):
        return []
    return [Problem(file, f"{source.name}: its strategy {source.strategy}:{stated[1]} says "
                    f"'database: {stated[0]}'", line,
                    hint=f"point {source.name}'s 'strategy:' at its own strategy file, or "
                         "correct the database line of the strategy")]


def same_database(a: str, b: str) -> bool:
    """Whether two names name one database: the words of one are among the other's
    (``ERIC`` and ``ERIC (EBSCOhost)``; ``PsycINFO`` and ``APA PsycInfo``)."""
    words_a, words_b = set(slug(a).split("-")), set(slug(b).split("-"))
    return words_a <= words_b or words_b <= words_a


def load_review(root: str | Path = ".", name: str = CONFIG_NAME, searching: bool = False
                ) -> Review:
    """Read and validate ``review.yaml`` in a review directory (``searching``: see
    :func:`parse_review`)."""
    root = Path(root)
    path = root / name
    if not path.is_file():
        raise InputError(Problem(str(path), "no review config here",
                                 hint="run from a review directory or pass it"))
    data, text = read_yaml(path)
    return parse_review(data, name, text, root, searching)


def decision_files(review: Review, root: str | Path = ".") -> list[str]:
    """The review's decision sheets, relative to the review directory, sorted."""
    from litreview.core.sheets import is_sheet

    folder = Path(root) / review.decisions
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(root)) for p in folder.iterdir() if is_sheet(p))
