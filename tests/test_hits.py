from __future__ import annotations

from litreview.hits import evaluate, free_text_regex, hits_csv, line_hits
from litreview.records import Record
from litreview.strategies import parse_strategy


def record(rid: str, title: str = "", abstract: str = "", keywords=(), subjects=()) -> Record:
    return Record(rid, "DB", "f.ris", 1, title=title, abstract=abstract,
                  keywords=tuple(keywords), subjects=tuple(subjects))


def test_truncation_matches_word_starts_only():
    regex = free_text_regex("Children* service*")
    assert regex.search("integrated childrens services in england")
    assert not regex.search("grandchildren services")
    assert not regex.search("children and services")


def test_phrase_words_are_adjacent_across_punctuation_and_hyphens():
    regex = free_text_regex("multi agency")
    assert regex.search("a multi-agency team")
    assert regex.search("multi agency working")
    assert not regex.search("multi-professional agency")


def test_wildcard_is_one_optional_character():
    regex = free_text_regex("organi?ation")
    assert regex.search("organisation") and regex.search("organization")
    assert not regex.search("organisaation")


RECORDS = [
    record("r1", "Leadership of children's services", subjects=["Leadership"]),
    record("r2", "Multi-agency teams", abstract="How leaders work", subjects=["Leaders"]),
    record("r3", "Schools and partnerships", keywords=["children's centres"],
           subjects=["Partnership schemes"]),
    record("r4", "Unrelated", subjects=["Leadership styles"]),
]


def test_lines_evaluate_headings_free_text_and_combinations():
    strategy = parse_strategy(
        "#1 Leadership\n#2 Leaders\n#3 #1 or #2\n#4 Children* service* (ft)\n"
        "#5 Multiagency (ft) or multi agency (ft)\n#6 Children’s cent* (ft)\n"
        "#7 #4 or #5 or #6\n#8 #3 and #7\n#9 Leader*\n#10 #9 not #8\n", "s.txt")
    hits = evaluate(strategy, RECORDS)
    assert hits[1] == {0}  # exact heading, not "Leadership styles"
    assert hits[2] == {1}
    assert hits[4] == {0}  # apostrophe ignored
    assert hits[5] == {1}
    assert hits[6] == {2}  # curly apostrophe in the strategy, keyword field searched
    assert hits[8] == {0, 1}
    assert hits[9] == {0, 1, 3}  # truncated heading matches headings it begins
    assert hits[10] == {3}


def test_hits_table_rows():
    strategy = parse_strategy("Set A\n#1 Leadership\n#2 Leaders\n#3 #1 or #2\n", "s.txt")
    rows = line_hits(strategy, RECORDS)
    assert [(r.number, r.label, r.hits) for r in rows] == [(1, "Set A", 1), (2, "Set A", 1),
                                                           (3, "Set A", 2)]
    assert hits_csv(rows).splitlines()[0] == "line,set,expression,hits"
    assert hits_csv(rows).splitlines()[3] == "#3,Set A,#1 or #2,2"
