"""One search line's expression: its tokens, and the query tree they make.

The reading rules are those of :mod:`litreview.search.strategies`; a line that cannot be
read raises :class:`InputError` located at its file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from litreview.core.errors import InputError, Problem
from litreview.search.strategies import Field, Node, Op, Ref, Term, terms

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
class Parsed:
    """A line's query tree, the ``#a ... #b`` ranges written in it, and its flags."""

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


def _parse_bare(tokens: list[_Token], path: str, line_no: int, operators: str) -> Parsed:
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
        return Parsed(Term(" ".join(t.text for t in tokens), "heading", False,
                            tokens[0].column), (), frozenset(flags))
    parser = _Parser(kept, path, line_no, None)
    expr = parser.parse()
    flags.add("bare-operators")
    if parser.mixed:
        flags.add("mixed-operators")
    return Parsed(expr, (), frozenset(flags))


def parse_line(text: str, path: str, line_no: int, offset: int, operators: str = "upper",
               defined: Collection[int] | None = None) -> Parsed:
    """A numbered line's expression (``text``, ``offset`` characters into the file line),
    with its ranges and the readings a linter should point out. ``operators``: see
    :func:`_parse_bare`; ``defined``: the lines a range may name."""
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
    return Parsed(expr, tuple(parser.ranges), frozenset(flags))


def parse_expression(text: str, *, path: str = "<query>", line_no: int = 1,
                     offset: int = 0) -> Node:
    """Parse one line's expression into a query tree."""
    return parse_line(text, path, line_no, offset).expr


