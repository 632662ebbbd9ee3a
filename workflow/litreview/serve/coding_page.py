"""The coding pages, for a review with a coding form: a coder's page (the next record to
code, shown as the screening page shows it, with the form; their progress; the levels
their coding gives) and the resolver's view of the records the coders coded differently.
A review without a form answers each with a page saying so (404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from litreview.coding import Field, Form, number_of, spelt, values_of
from litreview.serve.coding_desk import CodingDesk, cells_of, levels
from litreview.serve.screen_page import ScreenPages
from litreview.serve.views import record_view

#: A one_of field with more values than this is a select, not radio buttons.
MAX_RADIOS = 8
_NO_FORM = "This review has no coding form"


@dataclass(frozen=True, slots=True)
class FieldView:
    """One field as the form shows it, filled with the coder's values."""

    id: str
    title: str
    help: str
    type: str
    required: bool
    none: str
    choices: tuple[tuple[str, bool], ...]  # (value, chosen)
    value: str  # a number's or a text's; a listed field's value as on the sheet
    other: str  # the values on the sheet the form does not list
    open: bool
    select: bool
    min: str
    max: str


@dataclass(frozen=True, slots=True)
class OverrideView:
    """A typology's override: its level column (the levels to choose) and reason column."""

    title: str
    column: str
    reason_column: str
    levels: tuple[tuple[str, bool], ...]
    reason: str


def field_view(field: Field, value: str) -> FieldView:
    """``field`` with the sheet's ``value`` chosen; what the form cannot show of it (a
    value it does not list, a number the number box cannot take) in ``other``."""
    given: list[str] = []
    if field.type == "any_of":
        given = values_of(field, value)
    elif field.type in ("one_of", "yes_no") and value:
        given = [spelt(field, value)]
    elif field.type == "number" and value:  # as the number box takes it: "1,200" is 1200
        number = number_of(value)
        value, given = (_number(number), []) if number is not None else ("", [value])
    listed = field.choices
    return FieldView(
        field.id, field.title, field.help, field.type, field.required, field.none,
        tuple((v, v in given) for v in listed), value,
        "; ".join(v for v in given if v not in listed), field.open,
        field.type == "one_of" and len(listed) > MAX_RADIOS,
        _number(field.min), _number(field.max))


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def override_views(form: Form, values: dict[str, str]) -> list[OverrideView]:
    out = []
    for typology in form.typologies:
        if typology.override:
            column, reason = typology.override
            chosen = values.get(column, "").casefold()
            names = [level.level for level in typology.levels] + [typology.unclassified]
            out.append(OverrideView(typology.label or typology.id, column, reason,
                                    tuple((n, n.casefold() == chosen) for n in names),
                                    values.get(reason, "")))
    return out


def _pairs(body: dict[str, Any]) -> list[tuple[str, str]]:
    cells = body.get("cells", [])
    if not isinstance(cells, list) or not all(
            isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c)
            for c in cells):
        raise ValueError("the form's cells are not a list of [name, value] pairs")
    return [(name, value) for name, value in cells]


class CodingPages:
    """The coding routes, answered with the screening pages' templates and highlighter."""

    def __init__(self, screen: ScreenPages):
        self.screen = screen
        self.coding = CodingDesk(screen.desk)

    def pages(self) -> dict[str, Any]:
        return {"/code": self.code, "/code/resolve": self.resolve}

    def requests(self) -> dict[tuple[str, str], Any]:
        return {("POST", "/api/code/save"): self.save,
                ("POST", "/api/code/resolve"): self.resolve_one}

    def _no_form(self, who: str) -> Response:
        return HTMLResponse(self.screen.render("code.html", reviewer=who, form=None,
                                               path=self.screen.desk.review.coding), 404)

    def _record(self, record_id: str) -> str:
        record = self.screen.desk.by_id[record_id]
        view = record_view(record, self.screen.marks(), self.screen.desk.root)
        return self.screen.env.get_template("record.html").render(
            r=view, mine=None, eligibility=True, note="")

    def code(self, request: Request, who: str) -> Response:
        """The coder's page: the record asked for, or the next they have not coded."""
        form = self.coding.form()
        if form is None:
            return self._no_form(who)
        records = self.coding.records(form)
        mine = self.coding.mine(form, who)
        shown = request.query_params.get("record") or next(
            (r for r in records if r not in mine), None)
        if shown is not None and shown not in records:
            raise KeyError(shown)
        values = mine.get(shown, {}) if shown else {}
        saved = request.query_params.get("saved", "")
        titles = {r: self.screen.desk.by_id[r].title for r in records}
        return HTMLResponse(self.screen.render(
            "code.html", reviewer=who, form=form, record_id=shown,
            record=self._record(shown) if shown else "",
            fields=[field_view(f, values.get(f.id, "")) for f in form.fields],
            overrides=override_views(form, values),
            levels=levels(form, values) if values else [],
            saved=saved if saved in mine else "", saved_title=titles.get(saved, ""),
            saved_levels=levels(form, mine[saved]) if saved in mine else [],
            listing=[(r, titles[r], r in mine) for r in records],
            progress=self.coding.progress(form, who, records),
            sheet=self.coding.pen(who).path.name))

    def save(self, request: Request, who: str, body: dict[str, Any]) -> Response:
        """The coder's row for one record, checked and written to their sheet."""
        form = self.coding.form()
        if form is None:
            return JSONResponse({"error": f"{_NO_FORM}."}, 404)
        record_id = str(body.get("record_id", ""))
        found = self.coding.save(form, who, record_id, cells_of(form, _pairs(body)))
        return JSONResponse({"saved": record_id, "go": f"/code?saved={quote(record_id)}",
                             "levels": {t.id: c.level for t, c in found}})

    def _may_resolve(self, who: str) -> None:
        resolver = self.screen.resolver
        if not resolver or who.casefold() != resolver.casefold():
            raise PermissionError(f"only the resolver ({resolver or 'none named'}) may "
                                  "resolve: start the app with --resolver NAME")

    def resolve(self, request: Request, who: str) -> Response:
        """The records the coders coded differently and no agreed row settles yet."""
        self._may_resolve(who)
        form = self.coding.form()
        if form is None:
            return self._no_form(who)
        disputes = self.coding.disputes(form)
        by_id = self.screen.desk.by_id
        items = [(rid, record_view(by_id[rid], self.screen.marks(), self.screen.desk.root)
                  if rid in by_id else None, found) for rid, found in disputes.items()
                 if any(d.agreed is None for d in found)]
        return HTMLResponse(self.screen.render(
            "code_resolve.html", reviewer=who, form=form, items=items,
            settled=len(disputes) - len(items)))

    def resolve_one(self, request: Request, who: str, body: dict[str, Any]) -> Response:
        """The resolver's choice for one record: its agreed row, on ``coding.csv``."""
        self._may_resolve(who)
        form = self.coding.form()
        if form is None:
            return JSONResponse({"error": f"{_NO_FORM}."}, 404)
        record_id = str(body.get("record_id", ""))
        self.coding.resolve(form, record_id, dict(_pairs(body)))
        return JSONResponse({"saved": record_id})
