"""Key building for a whole set (``prepare``): each author entry and title parsed once,
equal keys one object, and the cheap paths giving what the full parsing gives."""

from __future__ import annotations

import numpy as np
import pytest
from litreview.core.records import Record
from litreview.dedupe import authors as authors_module
from litreview.dedupe import blocking
from litreview.dedupe.authors import author_keys, author_name
from litreview.dedupe.blocking import _worth_judging, candidate_pairs, prepare
from litreview.dedupe.match_keys import keys
from litreview.dedupe.titles import title_keys


def _record(n: int, title: str, authors: tuple[str, ...], **fields: str) -> Record:
    return Record(f"r{n}", "A", "a.ris", n, type="article", title=title, authors=authors,
                  year=fields.pop("year", "2010"), journal=fields.pop("journal", "Lancet"),
                  **fields)


RECORDS = [
    _record(0, "Exercise for adults with asthma", ("Zuna, R E", "Tan A.Schulze A."),
            volume="12", pages="244-58", doi="10.1/abc.pub2"),
    _record(1, "EXERCISE FOR ADULTS WITH ASTHMA.", ("R. E. Zuna", "Tan, A.", "Schulze, A."),
            volume="12", pages="244-258", doi="10.1/abc"),
    _record(2, "Exercise for adults with asthma [Review] [43 refs]", ("Zuna RE; Anonymous",),
            volume="12", pages="244"),
    _record(3, "A phase I trial of drug X in type II diabetes (10 000 patients)",
            ("van der Berg, J.", "Omulo Sylvia"), year="2011", volume="3", pages="1-17"),
    _record(4, "Erratum to: Exercise for adults with asthma", ("Zuna, R.",), year="2011"),
    _record(5, "Re: A phase I trial of drug X in type II diabetes", ("Berg J",), year="2012"),
    _record(6, "Ejercicio para adultos con asma = Exercise for adults with asthma",
            ("Zuña, R. E.", "Unknown"), journal="Ai zheng = Aizheng = Chinese journal of cancer"),
    _record(7, "[Exercise in adults with asthma: a trial]", ("Le, Quintrec M.",),
            journal="Aizheng", volume="1)", issue="Suppl 1"),
]


def test_keys_of_a_set_are_the_keys_of_each_record():
    prepared = prepare(RECORDS)
    assert prepared[:6] == [keys(r) for r in RECORDS[:6]]  # 6, 7: journal aliases added
    assert prepared[7].venue[0] == keys(RECORDS[7]).venue[0]
    assert ("chinese", "journal", "cancer") in prepared[7].venue


def test_equal_titles_and_author_lists_are_one_object():
    again = _record(8, "Exercise for adults with asthma", ("Zuna, R E", "Tan A.Schulze A."))
    prepared = prepare([*RECORDS, again])
    assert prepared[0].title is prepared[8].title is prepared[1].title
    assert prepared[0].authors is prepared[8].authors
    assert prepared[0].authors == prepared[1].authors  # "Zuna, R E" is "R. E. Zuna"


def test_each_author_entry_is_parsed_once_per_set(monkeypatch):
    parsed: list[str] = []
    real = authors_module._parse

    def counting(entry: str):
        parsed.append(entry)
        return real(entry)

    monkeypatch.setattr(authors_module, "_parse", counting)
    prepare(RECORDS * 3)
    entries = [a for r in RECORDS for a in r.authors]
    assert sorted(parsed) == sorted(set(entries))


@pytest.mark.parametrize(("name", "surname", "given", "initials"), [
    ("Zuna, R E", {"zuna"}, set(), "re"),
    ("R. E. Zuna", {"zuna"}, set(), "re"),
    ("Carignani, Andrea", {"carignani"}, {"andrea"}, "a"),
    ("Omulo Sylvia", {"omulo", "sylvia", "omulosylvia"}, set(), ""),
    ("van der Berg, J.", {"berg"}, set(), "j"),
    ("Le, Quintrec M.", {"le"}, {"quintrec"}, "qm"),
    ("O'Donnell C. P.", {"donnell", "odonnell"}, set(), "cp"),
])
def test_author_name_forms(name, surname, given, initials):
    found = author_name(name)
    assert found is not None
    assert (set(found.surname), set(found.given), found.initials) == (surname, given, initials)


def test_placeholders_and_run_together_lists():
    assert len(author_keys(["Anonymous", "no authors listed", "..."])) == 0
    assert [sorted(a.surname) for a in author_keys(["Tan A.Schulze A.O'Donnell C. P."]).names
            ] == [["tan"], ["schulze"], ["donnell", "odonnell"]]
    assert author_keys(["Zuna, R E"], {}) == author_keys(["Zuna, R E"])


@pytest.mark.parametrize(("title", "numbers", "markers", "text"), [
    ("A phase I trial in type II diabetes", {"1", "2"}, set(), None),
    ("Phase Ib trial", set(), set(), None),  # "ib" is no numeral
    ("Study I: part ii", {"1", "2"}, set(), None),
    ("I think, therefore I am", set(), set(), None),  # a lone "I" after no counted word
    ("Outcomes of 10 000 patients (vol 360, pg 542, 2009)", {"10000"}, {"erratum"},
     "outcomes of 10000 patients"),
    ("Re: outcomes of stroke care", set(), {"comment"}, None),
    ("Outcomes of stroke care - reply", set(), {"reply"}, None),
    ("Outcomes of stroke care [Review] [43 refs]", set(), set(), "outcomes of stroke care"),
    ("Outcomes of stroke care [Chinese]", set(), set(), "outcomes of stroke care"),
    ("Outcomes of stroke care.\t.", set(), set(), "outcomes of stroke care"),
])
def test_title_keys_forms(title, numbers, markers, text):
    found = title_keys(title)
    assert set(found.numbers) == numbers
    assert set(found.markers) == markers
    if text is not None:
        assert found.text == text


def test_title_variants_in_two_languages():
    found = title_keys("Ejercicio para adultos con asma = Exercise for adults with asthma")
    assert found.variants == ("ejercicio para adultos con asma", "exercise for adults with asthma")
    assert title_keys("Exercise for adults with asthma").variants == ()


def test_candidates_are_sifted_a_chunk_at_a_time_with_the_same_outcome(monkeypatch):
    other = [_record(20 + n, title, ("Zuna, R E",)) for n, title in enumerate((
        "Bone density after hip surgery", "Sleep and memory in older people",
        "Costs of dialysis in rural clinics"))]  # same first author and year, unlike titles
    records = RECORDS * 4 + other
    prepared = prepare(records)
    pairs = candidate_pairs(prepared)
    whole = _worth_judging(prepared, pairs)
    monkeypatch.setattr(blocking, "SIFT_CHUNK", 3)
    chunked = _worth_judging(prepared, pairs)
    assert len(pairs) > 3 * 3 and 0 < len(whole[0]) < len(pairs)
    assert np.array_equal(whole[0], chunked[0]) and np.array_equal(whole[1], chunked[1])
    assert whole[1].dtype == chunked[1].dtype
