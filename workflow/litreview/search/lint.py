"""Check a search strategy the way a PRESS 2015 peer reviewer would, as far as rules can.

Each finding has a code, a severity, the file line, and advice. Errors make
``litreview query lint`` exit 1: broken syntax, references to lines not defined above,
limits that contradict the review config. Warnings and notes point at things a
librarian should look at (orphan lines, duplicate terms, short truncation, mixed
operators without parentheses, headings missing from the thesaurus...).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from litreview.core.review import Source
from litreview.search.findings import CHECKS, SEVERITY_ORDER, Finding, finding, start_of
from litreview.search.lint_terms import term_findings
from litreview.search.read import header_line, read_lines, with_thesaurus
from litreview.search.strategies import Strategy, references
from litreview.search.thesaurus import Thesaurus


def _reference_findings(strategy: Strategy) -> list[Finding]:
    out = []
    defined: set[int] = set()
    numbers = {line.number for line in strategy.lines}
    for line in strategy.lines:
        for ref in references(line.expr):
            if ref.number in strategy.broken:
                continue  # the line could not be read: its own error says so
            if ref.number in numbers and ref.number not in defined:
                out.append(finding("S003", strategy, line.source_line,
                                   f"#{line.number} refers to #{ref.number}, a later line",
                                   "refer only to lines defined above", ref.column or None))
            elif ref.number not in numbers:
                out.append(finding("S002", strategy, line.source_line,
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
                out.append(finding("S005", strategy, line.source_line,
                                   f"#{line.number}: the lines listed before '...' "
                                   f"({', '.join('#' + str(n) for n in before)}) are not "
                                   "consecutive", "list a plain range: #a or #a+1 ... or #b",
                                   start_of(line)))
            combos = [n for n in sorted(by_number)  # a range names only lines defined
                      if start <= n <= end and references(by_number[n].expr)]
            if combos:
                listed_combos = ", ".join(f"#{n}" for n in combos)
                out.append(finding("S005", strategy, line.source_line,
                                   f"#{line.number}: the range #{start} ... #{end} takes in "
                                   f"combination line(s) {listed_combos}",
                                   "a range of terms should not include set combinations",
                                   start_of(line)))
    return out


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
            out.append(finding("S011", strategy, header,
                               f"{_limit_text(name, here)} here but "
                               f"{_limit_value(name, there)} in {config}",
                               "make the strategy and the review config agree"))
        elif here and not there:
            out.append(finding("S017", strategy, header,
                               f"{_limit_text(name, here)} here but no {name} limit for "
                               f"{source.name} in {config}",
                               f"add it to the database's limits in {config}, or say why not"))
        elif there and not here and stated:
            out.append(finding("S017", strategy, header,
                               f"{config} limits {source.name} to {_limit_text(name, there)} "
                               "but this limits line does not",
                               "add it here, or remove it from the review config"))
    searched = strategy.meta.get("searched")
    if searched and source.searched and searched != source.searched:
        out.append(finding("S011", strategy, header_line(text, "searched"),
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
            findings.append(finding("S004", strategy, line.source_line,
                                    f"#{line.number} is used by no other line, and the final "
                                    f"line is {out_of}",
                                    "combine it, or name it in a 'final:' header line",
                                    start_of(line)))
    findings += _range_findings(strategy)
    findings += term_findings(strategy, thesaurus)
    findings += _limit_findings(strategy, source, config, text)
    findings = [f if f.line else replace(f, line=1, column=None) for f in findings]
    findings.sort(key=lambda f: (f.line or 0, f.column or 0, SEVERITY_ORDER[f.severity],
                                 f.code))
    return strategy, findings


def has_errors(findings: Sequence[Finding]) -> bool:
    """Whether any finding is an error (``query lint`` then exits 1)."""
    return any(f.severity == "error" for f in findings)


def summary(findings: Sequence[Finding]) -> str:
    """``1 error, 2 warnings, 0 infos``: the counts by severity."""
    counts: dict[str, int] = defaultdict(int)
    for item in findings:
        counts[item.severity] += 1
    return ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
                     for s in ("error", "warning", "info")) if findings else "no findings"


__all__ = ["CHECKS", "Finding", "has_errors", "lint_text", "summary"]
