"""Evaluate a strategy on imported records: the search-history table a database shows.

Free text matches title, abstract and keywords on word boundaries, with ``*``
truncation, ``?`` one optional character, and the words of a phrase adjacent (any
punctuation between them); apostrophes are ignored, so ``Children*`` finds "children's".
A heading matches a record's subject headings exactly, case-insensitively (a record with
no subject headings offers its keywords instead: some databases export their index terms
as keywords); a truncated heading matches the headings it is a prefix of.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from litreview.records import Record, clean_text
from litreview.strategies import Node, Op, Ref, Strategy, Term, render


@dataclass(frozen=True, slots=True)
class LineHits:
    number: int
    label: str
    expression: str
    hits: int


@dataclass(frozen=True, slots=True)
class _Corpus:
    free_text: tuple[str, ...]
    headings: tuple[frozenset[str], ...]


def _fold(text: str) -> str:
    """Lowercase, apostrophes dropped: ``Children's`` is one word, as databases index it."""
    return clean_text(text).casefold().replace("'", "")


def _corpus(records: Sequence[Record]) -> _Corpus:
    free_text = tuple(
        " | ".join(_fold(part) for part in (r.title, r.abstract, *r.keywords)) for r in records
    )
    headings = tuple(frozenset(clean_text(s).casefold() for s in (r.subjects or r.keywords))
                     for r in records)
    return _Corpus(free_text, headings)


def _word_pattern(word: str) -> str:
    out = []
    for char in word:
        if char == "*":
            out.append(r"\w*")
        elif char == "?":
            out.append(r"\w?")
        else:
            out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=4096)
def free_text_regex(text: str) -> re.Pattern[str]:
    """A phrase regex: each word on word boundaries, adjacent words joined by non-words."""
    words = [w for w in re.split(r"[\s\-]+", _fold(text)) if w]
    body = r"[\W_]+".join(_word_pattern(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _match_term(term: Term, corpus: _Corpus) -> frozenset[int]:
    if term.field == "free_text":
        regex = free_text_regex(term.text)
        return frozenset(i for i, text in enumerate(corpus.free_text) if regex.search(text))
    wanted = clean_text(term.text).casefold()
    if "*" in wanted or "?" in wanted:
        regex = re.compile(_word_pattern(wanted).replace(r"\w*", ".*") + r"\Z")
        return frozenset(i for i, hs in enumerate(corpus.headings)
                         if any(regex.match(h) for h in hs))
    return frozenset(i for i, hs in enumerate(corpus.headings) if wanted in hs)


def _evaluate(node: Node, corpus: _Corpus, done: dict[int, frozenset[int]]) -> frozenset[int]:
    if isinstance(node, Ref):
        return done[node.number]
    if isinstance(node, Term):
        return _match_term(node, corpus)
    sets = [_evaluate(child, corpus, done) for child in node.operands]
    if node.op == "or":
        return frozenset().union(*sets)
    if node.op == "and":
        return frozenset.intersection(*sets)
    first, *rest = sets
    return first.difference(*rest)


def evaluate(strategy: Strategy, records: Sequence[Record]) -> dict[int, frozenset[int]]:
    """Record indices hit by each line of the strategy."""
    corpus = _corpus(records)
    done: dict[int, frozenset[int]] = {}
    for line in strategy.lines:
        done[line.number] = _evaluate(line.expr, corpus, done)
    return done


def line_hits(strategy: Strategy, records: Sequence[Record]) -> list[LineHits]:
    done = evaluate(strategy, records)
    return [LineHits(line.number, line.label, line.text, len(done[line.number]))
            for line in strategy.lines]


def hits_csv(rows: Sequence[LineHits]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["line", "set", "expression", "hits"])
    for row in rows:
        writer.writerow([f"#{row.number}", row.label, row.expression, row.hits])
    return buffer.getvalue()


def hits_table(rows: Sequence[LineHits]) -> str:
    width = max((len(r.expression) for r in rows), default=10)
    width = min(width, 70)
    out = [f"{'line':>5}  {'expression':<{width}}  {'hits':>6}"]
    for row in rows:
        expression = row.expression if len(row.expression) <= width else \
            row.expression[: width - 1] + "…"
        out.append(f"{'#' + str(row.number):>5}  {expression:<{width}}  {row.hits:>6}")
    return "\n".join(out) + "\n"


__all__ = ["LineHits", "Op", "evaluate", "free_text_regex", "hits_csv", "hits_table",
           "line_hits", "render"]
