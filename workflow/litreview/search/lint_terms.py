"""The linter's checks of a strategy's terms: duplicates, terms a truncated term already
finds, short truncation, headings against the thesaurus, phrases, operators, NOT."""

from __future__ import annotations

import re

from litreview.core.text import clean_text
from litreview.search.findings import Finding, finding, start_of
from litreview.search.strategies import Line, Node, Op, Ref, Strategy, Term, terms
from litreview.search.thesaurus import Thesaurus


def _term_key(term: Term) -> tuple[str, str, bool]:
    return (clean_text(term.text).casefold().replace("'", ""), term.field, term.explode)


def _duplicate_findings(strategy: Strategy) -> list[Finding]:
    """A term offered twice as an alternative: in another line, or in the same line."""
    out = []
    first_seen: dict[tuple[str, str, bool], int] = {}
    for line in strategy.lines:
        if "synthetic" in line.flags:
            continue
        in_line: set[tuple[str, str, bool]] = set()
        for term in _alternatives(line.expr):
            key = _term_key(term)
            if key in in_line:
                out.append(finding("S006", strategy, line.source_line,
                                   f"#{line.number} repeats '{term.text}' within the line",
                                   "remove the repeat", term.column or None))
            elif key in first_seen:
                out.append(finding("S006", strategy, line.source_line,
                                   f"#{line.number} repeats '{term.text}' of "
                                   f"#{first_seen[key]}", "remove one, or say why both",
                                   term.column or None))
            in_line.add(key)
            first_seen.setdefault(key, line.number)
    return out


def _folded_words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", clean_text(text).casefold().replace("'", "")) if w]


def _word_covers(wide: str, narrow: str) -> bool:
    """Whether every word the pattern ``narrow`` matches is matched by ``wide``."""
    if narrow.endswith("*") and wide.endswith("*") and "?" not in wide + narrow \
            and "*" not in wide[:-1] + narrow[:-1]:
        return narrow[:-1].startswith(wide[:-1])
    pattern = "".join(r"\w*" if c == "*" else r"\w?" if c == "?" else re.escape(c)
                      for c in wide)
    return re.fullmatch(pattern, narrow) is not None


def covers(wide: Term, narrow: Term) -> bool:
    """Whether the truncated term ``wide`` already finds every record ``narrow`` finds:
    ``team*`` covers ``teams`` and ``team work`` (free text), ``Leader*`` covers the heading
    ``Leaders``."""
    if wide.field != narrow.field or not any(c in wide.text for c in "*?") \
            or _term_key(wide) == _term_key(narrow) or (narrow.explode and not wide.explode):
        return False
    w, n = _folded_words(wide.text), _folded_words(narrow.text)
    if not w or not n:
        return False
    starts = range(len(n) - len(w) + 1) if wide.field == "free_text" else \
        range(1) if len(n) == len(w) else range(0)
    return any(all(_word_covers(a, b) for a, b in zip(w, n[i:], strict=False))
               for i in starts)


def _or_terms(node: Node, owner: Line, by_number: dict[int, Line],
              seen: set[int]) -> list[tuple[Line, Term]]:
    """The terms OR-ed together by a node, following references to lines OR-ed in."""
    if isinstance(node, Term):
        return [(owner, node)]
    if isinstance(node, Ref):
        line = by_number.get(node.number)
        if line is None or line.number in seen:
            return []
        seen.add(line.number)
        return _or_terms(line.expr, line, by_number, seen)
    if node.op != "or":
        return []
    return [pair for child in node.operands for pair in _or_terms(child, owner, by_number, seen)]


def _redundant_findings(strategy: Strategy) -> list[Finding]:
    """A term already found by a truncated term on the same line or in lines OR-ed with it."""
    by_number = {line.number: line for line in strategy.lines}
    out: dict[tuple[int, int, str], Finding] = {}
    for line in strategy.lines:
        if "synthetic" in line.flags:
            continue
        pairs = _or_terms(line.expr, line, by_number, {line.number})
        for narrow_line, narrow in pairs:
            for wide_line, wide in pairs:
                key = (narrow_line.number, narrow.column, wide.text)
                if key in out or not covers(wide, narrow):
                    continue
                where = "on the same line" if wide_line is narrow_line else \
                    f"in #{wide_line.number}, OR-ed with it in #{line.number}"
                out[key] = finding("S018", strategy, narrow_line.source_line,
                                   f"#{narrow_line.number}: '{narrow.text}' is already found "
                                   f"by '{wide.text}' {where}",
                                   f"drop '{narrow.text}', or keep it and note why",
                                   narrow.column or None)
    return list(out.values())


def _truncation_findings(line: Line, term: Term, strategy: Strategy) -> list[Finding]:
    out = []
    for word in term.words:
        if "*" in word and len(re.sub(r"[^\w]", "", word.split("*")[0])) < 3:
            out.append(finding("S007", strategy, line.source_line,
                               f"#{line.number}: '{word}' truncates after fewer than "
                               "3 letters", "lengthen the stem; short stems retrieve "
                               "unrelated words", term.column or None))
    if term.field == "heading" and ("*" in term.text or "?" in term.text):
        out.append(finding("S012", strategy, line.source_line,
                           f"#{line.number}: heading '{term.text}' is truncated",
                           "write the thesaurus headings out, or mark it (ft)",
                           term.column or None))
    return out


def _heading_findings(line: Line, strategy: Strategy, thesaurus: Thesaurus | None
                      ) -> list[Finding]:
    """Headings missing from the thesaurus, and how operator words in bare lines were read."""
    out = []
    for term in terms(line.expr):
        if term.field != "heading" or "*" in term.text or "?" in term.text:
            continue
        if thesaurus is not None and strategy.notation == "lines" and term.text not in thesaurus:
            out.append(finding("S010", strategy, line.source_line,
                               f"#{line.number}: '{term.text}' is not a heading of "
                               "the thesaurus", "check the spelling, or mark it (ft)",
                               term.column or None))
        words = [w for w in term.words if w.lower() in _OPERATOR_WORDS]
        if "heading-with-operator-word" in line.flags and words and (
                thesaurus is None or term.text not in thesaurus):
            out.append(finding("S014", strategy, line.source_line,
                               f"#{line.number}: '{term.text}' is read as one heading, "
                               f"'{words[0]}' part of it",
                               f"if '{words[0]}' is an operator write it upper case "
                               f"({words[0].upper()}); a thesaurus file settles it",
                               term.column or None))
    if "operators-by-thesaurus" in line.flags:
        out.append(finding("S016", strategy, line.source_line,
                           f"#{line.number}: '{line.text}' is not a thesaurus heading but each "
                           "part is: its lower-case operator words are read as operators",
                           "write them upper case to say so", start_of(line)))
    return out


_OPERATOR_WORDS = {"and", "or", "not"}


def term_findings(strategy: Strategy, thesaurus: Thesaurus | None) -> list[Finding]:
    """Every finding about the strategy's terms, line by line."""
    out = _duplicate_findings(strategy) + _redundant_findings(strategy)
    first_phrase = 0  # the line whose S009 finding carries the full advice
    for line in strategy.lines:
        if "synthetic" in line.flags:
            continue
        phrases = []
        for term in terms(line.expr):
            out += _truncation_findings(line, term, strategy)
            if term.field == "free_text" and len(term.words) > 1:
                phrases.append(term)
        out += _heading_findings(line, strategy, thesaurus)
        if phrases and strategy.notation == "lines":
            listed = ", ".join(f"'{t.text}'" for t in phrases)
            advice = (f"as #{first_phrase}" if first_phrase else
                      "compiled as a phrase; typed unquoted, ProQuest, Web of Science and "
                      "Scopus would AND the words")
            first_phrase = first_phrase or line.number
            out.append(finding("S009", strategy, line.source_line,
                               f"#{line.number}: multi-word free text {listed}", advice,
                               phrases[0].column or None))
        if "mixed-operators" in line.flags:
            out.append(finding("S008", strategy, line.source_line,
                               f"#{line.number} mixes 'and' and 'or' without parentheses",
                               "add parentheses: platforms differ in precedence", start_of(line)))
        if "qualifier-distributed" in line.flags:
            out.append(finding("S013", strategy, line.source_line,
                               f"#{line.number}: the final qualifier applies to every term",
                               "write a qualifier after each term to make it explicit",
                               start_of(line)))
        if _has_not(line.expr):
            out.append(finding("S015", strategy, line.source_line,
                               f"#{line.number} uses NOT", "check what it excludes",
                               start_of(line)))
    return out


def _alternatives(node: object) -> list[Term]:
    """The terms a line offers as alternatives (alone, or OR-ed); terms inside an AND are
    parts of a combination, where repeating a word is no duplication."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Op) and node.op == "or":
        return [t for child in node.operands for t in _alternatives(child)]
    return []


def _has_not(node: object) -> bool:
    return isinstance(node, Op) and (node.op == "not" or any(_has_not(c) for c in node.operands))
