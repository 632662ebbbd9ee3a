"""The coding pages of ``litreview serve``, through the app's guard as a browser calls them:
no trace of them without a coding form; the form's fields; a coder's row written durably
to their own sheet, checked as the workflow checks it, hand edits kept; the levels it
gives; the resolver's agreed row."""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path

import pytest
from litreview.serve.desk import Desk
from serve_helpers import AppClient, tiny_results

pytestmark = pytest.mark.xdist_group("serve")

FORM = """\
codes: {stage: full_text}
fields:
  - {id: intervention, label: Intervention, type: one_of, required: true,
     help: What the schools did., values: [breakfast club, free school meals]}
  - {id: setting, label: Setting, type: one_of, none: unclear,
     values: [a, b, c, d, e, f, g, h, i]}
  - {id: outcomes, label: Outcomes measured, type: any_of, open: true,
     values: [attainment, attendance, behaviour]}
  - {id: randomised, label: Randomised, type: yes_no}
  - {id: pupils, label: Pupils, type: number, min: 1, max: 100000}
  - {id: summary, label: Summary, type: text}
typologies:
  - id: quality
    label: Quality of the trial
    override: {field: quality_override, reason: quality_reason}
    levels:
      - level: Strong
        because: randomised with at least 100 pupils
        when: [{field: randomised, is: yes}, {field: pupils, at_least: 100}]
      - level: Weak
        when: []
"""
COLUMNS = ["record_id", "intervention", "setting", "outcomes", "randomised", "pupils",
           "summary", "quality_override", "quality_reason"]
A1, A2 = "alpha-A1", "alpha-A2"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_results(tmp_path_factory.mktemp("coding") / "review")


@pytest.fixture
def review(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "review"
    shutil.copytree(built, target)
    (target / "screening" / "coding.yaml").write_text(FORM)
    return target


@pytest.fixture
def app(review: Path):
    desk = Desk(review)
    yield AppClient(desk, resolver="lead")
    desk.close()


def _save(app: AppClient, who: str, record_id: str, **cells: str | list[str]):
    pairs = [[k.replace("__", ":"), v] for k, vs in cells.items()
             for v in (vs if isinstance(vs, list) else [vs])]
    return app.post("/api/code/save", {"record_id": record_id, "cells": pairs}, who)


def _sheet(review: Path, name: str) -> list[dict[str, str]]:
    with (review / "screening" / "coding" / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_without_a_form_there_is_no_link_and_a_clear_404(built: Path, tmp_path: Path):
    review = shutil.copytree(built, tmp_path / "plain")
    desk = Desk(review)
    app = AppClient(desk)
    status, page = app.get("/screen/title_abstract", "c1")
    assert status == 200 and 'href="/code"' not in page
    status, page = app.get("/code", "c1")
    assert status == 404 and "This review has no coding form" in page
    status, answer = _save(app, "c1", A1, intervention="breakfast club")
    assert status == 404 and "no coding form" in answer
    assert not (review / "screening" / "coding").exists()
    desk.close()


def test_the_page_shows_each_field_by_its_type(app: AppClient):
    status, page = app.get("/code", "c1")
    assert status == 200 and 'href="/code"' in page
    assert "0 of 3 coded by you" in page and "0 records awaiting agreement" in page
    assert 'data-record-id="alpha-A1"' in page  # the first to code, shown as screened
    assert "What the schools did." in page and "(required)" in page
    assert page.count('type="radio" name="intervention"') == 2  # required: no blank
    assert '<select name="setting"><option value="">unclear</option>' in page  # 9 values
    assert page.count('type="checkbox" name="outcomes"') == 3
    assert '<input name="other:outcomes"' in page  # open: a free-text box
    assert re.search(r'name="randomised" value="yes".*name="randomised" value="no"', page)
    assert re.search(r'type="number" step="any" name="pupils" value="" min="1" '
                     r'max="100000"', page)
    assert '<textarea name="summary"' in page
    assert '<select name="quality_override">' in page and ">Weak</option>" in page
    assert '<input name="quality_reason"' in page
    assert app.get("/code/resolve", "c1")[0] == 403  # c1 is no resolver


def test_a_save_writes_the_coders_row_durably(app: AppClient, review: Path,
                                              monkeypatch: pytest.MonkeyPatch):
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    status, answer = _save(app, "c1", A1, intervention="Breakfast club", setting="c",
                           outcomes=["behaviour", "attainment"], other__outcomes="wellbeing",
                           randomised="yes", pupils="240", summary="=1+1 a trial")
    assert status == 200, answer
    folder = review / "screening" / "coding"
    assert str(folder) in synced  # a new sheet: written beside, moved, the folder fsynced
    assert any(Path(p).name.startswith(".coding-c1.csv.") for p in synced)
    assert _sheet(review, "coding-c1") == [dict(zip(COLUMNS, [
        A1, "breakfast club", "c", "attainment; behaviour; wellbeing", "yes", "240",
        "'=1+1 a trial", "", ""], strict=True))]  # a note, not a formula
    synced.clear()
    assert _save(app, "c1", A2, intervention="free school meals")[0] == 200
    assert synced == [str(folder / "coding-c1.csv")]  # a new row: appended, fsynced
    status, page = app.get(f"/code?saved={A1}", "c1")
    assert "Quality of the trial: <b>Strong</b>" in page  # the levels its coding gives
    assert "2 of 3 coded by you" in page and 'data-record-id="beta-B2"' in page  # the next
    status, page = app.get(f"/code?record={A1}", "c1")  # back to it: the form filled in
    assert 'name="outcomes" value="attainment" checked' in page
    assert 'name="outcomes" value="attendance">' in page
    assert '<input name="other:outcomes" value="wellbeing">' in page
    assert '<option value="c" selected>' in page and 'value="240"' in page
    assert ">'=1+1 a trial</textarea>" not in page and ">=1+1 a trial</textarea>" in page
    assert "which the form does not allow" not in page
    assert _save(app, "c1", A1, intervention="free school meals", randomised="no",
                 quality_override="Strong", quality_reason="cluster trial")[0] == 200
    rows = _sheet(review, "coding-c1")
    assert [r["record_id"] for r in rows] == [A1, A2]  # changed where it stands
    assert rows[0]["intervention"] == "free school meals" and rows[0]["outcomes"] == ""
    page = app.get(f"/code?saved={A1}", "c1")[1]
    assert "<b>Strong</b> (overridden; the rules give Weak) — cluster trial" in page


@pytest.mark.parametrize(("cells", "words"), [
    ({"intervention": "breakfast club", "pupils": "0"}, "0 in 'pupils' is out of range"),
    ({"intervention": "breakfast club", "pupils": "many"}, "'many' in 'pupils' is not a number"),
    ({"intervention": "tea", "setting": "a"}, "value 'tea' is not allowed in 'intervention'"),
    ({"setting": "a"}, "required field 'intervention' is empty"),
    ({"intervention": "breakfast club", "quality_override": "Strong"},
     "an override of 'quality' without a reason"),
])
def test_a_value_the_form_refuses_writes_nothing(app: AppClient, review: Path,
                                                 cells: dict[str, str], words: str):
    sheet = review / "screening" / "coding" / "coding-c1.csv"
    sheet.parent.mkdir()
    sheet.write_text(",".join(COLUMNS) + "\n")
    status, answer = _save(app, "c1", A1, **cells)
    assert status == 400 and words in answer
    assert sheet.read_text() == ",".join(COLUMNS) + "\n"
    assert _save(app, "c1", "websites-WEB-2", intervention="breakfast club")[0] == 400
    assert sheet.read_text() == ",".join(COLUMNS) + "\n"  # a record not coded here


def test_a_hand_edit_survives_a_save(app: AppClient, review: Path):
    folder = review / "screening" / "coding"
    folder.mkdir()
    (folder / "coding-c1.csv").write_text(  # a column of the coder's own, a row to code
        "record_id,intervention,my_notes\r\nalpha-A2,,ask the authors\r\n")
    assert _save(app, "c1", A2, intervention="breakfast club", pupils="35")[0] == 200
    text = (folder / "coding-c1.csv").read_bytes().decode()
    assert text.split("\r\n")[0] == "record_id,intervention,my_notes," + ",".join(COLUMNS[2:])
    assert _sheet(review, "coding-c1")[0]["my_notes"] == "ask the authors"  # kept, and the
    assert text.count("\r\n") == 2  # sheet's own line ends
    assert _save(app, "c1", A1, intervention="free school meals")[0] == 200
    assert [r["my_notes"] for r in _sheet(review, "coding-c1")] == ["ask the authors", ""]


def test_the_resolver_agrees_a_conflict(app: AppClient, review: Path):
    _save(app, "c1", A1, intervention="breakfast club", outcomes=["attainment"],
          randomised="yes", pupils="240")
    _save(app, "c2", A1, intervention="free school meals", outcomes=["attainment"],
          randomised="yes", pupils="240", quality_override="Weak", quality_reason="no control")
    assert "1 record awaiting agreement" in app.get("/code", "c1")[1]
    status, page = app.get("/code/resolve", "lead")
    assert status == 200 and 'data-record-id="alpha-A1"' in page
    assert 'href="/code/resolve"' in page
    assert "c1: <b>breakfast club</b>" in page and "c2: <b>free school meals</b>" in page
    assert "Quality of the trial (override)" in page and "c2: <b>Weak</b>" in page
    choice = {"record_id": A1, "cells": [["intervention", "c2"]]}
    status, answer = app.post("/api/code/resolve", choice, "lead")
    assert status == 400 and "choose a coder's value for 'quality_override'" in answer
    assert not (review / "screening" / "coding" / "coding.csv").exists()
    choice["cells"].append(["quality_override", "c1"])
    assert app.post("/api/code/resolve", choice, "c1")[0] == 403
    status, answer = app.post("/api/code/resolve", choice, "lead")
    assert status == 200, answer
    assert _sheet(review, "coding") == [dict(zip(COLUMNS, [
        A1, "free school meals", "", "attainment", "yes", "240", "", "", ""], strict=True))]
    page = app.get("/code/resolve", "lead")[1]
    assert "alpha-A1" not in page and "Nothing to resolve" in page
    assert "0 records awaiting agreement" in app.get("/code", "c1")[1]


def test_reports_of_one_study_are_coded_once_as_the_workflow_codes_them(review: Path):
    from litreview.serve.coding_desk import CodingDesk

    sheet = review / "screening" / "decisions" / "full_text-r1.csv"
    sheet.write_text(sheet.read_text().replace(f"{A2},exclude,C2,", f"{A2},include,,"))
    (review / "screening" / "coding.yaml").write_text(
        FORM.replace("codes: {stage: full_text}", "codes: included"))
    desk = Desk(review)
    try:
        coding = CodingDesk(desk)
        form = coding.form()
        assert form is not None and coding.records(form) == [A1, A2]
        (review / "screening" / "studies.csv").write_text(
            f"record_id,study_id\n{A1},study-1\n{A2},study-1\n")
        assert coding.records(form) == [A1]  # one study, by its first report
    finally:
        desk.close()
