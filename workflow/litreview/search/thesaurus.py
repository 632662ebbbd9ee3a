"""A database's thesaurus (heading → broader heading) and maps between thesauri.

Files are sheets (CSV or XLSX, read by :func:`litreview.core.sheets.read_table`) that a
librarian keeps beside the strategies:

* thesaurus: ``heading,broader`` — one row per broader relation; a top term has an empty
  ``broader``. It lets ``(exp)`` find narrower headings and the linter check headings.
* heading map: ``heading,vocabulary,target`` — the ``target`` heading of ``vocabulary``
  (``MeSH``, ``ERIC``…) to use for this database's ``heading`` on another platform. A
  heading of one thesaurus is never pasted into another's field without such a row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from litreview.core.errors import Problem, raise_if
from litreview.core.sheets import read_table
from litreview.core.text import clean_text


def _key(heading: str) -> str:
    return clean_text(heading).casefold()


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """Headings with their narrower terms; lookups ignore case."""

    labels: dict[str, str] = field(default_factory=dict)  # key -> heading as written
    narrower_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()  # said on reading the file (a cp1252 CSV)

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


def load_thesaurus(path: str | Path) -> Thesaurus:
    """A ``heading,broader`` sheet; an empty heading is a located error."""
    labels: dict[str, str] = {}
    narrower: dict[str, list[str]] = defaultdict(list)
    problems = []
    table = read_table(path, required=("heading", "broader"))
    for row in table:
        heading, broader = row["heading"], row["broader"]
        if not heading:
            problems.append(Problem(str(path), "empty heading", row.line))
            continue
        labels.setdefault(_key(heading), clean_text(heading))
        if broader:
            labels.setdefault(_key(broader), clean_text(broader))
            if _key(heading) not in narrower[_key(broader)]:
                narrower[_key(broader)].append(_key(heading))
    raise_if(problems)
    return Thesaurus(labels, {k: tuple(v) for k, v in narrower.items()}, table.warnings)


@dataclass(frozen=True, slots=True)
class HeadingMap:
    """This database's headings expressed in other vocabularies."""

    targets: dict[tuple[str, str], str] = field(default_factory=dict)  # (heading, vocab) -> target
    warnings: tuple[Problem, ...] = ()  # said on reading the file (a cp1252 CSV)

    def get(self, heading: str, vocabulary: str) -> str | None:
        return self.targets.get((_key(heading), vocabulary.casefold()))


def load_heading_map(path: str | Path) -> HeadingMap:
    """A ``heading,vocabulary,target`` sheet; rows lacking any of the three are skipped."""
    targets = {}
    table = read_table(path, required=("heading", "vocabulary", "target"))
    for row in table:
        if row["heading"] and row["vocabulary"] and row["target"]:
            targets[(_key(row["heading"]), row["vocabulary"].casefold())] = row["target"]
    return HeadingMap(targets, table.warnings)
