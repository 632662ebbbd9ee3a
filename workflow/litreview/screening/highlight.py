"""Keyword highlighting for screening: a record's text cut into plain and marked pieces.

Three kinds of words are marked: the free-text terms of the review's search strategies
(``search``) and the ``keywords:`` lists of ``criteria.yaml`` (``include``, ``exclude``).
Terms are read as the strategies write them: ``*`` truncation, ``?`` one optional
character, phrases whose words may be parted by any spaces, line breaks or punctuation;
each term becomes the regex :func:`litreview.search.free_text_regex` makes of it. Matching
ignores case, accents and apostrophes (``Children*`` marks "children's") and a match
starts and ends on a word boundary, Unicode letters being word characters.

Where terms overlap the leftmost match wins, then the longer term (alternatives are tried
longest first). When a matched span is also matched whole by a criteria list's term, the
list wins, ``exclude`` over ``include`` over ``search``: a reason to exclude is what a
screener must not miss. Subject headings of a strategy (lines without ``(ft)``) mark only
a record's subject heading that is that heading (:meth:`Highlighter.heading_segments`),
never words of the title or abstract; ``(exp)`` adds no narrower headings here.

No HTML is made here: the app escapes each piece and wraps the marked ones.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.core.review import Review
from litreview.screening.criteria import Criteria
from litreview.search import (
    Op,
    Strategy,
    Term,
    free_text_regex,
    heading_keys,
    load_thesaurus,
    read_strategy,
    with_thesaurus,
)

#: The kinds of marked pieces, the strongest first; a plain piece's kind is "".
KINDS = ("exclude", "include", "search")
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc")
#: A character that does not fold to itself lowercased: all but ASCII other than ``'``.
_SPECIAL = re.compile(r"[^\x00-\x26\x28-\x7f]")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character as matching sees it: lowercase, without accents; apostrophes gone."""
    if char in _APOSTROPHES:
        return ""
    decomposed = unicodedata.normalize("NFKD", char).lower()
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class _Folded:
    """Folded text and the way back to the original's positions: from ``folded_at[j]``
    on, folded characters map one to one onto the original's from ``original_at[j]``."""

    text: str
    folded_at: tuple[int, ...] = ()
    original_at: tuple[int, ...] = ()

    def start(self, position: int) -> int:
        """The original position of the folded character at ``position``."""
        if not self.folded_at:
            return position
        j = bisect_right(self.folded_at, position) - 1
        return self.original_at[j] + position - self.folded_at[j]

    def end(self, position: int) -> int:
        """The original position just after the folded characters before ``position``."""
        return self.start(position - 1) + 1


def _fold(text: str) -> _Folded:
    """``text`` folded for matching; ASCII runs are lowercased whole, in C."""
    if _SPECIAL.search(text) is None:
        return _Folded(text.lower())
    pieces: list[str] = []
    folded_at, original_at = [0], [0]
    folded = original = 0
    for match in _SPECIAL.finditer(text):
        i = match.start()
        run = text[original:i].lower()
        folded += len(run)
        plain = _fold_char(text[i])
        pieces += (run, plain)
        for k in range(len(plain)):
            folded_at.append(folded + k)
            original_at.append(i)
        folded += len(plain)
        original = i + 1
        folded_at.append(folded)
        original_at.append(original)
    pieces.append(text[original:].lower())
    return _Folded("".join(pieces), tuple(folded_at), tuple(original_at))


def _bare(term: str) -> str:
    """A keyword as written, without the quotes of a phrase and with single spaces."""
    return " ".join(term.strip().strip('"\u201c\u201d').split())


def _term_pattern(term: str) -> str | None:
    """The regex of a free-text term over folded text; None for one without a letter."""
    folded = _fold(_bare(term)).text
    if not re.search(r"\w", folded.replace("*", "").replace("?", "")):
        return None
    return free_text_regex(folded).pattern


def _length(pattern_term: str) -> int:
    """How many characters a term spells out: longer terms are tried first."""
    return len(pattern_term.replace("*", "").replace("?", ""))


@dataclass(frozen=True, slots=True)
class Highlighter:
    """The compiled terms: ``regex`` has one group per term, ``kinds`` the kind of each."""

    regex: re.Pattern[str] | None
    kinds: tuple[str, ...]
    exact: tuple[tuple[str, re.Pattern[str]], ...] = ()  # each list's terms, for a whole span
    headings: re.Pattern[str] | None = None  # the strategies' subject headings
    problems: tuple[Problem, ...] = ()  # strategies that could not be read

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, kind)`` of each marked span of ``text``, left to right."""
        if self.regex is None or not text:
            return []
        folded = _fold(text)
        out = []
        for match in self.regex.finditer(folded.text):
            start, end = match.span()
            kind = self.kinds[(match.lastindex or 1) - 1]
            for stronger, whole in self.exact:
                if KINDS.index(stronger) >= KINDS.index(kind):
                    break
                if whole.fullmatch(folded.text, start, end):
                    kind = stronger
                    break
            begin, stop = folded.start(start), folded.end(end)
            while stop < len(text) and unicodedata.combining(text[stop]):
                stop += 1  # a decomposed accent stays with its letter
            out.append((begin, stop, kind))
        return out

    def segments(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into consecutive ``(piece, kind)``; the pieces join to ``text``."""
        pieces: list[tuple[str, str]] = []
        position = 0
        for start, end, kind in self.spans(text):
            if start > position:
                pieces.append((text[position:start], ""))
            pieces.append((text[start:end], kind))
            position = end
        if position < len(text):
            pieces.append((text[position:], ""))
        return pieces

    def heading_segments(self, heading: str) -> list[tuple[str, str]]:
        """A record's subject heading (or keyword) cut as :meth:`segments` does; when it is
        a heading of the strategies, its plain pieces are marked ``search`` too."""
        pieces = self.segments(heading)
        if self.headings is None or not any(
                self.headings.fullmatch(key) for key in heading_keys(heading)):
            return pieces
        merged: list[tuple[str, str]] = []
        for piece, kind in pieces:
            kind = kind or "search"
            if merged and merged[-1][1] == kind:
                merged[-1] = (merged[-1][0] + piece, kind)
            else:
                merged.append((piece, kind))
        return merged


def _heading_regex(headings: Iterable[str]) -> re.Pattern[str] | None:
    """Subject headings as a whole heading's folded key matches them; a truncated
    heading matches the headings it begins (as :class:`litreview.search.Corpus` does)."""
    patterns = sorted({free_text_regex(h).pattern.replace(r"\w*", ".*").replace(r"\w?", ".?")
                       for h in headings if _term_pattern(h)})
    return re.compile("|".join(patterns)) if patterns else None


def highlighter(search_terms: Sequence[Term | str], include: Sequence[str] = (),
                exclude: Sequence[str] = ()) -> Highlighter:
    """The highlighter of the strategies' terms (a string is free text) and the criteria's
    keyword lists. A term in two lists is kept in the stronger one only."""
    free = [t if isinstance(t, str) else t.text for t in search_terms
            if isinstance(t, str) or t.field == "free_text"]
    headings = [t.text for t in search_terms if isinstance(t, Term) and t.field == "heading"]
    chosen: dict[str, tuple[str, str]] = {}  # pattern -> (kind, term)
    for kind, words in (("exclude", exclude), ("include", include), ("search", free)):
        for word in words:
            pattern = _term_pattern(word)
            if pattern is not None and pattern not in chosen:
                chosen[pattern] = (kind, _fold(_bare(word)).text)
    order = sorted(chosen, key=lambda p: (-_length(chosen[p][1]), KINDS.index(chosen[p][0]), p))
    source, order = _alternation(order)
    exact = tuple((kind, re.compile("|".join(p for p in order if chosen[p][0] == kind)))
                  for kind in KINDS[:2] if any(chosen[p][0] == kind for p in order))
    return Highlighter(re.compile(source) if order else None,
                       tuple(chosen[p][0] for p in order), exact, _heading_regex(headings))


def _alternation(patterns: list[str]) -> tuple[str, list[str]]:
    """One regex trying ``patterns`` in order at each word start, with the patterns in the
    order their groups are numbered. Each ends with an empty group that names it, so each
    alternative begins with a literal the regex engine can reject at once; and patterns are
    grouped by first letter, so a word start tries only those of its letter."""
    groups: dict[str, list[str]] = {}
    for pattern in patterns:
        first = pattern[0] if pattern[0].isalnum() else ""
        groups.setdefault(first, []).append(pattern)
    branches, order = [], []
    for first in sorted(groups, key=lambda f: f == ""):  # letters first, odd starts last
        members = groups[first]
        order += members
        inner = "|".join(f"{p[len(first):]}()" for p in members)
        branches.append(f"{first}(?:{inner})")
    return r"(?<!\w)(?:" + "|".join(branches) + ")", order


def _leaves(node: object) -> Iterable[Term]:
    """The terms under a line's query tree (references are not terms)."""
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Op):
        for child in node.operands:
            yield from _leaves(child)


def strategy_terms(strategies: Iterable[Strategy]) -> tuple[Term, ...]:
    """The distinct terms of the strategies' lines, free text and subject headings, in
    the order first written (references and operators are not terms)."""
    seen: dict[tuple[str, str], Term] = {}
    for strategy in strategies:
        for line in strategy.lines:
            for term in _leaves(line.expr):
                text = " ".join(term.text.split())
                seen.setdefault((term.field, text.casefold()), Term(text, term.field))
    return tuple(seen.values())


def _read(root: Path, strategy: str, thesaurus: str, problems: list[Problem]) -> Strategy:
    """A source's strategy, its bare lines read against its thesaurus if that can be read."""
    headings = None
    try:
        headings = load_thesaurus(root / thesaurus) if thesaurus else None
    except InputError as error:  # the headings are then read as written
        problems.extend(error.problems)
    return with_thesaurus(read_strategy(root / strategy), headings)


def review_highlighter(root: Path, review: Review, criteria: Criteria) -> Highlighter:
    """The highlighter of a review: every source's strategy (paths relative to ``root``)
    and the criteria's keyword lists. A strategy that cannot be read gives no terms and
    is named in ``problems``; it never stops the app."""
    strategies: list[Strategy] = []
    problems: list[Problem] = []
    for source in review.sources:
        if not source.strategy:
            continue
        try:
            strategies.append(_read(Path(root), source.strategy, source.thesaurus, problems))
        except InputError as error:
            problems.extend(error.problems)
        except (OSError, ValueError) as error:
            problems.append(Problem(source.strategy, f"cannot read the strategy ({error})"))
    found = highlighter(strategy_terms(strategies), criteria.keywords_include,
                        criteria.keywords_exclude)
    return replace(found, problems=tuple(problems))
