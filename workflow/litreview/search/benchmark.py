"""Benchmark lists: the records a search should find, named by id, accession or DOI."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.records import Record, RecordIdError, RecordIds


@dataclass(frozen=True, slots=True)
class Listed:
    """One entry of a benchmark list, with its line in the list's file."""

    text: str
    line: int | None = None


def read_benchmark(path: str | Path) -> list[Listed]:
    """A benchmark list: record ids, accession numbers or DOIs, separated by white space."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", str(error))
        raise InputError(Problem(str(path), f"cannot read the benchmark list ({reason})",
                                 hint="give a UTF-8 text file of record ids or DOIs")) from None
    return [Listed(word, n) for n, line in enumerate(text.splitlines(), 1)
            for word in line.split()]


def benchmark_indices(records: Sequence[Record], wanted: Iterable[str | Listed],
                      file: str = "benchmark list") -> frozenset[int]:
    """Records named in a benchmark list: by record id, by accession number alone
    (``EJ1181769`` for ``eric-EJ1181769``) when it names one record, or by DOI.

    An entry naming no record is left out (it may be in another database's records); one
    naming several records is an error listing them.
    """
    ids = RecordIds(r.record_id for r in records)
    position = {r.record_id: i for i, r in enumerate(records)}
    by_doi: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if record.doi:
            by_doi[record.doi].append(i)
    found: set[int] = set()
    problems = []
    for entry in wanted:
        entry = entry if isinstance(entry, Listed) else Listed(entry)
        given = entry.text.strip()
        doi = _DOI_LIKE.match(given)
        if doi:
            found.update(by_doi.get(given[doi.end():].rstrip(".,;").casefold(), ()))
            continue
        try:
            found.add(position[ids.resolve(given)])
        except RecordIdError as error:
            if error.candidates:
                problems.append(Problem(file, str(error), entry.line))
    raise_if(problems)
    return frozenset(found)


_DOI_LIKE = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(?=10\.\d+/)", re.IGNORECASE)
