"""Each platform's syntax: free text and its wildcards, subject headings, operators,
search-history references and limits. Every function returns the text a platform takes."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from litreview.core.text import clean_text
from litreview.search.platforms import Context, Platform
from litreview.search.strategies import Limits, Term

# --- terms --------------------------------------------------------------------------

def _words(term: Term, star: str = "*", one: str = "?") -> list[str]:
    words = clean_text(term.text).split()  # straight apostrophes and quotes
    return [w.replace("*", "\0").replace("?", one).replace("\0", star) for w in words]


def has_wildcard(term: Term) -> bool:
    """Whether the term is truncated (``*``) or has a wildcard (``?``)."""
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


def _pubmed_free_text(term: Term, ctx: Context) -> str:
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


def free_text(term: Term, ctx: Context) -> str:
    """A free-text term in the platform's title/abstract/keyword fields."""
    p = ctx.platform.id
    wild = has_wildcard(term)
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


#: vocabularies EBSCOhost searches with ``MH`` (exact heading; ``MH "X+"`` explodes)
_MH_VOCABULARIES = frozenset({"mesh", "medline", "pubmed", "cinahl"})


def uses_mh(ctx: Context) -> bool:
    """Whether EBSCOhost searches this compile's headings with ``MH``."""
    return ctx.platform.id == "ebsco" and (ctx.vocabulary or "").casefold() in _MH_VOCABULARIES


def exact(label: str, ctx: Context, explode: bool = False) -> str:
    """An exact subject heading (exploded where asked) in the platform's heading field."""
    p = ctx.platform.id
    if p == "proquest":
        return f'MAINSUBJECT.EXACT{".EXPLODE" if explode else ""}("{label}")'
    if p == "ebsco":
        return f'MH "{label}"' if uses_mh(ctx) else f'DE "{label}"'
    if p == "ovid":
        return f"{'exp ' if explode else ''}{label}/"
    if p == "pubmed":
        return f'"{label}"[mh{"" if explode else ":noexp"}]'
    if p == "scopus":
        return f'INDEXTERMS("{label}")'
    return f'subject:"{label}"'


_OPS: dict[str, dict[str, str]] = {
    "ovid": {"and": "and", "or": "or", "not": "not"},
    "scopus": {"and": "AND", "or": "OR", "not": "AND NOT"},
}


def op_word(op: str, ctx: Context) -> str:
    """The platform's word for ``and``, ``or`` or ``not``."""
    return _OPS.get(ctx.platform.id, {}).get(op, op.upper())


def free_text_group(terms: tuple[Term, ...], ctx: Context) -> str | None:
    """``a (ft) or b c (ft)`` in one field group, as librarians write it: ``(a or "b c").ti,ab.``
    Only where the platform's syntax allows a group in its field; OR distributes safely."""
    p = ctx.platform.id
    if p in ("pubmed", "eric") or (p in ("proquest", "scopus") and any(
            has_wildcard(t) and len(t.words) > 1 for t in terms)):
        return None
    inner = []
    for term in terms:
        if p == "ovid":
            words = _words(term, star="$")
            phrase_wild = len(words) > 1 and has_wildcard(term)
            inner.append(f"({' adj '.join(words)})" if phrase_wild else
                         _quoted(words) if len(words) > 1 else words[0])
        else:
            words = _words(term, one={"ebsco": "#", "wos": "$"}.get(p, "?"))
            inner.append(_quoted(words) if len(words) > 1 else words[0])
    group = f" {op_word('or', ctx)} ".join(inner)
    if p == "ovid":
        return f"({group}).ti,ab,kf."
    if p == "ebsco":
        return f"(TI ({group}) OR AB ({group}) OR SU ({group}))"
    return {"proquest": f"TI,AB,IF({group})", "wos": f"TS=({group})",
            "scopus": f"TITLE-ABS-KEY({group})"}[p]


def set_ref(number: int, ctx: Context) -> str:
    """A reference to search-history line ``number``."""
    return {"proquest": f"S{number}", "ebsco": f"S{number}", "ovid": str(number)}.get(
        ctx.platform.id, f"#{number}")


# --- limits -------------------------------------------------------------------------

def limit_terms(limits: Limits, platform: Platform, warn: Callable[[str], None],
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
