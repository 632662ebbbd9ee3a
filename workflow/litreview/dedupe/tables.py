"""The dedupe stage's files: the groups, the uncertain pairs and the overlap of sources it
writes, the groups file read back, and the duplicate-pair sheet a reviewer edits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.core.fileio import csv_text, read_own_table
from litreview.core.records import Record
from litreview.core.sheets import read_table
from litreview.dedupe.pairs import PairDecision, UncertainPair

# --- written ----------------------------------------------------------------------------

#: The columns of ``groups.csv``: others read the first three by name.
GROUPS_COLUMNS = ("record_id", "group_id", "database", "joined_to", "rule")


def groups_csv(groups: Mapping[str, str], records: Sequence[Record],
               rules: Mapping[str, str] | None = None,
               joined_to: Mapping[str, str] | None = None) -> str:
    """Each record's group, its database, and the pair that brought it in: the record it
    was joined to and the rule that joined them (both empty for a group's first record;
    the rule ``reviewer`` for a reviewer's pair decision)."""
    return csv_text(GROUPS_COLUMNS, groups_rows(groups, records, rules, joined_to))


def groups_rows(groups: Mapping[str, str], records: Sequence[Record],
                rules: Mapping[str, str] | None = None,
                joined_to: Mapping[str, str] | None = None) -> Iterator[list[str]]:
    """The rows of :func:`groups_csv`."""
    rules, joined_to = rules or {}, joined_to or {}
    for r in records:
        yield [r.record_id, groups[r.record_id], r.database, joined_to.get(r.record_id, ""),
               rules.get(r.record_id, "")]


#: Fields shown side by side for each uncertain pair, so a person can decide from the sheet.
_SHOWN = ("database", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi")
#: The columns of ``uncertain_pairs.csv``.
UNCERTAIN_COLUMNS = ("record_a", "record_b", "decision", "score", "reason", "rule",
                     *(f"{name}_{side}" for name in _SHOWN for side in "ab"))


def uncertain_csv(pairs: Sequence[UncertainPair], records: Sequence[Record]) -> str:
    """Pairs for a person, with an empty ``decision`` column: copy the file to the pair sheet
    (``screening/duplicate_pairs.csv``), write same or different, leave the rest blank.
    ``rule`` names the rule that held the pair apart."""
    return csv_text(UNCERTAIN_COLUMNS, uncertain_rows(pairs, records))


def uncertain_rows(pairs: Sequence[UncertainPair], records: Sequence[Record]
                   ) -> Iterator[list[str]]:
    """The rows of :func:`uncertain_csv`."""
    by_id = {r.record_id: r for r in records} if pairs else {}
    for p in pairs:
        both = [by_id[p.a].to_row(), by_id[p.b].to_row()]
        yield [p.a, p.b, "", f"{p.score:.1f}", p.reason, p.rule,
               *(side[name] for name in _SHOWN for side in both)]


def overlap_csv(groups: Mapping[str, str], records: Sequence[Record],
                sources: Sequence[str]) -> str:
    """Per source: records, unique works, works found only there, works shared with each other."""
    return Overlap.of((r.database, groups[r.record_id]) for r in records).csv(sources)


@dataclass(slots=True)
class Overlap:
    """The works (group ids) each source found and its records, as counted so far."""

    works: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @classmethod
    def of(cls, memberships: Iterable[tuple[str, str]]) -> Overlap:
        """The overlap of each record's ``(database, group_id)``."""
        overlap = cls()
        for database, group in memberships:
            overlap.add(database, group)
        return overlap

    def add(self, database: str, group: str) -> None:
        self.works[database].add(group)
        self.counts[database] += 1

    def csv(self, sources: Sequence[str]) -> str:
        """Per source: records, unique works, works found only there, works shared."""
        works = self.works
        rows = []
        for source in sources:
            others = set().union(*(works[o] for o in sources if o != source))
            shared = [len(works[source] & works[o]) if o != source else len(works[source])
                      for o in sources]
            rows.append([source, self.counts[source], len(works[source]),
                         len(works[source] - others), *shared])
        return csv_text(["source", "records", "works", "only_here", *sources], rows)


# --- read -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Groups:
    """``groups.csv`` read back: each record's group, database and joining rule."""

    group_of: dict[str, str]     # record_id -> group_id
    database_of: dict[str, str]  # record_id -> database ("" when the file has none)
    rule_of: dict[str, str]      # record_id -> the rule that joined it ("" when none)
    joined_to: dict[str, str] = field(default_factory=dict)  # record_id -> its partner

    def members(self, group_id: str) -> tuple[str, ...]:
        """The records of a group, in file order (its first record first)."""
        return tuple(rid for rid, group in self.group_of.items() if group == group_id)


def read_groups(path: str | Path) -> Groups:
    """The groups file ``dedupe`` wrote (``record_id, group_id`` at least), each cell as
    it was before writing (the project's own table, not a sheet a person edits)."""
    _, rows = read_own_table(path, required=("record_id", "group_id"))
    return Groups({r["record_id"]: r["group_id"] for r in rows},
                  {r["record_id"]: r.get("database") or "" for r in rows},
                  {r["record_id"]: r.get("rule") or "" for r in rows},
                  {r["record_id"]: r.get("joined_to") or "" for r in rows})


@dataclass(frozen=True, slots=True)
class PairSheet:
    """The reviewer's duplicate-pair sheet: the decisions, and what was said on reading
    (a sheet read as Windows-1252)."""

    decisions: list[PairDecision]
    warnings: tuple[Problem, ...] = ()


def read_pair_decisions(path: str | Path) -> list[PairDecision]:
    """The decisions of a reviewer's pair sheet (:func:`read_pair_sheet`)."""
    return read_pair_sheet(path).decisions


def read_pair_sheet(path: str | Path) -> PairSheet:
    """A reviewer's sheet (CSV or XLSX) with columns ``record_a, record_b, decision``
    (same|different).

    Rows without a decision are pairs not decided yet. Every row that cannot be used is
    reported with its line: a missing id, a decision other than same/different, a record
    paired with itself, or a pair decided both ways.
    """
    table = read_table(path, required=("record_a", "record_b", "decision"))
    name = str(path)
    problems = []
    out: list[PairDecision] = []
    seen: dict[frozenset[str], tuple[bool, int]] = {}
    for row in table:
        a, b, line = row["record_a"], row["record_b"], row.line
        decision = row["decision"].lower()
        if not decision and (a or b):
            continue  # a pair copied from uncertain_pairs.csv and not decided yet
        if not a or not b:
            problems.append(Problem(name, "a record id is empty", line))
        elif a == b:
            problems.append(Problem(name, f"'{a}' is paired with itself", line))
        elif decision not in ("same", "different"):
            problems.append(Problem(name, f"decision '{decision}' is not same|different",
                                    line))
        elif (earlier := seen.get(frozenset((a, b)))) and earlier[0] != (decision == "same"):
            problems.append(Problem(name, f"{a} and {b} are also decided the other way "
                                    f"on line {earlier[1]}", line))
        else:
            seen.setdefault(frozenset((a, b)), (decision == "same", line))
            out.append(PairDecision(a, b, decision == "same", line))
    if problems:
        raise InputError(problems)
    return PairSheet(out, table.warnings)


def unknown_pair_ids(decisions: Sequence[PairDecision], ids: Collection[str],
                     path: str) -> list[Problem]:
    """Pair decisions naming a record that is not there: a mistyped id would silently leave
    the pair to the rules."""
    return [Problem(path, f"record id '{rid}' is not among the records", d.line,
                    hint="copy ids from uncertain_pairs.csv")
            for d in decisions for rid in (d.a, d.b) if rid not in ids]
