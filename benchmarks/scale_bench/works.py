"""Distinct works and the copies the databases export of them: each work is recombined
from the pools (a title from two real titles, real surnames and journals, sentences of
real abstracts, keywords of real exports); it appears in 1–10 databases (5–10 for a share
of works), its first copy as made, the others perturbed as ``dedupe_bench.scale`` does,
and one copy of a share of works garbled as ``dedupe_bench.garbling`` does."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

from dedupe_bench.garbling import GARBLES
from dedupe_bench.scale import perturb
from litreview.core.records import Record

from scale_bench.templates import Pools, Template, csv_templates, ris_templates

#: Share of works found in 5–10 databases; the others are in 1–4 (weights below).
MANY_SHARE = 0.12
FEW_WEIGHTS = (0.45, 0.30, 0.15, 0.10)
#: Share of works with two or more copies one of which is garbled (dedupe_bench's 30 %).
GARBLE_SHARE = 0.3
DOI_SHARE = 0.75


@dataclass(frozen=True)
class Database:
    """A generated database: its name, how its exports are written, the real exports its
    records are shaped on, how often a work is in it, and its accession prefix."""

    name: str
    slug: str
    format: str  # ris, nbib, bibtex or csv
    templates: tuple[str, ...]
    weight: float
    prefix: str
    host: str = ""


_RIS = ("dinosaur_baseline_scopus.ris", "asreview-tests_ovid_psycinfo.ris",
        "dinosaur_baseline_eric_ovid.ris", "asreview-tests_embase.ris",
        "asreview-tests_proquest.ris")
#: The six example databases (their strategies apply as they are) and four large ones.
DATABASES = (
    Database("Scopus", "scopus", "ris", ("dinosaur_baseline_scopus.ris",), 18, "2-s2.0-",
             "Elsevier Scopus"),
    Database("PubMed", "pubmed", "nbib", ("asreview-tests_pubmed_endnote.txt",), 16, "",
             "NCBI PubMed"),
    Database("PsycINFO", "psycinfo", "ris", ("asreview-tests_ovid_psycinfo.ris",), 12,
             "2019-", "Ovid"),
    Database("Embase", "embase", "ris", ("asreview-tests_embase.ris",), 12, "L", "Ovid"),
    Database("ERIC", "eric", "ris", ("dinosaur_baseline_eric_ovid.ris",), 10, "EJ"),
    Database("ASSIA", "assia", "ris", ("asreview-tests_proquest.ris",), 8, "ASSIA"),
    Database("BEI", "bei", "ris", ("dinosaur_baseline_eric_ovid.ris",
                                   "dinosaur_baseline_scopus.ris"), 8, "BEI"),
    Database("Social Care Online", "social-care-online", "ris",
             ("asreview-tests_proquest.ris", "asreview-tests_embase.ris"), 6, "SCO"),
    Database("ChildData", "childdata", "bibtex", ("asreview-tests_ovid_psycinfo.ris",), 5,
             "cd"),
    Database("CERUK plus", "ceruk-plus", "csv", ("dinosaur_baseline_scopus.csv",), 5,
             "CERUK-"),
)
#: The single-stage targets' set: 100,000 records of one database, every RIS shape.
TARGET_DATABASE = Database("BEI", "bei", "ris", _RIS, 1, "BEI")


@dataclass(frozen=True)
class Copy:
    """One database's record of a work, and the template it is written on."""

    database: Database
    record: Record
    template: Template


class Maker:
    """Works and their copies, deterministic from a seed."""

    def __init__(self, pools: Pools, databases: tuple[Database, ...], seed: int):
        self.pools = pools
        self.databases = databases
        self.rng = random.Random(seed)
        self.templates = {d.name: [t for name in d.templates for t in _templates(name)]
                          for d in databases}

    def copies(self, size: int) -> Iterator[Copy]:
        """``size`` copies, work after work (the last work's copies cut at ``size``)."""
        made = work = 0
        while made < size:
            for copy in self._work(work)[: size - made]:
                made += 1
                yield copy
            work += 1

    def _work(self, k: int) -> list[Copy]:
        rng = self.rng
        chosen = self._databases()
        first = chosen[0]
        template = self.templates[first.name][k % len(self.templates[first.name])]
        record = replace(self._record(k, template), database=first.name)
        out = [Copy(first, record, template)]
        for n, database in enumerate(chosen[1:], start=1):
            twin = replace(perturb(record, rng, n), database=database.name)
            templates = self.templates[database.name]
            out.append(Copy(database, twin, templates[(k + n) % len(templates)]))
        if len(out) > 1 and rng.random() < GARBLE_SHARE:
            n = rng.randrange(1, len(out))
            garbled = GARBLES[rng.choice(sorted(GARBLES))](out[n].record, rng)
            if garbled is not None:
                out[n] = replace(out[n], record=garbled)
        return [replace(c, record=replace(c.record, record_id="",
                                          source_id=f"{c.database.prefix}{k:08d}"))
                for c in out]

    def _databases(self) -> list[Database]:
        rng = self.rng
        if len(self.databases) == 1:
            return list(self.databases)
        if rng.random() < MANY_SHARE:
            count = rng.randint(5, min(10, len(self.databases)))
        else:
            count = rng.choices(range(1, 5), weights=FEW_WEIGHTS)[0]
        keyed = sorted(self.databases, key=lambda d: -rng.random() ** (1 / d.weight))
        return keyed[:count]

    def _record(self, k: int, template: Template) -> Record:
        rng, pools = self.rng, self.pools
        head = rng.choice(pools.titles).split()
        tail = rng.choice(pools.titles).split()
        cut = max(2, int(len(head) * rng.uniform(0.35, 0.7)))
        title = " ".join(head[:cut] + tail[len(tail) // 2:])
        authors = tuple(f"{rng.choice(pools.surnames)}, {_initials(rng)}"
                        for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 5, 6, 8))))
        year = str(rng.randint(1995, 2024))
        first = rng.randint(1, 2400)
        abstract: list[str] = []
        while sum(map(len, abstract)) < template.abstract_chars:
            abstract.append(rng.choice(pools.sentences))
        doi = f"10.{1000 + k % 8999}/bench.{year}.{k:07d}" if rng.random() < DOI_SHARE else ""
        return Record(
            "", "", "", k, type="journal", title=title, authors=authors, year=year,
            journal=rng.choice(pools.journals), volume=str(rng.randint(1, 120)),
            issue=str(rng.randint(1, 12)), pages=f"{first}-{first + rng.randint(2, 25)}",
            doi=doi, abstract=" ".join(abstract),
            keywords=tuple(rng.sample(pools.keywords, template.keywords)))


def _initials(rng: random.Random) -> str:
    """"J." or "J. K."."""
    letters = "ABCDEFGHJKLMNPRSTW"
    first = rng.choice(letters)
    second = f" {rng.choice(letters)}." if rng.random() < 0.5 else ""
    return f"{first}.{second}"


_CACHE: dict[str, list[Template]] = {}


def _templates(name: str) -> list[Template]:
    if name not in _CACHE:
        _CACHE[name] = csv_templates(name) if name.endswith(".csv") else ris_templates(name)
    return _CACHE[name]
