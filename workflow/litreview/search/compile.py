"""Compile a strategy to the native syntax of each search platform.

Every expression is fully parenthesised (precedence differs between platforms). Free
text becomes a phrase, never an implicit AND; truncation and wildcard symbols are the
platform's own. A subject heading is written in a heading field only where the platform
hosts the strategy's own database, or where the heading map gives the target
vocabulary's heading; otherwise it is searched as free text, with a warning.
Explode is the platform's own where it has one, else an OR of the narrower headings
from the thesaurus file. The platforms' own syntax is in :mod:`litreview.search.syntax`,
the open APIs' (Europe PMC, OpenAlex, Crossref) in :mod:`litreview.search.open_apis`.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from litreview.search import open_apis as apis
from litreview.search.platforms import PLATFORMS, Context, Platform, target_vocabulary
from litreview.search.strategies import Limits, Line, Node, Op, Ref, Strategy, Term
from litreview.search.syntax import (
    exact,
    free_text,
    free_text_group,
    has_wildcard,
    limit_terms,
    op_word,
    set_ref,
    uses_mh,
)
from litreview.search.thesaurus import HeadingMap, Thesaurus

__all__ = ["PLATFORMS", "Compiled", "Platform", "compile_strategy", "render_compiled",
           "target_vocabulary"]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A strategy compiled for one platform: its numbered history and single queries."""

    platform: Platform
    database: str
    vocabulary: str | None
    history: tuple[tuple[int, int, str], ...]  # (history number, source line, text)
    queries: tuple[tuple[int, str], ...]  # (final source line, single query with limits)
    limits: str
    warnings: tuple[str, ...]
    request: str = ""  # what an open API is sent: the result lines' queries united


# --- headings ---------------------------------------------------------------------

def _heading_label(term: Term, ctx: Context) -> str | None:
    """The heading to write on this platform, or None to fall back to free text."""
    source = ctx.database
    if not source:
        ctx.warn("the strategy names no database: its headings are searched as free text "
                 "(add a 'database:' header line, or --database)")
        return None
    if ctx.vocabulary is None:
        if ctx.platform.hosts:
            ctx.warn(f"{source} is not searched on {ctx.platform.name}: its headings are "
                     "searched as free text (name the target database to map them)")
        else:
            ctx.warn(f"{ctx.platform.name} has no thesaurus: {source} headings are searched "
                     "as free text")
        return None
    if ctx.vocabulary.casefold() == source.casefold():
        return term.text
    target = ctx.heading_map.get(term.text, ctx.vocabulary) if ctx.heading_map else None
    if target is None:
        ctx.unmapped.setdefault(term.text, None)
    return target


def _fallback(term: Term, ctx: Context) -> str:
    """A heading searched as free text; an exploded one ORs its narrower headings as free
    text too, from the thesaurus, and says the explode was expanded or lost."""
    if not term.explode:
        return _free_text(Term(term.text, "free_text", False, term.column), ctx)
    narrower = ctx.thesaurus.narrower(term.text) if ctx.thesaurus else ()
    name = ctx.platform.name
    if narrower:
        ctx.warn(f"'{term.text} (exp)' is searched as free text on {name}: the explode is "
                 f"expanded to its {len(narrower)} narrower heading(s), as free text too")
    else:
        ctx.warn(f"'{term.text} (exp)' is searched as free text on {name}: the explode is "
                 "lost (supply the database's thesaurus file to add the narrower headings)")
    if not narrower:
        return _free_text(Term(term.text, "free_text", False, term.column), ctx)
    labels = (term.text, *narrower)
    return _emit(Op("or", tuple(Term(x, "free_text", False, term.column) for x in labels)), ctx)


def _heading(term: Term, ctx: Context) -> str:
    label = _heading_label(term, ctx)
    if label is None:
        return _fallback(term, ctx)
    p = ctx.platform.id
    if has_wildcard(term):  # a truncated heading: subject words, not an exact heading
        return {"proquest": f"SU({label})", "ebsco": f"SU {label}",
                "ovid": f"{label.replace('*', '$')}.hw.", "pubmed": f"{label}[mh]",
                "eric": f"subject:{label}", "scopus": f"INDEXTERMS({label})",
                "wos": f"TS=({label})", "europepmc": apis.heading(label, wild=True)}[p]
    explode = term.explode
    if explode and p in ("ebsco", "eric", "scopus", "europepmc"):
        if uses_mh(ctx):
            return f'MH "{label}+"'
        narrower = ctx.thesaurus.narrower(label) if ctx.thesaurus else ()
        if not narrower:
            ctx.warn(f"'{label} (exp)': {ctx.platform.name} cannot explode it and no narrower "
                     "headings are known (supply the database's thesaurus file)")
        labels = (label, *narrower)
        parts = [_exact(x, ctx) for x in labels]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    return _exact(label, ctx, explode)


def _exact(label: str, ctx: Context, explode: bool = False) -> str:
    if ctx.platform.id == "europepmc":
        return apis.heading(label)
    return exact(label, ctx, explode)


def _free_text(term: Term, ctx: Context) -> str:
    if ctx.platform.id in apis.API_PLATFORMS:
        return apis.free_text(term, ctx)
    return free_text(term, ctx)


# --- expressions --------------------------------------------------------------------

def _emit(node: Node, ctx: Context) -> str:
    if isinstance(node, Term):
        return _free_text(node, ctx) if node.field == "free_text" else _heading(node, ctx)
    if isinstance(node, Ref):
        if ctx.inline:
            return _emit(ctx.strategy.line(node.number).expr, ctx)
        return set_ref(ctx.numbers[node.number], ctx)
    joiner = f" {op_word(node.op, ctx)} "
    if node.op == "or" and ctx.platform.id not in apis.API_PLATFORMS and all(
            isinstance(c, Term) and c.field == "free_text" for c in node.operands):
        grouped = free_text_group(node.operands, ctx)  # type: ignore[arg-type]
        if grouped:
            return grouped
    parts = [_emit(child, ctx) for child in node.operands]
    if node.op == "or":  # a heading that fell back to free text may repeat a term
        parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def _history_text(line: Line, ctx: Context) -> str:
    """A line of the platform's search history; Ovid writes OR ranges as ``or/1-9``."""
    expr = line.expr
    if ctx.platform.id == "ovid" and isinstance(expr, Op) and expr.op in ("or", "and") \
            and all(isinstance(o, Ref) for o in expr.operands):
        numbers = [ctx.numbers[o.number] for o in expr.operands]  # type: ignore[union-attr]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))) and len(numbers) > 2:
            return f"{expr.op}/{numbers[0]}-{numbers[-1]}"
    return _emit(expr, ctx)


# --- the compiler -------------------------------------------------------------------

def compile_strategy(strategy: Strategy, platform_id: str, *, database: str | None = None,
                     target: str | None = None, thesaurus: Thesaurus | None = None,
                     heading_map: HeadingMap | None = None,
                     limits: Limits | None = None, keyed: bool = False) -> Compiled:
    """The numbered history and the single query for one platform. ``keyed``: an API key
    is sent with the search (OpenAlex's creation-date limit needs one)."""
    platform = PLATFORMS[platform_id]
    database = database or strategy.meta.get("database", "")
    vocabulary = target_vocabulary(platform, database, target)
    limits = limits if limits is not None else strategy.limits
    numbers = {line.number: i for i, line in enumerate(strategy.lines, start=1)}
    history_ctx = Context(platform, strategy, database, vocabulary, thesaurus, heading_map,
                           inline=False, numbers=numbers)
    if platform.id == "crossref":
        history_ctx.warn(apis.CROSSREF_WARNING)
    history: list[tuple[int, int, str]] = []
    if platform.history:
        history = [(numbers[line.number], line.number, _history_text(line, history_ctx))
                   for line in strategy.lines]
    inline_ctx = Context(platform, strategy, database, vocabulary, thesaurus, heading_map,
                          inline=True, numbers=numbers, warnings=history_ctx.warnings)
    if platform.id in apis.API_PLATFORMS:
        limit_text = apis.limit_terms(limits, platform, inline_ctx.warn, keyed)
    else:
        limit_text = limit_terms(limits, platform, inline_ctx.warn)
    queries, request = _single_queries(strategy, inline_ctx, limit_text)
    if platform.history and limit_text:
        final = numbers[strategy.final.number]
        text = (f"limit {final} to ({limit_terms(limits, platform, history_ctx.warn, True)})"
                if platform.id == "ovid" else f"{set_ref(final, history_ctx)} AND {limit_text}")
        history.append((len(history) + 1, 0, text))
    _warn_unsearched(history_ctx, inline_ctx)
    return Compiled(platform, database, vocabulary, tuple(history), tuple(queries), limit_text,
                    tuple(inline_ctx.warnings), request)


def _single_queries(strategy: Strategy, ctx: Context, limit_text: str
                    ) -> tuple[list[tuple[int, str]], str]:
    """Each result line's single query with the limits, and the one request an open API is
    sent for them all (their union)."""
    platform = ctx.platform
    searched = [(line.number, apis.crossref_words(line.expr, ctx) if platform.id == "crossref"
                 else _emit(line.expr, ctx)) for line in strategy.final_lines]
    if platform.id in apis.API_PLATFORMS:
        queries = [(n, apis.with_limits(q, limit_text, platform)) for n, q in searched]
        return queries, apis.united([q for _, q in searched], limit_text, platform)
    joiner = f" {op_word('and', ctx)} "
    queries = [(n, f"{q}{joiner}{limit_text}" if limit_text else q) for n, q in searched]
    texts = [q for _, q in queries]
    return queries, texts[0] if len(texts) == 1 else " OR ".join(f"({q})" for q in texts)


def _warn_unsearched(history_ctx: Context, ctx: Context) -> None:
    """Warn of the headings no map gave, and of terms the platform cannot search as written."""
    unmapped = {**history_ctx.unmapped, **ctx.unmapped}
    if unmapped:
        names = ", ".join(f"'{h}'" for h in unmapped)
        ctx.warn(f"no {ctx.vocabulary} heading is mapped for {len(unmapped)} {ctx.database} "
                 f"heading(s), searched as free text instead (add them to the heading "
                 f"map): {names}")
    if ctx.unsupported:
        names = ", ".join(f"'{t}'" for t in ctx.unsupported)
        platform = ctx.platform
        ctx.warn(apis.unsupported_warning(platform, names)
                 if platform.id in apis.API_PLATFORMS else
                 f"{platform.name} has no truncated phrases: {names} are searched as "
                 "their words ANDed (the local evaluation filters them)")


def render_compiled(compiled: Compiled, strategy: Strategy) -> str:
    """The text a librarian pastes: history line by line, then the single query."""
    p = compiled.platform
    searched = strategy.meta.get("searched", "")
    out = [f"# {compiled.database or 'a strategy naming no database,'} compiled for {p.name}",
           f"# strategy: {strategy.path}" + (f" (searched {searched})" if searched else ""),
           f"# headings: {compiled.vocabulary or 'none'}"
           + (" (native)" if compiled.vocabulary and
              compiled.vocabulary.casefold() == compiled.database.casefold() else "")]
    if compiled.limits:
        out.append(f"# limits: {compiled.limits}")
    for warning in compiled.warnings:
        out.append(f"# warning: {warning}")
    for line in strategy.lines:  # a line the strategy does not print must say so
        if "synthetic" in line.flags:
            out.append(f"# line #{line.number} ({line.label or 'added'}) is not in the "
                       f"strategy: litreview adds it, the union of lines #1 to "
                       f"#{line.number - 1}, to give one result set; the strategy runs each "
                       "pair as a search of its own")
    if compiled.history:
        out += ["", "## Search history (enter line by line)"]
        width = len(str(len(compiled.history)))
        for number, source, text in compiled.history:
            note = f"   [#{source}]" if source and source != number else ""
            out.append(f"{number:>{width}}  {text}{note}")
    for source, query in compiled.queries:
        out += ["", f"## Single query (line #{source})", query]
    first = apis.first_request(p.id, compiled.request)
    if first is not None:  # the first page litreview search run asks for
        contact = "" if p.id == "eric" else " (litreview search run adds the review's contact)"
        out += ["", f"## {p.name.removesuffix(' API')} API request{contact}",
                f"{first[0]}?{urllib.parse.urlencode(first[1])}"]
    return "\n".join(out) + "\n"
