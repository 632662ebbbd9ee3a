"""The review config (``review.yaml``): what was searched, where, and how it is screened."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from litreview.errors import InputError, Problem, raise_if
from litreview.fileio import read_person_text
from litreview.records import slug
from litreview.schema import line_of, load_yaml, validate

CONFIG_NAME = "review.yaml"
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


@dataclass(frozen=True, slots=True)
class Limits:
    years: tuple[int, int] | None = None
    language: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()


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
    extraction: str = "screening/extraction.csv"
    update_of: str = ""  # last search date of the previous version, for an update
    prioritise: bool = False  # rank the title/abstract sheet by predicted relevance

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

    def source(self, slug_: str) -> Source:
        for source in self.sources:
            if source.slug == slug_:
                return source
        raise KeyError(slug_)


def export_files(entries: list[str], root: Path) -> tuple[str, ...]:
    """Expand folders (every file in them, sorted) and keep files as given."""
    files: list[str] = []
    for entry in entries:
        path = root / entry
        if path.is_dir():  # in search order: a later export (by the date in its name) last
            found = [p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
                     and not p.name.lower().startswith("readme")]
            found.sort(key=lambda p: (search_date(p.name, ""), p.name))
            files.extend(str(p.relative_to(root)) for p in found)
        else:
            files.append(entry)
    return tuple(files)


def search_date(file: str, default: str) -> str:
    """The date in an export's file name (``eric_2009-03-01.ris``), else the database's."""
    match = _DATE_IN_NAME.search(Path(file).name)
    return match.group(1) if match else default


def _date_problems(value: str, file: str, where: str) -> list[Problem]:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return [Problem(file, f"{where}: '{value}' is not a date", hint="write YYYY-MM-DD")]
    return []


def parse_review(data: Any, file: str = CONFIG_NAME, yaml_text: str = "",
                 root: Path | None = None) -> Review:
    """Validate the config and turn it into a :class:`Review`; raises InputError."""
    root = root or Path(".")
    raise_if(validate(data, "review", file, yaml_text))
    problems: list[Problem] = []
    databases = []
    for entry in data["databases"]:
        name = entry["name"]
        problems += _date_problems(entry["searched"], file, f"database {name} searched")
        limits = entry.get("limits", {})
        years = limits.get("years")
        exports = export_files(entry.get("exports", [f"data/exports/{slug(name)}"]), root)
        databases.append(Source(
            name=name, slug=slug(name), kind="database", exports=exports,
            searched=entry["searched"], host=entry["host"], strategy=entry.get("strategy", ""),
            format=entry.get("format", "auto"), description=entry.get("description", ""),
            thesaurus=entry.get("thesaurus", ""), heading_map=entry.get("heading_map", ""),
            columns=tuple(sorted(entry.get("columns", {}).items())),
            rejects=bool(entry.get("rejects", False)),
            limits=Limits(tuple(years) if years else None, tuple(limits.get("language", [])),
                          tuple(limits.get("country", [])),
                          tuple(limits.get("document_types", []))),
        ))
    others = []
    for entry in data.get("other_sources", []):
        others.append(Source(
            name=entry["name"], slug=slug(entry["name"]), kind=entry["kind"],
            exports=export_files(entry["files"], root), searched=entry.get("searched", ""),
            format=entry.get("format", "auto"), description=entry.get("description", ""),
            columns=tuple(sorted(entry.get("columns", {}).items())),
            rejects=bool(entry.get("rejects", False)),
        ))
    line = {entry["name"]: line_of(yaml_text, [kind, i, "name"])
            for kind in ("databases", "other_sources")
            for i, entry in enumerate(data.get(kind, []))}
    seen: dict[str, str] = {}
    for source in databases + others:
        if source.slug in seen:
            problems.append(Problem(file, f"sources '{seen[source.slug]}' and '{source.name}' "
                                    f"share the short name '{source.slug}'",
                                    hint="give each database and source a distinct name"))
        seen[source.slug] = source.name
        if not source.exports:
            problems.append(Problem(file, f"{source.name}: no export files found",
                                    line[source.name],
                                    hint=f"put its exports in data/exports/{source.slug}/"))
        for export in source.exports:
            named = search_date(export, "")
            if named:  # the search date a file's name gives must be a real one
                problems += [replace(p, line=line[source.name]) for p in
                             _date_problems(named, file, f"{source.name}: export '{export}'")]
            if not (root / export).is_file():
                problems.append(Problem(file, f"{source.name}: export file '{export}' not found",
                                        line[source.name]))
        for what, path in (("strategy", source.strategy), ("thesaurus", source.thesaurus),
                           ("heading map", source.heading_map)):
            if path and not (root / path).is_file():
                problems.append(Problem(file, f"{source.name}: {what} file '{path}' not found",
                                        line[source.name]))
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
        extraction=screening.get("extraction", "screening/extraction.csv"),
        update_of=data["review"].get("update_of", ""),
        prioritise=bool(screening.get("prioritise", False)),
    )


def load_review(root: str | Path = ".", name: str = CONFIG_NAME) -> Review:
    """Read and validate ``review.yaml`` in a review directory."""
    root = Path(root)
    path = root / name
    if not path.is_file():
        raise InputError(Problem(str(path), "no review config here",
                                 hint="run from a review directory or pass it"))
    text = read_person_text(path)
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(Problem(str(path), f"not valid YAML: {getattr(error, 'problem', error)}",
                                 mark.line + 1 if mark else None)) from None
    return parse_review(data, name, text, root)
