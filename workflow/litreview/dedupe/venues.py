"""A venue's match keys, and whether two venues are one journal.

One journal is "Journal of Clinical Oncology", "J Clin Oncol", "JOURNAL OF CLINICAL
ONCOLOGY", "Ai zheng = Aizheng = Chinese journal of cancer", or "Heart. Conference: …"
for its abstract supplement.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from litreview.dedupe.folding import fold

_JOURNAL_NOISE = re.compile(r"\[[^\]]*\]|\((?:print|online|electronic|london|oxford|"
                            r"[a-z]+ ed(?:ition)?\.?)\)", re.IGNORECASE)
#: Where a venue name gives way to another: a parallel title ("Ai zheng = Aizheng"), a
#: subtitle, or the conference an abstract supplement reports ("Heart. Conference: …").
_JOURNAL_SPLIT = re.compile(r"\s=\s|\s:\s|:\s|;\s|\s-\s|\.(?=[A-Z][a-z])|"
                            r"\.\s+(?=(?i:conference|congress|meeting|symposium)\b)")
#: MEDLINE's qualifiers of a journal title: "Lung cancer (Amsterdam, Netherlands)",
#: "Stroke (00392499)"; another database writes the title without them.
_QUALIFIER = re.compile(r"\([^()]*(?:\)|$)")
#: A compound written with a hyphen in full and joined when abbreviated: "Cardio-thoracic",
#: "Cardiothorac".
_COMPOUND = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_STOP = frozenset(("of", "the", "and", "for", "in", "on", "at", "to", "a", "an", "de", "la",
                   "le", "du", "des", "der", "die", "das", "und", "et", "y", "e", "del",
                   "della", "di"))
_CONFERENCE = re.compile(r"\b(?:conference|conf|symposium|workshop|congress|meeting|"
                         r"colloquium|convention|summit)\b")


#: A part of a venue name that only says what kind of venue it is ("… .Conference: …"): it
#: names no venue, so two venues that share it are not one.
_KIND_ONLY = re.compile(r"(?:(?:annual|international|national|joint|scientific|"
                        r"conference|conf|symposium|workshop|congress|meeting|colloquium|"
                        r"convention|summit|proceedings|abstracts?|supplement|suppl)\s?)+")


@lru_cache(maxsize=1 << 16)
def journal_keys(journal: str) -> tuple[tuple[str, ...], ...]:
    """Each name the venue goes by, as word tuples: "Ai zheng = Aizheng = Chinese journal …"."""
    text = _JOURNAL_NOISE.sub(" ", journal or "")
    pieces = [text, *_JOURNAL_SPLIT.split(text)]
    pieces += [form for piece in pieces
               for form in (_QUALIFIER.sub(" ", piece), _COMPOUND.sub("", piece))
               if form != piece]
    parts = []
    for n, piece in enumerate(pieces):
        words = tuple(w for w in fold(piece).split()  # not "12th", "2007"
                      if w not in _STOP and not any(c.isdigit() for c in w))
        if words and words not in parts and (n == 0 or len(words) > 1 or len(words[0]) > 2) \
                and (n == 0 or not _KIND_ONLY.fullmatch(" ".join(words))):
            parts.append(words)
    return tuple(parts)


def _abbreviates(short: str, word: str) -> bool:
    """ISO 4 style: "nephrol" for "nephrology", "natl" for "national", "j" for "journal"."""
    if short == word:
        return True
    if not word.startswith(short[0]) or len(short) > len(word):
        return False
    position = 0
    for char in short:
        position = word.find(char, position) + 1
        if not position:
            return False
    return True


def _same_venue_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        return all(_abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(a, b, strict=True))
    short, long = sorted((a, b), key=len)
    if len(short) == 1 and 2 <= len(short[0]) <= 6 and len(long) >= 2:  # "pnas", "bmj"
        return short[0] == "".join(w[0] for w in long)
    if len(short) >= 3:  # a name contained in a longer one, "… Chinese journal of …"
        n = len(short)
        return any(long[k:k + n] == short for k in range(len(long) - n + 1))
    return False


@lru_cache(maxsize=200_000)
def venue_relation(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> str:
    """``same`` (one name, maybe abbreviated), ``different`` or ``""`` (one unknown)."""
    if not a or not b:
        return ""
    for x in a:
        for y in b:
            if _same_venue_words(x, y):
                return "same"
    if fuzz.ratio(" ".join(a[0]), " ".join(b[0])) >= 90:
        return "same"
    return "different"


@lru_cache(maxsize=1 << 16)
def names_conference(journal: str) -> bool:
    """Whether a venue name says it is a conference ("Heart. Conference: …")."""
    return bool(_CONFERENCE.search(fold(journal)))
