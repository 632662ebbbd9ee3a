"""Validate the files people edit against the JSON schemas in ``workflow/schemas``.

Messages name the file, the YAML line and the key, and suggest the likely spelling
when a key is unknown.
"""

from __future__ import annotations

import difflib
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from litreview.core.errors import InputError, Problem

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@cache
def load_schema(name: str) -> dict[str, Any]:
    return yaml.safe_load((SCHEMAS / f"{name}.schema.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _composed(yaml_text: str) -> yaml.Node | None:
    """The YAML text's node tree (read once: a file's lines are looked up many times)."""
    try:
        return yaml.compose(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None


def line_of(yaml_text: str, path: list[str | int]) -> int | None:
    """The 1-based line of the node at ``path`` in the YAML text, if it can be found."""
    node = _composed(yaml_text)
    if node is None:
        return None
    line = None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    line, node = k.start_mark.line + 1, v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _where(path: list[str | int]) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out or "the top level"


class _DatesAsText(yaml.SafeLoader):
    """YAML that leaves ``2008-09-05`` as text (the schema checks it is a real date) and
    refuses a key given twice in one mapping (YAML would keep the last, silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key == "<<" or not isinstance(key, str | int | float | bool):
                continue
            if key in first:
                raise yaml.constructor.ConstructorError(
                    None, None, f"'{key}' is given twice (first on line {first[key]})",
                    key_node.start_mark)
            first[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load_yaml(text: str) -> Any:
    """Parse YAML as a person wrote it (dates stay ISO text); raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_DatesAsText)  # a SafeLoader, less the date resolver


def read_yaml(path: str | Path) -> tuple[Any, str]:
    """The data and the text of a YAML file a person edits; a located error when it is
    missing, not UTF-8 or not valid YAML."""
    from litreview.core.fileio import read_person_text

    text = read_person_text(path)
    try:
        return load_yaml(text), text
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(Problem(str(path), f"not valid YAML: {getattr(error, 'problem', error)}",
                                 mark.line + 1 if mark else None)) from None


def validate(data: Any, schema_name: str, file: str, yaml_text: str = "") -> list[Problem]:
    """Every schema violation as a located problem (empty when valid)."""
    schema = load_schema(schema_name)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    problems = []
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    misspelt: set[tuple[str, ...]] = set()  # (path..., key) a typo already explains
    for error in errors:
        if error.validator == "additionalProperties":
            path = list(error.path)
            allowed = sorted(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - set(allowed)):
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
                if close:
                    misspelt.add((*map(str, path), close[0]))
                problems.append(Problem(file, f"unknown key '{key}' in {_where(path)}",
                                        line_of(yaml_text, [*path, key]), None, hint))
    for error in errors:
        path = list(error.path)
        if error.validator == "additionalProperties":
            continue
        if error.validator == "required":
            missing = [k for k in error.validator_value if k not in error.instance]
            if all((*map(str, path), k) in misspelt for k in missing):
                continue
            problems.append(Problem(file, f"{_where(path)}: {error.message}",
                                    line_of(yaml_text, path)))
        else:
            problems.append(Problem(file, f"{_where(path)}: {error.message}",
                                    line_of(yaml_text, path)))
    return problems
