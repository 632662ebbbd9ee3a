"""Compiled strategies: golden files for the example's six strategies on every platform,
and the rules that decide headings, explode, phrases, truncation and limits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO
from litreview.search import (
    PLATFORMS,
    HeadingMap,
    Limits,
    Thesaurus,
    compile_strategy,
    parse_strategy,
    render_compiled,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
STRATEGIES = sorted((REPO / "search_strategies").glob("*.txt"))
UPDATE = os.environ.get("LITREVIEW_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("platform", list(PLATFORMS))
@pytest.mark.parametrize("path", STRATEGIES, ids=lambda p: p.stem)
def test_golden(path: Path, platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Compiled as workflow/rules/search.smk does, in the review directory with its config
    (database name, thesaurus, heading map, limits): the goldens are what the workflow
    writes to results/search/<db>.<platform>.txt."""
    from litreview.cli import main

    monkeypatch.chdir(REPO)
    out = tmp_path / f"{path.stem}.{{platform}}.txt"
    assert main(["query", "compile", f"search_strategies/{path.name}", "--to", platform,
                 "--review", ".", "-o", str(out)]) == 0
    text = Path(str(out).replace("{platform}", platform)).read_text(encoding="utf-8")
    golden = GOLDEN / f"{path.stem}.{platform}.txt"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with LITREVIEW_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def compiled(text: str, platform: str, **kw) -> str:
    strategy = parse_strategy("database: ERIC\n\n" + text, "s.txt")
    result = compile_strategy(strategy, platform, **kw)
    return "\n".join(line for _, _, line in result.history) or result.queries[0][1]


@pytest.mark.parametrize(("platform", "expected"), [
    ("proquest", "TI,AB,IF(Children* PRE/0 service*)"),
    ("ebsco", '(TI "Children* service*" OR AB "Children* service*" OR SU "Children* service*")'),
    ("ovid", "(Children$ adj service$).ti,ab,kf."),
    ("pubmed", '"Children* service*"[tiab]'),
    ("wos", 'TS=("Children* service*")'),
    ("scopus", "TITLE-ABS-KEY(Children* PRE/0 service*)"),
    ("eric", "(title:(Children* AND service*) OR description:(Children* AND service*))"),
])
def test_multi_word_free_text_is_a_phrase_never_an_and(platform, expected):
    assert compiled("#1 Children* service* (ft)", platform) == expected


@pytest.mark.parametrize(("platform", "expected"), [
    ("proquest", 'MAINSUBJECT.EXACT.EXPLODE("Schools")'),
    ("ebsco", '(DE "Schools" OR DE "Primary schools" OR DE "Infant schools")'),
    ("ovid", "exp Schools/"),
    ("eric", '(subject:"Schools" OR subject:"Primary schools" OR subject:"Infant schools")'),
])
def test_explode_is_native_or_narrower_terms(platform, expected):
    thesaurus = Thesaurus({"schools": "Schools", "primary schools": "Primary schools",
                           "infant schools": "Infant schools"},
                          {"schools": ("primary schools",), "primary schools": ("infant schools",)})
    assert compiled("#1 Schools (exp)", platform, thesaurus=thesaurus) == expected


def test_headings_are_never_pasted_into_another_thesaurus():
    strategy = parse_strategy("database: ASSIA\n\n#1 Leaders\n#2 Leadership\n", "s.txt")
    result = compile_strategy(strategy, "pubmed")
    assert [line for _, _, line in result.history] == ["Leaders[tiab]", "Leadership[tiab]"]
    assert any("no MeSH heading is mapped for 2 ASSIA heading(s)" in w for w in result.warnings)
    mapped = compile_strategy(strategy, "pubmed",
                              heading_map=HeadingMap({("leadership", "mesh"): "Leadership"}))
    assert [line for _, _, line in mapped.history] == ["Leaders[tiab]",
                                                      '"Leadership"[mh:noexp]']
    native = compile_strategy(strategy, "proquest")
    assert native.history[0][2] == 'MAINSUBJECT.EXACT("Leaders")' and not native.warnings


def test_history_forms_and_single_query():
    text = "#1 Leaders\n#2 Leadership\n#3 Directors\n#4 #1 or #2 ... or #3\n" \
           "#5 Multiagency (ft) or multi agency (ft)\n#6 #4 and #5\n"
    assert compiled(text, "ovid").splitlines()[3:] == [
        "or/1-3", '(Multiagency or "multi agency").ti,ab,kf.', "(4 and 5)"]
    assert compiled(text, "ebsco").splitlines()[3] == "(S1 OR S2 OR S3)"
    assert compiled(text, "pubmed", target="ERIC").splitlines()[5] == "(#4 AND #5)"
    strategy = parse_strategy("database: ERIC\n\n" + text, "s.txt")
    scopus = compile_strategy(strategy, "scopus")
    assert scopus.history == ()
    assert scopus.queries[0][1] == (
        '((TITLE-ABS-KEY(Leaders) OR TITLE-ABS-KEY(Leadership) OR TITLE-ABS-KEY(Directors)) '
        'AND TITLE-ABS-KEY(Multiagency OR "multi agency"))')


@pytest.mark.parametrize(("platform", "expected"), [
    ("proquest", "YR(2002-2008) AND LA(English)"),
    ("ebsco", "DT 2002-2008 AND LA English"),
    ("ovid", 'yr="2002 - 2008" and english.lg.'),
    ("pubmed", "2002:2008[dp] AND english[la]"),
    ("wos", "PY=(2002-2008) AND LA=(English)"),
    ("scopus", "PUBYEAR > 2001 AND PUBYEAR < 2009 AND LANGUAGE(english)"),
])
def test_limits_per_platform(platform, expected):
    strategy = parse_strategy("database: ERIC\nlimits: years 2002-2008; language English\n\n"
                              "#1 Leadership\n", "s.txt")
    result = compile_strategy(strategy, platform)
    assert result.limits == expected
    assert result.queries[0][1].endswith(expected)


def test_ovid_history_limits_with_the_limit_command():
    strategy = parse_strategy("database: ERIC\nlimits: years 2002-2008; language English\n\n"
                              "#1 Leadership\n", "s.txt")
    result = compile_strategy(strategy, "ovid")
    assert result.history[-1][2] == 'limit 1 to (yr="2002 - 2008" and english language)'


def test_truncation_and_wildcard_symbols():
    assert compiled("#1 organi?ation* (ft)", "ovid") == "organi?ation$.ti,ab,kf."
    assert compiled("#1 organi?ation (ft)", "ebsco").startswith("(TI organi#ation")
    assert compiled("#1 organi?ation (ft)", "wos") == "TS=(organi$ation)"


@pytest.mark.parametrize(("line", "expected"), [
    ("colo?r", "(color[tiab] OR colour[tiab])"),
    ("wom?n", "(woman[tiab] OR women[tiab])"),
    ("organi?ation*", "(organisation*[tiab] OR organization*[tiab])"),
    ("colo?r organi?ation", '("color organisation"[tiab] OR "color organization"[tiab] OR '
                            '"colour organisation"[tiab] OR "colour organization"[tiab])'),
])
def test_pubmed_question_mark_becomes_the_spellings(line, expected):
    strategy = parse_strategy(f"database: ERIC\n\n#1 {line} (ft)\n", "s.txt")
    result = compile_strategy(strategy, "pubmed")
    assert result.queries[0][1] == expected
    assert not result.warnings


def test_pubmed_unknown_question_mark_is_dropped_or_widened_with_a_warning():
    strategy = parse_strategy("database: ERIC\n\n#1 p?ediatric (ft) or child? (ft)\n"
                              "#2 colo?r p?ediatric (ft)\n#3 #1 or #2\n", "s.txt")
    result = compile_strategy(strategy, "pubmed")
    assert result.queries[0][1] == ('((pediatric[tiab] OR child*[tiab]) OR ("color pediatric"'
                                    '[tiab] OR "colour pediatric"[tiab]))')
    assert [w for w in result.warnings if "'?'" in w] == [
        "PubMed has no '?' wildcard: 'p?ediatric' is searched as 'pediatric' (list its "
        "spellings as separate (ft) terms)",
        "PubMed has no '?' wildcard: 'child?' is searched as 'child*' (list its spellings as "
        "separate (ft) terms)"]


@pytest.mark.parametrize("platform", ["proquest", "scopus"])
def test_question_mark_warns_where_it_is_exactly_one_character(platform):
    strategy = parse_strategy("database: ERIC\n\n#1 wom?n (ft)\n", "s.txt")
    warnings = compile_strategy(strategy, platform).warnings
    assert any("'?' is exactly one character" in w and "wom?n" in w for w in warnings)


@pytest.mark.parametrize("database", ["MEDLINE", "CINAHL"])
def test_ebsco_medline_and_cinahl_headings_use_mh(database):
    strategy = parse_strategy(f"database: {database}\n\n#1 Leadership\n#2 Schools (exp)\n"
                              "#3 #1 or #2\n", "s.txt")
    history = [text for _, _, text in compile_strategy(strategy, "ebsco").history]
    assert history[:2] == ['MH "Leadership"', 'MH "Schools+"']
    eric = parse_strategy("database: ERIC\n\n#1 Leadership\n", "s.txt")
    assert compile_strategy(eric, "ebsco").history[0][2] == 'DE "Leadership"'


def test_explode_searched_as_free_text_is_expanded_or_said_lost():
    strategy = parse_strategy("database: BEI\n\n#1 Schools (exp)\n", "s.txt")
    thesaurus = Thesaurus({"schools": "Schools", "primary schools": "Primary schools"},
                          {"schools": ("primary schools",)})
    expanded = compile_strategy(strategy, "ovid", thesaurus=thesaurus)
    assert expanded.queries[0][1] == '(Schools or "Primary schools").ti,ab,kf.'
    assert ("'Schools (exp)' is searched as free text on Ovid: the explode is expanded to its "
            "1 narrower heading(s), as free text too") in expanded.warnings
    lost = compile_strategy(strategy, "ovid")
    assert lost.queries[0][1] == "Schools.ti,ab,kf."
    assert any("'Schools (exp)'" in w and "the explode is lost" in w for w in lost.warnings)
    pubmed = compile_strategy(strategy, "pubmed", thesaurus=thesaurus).queries[0][1]
    assert pubmed == '(Schools[tiab] OR "Primary schools"[tiab])'


def test_a_strategy_naming_no_database():
    strategy = parse_strategy("#1 Leadership\n", "s.txt")
    warnings = compile_strategy(strategy, "ovid").warnings
    assert warnings == ("the strategy names no database: its headings are searched as free "
                        "text (add a 'database:' header line, or --database)",)
    assert not any(" is not searched on" in w for w in warnings)
    text = render_compiled(compile_strategy(strategy, "ovid"), strategy)
    assert text.startswith("# a strategy naming no database, compiled for Ovid\n")


def test_pairs_compile_to_and_of_alternatives():
    strategy = parse_strategy("database: IBSS\n\nRole + Director of children's services/DCS\n",
                              "s.txt")
    query = compile_strategy(strategy, "wos").queries[0][1]
    assert query == ('(TS=(Role) AND (TS=("Director of children\'s services") OR TS=(DCS)))')
    proquest = compile_strategy(strategy, "proquest", target="IBSS").queries[0][1]
    assert proquest.startswith('((MAINSUBJECT.EXACT("Role") OR TI,AB,IF(Role)) AND ')


def test_the_union_of_pairs_says_it_is_not_in_the_strategy():
    """A list of pairs is a search per pair; the line that unites them is litreview's own,
    and the compiled text says so."""
    strategy = parse_strategy("database: IBSS\n\nLeadership + Public sector\n"
                              "Leadership + Education\n", "s.txt")
    text = render_compiled(compile_strategy(strategy, "ovid"), strategy)
    assert "# line #3 (All pairs) is not in the strategy: litreview adds it" in text
    plain = parse_strategy("database: ERIC\n\n#1 Leadership\n#2 Management\n", "s.txt")
    assert "is not in the strategy" not in render_compiled(compile_strategy(plain, "ovid"),
                                                           plain)


def test_limits_override():
    strategy = parse_strategy("database: ERIC\n\n#1 Leadership\n", "s.txt")
    result = compile_strategy(strategy, "pubmed", limits=Limits((2009, 2010)))
    assert result.queries[0][1].endswith("AND 2009:2010[dp]")


@pytest.mark.parametrize(("platform", "expected"), [
    ("pubmed", "2008/10/07:3000[edat]"),
    ("scopus", "LOAD-DATE AFT 20081007"),
    ("ovid", 'yr="2008 - Current"'),
    ("proquest", "YR(2008-9999)"),
])
def test_update_limits_from_the_last_search_date(platform, expected):
    strategy = parse_strategy("database: ERIC\n\n#1 Leadership\n", "s.txt")
    result = compile_strategy(strategy, platform, limits=Limits(since="2008-10-07"))
    assert result.limits == expected


def test_readme_examples_are_the_compilers_output(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]):
    """The compiled examples (every platform's in docs/compile-examples.md, ProQuest's in the
    README too) are pasted output: they must not drift."""
    import re

    from litreview.cli import main

    docs = (REPO / "docs" / "compile-examples.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(.*?)```", docs[docs.index("`leadership.txt`"):], re.S)
    (tmp_path / "leadership.txt").write_text(blocks[0], encoding="utf-8")
    (tmp_path / "eric.csv").write_text(blocks[1], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    pattern = r"\(`--to (\w+)`\)\n\n```\n(.*?)```"
    shown = dict(re.findall(pattern, docs, re.S))
    assert sorted(shown) == sorted(PLATFORMS)
    in_readme = re.findall(pattern, readme, re.S)
    assert in_readme and all(shown[platform] == text for platform, text in in_readme)
    for platform, text in shown.items():
        assert main(["query", "compile", "leadership.txt", "--to", platform,
                     "--thesaurus", "eric.csv"]) == 0
        assert capsys.readouterr().out == text, platform


def test_thesaurus_and_heading_map_are_sheets(tmp_path: Path):
    """Read by the one sheet reader: XLSX too, a Windows-1252 CSV with a warning, and the
    same located errors (a missing column, an empty heading)."""
    import openpyxl
    from litreview.core.errors import InputError
    from litreview.search import load_heading_map, load_thesaurus

    book = openpyxl.Workbook()
    book.active.append(["Heading", "Broader"])
    book.active.append(["Leaders", "Personnel"])
    book.active.append(["School leaders", "Leaders"])
    book.save(tmp_path / "eric.xlsx")
    thesaurus = load_thesaurus(tmp_path / "eric.xlsx")
    assert thesaurus.narrower("personnel") == ("Leaders", "School leaders")
    assert thesaurus.warnings == ()

    sheet = tmp_path / "map.csv"
    sheet.write_bytes(b"heading,vocabulary,target\nCaf\xe9s,MeSH,Restaurants\n,MeSH,X\n")
    heading_map = load_heading_map(sheet)
    assert heading_map.get("Cafés", "mesh") == "Restaurants"
    assert [str(w) for w in heading_map.warnings] == [
        f"{sheet}:2: not UTF-8: read as Windows-1252 (cp1252) (check the accented letters, "
        "or save the sheet as CSV UTF-8)"]

    sheet.write_text("heading,target\nLeaders,Leadership\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"map.csv:1: missing column\(s\) vocabulary "
                                         r"\(columns: heading, vocabulary, target\)"):
        load_heading_map(sheet)
    sheet.write_text("heading,broader\nLeaders,Personnel\n\n,Personnel\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"map.csv:4: empty heading"):
        load_thesaurus(sheet)
