"""Proof the counts still hold: every count recomputed from the review's input files
alone, by the pipeline's own stages in memory, and compared with the manifest."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from litreview.audit.manifest import derived_counts, review_inputs, sha256
from litreview.core.errors import InputError, Problem
from litreview.core.paths import MANIFEST
from litreview.core.review import load_review


def recompute(root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The PRISMA counts and the derived counts, from the review's input files alone, by
    the pipeline's stages (:func:`litreview.pipeline.stages.run_review`), in memory."""
    from litreview.coding import CSV_HEADER, table_csv_rows
    from litreview.core.contracts import AGREEMENT_COLUMNS
    from litreview.core.fileio import csv_text
    from litreview.pipeline.stages import run_review
    from litreview.screening import agreement_rows, table_csv
    from litreview.search import hits_csv

    run = run_review(root)
    hits = {slug: hits_csv(rows) for slug, rows in run.hits.items()}
    agreement = [table_csv(AGREEMENT_COLUMNS, agreement_rows(stage))
                 for stage in run.screened.result.stages]
    coding = csv_text(CSV_HEADER, [r for t in run.coding.tables for r in table_csv_rows(t)]
                      ) if run.coding else ""
    return run.counts, derived_counts(hits, agreement, coding)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            key = item.get("id", i) if isinstance(item, dict) else i
            out.update(_flatten(item, f"{prefix}[{key}]"))
        return out
    return {prefix: value}


def count_differences(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """Each count that moved, in words."""
    before, after = _flatten(dict(recorded)), _flatten(dict(now))
    out = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if isinstance(a, int) and isinstance(b, int):
            out.append(f"count moved: {key} was {a}, now {b} ({b - a:+d})")
        else:
            out.append(f"count changed: {key} was {a!r}, now {b!r}")
    return out


def verify(root: Path) -> list[str]:
    """Differences between the manifest and the review directory now; empty when equal."""
    path = root / MANIFEST
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(str(path), "no audit manifest",
                                 hint="run the workflow first")) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(Problem(str(path), f"the audit manifest is damaged ({error})",
                                 hint="restore it from where the review is kept")) from None
    if not isinstance(recorded, dict) or not isinstance(recorded.get("inputs"), dict) \
            or not isinstance(recorded.get("counts"), dict):
        raise InputError(Problem(str(path), "the audit manifest lacks its inputs or counts",
                                 hint="restore it from where the review is kept"))
    try:
        names = review_inputs(load_review(root), root)
    except InputError:  # the config itself changed for the worse: compare what was there
        names = sorted(f for f in recorded["inputs"] if (root / f).is_file())
    inputs_now = {f: sha256(root / f) for f in names}
    differences = []
    for name in sorted(recorded["inputs"].keys() | inputs_now.keys()):
        before, after = recorded["inputs"].get(name), inputs_now.get(name)
        if before is None:
            differences.append(f"input added: {name}")
        elif after is None:
            differences.append(f"input removed: {name}")
        elif before != after:
            differences.append(f"input changed: {name}")
    try:
        counts, derived = recompute(root)
    except InputError as error:  # an input changed so that it no longer reads
        return [*differences, f"the counts cannot be recomputed: {error.problems[0]}"]
    differences += count_differences(recorded["counts"], counts)
    differences += count_differences(recorded.get("derived_counts", {}), derived)
    return differences
