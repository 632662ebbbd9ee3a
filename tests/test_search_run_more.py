"""litreview search run for Europe PMC, OpenAlex and Crossref: each strategy compiled for the
service, paged by its cursor, with every reply replayed by respx from tests/fixtures/api (see
its README for where each body's shape comes from). No test reaches the network, and none
waits: the sleep and the clock are injected (test_search_run's Replay)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from litreview.cli import main
from litreview.core.errors import InputError
from litreview.core.review import load_review
from litreview.online import Progress, make_service, plan_search, run_search
from litreview.search import compile_strategy, parse_strategy, render_compiled
from test_search_run import DAY, ERIC, ERIC_QUERY, FIXTURES, Replay, body, eric_url, ok

CONTACT = "librarian@example.org"
EPMC = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"
OPENALEX = "https://api.openalex.org/works"
CROSSREF = "https://api.crossref.org/works"
#: The next cursors the fixtures' pages give.
EPMC_NEXT = ("AoIIP4AAACgzOTEwMDAwMg==", "AoIIP4AAACgzOTEwMDAwMw==")
OPENALEX_NEXT = "IlsyOC41MDAwMDAsICdodHRwczovL29wZW5hbGV4Lm9yZy9XNDM5MDAwMDAwMiddIg=="
CROSSREF_NEXT = ("DnF1ZXJ5VGhlbkZldGNoBgAAAAAAbq6wFjJpZEtFN0xYUkdLWVZudjFsVE9MaVEAAAAAAG6usRYy"
                 "aWRLRTdMWFJHS1lWbnYxbFRPTGlR")
#: What `litreview query compile --to europepmc|openalex|crossref` makes of the strategies.
EPMC_QUERY = ('((TITLE:Leadership OR ABSTRACT:Leadership OR KW:Leadership) AND '
              'MESH:"Interprofessional relations") AND PUB_YEAR:[2002 TO 2024]')
OPENALEX_QUERY = ('search=(Leadership AND (Multiagency OR "multi agency"))&filter='
                  'from_publication_date:2002-01-01,to_publication_date:2024-12-31,language:en')
CROSSREF_QUERY = ("query.bibliographic=Leadership Multiagency multi agency"
                  "&filter=from-pub-date:2002,until-pub-date:2024")
STRATEGIES = {
    "europepmc.txt": "database: Europe PMC\n\n#1 Leadership (ft)\n"
                     "#2 Interprofessional relations\n#3 #1 and #2\n",
    "openalex.txt": "database: OpenAlex\n\n#1 Leadership (ft)\n"
                    "#2 Multiagency (ft) or multi agency* (ft)\n#3 #1 and #2\n",
    "crossref.txt": "database: Crossref\n\n#1 Leadership (ft)\n"
                    "#2 Multiagency (ft) or multi agency (ft) not Schools (ft)\n#3 #1 and #2\n",
}
CONFIG = f"""review:
  title: Leadership for integrated children's services
  question: Does leadership help integrated children's services?
  contact: {CONTACT}
databases:
  - name: Europe PMC
    host: Europe PMC
    api: europepmc
    strategy: search_strategies/europepmc.txt
    searched: 2024-01-12
    limits: {{years: [2002, 2024]}}
  - name: OpenAlex
    host: OpenAlex
    api: openalex
    strategy: search_strategies/openalex.txt
    searched: 2024-01-14
    limits: {{years: [2002, 2024], language: [English]}}
  - name: Crossref
    host: Crossref
    api: crossref
    strategy: search_strategies/crossref.txt
    searched: 2024-01-15
    limits: {{years: [2002, 2024]}}
screening:
  criteria: screening/criteria.yaml
"""


def params(query: str, cursor: str, api: str, key: str = "", contact: str = CONTACT) -> list:
    """A request's parameters as each service documents them, in the order sent."""
    if api == "europepmc":
        return [("query", query), ("resultType", "core"), ("cursorMark", cursor),
                ("pageSize", "2"), ("format", "json"), ("email", contact)]
    search, limits = query.split("&filter=")
    name, text = search.split("=", 1)
    size = "per-page" if api == "openalex" else "rows"
    return [(name, text), ("filter", limits), (size, "2"), ("cursor", cursor),
            ("mailto", contact), *([("api_key", key)] if key else [])]


@dataclass(frozen=True)
class Api:
    """One service as these tests see it."""

    api: str
    db: str  # its database's name and slug
    slug: str
    base: str
    query: str
    cursors: tuple[str, str]  # the cursor sent for the first page and for the second
    reported: str  # how a page states its count, to change it

    def url(self, page: int, key: str = "") -> str:
        return f"{self.base}?" + urllib.parse.urlencode(
            params(self.query, self.cursors[page - 1], self.api, key))

    def fixture(self, name: str) -> str:
        return f"{self.api}_{name}.json"


APIS = [
    Api("europepmc", "Europe PMC", "europe-pmc", EPMC, EPMC_QUERY, ("*", EPMC_NEXT[0]),
        '"hitCount": 3'),
    Api("openalex", "OpenAlex", "openalex", OPENALEX, OPENALEX_QUERY, ("*", OPENALEX_NEXT),
        '"count": 3'),
    Api("crossref", "Crossref", "crossref", CROSSREF, CROSSREF_QUERY, ("*", CROSSREF_NEXT),
        '"total-results": 3'),
]
EACH = pytest.mark.parametrize("s", APIS, ids=[s.api for s in APIS])


@pytest.fixture
def review(tmp_path: Path) -> Path:
    target = tmp_path / "review"
    shutil.copytree(FIXTURES / "review", target)
    (target / "review.yaml").write_text(CONFIG, encoding="utf-8")
    for name, text in STRATEGIES.items():
        (target / "search_strategies" / name).write_text(text, encoding="utf-8")
    return target


def searched(review: Path, s: Api, update: bool = False):
    """The database's search as planned, with pages of two records."""
    config = load_review(review, searching=True)
    search = plan_search(review, config, config.source(s.slug), day=DAY, update=update)
    return replace(search, service=replace(search.service, size=2))


def replay(s: Api, *replies: httpx.Response) -> Replay:
    played = Replay()
    played.serve(s.base, list(replies))
    return played


def pages(s: Api) -> list[httpx.Response]:
    return [ok(s.fixture("page1")), ok(s.fixture("page2"))]


def export(review: Path, s: Api) -> Path:
    return review / f"data/exports/{s.slug}/{s.slug}_2026-05-04.json"


def sidecar(review: Path, s: Api) -> dict:
    return json.loads(export(review, s).with_suffix(".search.json").read_text())


# --- the queries ---------------------------------------------------------------------------

@EACH
def test_each_strategy_is_compiled_for_its_service(review, s):
    search = searched(review, s)
    assert search.query == s.query
    assert search.service.extension == "json" and search.service.interval == 0.2


def test_crossref_is_words_with_a_loud_warning_and_openalex_says_what_it_drops(review):
    crossref = searched(review, APIS[2])
    assert "Schools" not in crossref.query  # a NOT term would only raise its rank
    assert crossref.warnings[0].startswith("Crossref's search is NOT boolean")
    assert "screen it with the local evaluation" in crossref.warnings[0]
    openalex = searched(review, APIS[1])
    assert ("OpenAlex has no truncation or wildcards: 'multi agency*' are searched without "
            "them (it stems words instead)") in " ".join(openalex.warnings)


@pytest.mark.parametrize(("platform", "expected"), [
    ("europepmc", "(TITLE:(Children* AND service*) OR ABSTRACT:(Children* AND service*) OR "
                  "KW:(Children* AND service*))"),
    ("openalex", 'search="Children service"'),
    ("crossref", "query.bibliographic=Children service"),
])
def test_truncated_phrases_per_service(platform, expected):
    strategy = parse_strategy("database: ERIC\n\n#1 Children* service* (ft)\n", "s.txt")
    assert compile_strategy(strategy, platform).queries[0][1] == expected


def test_europepmc_writes_mesh_headings_and_explodes_from_the_thesaurus():
    from litreview.search import Thesaurus

    strategy = parse_strategy("database: MEDLINE\n\n#1 Schools (exp)\n#2 Colo?r (ft)\n"
                              "#3 #1 or #2\n", "s.txt")
    thesaurus = Thesaurus({"schools": "Schools", "primary schools": "Primary schools"},
                          {"schools": ("primary schools",)})
    query = compile_strategy(strategy, "europepmc", thesaurus=thesaurus).queries[0][1]
    assert query == ('((MESH:"Schools" OR MESH:"Primary schools") OR '
                     '((TITLE:Color OR ABSTRACT:Color OR KW:Color) OR '
                     '(TITLE:Colour OR ABSTRACT:Colour OR KW:Colour)))')


@pytest.mark.parametrize(("platform", "keyed", "expected"), [
    ("europepmc", False, "CREATION_DATE:[2024-01-12 TO *]"),
    ("openalex", True, "from_created_date:2024-01-12"),
    ("openalex", False, "from_publication_date:2024-01-12"),
    ("crossref", False, "from-index-date:2024-01-12"),
])
def test_an_update_limits_by_the_date_each_service_records(platform, keyed, expected):
    from litreview.search import Limits

    strategy = parse_strategy("database: ERIC\n\n#1 Leadership (ft)\n", "s.txt")
    result = compile_strategy(strategy, platform, keyed=keyed,
                              limits=Limits((2002, 2024), ("English",), since="2024-01-12"))
    assert result.limits.startswith(expected)
    assert "2002" not in result.limits  # the years give way to the date of the last search
    assert any("needs an API key" in w for w in result.warnings) == (
        platform == "openalex" and not keyed)


@EACH
def test_the_compiled_request_is_the_first_the_service_sends(s):
    """`litreview query compile` prints the first request (without the contact, which the
    search adds); ERIC's is the one its service sends too."""
    limits = "years 2002-2024" + ("; language English" if s.api == "openalex" else "")
    text = STRATEGIES[f"{s.api}.txt"].replace("\n\n", f"\nlimits: {limits}\n\n", 1)
    strategy = parse_strategy(text, "s.txt")
    lines = render_compiled(compile_strategy(strategy, s.api), strategy).splitlines()
    first = dict(params(s.query, "*", s.api, contact=""))
    del first["email" if s.api == "europepmc" else "mailto"]
    size = {"europepmc": "pageSize", "openalex": "per-page", "crossref": "rows"}[s.api]
    first[size] = {"europepmc": "1000", "openalex": "200", "crossref": "1000"}[s.api]
    assert lines[-4] == s.query
    assert lines[-2].endswith("API request (litreview search run adds the review's contact)")
    assert lines[-1] == f"{s.base}?{urllib.parse.urlencode(first)}"
    request = make_service(s.api).next_request(s.query, Progress())
    assert request is not None and request.url == lines[-1]
    eric = parse_strategy("database: ERIC\nlimits: years 2002-2024\n\n#1 Leadership\n"
                          "#2 Multiagency (ft) or multi agency (ft)\n#3 #1 and #2\n", "s.txt")
    eric_lines = render_compiled(compile_strategy(eric, "eric"), eric).splitlines()
    assert eric_lines[-4:] == [ERIC_QUERY, "", "## ERIC API request", eric_url(0, rows=2000)]


# --- the searches ----------------------------------------------------------------------------

@EACH
def test_each_service_pages_by_its_cursor_and_saves_the_pages_as_they_came(review, s):
    played = replay(s, *pages(s))
    outcome = run_search(searched(review, s), played.wiring())
    assert played.urls == [s.url(1), s.url(2)]
    assert (outcome.reported, outcome.received) == (3, 3)
    assert outcome.export == f"data/exports/{s.slug}/{s.slug}_2026-05-04.json"
    saved = export(review, s).read_bytes()
    assert saved == (b"[\n" + body(s.fixture("page1")) + b",\n" + body(s.fixture("page2"))
                     + b"\n]\n")
    assert [len(p.get("resultList", {}).get("result", p.get("results", p.get(
        "message", {}).get("items")))) for p in json.loads(saved)] == [2, 1]
    record = sidecar(review, s)
    assert record["api"] == s.api and record["query"] == s.query
    assert record["requests"] == played.urls
    assert (record["reported"], record["received"], record["date"]) == (3, 3, "2026-05-04")
    assert record["export"] == export(review, s).name and len(record["sha256"]) == 64
    assert played.clock.slept == [0.2]  # five requests a second
    user_agent = played.router.calls[0].request.headers["User-Agent"]
    assert f"mailto:{CONTACT}" in user_agent  # the polite pool, by header too
    assert not (review / f"data/exports/{s.slug}/.partial").exists()


@EACH
def test_an_empty_result_saves_the_record_of_the_search_only(review, s):
    played = replay(s, ok(s.fixture("empty")))
    outcome = run_search(searched(review, s), played.wiring())
    assert played.urls == [s.url(1)] and outcome.export is None
    assert not export(review, s).exists()
    record = sidecar(review, s)
    assert (record["reported"], record["received"], record["export"]) == (0, 0, None)


@EACH
def test_a_429_is_waited_out_then_the_search_goes_on(review, s):
    played = replay(s, httpx.Response(429, headers={"Retry-After": "3"}), *pages(s))
    assert run_search(searched(review, s), played.wiring()).received == 3
    assert played.urls == [s.url(1), s.url(1), s.url(2)]
    assert played.clock.slept == [3.0, 0.2]
    assert sidecar(review, s)["requests"] == [s.url(1), s.url(2)]


@EACH
def test_a_500_gives_up_after_the_tries_with_a_located_error(review, s):
    played = replay(s, *[httpx.Response(500)] * 3)
    with pytest.raises(InputError) as caught:
        run_search(searched(review, s), played.wiring(tries=3))
    problem = caught.value.problems[0]
    assert problem.file == s.db  # no page was kept: there is no partial folder to name
    assert problem.message == f"gave up after 3 tries of {s.base.split('://')[1]}?…: HTTP 500"
    assert played.clock.slept == [2.0, 4.0]
    assert not export(review, s).exists()


@EACH
def test_a_page_short_of_the_count_reported_is_a_located_error(review, s):
    short = body(s.fixture("page2")).replace(s.reported.encode(), s.reported.encode()
                                             .replace(b"3", b"4"))
    played = replay(s, ok(s.fixture("page1")), httpx.Response(200, content=short))
    with pytest.raises(InputError, match="now reports 4 records; the search began with 3"):
        run_search(searched(review, s), played.wiring())
    cut = json.loads(body(s.fixture("page2")))
    for records in (cut.get("resultList", {}).get("result"), cut.get("results"),
                    cut.get("message", {}).get("items")):
        if records is not None:
            records.clear()
    again = [ok(s.fixture("page1"))] if s.api == "crossref" else []  # its cursor lapsed
    played = replay(s, *again, httpx.Response(200, content=json.dumps(cut).encode()))
    with pytest.raises(InputError) as caught:
        run_search(searched(review, s), played.wiring())  # resumed
    problem = caught.value.problems[0]
    assert problem.file == f"data/exports/{s.slug}/.partial"
    assert problem.message == (f"the page from record 2 holds 0 records; the service reported "
                               f"3, so 1 were due: {s.url(2)}")
    assert not export(review, s).exists()


@pytest.mark.parametrize(("s", "stuck"), [
    (APIS[0], lambda b: b.replace(EPMC_NEXT[0].encode(), b"*")),  # the cursor sent, again
    (APIS[1], lambda b: b.replace(f'"{OPENALEX_NEXT}"'.encode(), b"null")),
    (APIS[2], lambda b: b.replace(f'"{CROSSREF_NEXT}"'.encode(), b"null")),
], ids=[s.api for s in APIS])
def test_a_cursor_that_stops_before_the_count_is_a_located_error(review, s, stuck):
    played = replay(s, httpx.Response(200, content=stuck(body(s.fixture("page1")))))
    with pytest.raises(InputError) as caught:
        run_search(searched(review, s), played.wiring())
    assert ("the page from record 0 gives no next cursor while 1 of the 3 records reported "
            "are still to come") in caught.value.problems[0].message
    assert len(played.urls) == 1


def test_a_truncated_reply_is_a_located_error(review):
    s = APIS[1]
    played = replay(s, httpx.Response(200, content=body(s.fixture("page1"))[:300]))
    with pytest.raises(InputError) as caught:
        run_search(searched(review, s), played.wiring())
    assert "the page from record 0 is not a whole OpenAlex API response (JSONDecodeError" in \
        caught.value.problems[0].message
    error = b'{"version": "6.9", "errMsg": "Syntax error in query"}'
    played = replay(APIS[0], httpx.Response(200, content=error))
    with pytest.raises(InputError, match=r"not a whole Europe PMC REST API response .*Syntax "
                       r"error in query"):
        run_search(searched(review, APIS[0]), played.wiring())


@EACH
def test_an_interrupted_search_resumes(review, s):
    """Europe PMC's and OpenAlex's cursors keep: the next page only; Crossref's lapses after
    five minutes: from the first page again."""
    first = replay(s, ok(s.fixture("page1")), *[httpx.Response(502)] * 2)
    with pytest.raises(InputError, match="gave up after 2 tries"):
        run_search(searched(review, s), first.wiring(tries=2))
    partial = review / f"data/exports/{s.slug}/.partial"
    assert (partial / "page-00001.json").read_bytes() == body(s.fixture("page1"))
    again = replay(s, *(pages(s) if s.api == "crossref" else pages(s)[1:]))
    outcome = run_search(searched(review, s), again.wiring())
    expected = [s.url(1), s.url(2)] if s.api == "crossref" else [s.url(2)]
    assert again.urls == expected
    assert outcome.resumed and outcome.received == 3
    assert sidecar(review, s)["requests"] == [s.url(1), *expected]
    assert export(review, s).read_bytes() == (
        b"[\n" + body(s.fixture("page1")) + b",\n" + body(s.fixture("page2")) + b"\n]\n")


def test_the_openalex_key_is_sent_and_written_nowhere(review, monkeypatch):
    s = APIS[1]
    monkeypatch.setenv("OPENALEX_API_KEY", "SECRET")
    played = replay(s, *pages(s))
    search = searched(review, s, update=True)
    assert search.query.endswith("&filter=from_created_date:2024-01-14,language:en")
    run_search(search, played.wiring())
    keyed = replace(s, query=search.query)
    assert played.urls == [keyed.url(1, key="SECRET"), keyed.url(2, key="SECRET")]
    assert sidecar(review, s)["requests"] == [keyed.url(1), keyed.url(2)]
    assert "SECRET" not in export(review, s).with_suffix(".search.json").read_text()


@EACH
def test_the_saved_file_imports_with_its_provenance(review, s):
    from litreview.importers import FORMATS, import_export

    fmt = f"{s.api}-json"
    if fmt not in FORMATS:
        pytest.skip(f"the {fmt} importer is not written yet")
    run_search(searched(review, s), replay(s, *pages(s)).wiring())
    imported = import_export(export(review, s), database=s.db, fmt="auto",
                             display_path=f"data/exports/{s.slug}/x.json")
    assert imported.format == fmt and not imported.rejects
    assert len(imported.records) == 3
    ids = {"europepmc": ["MED:39100001", "MED:39100002", "PPR:PPR900003"],
           "openalex": ["W4390000001", "W4390000002", "W4390000003"],
           "crossref": ["10.1080/13561820.2023.0300001", "10.1080/13632434.2019.0300002",
                        "10.4135/9781446200003"]}[s.api]
    assert [r.source_id for r in imported.records] == ids
    original = imported.records[0].original_fields()
    assert original["_query"] == s.query and original["_request"] == s.url(1)
    assert original["_searched_at"] == "2026-05-04T09:30:00+00:00"


# --- the command -----------------------------------------------------------------------------

def test_dry_run_prints_each_query_and_warns_of_crossref(review, capsys, monkeypatch):
    monkeypatch.setattr(httpx.Client, "send", lambda *a, **k: pytest.fail("a request"))
    assert main(["search", "run", "--review", str(review), "--dry-run"]) == 0
    captured = capsys.readouterr()
    for s in APIS:
        assert f"  query:   {s.query}" in captured.out
    assert f"  first:   {APIS[0].base}?query=" in captured.out
    assert "&pageSize=1000&format=json&email=librarian%40example.org" in captured.out
    assert "warning: Crossref: Crossref's search is NOT boolean" in captured.err
    today = dt.date.today().isoformat()
    assert f"  save as: data/exports/europe-pmc/europe-pmc_{today}.json" in captured.out


def test_the_other_searches_still_run(review):
    """ERIC's requests are what they were (the compiler now shows the same first one)."""
    config = review / "review.yaml"
    config.write_text(config.read_text().replace(
        "databases:\n", "databases:\n  - name: ERIC\n    host: ERIC API\n    api: eric\n"
        "    strategy: search_strategies/eric.txt\n    searched: 2024-01-10\n"
        "    limits: {years: [2002, 2024]}\n", 1))
    config_read = load_review(review, searching=True)
    search = plan_search(review, config_read, config_read.source("eric"), day=DAY)
    played = Replay()
    played.serve(ERIC, [ok("eric_page1.json"), ok("eric_page2.json")])
    run_search(replace(search, service=replace(search.service, rows=2)), played.wiring())
    assert played.urls == [eric_url(0), eric_url(2)]
