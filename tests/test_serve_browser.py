"""``litreview serve`` driven in headless Chromium (Debian's, by Playwright): keyboard
screening onto the reviewer's own sheet, a killed server, blind dual screening with a
resolver, escaped record text, and the access token off loopback.

The screenshot in the README is made here: ``make screenshot`` sets
``LITREVIEW_SCREENSHOTS=docs``; otherwise it goes to the test's temporary folder."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from litreview.core import paths
from litreview.core.records import read_records, write_records
from litreview.screening import read_sheet
from serve_helpers import CHROMIUM_ARGS, Server, chromium, review_to_screen, tiny_results

pytestmark = pytest.mark.xdist_group("serve")  # one worker builds the example for them

STAGES = ("title_abstract", "full_text")
#: Keys per record, over and over: include; reason 1 then exclude; unsure; exclude.
PATTERN = (("i",), ("1", "e"), ("u",), ("e",))
EXPECTED = (("include", ""), ("exclude", "C1"), ("unsure", ""), ("exclude", ""))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        # the app's Content-Security-Policy allows its own script file only: the tests'
        # own probes (wait_for_function, evaluate) are let through, the app's are not
        yield _Contexts(launched)
        launched.close()


class _Contexts:
    """The browser, each page in a context of its own that lets the tests' probes run."""

    def __init__(self, browser):
        self.browser = browser

    def new_context(self, **options):
        return self.browser.new_context(bypass_csp=True, **options)

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def close(self) -> None:
        self.browser.close()


@pytest.fixture
def review(example_built: Path, tmp_path: Path) -> Path:
    return review_to_screen(example_built, tmp_path / "review")


@contextlib.contextmanager
def serving(review: Path, *args: str) -> Iterator[Server]:
    server = Server(review, *args)
    try:
        yield server
    finally:
        server.stop()


def shown(page) -> str:
    return page.locator("body").get_attribute("data-shown") or ""


def screen(page, count: int, pattern=PATTERN) -> list[str]:
    """Screen ``count`` records by keyboard; the ids, in the order shown. Each decision's
    answer (the next record) arrives before the next key: the sheet has it by then."""
    ids = []
    for n in range(count):
        before = shown(page)
        ids.append(before)
        for key in pattern[n % len(pattern)]:
            page.keyboard.press(key)
        page.wait_for_function("before => document.body.dataset.shown !== before", arg=before)
    return ids


def sheet(review: Path, name: str):
    return read_sheet(review / "screening" / "decisions" / f"{name}.csv", STAGES)


def test_a_reviewer_screens_20_records_by_keyboard(browser, review: Path, tmp_path: Path):
    with serving(review, "--reviewer", "AE") as server:
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(server.url)
        assert page.url.endswith("/screen/title_abstract")
        first = shown(page)
        assert page.locator(".record h1").inner_text()
        assert page.locator("mark").count() > 0  # the strategy's terms highlighted
        ids = screen(page, 20)
        assert ids[0] == first and len(set(ids)) == 20
        assert page.locator("#count").inner_text() == "20 of 93 screened"
        folder = Path(os.environ.get("LITREVIEW_SCREENSHOTS", tmp_path))
        page.screenshot(path=str(folder / "serve.png"))
    decisions = sheet(review, "title_abstract-AE").decisions
    assert [d.record_id for d in decisions] == ids
    assert [(d.decision, d.reason) for d in decisions] == [EXPECTED[n % 4] for n in range(20)]
    assert {d.reviewer for d in decisions} == {"AE"} and all(d.date for d in decisions)


def test_back_and_undo(browser, review: Path):
    with serving(review, "--reviewer", "AE") as server:
        page = browser.new_page()
        page.goto(server.url)
        ids = screen(page, 3)
        page.keyboard.press("ArrowLeft")  # the last decided, with its decision shown
        page.wait_for_function("id => document.body.dataset.shown === id", arg=ids[2])
        assert "Your decision: unsure" in page.locator(".already").inner_text()
        page.keyboard.press("i")  # changed: the row replaced, not added
        page.wait_for_function("id => document.body.dataset.shown !== id", arg=ids[2])
        page.keyboard.press("z")  # the change taken back: unsure again, shown again
        page.wait_for_function("id => document.body.dataset.shown === id", arg=ids[2])
        assert "Your decision: unsure" in page.locator(".already").inner_text()
        assert [d.decision for d in sheet(review, "title_abstract-AE").decisions] == [
            "include", "exclude", "unsure"]
        page.keyboard.press("z")  # and the decision itself: off the sheet
        page.wait_for_function("() => !document.querySelector('.already')")
    decisions = sheet(review, "title_abstract-AE").decisions
    assert [(d.record_id, d.decision) for d in decisions] == [(ids[0], "include"),
                                                               (ids[1], "exclude")]


def test_a_killed_server_loses_nothing(browser, review: Path):
    server = Server(review, "--reviewer", "AE")
    try:
        page = browser.new_page()
        page.goto(server.url)
        before = screen(page, 6)
        server.kill()
        assert [d.record_id for d in sheet(review, "title_abstract-AE").decisions] == before
    finally:
        server.stop()
    with serving(review, "--reviewer", "AE") as again:
        page.goto(again.url)
        assert page.locator("#count").inner_text() == "6 of 93 screened"
        after = screen(page, 2)
        assert not set(after) & set(before)
    decisions = sheet(review, "title_abstract-AE").decisions
    assert [d.record_id for d in decisions] == before + after


def _sign_in(browser, server: Server, name: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url)
    assert page.url.endswith("/who")
    page.fill("#name", name)
    page.press("#name", "Enter")
    page.wait_for_url("**/screen/title_abstract")
    return page


def test_two_reviewers_and_a_resolver_make_the_agreed_sheet(browser, review: Path):
    from litreview.cli import main

    with serving(review, "--resolver", "Carol") as server:
        ae = _sign_in(browser, server, "AE")
        ids = screen(ae, 8, (("i",), ("e",)))
        jb = _sign_in(browser, server, "JB")
        assert jb.locator(".already").count() == 0  # blind: nothing of AE's shows
        assert screen(jb, 8, (("i",), ("e",), ("e",), ("i",))) == ids
        carol = _sign_in(browser, server, "Carol")
        carol.goto(server.base + "/resolve/title_abstract")
        conflicts = carol.locator(".conflict")
        assert conflicts.count() == 4  # records 3, 4, 7, 8: include against exclude
        assert carol.locator(".kappa").first.inner_text() == "0.00"
        for n in range(conflicts.count()):
            conflicts.nth(n).locator("[data-resolve=include]").click()
            carol.wait_for_function("n => document.querySelectorAll('.settled').length === n",
                                    arg=n + 1)
        carol.goto(server.base + "/progress")
        shown_row = carol.locator("tr.stage[data-stage=title_abstract] td")
        app_counts = [shown_row.nth(n).inner_text() for n in range(7)]
    agreed = sheet(review, "title_abstract").decisions
    assert {d.record_id for d in agreed} == {ids[2], ids[3], ids[6], ids[7]}
    assert {d.reviewer for d in agreed} == {"Carol"}
    out = review / "results" / "screening-check"
    assert main(["screen", "--review", str(review), "--unique", str(review / paths.UNIQUE),
                 "--groups", str(review / paths.GROUPS), "--out", str(out)]) == 0
    status = (out / "status.csv").read_text().splitlines()
    at_ta = [line.split(",") for line in status[1:] if ",title_abstract," in line]
    included = sum(row[2] == "included" for row in at_ta)
    excluded = sum(row[2] == "excluded" for row in at_ta)
    assert included == 6 and excluded == 2  # 2 agreed + 4 resolved; 2 agreed exclusions
    assert app_counts[2:4] == [str(included), str(excluded)]
    assert app_counts[5] == str(93 - 8)  # awaiting


def test_a_script_in_a_title_is_text(browser, review: Path):
    records = read_records(review / paths.UNIQUE)
    evil = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
    records[0] = replace(records[0], title=evil, abstract='<b onmouseover="x()">bold</b>',
                         keywords=("<svg onload=alert(1)>",))
    write_records(review / paths.UNIQUE, records)
    with serving(review, "--reviewer", "AE") as server:
        page = browser.new_page()
        page.goto(server.url)
        assert page.locator(".record h1").inner_text() == evil
        assert page.evaluate("window.__xss") is None
        assert page.locator("#record img, #record script, #record svg, #record b").count() == 0
        screen(page, 1)  # a record that arrives by request is escaped too
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("id => document.body.dataset.shown === id",
                               arg=records[0].record_id)
        assert page.locator(".record h1").inner_text() == evil
        assert page.evaluate("window.__xss") is None


def test_off_loopback_the_token_is_required(browser, review: Path):
    with serving(review, "--host", "0.0.0.0", "--reviewer", "AE") as server:
        port = server.base.rsplit(":", 1)[1]
        token = server.url.split("token=", 1)[1]
        page = browser.new_page()
        refused = page.goto(f"http://127.0.0.1:{port}/")
        assert refused.status == 403
        assert "access token required" in page.content()
        page.goto(f"http://127.0.0.1:{port}/?token={token}")
        assert page.url.endswith("/screen/title_abstract")
        assert page.locator(".record h1").count() == 1


def test_a_reason_pressed_just_after_exclude_is_that_records(browser, review: Path):
    """At title/abstract an exclusion needs no reason and goes at once: a number pressed
    right after it gives that record its reason, and nothing to the next one."""
    with serving(review, "--reviewer", "AE") as server:
        page = browser.new_page()
        page.goto(server.url)
        first = shown(page)
        # both keys before the exclusion's answer arrives (as a quick hand does), always
        page.evaluate("""() => { for (const key of ["e", "2"]) {
            document.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true})); } }""")
        page.wait_for_function("() => document.querySelector('#msg').textContent"
                               ".startsWith('Changed: exclude (C2)')")
        second = shown(page)
        page.keyboard.press("u")
        page.wait_for_function("id => document.body.dataset.shown !== id", arg=second)
    decisions = sheet(review, "title_abstract-AE").decisions
    assert [(d.record_id, d.decision, d.reason) for d in decisions] == [
        (first, "exclude", "C2"), (second, "unsure", "")]


def test_a_coder_codes_a_record_by_clicking(browser, tmp_path: Path):
    """The coding form: ticked and typed, saved to the coder's own sheet, the levels it
    gives shown with the next record."""
    review = tiny_results(tmp_path / "coded")
    (review / "screening" / "coding.yaml").write_text(
        "codes: {stage: full_text}\nfields:\n"
        "  - {id: design, type: one_of, values: [trial, survey]}\n"
        "  - {id: outcomes, type: any_of, values: [attainment, attendance]}\n"
        "  - {id: pupils, type: number, min: 1}\n"
        "typologies:\n  - id: quality\n    levels:\n"
        "      - {level: Strong, when: [{field: design, is: trial}]}\n"
        "      - {level: Weak, when: []}\n")
    with serving(review, "--reviewer", "c1") as server:
        page = browser.new_page()
        page.goto(server.base + "/code")
        first = page.locator("#code-form").get_attribute("data-record-id")
        page.get_by_label("trial").check()
        page.get_by_label("attendance").check()
        page.fill("input[name=pupils]", "120")
        page.click("#code-save")
        page.wait_for_selector("#saved")
        assert "quality: Strong" in page.locator("#saved").inner_text()
        assert page.locator("#code-form").get_attribute("data-record-id") != first
        assert page.locator("#coded").inner_text() == "1 of 3 coded by you"
    rows = (review / "screening" / "coding" / "coding-c1.csv").read_text().splitlines()
    assert rows == ["record_id,design,outcomes,pupils", f"{first},trial,attendance,120"]
