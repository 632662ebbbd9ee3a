"""The review's criteria and stages (``screening/criteria.yaml``), with the automatic rules
that exclude a record on what its fields say, before any person reads it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from litreview.core.contracts import NOT_RETRIEVED
from litreview.core.errors import Problem, raise_if
from litreview.core.languages import normalise_language
from litreview.core.records import DOCUMENT_TYPES, Record
from litreview.core.schema import line_of as yaml_line
from litreview.core.schema import read_yaml, validate


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of ``criteria.yaml``; only one that ``excludes`` may be a reason to
    exclude a record."""

    id: str
    text: str
    excludes: bool = True


@dataclass(frozen=True, slots=True)
class AutoRule:
    """Exclude, with ``criterion`` as reason, records whose ``field`` fails the test — a
    field of the record, or (``coded``) a field or typology level of its coding."""

    criterion: str
    field: str
    min: int | None = None
    max: int | None = None
    allowed: tuple[str, ...] = ()
    coded: str = ""  # a field or typology of the coding form, instead of a record field
    sources: tuple[str, ...] = ()  # the rule applies to records found only in these

    def applies_to(self, record: Record) -> bool:
        """Whether the rule reaches the record: every rule does, unless it names sources;
        then only a record every source of which it names (one also found elsewhere, say
        material a review was guided to, is left to a person)."""
        if not self.sources:
            return True
        found = dict(record.extra).get("sources") or record.database
        named = {s.casefold() for s in self.sources}
        return all(name.strip().casefold() in named for name in found.split(";")
                   if name.strip())

    def answers(self, coding: Mapping[str, str] | None) -> bool:
        """Whether the rule can be applied: a rule on the coding needs the record coded."""
        return not self.coded or coding is not None

    def fails(self, record: Record, coding: Mapping[str, str] | None = None) -> bool:
        """True when the record's field is known and breaks the rule; unknown passes
        (a person decides what a record does not say), as does a record found in a source
        the rule does not name."""
        if not self.applies_to(record):
            return False
        if self.coded:
            return coding is not None and self._coded_fails(coding.get(self.coded, ""))
        if self.field == "year":
            if not record.year:
                return False
            year = int(record.year)
            return (self.min is not None and year < self.min) or (
                self.max is not None and year > self.max)
        if not self.allowed:
            return False
        if self.field == "language":  # "en", "eng", "English" are one; any allowed passes
            values = languages(record.language)
            return bool(values) and not values & languages(*self.allowed)
        if self.field == "type":  # "other" says nothing about what the record is
            value = "" if record.type == "other" else record.type
        else:
            value = str(getattr(record, self.field, ""))
        return bool(value) and value.casefold() not in {a.casefold() for a in self.allowed}


    def _coded_fails(self, value: str) -> bool:
        """A coded value outside ``allowed`` (any of several values when multi-valued), or
        a number outside ``min``/``max``; an empty value fails a rule that names values."""
        if self.min is not None or self.max is not None:
            try:
                number = float(value.replace(",", ""))
            except ValueError:
                return True
            return (self.min is not None and number < self.min) or (
                self.max is not None and number > self.max)
        given = {v.strip().casefold() for v in value.split(";") if v.strip()}
        return bool(self.allowed) and not given & {a.casefold() for a in self.allowed}


def languages(*values: str) -> frozenset[str]:
    """The languages named in ``values`` as the importers normalise them, casefolded."""
    return frozenset(name.casefold() for value in values
                     for name in normalise_language(value).split("; ") if name)


@dataclass(frozen=True, slots=True)
class Stage:
    """One screening stage, in the order the stages run."""

    id: str
    name: str
    kind: Literal["screening", "eligibility"]
    reason_required: bool
    automatic: tuple[AutoRule, ...] = ()
    criteria: tuple[str, ...] = ()  # the criteria applied here; empty means all
    include_passing: bool = False  # the automatic rules include what passes them all


@dataclass(frozen=True, slots=True)
class Criteria:
    """The criteria and the stages that apply them."""

    criteria: tuple[Criterion, ...]
    stages: tuple[Stage, ...]
    keywords_include: tuple[str, ...] = ()  # words the screening app highlights
    keywords_exclude: tuple[str, ...] = ()

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)

    def text(self, criterion_id: str) -> str:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion.text
        return "report not retrieved" if criterion_id == NOT_RETRIEVED else criterion_id


def load_criteria(path: str | Path,
                  sources: Mapping[str, tuple[str, ...]] | None = None) -> Criteria:
    """The criteria and stages of ``criteria.yaml``, checked: each problem is located.
    ``sources`` (:meth:`Review.source_names`) turns the sources an automatic rule names
    into the review's names, and a name it does not know into a located problem."""
    path = Path(path)
    data, text = read_yaml(path)
    raise_if(validate(data, "criteria", str(path), text))
    criteria = tuple(Criterion(c["id"], c["text"], c.get("excludes", True))
                     for c in data["criteria"])
    ids = {c.id for c in criteria}
    problems = []
    stages = []
    for n, entry in enumerate(data["stages"]):
        for cid in entry.get("criteria", []):
            if cid not in ids:
                problems.append(Problem(str(path), f"stage {entry['id']} names unknown "
                                        f"criterion '{cid}'",
                                        yaml_line(text, ["stages", n, "criteria"]),
                                        hint="define it under criteria"))
        rules = []
        for m, rule in enumerate(entry.get("automatic", [])):
            where = ["stages", n, "automatic", m]
            if rule["criterion"] not in ids:
                problems.append(Problem(str(path), f"stage {entry['id']}: automatic rule names "
                                        f"unknown criterion '{rule['criterion']}'",
                                        yaml_line(text, [*where, "criterion"])))
            problems += _rule_problems(rule, entry["id"], str(path),
                                       yaml_line(text, [*where, "allowed"]))
            named, unknown = _named_sources(rule.get("sources", []), sources)
            problems += [Problem(str(path), f"stage {entry['id']}: automatic rule names "
                                 f"unknown source '{name}'",
                                 yaml_line(text, [*where, "sources"]),
                                 hint="one of: databases, " + ", ".join(sorted(
                                     {n for names in (sources or {}).values() for n in names})))
                         for name in unknown]
            rules.append(AutoRule(rule["criterion"], rule.get("field", ""), rule.get("min"),
                                  rule.get("max"), tuple(str(a) for a in rule.get("allowed", [])),
                                  rule.get("coded", ""), named))
        stages.append(Stage(entry["id"], entry.get("name", entry["id"]), entry["kind"],
                            entry.get("reason_required", entry["kind"] == "eligibility"),
                            tuple(rules), tuple(entry.get("criteria", [])),
                            entry.get("include_passing", False)))
    if len({s.id for s in stages}) != len(stages):
        problems.append(Problem(str(path), "two stages share an id"))
    raise_if(problems)
    keywords = data.get("keywords", {})
    return Criteria(criteria, tuple(stages), tuple(keywords.get("include", [])),
                    tuple(keywords.get("exclude", [])))


def _named_sources(written: Sequence[str], sources: Mapping[str, tuple[str, ...]] | None
                   ) -> tuple[tuple[str, ...], list[str]]:
    """The source names a rule's ``sources`` stand for, and those no source answers to
    (none is checked without ``sources``: the names are kept as written)."""
    if sources is None:
        return tuple(written), []
    named = [n for w in written for n in sources.get(w.casefold(), sources.get(w, ()))]
    return tuple(dict.fromkeys(named)), [w for w in written
                                         if w.casefold() not in sources and w not in sources]


def _rule_problems(rule: Mapping[str, Any], stage: str, file: str,
                   line: int | None) -> list[Problem]:
    """An automatic rule the records cannot answer: a country, or an unknown type."""
    if rule.get("field") == "country":
        return [Problem(file, f"stage {stage}: no export gives the country a study was done "
                        "in (RIS CY is the place of publication, affiliations are the "
                        "authors'), so an automatic rule on country would exclude nothing",
                        line, hint="drop the rule and state the country in a criterion "
                                   "that reviewers apply")]
    if rule.get("field") != "type":
        return []
    unknown = [t for t in rule.get("allowed", []) if t not in DOCUMENT_TYPES]
    return [Problem(file, f"stage {stage}: document type '{t}' is not in the vocabulary",
                    line, hint=f"use one of: {', '.join(DOCUMENT_TYPES)}") for t in unknown]

