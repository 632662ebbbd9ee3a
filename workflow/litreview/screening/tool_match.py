"""Which record of the review a row of another screening tool's export names: by record
id or accession number, else by DOI, else by title (with the year when both give one).

The keys are the deduplication's own (:func:`litreview.dedupe.keys`): a DOI as
:func:`~litreview.core.records.normalise_doi` writes it, a title folded and stripped of
database notes. Every member of a duplicate group is indexed, and a match names the
group's record (the id ``unique.csv`` and the sheets to screen from give).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from litreview.core.records import Record, RecordIdError, RecordIds, normalise_doi, normalise_year
from litreview.dedupe import keys


@dataclass(frozen=True, slots=True)
class Match:
    """The record a row names (``record_id``, "" when none or several) and how it was
    found: ``id``, ``doi`` or ``title``; else why not, with the records it could be."""

    record_id: str
    how: str = ""
    why: str = ""
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Work:
    record_id: str  # the group's record
    year: str


class ReviewIndex:
    """The review's records indexed by id, DOI and title; build it once per export."""

    def __init__(self, records: Iterable[Record], group_of: Mapping[str, str]):
        self.group_of = dict(group_of)
        self.by_doi: dict[str, set[str]] = {}
        self.by_title: dict[str, set[_Work]] = {}
        ids = []
        for record in records:
            group = self.group_of.setdefault(record.record_id, record.record_id)
            ids.append(record.record_id)
            found = keys(record)
            if found.doi:
                self.by_doi.setdefault(found.doi, set()).add(group)
            if not found.title.generic:
                work = _Work(group, normalise_year(record.year))
                self.by_title.setdefault(found.title.text, set()).add(work)
        self.ids = RecordIds([*ids, *self.group_of])

    def match(self, ids: Sequence[str], doi: str, title: str, year: str) -> Match:
        """The one record the row names, trying its ids, its DOI, then its title."""
        by_id = self._by_ids(ids)
        by_doi = self.by_doi.get(normalise_doi(doi), set()) if normalise_doi(doi) else set()
        if by_id and by_doi and not by_id & by_doi:
            return Match("", why=f"its id names {_named(by_id)} but its DOI names "
                         f"{_named(by_doi)}", candidates=tuple(sorted(by_id | by_doi)))
        for how, found in (("id", by_id), ("doi", by_doi), ("title", self._by_title(title, year))):
            if len(found) == 1:
                return Match(next(iter(found)), how)
            if found:
                return Match("", why=f"ambiguous: its {_how(how)} names {len(found)} records: "
                             f"{_named(found)}", candidates=tuple(sorted(found)))
        return Match("", why="no record of the review has its " + _tried(ids, doi, title))

    def _by_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for given in ids:
            try:
                found.add(self.group_of.get(resolved := self.ids.resolve(given), resolved))
            except RecordIdError as error:  # an accession several members share: one work?
                found |= {self.group_of.get(c, c) for c in error.candidates}
        return found

    def _by_title(self, title: str, year: str) -> set[str]:
        if not title:
            return set()
        found = keys(Record("", "", "", 0, title=title))
        if found.title.generic:
            return set()
        year = normalise_year(year)
        works = self.by_title.get(found.title.text, set())
        return {w.record_id for w in works if not year or not w.year or w.year == year}


def _named(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids))


def _how(how: str) -> str:
    return {"id": "id", "doi": "DOI", "title": "title and year"}[how]


def _tried(ids: Sequence[str], doi: str, title: str) -> str:
    """What the row gave to match on, as a reader checks it."""
    given = [f"id {', '.join(ids)}" if ids else "", f"DOI {doi}" if doi else "",
             "title" if title else ""]
    text = " or ".join(g for g in given if g)
    return text or "id, DOI or title (the row gives none)"
