"""The package's shape: core below the stages, each stage reached through its face, no
cycles between packages, and modules and functions small enough to read."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workflow" / "litreview"
STAGES = ("search", "importers", "dedupe", "screening", "coding", "reporting", "exchange")
#: Who may import whom, by package: each package may import the ones listed (and itself).
ALLOWED = {
    "core": set(),
    **{stage: {"core", *STAGES} for stage in STAGES},
    "audit": {"core", *STAGES, "pipeline"},
    "pipeline": {"core", *STAGES},
    "serve": {"core", *STAGES, "pipeline"},
    "online": {"core", *STAGES},  # the only package that reaches the network
    "cli": {"core", *STAGES, "audit", "pipeline", "serve", "online"},
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def _package(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def _is_module(name: str) -> bool:
    """Whether ``litreview.a.b`` names a module or package of ours (not a name in one)."""
    where = PACKAGE.joinpath(*name.split(".")[1:])
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every ``litreview.…`` module the file imports, at any depth, with its line:
    ``from litreview import dedupe`` and ``from litreview.dedupe import grouping`` name the
    module they bring in; a relative import is refused, and so is ``import_module`` but in
    ``core.lazy``, with which a package's face loads its own modules on first use."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: a relative import"
            module = node.module or ""
            out.append((node.lineno, module))
            out += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                    if module.startswith("litreview") and _is_module(f"{module}.{alias.name}")]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("import_module") \
                and path != PACKAGE / "core" / "lazy.py":
            pytest.fail(f"{path}:{node.lineno}: a module imported by a name made at run time "
                        "(only core.lazy does, for a package's face loading its own modules)")
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "lazy_names" \
                and ast.unparse(node.args[0]) != "__name__":
            pytest.fail(f"{path}:{node.lineno}: a face may load lazily only its own modules")
    return [(line, name) for line, name in out if name.startswith("litreview.")]


def test_packages_import_only_those_below_them():
    wrong = []
    for path in _modules():
        mine = _package(path)
        for line, name in _imports(path):
            theirs = name.split(".")[1]
            if theirs != mine and theirs not in ALLOWED.get(mine, set()):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {mine} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_a_stage_is_reached_only_through_its_face():
    """``from litreview.dedupe import deduplicate``, never ``litreview.dedupe.grouping``:
    a stage may rearrange its modules without breaking another stage, the pipeline, the
    audit or the command line."""
    wrong = []
    for path in _modules():
        mine = _package(path)
        for line, name in _imports(path):
            parts = name.split(".")
            if parts[1] in STAGES and parts[1] != mine and len(parts) > 2:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {name}")
    assert not wrong, "\n".join(wrong)


def test_no_cycle_between_packages():
    edges: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        for _, name in _imports(path):
            if name.split(".")[1] != _package(path):
                edges[_package(path)].add(name.split(".")[1])
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 1:
            pytest.fail("a cycle: " + " -> ".join([*trail, node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for after in sorted(edges[node]):
            visit(after, [*trail, node])
        state[node] = 2

    for node in sorted(edges):
        visit(node, [])


def test_modules_and_functions_are_small():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            long.append(f"{path.relative_to(PACKAGE)}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}(): "
                                f"{length} lines")
    assert not long, "\n".join(long)
