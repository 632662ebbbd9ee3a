"""Compile a strategy to the native syntax of each search platform.

Every expression is fully parenthesised (precedence differs between platforms). Free
text becomes a phrase, never an implicit AND; truncation and wildcard symbols are the
platform's own. A subject heading is written in a heading field only where the platform
hosts the strategy's own database, or where the heading map gives the target
vocabulary's heading; otherwise it is searched as free text, with a warning.
Explode is the platform's own where it has one, else an OR of the narrower headings
from the thesaurus file.
"""

from __future__ import annotations

import itertools
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from litreview.core.text import clean_text
from litreview.search.strategies import Limits, Line, Node, Op, Ref, Strategy, Term
from litreview.search.thesaurus import HeadingMap, Thesaurus


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name: str
    hosts: frozenset[str]  # databases (lowercase) whose thesaurus the platform searches
    default_vocabulary: str | None = None
    history: bool = True  # does it keep a numbered search history?


PLATFORMS: dict[str, Platform] = {p.id: p for p in (
    Platform("proquest", "ProQuest", frozenset({
        "assia", "eric", "psycinfo", "ibss", "sociological abstracts",
        "social services abstracts", "worldwide political science abstracts"})),
    Platform("ebsco", "EBSCOhost", frozenset({
        "bei", "british education index", "eric", "psycinfo", "cinahl", "medline",
        "child development & adolescent studies", "socindex"})),
    Platform("ovid", "Ovid", frozenset({
        "eric", "psycinfo", "medline", "embase", "social policy and practice"})),
    Platform("pubmed", "PubMed", frozenset({"medline", "pubmed"}), "MeSH"),
    Platform("wos", "Web of Science", frozenset()),
    Platform("scopus", "Scopus", frozenset(), history=False),
    Platform("eric", "ERIC API", frozenset({"eric"}), history=False),
)}


@dataclass(slots=True)
class _Context:
    platform: Platform
    strategy: Strategy
    database: str
    vocabulary: str | None
    thesaurus: Thesaurus | None
    heading_map: HeadingMap | None
    inline: bool
    warnings: dict[str, None] = field(default_factory=dict)
    numbers: dict[int, int] = field(default_factory=dict)  # source line -> history number
    unmapped: dict[str, None] = field(default_factory=dict)
    unsupported: dict[str, None] = field(default_factory=dict)  # truncated phrases (ERIC API)

    def warn(self, text: str) -> None:
        self.warnings.setdefault(text, None)


@dataclass(frozen=True, slots=True)
class Compiled:
    platform: Platform
    database: str
    vocabulary: str | None
    history: tuple[tuple[int, int, str], ...]  # (history number, source line, text)
    queries: tuple[tuple[int, str], ...]  # (final source line, single query with limits)
    limits: str
    warnings: tuple[str, ...]


# --- terms --------------------------------------------------------------------------

def _words(term: Term, star: str = "*", one: str = "?") -> list[str]:
    words = clean_text(term.text).split()  # straight apostrophes and quotes
    return [w.replace("*", "\0").replace("?", one).replace("\0", star) for w in words]


def _has_wildcard(term: Term) -> bool:
    return any(c in term.text for c in "*?")


def _quoted(words: list[str]) -> str:
    return '"' + " ".join(words) + '"'


#: English spellings a mid-word ``?`` (0 or 1 character) stands for, by the letters around
#: it: (before, after) -> the characters it may be. PubMed has no such wildcard.
_SPELLINGS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("o", "r", ("", "u")),  # colo?r, behavio?r
    ("i", "a", ("s", "z")),  # organi?ation
    ("i", "e", ("s", "z")),  # reali?e, organi?ed
    ("y", "e", ("s", "z")),  # analy?e
    ("m", "n", ("a", "e")),  # wom?n
)


def _fillers(left: str, right: str) -> tuple[str, ...] | None:
    """What a ``?`` between ``left`` and ``right`` stands for, where the letters around it
    make that enumerable."""
    before, after = left[-1:].casefold(), right[:1].casefold()
    return next((f for b, a, f in _SPELLINGS if b == before and a == after), None)


def _word_spellings(word: str) -> tuple[list[str], bool]:
    """A word's spellings, and whether each ``?`` in it could be enumerated (where not, it
    is dropped mid-word, the 0-character reading, and widened to ``*`` at the end)."""
    pieces = word.split("?")
    options: list[tuple[str, ...]] = []
    known = True
    for left, right in itertools.pairwise(pieces):
        fillers = _fillers(left, right)
        if fillers is None:
            known = False
            fillers = ("",) if right[:1].isalnum() else ("*",)
        options.append(fillers)
    return ([pieces[0] + "".join(c + piece for c, piece in zip(choice, pieces[1:], strict=True))
             for choice in itertools.product(*options)], known)


def spellings(text: str, limit: int = 16) -> tuple[list[str], list[str]]:
    """The spellings a term with ``?`` stands for (``colo?r`` -> color, colour), at most
    ``limit``, and the words whose ``?`` could not be enumerated."""
    words = text.split()
    per_word = [_word_spellings(w) for w in words]
    out = [" ".join(choice) for choice in itertools.product(*(v for v, _ in per_word))]
    return out[:limit], [w for w, (_, known) in zip(words, per_word, strict=True) if not known]


def _pubmed_free_text(term: Term, ctx: _Context) -> str:
    """PubMed: ``*`` only at a word's end and no ``?``: a ``?`` becomes the spellings it
    stands for, with a warning where they cannot be listed."""
    variants, unknown = spellings(term.text) if "?" in term.text else ([term.text], [])
    for word in unknown:
        shown = _word_spellings(word)[0][0]
        ctx.warn(f"PubMed has no '?' wildcard: '{word}' is searched as '{shown}' "
                 "(list its spellings as separate (ft) terms)")
    parts = []
    for variant in variants:
        words = _words(Term(variant, "free_text"))
        parts.append(f"{_quoted(words) if len(words) > 1 else words[0]}[tiab]")
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _free_text(term: Term, ctx: _Context) -> str:
    p = ctx.platform.id
    wild = _has_wildcard(term)
    phrase = len(term.words) > 1
    if p in ("proquest", "scopus") and "?" in term.text:
        ctx.warn(f"{ctx.platform.name} '?' is exactly one character (unverified for "
                 f"ProQuest): check '{term.text}'")
    if p == "proquest":
        words = _words(term)
        text = " PRE/0 ".join(words) if phrase and wild else _quoted(words) if phrase else words[0]
        return f"TI,AB,IF({text})"
    if p == "ebsco":
        words = _words(term, one="#")
        text = _quoted(words) if phrase else words[0]
        return f"(TI {text} OR AB {text} OR SU {text})"
    if p == "ovid":
        words = _words(term, star="$")
        if phrase and wild:
            return f"({' adj '.join(words)}).ti,ab,kf."
        return f"{_quoted(words) if phrase else words[0]}.ti,ab,kf."
    if p == "pubmed":
        return _pubmed_free_text(term, ctx)
    if p == "wos":
        words = _words(term, one="$")
        return f"TS=({_quoted(words) if phrase else words[0]})"
    if p == "scopus":
        words = _words(term)
        text = " PRE/0 ".join(words) if phrase and wild else _quoted(words) if phrase else words[0]
        return f"TITLE-ABS-KEY({text})"
    # ERIC API: no proximity; a truncated phrase over-retrieves as AND of its words
    words = _words(term)
    if phrase and wild:
        ctx.unsupported.setdefault(term.text, None)
        text = "(" + " AND ".join(words) + ")"
    else:
        text = _quoted(words) if phrase else words[0]
    return f"(title:{text} OR description:{text})"


def _heading_label(term: Term, ctx: _Context) -> str | None:
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


def _fallback(term: Term, ctx: _Context) -> str:
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


#: vocabularies EBSCOhost searches with ``MH`` (exact heading; ``MH "X+"`` explodes)
_MH_VOCABULARIES = frozenset({"mesh", "medline", "pubmed", "cinahl"})


def _uses_mh(ctx: _Context) -> bool:
    return ctx.platform.id == "ebsco" and (ctx.vocabulary or "").casefold() in _MH_VOCABULARIES


def _heading(term: Term, ctx: _Context) -> str:
    label = _heading_label(term, ctx)
    if label is None:
        return _fallback(term, ctx)
    p = ctx.platform.id
    if _has_wildcard(term):  # a truncated heading: subject words, not an exact heading
        return {"proquest": f"SU({label})", "ebsco": f"SU {label}",
                "ovid": f"{label.replace('*', '$')}.hw.", "pubmed": f"{label}[mh]",
                "eric": f"subject:{label}", "scopus": f"INDEXTERMS({label})",
                "wos": f"TS=({label})"}[p]
    explode = term.explode
    if explode and p in ("ebsco", "eric", "scopus"):
        if _uses_mh(ctx):
            return f'MH "{label}+"'
        narrower = ctx.thesaurus.narrower(label) if ctx.thesaurus else ()
        if not narrower:
            ctx.warn(f"'{label} (exp)': {ctx.platform.name} cannot explode it and no narrower "
                     "headings are known (supply the database's thesaurus file)")
        labels = (label, *narrower)
        parts = [_exact(x, ctx) for x in labels]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    return _exact(label, ctx, explode)


def _exact(label: str, ctx: _Context, explode: bool = False) -> str:
    p = ctx.platform.id
    if p == "proquest":
        return f'MAINSUBJECT.EXACT{".EXPLODE" if explode else ""}("{label}")'
    if p == "ebsco":
        return f'MH "{label}"' if _uses_mh(ctx) else f'DE "{label}"'
    if p == "ovid":
        return f"{'exp ' if explode else ''}{label}/"
    if p == "pubmed":
        return f'"{label}"[mh{"" if explode else ":noexp"}]'
    if p == "scopus":
        return f'INDEXTERMS("{label}")'
    return f'subject:"{label}"'


# --- expressions --------------------------------------------------------------------

_OPS: dict[str, dict[str, str]] = {
    "ovid": {"and": "and", "or": "or", "not": "not"},
    "scopus": {"and": "AND", "or": "OR", "not": "AND NOT"},
}


def _op_word(op: str, ctx: _Context) -> str:
    return _OPS.get(ctx.platform.id, {}).get(op, op.upper())


def _emit(node: Node, ctx: _Context) -> str:
    if isinstance(node, Term):
        return _free_text(node, ctx) if node.field == "free_text" else _heading(node, ctx)
    if isinstance(node, Ref):
        if ctx.inline:
            return _emit(ctx.strategy.line(node.number).expr, ctx)
        return _set_ref(ctx.numbers[node.number], ctx)
    joiner = f" {_op_word(node.op, ctx)} "
    if node.op == "or" and all(isinstance(c, Term) and c.field == "free_text"
                               for c in node.operands):
        grouped = _free_text_group(node.operands, ctx)  # type: ignore[arg-type]
        if grouped:
            return grouped
    parts = [_emit(child, ctx) for child in node.operands]
    if node.op == "or":  # a heading that fell back to free text may repeat a term
        parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def _free_text_group(terms: tuple[Term, ...], ctx: _Context) -> str | None:
    """``a (ft) or b c (ft)`` in one field group, as librarians write it: ``(a or "b c").ti,ab.``
    Only where the platform's syntax allows a group in its field; OR distributes safely."""
    p = ctx.platform.id
    if p in ("pubmed", "eric") or (p in ("proquest", "scopus") and any(
            _has_wildcard(t) and len(t.words) > 1 for t in terms)):
        return None
    inner = []
    for term in terms:
        if p == "ovid":
            words = _words(term, star="$")
            phrase_wild = len(words) > 1 and _has_wildcard(term)
            inner.append(f"({' adj '.join(words)})" if phrase_wild else
                         _quoted(words) if len(words) > 1 else words[0])
        else:
            words = _words(term, one={"ebsco": "#", "wos": "$"}.get(p, "?"))
            inner.append(_quoted(words) if len(words) > 1 else words[0])
    group = f" {_op_word('or', ctx)} ".join(inner)
    if p == "ovid":
        return f"({group}).ti,ab,kf."
    if p == "ebsco":
        return f"(TI ({group}) OR AB ({group}) OR SU ({group}))"
    return {"proquest": f"TI,AB,IF({group})", "wos": f"TS=({group})",
            "scopus": f"TITLE-ABS-KEY({group})"}[p]


def _set_ref(number: int, ctx: _Context) -> str:
    return {"proquest": f"S{number}", "ebsco": f"S{number}", "ovid": str(number)}.get(
        ctx.platform.id, f"#{number}")


def _history_text(line: Line, ctx: _Context) -> str:
    """A line of the platform's search history; Ovid writes OR ranges as ``or/1-9``."""
    expr = line.expr
    if ctx.platform.id == "ovid" and isinstance(expr, Op) and expr.op in ("or", "and") \
            and all(isinstance(o, Ref) for o in expr.operands):
        numbers = [ctx.numbers[o.number] for o in expr.operands]  # type: ignore[union-attr]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))) and len(numbers) > 2:
            return f"{expr.op}/{numbers[0]}-{numbers[-1]}"
    return _emit(expr, ctx)


# --- limits -------------------------------------------------------------------------

def _limits(limits: Limits, platform: Platform, warn: Callable[[str], None],
            history: bool = False) -> str:
    """The limits as the single query's terms; ``history``: as Ovid's ``limit N to (...)``
    takes them."""
    parts = []
    p = platform.id
    if limits.since:
        parts.append(_since(limits.since, platform, warn))
    if limits.years and not limits.since:
        a, b = limits.years
        parts.append({
            "proquest": f"YR({a}-{b})", "ebsco": f"DT {a}-{b}",
            "ovid": f'yr="{a} - {b}"', "pubmed": f"{a}:{b}[dp]", "wos": f"PY=({a}-{b})",
            "scopus": f"PUBYEAR > {a - 1} AND PUBYEAR < {b + 1}",
            "eric": f"publicationdateyear:[{a} TO {b}]"}[p])
    for language in limits.language:
        parts.append({
            "proquest": f"LA({language})", "ebsco": f"LA {language}",
            "ovid": f"{language.lower()} language" if history else f"{language.lower()}.lg.",
            "pubmed": f"{language.lower()}[la]",
            "wos": f"LA=({language})", "scopus": f"LANGUAGE({language.lower()})",
            "eric": ""}[p])
        if p == "eric":
            warn("the ERIC API has no language limit: apply it in screening")
    if limits.country:
        warn(f"no country limit on {platform.name}: apply '{', '.join(limits.country)}' in "
             "screening")
    joiner = " and " if p == "ovid" else " AND "
    return joiner.join(x for x in parts if x)


def _since(date: str, platform: Platform, warn: Callable[[str], None]) -> str:
    """Records added since the previous search: by entry date where the platform has one,
    else by publication year (the update's deduplication removes what was seen before)."""
    year, compact = date[:4], date.replace("-", "")
    p = platform.id
    if p == "pubmed":
        return f"{date.replace('-', '/')}:3000[edat]"
    if p == "scopus":
        return f"LOAD-DATE AFT {compact}"
    warn(f"{platform.name}: the update's date limit is by publication year, from {year}; "
         "records the previous search found are removed as duplicates")
    return {"proquest": f"YR({year}-9999)", "ebsco": f"DT {year}-9999",
            "ovid": f'yr="{year} - Current"', "wos": f"PY=({year}-9999)",
            "eric": f"publicationdateyear:[{year} TO *]"}[p]


# --- the compiler -------------------------------------------------------------------

def target_vocabulary(platform: Platform, database: str, target: str | None = None
                      ) -> str | None:
    """Whose headings the platform's heading fields hold for this compile."""
    if target:
        return target
    if database.casefold() in platform.hosts:
        return database
    return platform.default_vocabulary


def compile_strategy(strategy: Strategy, platform_id: str, *, database: str | None = None,
                     target: str | None = None, thesaurus: Thesaurus | None = None,
                     heading_map: HeadingMap | None = None,
                     limits: Limits | None = None) -> Compiled:
    """The numbered history and the single query for one platform."""
    platform = PLATFORMS[platform_id]
    database = database or strategy.meta.get("database", "")
    vocabulary = target_vocabulary(platform, database, target)
    limits = limits if limits is not None else strategy.limits
    numbers = {line.number: i for i, line in enumerate(strategy.lines, start=1)}
    history_ctx = _Context(platform, strategy, database, vocabulary, thesaurus, heading_map,
                           inline=False, numbers=numbers)
    history: list[tuple[int, int, str]] = []
    if platform.history:
        history = [(numbers[line.number], line.number, _history_text(line, history_ctx))
                   for line in strategy.lines]
    inline_ctx = _Context(platform, strategy, database, vocabulary, thesaurus, heading_map,
                          inline=True, numbers=numbers, warnings=history_ctx.warnings)
    limit_text = _limits(limits, platform, inline_ctx.warn)
    queries = []
    for line in strategy.final_lines:
        query = _emit(line.expr, inline_ctx)
        if limit_text:
            query = f"{query} {_op_word('and', inline_ctx)} {limit_text}"
        queries.append((line.number, query))
    if platform.history and limit_text:
        final = numbers[strategy.final.number]
        text = (f"limit {final} to ({_limits(limits, platform, history_ctx.warn, True)})"
                if platform.id == "ovid" else f"{_set_ref(final, history_ctx)} AND {limit_text}")
        history.append((len(history) + 1, 0, text))
    unmapped = {**history_ctx.unmapped, **inline_ctx.unmapped}
    if unmapped:
        names = ", ".join(f"'{h}'" for h in unmapped)
        inline_ctx.warn(f"no {vocabulary} heading is mapped for {len(unmapped)} {database} "
                        f"heading(s), searched as free text instead (add them to the heading "
                        f"map): {names}")
    if inline_ctx.unsupported:
        names = ", ".join(f"'{t}'" for t in inline_ctx.unsupported)
        inline_ctx.warn(f"{platform.name} has no truncated phrases: {names} are searched as "
                        "their words ANDed (the local evaluation filters them)")
    return Compiled(platform, database, vocabulary, tuple(history), tuple(queries), limit_text,
                    tuple(inline_ctx.warnings))


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
    if compiled.history:
        out += ["", "## Search history (enter line by line)"]
        width = len(str(len(compiled.history)))
        for number, source, text in compiled.history:
            note = f"   [#{source}]" if source and source != number else ""
            out.append(f"{number:>{width}}  {text}{note}")
    for source, query in compiled.queries:
        out += ["", f"## Single query (line #{source})", query]
        if p.id == "eric":
            url = "https://api.ies.ed.gov/eric/?" + urllib.parse.urlencode(
                {"search": query, "format": "json", "rows": 200})
            out += ["", "## ERIC API request", url]
    return "\n".join(out) + "\n"
