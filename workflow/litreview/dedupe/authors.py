"""An author list's match keys, and how alike two lists are.

One person is "Zuna, R E", "Zuna RE", "R. E. Zuna" or, from a database that swapped the
fields, "Andrea, C." for "Carignani, Andrea"; lists come run together ("Tan A.Schulze A.")
or with placeholders ("Anonymous").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from litreview.dedupe.folding import fold

_PARTICLES = frozenset(("van", "von", "de", "der", "den", "del", "della", "dei", "di", "da",
                        "das", "do", "dos", "du", "la", "le", "lo", "les", "des", "ten", "ter",
                        "st", "zu", "el", "al", "bin", "ibn"))
_NO_AUTHOR = re.compile(r"(?:\[?anonymous\]?|unknown|anon|n a|no authors? listed|et al|"
                        r"and others|not available|none)", re.IGNORECASE)
#: Lists exported with no separator between names: "Tan A.Schulze A.O'Donnell C. P.",
#: "ADELI K.LEWIS G. F.", "Adeli, K.Lewis, G. F.".
_RUN_TOGETHER = re.compile(r"(?<=[A-Z]\.)(?=[A-Z](?:[a-z]|'[A-Z]|[A-Z]+[\s,]))")
_SURNAME_SPLIT = re.compile(r"[\s\-']+")  # "Le Quintrec", "Garcia-Lopez", "O'Donnell"
_WORD_SPLIT = re.compile(r"[\-']+")
_GIVEN_SPLIT = re.compile(r"[\s.\-]+")  # "R. E.", "Jean-Luc"


_NONE: frozenset[str] = frozenset()


def _frozen(values: Iterable[str]) -> frozenset[str]:
    """The values as a frozenset; no values as one shared empty set (a million records
    would otherwise hold millions of empty ones, 216 bytes each)."""
    return frozenset(values) or _NONE


@lru_cache(maxsize=1 << 16)
def _is_initials(token: str) -> bool:
    bare = token.replace(".", "").replace("-", "")
    return len(bare) <= 1 or (len(bare) <= 3 and bare.isupper()) or (
        token.endswith(".") and len(bare) <= 2)


def _surname_forms(words: Sequence[str]) -> frozenset[str]:
    kept = [w for w in words if w not in _PARTICLES]
    forms = {w for w in kept if len(w) > 1} or set(kept)  # "O'Donnell": not "o"
    if len(kept) > 1:
        forms.add("".join(kept))
    return _frozen(forms)


@dataclass(frozen=True, slots=True)
class Author:
    """One author's name in the forms databases write it."""

    surname: frozenset[str]  # the spellings the surname may take: {"quintrec"}
    stems: frozenset[str]    # their first five letters: "Albarqo" for "Albarqouni"
    given: frozenset[str]    # whole given names: {"andrea"}
    initials: str            # first letters of the given names: "ac"


    def matches(self, other: Author) -> bool:
        """The same person, allowing a database that swapped surname and given name."""
        return bool(self.surname & other.surname or self.stems & other.stems
                    or self._swapped(other) or other._swapped(self))

    def _swapped(self, other: Author) -> bool:
        """"Andrea, C." for "Carignani, Andrea"; "Wu, C. Y." for "Ching-yi, Wu"."""
        if not self.surname & other.given:
            return False
        return not self.initials or any(f[0] in self.initials for f in other.surname)


# A name's parts recur far more than whole names ("Zuna", "R. E."): each is parsed once.

def _words(text: str, separators: re.Pattern[str]) -> tuple[str, ...]:
    return tuple(w for w in (fold(p).replace(" ", "") for p in separators.split(text)) if w)


@lru_cache(maxsize=1 << 17)
def _surname_words(surname: str) -> tuple[str, ...]:
    return _words(surname, _SURNAME_SPLIT)


@lru_cache(maxsize=1 << 17)
def _token_words(token: str) -> tuple[str, ...]:
    return _words(token, _WORD_SPLIT)


@lru_cache(maxsize=1 << 17)
def _surname(words: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The surname's forms and their stems; "Le, Quintrec M.": a particle alone."""
    forms = _surname_forms(words) or _frozen(words)
    return forms, _frozen(f[:5] for f in forms if len(f) >= 5)


@lru_cache(maxsize=1 << 16)
def _given(tokens: tuple[str, ...]) -> tuple[frozenset[str], str]:
    """Whole given names and the initials of all of them."""
    folded = [(t, f) for t, f in ((t, fold(t).replace(" ", "")) for t in tokens) if f]
    return (_frozen(f for t, f in folded if len(f) >= 2 and not _is_initials(t)),
            "".join(f[0] for _, f in folded))


@lru_cache(maxsize=1 << 16)
def _given_after_comma(given: str) -> tuple[frozenset[str], str]:
    return _given(tuple(t for t in _GIVEN_SPLIT.split(given) if t))


def author_name(name: str) -> Author | None:
    """One author, whatever the form: "Zuna, R E", "Zuna RE", "R. E. Zuna", "Omulo Sylvia".

    A name of whole words without a comma is ambiguous ("Omulo Sylvia", "Bernd Stahl"),
    so each word is a candidate surname.
    """
    name = name.strip()
    if "," in name:
        surname, given = name.split(",", 1)
        words = _surname_words(surname)
        given_names, initials = _given_after_comma(given)
    else:
        tokens = name.split()
        whole = [t for t in tokens if not _is_initials(t)] or tokens[:1]
        words = tuple(w for t in whole for w in _token_words(t))
        given_names, initials = _given(tuple(t for t in tokens if t not in whole))
    if not words:
        return None
    forms, stems = _surname(words)
    return Author(forms, stems, given_names, initials)


@dataclass(frozen=True, slots=True)
class Authors:
    """An author list with the pooled forms that make comparing two lists cheap."""

    names: tuple[Author, ...]
    surnames: frozenset[str]
    stems: frozenset[str]
    given: frozenset[str]


    def __len__(self) -> int:
        return len(self.names)


#: Long author lists are compared on their first names only, as DedupEndNote does.
MAX_AUTHORS = 30


def _parse(author: str) -> tuple[Author, ...]:
    """The authors in one entry of a list: usually one, several when a database packed
    them ("A; B", or EndNote's run-together "Tan A.Schulze A.")."""
    out = []
    for part in author.split(";"):
        names = _RUN_TOGETHER.split(part) if _RUN_TOGETHER.search(part) else [part]
        if len(names) > 1 and "," in part and any(n.count(",") != 1 for n in names):
            names = [part]  # "Smith, J.K." is one name; "Adeli, K.Lewis, G. F." two
        for name in names:
            if name.strip() and not _NO_AUTHOR.fullmatch(fold(name) or "none"):
                found = author_name(name)
                if found:
                    out.append(found)
    return tuple(out)


_names = lru_cache(maxsize=1 << 16)(_parse)


def author_keys(authors: Sequence[str],
                known: dict[str, tuple[Author, ...]] | None = None) -> Authors:
    """A record's author list; placeholders ("Anonymous", "UNKNOWN") are no author.

    ``known``: the entries parsed so far in a set of records (each parsed once; a cache of
    fixed size would parse again the names a large set has more of than it holds)."""
    if known is None:
        names = [a for entry in authors for a in _names(entry)]
    else:
        names = [a for entry in authors for a in _known_entry(entry, known)]
    names = names[:MAX_AUTHORS]
    return Authors(tuple(names), _frozen(f for a in names for f in a.surname),
                   _frozen(f for a in names for f in a.stems),
                   _frozen(f for a in names for f in a.given))


def first_author(authors: Sequence[str], known: dict[str, tuple[Author, ...]]) -> Authors:
    """The list's first author alone, as :func:`author_keys` finds it: all that blocking
    reads (entries after the first with a name are not parsed)."""
    for entry in authors:
        if found := _known_entry(entry, known):
            first = found[0]
            return Authors((first,), first.surname, first.stems, first.given)
    return _NO_AUTHORS


_NO_AUTHORS = Authors((), _NONE, _NONE, _NONE)


def _known_entry(entry: str, known: dict[str, tuple[Author, ...]]) -> tuple[Author, ...]:
    """The authors of one entry, parsed once in a set of records (``known``)."""
    found = known.get(entry)
    if found is None:
        found = known[entry] = _parse(entry)
    return found


def author_relation(a: Authors, b: Authors) -> str:
    """``high``, ``mid``, ``low`` (clearly other people) or ``""`` (a list is missing)."""
    if not a.names or not b.names:
        return ""
    first = a.names[0].matches(b.names[0])
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    hits = sum(1 for x in shorter.names if x.surname & longer.surnames or x.stems & longer.stems
               or ((x.surname & longer.given or x.given & longer.surnames)  # swapped names
                   and any(x.matches(y) for y in longer.names)))
    share = hits / len(shorter)
    if first and share >= 0.75:
        return "high"
    if first or share >= 0.5:
        return "mid"
    return "low"
