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

from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

from litreview.core.review import Limits

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
class Strategy:
    """A strategy file read: its header, numbered lines, result lines and limits."""

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


_Leaf = TypeVar("_Leaf", Term, Ref)


def _leaves(node: Node, kind: type[_Leaf]) -> list[_Leaf]:
    """The leaves of one kind under ``node``, left to right."""
    if isinstance(node, kind):
        return [node]
    if isinstance(node, Op):
        return [leaf for child in node.operands for leaf in _leaves(child, kind)]
    return []


def references(node: Node) -> list[Ref]:
    """The line references in a query tree, left to right."""
    return _leaves(node, Ref)


def terms(node: Node) -> list[Term]:
    """The search terms in a query tree, left to right."""
    return _leaves(node, Term)


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
    """The term searched in another field."""
    return replace(term, field=field)
