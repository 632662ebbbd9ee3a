from __future__ import annotations

from litreview.dedupe import PairDecision, deduplicate, merge, overlap_csv
from litreview.records import Record


def rec(rid: str, db: str, title: str, year: str = "2006", doi: str = "", **kw) -> Record:
    return Record(rid, db, f"{db}.ris", 1, title=title, year=year, doi=doi, **kw)


def test_exact_doi_and_normalised_title_year():
    records = [
        rec("a-1", "A", "Leadership in integrated children's services", doi="10.1/x"),
        rec("b-1", "B", "LEADERSHIP IN INTEGRATED CHILDREN’S SERVICES.", doi=""),
        rec("c-1", "C", "Leadership in integrated childrens services", doi="10.1/X"),
        rec("c-2", "C", "Leadership in integrated children's services", year="2007"),
        rec("d-1", "D", "A different title altogether here", doi="10.1/y"),
        rec("d-2", "D", "Annual report on something else entirely", doi="10.1/y"),
    ]
    result = deduplicate(records)
    # d-1/d-2: a DOI given to unlike titles is a wrong or a container's DOI, not a match
    assert result.groups == {"a-1": "a-1", "b-1": "a-1", "c-1": "a-1", "c-2": "c-2",
                             "d-1": "d-1", "d-2": "d-2"}
    assert [r.record_id for r in result.unique] == ["a-1", "c-2", "d-1", "d-2"]


def test_conflicting_dois_are_not_merged_but_listed():
    records = [rec("a-1", "A", "Annual report of the children's trust", doi="10.1/a"),
               rec("b-1", "B", "Annual report of the children's trust", doi="10.1/b")]
    result = deduplicate(records)
    assert len(result.unique) == 2
    assert [(p.a, p.b) for p in result.uncertain] == [("a-1", "b-1")]


def test_short_titles_do_not_match_on_title_alone():
    records = [rec("a-1", "A", "Editorial"), rec("b-1", "B", "Editorial")]
    assert len(deduplicate(records).unique) == 2


def test_near_identical_titles_are_uncertain_and_reviewer_decides():
    records = [rec("a-1", "A", "Leading children's services: a national framework"),
               rec("b-1", "B", "Leading childrens services a national frameworks")]
    result = deduplicate(records)
    assert len(result.unique) == 2 and len(result.uncertain) == 1
    same = deduplicate(records, [PairDecision("a-1", "b-1", True)])
    assert len(same.unique) == 1 and not same.uncertain
    different = deduplicate(records, [PairDecision("b-1", "a-1", False)])
    assert len(different.unique) == 2 and not different.uncertain


def test_reviewer_can_split_a_rule_match():
    records = [rec("a-1", "A", "Part one of the leadership study"),
               rec("b-1", "B", "Part one of the leadership study")]
    assert len(deduplicate(records, [PairDecision("a-1", "b-1", False)]).unique) == 2


def test_merge_keeps_best_values_and_every_source():
    merged = merge([
        rec("a-1", "A", "LEADERSHIP IN SCHOOLS", abstract="short", keywords=("Leadership",)),
        rec("b-1", "B", "Leadership in schools", doi="10.1/y", abstract="a longer abstract",
            keywords=("leadership", "Schools"), authors=("Smith, J.",)),
    ])
    assert merged.record_id == "a-1"
    assert merged.title == "Leadership in schools"
    assert merged.doi == "10.1/y" and merged.abstract == "a longer abstract"
    assert merged.keywords == ("Leadership", "Schools")
    assert merged.authors == ("Smith, J.",)
    assert dict(merged.extra) == {"sources": "A; B", "members": "a-1; b-1"}


def test_overlap_table():
    records = [rec("a-1", "A", "t1 one two"), rec("b-1", "B", "t1 one two"),
               rec("b-2", "B", "t2 three four")]
    groups = deduplicate(records).groups
    lines = overlap_csv(groups, records, ["A", "B"]).splitlines()
    assert lines == ["source,records,works,only_here,A,B", "A,1,1,0,1,1", "B,2,2,1,1,2"]
