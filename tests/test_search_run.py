"""litreview search run: the ERIC API and PubMed's E-utilities searched page by page, with
every reply replayed by respx from tests/fixtures/api (see its README for where each body's
shape comes from). No test reaches the network, and none waits: the sleep and the clock are
injected, and every pause is recorded."""

from __future__ import annotations

import ast
import datetime as dt
import json
import shutil
import socket
import time
import urllib.parse
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import respx
from litreview.cli import main
from litreview.core.errors import InputError
from litreview.core.review import load_review
from litreview.importers import detect_format, import_export
from litreview.online import Manners, Wiring, plan_search, run_search
from litreview.online.eric import FIELDS
from litreview.online.polite import ServiceFailure

FIXTURES = Path(__file__).parent / "fixtures" / "api"
PACKAGE = Path(__file__).resolve().parents[1] / "workflow" / "litreview"
DAY = dt.date(2026, 5, 4)
ERIC = "https://api.ies.ed.gov/eric/"
ESEARCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
EFETCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
#: What `litreview query compile --to eric|pubmed` makes of the fixture review's strategies.
ERIC_QUERY = ('(subject:"Leadership" AND ((title:Multiagency OR description:Multiagency) OR '
              '(title:"multi agency" OR description:"multi agency"))) AND '
              'publicationdateyear:[2002 TO 2024]')
PUBMED_QUERY = '(Leadership[tiab] AND "Interprofessional relations"[mh:noexp])'
WEBENV = "MCID_6651a2b3c4d5e6f708192a3b"


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def eric_url(start: int, rows: int = 2, query: str = ERIC_QUERY) -> str:
    return (f"{ERIC}?search={urllib.parse.quote_plus(query)}&format=json&rows={rows}"
            f"&start={start}&fields={urllib.parse.quote_plus(FIELDS)}")


def esearch_url(query: str = PUBMED_QUERY) -> str:
    return (f"{ESEARCH}?db=pubmed&term={urllib.parse.quote_plus(query)}&usehistory=y&retmax=0"
            "&retmode=json&tool=litreview&email=librarian%40example.org")


def efetch_url(start: int, webenv: str = WEBENV) -> str:
    return (f"{EFETCH}?db=pubmed&query_key=1&WebEnv={webenv}&retstart={start}&retmax=2"
            "&rettype=medline&retmode=text&tool=litreview&email=librarian%40example.org")


@pytest.fixture
def review(tmp_path: Path) -> Path:
    target = tmp_path / "review"
    shutil.copytree(FIXTURES / "review", target)
    return target


class Clock:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds

    def __call__(self) -> float:
        return self.now


class Replay:
    """A respx router serving recorded bodies, the calls it got, and a fake clock."""

    def __init__(self) -> None:
        self.router = respx.Router(assert_all_called=False)
        self.clock = Clock()

    def serve(self, base: str, replies: list[httpx.Response]) -> None:
        self.router.get(url__startswith=base).mock(side_effect=replies)

    @property
    def urls(self) -> list[str]:
        return [str(call.request.url) for call in self.router.calls]

    def wiring(self, tries: int = 5) -> Wiring:
        manners = Manners(contact="librarian@example.org", tries=tries)
        return Wiring(manners, httpx.MockTransport(self.router.handler), self.clock.sleep,
                      self.clock, lambda: dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC))


def ok(name: str) -> httpx.Response:
    return httpx.Response(200, content=body(name))


def searched(review: Path, db: str, update: bool = False, api_key: str = ""):
    """The database's search as planned, with pages of two records."""
    config = load_review(review, searching=True)
    search = plan_search(review, config, config.source(db), day=DAY, update=update,
                         api_key=api_key)
    small = {"eric": {"rows": 2}, "pubmed": {"batch": 2}}[search.service.api]
    return replace(search, service=replace(search.service, **small))


def sidecar(review: Path, db: str, ext: str = "json") -> dict:
    return json.loads((review / f"data/exports/{db}/{db}_2026-05-04.search.json").read_text())


# --- ERIC ------------------------------------------------------------------------------------

def test_eric_sends_the_compiled_query_and_pages_through_every_result(review):
    replay = Replay()
    replay.serve(ERIC, [ok("eric_page1.json"), ok("eric_page2.json")])
    outcome = run_search(searched(review, "eric"), replay.wiring())
    assert replay.urls == [eric_url(0), eric_url(2)]
    assert (outcome.reported, outcome.received) == (3, 3)
    saved = review / "data/exports/eric/eric_2026-05-04.json"
    assert outcome.export == "data/exports/eric/eric_2026-05-04.json"
    # the pages as they came, in a JSON list
    assert saved.read_bytes() == (b"[\n" + body("eric_page1.json") + b",\n"
                                  + body("eric_page2.json") + b"\n]\n")
    record = sidecar(review, "eric")
    assert record["service"] == "ERIC API" and record["query"] == ERIC_QUERY
    assert record["requests"] == replay.urls
    assert (record["reported"], record["received"], record["date"]) == (3, 3, "2026-05-04")
    assert record["started"] == "2026-05-04T09:30:00+00:00"
    assert record["export"] == "eric_2026-05-04.json" and len(record["sha256"]) == 64
    assert replay.clock.slept == [1.0]  # one request a second: the pace, kept
    assert not (review / "data/exports/eric/.partial").exists()


def test_the_saved_eric_file_imports_with_its_provenance(review):
    replay = Replay()
    replay.serve(ERIC, [ok("eric_page1.json"), ok("eric_page2.json")])
    run_search(searched(review, "eric"), replay.wiring())
    path = review / "data/exports/eric/eric_2026-05-04.json"
    assert detect_format(path, path.read_bytes()[:65536]) == "eric-json"
    imported = import_export(path, database="ERIC", display_path="data/exports/eric/x.json")
    assert (imported.format, imported.source) == ("eric-json", "ERIC API")
    first, report, third = imported.records
    assert [r.record_id for r in imported.records] == [
        "eric-EJ900001", "eric-ED500001", "eric-EJ900002"]
    assert first.authors == ("Okafor, Ngozi", "Hall, Peter") and first.year == "2024"
    assert first.journal == "Educational Review" and first.type == "article"
    assert first.subjects[:2] == ("Leadership", "Agency Cooperation")
    assert report.type == "report" and report.url == "https://www.nfer.ac.uk/integrated-services"
    assert third.doi == "10.1080/13632434.2025.0000001"
    assert third.url == "https://eric.ed.gov/?id=EJ900002"
    assert [r.source_line for r in imported.records] == [5, 22, 39]  # their ids' lines
    original = first.original_fields()
    assert original["_service"] == "ERIC API" and original["_query"] == ERIC_QUERY
    assert original["_request"] == eric_url(0)
    assert original["peerreviewed"] == "T"
    # the review reads the new export beside the earlier one, and the sidecar as none
    (review / "data/exports/pubmed").mkdir()
    (review / "data/exports/pubmed/pubmed_2024-01-12.nbib").write_bytes(
        body("pubmed_efetch_2.txt"))
    config = load_review(review)
    assert config.source("eric").exports == (
        "data/exports/eric/eric_2024-01-10.ris", "data/exports/eric/eric_2026-05-04.json")
    from litreview.pipeline.stages import import_source  # as the workflow's import rule does

    source = import_source(review, config.source("eric"))
    assert [(r.record_id, r.searched) for r in source.records] == [
        ("eric-EJ800001", "2024-01-10"), ("eric-EJ900001", "2026-05-04"),
        ("eric-ED500001", "2026-05-04"), ("eric-EJ900002", "2026-05-04")]
    assert [f.format for f in source.files] == ["ris", "eric-json"]


def test_an_empty_eric_result_saves_the_record_of_the_search_only(review):
    replay = Replay()
    replay.serve(ERIC, [ok("eric_empty.json")])
    outcome = run_search(searched(review, "eric"), replay.wiring())
    assert replay.urls == [eric_url(0)] and outcome.export is None
    assert not (review / "data/exports/eric/eric_2026-05-04.json").exists()
    record = sidecar(review, "eric")
    assert (record["reported"], record["received"], record["export"]) == (0, 0, None)


def test_a_429_is_waited_out_as_the_service_asks(review):
    replay = Replay()
    replay.serve(ERIC, [httpx.Response(429, headers={"Retry-After": "7"}),
                        ok("eric_page1.json"), httpx.Response(503), ok("eric_page2.json")])
    outcome = run_search(searched(review, "eric"), replay.wiring())
    assert outcome.received == 3
    assert replay.urls == [eric_url(0), eric_url(0), eric_url(2), eric_url(2)]
    # Retry-After's 7 s; then the pace; then the first backoff (no Retry-After: 2 s)
    assert replay.clock.slept == [7.0, 1.0, 2.0]
    assert sidecar(review, "eric")["requests"] == [eric_url(0), eric_url(2)]


def test_a_500_gives_up_after_the_tries_with_a_located_error(review):
    replay = Replay()
    replay.serve(ERIC, [httpx.Response(500)] * 3)
    with pytest.raises(InputError) as caught:
        run_search(searched(review, "eric"), replay.wiring(tries=3))
    problem = caught.value.problems[0]
    assert isinstance(caught.value, ServiceFailure)  # not bad input
    assert problem.file == "ERIC"  # no page came: no partial folder to name
    assert not (review / "data/exports/eric/.partial").exists()
    # the URL as host and path: the query is in the search's record, not in every message
    assert problem.message == "gave up after 3 tries of api.ies.ed.gov/eric/?…: HTTP 500"
    assert problem.hint == ("the service is busy or down; nothing was saved: run the same "
                            "command later")
    assert replay.clock.slept == [2.0, 4.0]  # exponential
    assert len(replay.urls) == 3
    assert not (review / "data/exports/eric/eric_2026-05-04.json").exists()


@pytest.mark.parametrize(("error", "said"), [
    (httpx.ConnectError("[Errno -2] Name or service not known"),
     "no network, or the name cannot be resolved"),
    (httpx.ConnectError("[Errno -3] Temporary failure in name resolution"),
     "no network, or the name cannot be resolved"),
    (httpx.ConnectError("[Errno 111] Connection refused"), "the connection was refused"),
])
def test_a_host_that_cannot_be_reached_fails_at_once(review, error, said):
    replay = Replay()
    replay.serve(ERIC, [error] * 5)
    with pytest.raises(ServiceFailure) as caught:
        run_search(searched(review, "eric"), replay.wiring())
    assert len(replay.urls) == 1 and replay.clock.slept == []  # no retry: none would help
    [problem] = caught.value.problems
    assert str(problem) == (f"ERIC: cannot reach api.ies.ed.gov: {said} (check the "
                            "connection; nothing was saved)")


def test_timeouts_and_dropped_connections_are_tried_again(review):
    replay = Replay()
    replay.serve(ERIC, [httpx.ReadTimeout("timed out"), ok("eric_page1.json"),
                        httpx.RemoteProtocolError("Server disconnected"),
                        ok("eric_page2.json")])
    assert run_search(searched(review, "eric"), replay.wiring()).received == 3
    assert replay.clock.slept == [2.0, 1.0, 2.0]  # backoff, pace, backoff


def test_a_host_unreachable_mid_search_names_the_pages_kept(review):
    replay = Replay()
    replay.serve(ERIC, [ok("eric_page1.json"), httpx.ConnectError("[Errno 111] Connection "
                                                                  "refused")])
    with pytest.raises(ServiceFailure) as caught:
        run_search(searched(review, "eric"), replay.wiring())
    [problem] = caught.value.problems
    assert problem.file == "data/exports/eric/.partial"
    assert problem.hint == ("check the connection and run the same command again: it resumes "
                            "from what is kept in data/exports/eric/.partial")


def test_a_long_retry_after_stops_with_when_to_come_back(review):
    replay = Replay()
    replay.serve(ERIC, [httpx.Response(429, headers={"Retry-After": "3600"})])
    with pytest.raises(InputError, match="asks to wait 3600 s"):
        run_search(searched(review, "eric"), replay.wiring())
    assert replay.clock.slept == []


def test_a_truncated_eric_page_is_a_located_error(review):
    replay = Replay()
    replay.serve(ERIC, [ok("eric_page1.json"),
                        httpx.Response(200, content=body("eric_page2.json")[:150])])
    with pytest.raises(InputError) as caught:
        run_search(searched(review, "eric"), replay.wiring())
    problem = caught.value.problems[0]
    assert problem.file == "data/exports/eric/.partial"
    assert "the page from record 2 is not a whole ERIC API response" in problem.message
    assert not (review / "data/exports/eric/eric_2026-05-04.json").exists()


def test_a_page_short_of_the_count_reported_is_a_located_error(review):
    short = json.dumps({"response": {"numFound": 3, "start": 2, "docs": []}}).encode()
    replay = Replay()
    replay.serve(ERIC, [ok("eric_page1.json"), httpx.Response(200, content=short)])
    with pytest.raises(InputError) as caught:
        run_search(searched(review, "eric"), replay.wiring())
    assert "holds 0 records; the service reported 3, so 1 were due" in \
        caught.value.problems[0].message


def test_a_count_that_changes_during_the_search_stops_it(review):
    moved = body("eric_page2.json").replace(b'"numFound":3', b'"numFound":4')
    replay = Replay()
    replay.serve(ERIC, [ok("eric_page1.json"), httpx.Response(200, content=moved)])
    with pytest.raises(InputError, match="now reports 4 records; the search began with 3"):
        run_search(searched(review, "eric"), replay.wiring())


def test_an_interrupted_search_resumes_from_its_last_complete_page(review):
    first = Replay()
    first.serve(ERIC, [ok("eric_page1.json"), *[httpx.Response(502)] * 2])
    with pytest.raises(InputError, match="gave up after 2 tries") as caught:
        run_search(searched(review, "eric"), first.wiring(tries=2))
    partial = review / "data/exports/eric/.partial"
    problem = caught.value.problems[0]
    assert problem.file == "data/exports/eric/.partial"  # a page is kept there now
    assert problem.hint.endswith("it resumes from what is kept in data/exports/eric/.partial")
    assert (partial / "page-00001.json").read_bytes() == body("eric_page1.json")
    assert json.loads((partial / "search.json").read_text())["progress"]["received"] == 2
    again = Replay()
    again.serve(ERIC, [ok("eric_page2.json")])
    outcome = run_search(searched(review, "eric"), again.wiring())
    assert again.urls == [eric_url(2)]  # page 1 is not fetched again
    assert outcome.resumed and outcome.received == 3
    assert sidecar(review, "eric")["requests"] == [eric_url(0), eric_url(2)]
    assert (review / outcome.export).read_bytes() == (
        b"[\n" + body("eric_page1.json") + b",\n" + body("eric_page2.json") + b"\n]\n")


def test_a_second_search_the_same_day_is_refused_before_any_request(review):
    replay = Replay()
    replay.serve(ERIC, [ok("eric_page1.json"), ok("eric_page2.json")])
    run_search(searched(review, "eric"), replay.wiring())
    before = (review / "data/exports/eric/eric_2026-05-04.json").read_bytes()
    again = Replay()
    with pytest.raises(InputError, match="already searched on 2026-05-04"):
        run_search(searched(review, "eric"), again.wiring())
    assert again.urls == []
    assert (review / "data/exports/eric/eric_2026-05-04.json").read_bytes() == before


def test_max_stops_a_search_larger_than_expected(review):
    replay = Replay()
    replay.serve(ERIC, [ok("eric_page1.json")])
    with pytest.raises(InputError, match="reports 3 records, more than --max 2"):
        run_search(searched(review, "eric"), replay.wiring(), most=2)


def test_an_update_limits_each_database_from_its_own_last_search(review):
    search = searched(review, "eric", update=True)
    assert search.since == "2024-01-10"  # the newest export's date
    assert search.query.endswith("AND publicationdateyear:[2024 TO *]")
    (review / "data/exports/pubmed").mkdir()
    (review / "data/exports/pubmed/pubmed_2025-02-01.nbib").write_bytes(
        body("pubmed_efetch_2.txt"))
    pubmed = searched(review, "pubmed", update=True)
    assert pubmed.since == "2025-02-01"  # newer than its searched: date
    assert pubmed.query == f"{PUBMED_QUERY} AND 2025/02/01:3000[edat]"


# --- PubMed ----------------------------------------------------------------------------------

def pubmed_replay(*fetches: httpx.Response, search: str = "pubmed_esearch.json") -> Replay:
    replay = Replay()
    replay.serve(ESEARCH, [ok(search)] * 2)
    replay.serve(EFETCH, list(fetches))
    return replay


def test_pubmed_searches_on_the_history_server_and_fetches_in_batches(review):
    replay = pubmed_replay(ok("pubmed_efetch_1.txt"), ok("pubmed_efetch_2.txt"))
    outcome = run_search(searched(review, "pubmed", api_key="SECRET"), replay.wiring())
    key = "&api_key=SECRET"
    assert replay.urls == [esearch_url() + key, efetch_url(0) + key, efetch_url(2) + key]
    assert (outcome.reported, outcome.received) == (3, 3)
    saved = review / "data/exports/pubmed/pubmed_2026-05-04.nbib"
    assert saved.read_bytes() == body("pubmed_efetch_1.txt") + b"\n" + body(
        "pubmed_efetch_2.txt")
    record = sidecar(review, "pubmed")
    assert record["query"] == PUBMED_QUERY and record["api"] == "pubmed"
    assert record["requests"] == [esearch_url(), efetch_url(0), efetch_url(2)]  # no key
    assert "SECRET" not in saved.with_name("pubmed_2026-05-04.search.json").read_text()
    assert replay.clock.slept == [0.1, 0.1]  # 10 requests a second with a key


def test_pubmed_without_a_key_keeps_to_three_requests_a_second(review):
    replay = pubmed_replay(ok("pubmed_efetch_1.txt"), ok("pubmed_efetch_2.txt"))
    run_search(searched(review, "pubmed"), replay.wiring())
    assert replay.urls == [esearch_url(), efetch_url(0), efetch_url(2)]
    assert replay.clock.slept == [0.333, 0.333]
    user_agent = replay.router.calls[0].request.headers["User-Agent"]
    assert user_agent.startswith("litreview/") and "mailto:librarian@example.org" in user_agent


def test_the_saved_pubmed_file_imports_with_its_provenance(review):
    replay = pubmed_replay(ok("pubmed_efetch_1.txt"), ok("pubmed_efetch_2.txt"))
    run_search(searched(review, "pubmed"), replay.wiring())
    path = review / "data/exports/pubmed/pubmed_2026-05-04.nbib"
    imported = import_export(path, database="PubMed", searched="2026-05-04")
    assert imported.format == "nbib" and not imported.rejects
    assert [r.source_id for r in imported.records] == ["39000001", "39000002", "39000003"]
    assert imported.records[0].doi == "10.1080/13561820.2024.0000001"
    original = imported.records[2].original_fields()
    assert original["_service"] == "PubMed E-utilities"
    assert original["_request"] == esearch_url() and original["_query"] == PUBMED_QUERY
    assert original["_searched_at"] == "2026-05-04T09:30:00+00:00"


def test_an_empty_pubmed_result_fetches_nothing(review):
    replay = pubmed_replay(search="pubmed_esearch_empty.json")
    outcome = run_search(searched(review, "pubmed"), replay.wiring())
    assert replay.urls == [esearch_url()] and outcome.export is None
    assert sidecar(review, "pubmed")["received"] == 0


def test_pubmed_429_then_success(review):
    replay = pubmed_replay(httpx.Response(429, headers={"Retry-After": "2"}),
                           ok("pubmed_efetch_1.txt"), ok("pubmed_efetch_2.txt"))
    assert run_search(searched(review, "pubmed"), replay.wiring()).received == 3
    assert replay.urls == [esearch_url(), efetch_url(0), efetch_url(0), efetch_url(2)]
    assert replay.clock.slept == [0.333, 2.0, 0.333]


def test_pubmed_500_gives_up_with_a_located_error(review):
    replay = pubmed_replay(*[httpx.Response(500)] * 4)
    with pytest.raises(InputError) as caught:
        run_search(searched(review, "pubmed"), replay.wiring(tries=4))
    problem = caught.value.problems[0]
    assert problem.file == "data/exports/pubmed/.partial"
    assert problem.message == ("gave up after 4 tries of eutils.ncbi.nlm.nih.gov/entrez/eutils/"
                               "efetch.fcgi?…: HTTP 500")
    assert replay.clock.slept == [0.333, 2.0, 4.0, 8.0]


@pytest.mark.parametrize(("cut", "said"), [
    (lambda b: b[:b.index(b"\nPMID- 39000002")] + b"\n", "holds 1 records; the search reported 3, "
     "so 2 were due"),
    (lambda b: b[:-20], "holds 2 records and ends mid-line"),
])
def test_a_truncated_pubmed_batch_is_a_located_error(review, cut, said):
    replay = pubmed_replay(httpx.Response(200, content=cut(body("pubmed_efetch_1.txt"))))
    with pytest.raises(InputError) as caught:
        run_search(searched(review, "pubmed"), replay.wiring())
    assert said in caught.value.problems[0].message
    assert caught.value.problems[0].file == "data/exports/pubmed/.partial"


def test_pubmed_resumes_with_a_new_session_from_the_next_batch(review):
    first = pubmed_replay(ok("pubmed_efetch_1.txt"), httpx.Response(500))
    with pytest.raises(InputError):
        run_search(searched(review, "pubmed"), first.wiring(tries=1))
    again = Replay()
    renewed = body("pubmed_esearch.json").replace(WEBENV.encode(), b"MCID_renewed")
    again.serve(ESEARCH, [httpx.Response(200, content=renewed)])
    again.serve(EFETCH, [ok("pubmed_efetch_2.txt")])
    outcome = run_search(searched(review, "pubmed"), again.wiring())
    # the history server's session may have lapsed: search again, fetch only what is missing
    assert again.urls == [esearch_url(), efetch_url(2, "MCID_renewed")]
    assert outcome.resumed and outcome.received == 3
    assert sidecar(review, "pubmed")["requests"] == [
        esearch_url(), efetch_url(0), esearch_url(), efetch_url(2, "MCID_renewed")]


def test_pubmed_searches_beyond_what_the_eutilities_serve_are_refused(review):
    big = body("pubmed_esearch.json").replace(b'"count":"3"', b'"count":"12000"')
    replay = Replay()
    replay.serve(ESEARCH, [httpx.Response(200, content=big)])
    with pytest.raises(InputError, match="PubMed found 12000 records"):
        run_search(searched(review, "pubmed"), replay.wiring())
    assert len(replay.urls) == 1


# --- the command -----------------------------------------------------------------------------

def test_dry_run_prints_each_query_and_sends_nothing(review, capsys, monkeypatch):
    monkeypatch.setattr(httpx.Client, "send", lambda *a, **k: pytest.fail("a request"))
    assert main(["search", "run", "--review", str(review), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"  query:   {ERIC_QUERY}" in out and f"  query:   {PUBMED_QUERY}" in out
    today = dt.date.today().isoformat()
    assert f"  save as: data/exports/pubmed/pubmed_{today}.nbib" in out
    assert f"  first:   {eric_url(0, rows=2000)}" in out


def test_the_command_searches_saves_and_says_what_an_update_needs(review, capsys):
    docs = [d for name in ("eric_page1.json", "eric_page2.json")
            for d in json.loads(body(name))["response"]["docs"]]
    whole = {"response": {"numFound": 3, "start": 0, "docs": docs}}
    query = ERIC_QUERY.replace("[2002 TO 2024]", "[2024 TO *]")
    with respx.mock(assert_all_called=True) as mock:
        mock.get(eric_url(0, rows=2000, query=query)).mock(
            return_value=httpx.Response(200, json=whole))
        assert main(["search", "run", "ERIC", "--review", str(review), "--update"]) == 0
    captured = capsys.readouterr()
    today = dt.date.today().isoformat()
    assert (f"ERIC: 3 records added since 2024-01-10 of 3 reported -> "
            f"data/exports/eric/eric_{today}.json") in captured.out
    assert "add 'update_of: 2024-01-10' under review:" in captured.err
    assert (review / f"data/exports/eric/eric_{today}.search.json").is_file()


@pytest.mark.parametrize(("change", "names", "said"), [
    (("  contact: librarian@example.org\n", ""), [], "no contact e-mail for the services"),
    (("api: pubmed", "api: scopus"), ["--dry-run"], "api: 'scopus' is not one of ['eric', "
     "'pubmed', 'europepmc', 'openalex', 'crossref']"),
    (("", ""), ["Scopus", "--dry-run"], "no database 'Scopus'"),
])
def test_what_the_command_refuses(review, capsys, monkeypatch, change, names, said):
    monkeypatch.setattr(httpx.Client, "send", lambda *a, **k: pytest.fail("a request"))
    config = review / "review.yaml"
    config.write_text(config.read_text().replace(*change))
    assert main(["search", "run", *names, "--review", str(review)]) == 2
    assert said in capsys.readouterr().err


def offline(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No network: every name lookup fails as it does offline; the hosts asked, in order."""
    asked: list[str] = []

    def no_name(host, *args, **kwargs):
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(socket, "getaddrinfo", no_name)
    return asked


def test_offline_the_command_fails_at_once_and_says_why(review, capsys, monkeypatch):
    asked = offline(monkeypatch)
    started = time.monotonic()
    assert main(["search", "run", "PubMed", "--review", str(review)]) == 1  # not bad input
    assert time.monotonic() - started < 5  # no backoff: it cannot help
    assert asked == ["eutils.ncbi.nlm.nih.gov"]  # one try
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "error: PubMed: cannot reach eutils.ncbi.nlm.nih.gov: no network, or the name cannot "
        "be resolved (check the connection; nothing was saved)"]
    assert not (review / "data/exports/pubmed/.partial").exists()


def test_a_dry_run_says_what_the_real_search_would_miss(review, capsys, monkeypatch):
    monkeypatch.setattr(httpx.Client, "send", lambda *a, **k: pytest.fail("a request"))
    config = review / "review.yaml"
    config.write_text(config.read_text().replace("  contact: librarian@example.org\n", ""))
    assert main(["search", "run", "--review", str(review), "--dry-run"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "warning: review.yaml gives no contact: the real search needs one (add 'contact: " \
        "you@example.org' under review:); the requests shown lack it" in err
    # ERIC's earlier export (EBSCOhost, 2024-01-10): a fresh search would count it twice
    assert "warning: ERIC already has an export (data/exports/eric/eric_2024-01-10.ris): this " \
        "search would be a second export of the same database, its records counted twice " \
        "unless it is an update (search with --update, and set update_of under review: in " \
        "review.yaml)" in err
    assert not any("PubMed already has" in line for line in err)  # never searched
    assert main(["search", "run", "--review", str(review), "--dry-run", "--update"]) == 0
    assert "already has an export" not in capsys.readouterr().err


def test_only_the_command_line_reaches_the_network():
    """Nothing but ``online`` and ``cli/online.py`` imports httpx or ``litreview.online``:
    the workflow stays offline."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith("online/") or where == "cli/online.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            wrong += [f"{where}: {n}" for n in names
                      if n.startswith(("litreview.online", "httpx", "urllib.request"))]
    snakefiles = [PACKAGE.parents[1] / "Snakefile", *PACKAGE.parents[0].rglob("*.smk")]
    wrong += [str(p) for p in snakefiles if p.is_file() and "online" in p.read_text()]
    assert not wrong, wrong


def test_a_search_update_runs_through_the_workflow_with_its_counts(review, capsys):
    """The update flow end to end: the review's previous version run, ERIC searched again
    with --update (replayed), update_of set as the command asks, the workflow run again:
    PRISMA counts the update's own records, and PRISMA-S gives the query sent and both
    counts beside the earlier export."""
    import csv

    from conftest import run_stages
    from litreview.core import paths

    config = review / "review.yaml"  # ERIC alone: PubMed has never been searched here
    config.write_text(config.read_text().split("  - name: PubMed")[0]
                      + "screening:\n  criteria: screening/criteria.yaml\n")
    assert run_stages(review) == 0
    before = json.loads((review / paths.COUNTS).read_text())
    assert before["identification"]["databases"]["ERIC"] == 1
    docs = [d for name in ("eric_page1.json", "eric_page2.json")
            for d in json.loads(body(name))["response"]["docs"]]
    query = ERIC_QUERY.replace("[2002 TO 2024]", "[2024 TO *]")
    with respx.mock(assert_all_called=True) as mock:
        mock.get(eric_url(0, rows=2000, query=query)).mock(return_value=httpx.Response(
            200, json={"response": {"numFound": 3, "start": 0, "docs": docs}}))
        assert main(["search", "run", "--review", str(review), "--update"]) == 0
    assert "add 'update_of: 2024-01-10' under review:" in capsys.readouterr().err
    config.write_text(config.read_text().replace(
        "  contact:", "  update_of: 2024-01-10\n  contact:"))
    assert run_stages(review) == 0
    counts = json.loads((review / paths.COUNTS).read_text())
    assert counts["review_type"] == "update"
    today = dt.date.today().isoformat()
    assert counts["per_source"]["ERIC"]["searched"] == f"2024-01-10; {today}"
    assert counts["identification"]["databases"]["ERIC"] == 3  # the update's own records
    assert counts["databases"]["awaiting_screening"] == 3
    first, update = csv.DictReader((review / paths.PRISMA_S).open(encoding="utf-8"))
    assert (first["searched"], first["received"], first["reported"]) == ("2024-01-10", "1", "")
    assert first["query"].startswith("#1") and first["platform"] == "ERIC API"
    assert (update["searched"], update["query"], update["reported"], update["received"]) == (
        today, query, "3", "3")
    assert update["files"] == f"data/exports/eric/eric_{today}.json (3)"
    assert update["limits"].endswith("added since 2024-01-10")
    inputs = json.loads((review / paths.MANIFEST).read_text())["inputs"]
    assert f"data/exports/eric/eric_{today}.search.json" in inputs  # the audit hashes it


def test_the_workflow_says_to_search_a_database_never_searched(review, capsys):
    assert main(["check", str(review)]) == 2
    err = capsys.readouterr().err
    assert "PubMed: export folder 'data/exports/pubmed' not found" in err
    assert "search it first: litreview search run 'PubMed'" in err
    (review / "data/exports/pubmed").mkdir()  # made, and still empty
    assert main(["check", str(review)]) == 2
    assert "search it first: litreview search run 'PubMed'" in capsys.readouterr().err
