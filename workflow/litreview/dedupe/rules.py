"""The verdict on a pair: ordered named vetoes and match rules over the evidence.

A pair is judged the same work only on agreement of independent fields (title with
authors and year, or a DOI with a compatible title, or authors, year, volume and pages),
never on one field alone. Contradictions are named vetoes that also keep groups from
chaining. Firm ones hold whatever agrees: conflicting DOIs, publication years apart,
different pages, different numbers in the titles ("Part 1"/"Part 2"), an erratum, comment,
reply or retraction against the work it concerns. Weak ones, on fields exports garble
(volume, authors, conference against journal), are outweighed when the other fields' points
(:func:`~litreview.dedupe.evidence.weigh`) reach :attr:`Weights.same` and nothing else
disagrees. Every :class:`Judgement` names the rule that decided it (:attr:`Judgement.rule`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from litreview.dedupe.authors import Authors
from litreview.dedupe.evidence import DEFAULT_WEIGHTS, Pair, Score, Weights, compare, weigh
from litreview.dedupe.match_keys import Keys


class Verdict(IntEnum):
    """What the rules say of a pair."""

    DIFFERENT = 0  # a veto: the two must never end in one group
    UNSURE = 1     # not enough evidence either way
    SAME = 2


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on a pair, how sure, and the rule that decided it."""

    verdict: Verdict
    strength: float  # orders the joins: the surest first
    title: float     # title similarity, 0-100 (0 when a title is missing or generic)
    reason: str      # for a person: what decided, in words
    doubt: bool = False  # worth a person's look: the evidence is near the line
    rule: str = ""   # the named rule that decided ("veto:volume", "same-doi", "weighed")


# --- vetoes: what proves two works ---------------------------------------------------
# Each returns why the pair is two works, or "". *Firm* vetoes hold whatever else agrees;
# a *weak* one (a field that exports garble) is outweighed by enough agreeing evidence.

def veto_doi(p: Pair) -> str:
    """Two DOIs that are not one work's (Cochrane's ``.pub2`` versions are one)."""
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
    """Published two or more years apart, unless one DOI or article number and alike
    titles say it is one work (versions of a review)."""
    if p.gap >= 2 and not (p.same_id and p.similar):
        return f"published {p.gap} years apart"
    return ""


def veto_conference(p: Pair) -> str:
    """A conference paper and a journal article, unless both name one place: the same
    title in the same year, volume and pages (a journal's supplement that one database
    files as a conference, another under another name of the journal)."""
    if p.kinds_differ and not (p.sure_place and p.authors != "low"):
        return "a conference paper and a journal article"
    return ""


def veto_volume(p: Pair) -> str:
    """Different volumes of a journal, not a volume an export cut or mangled (weak)."""
    return "different volumes" if p.volume == "conflict" and p.doi != "same" else ""


def veto_pages(p: Pair) -> str:
    """Different first pages, unless title, author list, journal, volume and year all
    agree (then one of them is a typo)."""
    if p.pages == "conflict" and p.doi != "same" and not (
            p.exact and p.authors == "high" and p.venue == "same" and p.volume == "same"
            and not p.issue and p.gap == 0):  # else one title, list, journal, volume: a typo
        return "different pages"
    return ""


def veto_authors(p: Pair) -> str:
    """Clearly other people (weak): not when a DOI and a near-identical title, or the
    same title, year, volume and pages, say otherwise."""
    if p.authors == "low" and not ((p.doi == "same" and p.high) or p.sure_place):
        return "different authors"
    return ""


def veto_titles(p: Pair) -> str:
    """Unlike titles (similarity below 60), with no shared place or identifier that
    could explain a translation."""
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
    """A named contradiction that proves two works."""

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
    """One DOI and alike titles."""
    return p.doi == "same" and p.similar


def rule_doi_untitled(p: Pair) -> bool:
    """One DOI, an item named only by its kind, authors of both and one year."""
    return (p.doi == "same" and (p.a.title.generic or p.b.title.generic)
            and bool(p.authors) and p.gap == 0)


def rule_article_number(p: Pair) -> bool:
    """One DOI or article number, alike titles, and authors not missing."""
    return p.same_id and p.similar and p.authors != ""


def _same_year(p: Pair) -> bool:
    """One year, or a year missing where volume and pages agree."""
    return p.gap == 0 or (p.gap < 0 and p.located)  # a missing year contradicts nothing


def rule_place(p: Pair) -> bool:
    """A near-identical title in the same year, volume and first page."""
    return _same_year(p) and p.sure_place


def rule_authors_pages(p: Pair) -> bool:
    """Alike titles by the same authors in one year, at one place (volume and pages,
    or pages in one journal)."""
    return (_same_year(p) and p.similar and p.authors in ("high", "mid")
            and (p.located or (p.pages == "same" and p.venue == "same")))


def rule_title_authors(p: Pair) -> bool:
    """A near-identical title by the same authors in one year and issue; in another
    journal's name only when the pages or the volume agree."""
    return (_same_year(p) and p.high and p.authors == "high" and not p.issue
            and (p.venue != "different" or p.pages == "same" or p.volume == "same"))


def rule_range(p: Pair) -> bool:
    """The same volume and page range in one year and issue, by the same authors or in
    one journal; the titles alike or in other languages (translations)."""
    a, b = p.a.title, p.b.title
    return (_same_year(p) and p.located and p.ranged and not p.issue and p.authors != "low"
            and (p.authors == "high" or p.venue == "same")
            and (p.title >= 50 or a.translated or b.translated or a.missing or b.missing
                 or a.text == b.text))


def rule_contained(p: Pair) -> bool:
    """One title is the other with a subtitle; same authors, journal, year and issue."""
    return (_same_year(p) and p.contained and p.authors == "high" and p.venue == "same"
            and not p.issue)


def rule_anonymous_place(p: Pair) -> bool:
    """A near-identical title without authors, in one journal, year and pages."""
    return (_same_year(p) and p.high and not p.authors and p.venue == "same"
            and (p.located or p.pages == "same"))


def rule_exact_title_year(p: Pair) -> bool:
    """The same title in one year and issue; authors and journal not against it."""
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
    """A named agreement of independent fields that makes a pair one work."""

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
    vetoes: list[tuple[Veto, str]] = []
    for veto in VETOES:
        if why := veto.check(p):
            vetoes.append((veto, why))
            if not veto.weak or len(vetoes) > 1:  # only one weak veto can be outweighed
                return _vetoed(p, *vetoes[0])
    if vetoes:
        return _weak_veto(p, *vetoes[0], weights)
    for rule in RULES:
        if rule.joins(p):
            return _same(p, rule.reason, rule.name, rule.bonus)
    return _weighed(p, weights)


def _weak_veto(p: Pair, veto: Veto, why: str, weights: Weights) -> Judgement:
    """One weak veto: the pair is one work if the other fields' points outweigh it."""
    score = weigh(p)
    if not _outweighs(p, score, weights):
        return _vetoed(p, veto, why)
    return _same(p, f"{', '.join(score.agree)} agree; outweighs {why}",
                 f"weighed:{veto.name}", 0.15)


def _weighed(p: Pair, weights: Weights) -> Judgement:
    """No veto and no named rule: the points alone join the pair, or it stays unsure (and
    is shown to a person when alike titles or one place make it worth a look)."""
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

