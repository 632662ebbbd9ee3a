from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litreview.core.errors import InputError, Problem
from litreview.core.records import Record
from litreview.search import (
    PLATFORMS,
    Op,
    Ref,
    Term,
    Thesaurus,
    compile_strategy,
    evaluate,
    has_errors,
    lint_text,
    parse_expression,
    parse_strategy,
    read_lines,
    render,
    render_compiled,
    with_thesaurus,
)

STRATEGY = """\
database: BEI
host: EBSCOhost
searched: 2008-09-12

Leadership set
#1 Leaders
#2 Voluntary and community organisations
#3 Director* and children* and service* (ft)
#4 Multiagency (ft) or multi agency (ft)
#5 #1 or #2 or #3 ... or #4
Second set
#6 Schools (exp)
#7 #5 and #6
"""


def parse_problems(text: str) -> list[Problem]:
    """The located problems parsing ``text`` as the strategy ``s.txt`` stops at."""
    with pytest.raises(InputError) as caught:
        parse_strategy(text, "s.txt")
    return caught.value.problems


def test_header_labels_and_lines():
    strategy = parse_strategy(STRATEGY, "bei.txt")
    assert strategy.meta == {"database": "BEI", "host": "EBSCOhost", "searched": "2008-09-12"}
    assert [line.number for line in strategy.lines] == [1, 2, 3, 4, 5, 6, 7]
    assert strategy.line(1).label == "Leadership set"
    assert strategy.line(6).label == "Second set"
    assert strategy.line(3).source_line == 8
    assert strategy.final.number == 7


def test_bare_line_is_one_heading_even_with_and():
    expr = parse_expression("Voluntary and community organisations")
    assert expr == Term("Voluntary and community organisations", "heading", False, 1)


def test_single_final_qualifier_applies_to_every_term():
    expr = parse_expression("Director* and children* and service* (ft)")
    assert isinstance(expr, Op) and expr.op == "and"
    assert [t.field for t in expr.operands] == ["free_text"] * 3  # type: ignore[union-attr]


def test_each_qualifier_binds_to_its_own_term():
    expr = parse_expression("Interagency or inter agency (ft) or Joint working")
    assert isinstance(expr, Op)
    fields = [(t.text, t.field) for t in expr.operands]  # type: ignore[union-attr]
    assert fields == [("Interagency", "heading"), ("inter agency", "free_text"),
                      ("Joint working", "heading")]


def test_explode_qualifier():
    assert parse_expression("Schools (exp)") == Term("Schools", "heading", True, 1)


def test_range_shorthand_expands_every_line():
    expr = parse_expression("#1 or #2 or #3 ... or #9")
    assert isinstance(expr, Op) and expr.op == "or"
    assert [r.number for r in expr.operands] == list(range(1, 10))  # type: ignore[union-attr]


def test_ovid_combine_notation_names_lines():
    expr = parse_expression("or/1-3,5")
    assert isinstance(expr, Op) and expr.op == "or"
    assert [r.number for r in expr.operands] == [1, 2, 3, 5]  # type: ignore[union-attr]
    both = parse_expression("AND/4,6 not #7")
    assert isinstance(both, Op) and both.op == "not"
    strategy = parse_strategy("#1 Leaders (ft)\n#2 Leadership\n#3 or/1-2\n#4 Children (ft)\n"
                              "#5 and/3,4\n")
    assert not has_errors(lint_text("#1 a (ft)\n#2 b (ft)\n#3 or/1-2\n", "s.txt")[1])
    assert render(strategy.final.expr) == "(#3 and #4)"
    _, findings = lint_text("#1 a (ft)\n#2 or/1-9\n", "s.txt")
    assert has_errors(findings) and "not defined above" in str(findings[0])


def test_and_binds_tighter_than_or_and_not_is_and_not():
    expr = parse_expression("#1 or #2 and #3 not #4")
    assert render(expr) == "(#1 or ((#2 and #3) not #4))"


def test_parentheses_and_quotes():
    expr = parse_expression('("team working" (ft) or #2) and #3')
    assert render(expr) == "((team working (ft) or #2) and #3)"


def test_operators_in_any_case():
    assert render(parse_expression("#1 OR #2 And #3")) == "(#1 or (#2 and #3))"


@pytest.mark.parametrize(("text", "message", "column"), [
    ("#1 Leaders\n#2 #1 or (#1 and", "expected a term, a '#N' reference or '('", 17),
    ("#1 Leaders\n#2 #1 or", "expected a term", 9),
    ("#1 Leaders\n#2 (#1 or #1", "expected ')'", 13),
    ("#1 Leaders\n#2 #1 ... #1", "'or' after '...'", 11),
])
def test_syntax_errors_are_located(text, message, column):
    problem = parse_problems(text)[0]
    assert (problem.file, problem.line) == ("s.txt", 2)
    assert message in problem.message
    assert problem.column == column


def test_undefined_and_forward_references_are_errors():
    messages = [(p.line, p.message)
                for p in parse_problems("#1 #2 or #3\n#2 Leaders\n#4 #9 and #2\n")]
    assert (1, "#1 refers to #2, a later line") in messages
    assert (1, "#1 refers to #3, an undefined line") in messages
    assert (3, "#4 refers to #9, an undefined line") in messages


def test_duplicate_line_numbers_and_empty_file():
    with pytest.raises(InputError, match="defined twice"):
        parse_strategy("#1 Leaders\n#1 Leadership\n")
    with pytest.raises(InputError, match="no numbered search lines"):
        parse_strategy("database: X\n")


def test_reference_nodes_keep_columns():
    expr = parse_expression("#10 and #24", offset=4)
    assert expr == Op("and", (Ref(10, 5), Ref(24, 13)))


FRAGMENTS = ["#1 ", "#2 ", "#3 ", "#12 ", "#1", "#2", " or ", " OR ", " and ", " AND ",
             " not ", " NOT ", "or", "(", ")", '"', '""', "*", "?", " ... ", "…", " (ft)",
             " (exp)", "Leaders", "team", "teams", "wom?n", "Schools", " ", "\n", "\n\n",
             "limits: years 2002-2008; language English\n", "limits: none\n", "final: #2\n",
             "database: ERIC\n", "Leadership set\n", ":", "a", "+", "/"]
FUZZ = st.one_of(
    st.text(alphabet=st.sampled_from(list("#0123456789 ()\"*?.…andortxfep\n:")), max_size=80),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join))
FUZZ_THESAURUS = Thesaurus({"leaders": "Leaders", "schools": "Schools",
                            "primary schools": "Primary schools", "team": "team"},
                           {"schools": ("primary schools",)})
FUZZ_RECORDS = [Record("r1", "DB", "f.ris", 1, title="Teams of leaders in schools",
                       abstract="women and a woman", subjects=("Leaders", "Primary schools")),
                Record("r2", "DB", "f.ris", 2, title="", keywords=("team",))]


@settings(max_examples=400, deadline=None)
@given(FUZZ)
def test_any_text_gives_located_findings_never_a_traceback(text):
    """Parse, lint, compile and evaluate: a tree or located problems, never a traceback."""
    _, findings = lint_text(text, "fuzz.txt", thesaurus=FUZZ_THESAURUS)
    assert all(f.file == "fuzz.txt" and f.line and f.line >= 1 for f in findings)
    try:
        strategy = parse_strategy(text, "fuzz.txt")
    except InputError as error:
        assert error.problems
        assert all(p.file == "fuzz.txt" and p.line for p in error.problems)
        assert has_errors(findings)
        return
    assert strategy.lines and not has_errors(findings)
    strategy = with_thesaurus(strategy, FUZZ_THESAURUS)
    for platform in PLATFORMS:
        compiled = compile_strategy(strategy, platform, thesaurus=FUZZ_THESAURUS)
        assert compiled.queries
        render_compiled(compiled, strategy)
    hits = evaluate(strategy, FUZZ_RECORDS, FUZZ_THESAURUS)
    assert set(hits) == {line.number for line in strategy.lines}


def test_a_strategy_without_lines_has_no_final_line():
    strategy, problems = read_lines("database: ERIC\n", "e.txt")
    assert strategy.final_lines == () and problems[0].line == 1


def test_upper_case_operators_in_a_bare_line_are_operators():
    expr = parse_expression("Leaders OR Leadership", offset=3)
    assert expr == Op("or", (Term("Leaders", "heading", False, 4),
                             Term("Leadership", "heading", False, 15)))
    strategy = parse_strategy("#1 Youth and community AND Schools\n", "s.txt")
    line = strategy.lines[0]
    assert render(line.expr) == "(Youth and community and Schools)"
    assert "heading-with-operator-word" in line.flags


def test_lower_case_operators_join_headings_only_by_the_thesaurus():
    strategy = parse_strategy("#1 Leaders or Teachers\n#2 Voluntary and community groups\n",
                              "s.txt")
    assert [render(line.expr) for line in strategy.lines] == [
        "Leaders or Teachers", "Voluntary and community groups"]
    thesaurus = Thesaurus({"leaders": "Leaders", "teachers": "Teachers",
                           "voluntary": "Voluntary", "community groups": "Community groups",
                           "voluntary and community groups": "Voluntary and community groups"})
    read = with_thesaurus(strategy, thesaurus)
    assert [render(line.expr) for line in read.lines] == [
        "(Leaders or Teachers)", "Voluntary and community groups"]
    assert "operators-by-thesaurus" in read.lines[0].flags
    assert read.lines[0].expr.operands[1].column == 15  # type: ignore[union-attr]


@pytest.mark.parametrize(("line", "message", "column"), [
    ("#1 Leaders or or Teachers", "expected a term between 'or' and 'or'", 15),
    ("#1 Leaders and", "expected a term after 'and'", 12),
    ("#1 or Leaders", "the line starts with the operator 'or'", 4),
    ('#1 "" (ft)', "expected a phrase inside the quotes", 4),
    ('#1 team "" (ft)', "expected 'and', 'or', 'not' or the end of the line", 9),
])
def test_misplaced_operators_and_empty_phrases_are_located(line, message, column):
    problem = parse_problems(line + "\n")[0]
    assert (problem.line, problem.column) == (1, column)
    assert message in problem.message


def test_pairwise_concept_notation():
    """Seed 003, Annex 1: each pair a search, slashes as alternatives."""
    strategy = parse_strategy(
        "database: IBSS\n\nGeneric leadership\n**Leadership + Definition/defined**\n"
        "Role + Director of children's services/DCS\n", "pairs.txt")
    assert strategy.notation == "pairs"
    assert [line.text for line in strategy.lines] == [
        "Leadership + Definition/defined", "Role + Director of children's services/DCS",
        "any pair"]
    assert strategy.final.number == 3
    first = strategy.line(1).expr
    assert render(first) == ("((Leadership or Leadership (ft)) and "
                             "(Definition or Definition (ft) or defined or defined (ft)))")
    assert strategy.line(1).label == "Generic leadership"


def test_header_limits_and_final_lines():
    strategy = parse_strategy("limits: years 2002-2008; language English, French; country UK\n"
                              "final: #2, #3\n\n#1 Leaders\n#2 #1\n#3 Leadership\n", "s.txt")
    assert strategy.limits.years == (2002, 2008)
    assert strategy.limits.language == ("English", "French")
    assert strategy.limits.country == ("UK",)
    assert [line.number for line in strategy.final_lines] == [2, 3]
    with pytest.raises(InputError, match="cannot read the limit 'decades 2000s'"):
        parse_strategy("limits: decades 2000s\n\n#1 Leaders\n", "s.txt")
    with pytest.raises(InputError, match="final names undefined"):
        parse_strategy("final: #9\n\n#1 Leaders\n", "s.txt")
