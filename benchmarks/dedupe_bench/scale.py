"""The scale set: every benchmark record, then copies perturbed the way databases differ."""

from __future__ import annotations

import random
import re
from dataclasses import replace

from litreview.core.records import Record

from dedupe_bench.data import DATASETS, Groups, load

SCALE_SEED = 20240601

_STOP = {"of", "the", "and", "in", "for", "on", "&"}


def _abbreviate_journal(name: str, rng: random.Random) -> str:
    words = [w for w in re.split(r"[\s,.:]+", name) if w and w.lower() not in _STOP]
    form = rng.choice(("iso", "upper", "lower"))
    if form == "iso":
        return " ".join(w[:rng.choice((3, 4, 5))] if len(w) > 5 else w for w in words)
    return name.upper() if form == "upper" else name.lower()


def _author_form(name: str, form: str) -> str:
    if "," not in name:
        return name
    surname, given = (p.strip() for p in name.split(",", 1))
    initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)
    if form == "initials":  # "Smith, J. K."
        return f"{surname}, {' '.join(c + '.' for c in initials)}"
    if form == "vancouver":  # "Smith JK"
        return f"{surname} {initials}"
    if form == "given-first":  # "J. K. Smith"
        return f"{' '.join(c + '.' for c in initials)} {surname}"
    return name


def _pages_form(pages: str, rng: random.Random) -> str:
    match = re.fullmatch(r"(\d+)-(\d+)", pages)
    if not match or rng.random() < 0.5:
        return pages
    first, last = match.groups()
    if len(first) == len(last) and rng.random() < 0.6:  # "1351-9"
        k = next((n for n in range(len(first)) if first[n] != last[n]), len(last) - 1)
        return f"{first}-{last[k:]}"
    return f"{first}--{last}"


def perturb(record: Record, rng: random.Random, copy: int) -> Record:
    """Another database's export of the same record: the differences met in the wild."""
    title = record.title
    roll = rng.random()
    if roll < 0.2:
        title = title.upper()
    elif roll < 0.35:
        title = title.lower()
    if rng.random() < 0.3:
        title = re.sub(r"[:;,.?!\"']", rng.choice(("", " ")), title)
    if rng.random() < 0.15:
        title = title.rstrip(".") + "."
    if rng.random() < 0.05 and len(title) > 20:  # one mistyped letter
        k = rng.randrange(1, len(title) - 1)
        title = title[:k] + title[k + 1] + title[k] + title[k + 2:]
    form = rng.choice(("as-is", "initials", "vancouver", "given-first"))
    authors = tuple(_author_form(a, form) for a in record.authors)
    if rng.random() < 0.1 and len(authors) > 3:
        authors = authors[:3]
    journal = _abbreviate_journal(record.journal, rng) if rng.random() < 0.4 else record.journal
    doi = record.doi
    if doi and rng.random() < 0.3:
        doi = "" if rng.random() < 0.5 else doi.upper()
    fields = {"volume": record.volume, "issue": record.issue, "abstract": record.abstract}
    for name in fields:
        if rng.random() < 0.15:
            fields[name] = ""
    pages = "" if rng.random() < 0.1 else _pages_form(record.pages, rng)
    return replace(record, record_id=f"{record.record_id}#{copy}", title=title,
                   authors=authors, journal=journal if rng.random() > 0.05 else "",
                   pages=pages, doi=doi, database=f"copy{copy % 6}", **fields)


def scale_set(size: int) -> tuple[list[Record], Groups]:
    """``size`` records: every benchmark record, then perturbed copies in turn; the truth
    is each original's true group with all the copies of its members."""
    base: list[Record] = []
    truth_of: dict[str, int] = {}
    truth: Groups = []
    for name in DATASETS:  # ids are unique within a dataset only
        records, groups = load(name)
        offset = len(truth)
        truth += [[f"{name}:{m}" for m in g] for g in groups]
        truth_of.update((f"{name}:{m}", offset + n) for n, g in enumerate(groups) for m in g)
        base += [replace(r, record_id=f"{name}:{r.record_id}") for r in records]
    rng = random.Random(SCALE_SEED)
    out = list(base)
    copy = 0
    while len(out) < size:
        copy += 1
        for record in base:
            if len(out) == size:
                break
            twin = perturb(record, rng, copy)
            out.append(twin)
            if record.record_id not in truth_of:
                truth_of[record.record_id] = len(truth)
                truth.append([record.record_id])
            truth[truth_of[record.record_id]].append(twin.record_id)
    return out, [g for g in truth if len(g) > 1]

