"""``results/audit/manifest.json``: what went in, with what software, and what came out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from litreview.review import CONFIG_NAME, Review

PACKAGES = ("litreview", "snakemake", "pandas", "rapidfuzz", "bibtexparser", "rispy",
            "openpyxl", "pyyaml", "jsonschema", "ftfy", "defusedxml")


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def review_inputs(review: Review, root: Path, decision_files: Iterable[str]) -> list[str]:
    """Every file a person supplies, relative to the review directory, sorted."""
    files = {CONFIG_NAME, review.criteria, *decision_files}
    for source in review.sources:
        files.update(source.exports)
        if source.strategy:
            files.add(source.strategy)
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
             now: dt.datetime | None = None) -> str:
    data = {
        "run_at": (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        "inputs": {f: sha256(root / f) for f in inputs},
        "software": versions(),
        "counts": counts,
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
