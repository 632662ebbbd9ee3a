"""What every reader shares: the file's :class:`Context`, and what a reader hands back
(:class:`Parsed` records and :class:`Reject` blocks).

Readers turn their input into a plain ``dict`` of raw field values (strings, or lists of
strings for multi-valued fields) plus provenance; :func:`~litreview.importers.build.build_record`
does the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import orjson

from litreview.core.errors import Problem
from litreview.core.records import Record

RawValue = str | Sequence[str] | None


@dataclass(frozen=True, slots=True)
class Context:
    """What every record of one file shares: where it came from and how it was searched."""

    database: str
    source_file: str
    searched: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # explicit field → column header (tables)
    #: what was read otherwise than the file says (a skipped section row, an entry repaired,
    #: control characters removed), in file order: one list per import, told to the user
    warnings: list[Problem] = field(default_factory=list, compare=False)
    #: the whole file was seen to hold no control character: no record need be scanned
    no_controls: bool = field(default=False, compare=False)
    #: a table the project wrote (``included.csv``, ``to_screen.csv``…): its text was
    #: cleaned when first imported and is taken as it is (no markup stripped again)
    own_table: bool = field(default=False, compare=False)

    def warn(self, problem: Problem) -> None:
        self.warnings.append(problem)


@dataclass(frozen=True, slots=True)
class Reject:
    """A block that could not be read, kept as data (like bibtexparser's failed blocks) so
    the caller decides: fail the import listing every one, or write them to a rejects file."""

    problem: Problem
    raw: str


@dataclass(slots=True)
class Parsed:
    """What a reader found in one file: records and rejected blocks, both in file order."""

    records: list[Record] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    source: str = ""  # the tool or database the content shows ("scopus", "Ovid", "PubMed")

    @property
    def blocks(self) -> int:
        """Blocks met so far: a record's ``source_position`` counts rejected ones too."""
        return len(self.records) + len(self.rejects)

    def reject(self, problem: Problem, raw: str) -> None:
        self.rejects.append(Reject(problem, raw))


def original_json(fields: Mapping[str, RawValue]) -> str:
    """The export's own fields of one record as compact JSON with sorted keys.

    A key (tag or column header) maps to its value, or to the list of its values when it
    occurs more than once; empty values are left out. Whatever the normalised columns do
    not hold (notes, addresses, cited references, screening labels) survives here.
    """
    compact: dict[str, str | Sequence[str]] = {}
    for key, value in fields.items():
        if not value:
            continue
        if not isinstance(value, str):
            if "" in value:
                value = [v for v in value if v]
            if len(value) == 1:
                value = value[0]
            elif not value:
                continue
        compact[key] = value
    try:  # orjson writes what json does here (UTF-8, sorted keys, no spaces), 5x faster
        return orjson.dumps(compact, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:  # a lone surrogate, which only json escapes
        return _ORIGINAL_JSON(compact)


_ORIGINAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                                  separators=(",", ":")).encode
