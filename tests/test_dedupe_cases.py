"""The 25 hand-labelled hard pairs of the bib-dedupe benchmark, as regression tests.

Read from ../shared/realdata/dedup/test_cases.json at test time (never copied here);
each pair is imported as the importers would import it, then deduplicated in both orders.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import REALDATA
from litreview.core.records import Record
from litreview.dedupe import deduplicate
from litreview.importers import Context, build_record, type_from_name

CASES = REALDATA / "dedup" / "test_cases.json"


def _cases() -> list[object]:
    if not CASES.exists():
        return [pytest.param(None, id="absent", marks=pytest.mark.skip(
            reason=f"real data not available: {CASES} is absent"))]
    return [pytest.param(case, id=case["id"])
            for case in json.loads(CASES.read_text(encoding="utf-8"))["cases"]]


def record(fields: dict[str, str | None], position: int) -> Record:
    """A BibTeX-style entry of the file as a Record (booktitle stands in for a journal)."""
    def get(*names: str) -> str:
        return next((str(fields[n]) for n in names if fields.get(n)), "")

    raw = {"title": get("title"), "authors": get("author"), "year": get("year"),
           "journal": get("journal", "booktitle"), "volume": get("volume"),
           "issue": get("number", "issue"), "pages": get("pages"), "doi": get("doi"),
           "abstract": get("abstract"), "type": type_from_name(get("ENTRYTYPE")),
           "url": get("url"), "language": get("language")}
    built = build_record(Context(database=f"db{position}", source_file=CASES.name), position,
                         position, raw)
    return replace(built, record_id=f"{position}-{get('ID')}")


@pytest.mark.parametrize("case", _cases())
def test_labelled_pair(case: dict[str, object]):
    a = record(case["record_a"], 1)  # type: ignore[arg-type]
    b = record(case["record_b"], 2)  # type: ignore[arg-type]
    for pair in ([a, b], [b, a]):
        result = deduplicate(pair)
        merged = len(result.unique) == 1
        assert merged == case["expected_duplicate"], case["note"]
