"""Other screening tools' decisions made into a decision sheet of this project: each row of
an export (:mod:`.rayyan`, :mod:`.covidence`, :mod:`.asreview`) matched to a record of the
review (:mod:`.tool_match`), its reasons turned into criterion ids, and the rows no record
answers listed beside the sheet, never dropped. With the screening as it stands, a row on a
record that is not at the stage (excluded, or awaiting a decision, before it) is listed too,
and one that would turn the reviewers' agreement into a conflict is written with a warning
(:mod:`.standing`).

A sheet is a person's: one already there is never overwritten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from litreview.core.contracts import NOT_RETRIEVED, SHEET_COLUMNS
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.fileio import atomic_write_text, csv_text
from litreview.core.records import Record, normalise_title
from litreview.core.sheets import SHEET_SUFFIXES, read_table
from litreview.screening.criteria import Criteria, Stage
from litreview.screening.decisions import (
    Decision,
    Sheet,
    is_sheet_name,
    sheet_problems,
    stage_reasons,
)
from litreview.screening.stages import Screening
from litreview.screening.standing import Standing, standing
from litreview.screening.tool_match import ReviewIndex

#: ``<SHEET>.unmatched.csv``: the rows of an export that made no decision of the sheet —
#: why, the record it names (when it names one), and the records an ambiguous row could be.
UNMATCHED_COLUMNS = ("file", "line", "why", "record_id", "decision", "title", "doi", "year",
                     "candidates")


@dataclass(frozen=True, slots=True)
class ToolRow:
    """One row of another tool's export, as the tool gave it: where it stands, the
    decision (``include``, ``exclude``, ``unsure``; "" when the reviewer made none),
    what names the record, the tool's exclusion reasons and notes."""

    line: int
    decision: str
    ids: tuple[str, ...] = ()
    doi: str = ""
    title: str = ""
    year: str = ""
    reasons: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class ToolExport:
    """An export read: the tool's name, the file, and its rows in file order."""

    tool: str
    file: str
    rows: tuple[ToolRow, ...]


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A row that made no decision of the sheet, and why; the record it names when it names
    one, else the records it could be when it is ambiguous."""

    row: ToolRow
    why: str
    record_id: str = ""
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Conversion:
    """The sheet's rows (:data:`SHEET_COLUMNS`), the rows listed instead, the count of
    rows the reviewer had not decided, how many rows each way matched, the exclusions
    written without a criterion by the tool's reason that named none (and how many), and
    the rows written that would turn an agreed outcome into a conflict."""

    rows: tuple[tuple[str, ...], ...]
    unmatched: tuple[Unmatched, ...]
    undecided: int
    matched_by: dict[str, int] = field(default_factory=dict)
    unmapped: dict[str, int] = field(default_factory=dict)
    clashes: tuple[Problem, ...] = ()

    def unmapped_warnings(self, tool: str, stage: str) -> list[str]:
        """One warning per reason of the tool that named no criterion, with how many
        exclusions were written without one for it."""
        return [f"{tool} reason '{text}' names no criterion applied at {stage}: {n} "
                f"exclusion{'s' if n > 1 else ''} written without a reason (kept in the "
                "note; map it to a criterion with --reasons MAP.csv)"
                for text, n in sorted(self.unmapped.items())]


@dataclass(frozen=True, slots=True)
class Reasons:
    """How a tool's exclusion reasons become criterion ids: a team's map (``--reasons``,
    normalised reason → criterion), else a criterion's own id or text; ``default`` for an
    exclusion that gives none (``--reason``)."""

    criteria: Criteria
    mapping: Mapping[str, str] = field(default_factory=dict)
    default: str = ""

    def criterion(self, text: str) -> str:
        """The criterion id ``text`` stands for, "" when none."""
        key = normalise_title(text)
        if key in self.mapping:
            return self.mapping[key]
        for c in self.criteria.criteria:
            if key in (normalise_title(c.id), normalise_title(c.text)):
                return c.id
        return NOT_RETRIEVED if key == normalise_title(NOT_RETRIEVED) else ""


def read_reason_map(path: str | Path, criteria: Criteria) -> dict[str, str]:
    """A team's map of a tool's reasons to criteria (columns ``reason, criterion``); an
    unknown criterion is a located error."""
    table = read_table(path, required=("reason", "criterion"))
    known = {*criteria.ids, NOT_RETRIEVED}
    raise_if([Problem(table.path, f"unknown criterion '{row['criterion']}'", row.line,
                      hint=f"one of: {', '.join(sorted(known))}")
              for row in table if row["criterion"] not in known])
    return {normalise_title(row["reason"]): row["criterion"] for row in table if row["reason"]}


def convert(export: ToolExport, index: ReviewIndex, stage: Stage, reasons: Reasons,
            reviewer: str, date: str = "", screening: Screening | None = None) -> Conversion:
    """The decision sheet rows of ``export``'s decided rows at ``stage``: each matched to
    one record (a second row naming the same record is listed, not written twice). With
    ``screening`` (as it stands), only records that entered ``stage`` are written."""
    at = standing(screening, stage.id) if screening is not None else None
    rows: list[tuple[str, ...]] = []
    unmatched: list[Unmatched] = []
    first_line: dict[str, int] = {}
    matched_by: Counter[str] = Counter()
    unmapped: Counter[str] = Counter()
    clashes: list[Problem] = []
    undecided = 0
    for row in export.rows:
        if not row.decision:
            undecided += 1
            continue
        found = index.match(row.ids, row.doi, row.title, row.year)
        rid = found.record_id
        if not rid:
            unmatched.append(Unmatched(row, found.why, candidates=found.candidates))
            continue
        if rid in first_line:
            unmatched.append(Unmatched(row, f"names record {rid}, as line {first_line[rid]} "
                                       "does (one decision per record)", rid))
            continue
        reason, note, why = _reason(row, export.tool, stage, reasons)
        why = (at.why_not(rid) if at else "") or why
        if why:
            unmatched.append(Unmatched(row, why, rid))
            continue
        first_line[rid] = row.line
        matched_by[found.how] += 1
        unmapped.update(row.reasons if row.decision == "exclude" and not reason else ())
        clashes += _clash(row, rid, at, export.file) if at else []
        rows.append((rid, row.decision, reason, reviewer, date, note))
    return Conversion(tuple(rows), tuple(unmatched), undecided, dict(matched_by),
                      dict(unmapped), tuple(clashes))


def _clash(row: ToolRow, rid: str, at: Standing, file: str) -> list[Problem]:
    """A row that would turn an outcome the reviewers agree on into a conflict."""
    agreed = at.agreed.get(rid)
    if agreed is None or agreed.decision == row.decision:
        return []
    return [Problem(file, f"{rid} is decided at {at.stage} ({agreed.status}, by "
                    f"{agreed.by}): this '{row.decision}' would make it a conflict", row.line,
                    hint=f"written all the same; resolve it in {at.stage}.csv, or drop the "
                    "row from the sheet")]


def _reason(row: ToolRow, tool: str, stage: Stage,
            reasons: Reasons) -> tuple[str, str, str]:
    """The reason, note and (when the row cannot be written) why not, of one decision.

    The tool's own reasons are kept in the note; the first that names a criterion applied
    at the stage is the reason."""
    note = "; ".join(p for p in (f"{tool} reasons: {', '.join(row.reasons)}"
                                 if row.reasons else "", row.note) if p)
    if row.decision != "exclude":
        return "", note, ""
    allowed = set(stage_reasons(stage, reasons.criteria))
    named = [reasons.criterion(text) for text in row.reasons]
    usable = [c for c in named if c in allowed and _excludes(c, reasons.criteria)]
    reason = usable[0] if usable else reasons.default
    if reason or not stage.reason_required:
        return reason, note or (f"{tool}: not retrieved" if reason == NOT_RETRIEVED else ""), ""
    if not row.reasons:
        return "", note, (f"an exclusion at {stage.id} needs a criterion and the row gives "
                          "no reason (give one with --reason)")
    unmapped = [f"'{t}'" + (f" ({c}, not applied at {stage.id})" if c else "")
                for t, c in zip(row.reasons, named, strict=True)]
    return "", note, (f"an exclusion at {stage.id} needs a criterion: reason(s) "
                      f"{', '.join(unmapped)} name none (map them with --reasons MAP.csv)")


def _excludes(criterion: str, criteria: Criteria) -> bool:
    return criterion == NOT_RETRIEVED or criteria.criterion(criterion).excludes


def check_rows(conversion: Conversion, path: Path, stage: Stage, criteria: Criteria) -> None:
    """The rows pass the workflow's own checks of a sheet (a located error if they do not:
    a converter's fault, caught before the sheet is written)."""
    decisions = tuple(Decision(*row, str(path), n) for n, row in
                      enumerate(conversion.rows, start=2))
    sheet = Sheet(stage.id, decisions[0].reviewer if decisions else "", str(path), decisions)
    raise_if(sheet_problems([sheet], criteria))


# --- reading a tool's RIS ----------------------------------------------------------------

def is_ris(path: Path) -> bool:
    """Whether a tool's export is RIS (by its name, or its first tag)."""
    if path.suffix.lower() in (".ris", ".txt"):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(200).lstrip(b"\xef\xbb\xbf").lstrip()
    except FileNotFoundError:
        raise InputError(Problem(str(path), "file not found")) from None
    return head.startswith(b"TY  -")


def ris_records(path: Path, tool: str) -> list[Record]:
    """A tool's RIS export as records, each keeping its tags (:meth:`Record.original_fields`);
    a block that cannot be read is a located error."""
    from litreview.importers import import_export

    imported = import_export(path, database=tool, fmt="ris")
    raise_if([reject.problem for reject in imported.rejects])
    return list(imported.records)


def ris_field(record: Record, tag: str) -> str:
    """One RIS tag of a record as one text (a repeated tag's values joined by `` | ``)."""
    value = record.original_fields().get(tag, "")
    return " | ".join(value) if isinstance(value, list) else value


# --- where it is written ------------------------------------------------------------------

def sheet_target(out: Path, stage: str, reviewer: str, decisions: Path) -> Path:
    """The sheet to write, checked: a name the workflow reads as this stage and reviewer
    (or, outside the decisions folder, any name), and no sheet of the same name there."""
    if not is_sheet_name(f"{stage}-{reviewer}"):
        raise InputError(Problem(str(out), f"reviewer '{reviewer}' cannot name a sheet",
                                 hint="letters, digits, '_' and '.' only"))
    wanted = f"{stage}-{reviewer}".casefold()
    in_folder = out.parent.resolve() == decisions.resolve()
    if in_folder and out.stem.casefold() != wanted:  # elsewhere: copied in by its own name
        raise InputError(Problem(str(out), f"the workflow would read this sheet as "
                                 f"'{out.stem}', not as {stage}-{reviewer}",
                                 hint=f"name it {stage}-{reviewer}.csv"))
    twins = sorted(p for p in out.parent.glob("*") if p.stem.casefold() == out.stem.casefold()
                   and p.suffix.lower() in SHEET_SUFFIXES) if out.parent.is_dir() else []
    if twins:
        other = out.parent.parent / f"{out.stem}.from-tool.csv" if in_folder \
            else out.with_name(f"{out.stem}.from-tool.csv")
        raise InputError(Problem(str(twins[0]), "a decision sheet is already here and is "
                                 "never overwritten (a person edits it)",
                                 hint=f"write to another name (-o {other}) and copy the rows "
                                      "you want into it, or move the sheet away first"))
    return out


def unmatched_path(sheet: Path, decisions: Path) -> Path:
    """``<SHEET>.unmatched.csv`` beside the sheet; one folder up when the sheet is in the
    decisions folder, where the workflow would read it as a sheet."""
    folder = sheet.parent.parent if sheet.parent.resolve() == decisions.resolve() \
        else sheet.parent
    return folder / f"{sheet.stem}.unmatched.csv"


def write_conversion(conversion: Conversion, export: ToolExport, sheet: Path,
                     unmatched: Path) -> None:
    """The sheet (when a row was matched) and the list of rows that were not (when one
    was not; an old list is removed, so that what is there is this run's)."""
    if conversion.rows:
        atomic_write_text(sheet, csv_text(SHEET_COLUMNS, conversion.rows))
    if conversion.unmatched:
        atomic_write_text(unmatched, csv_text(UNMATCHED_COLUMNS, unmatched_rows(
            conversion.unmatched, export.file)))
    else:
        unmatched.unlink(missing_ok=True)


def unmatched_rows(unmatched: Iterable[Unmatched], file: str) -> list[list[str]]:
    """The rows of ``<SHEET>.unmatched.csv`` (:data:`UNMATCHED_COLUMNS`)."""
    return [[file, str(u.row.line), u.why, u.record_id, u.row.decision, u.row.title,
             u.row.doi, u.row.year, "; ".join(u.candidates)] for u in unmatched]


def summary(conversion: Conversion, export: ToolExport, who: str) -> str:
    """One line saying what became of the export's rows."""
    how = ", ".join(f"{n} by {k}" for k, n in sorted(conversion.matched_by.items()))
    return (f"{export.tool}: {len(export.rows)} rows; {len(conversion.rows)} decisions"
            f"{f' ({how})' if how else ''}; {conversion.undecided} not decided by {who}; "
            f"{len(conversion.unmatched)} listed as not written")
