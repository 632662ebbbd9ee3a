"""A typology's level for one coded study: the first level whose conditions all hold on the
sheet's values, else the typology's unclassified label; a coder's override (level and
reason) replaces it, and the level the rules gave is kept beside it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litreview.coding.form import Condition, Field, Form, Typology, text_of
from litreview.core.errors import Problem

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def values_of(field: Field, value: str) -> list[str]:
    """The values a sheet's cell gives: an any_of cell's ``;``-separated values (stripped,
    each once), any other cell's text; none for an empty cell. A value a field lists is
    spelt as the form spells it (``Yes`` is ``yes``)."""
    parts = value.split(";") if field.type == "any_of" else [value]
    out: list[str] = []
    for part in (p.strip() for p in parts):
        part = canonical(field, part)
        if part and part not in out:
            out.append(part)
    return out


def canonical(field: Field, value: str) -> str:
    """``value`` as the form spells it when the field lists it, ignoring case."""
    folded = value.strip().casefold()
    return next((c for c in field.choices if c.casefold() == folded), value.strip())


def number_of(value: Any) -> float | None:
    """A number written in a sheet (``1,200`` and `` 35 `` too), or None when there is none."""
    text = text_of(value).strip()
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _same(field: Field, given: Any, value: str) -> bool:
    """Whether the cell's ``value`` is the rule's ``given`` (numbers by value; a listed
    field's values ignoring case)."""
    if field.type == "number":
        a, b = number_of(given), number_of(value)
        if a is not None and b is not None:
            return a == b
    wanted = text_of(given).strip()
    if field.type in ("one_of", "yes_no", "any_of"):
        return wanted.casefold() == value.strip().casefold()
    return wanted == value.strip()


def holds(condition: Condition, field: Field, value: str) -> bool:
    """Whether ``condition`` holds on a sheet's raw ``value`` of ``field``."""
    values = values_of(field, value)
    test, given = condition.test, condition.value
    if test == "empty":
        return not values if given else bool(values)
    if test == "is":
        return bool(values) and _same(field, given, values[0])
    if test == "in":
        given = given if isinstance(given, (list, tuple)) else [given]
        return bool(values) and any(_same(field, g, values[0]) for g in given)
    if test == "has":
        return any(_same(field, given, v) for v in values)
    if test in ("count_at_least", "count_at_most"):
        limit = number_of(given)
        if limit is None:
            return False
        return len(values) >= limit if test == "count_at_least" else len(values) <= limit
    if test in ("at_least", "at_most"):
        number, limit = number_of(value), number_of(given)
        if number is None or limit is None:
            return False
        return number >= limit if test == "at_least" else number <= limit
    raise ValueError(f"no condition '{test}'")


_WORDS = {
    "is": "is {}", "in": "is one of {}", "has": "includes {}", "at_least": "is at least {}",
    "at_most": "is at most {}", "count_at_least": "has at least {} values",
    "count_at_most": "has at most {} values",
}


def in_words(condition: Condition, field: Field | None) -> str:
    """One condition spelt out: ``Sample size is at least 100``."""
    name = field.title if field else condition.field
    if condition.test == "empty":
        return f"{name} {'is not given' if condition.value else 'is given'}"
    given = condition.value
    shown = ", ".join(text_of(v) for v in given) if isinstance(given, list) else text_of(given)
    return f"{name} {_WORDS[condition.test].format(shown)}"


@dataclass(frozen=True, slots=True)
class Classified:
    """A study's level of one typology, why, and whether a coder set it."""

    level: str
    because: str
    overridden: bool
    computed: str  # the level the rules gave


def _field(form: Form, name: str) -> Field:
    field = form.field(name)
    if field is None:
        raise ValueError(f"a typology's rule names '{name}', which the form does not have")
    return field


def _cell(coding: Mapping[str, str], column: str) -> str:
    """A cell by column name (a sheet's row keeps names lowercased)."""
    return (coding.get(column) or coding.get(column.lower()) or "").strip()


def computed_level(typology: Typology, form: Form,
                   coding: Mapping[str, str]) -> tuple[str, str]:
    """The level the rules give, and why (the level's ``because``, or its conditions)."""
    for level in typology.levels:
        pairs = [(c, _field(form, c.field)) for c in level.when]
        if all(holds(c, f, _cell(coding, c.field)) for c, f in pairs):
            words = "; ".join(in_words(c, f) for c, f in pairs)
            return level.level, level.because or words or "every study fits this level"
    return typology.unclassified, "no level's conditions all hold"


def _level_named(typology: Typology, name: str) -> str | None:
    """The typology's spelling of level ``name`` (or of its unclassified label), ignoring
    case; None when it has no such level."""
    names = [level.level for level in typology.levels] + [typology.unclassified]
    return next((n for n in names if n.casefold() == name.casefold()), None)


def classify(typology: Typology, form: Form, coding: Mapping[str, str]) -> Classified:
    """The study's level: the first whose conditions all hold on ``coding`` (field id →
    the sheet's text), else unclassified; a non-empty override level replaces it, and the
    override's reason becomes the ``because``."""
    level, because = computed_level(typology, form, coding)
    if typology.override:
        column, reason = typology.override
        override = _cell(coding, column)
        if override:
            chosen = _level_named(typology, override) or override
            return Classified(chosen, _cell(coding, reason), True, level)
    return Classified(level, because, False, level)


def override_problems(typology: Typology, rows: Sequence[tuple[int, Mapping[str, str]]],
                      file: str) -> list[Problem]:
    """Each override without a reason, and each to a level the typology does not have,
    located by the row's line."""
    if not typology.override:
        return []
    column, reason = typology.override
    names = [level.level for level in typology.levels] + [typology.unclassified]
    problems = []
    for line, coding in rows:
        override = _cell(coding, column)
        if not override:
            continue
        record = _cell(coding, "record_id")
        who = f"record {record}: " if record else ""
        if _level_named(typology, override) is None:
            problems.append(Problem(file, f"{who}'{column}' is '{override}', not a level of "
                                    f"'{typology.id}'", line, hint=f"one of: {', '.join(names)}"))
        if not _cell(coding, reason):
            problems.append(Problem(file, f"{who}an override of '{typology.id}' without a "
                                    "reason", line,
                                    hint=f"say why in the '{reason}' column, or clear "
                                    f"'{column}'"))
    return problems
