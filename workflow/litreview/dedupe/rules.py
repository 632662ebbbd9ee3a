"""When two records are one work: the match keys of a record and the verdict on a pair.

Databases export one article with differing title case and punctuation, translated or
bilingual titles, "Surname, Given" or "Given Surname" or "Surname AB" authors, ISO 4 or
full journal names, "244-58" or "244-258" pages and missing fields. :func:`keys` reduces a
record to forms that compare across those differences; :func:`judge` weighs a pair.

A pair is judged the same work only on agreement of independent fields (title with
authors and year, or a DOI with a compatible title, or authors, year, volume and pages),
never on one field alone. Contradictions are named vetoes that also keep groups from
chaining. Firm ones hold whatever agrees: conflicting DOIs, publication years apart,
different pages, different numbers in the titles ("Part 1"/"Part 2"), an erratum, comment,
reply or retraction against the work it concerns. Weak ones, on fields exports garble
(volume, authors, conference against journal), are outweighed when the other fields' points
(:func:`weigh`, Fellegi-Sunter-like) reach :attr:`Weights.same` and nothing else disagrees.
Every :class:`Judgement` names the rule that decided it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache

from rapidfuzz import fuzz

from litreview.core.records import Record, normalise_doi

# --- normalised text ---------------------------------------------------------------

_GREEK = str.maketrans({"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ",
                        "κ": " kappa ", "μ": " mu ", "µ": " mu ", "ω": " omega "})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lowercase words of any script, accents dropped, one space between them."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    text = unicodedata.normalize("NFKD", text.translate(_GREEK).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()


# --- titles ------------------------------------------------------------------------

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
_MARKER_HINT = re.compile(r"errat|corrig|correct|retract|withdr|concern|repl|respon|rejoin|"
                          r"comment|^\W*re\b")
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
_DIGITS = re.compile(r"\d+")
_ROMAN_WORD = re.compile(r"\b(ii|iii|iv|vi|vii|viii|ix|xi|xii)\b|"
                         r"\b(?:part|phase|stage|type|study|trial|volume|paper) (i)\b")


@dataclass(frozen=True, slots=True)
class Title:
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
    text = _ANNOTATION.sub(" ", _CORRECTS.sub(" ", text))
    previous = None
    while previous != text:
        previous = text
        text = _TAIL_TAG.sub("", text).strip().strip(" .\"'")
    bracketed = text.startswith("[") and text.endswith("]")
    if bracketed:  # MEDLINE's translated title
        text = text[1:-1]
    folded = _THOUSANDS.sub(lambda m: m.group(0).replace(" ", ""), fold(text))
    words = folded.split()
    journal_folded = fold(journal)
    missing = bool(_MISSING.fullmatch(folded))
    generic = (missing or (len(words) < 2 and len(folded) < 15)  # not one CJK title
               or bool(_GENERIC.fullmatch(folded))
               or (len(journal_folded) > 12 and folded.startswith(journal_folded)))
    variants = []
    for piece in _VARIANT_SPLIT.split(text):
        part = fold(piece)
        if len(part.split()) >= 4 and part != folded and part not in variants:
            variants.append(part)
    numbers = {n.lstrip("0") or "0" for n in _DIGITS.findall(folded)}
    for match in _ROMAN_WORD.finditer(folded):
        numbers.add(_ROMAN.get(match.group(1) or match.group(2), "1"))
    lowered = " ".join(text.lower().split())
    markers = {name for name, pattern in _MARKERS if pattern.search(lowered)} \
        if _MARKER_HINT.search(lowered) else set()
    if corrects:
        markers.add("erratum")
    return Title(folded, tuple(variants), bracketed or bool(variants), missing, generic,
                 frozenset(numbers), frozenset(markers))


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


# --- authors -----------------------------------------------------------------------

_PARTICLES = frozenset(("van", "von", "de", "der", "den", "del", "della", "dei", "di", "da",
                        "das", "do", "dos", "du", "la", "le", "lo", "les", "des", "ten", "ter",
                        "st", "zu", "el", "al", "bin", "ibn"))
_NO_AUTHOR = re.compile(r"(?:\[?anonymous\]?|unknown|anon|n a|no authors? listed|et al|"
                        r"and others|not available|none)", re.IGNORECASE)
#: Lists exported with no separator between names: "Tan A.Schulze A.O'Donnell C. P.",
#: "ADELI K.LEWIS G. F.", "Adeli, K.Lewis, G. F.".
_RUN_TOGETHER = re.compile(r"(?<=[A-Z]\.)(?=[A-Z](?:[a-z]|'[A-Z]|[A-Z]+[\s,]))")


def _is_initials(token: str) -> bool:
    bare = token.replace(".", "").replace("-", "")
    return len(bare) <= 1 or (len(bare) <= 3 and bare.isupper()) or (
        token.endswith(".") and len(bare) <= 2)


def _surname_forms(words: Sequence[str]) -> frozenset[str]:
    kept = [w for w in words if w not in _PARTICLES]
    forms = {w for w in kept if len(w) > 1} or set(kept)  # "O'Donnell": not "o"
    if len(kept) > 1:
        forms.add("".join(kept))
    return frozenset(forms)


@dataclass(frozen=True, slots=True)
class Author:
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


def _words(text: str, separators: str) -> list[str]:
    return [w for w in (fold(p).replace(" ", "") for p in re.split(separators, text)) if w]


@lru_cache(maxsize=1 << 17)  # author names recur across databases and records
def author_name(name: str) -> Author | None:
    """One author, whatever the form: "Zuna, R E", "Zuna RE", "R. E. Zuna", "Omulo Sylvia".

    A name of whole words without a comma is ambiguous ("Omulo Sylvia", "Bernd Stahl"),
    so each word is a candidate surname.
    """
    name = name.strip()
    if "," in name:
        surname, given = name.split(",", 1)
        words = _words(surname, r"[\s\-']+")
        given_tokens = [t for t in re.split(r"[\s.\-]+", given) if t]
    else:
        tokens = name.split()
        whole = [t for t in tokens if not _is_initials(t)] or tokens[:1]
        words = [w for t in whole for w in _words(t, r"[\-']+")]
        given_tokens = [t for t in tokens if t not in whole]
    forms = _surname_forms(words) or frozenset(words)  # "Le, Quintrec M.": a particle alone
    if not forms:
        return None
    given = [(t, fold(t).replace(" ", "")) for t in given_tokens]
    given = [(t, f) for t, f in given if f]
    return Author(forms, frozenset(f[:5] for f in forms if len(f) >= 5),
                  frozenset(f for t, f in given if len(f) >= 2 and not _is_initials(t)),
                  "".join(f[0] for _, f in given))


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


@lru_cache(maxsize=1 << 17)
def _names(author: str) -> tuple[Author, ...]:
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


def author_keys(authors: Sequence[str]) -> Authors:
    """A record's author list; placeholders ("Anonymous", "UNKNOWN") are no author."""
    names = [a for entry in authors for a in _names(entry)][:MAX_AUTHORS]
    return Authors(tuple(names), frozenset(f for a in names for f in a.surname),
                   frozenset(f for a in names for f in a.stems),
                   frozenset(f for a in names for f in a.given))


# --- venue, numbers, DOI -----------------------------------------------------------

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


def _first_number(value: str) -> str:
    match = re.search(r"\d+", value or "")
    return match.group(0).lstrip("0") if match else ""


_SUPPLEMENT = re.compile(r"\bsup(?:p|pl|plement)?\b|\bs(?=\d)", re.IGNORECASE)


def issue_key(issue: str) -> str:
    """The issue's number; a supplement's as "s1" ("SUPPL. 1", "Suppl 1", "1 Suppl. 1")."""
    if issue.isdigit():
        return issue.lstrip("0")
    if _SUPPLEMENT.search(issue):
        return "s" + _first_number(_SUPPLEMENT.split(issue, 1)[1])
    return _first_number(issue)


def _mangled(volume: str) -> bool:
    """A volume an export cut or garbled: an unbalanced bracket ("1)") or no digits first."""
    text = volume.strip()
    return bool(text) and not text.isdigit() and (
        text.count("(") != text.count(")") or not text[0].isalnum())


_MONTH = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.IGNORECASE)
_PAGE_TOKEN = re.compile(r"([a-z]*)0*(\d+)([a-z]*)")


@lru_cache(maxsize=1 << 16)
def page_keys(pages: str) -> tuple[str, str, str, bool]:
    """First page as written and as a number, last page (``"244-58"`` → 258), and
    whether the numbering is *loose*.

    Loose numbering is what another database may write differently for the same article:
    article numbers and e-pages (``e43268``, ``CD006828``), ``1-17`` of an online-first
    PDF, or a page count (``215 p``).
    """
    text = (pages or "").casefold().replace("–", "-").replace("—", "-")
    if not text or _MONTH.search(text) or re.search(r"\d\s*p(?:p|ages)?\.?$", text):
        return "", "", "", False
    text = re.sub(r"^p+\.?\s*", "", text.split(";")[0])
    parts = [p for p in re.split(r"\s*-+\s*", text) if p]
    if not parts:
        return "", "", "", False
    first = _PAGE_TOKEN.search(parts[0].replace(" ", ""))
    if not first:
        return "", "", "", False
    start = first.group(2)
    loose = bool(first.group(1) or first.group(3)) or len(start) >= 5
    end = ""
    if len(parts) > 1 and (last := _PAGE_TOKEN.search(parts[-1].replace(" ", ""))):
        end = last.group(2)
        if len(end) < len(start) and end:  # "244-58"
            end = start[: len(start) - len(end)] + end
        if start == "1" and end != "1":
            loose = True
    return first.group(0), start, end, loose


def doi_base(doi: str) -> str:
    """The DOI of the work across versions: Cochrane's ``.pub2``/``.pub3`` are one review."""
    return re.sub(r"\.pub\d+$", "", doi)


# --- the keys of one record ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Keys:
    """A record reduced to what identifies a work, in forms that compare across databases."""

    title: Title
    authors: Authors
    year: int
    venue: tuple[tuple[str, ...], ...]
    kind: str  # "conference", "journal" or "" (unknown)
    volume: str
    issue: str
    page_token: str  # as written: "e43268", "cd006828"
    page_start: str  # its number
    page_end: str
    pages_loose: bool
    doi: str
    doi_base: str
    volume_odd: bool = False  # the volume as exported looks cut or mangled ("1)")

    @property
    def first_author(self) -> str:
        names = self.authors.names
        return min(names[0].surname, key=lambda f: (-len(f), f)) if names else ""


def keys(record: Record) -> Keys:
    """The match keys of a record; a conference venue or type makes it a conference paper."""
    year = int(record.year) if record.year.isdigit() else 0
    venue = journal_keys(record.journal)
    folded_venue = fold(record.journal)
    if record.type == "conference" or _CONFERENCE.search(folded_venue):
        kind = "conference"
    elif record.type == "article" and venue:
        kind = "journal"
    else:
        kind = ""
    volume = _first_number(record.volume)
    if volume and year and volume == str(year):  # "2016" in the volume of a magazine
        volume = ""
    token, start, end, loose = page_keys(record.pages)
    doi = normalise_doi(record.doi)
    return Keys(title=title_keys(record.title, record.journal),
                authors=author_keys(record.authors), year=year, venue=venue, kind=kind,
                volume=volume, issue=issue_key(record.issue), page_token=token,
                page_start=start, page_end=end, pages_loose=loose, doi=doi,
                doi_base=doi_base(doi), volume_odd=_mangled(record.volume))


# --- comparing a pair ---------------------------------------------------------------

class Verdict(IntEnum):
    DIFFERENT = 0  # a veto: the two must never end in one group
    UNSURE = 1     # not enough evidence either way
    SAME = 2


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    strength: float  # orders the joins: the surest first
    title: float     # title similarity, 0-100 (0 when a title is missing or generic)
    reason: str      # for a person: what decided, in words
    doubt: bool = False  # worth a person's look: the evidence is near the line
    rule: str = ""   # the named rule that decided ("veto:volume", "same-doi", "weighed")


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each field's agreement or disagreement counts (log-odds-like points, as in
    Fellegi and Sunter's record linkage), and the score at which a pair is one work.

    ``same``, ``similar`` and ``garbled`` trade found duplicates against false merges:
    ``benchmarks/dedupe.py`` chooses them leaving one labelled set out (see its README).
    """

    same: float = 7.0      # evidence score at which a pair with no veto is one work
    similar: float = 85.0  # title similarity (0-100) from which two titles are alike
    garbled: float = -2.0  # points of a volume that looks cut, mangled or the issue
    listed: float = 4.0    # score from which a pair a year apart is shown to a person


DEFAULT_WEIGHTS = Weights()


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


@dataclass(slots=True)
class Pair:
    """Two records field by field: what each field says about the pair (not changed after
    :func:`compare`; not frozen, which makes it twice as quick to build)."""

    a: Keys
    b: Keys
    title: float         # 0-100
    contained: bool      # one title is the other with more words
    replaced: bool       # a word substituted for another ("adult"/"adolescent")
    doi: str             # same | conflict | ""
    authors: str         # high | mid | low | ""
    first_author: bool   # the first authors are one person
    gap: int             # years apart, -1 when a year is missing
    venue: str           # same | different | ""
    volume: str          # same | conflict | garbled (one looks cut or mangled) | ""
    pages: str           # same | loose | conflict | ""
    issue: bool          # another issue of the same volume (not a supplement)
    shifted: bool        # one database moved volume and issue down a field
    weights: Weights = DEFAULT_WEIGHTS
    exact: bool = field(init=False)    # the same title
    high: bool = field(init=False)     # near-identical titles, no word substituted
    similar: bool = field(init=False)  # alike titles (``Weights.similar``), or contained
    located: bool = field(init=False)  # the same volume and first page

    def __post_init__(self) -> None:
        self.exact = self.title == 100
        self.high = self.title >= 93 and not self.replaced
        self.similar = self.title >= self.weights.similar or self.contained
        self.located = self.volume == "same" and self.pages == "same"

    @property
    def ranged(self) -> bool:
        return self.a.page_end == self.b.page_end and self.a.page_end not in ("",
                                                                              self.a.page_start)

    @property
    def same_id(self) -> bool:
        """One DOI, or one article number in one journal."""
        a, b = self.a, self.b
        return self.doi == "same" or (a.page_token == b.page_token and len(a.page_token) >= 6
                                      and a.pages_loose and self.venue == "same")

    @property
    def sure_place(self) -> bool:
        return self.located and self.gap == 0 and self.high


def compare(a: Keys, b: Keys, ratio: float | None = None,
            weights: Weights = DEFAULT_WEIGHTS) -> Pair:
    """Each field of two records compared once (``ratio``: of the full titles, if known)."""
    title, contained, replaced = title_similarity(a.title, b.title, ratio)
    doi = ("same" if a.doi_base == b.doi_base else "conflict") if a.doi and b.doi else ""
    # "high" needs the first authors to match and "low" rules it out: one match at most
    authors = author_relation(a.authors, b.authors)
    first = authors == "high" or (
        authors == "mid" and a.authors.names[0].matches(b.authors.names[0]))
    pages = ""
    if a.page_start and b.page_start:
        if a.page_start == b.page_start:
            pages = "same"  # last pages differ by typing more often than by work
        elif (a.pages_loose or b.pages_loose or _overlap(a, b)
              or (a.page_end and a.page_end == b.page_end)):
            pages = "loose"
        else:
            pages = "conflict"
    volume = "same" if a.volume and a.volume == b.volume else volume_relation(a, b)
    shifted = (not a.volume and _shifted(a, b)) or (not b.volume and _shifted(b, a))
    if shifted:
        volume, pages = "same", ""
    # Another issue of the same volume is another item, unless the pages say otherwise.
    issue = a.issue != b.issue and not shifted and _issues_differ(a.issue, b.issue, pages)
    return Pair(a, b, title, contained, replaced, doi, authors,
                first, abs(a.year - b.year) if a.year and b.year else -1,
                venue_relation(a.venue, b.venue), volume, pages, issue, shifted, weights)


def _issues_differ(a: str, b: str, pages: str) -> bool:
    """Two issues of one volume, unless the first pages agree. Numbers above 99 are
    whole-numbering or record numbers, filled unevenly. A supplement ("s1") belongs to an
    issue another database may give instead: against a plain issue only pages that differ
    tell them apart (an abstract in the supplement, the article in an issue)."""
    if not (a and b) or a == b or pages == "same":
        return False
    if a.startswith("s") != b.startswith("s"):
        return bool(pages)
    return len(a) < 3 and len(b) < 3 and "s" not in (a, b)


def volume_relation(a: Keys, b: Keys) -> str:
    """``garbled`` when one volume is the other cut short ("6" or "1" for "61"), was
    exported mangled ("1)") or is the other record's issue in the volume's place: a
    disagreement that says little."""
    if not (a.volume and b.volume):
        return ""
    if a.volume == b.volume:
        return "same"
    short, long = sorted((a.volume, b.volume), key=len)
    if a.volume_odd or b.volume_odd or (len(short) < len(long) and (
            long.startswith(short) or long.endswith(short))) \
            or a.volume == b.issue or b.volume == a.issue:
        return "garbled"
    return "conflict"


# --- evidence: each field's points --------------------------------------------------

def _doi_points(p: Pair) -> tuple[float, str]:
    return (4.0, "DOI") if p.doi == "same" else (0.0, "")


def _title_points(p: Pair) -> tuple[float, str]:
    if p.exact:
        return 3.0, "title"
    if p.high:
        return 2.0, "title"
    if p.replaced:
        return -2.0, "a word of the title"
    return (1.0, "title") if p.similar else (0.0, "")


def _author_points(p: Pair) -> tuple[float, str]:
    if p.authors == "low":
        return -3.0, "authors"
    points = 2.0 * p.first_author + (p.authors == "high")
    return (points, "first author") if points else (0.0, "")


def _year_points(p: Pair) -> tuple[float, str]:
    if p.gap == 0:
        return 1.0, "year"
    return (-1.0, "year") if p.gap > 0 else (0.0, "")


def _venue_points(p: Pair) -> tuple[float, str]:
    if p.venue == "same":
        return 1.0, "journal"
    return (-2.0, "journal") if p.venue == "different" else (0.0, "")


def _volume_points(p: Pair) -> tuple[float, str]:
    return {"same": (1.0, "volume"), "garbled": (p.weights.garbled, "volume"),
            "conflict": (-3.0, "volume")}.get(p.volume, (0.0, ""))


def _issue_points(p: Pair) -> tuple[float, str]:
    return (-3.0, "issue") if p.issue else (0.0, "")


def _pages_points(p: Pair) -> tuple[float, str]:
    if p.pages == "same":
        return (1.0 if p.a.page_start == "1" else 2.0), "pages"
    return (-3.0, "pages") if p.pages == "conflict" else (0.0, "")


def _kind_points(p: Pair) -> tuple[float, str]:
    return (-2.0, "kind of venue") if _kinds_differ(p) else (0.0, "")


EVIDENCE = (_doi_points, _title_points, _author_points, _year_points, _venue_points,
            _volume_points, _issue_points, _pages_points, _kind_points)


@dataclass(frozen=True, slots=True)
class Score:
    points: float
    agree: tuple[str, ...]     # fields that agree
    disagree: tuple[str, ...]  # fields that disagree


def weigh(p: Pair) -> Score:
    """The sum of every field's points, with the names of the fields for and against."""
    total, agree, disagree = 0.0, [], []
    for evidence in EVIDENCE:
        points, name = evidence(p)
        total += points
        if points > 0:
            agree.append(name)
        elif points < 0:
            disagree.append(name)
    return Score(total, tuple(agree), tuple(disagree))


# --- vetoes: what proves two works ---------------------------------------------------
# Each returns why the pair is two works, or "". *Firm* vetoes hold whatever else agrees;
# a *weak* one (a field that exports garble) is outweighed by enough agreeing evidence.

def _kinds_differ(p: Pair) -> bool:
    a, b = p.a, p.b
    return bool(a.kind and b.kind and a.kind != b.kind and p.venue != "same"
                and p.doi != "same")


def veto_doi(p: Pair) -> str:
    return "different DOIs" if p.doi == "conflict" else ""


def veto_item_kind(p: Pair) -> str:
    """An erratum, reply, comment or retraction against the work it concerns."""
    a, b = p.a.title, p.b.title
    if a.markers != b.markers and not (p.located and p.gap == 0):
        return f"one is a {'/'.join(sorted(a.markers ^ b.markers))} of the other"
    return ""


def veto_title_numbers(p: Pair) -> str:
    """"Part 1" and "Part 2", "Phase II" and "Phase III"."""
    x, y = p.a.title.numbers, p.b.title.numbers
    if x and y and not (x <= y or y <= x or (p.located and p.gap == 0)):
        return "different numbers in the titles"
    return ""


def veto_years(p: Pair) -> str:
    if p.gap >= 2 and not (p.same_id and p.similar):
        return f"published {p.gap} years apart"
    return ""


def veto_conference(p: Pair) -> str:
    """A conference paper and a journal article, unless both name one place: the same
    title in the same year, volume and pages (a journal's supplement that one database
    files as a conference, another under another name of the journal)."""
    if _kinds_differ(p) and not (p.sure_place and p.authors != "low"):
        return "a conference paper and a journal article"
    return ""


def veto_volume(p: Pair) -> str:
    return "different volumes" if p.volume == "conflict" and p.doi != "same" else ""


def veto_pages(p: Pair) -> str:
    if p.pages == "conflict" and p.doi != "same" and not (
            p.exact and p.authors == "high" and p.venue == "same" and p.volume == "same"
            and not p.issue and p.gap == 0):  # else one title, list, journal, volume: a typo
        return "different pages"
    return ""


def veto_authors(p: Pair) -> str:
    if p.authors == "low" and not ((p.doi == "same" and p.high) or p.sure_place):
        return "different authors"
    return ""


def veto_titles(p: Pair) -> str:
    if p.title and not p.similar and p.title < 60 and not (p.located or p.same_id):
        return "different titles"
    return ""


def veto_untitled_item(p: Pair) -> str:
    """An editorial, review or other item named only by its kind, against a titled work."""
    a, b = p.a.title, p.b.title
    if (a.generic and not a.missing) != (b.generic and not b.missing) \
            and not (a.missing or b.missing) and p.doi != "same":
        return "an item (editorial, review, …) and a titled work"
    return ""


@dataclass(frozen=True, slots=True)
class Veto:
    name: str
    check: Callable[[Pair], str]
    weak: bool     # a field exports garble: enough agreeing evidence outweighs it
    on_data: bool  # a disagreement of data (not of kind): near the line, a person looks


VETOES = (
    Veto("doi", veto_doi, weak=False, on_data=True),
    Veto("item-kind", veto_item_kind, weak=False, on_data=False),
    Veto("title-numbers", veto_title_numbers, weak=False, on_data=False),
    Veto("years", veto_years, weak=False, on_data=True),
    Veto("conference", veto_conference, weak=True, on_data=True),
    Veto("volume", veto_volume, weak=True, on_data=True),
    Veto("pages", veto_pages, weak=False, on_data=True),
    Veto("authors", veto_authors, weak=True, on_data=True),
    Veto("titles", veto_titles, weak=False, on_data=False),
    Veto("untitled-item", veto_untitled_item, weak=False, on_data=False),
)


# --- positive rules: independent fields agree ----------------------------------------
# Each returns whether it joins the pair; the reason and the strength bonus are its own.

def rule_same_doi(p: Pair) -> bool:
    return p.doi == "same" and p.similar


def rule_doi_untitled(p: Pair) -> bool:
    return (p.doi == "same" and (p.a.title.generic or p.b.title.generic)
            and bool(p.authors) and p.gap == 0)


def rule_article_number(p: Pair) -> bool:
    return p.same_id and p.similar and p.authors != ""


def _same_year(p: Pair) -> bool:
    return p.gap == 0 or (p.gap < 0 and p.located)  # a missing year contradicts nothing


def rule_place(p: Pair) -> bool:
    return _same_year(p) and p.sure_place


def rule_authors_pages(p: Pair) -> bool:
    return (_same_year(p) and p.similar and p.authors in ("high", "mid")
            and (p.located or (p.pages == "same" and p.venue == "same")))


def rule_title_authors(p: Pair) -> bool:
    return (_same_year(p) and p.high and p.authors == "high" and not p.issue
            and (p.venue != "different" or p.pages == "same" or p.volume == "same"))


def rule_range(p: Pair) -> bool:
    a, b = p.a.title, p.b.title
    return (_same_year(p) and p.located and p.ranged and not p.issue and p.authors != "low"
            and (p.authors == "high" or p.venue == "same")
            and (p.title >= 50 or a.translated or b.translated or a.missing or b.missing
                 or a.text == b.text))


def rule_contained(p: Pair) -> bool:
    return (_same_year(p) and p.contained and p.authors == "high" and p.venue == "same"
            and not p.issue)


def rule_anonymous_place(p: Pair) -> bool:
    return (_same_year(p) and p.high and not p.authors and p.venue == "same"
            and (p.located or p.pages == "same"))


def rule_exact_title_year(p: Pair) -> bool:
    return (_same_year(p) and p.exact and p.authors != "low" and p.venue != "different"
            and not p.issue)


def rule_online_first(p: Pair) -> bool:
    """Online a year before print: the authors agree, or one record has none ("Anonymous")
    and the volume and pages agree instead."""
    return (p.gap == 1 and p.high and (p.authors == "high" or (not p.authors and p.located))
            and (p.located or p.venue == "same"))


def rule_unplaced(p: Pair) -> bool:
    """A title reworded between databases (online and print, letter and its printed form):
    one record has no place in the journal at all, so nothing contradicts."""
    return (p.gap == 0 and p.title >= 75 and not p.replaced and p.venue == "same"
            and not p.issue and _unlocated(p.a) != _unlocated(p.b)
            and _same_list(p.a.authors, p.b.authors, 3))


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    joins: Callable[[Pair], bool]
    reason: str
    bonus: float  # orders the joins: the surest first


RULES = (
    Rule("same-doi", rule_same_doi, "same DOI", 1.0),
    Rule("doi-untitled", rule_doi_untitled, "same DOI, authors and year", 1.0),
    Rule("article-number", rule_article_number, "same article number and title", 0.8),
    Rule("place", rule_place, "same title, year, volume and pages", 0.7),
    Rule("authors-pages", rule_authors_pages, "similar title, same authors, year and pages",
         0.6),
    Rule("title-authors", rule_title_authors, "same title, authors and year", 0.5),
    Rule("range", rule_range, "same authors or venue, year, volume and pages", 0.4),
    Rule("contained", rule_contained, "one title contains the other; same authors, venue "
         "and year", 0.35),
    Rule("anonymous-place", rule_anonymous_place, "same title, venue, year and pages", 0.3),
    Rule("exact-title-year", rule_exact_title_year, "same title and year", 0.2),
    Rule("online-first", rule_online_first, "same title and authors, a year apart "
         "(online before print)", 0.1),
    Rule("unplaced", rule_unplaced, "similar title, same journal, year and author list; "
         "one record without volume, issue or pages", 0.05),
)


def judge(a: Keys, b: Keys, ratio: float | None = None,
          weights: Weights = DEFAULT_WEIGHTS) -> Judgement:
    """The verdict on a pair (``ratio``: of the full titles, when the caller has it).

    Firm vetoes first; then a weak veto (volume, authors, kind of venue) unless the
    evidence of the other fields outweighs that one disagreement; then the named positive
    rules; then the weighed evidence alone. The :class:`Judgement` names the rule.
    """
    p = compare(a, b, ratio, weights)
    score: Score | None = None
    vetoes: list[tuple[Veto, str]] = []
    for veto in VETOES:
        if why := veto.check(p):
            vetoes.append((veto, why))
            if not veto.weak or len(vetoes) > 1:  # only one weak veto can be outweighed
                return _vetoed(p, *vetoes[0])
    if vetoes:
        score = weigh(p)
        if not _outweighs(p, score, weights):
            return _vetoed(p, *vetoes[0])
        return _same(p, f"{', '.join(score.agree)} agree; outweighs {vetoes[0][1]}",
                     f"weighed:{vetoes[0][0].name}", 0.15)
    for rule in RULES:
        if rule.joins(p):
            return _same(p, rule.reason, rule.name, rule.bonus)
    score = weigh(p)
    if _outweighs(p, score, weights) and not score.disagree:
        return _same(p, f"{', '.join(score.agree)} agree", "weighed", 0.15)
    listed = not score.disagree or (score.disagree == ("year",)
                                    and score.points >= weights.listed)
    if p.similar:
        return Judgement(Verdict.UNSURE, p.title / 100, p.title,
                         "similar titles; the other fields do not confirm", doubt=listed,
                         rule="unsure:similar-titles")
    if p.located and p.authors:
        return Judgement(Verdict.UNSURE, p.title / 100, p.title,
                         "same volume and pages, different titles", doubt=listed,
                         rule="unsure:same-place")
    return Judgement(Verdict.UNSURE, round(p.title / 100, 4), p.title, "not enough in common",
                     rule="unsure")


def _outweighs(p: Pair, score: Score, weights: Weights) -> bool:
    """Enough agreement on strong fields (title, with pages, DOI or the first author) to
    join despite what disagrees; a record of another journal is never joined this way."""
    return (score.points >= weights.same and p.similar and p.venue != "different"
            and p.gap <= 1 and (p.pages == "same" or p.doi == "same" or p.first_author))


def _same(p: Pair, reason: str, rule: str, bonus: float) -> Judgement:
    return Judgement(Verdict.SAME, round(p.title / 100 + bonus, 4), p.title, reason,
                     rule=rule)


def _vetoed(p: Pair, veto: Veto, why: str) -> Judgement:
    """A veto; one on data that exports garble, against a near-identical title by the same
    authors within a year and in no other journal, is worth a person's look."""
    conflicts = (p.doi == "conflict") + (p.volume == "conflict") + (p.pages == "conflict") \
        + p.issue + (p.gap > 0)
    doubt = (veto.on_data and p.high and p.authors != "low" and p.gap < 2 and conflicts <= 1
             and p.venue != "different")
    return Judgement(Verdict.DIFFERENT, p.title / 100, p.title,
                     f"near-identical titles, but {why}" if doubt else why, doubt,
                     rule=f"veto:{veto.name}")


def _same_list(a: Authors, b: Authors, least: int = 1) -> bool:
    """The first authors of the shorter list, at least ``least``, are the other's in order."""
    n = min(len(a), len(b))
    return n >= least and all(
        x.matches(y) and (not x.initials or not y.initials or x.initials[0] == y.initials[0])
        for x, y in zip(a.names[:n], b.names[:n], strict=True))


def _unlocated(k: Keys) -> bool:
    """No volume, issue or page: a record that cannot contradict a place in a journal."""
    return not (k.volume or k.issue or k.page_start)


def _shifted(a: Keys, b: Keys) -> bool:
    """``a`` is ``b`` with its fields moved up one place: no volume, ``b``'s volume as the
    issue and ``b``'s issue as a single page ("v i26 p9" for "v26 i9 p1746")."""
    return bool(not a.volume and a.issue and b.issue and a.issue == b.volume
                and a.page_start == b.issue and a.page_end in ("", a.page_start))


def _overlap(a: Keys, b: Keys) -> bool:
    """Page ranges that overlap: a letter and the reply printed on its last page."""
    try:
        a0, b0 = int(a.page_start), int(b.page_start)
        a1, b1 = int(a.page_end or a0), int(b.page_end or b0)
    except ValueError:
        return False
    return a0 <= b1 and b0 <= a1
