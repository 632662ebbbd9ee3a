"""A review's coding form (``screening/coding.yaml``): the fields coded for each study,
which records are coded, the tables to count and the typologies that classify a study by
ordered rules over its fields. Every problem is located (file and line)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from litreview.core.errors import Problem, raise_if
from litreview.core.schema import line_of, read_yaml, validate

FieldType = Literal["one_of", "any_of", "yes_no", "number", "text"]
YES_NO = ("yes", "no")
#: Ready-made forms shipped with the package, by name.
READY = Path(__file__).resolve().parent / "forms"
#: The conditions a rule may set, and the field types each applies to.
CONDITIONS: dict[str, tuple[str, ...]] = {
    "is": ("one_of", "yes_no", "number", "text"),
    "in": ("one_of", "yes_no"),
    "has": ("any_of",),
    "at_least": ("number",),
    "at_most": ("number",),
    "count_at_least": ("any_of",),
    "count_at_most": ("any_of",),
    "empty": ("one_of", "any_of", "yes_no", "number", "text"),
}


@dataclass(frozen=True, slots=True)
class Field:
    """One coded field."""

    id: str
    type: FieldType
    label: str = ""
    help: str = ""
    values: tuple[str, ...] = ()  # one_of and any_of: the allowed values, in order
    open: bool = False  # values not listed are allowed too
    required: bool = False
    none: str = "not stated"
    min: float | None = None
    max: float | None = None

    @property
    def title(self) -> str:
        return self.label or self.id.replace("_", " ").capitalize()

    @property
    def choices(self) -> tuple[str, ...]:
        """The values a table lists, in order (a yes/no field's are yes and no)."""
        return YES_NO if self.type == "yes_no" else self.values


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a typology's rule: ``test`` on ``field`` against ``value``."""

    field: str
    test: str  # a key of CONDITIONS
    value: Any


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a typology, with the conditions that give it (all must hold)."""

    level: str
    when: tuple[Condition, ...]
    because: str = ""


@dataclass(frozen=True, slots=True)
class Typology:
    """Ordered rules: the first level whose conditions all hold is the study's."""

    id: str
    levels: tuple[Level, ...]
    label: str = ""
    source: str = ""
    unclassified: str = "Unclassified"
    override: tuple[str, str] | None = None  # (level column, reason column)


@dataclass(frozen=True, slots=True)
class Table:
    """A frequency table (``field``) or a cross-table (``rows`` by ``columns``)."""

    field: str = ""
    rows: str = ""
    columns: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class Form:
    """The whole coding form."""

    fields: tuple[Field, ...]
    codes: str = "included"  # "included", or the id of the stage whose reports are coded
    tables: tuple[Table, ...] = ()
    typologies: tuple[Typology, ...] = ()
    path: str = ""
    appraisal: tuple[str, ...] = ()  # the fields the appraisal figure draws
    title: str = ""  # the summary's title ("" for "Coding of N studies")

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @property
    def columns(self) -> tuple[str, ...]:
        """The coding sheet's columns: record_id, each field, each override's pair."""
        overrides = [c for t in self.typologies if t.override for c in t.override]
        return ("record_id", *(f.id for f in self.fields), *overrides)


def text_of(value: Any) -> str:
    """A YAML value as the sheet writes it: YAML reads an unquoted yes or no as a truth."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_form(path: str | Path, stages: tuple[str, ...] = ()) -> Form:
    """The form of ``path`` with the ready-made forms it includes, checked: an unknown field
    in a rule or table, a threshold on a field that has no numbers, a value a field does not
    allow, a stage that does not exist — each located."""
    path = Path(path)
    data, text = read_yaml(path)
    raise_if(validate(data, "coding", str(path), text))
    parts = [_included(name, path) for name in data.get("include", [])]
    placed = [(f, ["include", k]) for k, part in enumerate(parts) for f in part.fields] + [
        (_field(entry), ["fields", n]) for n, entry in enumerate(data.get("fields", []))]
    fields = [f for f, _ in placed]
    problems = _twice([(f.id, where) for f, where in placed], str(path), text)
    by_id = {f.id: f for f in fields}
    typologies = [t for part in parts for t in part.typologies]
    for n, entry in enumerate(data.get("typologies", [])):
        typology, found = _typology(entry, by_id, str(path), text, n)
        typologies.append(typology)
        problems += found
    names = set(by_id) | {t.id for t in typologies}
    tables = [t for part in parts for t in part.tables]
    for n, entry in enumerate(data.get("tables", [])):
        table = Table(entry.get("field", ""), entry.get("rows", ""), entry.get("columns", ""),
                      entry.get("label", ""))
        for key in ("field", "rows", "columns"):
            name = getattr(table, key)
            if name and name not in names:
                problems.append(Problem(str(path), f"table {n + 1}: unknown field '{name}'",
                                        line_of(text, ["tables", n, key]),
                                        hint=f"one of: {', '.join(sorted(names))}"))
        tables.append(table)
    codes = data.get("codes", "included")
    codes = codes if isinstance(codes, str) else codes["stage"]
    if codes != "included" and stages and codes not in stages:
        problems.append(Problem(str(path), f"codes: no stage '{codes}'", line_of(text, ["codes"]),
                                hint=f"one of: included, {', '.join(stages)}"))
    appraisal = [a for part in parts for a in part.appraisal] + list(data.get("appraisal", []))
    for n, name in enumerate(data.get("appraisal", [])):
        spec = by_id.get(name)
        if spec is None or spec.type not in ("one_of", "yes_no"):
            problems.append(Problem(str(path), f"appraisal: '{name}' is not a one_of or yes_no "
                                    "field", line_of(text, ["appraisal", n]),
                                    hint="the figure colours a field's values best to worst"))
    raise_if(problems)
    return Form(tuple(fields), codes, tuple(tables), tuple(typologies), str(path),
                tuple(dict.fromkeys(appraisal)), data.get("title", ""))


def _included(name: str, base: Path) -> Form:
    """A ready-made form by name, or a form file by path beside ``base``."""
    ready = READY / f"{name}.yaml"
    return load_form(ready if ready.is_file() else base.parent / name)


def _field(entry: dict[str, Any]) -> Field:
    return Field(entry["id"], entry["type"], entry.get("label", ""), entry.get("help", ""),
                 tuple(text_of(v) for v in entry.get("values", [])), entry.get("open", False),
                 entry.get("required", False), entry.get("none", "not stated"),
                 entry.get("min"), entry.get("max"))


def _twice(ids: list[tuple[str, list[str | int]]], file: str, text: str) -> list[Problem]:
    """A field id defined twice: located at its second definition (the entry of the form
    it comes with, or its own entry)."""
    seen: set[str] = set()
    problems = []
    for name, where in ids:
        if name in seen:
            problems.append(Problem(file, f"field '{name}' defined twice", line_of(text, where),
                                    hint="an included form may define it already"))
        seen.add(name)
    return problems


def _typology(entry: dict[str, Any], fields: dict[str, Field], file: str, text: str,
              n: int) -> tuple[Typology, list[Problem]]:
    """One typology of the form, and what is wrong with its rules."""
    problems: list[Problem] = []
    levels = []
    for m, level in enumerate(entry["levels"]):
        conditions = []
        for k, rule in enumerate(level["when"]):
            where = ["typologies", n, "levels", m, "when", k]
            tests = [key for key in rule if key != "field"]
            if len(tests) != 1:
                problems.append(Problem(file, "a condition sets one test (is, in, has, "
                                        "at_least, at_most, count_at_least, count_at_most or "
                                        "empty)", line_of(text, where)))
                continue
            condition = Condition(rule["field"], tests[0], rule[tests[0]])
            problems += condition_problems(condition, fields, file, line_of(text, where))
            conditions.append(condition)
        levels.append(Level(level["level"], tuple(conditions), level.get("because", "")))
    override = entry.get("override")
    typology = Typology(entry["id"], tuple(levels), entry.get("label", ""),
                        entry.get("source", ""), entry.get("unclassified", "Unclassified"),
                        (override["field"], override["reason"]) if override else None)
    return typology, problems


def condition_problems(condition: Condition, fields: dict[str, Field], file: str,
                       line: int | None) -> list[Problem]:
    """What is wrong with one condition: an unknown field, a test its type has no use for,
    a value the field does not allow."""
    spec = fields.get(condition.field)
    if spec is None:
        return [Problem(file, f"unknown field '{condition.field}' in a rule", line,
                        hint=f"one of: {', '.join(sorted(fields))}")]
    if spec.type not in CONDITIONS[condition.test]:
        kinds = ", ".join(CONDITIONS[condition.test])
        return [Problem(file, f"'{condition.test}' on the {spec.type} field "
                        f"'{condition.field}'", line,
                        hint=f"'{condition.test}' applies to {kinds} fields")]
    given = condition.value if isinstance(condition.value, list) else [condition.value]
    if condition.test in ("is", "in", "has") and spec.type != "number":
        allowed = spec.choices
        wrong = [text_of(v) for v in given if allowed and not spec.open
                 and text_of(v) not in allowed]
        if wrong:
            return [Problem(file, f"value '{wrong[0]}' is not allowed in '{condition.field}'",
                            line, hint=f"one of: {', '.join(allowed)}")]
    return []
