"""The records prepared for searching: their folded text, where its words start, and their
subject headings.

How a term matches is :mod:`litreview.search.matching`; this module makes it fast. The
records' folded texts are joined into one string (two: see :class:`Corpus`). In the
one-byte string, where every word starts is found once (:class:`WordStarts`), so a term
whose first word begins with letters needs no scan of the text: the places a word begins
with those letters are picked from the index, a record holding none of the phrase's other
words is passed over, and the term's regex is tried only at the places left (a one-word
term, truncated or whole, needs no regex at all). A term the index cannot narrow (one
that starts with a wildcard or punctuation, or whose places are too many to try one by
one) is a regex scan of the text, jumping to the next record after a hit; a leading ``*``
makes the rest of the term findable anywhere, so that scan jumps between its letters.
Either way a match starts on a word boundary and ends within its record.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np

from litreview.core.records import Record
from litreview.core.records_parquet import iter_fields
from litreview.search.matching import (
    SEARCHED_FIELDS,
    fold,
    fold_latin1,
    free_text_pattern,
    free_text_regex,
    heading_keys,
    phrase_words,
    word_pattern,
)

#: Which one-byte characters are alphanumeric (``str.isalnum``), as a table for
#: ``bytes.translate`` (1: alphanumeric): a word starts at one that follows none.
_ALNUM = bytes(chr(b).isalnum() for b in range(256))
#: A one-byte word character (the regex's ``\w``): alphanumeric or ``_``.
_WORD = np.array([chr(b).isalnum() or chr(b) == "_" for b in range(256)])
#: When a term has more places to try than this fraction of the text's length, one scan is
#: faster than trying its regex at each: measured on 168 MB of abstracts, a try costs
#: 0.2-0.3 µs, a scan 0.7-2.5 ns a character.
_SCAN_BEYOND = 1 / 250
#: So few places that trying each is quicker than finding the records of another word.
_FEW_PLACES = 2_000


class WordStarts:
    """Where the words of a one-byte text start: each place whose character is
    alphanumeric and whose previous character is not."""

    _CHUNK = 1 << 20

    def __init__(self, data: bytearray):
        self.data = np.frombuffer(data, dtype=np.uint8)
        dtype = np.int32 if len(data) < 2**31 else np.int64
        pieces = []
        for begin in range(0, len(data), self._CHUNK):
            alnum = np.frombuffer(data[begin:begin + self._CHUNK].translate(_ALNUM), np.bool_)
            after_other = begin == 0 or not _ALNUM[data[begin - 1]]
            head = [begin] if alnum[0] and after_other else []
            rest = np.flatnonzero(alnum[1:] > alnum[:-1]) + (begin + 1)
            pieces += [np.array(head, dtype=dtype), rest.astype(dtype)]
        self.starts = np.concatenate(pieces) if pieces else np.zeros(0, dtype=dtype)
        #: The text's four characters from each place (the last three places have none).
        self._fours = np.ndarray((max(len(data) - 3, 0),), dtype="<u4", buffer=data,
                                 strides=(1,))
        self._heads = self._four_at(self.starts)
        self._first = self._heads.view(np.uint8)[::4].copy()  # the lowest of each four
        self._by_first: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._scratch = np.empty(len(self.starts), dtype=bool)  # its pages touched once

    def beginning(self, prefix: bytes) -> np.ndarray:
        """The places, in order, where a word starts with ``prefix`` (its first character
        alphanumeric)."""
        group = self._by_first.get(prefix[0])
        if group is None:
            chosen = np.flatnonzero(np.equal(self._first, prefix[0], out=self._scratch))
            group = self._by_first[prefix[0]] = (self.starts[chosen], self._heads[chosen])
        found, heads = group
        room = int(np.searchsorted(found, len(self.data) - len(prefix), side="right"))
        found, heads = found[:room], heads[:room]  # the prefix fits before the text's end
        for i in range(0, len(prefix), 4):  # four characters at a time
            part = prefix[i:i + 4]
            if i:
                heads = self._four_at(found + i)
            found = found[heads & (1 << 8 * len(part)) - 1 == int.from_bytes(part, "little")]
        return found

    def _four_at(self, places: np.ndarray) -> np.ndarray:
        """The four characters from each place (in order) as one number, the first its
        lowest byte; 0 past the end of the text."""
        data = self.data
        inner = len(places)
        while inner and places[inner - 1] > len(data) - 4:
            inner -= 1
        out = self._fours[places[:inner]]
        out.resize(len(places), refcheck=False)  # in place: room for the last few
        for k, place in enumerate(places[inner:].tolist(), inner):
            out[k] = int.from_bytes(bytes(data[place:place + 4]).ljust(4, b"\0"), "little")
        return out


def _literal(word: str) -> str:
    """A term word's letters before its first wildcard."""
    return word.split("*", 1)[0].split("?", 1)[0]


class _Text:
    """Records' folded texts joined by newlines: where each ends (its newline, or the end
    of the text), the record each is, and, for a one-byte text (Latin-1 bytes), where its
    words start."""

    __slots__ = ("_ends_array", "ends", "ids", "text", "words")

    def __init__(self, text: bytearray | str, ends: list[int], ids: Sequence[int]):
        self.text = text
        self.ends = ends
        self._ends_array = np.asarray(ends, dtype=np.int64)  # ``ends``, to search in numpy
        self.ids = np.asarray(ids, dtype=np.int64)
        self.words = WordStarts(text) if isinstance(text, bytearray) else None

    def find(self, term_text: str) -> np.ndarray:
        """The records (their indices in the corpus) whose text holds the term."""
        words = phrase_words(term_text)
        if words and words[0].startswith("*") and _literal(words[0].lstrip("*")):
            # A leading ``*`` takes every letter back to the word's start: the rest of the
            # term may start anywhere (a scan jumping to its letters, not one trying ``\w*``
            # at every place).
            rest = self._regex(" ".join((words[0].lstrip("*"), *words[1:])))
            return self.ids[:0] if rest is None else self.ids[self._scan(rest, anywhere=True)]
        if self.words is None:
            return self.ids[self._scan(free_text_regex(term_text))]
        regex = _one_byte_regex(term_text)
        if regex is None:  # a literal character beyond Latin-1
            return self.ids[:0]
        prefix = _literal(words[0]) if words else ""  # the first word's letters
        if not prefix or not prefix[0].isalnum():
            return self.ids[self._scan(regex)]
        places = self.words.beginning(prefix.encode("latin-1"))
        docs = self._docs(places)
        if words[0] in (prefix, prefix + "*") and len(words) == 1:  # one word: no regex
            if words[0] == prefix:  # not truncated: the word must end there
                after = places + len(prefix)
                data = self.words.data
                whole = after >= len(data)
                whole[~whole] = ~_WORD[data[after[~whole]]]
                docs = docs[whole]
            return self.ids[np.unique(docs)]
        for word in words[1:]:
            literal = _literal(word)
            if len(places) <= _FEW_PLACES:
                break
            if literal and literal[0].isalnum():  # records without that word cannot match
                having = np.zeros(len(self.ids), dtype=bool)
                having[self._docs(self.words.beginning(literal.encode("latin-1")))] = True
                places, docs = places[having[docs]], docs[having[docs]]
        if len(places) > len(self.text) * _SCAN_BEYOND:
            return self.ids[self._scan(regex)]
        return self.ids[self._tried(regex, places.tolist(), docs.tolist())]

    def _regex(self, term_text: str) -> re.Pattern[str] | re.Pattern[bytes] | None:
        """The term's regex for this text (None: a one-byte text cannot hold it)."""
        return free_text_regex(term_text) if self.words is None else _one_byte_regex(term_text)

    def _docs(self, places: np.ndarray) -> np.ndarray:
        """The record (its position in this text) each place is in."""
        return np.searchsorted(self._ends_array, places)

    def _tried(self, regex: re.Pattern[bytes], places: list[int], docs: list[int]) -> list[int]:
        """The records in which the regex matches at one of the places (in order)."""
        text, ends = self.text, self.ends
        found: list[int] = []
        hit = -1
        for place, doc in zip(places, docs, strict=True):
            if doc != hit and regex.match(text, place, ends[doc]):  # type: ignore[arg-type]
                found.append(doc)
                hit = doc
        return found

    def _scan(self, regex: re.Pattern[str] | re.Pattern[bytes], anywhere: bool = False
             ) -> list[int]:
        """The records whose text the regex matches at a word boundary (``anywhere``: at
        any place), by one scan of the text. After a hit the scan skips to the next record:
        one hit per record is enough."""
        text, ends = self.text, self.ends
        alnum = str.isalnum if isinstance(text, str) else _ALNUM.__getitem__
        found: list[int] = []
        position = 0
        while (match := regex.search(text, position)) is not None:  # type: ignore[arg-type]
            start = match.start()
            doc = bisect_left(ends, start)
            if (start and not anywhere and alnum(text[start - 1])) or (  # type: ignore[arg-type]
                    match.end() > ends[doc] and not regex.match(text, start, ends[doc])):
                position = start + 1  # inside a word, or only across the record's end
                continue
            found.append(doc)
            if doc + 1 >= len(ends):
                break
            position = ends[doc] + 1
        return found


#: A one-byte text's alphanumeric characters, as a regex class's contents.
_ALNUM_CLASS = "".join(re.escape(chr(b)) for b in range(256) if _ALNUM[b])


@lru_cache(maxsize=4096)
def _one_byte_regex(term_text: str) -> re.Pattern[bytes] | None:
    """The term's regex for Latin-1 bytes, its word characters those ``\\w`` is in a
    ``str`` (the bytes regex's own are ASCII); None when the term holds a character beyond
    Latin-1, which no such text holds."""
    pattern = free_text_pattern(term_text, f"[{_ALNUM_CLASS}_]", f"[^{_ALNUM_CLASS}]")
    try:
        return re.compile(pattern.encode("latin-1"))
    except UnicodeEncodeError:
        return None


class Corpus:
    """The records prepared for searching: folded text, and a heading index.

    The text is two: the records whose folded text fits Latin-1, joined as bytes (nearly
    all of them), and the others (Greek letters, mathematical signs), joined as a string,
    which takes two or four bytes a character; only the first has a word index, and its
    scans are twice as fast as they would be if one such record made the whole text wide.
    """

    def __init__(self, records: Iterable[Record]):
        """Reads the records once, keeping only their folded text and headings: ``records``
        may be a stream (:func:`litreview.core.records.iter_records`)."""
        self._read(map(attrgetter(*SEARCHED_FIELDS), records))

    @classmethod
    def of_file(cls, path: str | Path) -> Corpus:
        """The corpus of a records file, read a row group at a time without making records
        (:func:`litreview.core.records_parquet.iter_fields`)."""
        corpus = cls.__new__(cls)  # not __init__, which takes records
        corpus._read(iter_fields(path, SEARCHED_FIELDS))
        return corpus

    def _read(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Fold and index each record's :data:`SEARCHED_FIELDS`, given in that order."""
        narrow, narrow_ends, narrow_ids = bytearray(), [], []
        wide: list[str] = []
        wide_ends: list[int] = []
        wide_ids: list[int] = []
        headings: dict[str, list[int]] = defaultdict(list)
        #: Each heading met, as the appends to the postings of its keys.
        adds: dict[str, tuple[Callable[[int], None], ...]] = {}
        for i, (title, abstract, keywords, subjects) in enumerate(rows):
            text = fold_latin1(" | ".join((title, abstract, *keywords)).replace("\n", " "))
            if isinstance(text, str):  # beyond Latin-1, unless folding made it fit
                try:
                    text = text.encode("latin-1")
                except UnicodeEncodeError:
                    wide.append(text)
                    wide_ends.append((wide_ends[-1] + 1 if wide_ends else 0) + len(text))
                    wide_ids.append(i)
            if isinstance(text, bytes):
                if narrow_ids:
                    narrow += b"\n"
                narrow += text
                narrow_ends.append(len(narrow))
                narrow_ids.append(i)
            for heading in subjects or keywords:
                add = adds.get(heading)
                if add is None:
                    add = adds[heading] = tuple(headings[k].append for k in heading_keys(heading))
                for append in add:
                    append(i)  # twice when a record has it twice: the set below keeps one
        self.size = len(narrow_ids) + len(wide_ids)
        self.parts = tuple(_Text(text, ends, ids) for text, ends, ids in (
            (narrow, narrow_ends, narrow_ids), ("\n".join(wide), wide_ends, wide_ids)) if ids)
        self.headings = {k: frozenset(v) for k, v in headings.items()}

    def free_text_hits(self, term_text: str) -> np.ndarray:
        """The records (indices) whose text holds the term, in no particular order."""
        found = [part.find(term_text) for part in self.parts]
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def free_text(self, term_text: str) -> frozenset[int]:
        """Records whose text holds the term; a match must start on a word boundary."""
        return frozenset(self.free_text_hits(term_text).tolist())

    def heading(self, label: str, narrower: Sequence[str] = ()) -> frozenset[int]:
        wanted = fold(label)
        if "*" in wanted or "?" in wanted:
            regex = re.compile(word_pattern(wanted).replace(r"\w*", ".*") + r"\Z")
            keys = [k for k in self.headings if regex.match(k)]
        else:
            keys = [wanted, *(fold(n) for n in narrower)]
        return frozenset().union(*(self.headings.get(k, frozenset()) for k in keys))
