"""Reading a strategy file: its header, numbered lines (or concept pairs), limits and
final lines; the re-reading of bare lines a thesaurus settles; references checked."""

from __future__ import annotations

import re
from collections.abc import Collection, Container
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from litreview.core.errors import InputError, Problem
from litreview.core.review import STRATEGY_HEADER
from litreview.search.parse import parse_line
from litreview.search.strategies import Limits, Line, Op, Ref, Strategy, Term, references, terms

_LINE = re.compile(r"^#(\d+)\s+(.*\S)\s*$")
_PAIR = re.compile(r"^\*{0,2}(?P<a>[^+#*][^+]*?)\s\+\s(?P<b>[^+]+?)\*{0,2}$")


@dataclass(slots=True)
class _Reading:
    """What :func:`read_lines` gathers from a strategy's text, line by line."""

    path: str
    meta: dict[str, str] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    label: str = ""  # the set label of the lines that follow
    seen: set[int] = field(default_factory=set)
    broken: set[int] = field(default_factory=set)
    pairs: list[tuple[int, str, str, str]] = field(default_factory=list)
    # (source line, label, concept a, concept b)

    def unnumbered(self, stripped: str, line_no: int) -> None:
        """A line with no ``#N`` expression: a mistake, a concept pair or a set label."""
        if re.match(r"^#\d", stripped):
            self.problems.append(Problem(self.path, "search line has no expression", line_no, 1))
        elif stripped.startswith("#"):
            self.problems.append(Problem(self.path, "a search line starts with '#' and its "
                                         "number", line_no, 1, "write e.g. '#3 Leadership'"))
        elif pair := _PAIR.match(stripped):
            self.pairs.append((line_no, self.label, pair.group("a"), pair.group("b")))
        else:
            self.label = stripped.strip("*").strip()

    def numbered(self, match: re.Match[str], raw: str, line_no: int) -> None:
        """``#N expression``: the line, or its syntax problems (the line is then broken)."""
        number = int(match.group(1))
        offset = raw.index(match.group(2))
        if number in self.seen:
            self.problems.append(Problem(self.path, f"line #{number} is defined twice",
                                         line_no, 1))
        try:
            parsed = parse_line(match.group(2), self.path, line_no, offset, defined=self.seen)
        except InputError as error:
            self.problems.extend(error.problems)
            self.broken.add(number)
            return
        finally:
            self.seen.add(number)
        self.lines.append(Line(number, match.group(2), parsed.expr, line_no, self.label,
                               parsed.ranges, parsed.flags, offset))

    def strategy(self, text: str) -> tuple[Strategy, list[Problem]]:
        """The strategy read, with its header's limits and final lines, and every problem."""
        path, lines, problems = self.path, self.lines, self.problems
        notation: Literal["lines", "pairs"] = "lines"
        if self.pairs:
            if lines:
                problems.append(Problem(path, "numbered lines and concept pairs in one file",
                                        self.pairs[0][0], 1,
                                        "keep one notation per strategy file"))
            else:
                lines, notation = _pair_lines(self.pairs), "pairs"
        if not lines and not problems:
            problems.append(Problem(path, "no numbered search lines found", 1, None,
                                    "write lines such as '#1 Leadership'"))
        limits, limit_problems = _limits(self.meta.get("limits", ""), path, text)
        problems += limit_problems
        finals, final_problems = _finals(self.meta.get("final", ""), lines, path, text)
        problems += final_problems
        return Strategy(path, self.meta, tuple(lines), finals, limits, notation,
                        frozenset(self.broken)), problems


def read_lines(text: str, path: str = "<strategy>") -> tuple[Strategy, list[Problem]]:
    """Parse what can be parsed; syntax problems are returned, not raised (for the linter)."""
    reading = _Reading(path)
    in_header = True
    for line_no, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            in_header = in_header and not reading.meta
            continue
        if in_header and not stripped.startswith("#") and (
                m := STRATEGY_HEADER.match(stripped)):
            reading.meta[m.group(1).strip().lower()] = m.group(2).strip()
            continue
        in_header = False
        match = _LINE.match(stripped)
        if match is None:
            reading.unnumbered(stripped, line_no)
        else:
            reading.numbered(match, raw, line_no)
    return reading.strategy(text)


def _pair_lines(pairs: list[tuple[int, str, str, str]]) -> list[Line]:
    """``Leadership + Public sector``: one search per pair, each concept's ``/`` alternatives
    sought as subject heading and as free text; a last line joins every pair."""
    def concept(text: str, column: int) -> Op:
        options: list[Term] = []
        for alternative in (a.strip() for a in text.split("/")):
            if alternative:
                options += [Term(alternative, "heading", False, column),
                            Term(alternative, "free_text", False, column)]
        return Op("or", tuple(options))

    lines = []
    for number, (line_no, label, a, b) in enumerate(pairs, start=1):
        expr = Op("and", (concept(a, 1), concept(b, len(a) + 4)))
        lines.append(Line(number, f"{a.strip()} + {b.strip()}", expr, line_no, label))
    if len(lines) == 1:
        return lines
    last = len(lines) + 1
    lines.append(Line(last, "any pair", Op("or", tuple(Ref(n) for n in range(1, last))),
                      pairs[-1][0], "All pairs", ((1, last - 1),), frozenset({"synthetic"})))
    return lines


def header_line(text: str, key: str) -> int | None:
    """The line of a ``key:`` header in a strategy's text."""
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if raw.strip().lower().startswith(f"{key}:"):
            return line_no
    return None


def _limits(value: str, path: str, text: str) -> tuple[Limits, list[Problem]]:
    """``years 2002-2008; language English, French; country UK`` (``none`` for no limits)."""
    years: tuple[int, int] | None = None
    language: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    problems = []
    clean = re.sub(r"\(.*?\)", "", value).strip()
    if not clean or clean.lower() == "none":
        return Limits(), []
    for part in (p.strip() for p in clean.split(";") if p.strip()):
        key, _, rest = part.partition(" ")
        key = key.lower()
        items = tuple(i.strip() for i in rest.split(",") if i.strip())
        if key in ("years", "year") and (m := re.fullmatch(r"(\d{4})\s*-\s*(\d{4})",
                                                          rest.strip())):
            years = (int(m.group(1)), int(m.group(2)))
        elif key in ("language", "languages") and items:
            language = items
        elif key in ("country", "countries") and items:
            country = items
        else:
            problems.append(Problem(path, f"cannot read the limit '{part}'",
                                    header_line(text, "limits"), None,
                                    "write e.g. 'limits: years 2002-2008; language English'"))
    return Limits(years, language, country), problems


def _finals(value: str, lines: list[Line], path: str, text: str
            ) -> tuple[tuple[int, ...], list[Problem]]:
    """``final: #40, #59, #76``: the lines whose results the search keeps."""
    if not value:
        return (), []
    numbers = tuple(int(n) for n in re.findall(r"\d+", value))
    defined = {line.number for line in lines}
    missing = [n for n in numbers if n not in defined]
    if missing or not numbers:
        return (), [Problem(path, f"final names undefined line(s) {missing or value}",
                            header_line(text, "final"), None, "write e.g. 'final: #25'")]
    return numbers, []


_OPERATOR_SPLIT = re.compile(r"\s+(?:and|or|not)\s+", re.IGNORECASE)


def heading_parts(text: str) -> list[str]:
    """A heading's text split at its operator words."""
    return [part for part in _OPERATOR_SPLIT.split(text) if part]


def operator_reading(term: Term, headings: Container[str]) -> bool:
    """Whether a heading with operator words is better read as operators: the thesaurus
    lacks the whole phrase but has each part."""
    parts = heading_parts(term.text)
    return (len(parts) > 1 and term.text not in headings
            and all(part in headings for part in parts))


def with_thesaurus(strategy: Strategy, headings: Container[str] | None) -> Strategy:
    """Bare lines whose lower-case operator words join thesaurus headings (each part is a
    heading, the whole phrase is not) re-read with those words as operators."""
    if headings is None:
        return strategy
    lines = []
    for line in strategy.lines:
        if "heading-with-operator-word" in line.flags and any(
                operator_reading(t, headings) for t in terms(line.expr)):
            try:
                parsed = parse_line(line.text, strategy.path, line.source_line, line.offset, "all")
            except InputError:
                lines.append(line)
                continue
            flags = (parsed.flags - {"heading-with-operator-word"}) | {"operators-by-thesaurus"}
            line = replace(line, expr=parsed.expr, flags=frozenset(flags))
        lines.append(line)
    return replace(strategy, lines=tuple(lines))


def parse_strategy(text: str, path: str = "<strategy>") -> Strategy:
    """Parse a strategy file; every problem is reported with file:line:column."""
    strategy, problems = read_lines(text, path)
    problems.extend(reference_problems(list(strategy.lines), path, strategy.broken))
    if problems:
        raise InputError(problems)
    return strategy


def reference_problems(lines: list[Line], path: str, broken: Collection[int] = ()
                       ) -> list[Problem]:
    """References to lines not defined above: undefined or forward. A reference to a line
    that could not be read is not reported again: that line's own error says it."""
    problems = []
    defined: set[int] = set(broken)
    for line in lines:
        for ref in references(line.expr):
            if ref.number not in defined:
                what = "a later line" if any(x.number == ref.number for x in lines) else \
                    "an undefined line"
                problems.append(Problem(path, f"#{line.number} refers to #{ref.number}, {what}",
                                        line.source_line, ref.column,
                                        "refer only to lines defined above"))
        defined.add(line.number)
    return problems


def read_strategy(path: str | Path) -> Strategy:
    """The strategy file at ``path`` (UTF-8), parsed; any problem is a located error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(Problem(str(path), "strategy file not found",
                                 hint="check the 'strategy' path in review.yaml")) from None
    except UnicodeDecodeError as error:
        raise InputError(Problem(str(path), f"not UTF-8 text ({error.reason})",
                                 hint="save the strategy as UTF-8")) from None
    return parse_strategy(text, str(path))


