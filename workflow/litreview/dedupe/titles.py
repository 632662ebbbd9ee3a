"""A title's match keys, and how alike two titles are.

Databases add notes to titles ("[Review] [43 refs]", "(author's transl)"), give a second
language ("Original = English", MEDLINE's "[translated title]"), and title errata, replies
and comments after the work they concern. :func:`title_keys` reduces a title to what
identifies the work; :func:`title_similarity` compares two.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from litreview.dedupe.folding import fold

_TAGS = re.compile(r"</?[a-z]{1,6}\s*/?>", re.IGNORECASE)
#: Notes that databases add to titles: "[Review] [43 refs]", "[Erratum in: …]",
#: "(author's transl)". They say nothing about which work it is.
_ANNOTATION = re.compile(
    r"\s*[\[(](?:review\b|errat(?:um|a)\b|corrigendum\b|comments?\b|commentary\b|see\b|"
    r"article in\b|published\b|corrected\b|republished\b|retraction\b|retracted\b|update\b|"
    r"updated\b|english abstract|\d+\s*refs?\b|author'?s'? transl|multiple letters|"
    r"summary in\b|abstract\b|editorial\b|letter\b|news\b)[^\])]*(?:[\])]|$)",
    re.IGNORECASE)
#: A short bracketed tag ending a title: a language ("[Chinese]") or a letter number ("[1]").
_TAIL_TAG = re.compile(r"\s*\[[^\]\s]+(?:\s[^\]\s]+){0,2}\]\s*$")
#: Where a title gives its other language: "Original = English", "[English]", "<ORIGINAL>".
_VARIANT_SPLIT = re.compile(r"\s=\s|;\s|\s/\s|\[|\]|<original>", re.IGNORECASE)
#: Correction notices titled after the corrected article: "Title (vol 360, pg 542, 2009)"
#: (Web of Science) or "Title (New England Journal of Medicine (2009) 360 (542-544))" (Embase).
_CORRECTS = re.compile(r"\((?:vol\.? ?\d+,? ?pg?\.? ?\d+|[^()]*\(\d{4}\) ?\d+ ?\([\d\s\-]+\))"
                       r"[^()]*\)\s*$", re.IGNORECASE)
#: Titles of items about another work, matched on the lowercased title with punctuation:
#: "Erratum to: X", "Correction: X", "X - Reply", "Retracted: X", "Comment on X", "Re: X".
#: Research titles that merely start alike ("Correction of hallux valgus", "Response of
#: tumours to …", "Withdrawal of …", "Re-evaluation …") are not matched.
_END = r"\s*(?:[:.\-–—]|$)"
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("erratum", re.compile(
        rf"^\W*(?:errat(?:um|a)|corrigend(?:um|a)|corrections?|notice of correction){_END}|"
        r"\b(?:errat(?:um|a)|corrigend(?:um|a)) (?:to|for|in|on|of)\b|\bcorrection to\b|"
        r"\b(?:errat(?:um|a)|corrigend(?:um|a))\W*$")),
    ("retraction", re.compile(
        rf"^\W*(?:retraction|retracted|withdrawn|notice of retraction){_END}|"
        r"\bretraction (?:of|note|notice)\b|\bexpression of concern\b")),
    ("reply", re.compile(
        rf"^\W*(?:reply|replies|in reply|rejoinder){_END}|\b(?:reply|replies) to\b|"
        r"\b(?:reply|replies|rejoinder)\W*$|\bauthors?'? (?:reply|response)\b|"
        r"\bresponse to (?:the )?(?:letter|comments?|commentary|critique|editorial|"
        r"reviewers?|dr\b)")),
    ("comment", re.compile(r"^\W*(?:re\s*:|(?:comments?|commentary)\s*[:\-–—])|"
                           r"\b(?:comments?|commentary) on\b")),
)
#: What every marker's title contains (cheaper to look for than the markers).
_MARKER_HINTS = ("errat", "corrig", "correct", "retract", "withdr", "concern", "repl", "respon",
                 "rejoin", "comment")
_RE_START = re.compile(r"\W*re\b")
#: Titles that name a kind of item, not a work: they cannot identify one by themselves.
_GENERIC = re.compile(
    r"(?:guest )?editorials?(?: (?:notes?|introduction|comments?|overview|statement))?|"
    r"(?:from the )?editor s (?:notes?|introduction|comments?|column)|book reviews?|reviews?|"
    r"introduction|preface|foreword|letters?(?: to the editor)?|reply|response|erratum|"
    r"errata|correction|corrigendum|commentary|comments?|news|abstracts?|index|contents|"
    r"table of contents|in this issue|announcements?|call for papers|obituary|"
    r"acknowledge?ments?|reviewers?|front matter|back matter|masthead|issue information|"
    r"(?:conference|meeting) abstracts?(?: \d+)?")
#: Placeholders for a title nobody recorded.
_MISSING = re.compile(r"|untitled|unknown|no title|not available|none|n a|title")
_THOUSANDS = re.compile(r"(?<!\d)\d{1,3}(?: \d{3})+(?!\d)")  # "10 000" (or "10,000")
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
          "xi": "11", "xii": "12"}
_NONE: frozenset[str] = frozenset()  # one empty set for every title with no numbers
_DIGITS = re.compile(r"\d+")
#: The words after which a lone "i" is a number: "Part I", "Phase I".
_ROMAN_AFTER = frozenset(("part", "phase", "stage", "type", "study", "trial", "volume", "paper"))
_DIGIT_SPACE = re.compile(r"\d \d")


_folded_journal = lru_cache(maxsize=1 << 16)(fold)


@dataclass(frozen=True, slots=True)
class Title:
    """A title reduced to what identifies the work."""

    text: str                       # folded, annotations removed
    variants: tuple[str, ...]       # each language of a bilingual or translated title
    translated: bool                # MEDLINE's "[translated title]", or several languages
    missing: bool                   # no title, or a placeholder
    generic: bool                   # missing, or names a kind of item ("Editorial")
    numbers: frozenset[str]         # "Part 2", "Phase III", "Volume 52 Paper 41"
    markers: frozenset[str]         # erratum, retraction, reply, comment



@lru_cache(maxsize=1 << 17)  # one title recurs across databases, often as typed
def title_keys(title: str, journal: str = "") -> Title:
    """The title without database notes; ``journal`` unmasks titles that only repeat it."""
    text = html.unescape(title or "")
    text = _TAGS.sub(" ", text)
    corrects = bool(_CORRECTS.search(text))
    text = _CORRECTS.sub(" ", text) if corrects else text
    if "[" in text or "(" in text:  # what the notes start with
        text = _ANNOTATION.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = (_TAIL_TAG.sub("", text) if "]" in text else text).strip().strip(" .\"'")
    bracketed = text.startswith("[") and text.endswith("]")
    if bracketed:  # MEDLINE's translated title
        text = text[1:-1]
    plain = fold(text)
    folded = _THOUSANDS.sub(lambda m: m.group(0).replace(" ", ""), plain) \
        if _DIGIT_SPACE.search(plain) else plain
    words = folded.split()
    journal_folded = _folded_journal(journal)
    missing = bool(_MISSING.fullmatch(folded))
    generic = (missing or (len(words) < 2 and len(folded) < 15)  # not one CJK title
               or bool(_GENERIC.fullmatch(folded))
               or (len(journal_folded) > 12 and folded.startswith(journal_folded)))
    variants = []
    pieces = _VARIANT_SPLIT.split(text) if any(c in text for c in "=;/[]<") else [text]
    for piece in pieces:
        part = fold(piece) if len(pieces) > 1 else plain
        if len(part.split()) >= 4 and part != folded and part not in variants:
            variants.append(part)
    numbers = {n.lstrip("0") or "0" for n in _DIGITS.findall(folded)}
    distinct = set(words)
    numbers.update(_ROMAN[w] for w in distinct & _ROMAN.keys())
    if "i" in distinct and any(w == "i" and words[n - 1] in _ROMAN_AFTER
                               for n, w in enumerate(words) if n):
        numbers.add("1")
    lowered = " ".join(text.lower().split())
    markers = {name for name, pattern in _MARKERS if pattern.search(lowered)} \
        if any(hint in lowered for hint in _MARKER_HINTS) or _RE_START.match(lowered) else set()
    if corrects:
        markers.add("erratum")
    return Title(folded, tuple(variants), bracketed or bool(variants), missing, generic,
                 frozenset(numbers) or _NONE, frozenset(markers) or _NONE)


def _acronym(word: str, words: Sequence[str]) -> bool:
    """"ahus" for "atypical hemolytic uremic syndrome" somewhere in ``words``."""
    initials = "".join(w[0] for w in words)
    return 2 <= len(word) <= 8 and word in initials


def substituted(a: str, b: str) -> bool:
    """Whether the titles differ by a word replaced with another ("adult"/"pediatric").

    Typing variants (haemolysis/hemolysis, sub-group/subgroup) and abbreviations
    ("aHUS") are no substitution; a word missing from one title is none either.
    """
    words_a, words_b = a.split(), b.split()
    only_a = set(words_a) - set(words_b)
    only_b = set(words_b) - set(words_a)
    joined_a, joined_b = a.replace(" ", ""), b.replace(" ", "")

    def unmatched(only: set[str], other: set[str], joined: str, words: list[str]) -> bool:
        return any(len(w) >= 3 and w not in joined and not _acronym(w, words)
                   and not any(fuzz.ratio(w, o) >= 75 for o in other) for w in only)

    return (unmatched(only_a, only_b, joined_b, words_b)
            and unmatched(only_b, only_a, joined_a, words_a))


def title_similarity(a: Title, b: Title, ratio: float | None = None
                     ) -> tuple[float, bool, bool]:
    """Best similarity over the languages of the titles (``ratio``: of the full titles, if
    known); whether one contains the other; whether the best pair differs by a word
    substituted for another."""
    if a.generic or b.generic:
        return 0.0, False, False
    best = fuzz.ratio(a.text, b.text) if ratio is None else ratio
    pair = (a.text, b.text)
    if best < 93 and (a.variants or b.variants):
        for x in (a.text, *a.variants):
            for y in (b.text, *b.variants):
                score = fuzz.ratio(x, y)
                if score > best:
                    best, pair = score, (x, y)
    short, long = sorted((a.text, b.text), key=len)
    contained = (best < 93 and short.count(" ") >= 3
                 and fuzz.partial_ratio(short, long) >= 95)
    return best, contained, 85 <= best < 100 and substituted(*pair)
