"""The review's coding as the app holds it: its form (read again when the file changes),
the records to code, each coder's pen, a coder's row checked as the workflow checks it,
and the conflicts the resolver settles on the agreed sheet ``coding.csv``."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from litreview.coding import (
    Classified,
    Coded,
    CodingSheet,
    Form,
    Typology,
    agreed_coding,
    classify,
    conflicts,
    load_form,
    read_coding_sheets,
    sheet_override_problems,
    spelt,
    value_problems,
)
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.paths import STUDIES_SHEET
from litreview.pipeline.coding import per_study, to_code
from litreview.pipeline.stages import study_links
from litreview.serve.coding_pen import CodingPen
from litreview.serve.desk import Desk
from litreview.serve.loading import spelt_as_sheets


@dataclass(frozen=True, slots=True)
class CodingProgress:
    """Where a coder stands: records coded of those to code, and the records the coders
    coded differently that await agreement."""

    coded: int
    total: int
    awaiting: int


@dataclass(frozen=True, slots=True)
class Dispute:
    """One column the coders coded differently on one record: each coder's value."""

    column: str
    title: str
    values: tuple[tuple[str, str], ...]  # (coder, value as written)
    agreed: str | None  # the agreed sheet's value, None when it has no row for the record


class CodingDesk:
    """The coding of the review on ``desk`` (thread-safe: each sheet has one pen)."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self._form: tuple[tuple[int, int], Form] | None = None
        self._pens: dict[str, CodingPen] = {}
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        return self.desk.root / self.desk.review.coding_sheets

    def form(self) -> Form | None:
        """The review's coding form, or None when it has none (read again when changed)."""
        path = self.desk.root / self.desk.review.coding
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._form is None or self._form[0] != key:
                self._form = (key, load_form(path, tuple(s.id for s in self.desk.stages)))
            return self._form[1]

    def records(self, form: Form) -> list[str]:
        """The records the form codes, as the screening stands now: reports of one study
        (``screening/studies.csv``) coded once, as the study, as the workflow codes them."""
        coded = to_code(form, self.desk.screening()[1])
        links = study_links(self.desk.root / STUDIES_SHEET, self.desk.aliases)
        if links and form.codes == "included":
            coded, _ = per_study(coded, self.desk.aliases, links.study_of)
        return coded

    def pen(self, coder: str) -> CodingPen:
        """The one writer of ``coding-<coder>.csv`` (``coding.csv`` for ""), the name spelt
        as the sheets already spell it."""
        coder = spelt_as_sheets(self.folder, coder)
        with self._lock:
            if coder not in self._pens:
                self._pens[coder] = CodingPen(self.folder, coder)
            return self._pens[coder]

    def mine(self, form: Form, coder: str) -> dict[str, dict[str, str]]:
        """The coder's rows with anything coded, by their records' own ids."""
        out: dict[str, dict[str, str]] = {}
        for written, values in self.pen(coder).rows(form.columns).items():
            if any(values.values()):
                out.setdefault(self.desk.canonical(written), values)
        return out

    def save(self, form: Form, coder: str, record_id: str,
             values: Mapping[str, str]) -> list[tuple[Typology, Classified]]:
        """Check the coder's row as the workflow will, then write it (on disk when this
        returns); the typology levels it gives. Raises :class:`InputError` with what to fix."""
        pen = self.pen(coder)
        if record_id not in self.records(form):
            raise InputError(Problem(pen.path.name, f"record '{record_id}' is not coded here",
                                     hint="the form codes the records the page lists"))
        row = {c: str(values.get(c, "")).strip() for c in form.columns[1:]}
        raise_if(row_problems(form, coder, record_id, row, pen.path.name))
        pen.write(self._written_as(pen, form, record_id), row, form.columns)
        return levels(form, row)

    def _written_as(self, pen: CodingPen, form: Form, record_id: str) -> str:
        """The id the sheet already names ``record_id`` by (its own, when none)."""
        written = list(pen.rows(form.columns))
        if record_id in written:
            return record_id
        return next((w for w in written if self.desk.canonical(w) == record_id), record_id)

    def sheets(self, form: Form) -> list[CodingSheet]:
        return read_coding_sheets(self.folder, form)

    def progress(self, form: Form, coder: str, records: Sequence[str]) -> CodingProgress:
        mine = self.mine(form, coder)
        todo = set(records)
        _, awaiting = agreed_coding(form, self.sheets(form))
        return CodingProgress(sum(r in mine for r in records), len(records),
                              len({self.desk.canonical(a) for a in awaiting} & todo))

    def disputes(self, form: Form) -> dict[str, list[Dispute]]:
        """Each record the coders coded differently, by its own id: each disputed column."""
        titles = {f.id: f.title for f in form.fields} | {
            t.override[0]: f"{t.label or t.id} (override)" for t in form.typologies
            if t.override}
        out: dict[str, list[Dispute]] = {}
        for c in conflicts(form, self.sheets(form)):
            out.setdefault(self.desk.canonical(c.record_id), []).append(
                Dispute(c.field, titles.get(c.field, c.field), c.values, c.agreed))
        return out

    def resolve(self, form: Form, record_id: str, chosen: Mapping[str, str]) -> None:
        """Write the record's agreed row to ``coding.csv``: each disputed column the value of
        the coder ``chosen`` names for it, the others the coders' own."""
        rows: dict[str, Coded] = {}
        for sheet in self.sheets(form):
            for row in sheet.rows if sheet.coder else ():
                if self.desk.canonical(row.record_id) == record_id:
                    rows.setdefault(sheet.coder, row)
        if not rows:
            raise KeyError(record_id)
        pen = self.pen("")
        disputed = [d.column for d in self.disputes(form).get(record_id, [])]
        unchosen = [c for c in disputed if chosen.get(c) not in rows]
        raise_if([Problem(pen.path.name, f"choose a coder's value for '{c}'") for c in unchosen])
        values = agreed_row(form, rows, {c: chosen[c] for c in disputed})
        raise_if(row_problems(form, "", record_id, values, pen.path.name))
        pen.write(self._written_as(pen, form, record_id), values, form.columns)


def row_problems(form: Form, coder: str, record_id: str, values: Mapping[str, str],
                 where: str) -> list[Problem]:
    """What the workflow would refuse in one row: each problem naming its field."""
    sheet = CodingSheet(coder, where, (Coded(record_id, values, where, 0),))
    found = value_problems(form, [sheet]) + sheet_override_problems(form, [sheet])
    return [replace(p, file=where, line=None) for p in found]


def levels(form: Form, values: Mapping[str, str]) -> list[tuple[Typology, Classified]]:
    """Each typology's level for one row of values."""
    return [(t, classify(t, form, values)) for t in form.typologies]


def agreed_row(form: Form, rows: Mapping[str, Coded], chosen: Mapping[str, str]
               ) -> dict[str, str]:
    """The agreed row of one record: a column ``chosen`` names the coder of, that coder's
    value (and, for an override, their reason); any other, the coders' common value (an
    override's reasons joined when worded differently), spelt as the form spells it."""
    fields = {f.id: f for f in form.fields}
    reasons = {t.override[1]: t.override[0] for t in form.typologies if t.override}
    first = next(iter(rows.values()))
    out = {}
    for column in form.columns[1:]:
        level = reasons.get(column)
        if level is not None and level not in chosen:
            given = (r.values.get(column, "").strip() for r in rows.values())
            out[column] = " | ".join(dict.fromkeys(g for g in given if g))
            continue
        source = rows[chosen[level if level is not None else column]] \
            if (level or column) in chosen else first
        value = source.values.get(column, "")
        out[column] = spelt(fields[column], value) if column in fields \
            else " ".join(value.split())
    return out


def cells_of(form: Form, pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """A coder's row from the page's form (name, value pairs): an any_of field's ticked
    values and any typed in its free-text box (``other:<field>``) joined with "; ", an open
    field's typed value before its listed one, an override's level and reason; each value
    spelt as the form spells it."""
    given: dict[str, list[str]] = {}
    for name, value in pairs:
        given.setdefault(name, []).append(value.replace("\r\n", "\n").strip())
    out = {}
    for field in form.fields:
        listed = [v for v in given.get(field.id, []) if v]
        typed = [v for v in given.get(f"other:{field.id}", []) if v]
        if field.type == "any_of":
            parts = [p.strip() for v in [*listed, *typed] for p in v.split(";")]
            out[field.id] = spelt(field, "; ".join(p for p in parts if p))
        else:
            value = (typed or listed or [""])[-1]
            out[field.id] = value if field.type in ("text", "number") else spelt(field, value)
    for column in form.columns[len(form.fields) + 1:]:
        out[column] = (given.get(column) or [""])[-1]
    return out
