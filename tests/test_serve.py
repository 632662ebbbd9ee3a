"""``litreview serve`` without a browser: the desk (checks, sheets, queues), the guard
(CSRF, Host, token), escaping and highlighting, the order, the resolution list."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from pathlib import Path

import pytest
from litreview.core.errors import InputError
from litreview.screening import Sheet, read_sheets
from litreview.serve.desk import Desk
from litreview.serve.guard import is_loopback
from litreview.serve.order import Queue, fallback_order
from litreview.serve.progress import to_resolve
from litreview.serve.views import marked
from serve_helpers import Server, request, review_to_screen

STAGES = ("title_abstract", "full_text")


@pytest.fixture
def review(example_built: Path, tmp_path: Path) -> Path:
    return review_to_screen(example_built, tmp_path / "review")


def _rows(review: Path, name: str) -> list[str]:
    return (review / "screening" / "decisions" / f"{name}.csv").read_text().splitlines()


@pytest.mark.xdist_group("serve")
def test_a_decision_is_checked_as_the_workflow_checks_it(review: Path):
    desk = Desk(review)
    first = desk.queue("title_abstract", "AE").next()
    with pytest.raises(InputError, match="'maybe' is not one of"):
        desk.decide("title_abstract", "AE", first, "maybe")
    desk.decide("title_abstract", "AE", first, "include")
    full_text = desk.queue("full_text", "AE", fresh=True)
    assert full_text.next() == first  # included by its one reviewer: on to the full text
    with pytest.raises(InputError, match="exclusion at full_text without a reason"):
        desk.decide("full_text", "AE", first, "exclude")
    with pytest.raises(InputError, match="not retrieved, with no note"):
        desk.decide("full_text", "AE", first, "exclude", "not_retrieved")
    desk.decide("full_text", "AE", first, "exclude", "not_retrieved", "no library holds it")
    said = desk.decide("full_text", "AE", first, "exclude", "C2")
    assert said.replaced
    [row] = _rows(review, "full_text-AE")[1:]  # replaced, not added
    assert re.fullmatch(rf"{first},exclude,C2,AE,\d{{4}}-\d\d-\d\d,", row)
    desk.close()


@pytest.mark.xdist_group("serve")
def test_two_tabs_deciding_one_record_leave_one_row(review: Path):
    desk = Desk(review)
    ids = desk.queue("title_abstract", "AE").pool[:20]
    threads = [threading.Thread(target=desk.decide, args=("title_abstract", "AE", rid, word))
               for rid in ids for word in ("include", "exclude")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = _rows(review, "title_abstract-AE")[1:]
    assert sorted(row.split(",")[0] for row in rows) == sorted(ids)
    desk.close()


@pytest.mark.xdist_group("serve")
def test_undo_takes_back_the_last_decision(review: Path):
    desk = Desk(review)
    queue = desk.queue("title_abstract", "AE")
    a, b = queue.pool[:2]
    desk.decide("title_abstract", "AE", a, "include")
    desk.decide("title_abstract", "AE", b, "exclude")
    assert desk.undo("title_abstract", "AE") == b
    assert desk.queue("title_abstract", "AE").next() == b
    assert desk.undo("title_abstract", "AE") == a
    assert desk.undo("title_abstract", "AE") is None
    desk.close()


def test_the_app_needs_a_run_of_the_workflow(tiny_review: Path, capsys):
    from litreview.cli import main

    assert main(["serve", str(tiny_review), "--no-browser"]) == 2
    assert "the workflow has not run yet" in capsys.readouterr().err


@pytest.mark.xdist_group("serve")
def test_a_sheet_with_problems_is_shown_not_overwritten(review: Path):
    sheet = review / "screening" / "decisions" / "title_abstract-AE.csv"
    sheet.write_text("record_id,decision\nassia-200846751,maybe\n")
    before = sheet.read_bytes()
    from litreview.cli import main

    assert main(["serve", str(review), "--no-browser", "--reviewer", "AE"]) == 2
    assert sheet.read_bytes() == before


@pytest.mark.xdist_group("serve")
def test_the_guard_refuses_forged_requests_and_foreign_hosts(review: Path):
    server = Server(review, "--reviewer", "AE")
    try:
        status, page = server.get("/screen/title_abstract")
        assert status == 200
        csrf = re.search(r'name="csrf" content="([^"]+)"', page).group(1)
        rid = re.search(r'data-record-id="([^"]+)"', page).group(1)
        body = json.dumps({"record_id": rid, "decision": "include"}).encode()
        url = server.base + "/api/screen/title_abstract/decide"
        json_type = {"Content-Type": "application/json"}
        assert request(url, body, json_type)[0] == 403  # no CSRF token
        assert request(url, body, {**json_type, "X-CSRF-Token": "forged"})[0] == 403
        assert server.get("/", {"Host": "attacker.example:80"})[0] == 400
        status, answer = request(url, body, {**json_type, "X-CSRF-Token": csrf})
        assert status == 200 and json.loads(answer)["saved"] == rid
        bad = json.dumps({"record_id": rid, "decision": "perhaps"}).encode()
        status, answer = request(url, bad, {**json_type, "X-CSRF-Token": csrf})
        assert status == 400 and "'perhaps' is not one of" in json.loads(answer)["error"]
        stale = json.dumps({"record_id": rid, "decision": "exclude", "shown": ""}).encode()
        status, answer = request(url, stale, {**json_type, "X-CSRF-Token": csrf})
        assert status == 409 and "decided meanwhile" in json.loads(answer)["error"]
        assert server.get("/resolve/title_abstract")[0] == 403  # AE is not the resolver
        assert server.get("/fulltext/..%2F..%2Freview.yaml")[0] == 404
        with urllib.request.urlopen(server.base + "/progress") as response:
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    finally:
        server.stop()
    assert _rows(review, "title_abstract-AE")[1].startswith(f"{rid},include,,AE,")


def test_loopback_is_told_apart():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    assert not is_loopback("example.org")


def test_record_text_is_escaped_and_marked():
    def cut(text):
        at = text.find("child")
        return [(text[:at], ""), (text[at:at + 5], "search"), (text[at + 5:], "")]

    html = str(marked('<img src=x onerror="go()"> child', cut))
    assert html == ('&lt;img src=x onerror=&#34;go()&#34;&gt; '
                    '<mark class="search">child</mark>')
    assert str(marked("<b>", None)) == "&lt;b&gt;"


def test_the_orders():
    pool = [f"r{n}" for n in range(30)]
    shuffled = fallback_order(Path("."), "title_abstract", pool, "random", 7)
    assert sorted(shuffled) == sorted(pool) and shuffled != pool
    assert fallback_order(Path("."), "title_abstract", pool, "random", 7) == shuffled
    assert fallback_order(Path("."), "title_abstract", pool, "file", 7) == pool
    queue = Queue("title_abstract", list(pool), {"r0"}, "prioritised", mine={"r1": None})
    assert queue.next() == "r2" and queue.total == 29 and queue.done == 1
    queue.use_ranking(["r9", "r3"], {"r9": 1.0, "r3": 0.5}, 2)
    assert queue.pool[:3] == ["r9", "r3", "r0"] and queue.next() == "r9"
    assert len(queue.pool) == 30


@pytest.mark.xdist_group("serve")
def test_the_resolver_sees_disagreements_and_shared_doubt(review: Path):
    desk = Desk(review)
    a, b, c, d = desk.queue("title_abstract", "AE").pool[:4]
    for rid, ae, jb in ((a, "include", "exclude"), (b, "unsure", "unsure"),
                        (c, "include", "include"), (d, "exclude", "unsure")):
        desk.decide("title_abstract", "AE", rid, ae)
        desk.decide("title_abstract", "JB", rid, jb)
    sheets, result = desk.screening()
    items = to_resolve("title_abstract", sheets, result, desk.aliases)
    assert [i.record_id for i in items] == [a, b, d]
    assert [(v.reviewer, v.decision) for v in items[0].votes] == [("AE", "include"),
                                                                  ("JB", "exclude")]
    assert all(isinstance(s, Sheet) for s in read_sheets(desk.folder, STAGES))
    desk.close()


def test_the_first_record_shows_before_every_record_is_read(tmp_path: Path):
    """While a large records file is read, the page shows the first record of the stage's
    to_screen.csv the reviewer has not decided (the stopping notes above its header too)."""
    from litreview.core import paths
    from litreview.core.contracts import SHEET_COLUMNS, TO_SCREEN_COLUMNS
    from litreview.screening import table_csv
    from litreview.serve.loading import first_to_screen

    blank = [""] * (len(SHEET_COLUMNS) - 1)
    rows = [["db-1", "=First", "Text", "A; B", "2004", "J", "ERIC", "", "", "k1; k2", "s1",
             "awaiting", *blank],
            ["db-2", "Second", "", "", "", "", "BEI", "", "", "", "", "awaiting", *blank]]
    sheet = tmp_path / paths.stage_file("title_abstract", paths.TO_SCREEN_CSV)
    sheet.parent.mkdir(parents=True)
    sheet.write_text(table_csv(TO_SCREEN_COLUMNS, rows, preamble=[["# Ranked: ..."]]))
    first = first_to_screen(tmp_path, "title_abstract", set())
    assert (first.record_id, first.title, first.authors, first.keywords) == (
        "db-1", "=First", ("A", "B"), ("k1", "k2"))
    assert dict(first.extra)["sources"] == "ERIC"
    assert first_to_screen(tmp_path, "title_abstract", {"db-1"}).record_id == "db-2"
    assert first_to_screen(tmp_path, "title_abstract", {"db-1", "db-2"}) is None
    assert first_to_screen(tmp_path, "full_text", set()) is None


@pytest.mark.xdist_group("serve")
def test_the_full_text_stage_links_the_full_text_file(review: Path):
    desk = Desk(review)
    first = desk.queue("title_abstract", "AE").next()
    desk.decide("title_abstract", "AE", first, "include")
    desk.close()
    pdf = review / "data" / "fulltext" / f"{first}.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4\n% a full text\n")
    server = Server(review, "--reviewer", "AE")
    try:
        status, page = server.get("/screen/full_text")
        assert status == 200 and f'href="/fulltext/{first}"' in page
        status, body = server.get(f"/fulltext/{first}")
        assert status == 200 and body.startswith("%PDF")
        status, page = server.get("/progress")
        assert status == 200 and 'data-count="awaiting_assessment"' in page
    finally:
        server.stop()


@pytest.mark.xdist_group("serve")
def test_a_record_goes_on_once_every_reviewer_has_decided_it(review: Path):
    desk = Desk(review)
    x, y = desk.queue("title_abstract", "AE").pool[:2]
    desk.decide("title_abstract", "AE", x, "include")
    desk.decide("title_abstract", "JB", y, "exclude")  # JB screens this stage too
    held = desk.queue("full_text", "AE", fresh=True)
    assert x not in held and held.waiting == 1  # JB has not decided it
    desk.decide("title_abstract", "JB", x, "include")
    assert desk.queue("full_text", "AE", fresh=True).next() == x
    desk.close()


@pytest.mark.xdist_group("serve")
def test_a_record_decided_at_a_later_stage_stays_in_the_earlier_one(review: Path):
    desk = Desk(review)
    x = desk.queue("title_abstract", "AE").next()
    desk.decide("title_abstract", "AE", x, "include")
    desk.queue("full_text", "AE", fresh=True)
    desk.decide("full_text", "AE", x, "exclude", "C3")
    with pytest.raises(InputError, match=f"'{x}' is decided at full_text too"):
        desk.decide("title_abstract", "AE", x, "exclude")
    with pytest.raises(InputError, match="decided at full_text too"):
        desk.undo("title_abstract", "AE")
    assert desk.undo("full_text", "AE") == x  # taken back there first: then here
    assert desk.undo("title_abstract", "AE") == x
    assert not desk.mine("title_abstract", "AE")
    desk.close()


@pytest.mark.xdist_group("serve")
def test_undo_restores_a_changed_decision(review: Path):
    desk = Desk(review)
    a, b = desk.queue("title_abstract", "AE").pool[:2]
    desk.decide("title_abstract", "AE", a, "include")
    desk.decide("title_abstract", "AE", b, "exclude")
    desk.decide("title_abstract", "AE", a, "unsure")  # a change of mind on a
    assert desk.undo("title_abstract", "AE") == a
    assert {r: e.decision for r, e in desk.mine("title_abstract", "AE").items()} == {
        a: "include", b: "exclude"}
    desk.close()


@pytest.mark.xdist_group("serve")
def test_names_and_ids_as_the_sheets_already_write_them(review: Path):
    folder = review / "screening" / "decisions"
    (folder / "title_abstract-AE.csv").write_text(
        "record_id,decision,reason,reviewer,date,note\n200846751,,,,,typed by hand\n")
    desk = Desk(review)
    assert desk.known_reviewer("ae") == "AE" and desk.known_reviewer("JB") == "JB"
    assert desk.canonical("200846751") == "assia-200846751"
    desk.decide("title_abstract", "AE", "assia-200846751", "include")
    rows = (folder / "title_abstract-AE.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("200846751,include,,AE,")
    assert rows[1].endswith(",typed by hand")  # the row filled in, its note kept
    assert "assia-200846751" in desk.queue("title_abstract", "AE").mine
    desk.close()
