"""Search strategies in the line-numbered notation of review appendices.

A strategy file has a header of ``key: value`` lines, a blank line, then set labels
("Leadership set") and numbered lines such as::

    #17 Children* service* (ft)
    #20 Multiagency (ft) or multi agency (ft)
    #24 #11 or #12 or #13 ... or #23
    #25 #10 and #24

Reading rules, chosen to match how the notation is printed:

* A line with no ``#N`` reference, qualifier, quote or parenthesis is a subject heading
  taken verbatim — thesaurus headings may contain "and"
  (``Voluntary and community organisations``). In such a bare line only upper-case
  ``AND``/``OR``/``NOT`` are operators (``#2 Leaders OR Leadership``): librarians write
  operators upper case. Lower-case ones stay in the heading, unless a thesaurus lacks the
  whole phrase but has each part (:func:`with_thesaurus`). An operator word at the start
  or end of a line, or doubled, is a syntax error; quote a heading that begins with one.
* ``(ft)`` marks free text and ``(exp)`` an exploded heading. A qualifier binds to the
  term before it; when a line carries exactly one qualifier, at its end, it applies to
  every term of the line (``Director* and children* and service* (ft)``).
* ``#1 or #2 ... or #9`` means every line from 1 to 9; each must be defined above.
* ``and`` binds tighter than ``or``; ``not`` is "and not". Parentheses override.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from litreview.core.errors import InputError, Problem

Field = Literal["heading", "free_text"]


@dataclass(frozen=True, slots=True)
class Term:
    """A search term: a subject heading or free text, possibly truncated."""

    text: str
    field: Field = "heading"
    explode: bool = False
    column: int = 0

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.split())


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to an earlier line's result set."""

    number: int
    column: int = 0


@dataclass(frozen=True, slots=True)
class Op:
    """``and``, ``or`` or ``not`` over two or more operands (``not``: first minus the rest)."""

    op: Literal["and", "or", "not"]
    operands: tuple[Node, ...]


Node = Term | Ref | Op


@dataclass(frozen=True, slots=True)
class Line:
    """One numbered line. ``flags`` record readings a linter should point out."""

    number: int
    text: str
    expr: Node
    source_line: int
    label: str = ""
    ranges: tuple[tuple[int, int], ...] = ()  # ``#a ... #b`` ranges, as written
    flags: frozenset[str] = frozenset()
    offset: int = 0  # characters before the expression in the file line


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits stated in a strategy's header (``limits: years 2002-2008; language English``)."""

    years: tuple[int, int] | None = None
    language: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    since: str = ""  # a search update: records added after this date (YYYY-MM-DD)


@dataclass(frozen=True, slots=True)
class Strategy:
    path: str
    meta: dict[str, str]
    lines: tuple[Line, ...]
    finals: tuple[int, ...] = ()  # the result lines; default the last line
    limits: Limits = field(default_factory=Limits)
    notation: Literal["lines", "pairs"] = "lines"
    broken: frozenset[int] = frozenset()  # numbered lines that could not be read

    @property
    def final(self) -> Line:
        """The last result line; a strategy with no line has none (KeyError)."""
        if not self.lines:
            raise KeyError("the strategy has no search line")
        return self.line(self.finals[-1]) if self.finals else self.lines[-1]

    @property
    def final_lines(self) -> tuple[Line, ...]:
        """The result lines: those named by ``final:``, else the last line, else none."""
        if self.finals:
            return tuple(self.line(n) for n in self.finals)
        return self.lines[-1:]

    def line(self, number: int) -> Line:
        for line in self.lines:
            if line.number == number:
                return line
        raise KeyError(number)


# --- tokenising ---------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<qual>\((?:ft|exp)\))
      | (?P<ellipsis>\.\.\.|…)
      | (?P<ref>\#\d+)
      | (?P<lpar>\()
      | (?P<rpar>\))
      | (?P<quote>"[^"]*")
      | (?P<word>[^\s()"]+)
      | (?P<space>\s+)""",
    re.VERBOSE | re.IGNORECASE,
)
_OPERATORS = {"and", "or", "not"}
#: Ovid's way to combine lines: ``or/1-7``, ``and/1,3,5``, ``or/1-3,8``.
_OVID_COMBINE = re.compile(r"(and|or)/(\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)", re.IGNORECASE)
_LINE = re.compile(r"^#(\d+)\s+(.*\S)\s*$")
_HEADER = re.compile(r"^([A-Za-z][A-Za-z _-]*):\s*(.*)$")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    column: int


def _tokenise(text: str, path: str, line_no: int, offset: int) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # only an unclosed quote gets here
            raise InputError(Problem(path, "unclosed quote", line_no, offset + pos + 1,
                                     'close the phrase with "'))
        kind = match.lastgroup or "word"
        if kind != "space":
            value = match.group(0)
            if kind == "word" and value.lower() in _OPERATORS:
                kind = value.lower()
            elif kind == "word" and _OVID_COMBINE.fullmatch(value):
                kind = "combine"
            tokens.append(_Token(kind, value, offset + pos + 1))
        pos = match.end()
    return tokens


# --- parsing ------------------------------------------------------------------------

class _Parser:
    """Recursive descent over one line's tokens."""

    def __init__(self, tokens: list[_Token], path: str, line_no: int, distribute: str | None,
                 defined: Collection[int] | None = None):
        self.tokens = tokens
        self.defined = defined
        self.pos = 0
        self.path = path
        self.line_no = line_no
        self.distribute = distribute
        self.ranges: list[tuple[int, int]] = []
        self.mixed = False
        self.grouped: set[int] = set()  # ids of nodes written in parentheses

    def error(self, expected: str) -> InputError:
        token = self.peek()
        found = f"'{token.text}'" if token else "end of line"
        column = token.column if token else (self.tokens[-1].column + len(self.tokens[-1].text)
                                             if self.tokens else 1)
        return InputError(Problem(self.path, f"expected {expected}, found {found}",
                                  self.line_no, column))

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str) -> _Token | None:
        token = self.peek()
        if token and token.kind == kind:
            self.pos += 1
            return token
        return None

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise self.error("'and', 'or', 'not' or the end of the line")
        return node

    def or_expr(self) -> Node:
        operands = [self.and_expr()]
        while True:
            if self.take("or"):
                operands.append(self.and_expr())
            elif self.take("ellipsis"):
                operands.extend(self.range_tail(operands[-1]))
            else:
                break
        if len(operands) > 1 and any(isinstance(o, Op) and id(o) not in self.grouped
                                     for o in operands):
            self.mixed = True
        return operands[0] if len(operands) == 1 else Op("or", tuple(operands))

    def range_tail(self, start: Node) -> list[Node]:
        """``#3 ... or #9`` after ``#3``: the references 4 to 9."""
        if not isinstance(start, Ref):
            raise self.error("a '#N' reference before '...'")
        if not self.take("or"):
            raise self.error("'or' after '...'")
        end_token = self.take("ref")
        if end_token is None:
            raise self.error("a '#N' reference closing the range")
        end = int(end_token.text[1:])
        self.ranges.append((start.number, end))
        if end <= start.number:
            raise InputError(Problem(self.path, f"range #{start.number} ... #{end} runs backwards",
                                     self.line_no, end_token.column))
        problem = _range_problem(start.number, end, self.defined)
        if problem:
            raise InputError(Problem(self.path, problem, self.line_no, end_token.column,
                                     "a range names lines defined above it: check its numbers"))
        return [Ref(n, end_token.column) for n in range(start.number + 1, end + 1)]

    def and_expr(self) -> Node:
        node = self.primary()
        while True:
            if self.take("and"):
                right = self.primary()
                node = Op("and", (*node.operands, right)) if (
                    isinstance(node, Op) and node.op == "and") else Op("and", (node, right))
            elif self.take("not"):
                node = Op("not", (node, self.primary()))
            else:
                return node

    def primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.error("a term, a '#N' reference or '('")
        if token.kind == "lpar":
            self.pos += 1
            node = self.or_expr()
            if not self.take("rpar"):
                raise self.error("')'")
            self.grouped.add(id(node))
            return node
        if token.kind == "ref":
            self.pos += 1
            return Ref(int(token.text[1:]), token.column)
        if token.kind == "combine":
            self.pos += 1
            return self.combined(_OVID_COMBINE.fullmatch(token.text), token)  # type: ignore[arg-type]
        if token.kind == "quote" and not token.text.strip('" '):
            raise self.error("a phrase inside the quotes")
        if token.kind in ("word", "quote"):
            return self.term()
        raise self.error("a term, a '#N' reference or '('")

    def combined(self, match: re.Match[str], token: _Token) -> Node:
        """Ovid's ``or/1-7`` (``and/1,3,5``): the lines named, joined by the operator."""
        refs: list[Node] = []
        for part in match.group(2).split(","):
            first, _, last = part.partition("-")
            start, end = int(first), int(last or first)
            if end < start:
                raise InputError(Problem(self.path, f"range {part} in {token.text} runs "
                                         "backwards", self.line_no, token.column))
            if end > start:
                self.ranges.append((start, end))
                problem = _range_problem(start, end, self.defined)
                if problem:
                    raise InputError(Problem(self.path, problem, self.line_no, token.column,
                                             "a range names lines defined above it: check "
                                             "its numbers"))
            refs += [Ref(n, token.column) for n in range(start, end + 1)]
        return refs[0] if len(refs) == 1 else Op(match.group(1).lower(), tuple(refs))

    def term(self) -> Term:
        words: list[str] = []
        column = self.peek().column  # type: ignore[union-attr]
        while (token := self.peek()) and token.kind in ("word", "quote"):
            if token.kind == "quote" and not token.text.strip('" '):
                break
            words.append(token.text.strip('"').strip())
            self.pos += 1
        qualifier = self.take("qual")
        kind = (qualifier.text.lower() if qualifier else self.distribute) or ""
        field: Field = "free_text" if kind == "(ft)" else "heading"
        return Term(" ".join(words), field, kind == "(exp)", column)


#: The longest range read without knowing which lines exist (:func:`parse_expression`).
_MAX_RANGE = 10_000


def _range_problem(start: int, end: int, defined: Collection[int] | None) -> str:
    """What is wrong with ``#start ... #end``, without expanding it: lines it names that are
    not defined (one message, however many), or, with no lines known, an absurd length."""
    if defined is None:
        return (f"the range #{start} ... #{end} names {end - start:,} lines"
                if end - start > _MAX_RANGE else "")
    present = sum(1 for n in defined if start < n <= end)
    missing = end - start - present
    if not missing:
        return ""
    examples: list[str] = []
    n = start
    while len(examples) < 3 and n < end:
        n += 1
        if n not in defined:
            examples.append(f"#{n}")
    more = ", …" if missing > len(examples) else ""
    return (f"the range #{start} ... #{end} names {missing:,} line(s) not defined above "
            f"({', '.join(examples)}{more})")


@dataclass(frozen=True, slots=True)
class _Parsed:
    expr: Node
    ranges: tuple[tuple[int, int], ...]
    flags: frozenset[str]


def _operator_misplaced(tokens: list[_Token], path: str, line_no: int) -> InputError | None:
    """An operator word first, last or twice in a row: the error, located."""
    for i, token in enumerate(tokens):
        if token.kind not in _OPERATORS:
            continue
        if i == 0:
            return InputError(Problem(path, f"the line starts with the operator '{token.text}'",
                                      line_no, token.column,
                                      "write a term before it, or quote a heading that "
                                      "begins with this word"))
        if i == len(tokens) - 1:
            return InputError(Problem(path, f"expected a term after '{token.text}', found end "
                                      "of line", line_no, token.column,
                                      "complete the expression or remove the operator"))
        if tokens[i + 1].kind in _OPERATORS:
            following = tokens[i + 1]
            return InputError(Problem(path, f"expected a term between '{token.text}' and "
                                      f"'{following.text}'", line_no, following.column,
                                      "remove the doubled operator"))
    return None


def _parse_bare(tokens: list[_Token], path: str, line_no: int, operators: str) -> _Parsed:
    """A line of plain words: a heading, or headings joined by operators. ``operators`` is
    ``"upper"`` (only AND/OR/NOT written upper case) or ``"all"``."""
    error = _operator_misplaced(tokens, path, line_no)
    if error:
        raise error
    kept = [t if t.kind not in _OPERATORS or operators == "all" or t.text.isupper()
            else _Token("word", t.text, t.column) for t in tokens]
    flags = {"heading-with-operator-word"} if any(
        t.kind == "word" and t.text.lower() in _OPERATORS for t in kept) else set()
    if not any(t.kind in _OPERATORS for t in kept):
        return _Parsed(Term(" ".join(t.text for t in tokens), "heading", False,
                            tokens[0].column), (), frozenset(flags))
    parser = _Parser(kept, path, line_no, None)
    expr = parser.parse()
    flags.add("bare-operators")
    if parser.mixed:
        flags.add("mixed-operators")
    return _Parsed(expr, (), frozenset(flags))


def _parse(text: str, path: str, line_no: int, offset: int, operators: str = "upper",
           defined: Collection[int] | None = None) -> _Parsed:
    tokens = _tokenise(text, path, line_no, offset)
    if not tokens:
        raise InputError(Problem(path, "empty search line", line_no, offset + 1,
                                 "write a term or a '#N' combination after the line number"))
    kinds = {t.kind for t in tokens}
    if not kinds & {"ref", "qual", "quote", "lpar", "rpar", "ellipsis", "combine"}:
        return _parse_bare(tokens, path, line_no, operators)
    qualifiers = [i for i, t in enumerate(tokens) if t.kind == "qual"]
    distribute = (tokens[-1].text.lower()
                  if len(qualifiers) == 1 and qualifiers[0] == len(tokens) - 1 else None)
    parser = _Parser(tokens, path, line_no, distribute, defined)
    expr = parser.parse()
    flags = set()
    if parser.mixed:
        flags.add("mixed-operators")
    if distribute and len(terms(expr)) > 1:
        flags.add("qualifier-distributed")
    return _Parsed(expr, tuple(parser.ranges), frozenset(flags))


def parse_expression(text: str, *, path: str = "<query>", line_no: int = 1,
                     offset: int = 0) -> Node:
    """Parse one line's expression into a query tree."""
    return _parse(text, path, line_no, offset).expr


_PAIR = re.compile(r"^\*{0,2}(?P<a>[^+#*][^+]*?)\s\+\s(?P<b>[^+]+?)\*{0,2}$")


def read_lines(text: str, path: str = "<strategy>") -> tuple[Strategy, list[Problem]]:
    """Parse what can be parsed; syntax problems are returned, not raised (for the linter)."""
    meta: dict[str, str] = {}
    lines: list[Line] = []
    problems: list[Problem] = []
    label = ""
    in_header = True
    seen: set[int] = set()
    broken: set[int] = set()
    pairs: list[tuple[int, str, str, str]] = []  # (source line, label, concept a, concept b)
    for line_no, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            in_header = in_header and not meta
            continue
        if in_header and not stripped.startswith("#") and (m := _HEADER.match(stripped)):
            meta[m.group(1).strip().lower()] = m.group(2).strip()
            continue
        in_header = False
        match = _LINE.match(stripped)
        if match is None:
            if re.match(r"^#\d", stripped):
                problems.append(Problem(path, "search line has no expression", line_no, 1))
            elif stripped.startswith("#"):
                problems.append(Problem(path, "a search line starts with '#' and its number",
                                        line_no, 1, "write e.g. '#3 Leadership'"))
            elif pair := _PAIR.match(stripped):
                pairs.append((line_no, label, pair.group("a"), pair.group("b")))
            else:
                label = stripped.strip("*").strip()
            continue
        number = int(match.group(1))
        offset = raw.index(match.group(2))
        if number in seen:
            problems.append(Problem(path, f"line #{number} is defined twice", line_no, 1))
        try:
            parsed = _parse(match.group(2), path, line_no, offset, defined=seen)
        except InputError as error:
            problems.extend(error.problems)
            broken.add(number)
            continue
        finally:
            seen.add(number)
        lines.append(Line(number, match.group(2), parsed.expr, line_no, label, parsed.ranges,
                          parsed.flags, offset))
    notation: Literal["lines", "pairs"] = "lines"
    if pairs:
        if lines:
            problems.append(Problem(path, "numbered lines and concept pairs in one file",
                                    pairs[0][0], 1, "keep one notation per strategy file"))
        else:
            lines, notation = _pair_lines(pairs), "pairs"
    if not lines and not problems:
        problems.append(Problem(path, "no numbered search lines found", 1, None,
                                "write lines such as '#1 Leadership'"))
    limits, limit_problems = _limits(meta.get("limits", ""), path, text)
    problems += limit_problems
    finals, final_problems = _finals(meta.get("final", ""), lines, path, text)
    problems += final_problems
    return Strategy(path, meta, tuple(lines), finals, limits, notation,
                    frozenset(broken)), problems


def _pair_lines(pairs: list[tuple[int, str, str, str]]) -> list[Line]:
    """``Leadership + Public sector``: one search per pair, each concept's ``/`` alternatives
    sought as subject heading and as free text; a last line joins every pair."""
    def concept(text: str, column: int) -> Node:
        options: list[Node] = []
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


def header_field(text: str, key: str) -> tuple[str, int] | None:
    """The value and line of the header's ``key:`` line (``database: ERIC``), if it has one.
    The header is the ``key: value`` lines before the first blank line or search line."""
    started = False
    for line_no, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            if started:
                return None
            continue
        match = _HEADER.match(stripped) if not stripped.startswith("#") else None
        if match is None:
            return None
        started = True
        if match.group(1).strip().lower() == key:
            return match.group(2).strip(), line_no
    return None


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
                parsed = _parse(line.text, strategy.path, line.source_line, line.offset, "all")
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


def references(node: Node) -> list[Ref]:
    if isinstance(node, Ref):
        return [node]
    if isinstance(node, Op):
        return [ref for child in node.operands for ref in references(child)]
    return []


def terms(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Op):
        return [term for child in node.operands for term in terms(child)]
    return []


def read_strategy(path: str | Path) -> Strategy:
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


def render(node: Node) -> str:
    """The canonical, fully parenthesised text of a query tree."""
    if isinstance(node, Ref):
        return f"#{node.number}"
    if isinstance(node, Term):
        suffix = " (ft)" if node.field == "free_text" else " (exp)" if node.explode else ""
        return f"{node.text}{suffix}"
    inner = f" {node.op} ".join(render(child) for child in node.operands)
    return f"({inner})"


def with_field(term: Term, field: Field) -> Term:
    return replace(term, field=field)
