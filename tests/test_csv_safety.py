"""One formula-neutralisation policy for every CSV the workflow writes, read back exactly.

A spreadsheet runs a cell that starts with ``= + - @``, a tab or a CR. Every CSV under
``results/`` goes through :func:`litreview.core.fileio.neutralise`; every reader of those files,
and the tabular importer given one of the project's own tables, gives back the original
text. ``summary.md`` shows coded values as text.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litreview.core.records import Record, read_records, records_to_csv, write_records
from litreview.core.text import clean_text

FIXTURES = Path(__file__).parent / "fixtures" / "csv_safety"

HOSTILE = ('=HYPERLINK("http://x.example","click")', "+1", "@SUM(A1:A9)", "-cmd",
           "=cmd|' /C calc'!A0", "\tTAB", "'=already quoted")
_RISKY = ("=", "+", "-", "@", "\t", "\r")


def cells(text: str) -> list[str]:
    """Every cell of a CSV text, as a spreadsheet would get it (no reversal)."""
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_neutral(text: str, *originals: str) -> None:
    """No cell of ``text`` would run in a spreadsheet, and each original is there quoted."""
    found = cells(text)
    risky = [c for c in found if c.startswith(_RISKY) and not re.fullmatch(r"-\d+(\.\d+)?", c)]
    assert not risky, f"cells a spreadsheet would run: {risky}"
    for value in originals:
        assert "'" + value in found, f"{value!r} not written as '{value!r}: {found}"


def record(rid: str = "db-1", **fields: object) -> Record:
    return Record(rid, fields.pop("database", "DB"), "data/exports/db/x.ris", 1,  # type: ignore[arg-type]
                  **fields)  # type: ignore[arg-type]


# --- the policy --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("@SUM(A1)", "'@SUM(A1)"), ("-cmd", "'-cmd"),
    ("-", "'-"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-1e5", "'-1e5"), ("-3-2", "'-3-2"),
    ("-3", "-3"), ("-0.25", "-0.25"),  # plain negative numbers are numbers, not formulas
    ("'=x", "''=x"), ("''", "'''"), ("'-cmd", "''-cmd"),  # a real leading quote survives
    ("'a", "'a"), ("'", "'"), ("'-3", "'-3"), ("it's", "it's"), ("", ""),
    ("Leadership", "Leadership"),
])
def test_policy(value: str, written: str):
    from litreview.core.fileio import neutralise, restore

    assert neutralise(value) == written
    assert restore(written) == value


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_PREFIXED = st.builds(lambda p, t: p + t, st.text(st.sampled_from("'=+-@\t\r0123.x"), max_size=4),
                      _TEXT)


@given(_PREFIXED)
@settings(max_examples=400)
def test_any_value_round_trips_and_never_runs(value: str):
    from litreview.core.fileio import neutralise, restore, starts_formula

    assert restore(neutralise(value)) == value
    assert not starts_formula(neutralise(value))
    assert neutralise(value) in (value, "'" + value)


@given(st.lists(st.lists(_PREFIXED, min_size=3, max_size=3), max_size=5))
def test_csv_text_reads_back_exactly(rows: list[list[str]]):
    from litreview.core.fileio import csv_rows, csv_text

    assert csv_rows(csv_text(["a", "b", "c"], rows)) == [["a", "b", "c"], *rows]


_CELL = st.one_of(st.text(alphabet=st.sampled_from('ab ,"\r\n\'=-é'), max_size=8),
                  st.text(max_size=6), st.integers(), st.none())


@given(st.lists(st.lists(_CELL, min_size=1, max_size=4), max_size=4))
@settings(max_examples=400)
def test_a_row_is_the_text_the_csv_module_writes(rows: list[list[object]]):
    """csv_row makes the csv module's text with string methods: the module is the rule."""
    from litreview.core.fileio import csv_row, neutralise

    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    every = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        cells = [neutralise("" if v is None else str(v)) for v in row]
        (every if any("\r" in c for c in cells) else plain).writerow(cells)
    assert "".join(map(csv_row, rows)) == buffer.getvalue()


# --- the records file: written safe, read back exactly --------------------------------------

def test_records_file_is_neutralised_and_reads_back(tmp_path: Path):
    hostile = record(title="-Leadership in schools", authors=("@someone", "Brown, A."),
                     journal="=HYPERLINK(\"http://x.example\")", doi="10.1000/one",
                     subjects=("+Adolescent", "Schools"), abstract="'=not a formula",
                     volume="-3", pages="-")
    path = tmp_path / "records.csv"
    write_records(path, [hostile])
    assert_neutral(path.read_text(), "-Leadership in schools", "@someone; Brown, A.",
                   "=HYPERLINK(\"http://x.example\")", "+Adolescent; Schools", "'=not a formula",
                   "-")
    assert "-3" in cells(path.read_text())  # a number stays a number
    assert read_records(path) == [hostile]


_CLEAN = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=10).map(clean_text)
_FIELD = st.builds(lambda p, t: clean_text(p + t), st.text(st.sampled_from("'=+-@0x"), max_size=3),
                   _CLEAN)
_ITEMS = st.lists(_FIELD.filter(lambda v: v and ";" not in v), max_size=3, unique=True).map(tuple)


@given(st.builds(lambda t, a, j, k, n: record(title=t, authors=a, journal=j, keywords=k,
                                               abstract=n), _FIELD, _ITEMS, _FIELD, _ITEMS,
                 _TEXT))
@settings(max_examples=150)
def test_records_round_trip(tmp_path_factory: pytest.TempPathFactory, hostile: Record):
    path = tmp_path_factory.mktemp("rt") / "records.csv"
    write_records(path, [hostile])
    assert read_records(path) == [hostile]
    included = path.with_name("included.csv")
    included.write_text(records_to_csv([hostile], ("sources",)))
    assert read_records(included) == [hostile]


# --- every other CSV under results/ ----------------------------------------------------------

def _dedupe_files() -> list[tuple[str, str, tuple[str, ...]]]:
    from litreview.dedupe import UncertainPair, groups_csv, overlap_csv, uncertain_csv

    recs = [record("a-1", database="@Alpha", title="=HYPERLINK(\"x\")"),
            record("b-1", database="Beta", title="-cmd", authors=("+1",))]
    groups = {"a-1": "a-1", "b-1": "a-1"}
    return [
        ("groups.csv", groups_csv(groups, recs), ("@Alpha",)),
        ("uncertain_pairs.csv", uncertain_csv([UncertainPair("a-1", "b-1", 91.0, "-why")], recs),
         ("=HYPERLINK(\"x\")", "-cmd", "+1", "-why", "@Alpha")),
        ("overlap.csv", overlap_csv(groups, recs, ["@Alpha", "Beta"]), ("@Alpha",)),
    ]


def _screening_files() -> list[tuple[str, str, tuple[str, ...]]]:
    from litreview.core.contracts import AGREEMENT_COLUMNS, STATUS_COLUMNS, TO_SCREEN_COLUMNS
    from litreview.screening import table_csv

    return [
        ("to_screen.csv", table_csv(TO_SCREEN_COLUMNS, [["db-1", *HOSTILE[:6], "", "", "", "", "",
                                                         "", "", "", "", ""]],
                                    preamble=[["+note above the header"]]),
         (*HOSTILE[:6], "+note above the header")),
        ("status.csv", table_csv(STATUS_COLUMNS, [["db-1", "full_text", "not_retrieved",
                                                   "not_retrieved", "@bob", "=cmd|' /C calc'!A0"]]),
         ("@bob", "=cmd|' /C calc'!A0")),
        ("agreement.csv", table_csv(AGREEMENT_COLUMNS, [["title_abstract", "@ann", "+bob", 4, 2,
                                                         "50.0", "-0.250"]]), ("@ann", "+bob")),
        ("conflicts.csv", table_csv(["stage", "record_id", "decisions", "resolution"],
                                    [["title_abstract", "db-1", "-ann: include", "unresolved"]]),
         ("-ann: include",)),
    ]


def _coded(title: str, values: dict[str, str], because: str = "why"):
    """A form of a text field, an open any_of field and a one-level typology, and one study
    coded by it (its level given as ``because``), with what the coding writes of it."""
    from litreview.coding import (
        CSV_HEADER,
        Classified,
        CodedStudy,
        Field,
        Form,
        Level,
        Typology,
        frequency,
        studies_table,
        table_csv_rows,
    )
    from litreview.core.fileio import csv_text

    form = Form((Field("country", "text", "Country"),
                 Field("focus", "any_of", "Focus", open=True),
                 Field("vulnerable_group", "text", "Group")),
                typologies=(Typology("level", (Level("Research", ()),), "Level"),))
    study = CodedStudy("db-1", "2007", title, {**values, "level": "Research"},
                       {"level": Classified("Research", because, False, "Research")})
    tables = [frequency(form, [study.values], f.id) for f in form.fields]
    summary = csv_text(CSV_HEADER, [r for t in tables for r in table_csv_rows(t)])
    return form, study, tables, summary, csv_text(*studies_table(form, [study]))


def _other_files() -> list[tuple[str, str, tuple[str, ...]]]:
    from litreview.cli.records import _rejects_csv
    from litreview.core.errors import Problem
    from litreview.importers import Reject
    from litreview.search import LineHits, hits_csv

    *_, summary, studies = _coded("=HYPERLINK(\"x\")", {
        "country": "@England", "focus": "-children's services; +schools"}, "-rule")
    return [
        ("hits.csv", hits_csv([LineHits(1, "-label", "=cmd|' /C calc'!A0", 3, 1, 2)]),
         ("-label", "=cmd|' /C calc'!A0")),
        ("summary.csv", summary, ("@England", "-children's services", "+schools")),
        ("studies.csv", studies, ("=HYPERLINK(\"x\")", "-rule")),
        ("rejects.csv", _rejects_csv([Reject(Problem("x.ris", "-bad", 3), "=cmd|' /C calc'!A0")]),
         ("-bad", "=cmd|' /C calc'!A0")),
    ]


@pytest.mark.parametrize("make", [_dedupe_files, _screening_files, _other_files])
def test_every_results_csv_is_neutralised(make):
    for name, text, originals in make():
        try:
            assert_neutral(text, *originals)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


def test_negative_kappa_stays_a_number():
    from litreview.core.contracts import AGREEMENT_COLUMNS
    from litreview.screening import table_csv

    text = table_csv(AGREEMENT_COLUMNS, [["title_abstract", "ann", "bob", 4, 1, "25.0", "-0.333"]])
    assert "-0.333" in cells(text)


def test_prisma2020_template_is_neutralised(tiny_review: Path):
    from litreview.core.review import load_review
    from litreview.reporting import prisma2020_csv, prisma_counts
    from litreview.screening import Outcome, load_criteria

    review = load_review(tiny_review)
    criteria = load_criteria(tiny_review / review.criteria)
    counts = prisma_counts(review, {"alpha-A1": "Alpha"}, {"alpha-A1": "alpha-A1"},
                           [Outcome("alpha-A1", "title_abstract", "included")], criteria)
    counts["identification"]["databases"] = {"@Alpha": 1}
    assert_neutral(prisma2020_csv(counts), "@Alpha, 1")


# --- the workflow's readers of those files --------------------------------------------------

def test_readers_give_back_the_original_text(tmp_path: Path):
    from litreview.audit.manifest import derived_counts
    from litreview.cli.reporting import _read_status
    from litreview.core.contracts import STATUS_COLUMNS
    from litreview.core.fileio import CsvDictReader
    from litreview.dedupe import groups_csv
    from litreview.reporting.report import _csv_rows
    from litreview.screening import table_csv

    recs = [record("a-1", database="@Alpha")]
    rows = list(CsvDictReader(io.StringIO(groups_csv({"a-1": "a-1"}, recs), newline="")))
    assert rows == [{"record_id": "a-1", "group_id": "a-1", "database": "@Alpha",
                     "joined_to": "", "rule": ""}]

    status = tmp_path / "status.csv"
    status.write_text(table_csv(STATUS_COLUMNS, [["a-1", "full_text", "not_retrieved",
                                                  "not_retrieved", "@bob", "-no copy"]]))
    assert [(o.decided_by, o.note) for o in _read_status(str(status))] == [("@bob", "-no copy")]

    *_, summary, studies = _coded("-Leadership", {"country": "=England"})
    coding = derived_counts({}, [], summary)["coding"]
    assert coding["Country"] == {"=England": 1}
    assert _csv_rows(studies)[1][0][2] == "-Leadership"


# --- importing the project's own files, and foreign ones -----------------------------------

def _titles(path: Path) -> list[str]:
    from litreview.importers import import_export

    imported = import_export(path, database="Other review", fmt="csv")
    assert not imported.rejects
    return [r.title for r in imported.records]


def test_importing_another_reviews_included_csv_gives_the_original_text():
    from litreview.importers import import_export

    path = FIXTURES / "included_other_review.csv"
    assert _titles(path) == ["=HYPERLINK(\"http://x.example\",\"Leadership\")",
                             "'=not a formula: a title that starts with a quote",
                             "'Plain' quotes stay as they are"]
    first, second, third = import_export(path, database="Other review", fmt="csv").records
    assert first.authors == ("@someone", "Brown A.") and first.journal == "-cmd Journal"
    assert first.subjects == ("+Adolescent", "Schools") and first.pages in ("-", "")
    assert second.volume == "-3" and second.abstract == "''Twas the night''"
    assert third.abstract == "-0.25 is a number"
    # the fixture is what the project writes: the reader gives the records, they write back
    assert records_to_csv(read_records(path), ("sources", "members")) == path.read_text()


def test_importing_another_reviews_to_screen_csv_gives_the_original_text():
    path = FIXTURES / "to_screen_other_review.csv"
    assert _titles(path) == ["@SUM(A1:A9) of leadership", "'@ not a formula"]


def test_a_foreign_csv_keeps_its_leading_quotes():
    assert _titles(FIXTURES / "foreign_leading_quotes.csv") == [
        "''Twas ever thus'': TeX quotes in a scraped title", "'-ing forms in learner English",
        "'+Adolescent' as a heading"]


# ASCII: the importers repair mojibake (ftfy), so ``Ü¤`` would rightly come back as ``ܤ``
_ASCII_FIELD = st.builds(lambda p, t: clean_text(p + t),
                         st.text(st.sampled_from("'=+-@0x"), max_size=3),
                         st.text(st.characters(codec="ascii", exclude_categories=("Cc",)),
                                 max_size=10))


@given(st.lists(_ASCII_FIELD.filter(bool), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_import_of_the_projects_records_file_round_trips(tmp_path_factory, titles):
    from litreview.importers import import_export

    path = tmp_path_factory.mktemp("imp") / "included.csv"
    path.write_text(records_to_csv([record(f"db-{i}", title=t, source_id=f"S{i}")
                                    for i, t in enumerate(titles)]))
    imported = import_export(path, database="Other review", fmt="csv")
    assert [r.title for r in imported.records] == titles


# --- summary.md ------------------------------------------------------------------------------

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def test_summary_markdown_shows_coded_values_as_text():
    from litreview.coding import summary_markdown
    from litreview.core.text import markdown_plain

    hostile = ["<script>alert(1)</script>", "**bold**", "a|b", "[link](http://x.example)",
               "line\nbreak", "`code` & $x$ ~~struck~~"]
    form, study, tables, *_ = _coded("<b>Title</b> | with a pipe", {
        "country": hostile[0], "focus": "; ".join(hostile[1:]), "vulnerable_group": "**bold**"},
        "rule_with_underscores")
    text = summary_markdown(form, tables, [study], ["<awaiting>"])
    assert "<script>" not in text and "<b>" not in text and "<awaiting>" not in text
    assert "**bold**" not in text and "[link](" not in text
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            n = len(_CELL_SPLIT.split(line)) - 2
            assert n in (3, 4), f"a value broke the table: {line}"
    assert r"| \<script\>alert(1)\</script\> | 1 |" in text
    assert r"| a\|b | 1 |" in text and "| line break | 1 |" in text
    assert r"rule\_with\_underscores" in text
    narrative = text.splitlines()[2]
    assert "By level: Research 1 (100%)." in markdown_plain(narrative)  # what the report shows


@given(st.text(st.characters(exclude_categories=("Cs", "Cc"))))
def test_markdown_escaping_reverses(value: str):
    from litreview.core.text import markdown_plain, markdown_text

    assert markdown_plain(markdown_text(value)) == " ".join(value.split())
