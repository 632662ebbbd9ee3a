"""What the generated records are made of, read from the real exports: each database's
template records (the fields a work does not set — addresses, reference lists, links —
kept as exported), and pools of titles, authors, journals, abstract sentences and
keywords to recombine into works."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from litreview.importers import read_export

from scale_bench import REALDATA, REPO

EXPORTS = REALDATA / "exports"
_BLOCK = re.compile(r"^TY  - .*?^ER  -[^\n]*$", re.MULTILINE | re.DOTALL)
_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
#: RIS tags a work sets (or that identify a record): not copied from a template.
WORK_TAGS = frozenset({"TY", "TI", "T1", "AU", "A1", "A2", "PY", "Y1", "DA", "JO", "JF",
                       "T2", "JA", "J2", "VL", "IS", "SP", "EP", "DO", "AB", "N2", "KW",
                       "AN", "ID", "U2", "UR", "L1", "L2", "LK", "DB", "DP", "ER", "ST"})
#: Scopus CSV columns a work sets; the others come from the template row.
CSV_WORK = ("Authors", "Author full names", "Title", "Year", "Source title", "Volume",
            "Issue", "Page start", "Page end", "DOI", "Link", "Abstract", "Author Keywords",
            "EID")
CSV_BULK = ("Affiliations", "Authors with affiliations", "Index Keywords", "Funding Details",
            "Funding Texts", "References", "Correspondence Address", "Publisher", "ISSN",
            "Language of Original Document", "Document Type", "Publication Stage",
            "Open Access", "Source")


@dataclass(frozen=True)
class Template:
    """One real record's shape: its tag spellings, the lines a work does not set, and the
    sizes (abstract characters, keywords) a work drawn on it gets."""

    title_tag: str
    author_tag: str
    year_tag: str
    journal_tag: str
    abstract_tag: str
    bulk: tuple[tuple[str, str], ...]
    abstract_chars: int
    keywords: int


@dataclass(frozen=True)
class Pools:
    """What works are recombined from."""

    titles: tuple[str, ...]
    surnames: tuple[str, ...]
    journals: tuple[str, ...]
    sentences: tuple[str, ...]
    keywords: tuple[str, ...]


def ris_entries(block: str) -> list[tuple[str, str]]:
    """A RIS block's (tag, value) entries, continuation lines joined to their tag's."""
    entries: list[tuple[str, str]] = []
    for line in block.splitlines():
        match = _TAG.match(line)
        if match:
            entries.append((match.group(1), match.group(2).rstrip()))
        elif entries and line.strip():
            tag, value = entries[-1]
            entries[-1] = (tag, f"{value} {line.strip()}")
    return entries


def _spelling(tags: set[str], *choices: str) -> str:
    return next((t for t in choices if t in tags), choices[0])


def ris_templates(name: str) -> list[Template]:
    """The records of a real RIS export as templates."""
    text = (EXPORTS / name).read_bytes().decode("utf-8-sig", "replace").replace("\r\n", "\n")
    out = []
    for block in _BLOCK.findall(text):
        entries = ris_entries(block)
        tags = {t for t, _ in entries}
        abstract = sum(len(v) for t, v in entries if t in ("AB", "N2"))
        out.append(Template(
            _spelling(tags, "TI", "T1"), _spelling(tags, "AU", "A1"),
            _spelling(tags, "PY", "Y1"), _spelling(tags, "T2", "JO", "JF"),
            _spelling(tags, "AB", "N2"),
            tuple((t, v) for t, v in entries if t not in WORK_TAGS and v),
            max(abstract, 300), max(3, min(12, sum(t == "KW" for t, _ in entries)))))
    return out


def csv_templates(name: str) -> list[Template]:
    """The rows of a real Scopus CSV export as templates (bulk: its other columns)."""
    with open(EXPORTS / name, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Template("Title", "Authors", "Year", "Source title", "Abstract",
                     tuple((c, row.get(c) or "") for c in CSV_BULK),
                     max(len(row.get("Abstract") or ""), 300),
                     max(3, len((row.get("Author Keywords") or "").split(";"))))
            for row in rows]


def pools() -> Pools:
    """Titles, surnames and journals of the labelled dedupe sets; abstract sentences and
    keywords of the real exports and of the example review's exports."""
    from dedupe_bench.data import DATASETS, load

    records = [r for name in DATASETS for r in load(name)[0]]
    exported = [r for path in sorted(EXPORTS.glob("*.ris")) for r in _read(path)]
    exported += [r for path in sorted((REPO / "data" / "exports").rglob("*.*"))
                 for r in _read(path)]
    sentences = {s.strip() for r in exported + records
                 for s in re.split(r"(?<=[.!?])\s+", r.abstract) if len(s.strip()) > 40}
    keywords = {k for r in exported for k in (*r.keywords, *r.subjects) if 2 < len(k) < 60}
    surnames = {a.split(",")[0].strip() for r in records for a in r.authors
                if "," in a and a.split(",")[0].strip().isalpha()}
    return Pools(
        titles=tuple(sorted({r.title for r in records if len(r.title.split()) >= 4})),
        surnames=tuple(sorted(surnames)),
        journals=tuple(sorted({r.journal for r in records if r.journal})),
        sentences=tuple(sorted(sentences)), keywords=tuple(sorted(keywords)))


def _read(path: Path) -> list:
    try:
        return list(read_export(path, database=path.stem))
    except Exception:  # a deliberately broken real export: not a template source
        return []
