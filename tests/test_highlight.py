"""Keyword highlighting for the screening app: strategy terms and the criteria's keyword
lists found in a record's text, the text cut into pieces that join back to it."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from litreview.core.errors import InputError
from litreview.core.review import load_review
from litreview.screening import (
    Highlighter,
    highlighter,
    load_criteria,
    review_highlighter,
    strategy_terms,
)
from litreview.search import Term, read_strategy


def marked(h: Highlighter, text: str) -> list[tuple[str, str]]:
    """The marked pieces only, after checking the pieces join back to the text."""
    pieces = h.segments(text)
    assert "".join(piece for piece, _ in pieces) == text
    assert all(piece for piece, _ in pieces)
    return [(piece, kind) for piece, kind in pieces if kind]


def test_truncation_marks_whole_words_that_begin_with_the_stem():
    h = highlighter(["child*"])
    text = "Children and childhood; a child's view. Mchild, grandchild and CHILD."
    assert marked(h, text) == [("Children", "search"), ("childhood", "search"),
                               ("child's", "search"), ("CHILD", "search")]


def test_a_term_without_truncation_is_a_whole_word():
    assert marked(highlighter(["lead"]), "lead, leader, misleading, Lead.") == [
        ("lead", "search"), ("Lead", "search")]


def test_phrases_across_spaces_line_breaks_and_punctuation():
    h = highlighter(['"narrowing the gap"', "children* service*"])
    text = "Narrowing  the\ngap in children's services — narrowing-the-gap, narrowing a gap"
    assert marked(h, text) == [("Narrowing  the\ngap", "search"),
                               ("children's services", "search"),
                               ("narrowing-the-gap", "search")]


def test_wildcard_is_one_optional_character():
    h = highlighter(["organi?ation*"])
    assert marked(h, "Organisations, organization, organiation; organ, organisms") == [
        ("Organisations", "search"), ("organization", "search"), ("organiation", "search")]


def test_word_boundaries_and_case_beyond_ascii():
    h = highlighter(["führung*", "odz", "école", "cole"])
    text = "Führungskräfte in Łódź, FÜHRUNG; École, ECOLE and école; Kohlecole"
    assert marked(h, text) == [("Führungskräfte", "search"), ("FÜHRUNG", "search"),
                               ("École", "search"), ("ECOLE", "search"),
                               ("école", "search")]
    decomposed = "une e\u0301cole"  # an accent written as its own character stays marked
    assert marked(h, decomposed) == [("e\u0301cole", "search")]


def test_typographic_apostrophes_quotes_and_ligatures_keep_offsets():
    h = highlighter(["children* trust*", "profile*"])
    text = "“Children’s Trusts” and ‘children’s trusts’ with ﬁve proﬁles"
    assert marked(h, text) == [("Children’s Trusts", "search"),
                               ("children’s trusts", "search"), ("proﬁles", "search")]


def test_overlapping_terms_the_longest_wins():
    h = highlighter(["child*", "children* service*", "integrated children* service*"])
    assert marked(h, "Integrated children's services for children") == [
        ("Integrated children's services", "search"), ("children", "search")]


def test_the_criteria_lists_win_exclude_over_include():
    h = highlighter(["leadership", "higher education"], include=["leader*", "education"],
                    exclude=["higher education", "universit*", "education"])
    text = "Leadership in higher education at universities; education leaders"
    assert marked(h, text) == [("Leadership", "include"), ("higher education", "exclude"),
                               ("universities", "exclude"), ("education", "exclude"),
                               ("leaders", "include")]


def test_a_span_a_list_term_matches_whole_is_the_lists_even_when_a_search_term_is_longer():
    """``leadership`` (search) is tried before ``lead*`` (include): same span, list wins."""
    h = highlighter(["leadership"], include=["lead*"])
    assert h.kinds == ("search", "include")
    assert marked(h, "Leadership") == [("Leadership", "include")]


def test_no_html_is_made_the_app_escapes():
    h = highlighter(["children"])
    text = '<script>alert("children")</script> <b>children</b> &amp;'
    assert h.segments(text) == [('<script>alert("', ""), ("children", "search"),
                                ('")</script> <b>', ""), ("children", "search"),
                                ("</b> &amp;", "")]


def test_no_terms_and_no_text():
    empty = highlighter([], (), ())
    assert empty.regex is None
    assert empty.segments("Leadership <i>") == [("Leadership <i>", "")]
    assert highlighter(["child*"]).segments("") == []
    assert highlighter(["*", '""', "  "]).regex is None  # no letter: no term


def test_one_compiled_regex_with_a_group_per_term():
    h = highlighter(["child*", "Child*", "leader*", "lead*", "école"], include=["leader*"])
    assert h.regex is not None and h.regex.groups == len(h.kinds) == 4
    assert h.kinds.count("include") == 1  # leader* is kept in the stronger list only


TEXT = st.lists(st.sampled_from([*"abcé e\u0301'’“ -\nﬁİŁß<>&", "child", "ren", "lead"]),
               max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_pieces_always_join_back_to_the_text(text: str):
    h = highlighter(["child*", "lead", "é*"], include=["children lead*"], exclude=["ab"])
    pieces = h.segments(text)
    assert "".join(piece for piece, _ in pieces) == text
    assert all(piece for piece, _ in pieces)
    assert all(a[1] or b[1] for a, b in pairwise(pieces))  # no two plain pieces in a row


# --- subject headings -----------------------------------------------------------------

def test_headings_mark_only_a_whole_subject_heading():
    h = highlighter([Term("Leadership styles"), Term("Child*"), Term("Schools", explode=True)],
                    include=["leader*"])
    assert h.segments("Leadership styles of schools") == [
        ("Leadership", "include"), (" styles of schools", "")]
    assert h.heading_segments("LEADERSHIP STYLES") == [("LEADERSHIP", "include"),
                                                       (" STYLES", "search")]
    assert h.heading_segments("*Schools/") == [("*Schools/", "search")]  # a major heading
    assert h.heading_segments("Children's services") == [("Children's services", "search")]
    assert h.heading_segments("Leadership styles of schools") == [
        ("Leadership", "include"), (" styles of schools", "")]


# --- the review's terms ------------------------------------------------------------------

def test_strategy_terms_of_the_bundled_review():
    strategies = [read_strategy(p) for p in sorted((REPO / "search_strategies").glob("*.txt"))]
    terms = strategy_terms(strategies)
    assert Term("Narrowing the gap", "free_text") in terms
    assert Term("Leadership", "heading") in terms
    assert Term("Children* service*", "free_text") in terms
    keys = [(t.field, t.text.casefold()) for t in terms]
    assert len(keys) == len(set(keys))  # terms of many lines and files, once each
    assert not any(t.text.startswith("#") or t.text.lower() in ("and", "or") for t in terms)


def test_review_highlighter_on_the_bundled_review():
    review = load_review(REPO)
    criteria = load_criteria(REPO / review.criteria)
    assert "leader*" in criteria.keywords_include
    assert "higher education" in criteria.keywords_exclude
    h = review_highlighter(REPO, review, criteria)
    assert h.problems == ()
    text = ("Narrowing the gap for vulnerable children: the local authority, Children's "
            "Trusts and leadership in higher education")
    assert marked(h, text) == [
        ("Narrowing the gap", "include"), ("vulnerable", "include"), ("children", "search"),
        ("local authority", "search"), ("Children's Trusts", "search"),
        ("leadership", "include"), ("higher education", "exclude")]


def test_a_strategy_that_cannot_be_read_gives_no_terms_and_no_exception(tiny_review: Path):
    review = load_review(tiny_review)
    criteria = load_criteria(tiny_review / review.criteria)
    (tiny_review / "search_strategies" / "alpha.txt").unlink()
    (tiny_review / "search_strategies" / "beta.txt").write_text("#1 Leadership (ft\n")
    h = review_highlighter(tiny_review, review, criteria)
    assert {Path(p.file).name for p in h.problems} == {"alpha.txt", "beta.txt"}
    assert h.regex is None and h.segments("Children's services") == [
        ("Children's services", "")]
    (tiny_review / "search_strategies" / "beta.txt").write_text("#1 Children* trust* (ft)\n")
    h = review_highlighter(tiny_review, review, criteria)
    assert [Path(p.file).name for p in h.problems] == ["alpha.txt"]
    assert marked(h, "Children's trusts") == [("Children's trusts", "search")]


# --- criteria.yaml keywords ----------------------------------------------------------------

CRITERIA = "criteria:\n  - {id: C1, text: x}\nstages:\n  - {id: ta, kind: screening}\n"


def test_criteria_keywords_are_read(tmp_path: Path):
    path = tmp_path / "criteria.yaml"
    path.write_text(CRITERIA + 'keywords:\n  include: [leader*, "narrowing the gap"]\n'
                    "  exclude:\n    - higher education\n")
    criteria = load_criteria(path)
    assert criteria.keywords_include == ("leader*", "narrowing the gap")
    assert criteria.keywords_exclude == ("higher education",)
    path.write_text(CRITERIA)
    assert load_criteria(path).keywords_include == load_criteria(path).keywords_exclude == ()


@pytest.mark.parametrize(("keywords", "line", "message"), [
    ("keywords:\n  include: 3\n", 6, "keywords.include: 3 is not of type 'array'"),
    ("keywords:\n  exclude: [ok, 4]\n", 6, "4 is not of type 'string'"),
    ("keywords: [leader*]\n", 5, "is not of type 'object'"),
])
def test_a_keyword_list_of_the_wrong_type_is_a_located_error(tmp_path: Path, keywords: str,
                                                             line: int, message: str):
    path = tmp_path / "criteria.yaml"
    path.write_text(CRITERIA + keywords)
    with pytest.raises(InputError) as caught:
        load_criteria(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (str(path), line)
    assert message in problem.message
