"""Each lint check, with a strategy that triggers it and one that does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO
from litreview.core.review import Limits as ConfigLimits
from litreview.core.review import Source, load_review
from litreview.search import Thesaurus, has_errors, lint_text, render


def strategy_notes(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lower().startswith("note:")]


def codes(text: str, **kw) -> list[str]:
    return [f.code for f in lint_text(text, "s.txt", **kw)[1]]


@pytest.mark.parametrize(("text", "code"), [
    ("#1 Leaders\n#2 (#1 or\n", "S001"),
    ("#1 Leaders\n#2 #1 or #7\n", "S002"),
    ("#1 #2 or #3\n#2 Leaders\n#3 Leadership\n", "S003"),
    ("#1 Leaders\n#2 Leadership\n#3 Directors\n#4 #1 or #2\n", "S004"),
    ("#1 Leaders\n#2 Leadership\n#3 #1 or #2\n#4 Directors\n#5 #1 or #3 ... or #4\n", "S005"),
    ("#1 Leaders\n#2 Leadership\n#3 #1 or #2\n#4 Directors\n#5 #1 or #2 ... or #4\n", "S005"),
    ("#1 Leaders\n#2 leaders\n#3 #1 or #2\n", "S006"),
    ("#1 ch* (ft)\n", "S007"),
    ("#1 Leaders\n#2 Leadership\n#3 Directors\n#4 #1 or #2 and #3\n", "S008"),
    ("#1 multi agency (ft)\n", "S009"),
    ("#1 Leaderz\n", "S010"),
    ("#1 Leader*\n", "S012"),
    ("#1 Director* and children* (ft)\n", "S013"),
    ("#1 Voluntary and community organisations\n", "S014"),
    ("#1 Leaders\n#2 Directors\n#3 #1 not #2\n", "S015"),
    ("#1 Leaders or Teachers\n", "S016"),
    ("#1 teams (ft) or team* (ft)\n", "S018"),
])
def test_each_check_fires(text, code):
    thesaurus = Thesaurus({"leaders": "Leaders", "teachers": "Teachers"})
    assert code in codes(text, thesaurus=thesaurus)


def test_clean_strategy_has_no_findings():
    text = "Leadership set\n#1 Leaders\n#2 Leadership\n#3 #1 or #2\n#4 Multiagency (ft)\n" \
           "#5 #3 and #4\n"
    assert codes(text, thesaurus=Thesaurus({"leaders": "Leaders", "leadership": "Leadership"})) \
        == []


def test_final_header_declares_several_results():
    text = "final: #3, #4\n\n#1 Leaders\n#2 Directors\n#3 #1 or #2\n#4 #1 and #2\n"
    assert "S004" not in codes(text)
    assert "S004" in codes(text.replace("final: #3, #4", "final: #4"))


def test_findings_carry_line_severity_and_advice():
    _, findings = lint_text("database: X\n\n#1 Leaders\n#2 #1 or #9\n", "s.txt")
    finding = next(f for f in findings if f.code == "S002")
    assert (finding.line, finding.column, finding.severity) == (4, 10, "error")
    assert str(finding) == ("s.txt:4:10: error S002: #2 refers to #9, which is not defined — "
                            "check the line numbers")
    assert has_errors(findings)


def test_syntax_errors_print_file_line_column():
    _, findings = lint_text("#1 Leaders\n#2 Leaders or\n#3 (#1 or #2\n", "e.txt")
    printed = [str(f) for f in findings if f.code == "S001"]
    assert printed[0].startswith("e.txt:2:12: error S001: expected a term after 'or'")
    assert printed[1].startswith("e.txt:3:13: error S001: expected ')', found end of line")


@pytest.mark.parametrize(("text", "line"), [
    ("", 1), ("database: ERIC\nlimits: none\n", 1), ("#1 (Leaders\n", 1),
    ("database: X\n\n#1 (Leaders\n", 3), ("Leadership set\n#1\n", 2),
    ("database: X\nfinal: #4\n\n#1 (Leaders\n", 2),
])
def test_strategies_without_a_parseable_line_give_located_findings(text, line):
    _, findings = lint_text(text, "e.txt")
    assert findings and has_errors(findings)
    assert all(f.file == "e.txt" and f.line for f in findings)
    assert line in [f.line for f in findings]


def test_limits_contradicting_the_review_config():
    source = Source("ERIC", "eric", "database", (), searched="2008-09-12",
                    limits=ConfigLimits(years=(2002, 2008), language=("English",)))
    text = "searched: 2008-09-13\nlimits: years 2000-2008; language French\n\n#1 Leaders\n"
    _, findings = lint_text(text, "s.txt", source=source)
    messages = [f.message for f in findings if f.code == "S011"]
    assert messages == ["searched 2008-09-13 here but 2008-09-12 in review.yaml",
                        "years 2000-2008 here but 2002-2008 in review.yaml",
                        "language French here but English in review.yaml"]
    assert all(f.severity == "error" for f in findings if f.code == "S011")


def test_example_strategies_lint_without_errors():
    review = load_review(REPO)
    for source in review.databases:
        text = (REPO / source.strategy).read_text(encoding="utf-8")
        _, findings = lint_text(text, source.strategy, source=source)
        assert not has_errors(findings), [str(f) for f in findings]
        # the appendix's own quirks are the only warnings, each noted in the file's header:
        # ChildData's truncated heading and its heading with 'and' in it
        warnings = [f.code for f in findings if f.severity == "warning"]
        assert warnings == (["S012", "S014"] if source.name == "ChildData" else []), \
            source.name
        noted = {code for note in strategy_notes(text) for code in re.findall(r"S\d{3}", note)}
        assert set(warnings) <= noted, source.name


def test_bare_lines_with_operator_words():
    thesaurus = Thesaurus({"leaders": "Leaders", "teachers": "Teachers",
                           "voluntary and community organisations":
                           "Voluntary and community organisations"})
    _, upper = lint_text("#1 Leaders OR Teachers\n", "s.txt", thesaurus=thesaurus)
    assert upper == []  # upper case: two headings OR-ed, both in the thesaurus
    _, lower = lint_text("#1 Leaders or Teachers\n", "s.txt")
    assert [(f.code, f.severity) for f in lower] == [("S014", "warning")]
    assert "'Leaders or Teachers' is read as one heading, 'or' part of it" in lower[0].message
    strategy, split = lint_text("#1 Leaders or Teachers\n", "s.txt", thesaurus=thesaurus)
    assert [(f.code, f.severity) for f in split] == [("S016", "warning")]
    assert render(strategy.lines[0].expr) == "(Leaders or Teachers)"
    _, whole = lint_text("#1 Voluntary and community organisations\n", "s.txt",
                         thesaurus=thesaurus)
    assert whole == []
    _, partial = lint_text("#1 Leaders or Pupils\n", "s.txt", thesaurus=thesaurus)
    assert sorted(f.code for f in partial) == ["S010", "S014"]


@pytest.mark.parametrize(("text", "column", "message"), [
    ("#1 Leaders\n#2 Leaders or or Teachers\n", 15, "expected a term between 'or' and 'or'"),
    ("#1 Leaders\n#2 Leaders and\n", 12, "expected a term after 'and'"),
    ("#1 Leaders\n#2 NOT Leaders\n", 4, "the line starts with the operator 'NOT'"),
    ("#1 Leaders\n#2 team (ft) or or Leaders\n", 17, "expected a term"),
])
def test_misplaced_operators_are_located_syntax_errors(text, column, message):
    _, findings = lint_text(text, "s.txt")
    error = next(f for f in findings if f.code == "S001")
    assert (error.line, error.column) == (2, column)
    assert message in error.message


def test_duplicates_within_a_line_and_terms_a_truncation_covers():
    _, same = lint_text("#1 team* (ft) or team* (ft)\n", "s.txt")
    assert [(f.code, f.column, f.message) for f in same] == [
        ("S006", 18, "#1 repeats 'team*' within the line")]
    _, covered = lint_text("#1 teams (ft) or team* (ft)\n", "s.txt")
    finding = next(f for f in covered if f.code == "S018")
    assert finding.message == "#1: 'teams' is already found by 'team*' on the same line"
    assert finding.column == 4 and "drop 'teams'" in finding.advice
    text = "#1 team work (ft)\n#2 team* (ft)\n#3 #1 or #2\n#4 Leaders\n#5 #3 and #4\n"
    _, across = lint_text(text, "s.txt")
    assert [f.message for f in across if f.code == "S018"] == [
        "#1: 'team work' is already found by 'team*' in #2, OR-ed with it in #3"]
    _, anded = lint_text("#1 teams (ft) and team* (ft)\n", "s.txt")
    assert "S018" not in [f.code for f in anded]  # an AND narrows: nothing is redundant
    _, headings = lint_text("#1 Leader*\n#2 Leaders\n#3 #1 or #2\n", "s.txt")
    assert "S018" in [f.code for f in headings]


def test_multi_word_free_text_is_one_finding_per_line():
    text = "#1 multi agency (ft)\n#2 team work (ft) or joint work (ft)\n#3 #1 or #2\n"
    _, findings = lint_text(text, "s.txt")
    s009 = [f for f in findings if f.code == "S009"]
    assert [(f.line, f.column) for f in s009] == [(1, 4), (2, 4)]
    assert s009[1].message == "#2: multi-word free text 'team work', 'joint work'"
    assert s009[1].advice == "as #1"


def test_limits_on_one_side_only():
    source = Source("ERIC", "eric", "database", (),
                    limits=ConfigLimits(years=(2002, 2008)))
    _, findings = lint_text("limits: language English\n\n#1 Leaders\n", "s.txt",
                            source=source)
    assert [(f.code, f.line, f.severity, f.message) for f in findings] == [
        ("S017", 1, "warning", "review.yaml limits ERIC to years 2002-2008 but this limits "
                               "line does not"),
        ("S017", 1, "warning", "language English here but no language limit for ERIC in "
                               "review.yaml")]
    _, none = lint_text("limits: none\n\n#1 Leaders\n", "s.txt", source=source)
    assert [f.code for f in none] == ["S017"]
    _, absent = lint_text("database: ERIC\n\n#1 Leaders\n", "s.txt", source=source)
    assert absent == []  # no limits line: the compiler takes the config's


def test_cli_exit_codes(tmp_path: Path):
    from litreview.cli import main

    good = tmp_path / "good.txt"
    good.write_text("#1 Leaders\n#2 Leadership\n#3 #1 or #2\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("#1 Leaders\n#2 #1 or #5\n")
    assert main(["query", "lint", str(good), "--review", str(tmp_path)]) == 0
    assert main(["query", "lint", str(bad), "--review", str(tmp_path)]) == 1


@pytest.mark.parametrize("text", ["", "database: ERIC\n", "#1 (Leaders\n"])
def test_cli_lint_of_a_strategy_without_lines_reports_instead_of_crashing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str):
    from litreview.cli import main

    path = tmp_path / "e.txt"
    path.write_text(text)
    assert main(["query", "lint", str(path), "--review", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:1:") and " error S001: " in out
