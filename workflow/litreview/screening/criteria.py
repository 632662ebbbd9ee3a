"""The review's criteria and stages (``screening/criteria.yaml``), with the automatic rules
that exclude a record on what its fields say, before any person reads it."""

from __future__ import annotations

from collections.abc import Mapping
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
    """Exclude, with ``criterion`` as reason, records whose ``field`` fails the test."""

    criterion: str
    field: str
    min: int | None = None
    max: int | None = None
    allowed: tuple[str, ...] = ()

    def fails(self, record: Record) -> bool:
        """True when the record's field is known and breaks the rule; unknown passes
        (a person decides what a record does not say)."""
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


def load_criteria(path: str | Path) -> Criteria:
    """The criteria and stages of ``criteria.yaml``, checked: each problem is located."""
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
            rules.append(AutoRule(rule["criterion"], rule["field"], rule.get("min"),
                                  rule.get("max"), tuple(rule.get("allowed", []))))
        stages.append(Stage(entry["id"], entry.get("name", entry["id"]), entry["kind"],
                            entry.get("reason_required", entry["kind"] == "eligibility"),
                            tuple(rules), tuple(entry.get("criteria", []))))
    if len({s.id for s in stages}) != len(stages):
        problems.append(Problem(str(path), "two stages share an id"))
    raise_if(problems)
    keywords = data.get("keywords", {})
    return Criteria(criteria, tuple(stages), tuple(keywords.get("include", [])),
                    tuple(keywords.get("exclude", [])))


def _rule_problems(rule: Mapping[str, Any], stage: str, file: str,
                   line: int | None) -> list[Problem]:
    """An automatic rule the records cannot answer: a country, or an unknown type."""
    if rule["field"] == "country":
        return [Problem(file, f"stage {stage}: no export gives the country a study was done "
                        "in (RIS CY is the place of publication, affiliations are the "
                        "authors'), so an automatic rule on country would exclude nothing",
                        line, hint="drop the rule and state the country in a criterion "
                                   "that reviewers apply")]
    if rule["field"] != "type":
        return []
    unknown = [t for t in rule.get("allowed", []) if t not in DOCUMENT_TYPES]
    return [Problem(file, f"stage {stage}: document type '{t}' is not in the vocabulary",
                    line, hint=f"use one of: {', '.join(DOCUMENT_TYPES)}") for t in unknown]

