"""A database's thesaurus (heading → broader heading) and maps between thesauri.

Files are CSV that a librarian keeps beside the strategies:

* thesaurus: ``heading,broader`` — one row per broader relation; a top term has an empty
  ``broader``. It lets ``(exp)`` find narrower headings and the linter check headings.
* heading map: ``heading,vocabulary,target`` — the ``target`` heading of ``vocabulary``
  (``MeSH``, ``ERIC``…) to use for this database's ``heading`` on another platform. A
  heading of one thesaurus is never pasted into another's field without such a row.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.fileio import read_person_text
from litreview.core.text import clean_text


def _key(heading: str) -> str:
    return clean_text(heading).casefold()


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """Headings with their narrower terms; lookups ignore case."""

    labels: dict[str, str] = field(default_factory=dict)  # key -> heading as written
    narrower_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __contains__(self, heading: str) -> bool:
        return _key(heading) in self.labels

    def narrower(self, heading: str) -> tuple[str, ...]:
        """Every heading below ``heading`` (all levels), in a stable order."""
        out: dict[str, None] = {}
        stack = list(reversed(self.narrower_of.get(_key(heading), ())))
        while stack:
            key = stack.pop()
            if key not in out:
                out[key] = None
                stack.extend(reversed(self.narrower_of.get(key, ())))
        return tuple(self.labels[k] for k in out)


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with io.StringIO(read_person_text(path), newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(Problem(str(path), f"missing column(s) {', '.join(missing)}", 1,
                                     f"columns: {', '.join(required)}"))
        return [(reader.line_num, {k.strip().lower(): (v or "").strip() for k, v in row.items()
                                   if k})
                for row in reader]


def load_thesaurus(path: str | Path) -> Thesaurus:
    labels: dict[str, str] = {}
    narrower: dict[str, list[str]] = defaultdict(list)
    problems = []
    for line, row in _rows(Path(path), ("heading", "broader")):
        heading, broader = row["heading"], row["broader"]
        if not heading:
            problems.append(Problem(str(path), "empty heading", line))
            continue
        labels.setdefault(_key(heading), clean_text(heading))
        if broader:
            labels.setdefault(_key(broader), clean_text(broader))
            if _key(heading) not in narrower[_key(broader)]:
                narrower[_key(broader)].append(_key(heading))
    raise_if(problems)
    return Thesaurus(labels, {k: tuple(v) for k, v in narrower.items()})


@dataclass(frozen=True, slots=True)
class HeadingMap:
    """This database's headings expressed in other vocabularies."""

    targets: dict[tuple[str, str], str] = field(default_factory=dict)  # (heading, vocab) -> target

    def get(self, heading: str, vocabulary: str) -> str | None:
        return self.targets.get((_key(heading), vocabulary.casefold()))


def load_heading_map(path: str | Path) -> HeadingMap:
    targets = {}
    for _, row in _rows(Path(path), ("heading", "vocabulary", "target")):
        if row["heading"] and row["vocabulary"] and row["target"]:
            targets[(_key(row["heading"]), row["vocabulary"].casefold())] = row["target"]
    return HeadingMap(targets)
