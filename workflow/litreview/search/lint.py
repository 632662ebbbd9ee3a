"""Check a search strategy the way a PRESS 2015 peer reviewer would, as far as rules can.

Each finding has a code, a severity, the file line, and advice. Errors make
``litreview query lint`` exit 1: broken syntax, references to lines not defined above,
limits that contradict the review config. Warnings and notes point at things a
librarian should look at (orphan lines, duplicate terms, short truncation, mixed
operators without parentheses, headings missing from the thesaurus...).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from litreview.core.review import Source
from litreview.core.text import clean_text
from litreview.search.strategies import (
    Line,
    Node,
    Op,
    Ref,
    Strategy,
    Term,
    header_line,
    read_lines,
    references,
    terms,
    with_thesaurus,
)
from litreview.search.thesaurus import Thesaurus

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    file: str
    line: int | None
    message: str
    advice: str = ""
    column: int | None = None

    def __str__(self) -> str:
        """``file:line:column: severity CODE: message — advice`` (column when known)."""
        where = self.file
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        advice = f" — {self.advice}" if self.advice else ""
        return f"{where}: {self.severity} {self.code}: {self.message}{advice}"


#: code -> (severity, what it checks); the README lists these.
CHECKS: dict[str, tuple[Severity, str]] = {
    "S001": ("error", "syntax error"),
    "S002": ("error", "reference to an undefined line"),
    "S003": ("error", "reference to a later line"),
    "S004": ("warning", "orphan line: used by no other line and not a final line"),
    "S005": ("warning", "range does not match the numbering"),
    "S006": ("warning", "duplicate term (in other lines or in the same line)"),
    "S007": ("warning", "truncation after fewer than 3 letters"),
    "S008": ("warning", "'and' and 'or' mixed without parentheses"),
    "S009": ("info", "multi-word free text that some platforms read as AND"),
    "S010": ("warning", "heading not in the database's thesaurus"),
    "S011": ("error", "limits or date contradict the review config"),
    "S012": ("warning", "truncated subject heading"),
    "S013": ("info", "one qualifier applies to every term of the line"),
    "S014": ("warning", "bare line with a lower-case operator word read as one heading"),
    "S015": ("info", "NOT may exclude relevant records"),
    "S016": ("warning", "operator words read as operators: the thesaurus has each part"),
    "S017": ("warning", "a limit set in only one of the strategy header and the review config"),
    "S018": ("info", "term already found by a truncated term OR-ed with it"),
}


def _finding(code: str, strategy: Strategy, line: int | None, message: str,
             advice: str = "", column: int | None = None) -> Finding:
    return Finding(code, CHECKS[code][0], strategy.path, line, message, advice, column)


def _start(line: Line) -> int:
    """The column where a line's expression starts."""
    return line.offset + 1


def _reference_findings(strategy: Strategy) -> list[Finding]:
    out = []
    defined: set[int] = set()
    numbers = {line.number for line in strategy.lines}
    for line in strategy.lines:
        for ref in references(line.expr):
            if ref.number in strategy.broken:
                continue  # the line could not be read: its own error says so
            if ref.number in numbers and ref.number not in defined:
                out.append(_finding("S003", strategy, line.source_line,
                                    f"#{line.number} refers to #{ref.number}, a later line",
                                    "refer only to lines defined above", ref.column or None))
            elif ref.number not in numbers:
                out.append(_finding("S002", strategy, line.source_line,
                                    f"#{line.number} refers to #{ref.number}, which is not "
                                    "defined", "check the line numbers", ref.column or None))
        defined.add(line.number)
    return out


def _range_findings(strategy: Strategy) -> list[Finding]:
    out = []
    by_number = {line.number: line for line in strategy.lines}
    for line in strategy.lines:
        for start, end in line.ranges:
            listed = [r.number for r in references(line.expr)]
            before = listed[: listed.index(start) + 1] if start in listed else []
            if before and before != list(range(before[0], start + 1)):
                out.append(_finding("S005", strategy, line.source_line,
                                    f"#{line.number}: the lines listed before '...' "
                                    f"({', '.join('#' + str(n) for n in before)}) are not "
                                    "consecutive", "list a plain range: #a or #a+1 ... or #b",
                                    _start(line)))
            combos = [n for n in sorted(by_number)  # a range names only lines defined
                      if start <= n <= end and references(by_number[n].expr)]
            if combos:
                listed_combos = ", ".join(f"#{n}" for n in combos)
                out.append(_finding("S005", strategy, line.source_line,
                                    f"#{line.number}: the range #{start} ... #{end} takes in "
                                    f"combination line(s) {listed_combos}",
                                    "a range of terms should not include set combinations",
                                    _start(line)))
    return out


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
                out.append(_finding("S006", strategy, line.source_line,
                                    f"#{line.number} repeats '{term.text}' within the line",
                                    "remove the repeat", term.column or None))
            elif key in first_seen:
                out.append(_finding("S006", strategy, line.source_line,
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
                out[key] = _finding("S018", strategy, narrow_line.source_line,
                                    f"#{narrow_line.number}: '{narrow.text}' is already found "
                                    f"by '{wide.text}' {where}",
                                    f"drop '{narrow.text}', or keep it and note why",
                                    narrow.column or None)
    return list(out.values())


def _truncation_findings(line: Line, term: Term, strategy: Strategy) -> list[Finding]:
    out = []
    for word in term.words:
        if "*" in word and len(re.sub(r"[^\w]", "", word.split("*")[0])) < 3:
            out.append(_finding("S007", strategy, line.source_line,
                                f"#{line.number}: '{word}' truncates after fewer than "
                                "3 letters", "lengthen the stem; short stems retrieve "
                                "unrelated words", term.column or None))
    if term.field == "heading" and ("*" in term.text or "?" in term.text):
        out.append(_finding("S012", strategy, line.source_line,
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
            out.append(_finding("S010", strategy, line.source_line,
                                f"#{line.number}: '{term.text}' is not a heading of "
                                "the thesaurus", "check the spelling, or mark it (ft)",
                                term.column or None))
        words = [w for w in term.words if w.lower() in _OPERATOR_WORDS]
        if "heading-with-operator-word" in line.flags and words and (
                thesaurus is None or term.text not in thesaurus):
            out.append(_finding("S014", strategy, line.source_line,
                                f"#{line.number}: '{term.text}' is read as one heading, "
                                f"'{words[0]}' part of it",
                                f"if '{words[0]}' is an operator write it upper case "
                                f"({words[0].upper()}); a thesaurus file settles it",
                                term.column or None))
    if "operators-by-thesaurus" in line.flags:
        out.append(_finding("S016", strategy, line.source_line,
                            f"#{line.number}: '{line.text}' is not a thesaurus heading but each "
                            "part is: its lower-case operator words are read as operators",
                            "write them upper case to say so", _start(line)))
    return out


_OPERATOR_WORDS = {"and", "or", "not"}


def _term_findings(strategy: Strategy, thesaurus: Thesaurus | None) -> list[Finding]:
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
            out.append(_finding("S009", strategy, line.source_line,
                                f"#{line.number}: multi-word free text {listed}", advice,
                                phrases[0].column or None))
        if "mixed-operators" in line.flags:
            out.append(_finding("S008", strategy, line.source_line,
                                f"#{line.number} mixes 'and' and 'or' without parentheses",
                                "add parentheses: platforms differ in precedence", _start(line)))
        if "qualifier-distributed" in line.flags:
            out.append(_finding("S013", strategy, line.source_line,
                                f"#{line.number}: the final qualifier applies to every term",
                                "write a qualifier after each term to make it explicit",
                                _start(line)))
        if _has_not(line.expr):
            out.append(_finding("S015", strategy, line.source_line,
                                f"#{line.number} uses NOT", "check what it excludes",
                                _start(line)))
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


def _limit_value(name: str, value: object) -> str:
    if name == "years":
        a, b = value  # type: ignore[misc]
        return f"{a}-{b}"
    return ", ".join(value)  # type: ignore[arg-type]


def _limit_text(name: str, value: object) -> str:
    return f"{name} {_limit_value(name, value)}"


def _same_limit(a: object, b: object) -> bool:
    if isinstance(a, tuple) and a and isinstance(a[0], str):
        return {x.casefold() for x in a} == {str(x).casefold() for x in b}  # type: ignore
    return tuple(a) == tuple(b)  # type: ignore[arg-type]


def _limit_findings(strategy: Strategy, source: Source | None, config: str,
                    text: str) -> list[Finding]:
    """Limits of the header against the review config: different values are errors; a
    limit on one side only is a warning (the config's only when the header has a limits
    line: without one, the compiler takes the config's limits)."""
    if source is None:
        return []
    out = []
    header = header_line(text, "limits")
    stated = "limits" in strategy.meta
    mine, theirs = strategy.limits, source.limits
    for name in ("years", "language", "country"):
        here, there = getattr(mine, name), getattr(theirs, name)
        if here and there and not _same_limit(here, there):
            out.append(_finding("S011", strategy, header,
                                f"{_limit_text(name, here)} here but "
                                f"{_limit_value(name, there)} in {config}",
                                "make the strategy and the review config agree"))
        elif here and not there:
            out.append(_finding("S017", strategy, header,
                                f"{_limit_text(name, here)} here but no {name} limit for "
                                f"{source.name} in {config}",
                                f"add it to the database's limits in {config}, or say why not"))
        elif there and not here and stated:
            out.append(_finding("S017", strategy, header,
                                f"{config} limits {source.name} to {_limit_text(name, there)} "
                                "but this limits line does not",
                                "add it here, or remove it from the review config"))
    searched = strategy.meta.get("searched")
    if searched and source.searched and searched != source.searched:
        out.append(_finding("S011", strategy, header_line(text, "searched"),
                            f"searched {searched} here but {source.searched} in {config}",
                            "make the strategy and the review config agree"))
    return out


def lint_text(text: str, path: str, *, source: Source | None = None,
              thesaurus: Thesaurus | None = None, config: str = "review.yaml"
              ) -> tuple[Strategy, list[Finding]]:
    """All findings for one strategy, sorted by line then code; never raises on bad text."""
    strategy, problems = read_lines(text, path)
    strategy = with_thesaurus(strategy, thesaurus)
    findings = [Finding("S001", "error", p.file, p.line, p.message, p.hint, p.column)
                for p in problems]
    findings += _reference_findings(strategy)
    used = {ref.number for line in strategy.lines for ref in references(line.expr)}
    finals = {line.number for line in strategy.final_lines}
    for line in strategy.lines if not strategy.broken else ():  # usage unknown when broken
        if line.number not in used and line.number not in finals:
            out_of = ", ".join(f"#{x.number}" for x in strategy.final_lines)
            findings.append(_finding("S004", strategy, line.source_line,
                                     f"#{line.number} is used by no other line, and the final "
                                     f"line is {out_of}",
                                     "combine it, or name it in a 'final:' header line",
                                     _start(line)))
    findings += _range_findings(strategy)
    findings += _term_findings(strategy, thesaurus)
    findings += _limit_findings(strategy, source, config, text)
    findings = [f if f.line else replace(f, line=1, column=None) for f in findings]
    findings.sort(key=lambda f: (f.line or 0, f.column or 0, SEVERITY_ORDER[f.severity],
                                 f.code))
    return strategy, findings


def has_errors(findings: Sequence[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def summary(findings: Sequence[Finding]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for finding in findings:
        counts[finding.severity] += 1
    return ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
                     for s in ("error", "warning", "info")) if findings else "no findings"


__all__ = ["CHECKS", "Finding", "Line", "Ref", "has_errors", "lint_text", "summary"]
