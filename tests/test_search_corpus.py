"""The corpus's word index finds what a term's regex finds in each record on its own."""

from __future__ import annotations

import re
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litreview.core.records import Record
from litreview.search import Corpus, free_text_regex
from litreview.search import corpus as corpus_module
from litreview.search.matching import fold


def record(title: str, abstract: str = "", keywords: tuple[str, ...] = ()) -> Record:
    return Record("r", "DB", "f.ris", 1, title=title, abstract=abstract, keywords=keywords)


def one_by_one(records: list[Record], term: str) -> set[int]:
    """The records whose own folded text the term's regex matches at a word start: the
    definition, with no joined text and no index."""
    regex = free_text_regex(term)
    found = set()
    for i, r in enumerate(records):
        text = fold(" | ".join((r.title, r.abstract, *r.keywords)).replace("\n", " "))
        if any(regex.match(text, p) for p in range(len(text))
               if p == 0 or not text[p - 1].isalnum()):
            found.add(i)
    return found


# Words that share beginnings, Latin-1 letters that fold (É, ß stays), one beyond Latin-1
# (Ω: its record goes to the other text), digits, underscores and apostrophes.
WORDS = ["lead", "leader", "leaders", "leadership", "le", "l", "child", "children's",
         "Children", "care", "c", "É", "éa", "ßa", "Ω", "x_y", "_a", "3", "3.5", "a"]
SEPARATORS = [" ", "-", ", ", " | ", "_", "'", ".", "  "]

texts = st.lists(st.sampled_from(WORDS), max_size=6).flatmap(
    lambda words: st.lists(st.sampled_from(SEPARATORS), min_size=len(words),
                           max_size=len(words)).map(
        lambda seps: "".join(w + s for w, s in zip(words, seps, strict=True)).strip()))
term_words = st.sampled_from(["lead", "leader", "le", "l", "child", "children", "care",
                              "c", "e", "ea", "ßa", "ω", "x", "y", "a", "3", "3.5", "_a"])
terms = st.tuples(st.sampled_from(["", "*", "**"]), st.lists(
    st.tuples(term_words, st.sampled_from(["", "*", "?", "?r"])), min_size=1, max_size=3)).map(
    lambda term: term[0] + " ".join(w + mark for w, mark in term[1]))


#: How a phrase is looked for: by a scan; by trying each place of its first word in the
#: records holding its other words; by trying each place.
WAYS = {"scan": {"_SCAN_BEYOND": 0}, "filtered": {"_SCAN_BEYOND": 1, "_FEW_PLACES": 0},
        "tried": {"_SCAN_BEYOND": 1}}


@settings(max_examples=400, deadline=None)
@given(fields=st.lists(st.tuples(texts, texts), min_size=1, max_size=6), term=terms,
       way=st.sampled_from(sorted(WAYS)))
def test_the_word_index_finds_what_each_record_s_own_text_holds(fields, term, way):
    """Truncation, one optional letter, phrases over punctuation, words at the very end of
    the text (a last abstract's last word), one-letter words and records beyond Latin-1,
    each way a phrase is looked for."""
    records = [record(title, abstract) for title, abstract in fields]
    with patch.multiple(corpus_module, **WAYS[way]):
        assert Corpus(records).free_text(term) == one_by_one(records, term)


CASES = [
    (["lead x", "leadership"], "leader", set()),  # the word's letters past the fourth
    ([("x", "ab")], "ab", {0}), ([("x", "ab")], "a*", {0}),  # the text's last few letters
    (["lead x", "leadership"], "leadersh*", {1}),
    (["a leader"], "leader", {0}),  # a word at the very end of the text
    (["x l"], "l", {0}), (["x l"], "le*", set()),  # a one-letter last word
    ([("x", "a")], "a\x00", set()), ([("x", "a")], "a\x00*", set()),  # no letters past the end
    (["leaders, a"], "leaders a", {0}), (["leaders, ab"], "leaders a", set()),
    (["behaviour", "behavior", "behavioural"], "behavio?r", {0, 1}),
    (["misleadership", "leadership", "leaders", "x_leadership"], "*leadership", {0, 1, 3}),
    (["co-leadership roles", "leadership role"], "*leadership role*", {0, 1}),
    # The records are joined by newlines, which a phrase's separator matches: a phrase
    # ending one record and starting the next is found in neither.
    (["leadership and effective school", "leadership in practice"], "school leadership",
     set()),
]


@pytest.mark.parametrize(("titles", "term", "expected"), CASES)
@pytest.mark.parametrize("way", sorted(WAYS))
def test_terms_at_the_edges(titles, term, expected, way):
    records = [record(*t) if isinstance(t, tuple) else record(t) for t in titles]
    with patch.multiple(corpus_module, **WAYS[way]):
        assert Corpus(records).free_text(term) == expected == one_by_one(records, term)


def test_one_byte_word_characters_are_those_of_the_str_regex():
    """The index reads Latin-1 bytes, whose regex's own ``\\w`` is ASCII: its classes are
    spelled out to be those of a ``str`` regex, character for character."""
    for code in range(256):
        char = chr(code)
        assert bool(corpus_module._WORD[code]) == bool(re.match(r"\w", char)), repr(char)
        assert bool(corpus_module._ALNUM[code]) == char.isalnum(), repr(char)


def test_records_are_read_once_from_a_stream():
    """A corpus keeps only folded text: it can be made from a generator of records."""
    corpus = Corpus(record(t) for t in ["leadership", "care", "Leaders"])
    assert corpus.size == 3
    assert corpus.free_text("lead*") == {0, 2}
