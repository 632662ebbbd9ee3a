from __future__ import annotations

from litreview.core.records import Record
from litreview.search import (
    Corpus,
    benchmark_indices,
    evaluate,
    hits_csv,
    line_hits,
    missed,
    parse_strategy,
)


def record(rid: str, title: str = "", abstract: str = "", keywords=(), subjects=()) -> Record:
    return Record(rid, "DB", "f.ris", 1, title=title, abstract=abstract,
                  keywords=tuple(keywords), subjects=tuple(subjects))


def matches(term: str, text: str) -> bool:
    return bool(Corpus([record("r", title=text)]).free_text(term))


def test_truncation_matches_word_starts_only():
    assert matches("Children* service*", "Integrated childrens services in England")
    assert not matches("Children* service*", "grandchildren services")
    assert not matches("Children* service*", "children and services")
    assert matches("Children* service*", "grandchildren, and children services")


def test_phrase_words_are_adjacent_across_punctuation_and_hyphens():
    assert matches("multi agency", "a multi-agency team")
    assert matches("multi agency", "multi agency working")
    assert not matches("multi agency", "multi-professional agency")


def test_wildcard_is_one_optional_character():
    assert matches("organi?ation", "organisation") and matches("organi?ation", "organization")
    assert not matches("organi?ation", "organisaation")


def test_a_record_folds_the_same_whatever_the_other_records_hold():
    """Accents are dropped in Latin-1 text as in other scripts: 'pédagogie' is found by
    'pedagog*' whether or not another record holds a Greek letter (it was found only then)."""
    alone = Corpus([record("a", title="La pédagogie Freinet")])
    mixed = Corpus([record("a", title="La pédagogie Freinet"), record("b", title="α-helix")])
    assert alone.free_text("pedagog*") == mixed.free_text("pedagog*") == {0}
    assert alone.free_text("pédagogie") == {0}


def test_records_beyond_latin1_are_found_in_their_own_text_with_their_own_indices():
    """The corpus keeps records that fit Latin-1 apart from the others: each hit still
    names its record, whichever text it is in, and a term starting with a wildcard (no
    literal first letters to jump between) is found in both."""
    corpus = Corpus([record("a", title="β-blockers in leadership"),
                     record("b", title="misleadership", abstract="café leaders"),
                     record("c", title="Ω leadership"), record("d", title="leadership")])
    assert corpus.free_text("leader*") == {0, 1, 2, 3}
    assert corpus.free_text("β blocker*") == {0}
    assert corpus.free_text("cafe") == {1}
    assert corpus.free_text("*leadership") == {0, 1, 2, 3}
    assert corpus.free_text("ω") == {2}


def test_one_hit_per_record_and_record_boundaries():
    corpus = Corpus([record("a", title="leader"), record("b", abstract="leadership leaders"),
                     record("c", title="misleader")])
    assert corpus.free_text("leader*") == {0, 1}
    assert corpus.free_text("leader") == {0}


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


def test_explode_uses_the_thesaurus():
    from litreview.search import Thesaurus

    thesaurus = Thesaurus({"schools": "Schools", "primary schools": "Primary schools"},
                          {"schools": ("primary schools",)})
    records = [record("a", subjects=["Primary schools"]), record("b", subjects=["Schools"])]
    strategy = parse_strategy("#1 Schools (exp)\n#2 Schools\n", "s.txt")
    assert evaluate(strategy, records, thesaurus)[1] == {0, 1}
    assert evaluate(strategy, records, thesaurus)[2] == {1}
    assert evaluate(strategy, records)[1] == {1}  # no thesaurus: the heading alone


def test_benchmark_recall_and_misses():
    strategy = parse_strategy("#1 Leadership\n#2 Leaders\n#3 #1 or #2\n", "s.txt")
    records = [*RECORDS, Record("r5", "DB", "f.ris", 5, title="x", doi="10.1/abc")]
    benchmark = benchmark_indices(records, ["r1", "R3", "10.1/ABC", "nope"])
    assert benchmark == {0, 2, 4}
    rows = line_hits(strategy, records, benchmark=benchmark)
    assert [(r.benchmark_hits, r.benchmark_total) for r in rows] == [(1, 3), (0, 3), (1, 3)]
    assert rows[2].recall == 1 / 3
    assert [r.record_id for r in missed(strategy, records, benchmark)] == ["r3", "r5"]
    assert hits_csv(rows).splitlines()[0] == "line,set,expression,hits,benchmark_hits,recall"


def test_operator_words_in_bare_lines_are_evaluated_as_read():
    from litreview.search import Thesaurus, with_thesaurus

    records = [record("a", subjects=["Leaders"]), record("b", subjects=["Leadership"]),
               record("c", subjects=["Leaders or Leadership"])]
    upper = parse_strategy("#1 Leaders OR Leadership\n", "s.txt")
    assert evaluate(upper, records)[1] == {0, 1}  # upper case: two headings OR-ed
    lower = parse_strategy("#1 Leaders or Leadership\n", "s.txt")
    assert evaluate(lower, records)[1] == {2}  # lower case: one heading
    thesaurus = Thesaurus({"leaders": "Leaders", "leadership": "Leadership"})
    assert evaluate(with_thesaurus(lower, thesaurus), records, thesaurus)[1] == {0, 1}


def test_cli_hits_reads_operator_words_by_the_thesaurus(tmp_path, capsys):
    from litreview.cli import main

    (tmp_path / "s.txt").write_text("#1 Leaders or Leadership\n")
    (tmp_path / "t.csv").write_text("heading,broader\nLeaders,\nLeadership,\n")
    from litreview.core.records import write_records

    write_records(tmp_path / "r.csv", [record("a", "One", subjects=["Leaders"]),
                                       record("b", "Two", subjects=["Leadership"])])
    assert main(["query", "hits", str(tmp_path / "s.txt"), str(tmp_path / "r.csv"),
                 "--thesaurus", str(tmp_path / "t.csv"), "--review", str(tmp_path),
                 "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "#1,,Leaders or Leadership,2"
