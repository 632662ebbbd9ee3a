"""Conformance on real exports from databases and reference managers (../shared/realdata).

The files are third-party data that must not enter the repository, so they are read in
place and every test skips, with the reason shown, when the folder is absent. Expected
record counts come from the table in the data's MANIFEST.md.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from litreview.core.records import Record
from litreview.importers import import_export, read_export

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
EXPORTS = REALDATA / "exports"
#: The manifest sits in exports/ or, as now, one level up describing every folder.
MANIFESTS = (EXPORTS / "MANIFEST.md", REALDATA / "MANIFEST.md")
_ROW = re.compile(r"^\|\s*([^|\s]+\.\w+)\s*\|\s*([^|]*?)\s*\|\s*((\d+)\b[^|]*?)\s*\|\s*$")


def _manifest() -> list[tuple[str, str, int]]:
    """(file, "format | records" text, expected records) rows of the exports table.

    In a manifest covering several folders only the ``## exports/`` section counts.
    """
    for manifest in MANIFESTS:
        if manifest.exists():
            lines = manifest.read_text().splitlines()
            if manifest.parent != EXPORTS:
                start = next((i for i, t in enumerate(lines) if t.startswith("## exports")), 0)
                end = next((i for i, t in enumerate(lines) if i > start and t.startswith("## ")),
                           len(lines))
                lines = lines[start:end]
            rows = [_ROW.match(line) for line in lines]
            return [(m[1], f"{m[2]} | {m[3]}", int(m[4])) for m in rows if m]
    return []


CASES = [row for row in _manifest() if not row[0].endswith(".md")]
_ABSENT = f"real data not available: no MANIFEST.md under {REALDATA}"


def _cases():
    if not CASES:
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=_ABSENT),
                             id="realdata-absent")]
    return [pytest.param(*row, id=row[0]) for row in CASES]


def _path(name: str) -> Path:
    path = EXPORTS / name
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent")
    return path


@pytest.mark.parametrize(("name", "description", "expected"), _cases())
def test_real_export_imports_completely(name: str, description: str, expected: int):
    path = _path(name)
    if "blocks" in description:  # the RIS type catalogue: bare TY/N1 blocks with nothing
        # to screen them by are located rejects, as a table row without title, DOI or ID
        result = import_export(path, database="Real", display_path=name)
        assert not result.records and len(result.rejects) == expected
        assert all("no title, DOI or ID" in r.problem.message for r in result.rejects)
        return
    records = read_export(path, database="Real", display_path=name)
    assert len(records) == expected, f"{name}: manifest says {expected} records"
    assert [r.source_position for r in records] == list(range(1, expected + 1))
    lines = [r.source_line for r in records]
    assert lines == sorted(lines) and len(set(lines)) == len(lines) and lines[0] >= 1
    assert len({r.record_id for r in records}) == expected
    assert all(r.source_file == name for r in records)
    titled = sum(1 for r in records if r.title)
    if "empty title" in description:
        assert 0 < titled < expected  # untitled records are kept, not dropped
    else:
        assert titled >= 0.9 * expected, f"{name}: only {titled}/{expected} have a title"
    if not any(word in description for word in ("year", "blocks", "empty title")):
        assert sum(1 for r in records if r.year) >= 0.9 * expected
    for field, keys in _SOURCE_FIELDS.items():
        if field == "year" and "year" in description:
            continue  # the malformed-year file: nothing plausible to extract
        missed = [r.source_line for r in records if _has(r, keys) and not getattr(r, field)]
        assert not missed, f"{name}: {field} present in the export but not extracted at {missed}"


#: Which of an export's own fields hold a title, authors, a year or a DOI, by tag or
#: header: when the record's original fields have one, the normalised record must too.
_SOURCE_FIELDS = {
    "title": re.compile(r"ti|t1|title|article title|title primary|titles/title|document title"),
    "authors": re.compile(r"au|a1|af|fau|authors?|author names|author/s|author full names|"
                          r"authors, primary|authorships\.author\.display_name|"
                          r"contributors/authors/author"),
    "year": re.compile(r"py|y1|year|publication year|publication_year|pub year|dates/year"),
    "doi": re.compile(r"do|di|doi"),
}


def _has(record: Record, keys: re.Pattern[str]) -> bool:
    """Whether the export gave this record a non-blank value under one of ``keys``."""
    return any(keys.fullmatch(key.casefold()) and any(str(v).strip(" -/.") for v in (
        value if isinstance(value, list) else [value]))
        for key, value in record.original_fields().items())


_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*?)\s*$")


@pytest.mark.parametrize(("name", "description", "expected"),
                         [c for c in _cases() if c.id == "realdata-absent" or
                          str(c.values[0]).endswith((".ris", ".txt"))])
def test_every_ris_tag_line_is_kept_in_the_original_fields(name: str, description: str,
                                                            expected: int):
    """Nothing is lost: each tag line of the file is in its record's original fields."""
    path = _path(name)
    text = path.read_bytes().decode("utf-8-sig", errors="replace").replace("\ufeff", "")
    in_file = Counter(m.groups() for m in map(_RIS_LINE.match, text.splitlines())
                      if m and m[2] and m[1] != "ER")
    kept: Counter[tuple[str, str]] = Counter()
    result = import_export(path, database="Real")
    for reject in result.rejects:  # the type catalogue's blocks: kept as their raw text
        kept.update(m.groups() for m in map(_RIS_LINE.match, reject.raw.splitlines())
                    if m and m[2] and m[1] != "ER")
    for record in result.records:
        for key, value in record.original_fields().items():
            for item in value if isinstance(value, list) else [value]:
                kept[(key, item.split("\n")[0].strip())] += 1
    assert not in_file - kept, f"{name}: tag lines missing from the original fields"


def test_manifest_lists_the_files():
    if not CASES:
        pytest.skip(_ABSENT)
    missing = [name for name, _, _ in CASES if not (EXPORTS / name).exists()]
    assert not missing, f"listed in MANIFEST.md but absent: {missing}"


@pytest.mark.parametrize(("one", "other"), [
    ("dinosaur_baseline_scopus.csv", "dinosaur_baseline_scopus.ris"),
    ("dinosaur_baseline_rayyan.csv", "dinosaur_baseline_rayyan.ris"),
    ("dinosaur_baseline_openalex.csv", "dinosaur_baseline_openalex.ris"),
    ("asreview-tests_embase.csv", "asreview-tests_embase.ris"),
])
def test_same_export_in_two_formats_gives_the_same_records(one: str, other: str):
    """One search exported twice: the formats must agree on titles, years and DOIs."""
    first = read_export(_path(one), database="A")
    second = read_export(_path(other), database="A")

    def key(records):
        return sorted((r.title.casefold().rstrip("."), r.year) for r in records)

    assert key(first) == key(second)
    dois = {r.doi for r in first if r.doi}
    assert dois <= {r.doi for r in second}


def test_real_field_details():
    """Spot checks of conventions the generic assertions cannot see."""
    ovid = read_export(_path("dinosaur_baseline_eric_ovid.ris"), database="ERIC")
    assert ovid[0].source_id == "EJ389705" and ovid[0].source_line == 2
    assert "Creationism" in ovid[0].subjects  # DB tag: KW are ERIC descriptors
    issue = read_export(_path("asreview-tests_ris_issue_992.txt"), database="Rayyan")
    assert "Joint Commission" in issue[0].keywords  # one keyword per continuation line
    lens = read_export(_path("dinosaur_baseline.xlsx"), database="Lens")
    assert lens[0].source_line == 3 and lens[0].source_id == "000-463-679-101-319"
    embase = read_export(_path("dinosaur_baseline_embase.csv"), database="Embase")
    assert embase[0].source_line == 5  # after the 3-line SEARCH QUERY preamble and header
    refworks = read_export(_path("dinosaur_baseline_refworks.tsv"), database="RefWorks")
    assert all("null" not in a for r in refworks for a in r.authors)
