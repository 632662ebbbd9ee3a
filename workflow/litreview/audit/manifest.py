"""The audit manifest: what went in, with what software, what came out.

``results/audit/manifest.json`` records the SHA-256 of every input a person supplies,
the software versions, every PRISMA count and the counts beside them (hits per strategy
line, reviewers' agreement, included studies per coded characteristic).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import platform
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from litreview.core.fileio import CsvDictReader
from litreview.core.paths import PAIR_SHEET, STUDIES_SHEET
from litreview.core.review import CONFIG_NAME, Review, decision_files, search_records
from litreview.pipeline.smk import coding_inputs

PACKAGES = ("litreview", "snakemake", "pandas", "numpy", "scipy", "scikit-learn", "rapidfuzz",
            "bibtexparser", "rispy", "openpyxl", "pyyaml", "jsonschema", "ftfy", "defusedxml",
            "pillow")


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def review_inputs(review: Review, root: Path, decision_sheets: Iterable[str] = ()) -> list[str]:
    """Every file a person supplies, relative to the review directory, sorted."""
    files = {CONFIG_NAME, review.criteria, PAIR_SHEET,
             STUDIES_SHEET, *decision_sheets, *decision_files(review, root),
             *coding_inputs(review, root)}
    for source in review.sources:
        files.update(source.exports)
        files.update(search_records(source, root))  # how litreview searched, when it did
        files.update(f for f in (source.strategy, source.thesaurus, source.heading_map) if f)
    return sorted(f for f in files if (root / f).is_file())


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(root: Path, inputs: Iterable[str], counts: Mapping[str, Any],
             derived: Mapping[str, Any] | None = None, now: dt.datetime | None = None) -> str:
    """The manifest: input hashes, software, the PRISMA counts and the other counts."""
    data = {
        "run_at": (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        "inputs": {f: sha256(root / f) for f in inputs},
        "software": versions(),
        "counts": counts,
        "derived_counts": dict(derived or {}),
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _dict_rows(text: str) -> list[dict[str, str]]:
    return list(CsvDictReader(io.StringIO(text, newline="")))


def derived_counts(hits: Mapping[str, str], agreement: Iterable[str],
                   coding: str) -> dict[str, Any]:
    """The counts beside PRISMA's, from the workflow's tables: the hits of every strategy
    line (by source), reviewers' agreement (by stage and pair), and the coded studies in
    each cell of the coding form's tables (``results/robustness/summary.csv``)."""
    out: dict[str, Any] = {"search_hits": {}, "agreement": {}, "coding": {}}
    for source, text in sorted(hits.items()):
        out["search_hits"][source] = {row["line"]: int(row["hits"]) for row in _dict_rows(text)}
    for text in agreement:
        for row in _dict_rows(text):
            pair = f"{row['reviewer_a']}+{row['reviewer_b']}"
            out["agreement"].setdefault(row["stage"], {})[pair] = {
                "both_decided": int(row["both_decided"]), "agreed": int(row["agreed"]),
                "kappa": row["kappa"]}
    for row in _dict_rows(coding):
        cell = f"{row['row']} × {row['column']}" if row["column"] else row["row"]
        out["coding"].setdefault(row["table"], {})[cell] = int(row["studies"])
    return out
