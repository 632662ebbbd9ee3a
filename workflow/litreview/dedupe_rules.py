"""When two records are one work: the match keys of a record and the verdict on a pair.

Databases export one article with differing title case and punctuation, translated or
bilingual titles, "Surname, Given" or "Given Surname" or "Surname AB" authors, ISO 4 or
full journal names, "244-58" or "244-258" pages and missing fields. :func:`keys` reduces a
record to forms that compare across those differences; :func:`judge` weighs a pair.

A pair is judged the same work only on agreement of independent fields (title with
authors and year, or a DOI with a compatible title, or authors, year, volume and pages),
never on one field alone, and only when no field contradicts it. Contradictions are
explicit vetoes that also keep groups from chaining: conflicting DOIs, publication years
apart, different volumes or pages, different numbers in the titles ("Part 1"/"Part 2"),
an erratum, comment, reply or retraction against the work it concerns, a conference paper
against a journal article, clearly different authors.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from rapidfuzz import fuzz

from litreview.records import Record

# --- normalised text ---------------------------------------------------------------

_GREEK = str.maketrans({"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ",
                        "κ": " kappa ", "μ": " mu ", "µ": " mu ", "ω": " omega "})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lowercase words of any script, accents dropped, one space between them."""
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
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("erratum", re.compile(r"^(?:errat(?:um|a)|corrigend(?:um|a)|corrections?)\b|"
                           r"\b(?:errat(?:um|a)|corrigend(?:um|a)|correction) (?:to|for|in|on|"
                           r"of)\b|\b(?:errat(?:um|a)|corrigend(?:um|a)|corrections?)$")),
    ("retraction", re.compile(r"^(?:retraction|retracted|withdrawn|withdrawal|"
                              r"expression of concern|notice of retraction)\b|"
                              r"\bretraction (?:of|note|notice)\b|\bretracted$")),
    ("reply", re.compile(r"^(?:reply|replies|response|in reply|rejoinder|authors? reply)\b|"
                         r"\b(?:reply|replies|rejoinder)$|\b(?:reply|replies) to\b|"
                         r"\bauthors? (?:reply|response)\b|\bresponse to (?:the )?(?:letter|"
                         r"comments?|commentary|critique|editorial|reviewers?|dr)\b")),
    ("comment", re.compile(r"^(?:comments?|commentary|re)\b|\b(?:comments?|commentary) on\b")),
)
#: Titles that name a kind of item, not a work: they cannot identify one by themselves.
_GENERIC = re.compile(
    r"(?:guest )?editorials?|editor s (?:note|introduction|comments?)|book reviews?|reviews?|"
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
_NUMBERED = frozenset({"part", "phase", "stage", "type", "study", "trial", "volume", "paper"})


@dataclass(frozen=True, slots=True)
class Title:
    text: str                       # folded, annotations removed
    variants: tuple[str, ...]       # each language of a bilingual or translated title
    translated: bool                # MEDLINE's "[translated title]", or several languages
    missing: bool                   # no title, or a placeholder
    generic: bool                   # missing, or names a kind of item ("Editorial")
    numbers: frozenset[str]         # "Part 2", "Phase III", "Volume 52 Paper 41"
    markers: frozenset[str]         # erratum, retraction, reply, comment


def title_keys(title: str, journal: str = "") -> Title:
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
    generic = (missing or len(words) < 2 or bool(_GENERIC.fullmatch(folded))
               or (len(journal_folded) > 12 and folded.startswith(journal_folded)))
    variants = []
    for piece in _VARIANT_SPLIT.split(text):
        part = fold(piece)
        if len(part.split()) >= 4 and part != folded and part not in variants:
            variants.append(part)
    numbers = set()
    for k, word in enumerate(words):
        if word.isdigit():
            numbers.add(word.lstrip("0") or "0")
        elif any(c.isdigit() for c in word):
            numbers.update(n.lstrip("0") or "0" for n in re.findall(r"\d+", word))
        elif word in _ROMAN or (word == "i" and k and words[k - 1] in _NUMBERED):
            numbers.add(_ROMAN.get(word, "1"))
    markers = {name for name, pattern in _MARKERS if pattern.search(folded)}
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
#: EndNote's run-together lists: "Tan A.Schulze A.O'Donnell C. P."
_RUN_TOGETHER = re.compile(r"(?<=[A-Z]\.)(?=[A-Z](?:[a-z]|'[A-Z]))")


def _is_initials(token: str) -> bool:
    bare = token.replace(".", "").replace("-", "")
    return len(bare) <= 1 or (len(bare) <= 3 and bare.isupper()) or (
        token.endswith(".") and len(bare) <= 2)


def _surname_forms(words: Sequence[str]) -> frozenset[str]:
    kept = [fold(w).replace(" ", "") for w in words if fold(w) not in _PARTICLES]
    kept = [w for w in kept if w]
    forms = {w for w in kept if len(w) > 1} or set(kept)  # "O'Donnell": not "o"
    if len(kept) > 1:
        forms.add("".join(kept))
    return frozenset(forms)


@dataclass(frozen=True, slots=True)
class Author:
    surname: frozenset[str]  # the spellings the surname may take: {"quintrec"}
    given: frozenset[str]    # whole given names: {"andrea"}
    initials: str            # first letters of the given names: "ac"

    def matches(self, other: Author) -> bool:
        """The same person, allowing a database that swapped surname and given name."""
        if self.surname & other.surname:
            return True
        if any(len(x) >= 5 and len(y) >= 5 and x[:5] == y[:5]
               for x in self.surname for y in other.surname):  # "Albarqo" for "Albarqouni"
            return True
        return self._swapped(other) or other._swapped(self)

    def _swapped(self, other: Author) -> bool:
        """"Andrea, C." for "Carignani, Andrea"; "Wu, C. Y." for "Ching-yi, Wu"."""
        if not self.surname & other.given:
            return False
        return not self.initials or any(f[0] in self.initials for f in other.surname)


def author_name(name: str) -> Author | None:
    """One author, whatever the form: "Zuna, R E", "Zuna RE", "R. E. Zuna", "Omulo Sylvia".

    A name of whole words without a comma is ambiguous ("Omulo Sylvia", "Bernd Stahl"),
    so each word is a candidate surname.
    """
    name = name.strip()
    if "," in name:
        surname, given = name.split(",", 1)
        words = re.split(r"[\s\-']+", surname)
        given_tokens = re.split(r"[\s.\-]+", given)
    else:
        tokens = [t for t in name.split() if t]
        whole = [t for t in tokens if not _is_initials(t)] or tokens[:1]
        words = [p for w in whole for p in re.split(r"[\-']+", w)]
        given_tokens = [t for t in tokens if t not in whole]
    forms = _surname_forms(words) or frozenset(  # "Le, Quintrec M.": a particle alone
        w for w in (fold(x).replace(" ", "") for x in words) if w)
    if not forms:
        return None
    given_tokens = [t for t in given_tokens if fold(t)]
    whole_given = frozenset(fold(t) for t in given_tokens
                            if len(fold(t)) >= 2 and not _is_initials(t))
    return Author(forms, whole_given, "".join(fold(t)[0] for t in given_tokens))


#: Long author lists are compared on their first names only, as DedupEndNote does.
MAX_AUTHORS = 30


def author_keys(authors: Sequence[str]) -> tuple[Author, ...]:
    names: list[str] = []
    for author in authors:
        for part in author.split(";"):
            if "," not in part and _RUN_TOGETHER.search(part):
                names += _RUN_TOGETHER.split(part)
            else:
                names.append(part)
    out: list[Author] = []
    for name in names:
        if not name.strip() or _NO_AUTHOR.fullmatch(fold(name) or "none"):
            continue
        author = author_name(name)
        if author:
            out.append(author)
            if len(out) == MAX_AUTHORS:
                break
    return tuple(out)


# --- venue, numbers, DOI -----------------------------------------------------------

_JOURNAL_NOISE = re.compile(r"\[[^\]]*\]|\((?:print|online|electronic|london|oxford|"
                            r"[a-z]+ ed(?:ition)?\.?)\)", re.IGNORECASE)
_JOURNAL_SPLIT = re.compile(r"\s=\s|\s:\s|:\s|\s-\s|\.(?=[A-Z][a-z])")
_STOP = frozenset(("of", "the", "and", "for", "in", "on", "at", "to", "a", "an", "de", "la",
                   "le", "du", "des", "der", "die", "das", "und", "et", "y", "e", "del",
                   "della", "di"))
_CONFERENCE = re.compile(r"\b(?:conference|conf|symposium|workshop|congress|meeting|"
                         r"colloquium|convention|summit)\b")


def journal_keys(journal: str) -> tuple[tuple[str, ...], ...]:
    """Each name the venue goes by, as word tuples: "Ai zheng = Aizheng = Chinese journal …"."""
    text = _JOURNAL_NOISE.sub(" ", journal or "")
    parts = []
    for n, piece in enumerate([text, *_JOURNAL_SPLIT.split(text)]):
        words = tuple(w for w in fold(piece).split()  # not "12th", "2007"
                      if w not in _STOP and not any(c.isdigit() for c in w))
        if words and words not in parts and (n == 0 or len(words) > 1 or len(words[0]) > 2):
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
        initials = "".join(w[0] for w in long)
        return short[0] in (initials, "j" + initials[1:]) or short[0] == initials
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


_MONTH = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.IGNORECASE)
_PAGE_TOKEN = re.compile(r"([a-z]*)0*(\d+)([a-z]*)")


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
    title: Title
    authors: tuple[Author, ...]
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

    @property
    def first_author(self) -> str:
        return min(self.authors[0].surname, key=lambda f: (-len(f), f)) if self.authors else ""


def keys(record: Record) -> Keys:
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
    doi = (record.doi or "").strip().lower()
    return Keys(title=title_keys(record.title, record.journal),
                authors=author_keys(record.authors), year=year, venue=venue, kind=kind,
                volume=volume, issue=_first_number(record.issue), page_token=token,
                page_start=start, page_end=end, pages_loose=loose, doi=doi, doi_base=doi_base(doi))


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
    reason: str


def title_similarity(a: Title, b: Title) -> tuple[float, bool, bool]:
    """Best similarity over the languages of the titles; whether one contains the other;
    whether the best pair differs by a substituted word."""
    if a.generic or b.generic:
        return 0.0, False, False
    best, pair = fuzz.ratio(a.text, b.text), (a.text, b.text)
    if best < 93 and (a.variants or b.variants):
        for x in (a.text, *a.variants):
            for y in (b.text, *b.variants):
                score = fuzz.ratio(x, y)
                if score > best:
                    best, pair = score, (x, y)
    short, long = sorted((a.text, b.text), key=len)
    contained = (best < 100 and len(short.split()) >= 4
                 and fuzz.partial_ratio(short, long) >= 95)
    return best, contained, 85 <= best < 100 and substituted(*pair)


def author_relation(a: tuple[Author, ...], b: tuple[Author, ...]) -> str:
    """``high``, ``mid``, ``low`` (clearly other people) or ``""`` (a list is missing)."""
    if not a or not b:
        return ""
    first = a[0].matches(b[0])
    shorter, longer = sorted((a, b), key=len)
    pool = set().union(*(x.surname for x in longer))
    hits = sum(1 for x in shorter if x.surname & pool or any(x.matches(y) for y in longer))
    share = hits / len(shorter)
    if first and share >= 0.75:
        return "high"
    if first or share >= 0.5:
        return "mid"
    return "low"


def judge(a: Keys, b: Keys) -> Judgement:
    """The verdict on a pair: vetoes first, then the positive rules."""
    title, contained, replaced = title_similarity(a.title, b.title)
    exact = title == 100
    high = title >= 93 and not replaced
    similar = title >= 85 or contained

    doi = ""
    if a.doi and b.doi:
        doi = "same" if a.doi_base == b.doi_base else "conflict"
    authors = author_relation(a.authors, b.authors)
    gap = abs(a.year - b.year) if a.year and b.year else -1
    venue = venue_relation(a.venue, b.venue)
    volume = "" if not (a.volume and b.volume) else (
        "same" if a.volume == b.volume else "conflict")
    # Issue numbers above 99 are whole-numbering or record numbers, filled unevenly.
    pages = ""
    if a.page_start and b.page_start:
        if a.page_start == b.page_start:
            pages = "same"  # last pages differ by typing more often than by work
        elif (a.pages_loose or b.pages_loose or _overlap(a, b)
              or (a.page_end and a.page_end == b.page_end)):
            pages = "loose"
        else:
            pages = "conflict"
    located = volume == "same" and pages == "same"
    # Another issue of the same volume is another item, unless the pages say otherwise
    # (issue numbers above 99 are whole-numbering or record numbers, filled unevenly).
    issue = (a.issue and b.issue and a.issue != b.issue and len(a.issue) < 3
             and len(b.issue) < 3 and pages != "same")
    ranged = a.page_end == b.page_end and a.page_end not in ("", a.page_start)
    same_id = doi == "same" or (a.page_token == b.page_token and len(a.page_token) >= 6
                                and a.pages_loose and venue == "same")
    sure_place = located and gap == 0 and high  # one article of one issue, surely

    def result(verdict: Verdict, reason: str, bonus: float = 0.0) -> Judgement:
        return Judgement(verdict, round(title / 100 + bonus, 4), title, reason)

    # --- vetoes: evidence that these are two works -----------------------------------
    if doi == "conflict":
        return result(Verdict.DIFFERENT, "different DOIs")
    if a.title.markers != b.title.markers and not (located and gap == 0):
        kinds = sorted(a.title.markers ^ b.title.markers)
        return result(Verdict.DIFFERENT, f"one is a {'/'.join(kinds)} of the other")
    if a.title.numbers and b.title.numbers and not (
            a.title.numbers <= b.title.numbers or b.title.numbers <= a.title.numbers
            or (located and gap == 0)):
        return result(Verdict.DIFFERENT, "different numbers in the titles")
    if gap >= 2 and not (same_id and similar):
        return result(Verdict.DIFFERENT, f"published {gap} years apart")
    if a.kind and b.kind and a.kind != b.kind and venue != "same":
        return result(Verdict.DIFFERENT, "a conference paper and a journal article")
    if volume == "conflict" and doi != "same":
        return result(Verdict.DIFFERENT, "different volumes")
    if pages == "conflict" and doi != "same":
        return result(Verdict.DIFFERENT, "different pages")
    if authors == "low" and not ((doi == "same" and high) or sure_place):
        return result(Verdict.DIFFERENT, "different authors")
    if title and not similar and title < 60 and not (located or same_id):
        return result(Verdict.DIFFERENT, "different titles")
    if (a.title.generic and not a.title.missing) != (b.title.generic and not b.title.missing) \
            and not (a.title.missing or b.title.missing) and doi != "same":
        return result(Verdict.DIFFERENT, "an item (editorial, review, …) and a titled work")

    # --- positive rules: independent fields agree -------------------------------------
    if doi == "same":
        if similar:
            return result(Verdict.SAME, "same DOI", 1.0)
        if (a.title.generic or b.title.generic) and authors and gap == 0:
            return result(Verdict.SAME, "same DOI, authors and year", 1.0)
    if same_id and similar and authors != "":
        return result(Verdict.SAME, "same article number and title", 0.8)
    if gap == 0:
        if sure_place:
            return result(Verdict.SAME, "same title, year, volume and pages", 0.7)
        if similar and authors in ("high", "mid") and (located or (
                pages == "same" and venue == "same")):
            return result(Verdict.SAME, "similar title, same authors, year and pages", 0.6)
        if high and authors == "high" and not issue and (
                venue != "different" or pages == "same" or volume == "same"):
            return result(Verdict.SAME, "same title, authors and year", 0.5)
        if (located and ranged and not issue and authors != "low"
                and (authors == "high" or venue == "same")
                and (title >= 50 or a.title.translated or b.title.translated
                     or a.title.missing or b.title.missing)):
            return result(Verdict.SAME, "same authors or venue, year, volume and pages", 0.4)
        if contained and authors == "high" and venue == "same" and not issue:
            return result(Verdict.SAME, "one title contains the other; same authors, venue "
                          "and year", 0.35)
        if high and not authors and venue == "same" and (located or pages == "same"):
            return result(Verdict.SAME, "same title, venue, year and pages", 0.3)
        if exact and authors != "low" and venue != "different" and not issue:
            return result(Verdict.SAME, "same title and year", 0.2)
    if gap == 1 and high and authors == "high" and (located or venue == "same"):
        return result(Verdict.SAME, "same title and authors, a year apart "
                      "(online before print)", 0.1)
    if similar:
        return result(Verdict.UNSURE, "similar titles; the other fields do not confirm")
    if located and authors:
        return result(Verdict.UNSURE, "same volume and pages, different titles")
    return result(Verdict.UNSURE, "not enough in common")


def _overlap(a: Keys, b: Keys) -> bool:
    """Page ranges that overlap: a letter and the reply printed on its last page."""
    try:
        a0, b0 = int(a.page_start), int(b.page_start)
        a1, b1 = int(a.page_end or a0), int(b.page_end or b0)
    except ValueError:
        return False
    return a0 <= b1 and b0 <= a1
