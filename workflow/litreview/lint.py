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
from dataclasses import dataclass
from typing import Literal

from litreview.records import clean_text
from litreview.review import Source
from litreview.strategies import (
    Line,
    Op,
    Ref,
    Strategy,
    Term,
    header_line,
    read_lines,
    references,
    terms,
)
from litreview.thesaurus import Thesaurus

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

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        advice = f" — {self.advice}" if self.advice else ""
        return f"{where}: {self.severity} {self.code}: {self.message}{advice}"


#: code -> (severity, what it checks); the README lists these.
CHECKS: dict[str, tuple[Severity, str]] = {
    "S001": ("error", "syntax error"),
    "S002": ("error", "reference to an undefined line"),
    "S003": ("error", "reference to a later line"),
    "S004": ("warning", "orphan line: used by no other line and not a final line"),
    "S005": ("warning", "range does not match the numbering"),
    "S006": ("warning", "duplicate term"),
    "S007": ("warning", "truncation after fewer than 3 letters"),
    "S008": ("warning", "'and' and 'or' mixed without parentheses"),
    "S009": ("info", "multi-word free text that some platforms read as AND"),
    "S010": ("warning", "heading not in the database's thesaurus"),
    "S011": ("error", "limits or date contradict the review config"),
    "S012": ("warning", "truncated subject heading"),
    "S013": ("info", "one qualifier applies to every term of the line"),
    "S014": ("info", "bare line with an operator word read as one heading"),
    "S015": ("info", "NOT may exclude relevant records"),
}


def _finding(code: str, strategy: Strategy, line: int | None, message: str,
             advice: str = "") -> Finding:
    return Finding(code, CHECKS[code][0], strategy.path, line, message, advice)


def _reference_findings(strategy: Strategy) -> list[Finding]:
    out = []
    defined: set[int] = set()
    numbers = {line.number for line in strategy.lines}
    for line in strategy.lines:
        for ref in references(line.expr):
            if ref.number in numbers and ref.number not in defined:
                out.append(_finding("S003", strategy, line.source_line,
                                    f"#{line.number} refers to #{ref.number}, a later line",
                                    "refer only to lines defined above"))
            elif ref.number not in numbers:
                out.append(_finding("S002", strategy, line.source_line,
                                    f"#{line.number} refers to #{ref.number}, which is not "
                                    "defined", "check the line numbers"))
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
                                    "consecutive", "list a plain range: #a or #a+1 ... or #b"))
            combos = [n for n in range(start, end + 1)
                      if n in by_number and references(by_number[n].expr)]
            if combos:
                listed_combos = ", ".join(f"#{n}" for n in combos)
                out.append(_finding("S005", strategy, line.source_line,
                                    f"#{line.number}: the range #{start} ... #{end} takes in "
                                    f"combination line(s) {listed_combos}",
                                    "a range of terms should not include set combinations"))
            gaps = [n for n in range(start, end + 1) if n not in by_number]
            if gaps:
                out.append(_finding("S005", strategy, line.source_line,
                                    f"#{line.number}: the range #{start} ... #{end} skips "
                                    f"undefined line(s) {', '.join('#' + str(n) for n in gaps)}",
                                    "number the lines without gaps"))
    return out


def _term_key(term: Term) -> tuple[str, str, bool]:
    return (clean_text(term.text).casefold().replace("'", ""), term.field, term.explode)


def _term_findings(strategy: Strategy, thesaurus: Thesaurus | None) -> list[Finding]:
    out = []
    first_seen: dict[tuple[str, str, bool], int] = {}
    phrases: list[tuple[Line, Term]] = []
    for line in strategy.lines:
        if "synthetic" in line.flags:
            continue
        alternatives = _alternatives(line.expr)
        for term in terms(line.expr):
            key = _term_key(term)
            if term in alternatives and key in first_seen and first_seen[key] != line.number:
                out.append(_finding("S006", strategy, line.source_line,
                                    f"#{line.number} repeats '{term.text}' of "
                                    f"#{first_seen[key]}", "remove one, or say why both"))
            if term in alternatives:
                first_seen.setdefault(key, line.number)
            for word in term.words:
                if "*" in word and len(re.sub(r"[^\w]", "", word.split("*")[0])) < 3:
                    out.append(_finding("S007", strategy, line.source_line,
                                        f"#{line.number}: '{word}' truncates after fewer than "
                                        "3 letters", "lengthen the stem; short stems retrieve "
                                        "unrelated words"))
            if term.field == "heading":
                if "*" in term.text or "?" in term.text:
                    out.append(_finding("S012", strategy, line.source_line,
                                        f"#{line.number}: heading '{term.text}' is truncated",
                                        "write the thesaurus headings out, or mark it (ft)"))
                elif (thesaurus is not None and strategy.notation == "lines"
                      and term.text not in thesaurus):
                    out.append(_finding("S010", strategy, line.source_line,
                                        f"#{line.number}: '{term.text}' is not a heading of "
                                        "the thesaurus", "check the spelling, or mark it (ft)"))
            elif len(term.words) > 1 and strategy.notation == "lines":
                phrases.append((line, term))
        if "mixed-operators" in line.flags:
            out.append(_finding("S008", strategy, line.source_line,
                                f"#{line.number} mixes 'and' and 'or' without parentheses",
                                "add parentheses: platforms differ in precedence"))
        if "qualifier-distributed" in line.flags:
            out.append(_finding("S013", strategy, line.source_line,
                                f"#{line.number}: the final qualifier applies to every term",
                                "write a qualifier after each term to make it explicit"))
        if "heading-with-operator-word" in line.flags:
            out.append(_finding("S014", strategy, line.source_line,
                                f"#{line.number}: '{line.text}' is read as one heading",
                                "use parentheses or qualifiers if the words are operators"))
        if _has_not(line.expr):
            out.append(_finding("S015", strategy, line.source_line,
                                f"#{line.number} uses NOT", "check what it excludes"))
    if phrases:
        listed = ", ".join(f"#{line.number} '{term.text}'" for line, term in phrases[:3])
        more = f" and {len(phrases) - 3} more" if len(phrases) > 3 else ""
        out.append(_finding("S009", strategy, phrases[0][0].source_line,
                            f"{len(phrases)} multi-word free-text term(s): {listed}{more}",
                            "the compiled strings quote them as phrases; ProQuest, Web of "
                            "Science and Scopus would AND unquoted words if typed by hand"))
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


def _limit_findings(strategy: Strategy, source: Source | None, config: str,
                    text: str) -> list[Finding]:
    if source is None:
        return []
    out = []
    header = header_line(text, "limits")
    mine, theirs = strategy.limits, source.limits
    if mine.years and theirs.years and tuple(mine.years) != tuple(theirs.years):
        out.append(_finding("S011", strategy, header,
                            f"years {mine.years[0]}-{mine.years[1]} here but "
                            f"{theirs.years[0]}-{theirs.years[1]} in {config}",
                            "make the strategy and the review config agree"))
    for name, here, there in (("language", mine.language, theirs.language),
                              ("country", mine.country, theirs.country)):
        if here and there and {x.casefold() for x in here} != {x.casefold() for x in there}:
            out.append(_finding("S011", strategy, header,
                                f"{name} {', '.join(here)} here but {', '.join(there)} in "
                                f"{config}", "make the strategy and the review config agree"))
    searched = strategy.meta.get("searched")
    if searched and source.searched and searched != source.searched:
        out.append(_finding("S011", strategy, header_line(text, "searched"),
                            f"searched {searched} here but {source.searched} in {config}",
                            "make the strategy and the review config agree"))
    return out


def lint_text(text: str, path: str, *, source: Source | None = None,
              thesaurus: Thesaurus | None = None, config: str = "review.yaml"
              ) -> tuple[Strategy, list[Finding]]:
    """All findings for one strategy, sorted by line then code."""
    strategy, problems = read_lines(text, path)
    findings = [Finding("S001", "error", p.file, p.line, p.message
                        + (f" (column {p.column})" if p.column else ""), p.hint)
                for p in problems]
    findings += _reference_findings(strategy)
    used = {ref.number for line in strategy.lines for ref in references(line.expr)}
    finals = {line.number for line in strategy.final_lines}
    for line in strategy.lines:
        if line.number not in used and line.number not in finals:
            out_of = ", ".join(f"#{x.number}" for x in strategy.final_lines)
            findings.append(_finding("S004", strategy, line.source_line,
                                     f"#{line.number} is used by no other line, and the final "
                                     f"line is {out_of}",
                                     "combine it, or name it in a 'final:' header line"))
    findings += _range_findings(strategy)
    findings += _term_findings(strategy, thesaurus)
    findings += _limit_findings(strategy, source, config, text)
    findings.sort(key=lambda f: (f.line or 0, SEVERITY_ORDER[f.severity], f.code))
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
