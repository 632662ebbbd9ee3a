"""The open APIs ``litreview search run`` sends a strategy to, as the compiler writes for
them: Europe PMC's query syntax, OpenAlex's ``search`` and ``filter`` parameters, Crossref's
``query.bibliographic`` and ``filter``; and every API's request parameters, which the online
services send and ``litreview query compile`` prints as the first request.

OpenAlex and Crossref take their limits as a ``filter`` parameter beside the query, so
their query is written as the parameters it is sent as: ``search=…&filter=…``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from litreview.core.text import clean_text
from litreview.search.platforms import Context, Platform
from litreview.search.strategies import Limits, Node, Op, Ref, Strategy, Term
from litreview.search.syntax import has_wildcard, spellings

ERIC_BASE = "https://api.ies.ed.gov/eric/"
#: Every field an ERIC record is imported from, and those a reviewer may want kept.
ERIC_FIELDS = ("id,title,author,description,subject,publicationdateyear,source,publisher,isbn,"
               "issn,language,peerreviewed,publicationtype,url,doi,e_fulltextauth,e_yearadded,"
               "educationlevel,audience,institution,sponsor")
EUROPEPMC_BASE = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"
OPENALEX_BASE = "https://api.openalex.org/works"
CROSSREF_BASE = "https://api.crossref.org/works"
#: The most records each API serves a page (their own limits).
PAGE_SIZES = {"eric": 2000, "europepmc": 1000, "openalex": 200, "crossref": 1000}
#: The platforms compiled here rather than in :mod:`~litreview.search.syntax`.
API_PLATFORMS = frozenset({"europepmc", "openalex", "crossref"})
#: The parameter each filtered API takes its query in.
QUERY_PARAMS = {"openalex": "search", "crossref": "query.bibliographic"}
#: Languages by name: (Europe PMC's three-letter code, OpenAlex's ISO 639-1 code).
LANGUAGES = {
    "english": ("eng", "en"), "french": ("fre", "fr"), "german": ("ger", "de"),
    "spanish": ("spa", "es"), "italian": ("ita", "it"), "portuguese": ("por", "pt"),
    "dutch": ("dut", "nl"), "swedish": ("swe", "sv"), "danish": ("dan", "da"),
    "norwegian": ("nor", "no"), "finnish": ("fin", "fi"), "polish": ("pol", "pl"),
    "russian": ("rus", "ru"), "chinese": ("chi", "zh"), "japanese": ("jpn", "ja"),
    "welsh": ("wel", "cy")}


# --- terms ----------------------------------------------------------------------------

def _variants(term: Term, ctx: Context) -> list[list[str]]:
    """The term's spellings (a ``?`` enumerated where it can be), each as its words;
    OpenAlex's without truncation, which it does not have (it stems words instead)."""
    texts = spellings(term.text)[0] if "?" in term.text else [term.text]
    out = [clean_text(text).split() for text in texts]
    if ctx.platform.id != "europepmc" and has_wildcard(term):
        ctx.unsupported.setdefault(term.text, None)
        out = [[w.replace("*", "").replace("?", "") for w in words] for words in out]
    return [words for words in out if all(words)]


def free_text(term: Term, ctx: Context) -> str:
    """A free-text term: Europe PMC's title, abstract and keywords; OpenAlex's search."""
    parts = []
    for words in _variants(term, ctx):
        phrase, wild = len(words) > 1, any("*" in w for w in words)
        if phrase and wild:  # Europe PMC: a truncated phrase is its words ANDed
            ctx.unsupported.setdefault(term.text, None)
            text = "(" + " AND ".join(words) + ")"
        else:
            text = '"' + " ".join(words) + '"' if phrase else words[0]
        parts.append(text if ctx.platform.id == "openalex" else
                     f"(TITLE:{text} OR ABSTRACT:{text} OR KW:{text})")
    parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def heading(label: str, wild: bool = False) -> str:
    """A subject heading in Europe PMC's MeSH field (the only one of these with headings)."""
    return f"MESH:{label}" if wild else f'MESH:"{label}"'


def unsupported_warning(platform: Platform, names: str) -> str:
    """What the platform made of the terms it could not search as written."""
    if platform.id == "europepmc":
        return (f"Europe PMC has no truncated phrases: {names} are searched as their words "
                "ANDed (the local evaluation filters them)")
    stems = " (it stems words instead)" if platform.id == "openalex" else ""
    return (f"{platform.name} has no truncation or wildcards: {names} are searched without "
            f"them{stems}; the local evaluation filters the records")


# --- Crossref: words, not boolean -------------------------------------------------------

def _wanted(node: Node, strategy: Strategy) -> Iterable[Term]:
    """The terms a result line asks for, through its references; never those it NOTs."""
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Ref):
        yield from _wanted(strategy.line(node.number).expr, strategy)
    elif isinstance(node, Op):
        for child in node.operands[:1] if node.op == "not" else node.operands:
            yield from _wanted(child, strategy)


def crossref_words(node: Node, ctx: Context) -> str:
    """Crossref's ``query.bibliographic``: the distinct terms, joined with spaces."""
    words = {}
    for term in _wanted(node, ctx.strategy):
        for variant in _variants(term, ctx)[:1]:
            words.setdefault(" ".join(variant).casefold(), " ".join(variant))
    return " ".join(words.values())


CROSSREF_WARNING = ("Crossref's search is NOT boolean: query.bibliographic ranks every work by "
                    "how well it matches any of these words, so what it returns is not this "
                    "strategy's result: screen it with the local evaluation (the workflow's "
                    "<db>.hits.csv, litreview query hits, evaluate the strategy on the records), "
                    "and stop a search far larger than expected with --max")


# --- limits ---------------------------------------------------------------------------

def _languages(limits: Limits, platform: Platform, warn: Callable[[str], None]) -> list[str]:
    """The limits' languages in the platform's codes; one it has no code for is said."""
    index = 0 if platform.id == "europepmc" else 1
    codes = []
    for language in limits.language:
        code = LANGUAGES.get(language.casefold())
        if code is None:
            warn(f"{platform.name}: no code known for the language '{language}': apply it in "
                 "screening")
        else:
            codes.append(code[index])
    return codes


def limit_terms(limits: Limits, platform: Platform, warn: Callable[[str], None],
                keyed: bool = False) -> str:
    """The limits: Europe PMC's query terms, OpenAlex's and Crossref's ``filter`` value.
    ``keyed``: an OpenAlex API key is sent, which its creation-date filter needs."""
    p, since, years = platform.id, limits.since, limits.years
    parts: list[str] = []
    if p == "europepmc":
        parts += [f"CREATION_DATE:[{since} TO *]"] if since else \
            [f"PUB_YEAR:[{years[0]} TO {years[1]}]"] if years else []
        parts += [f'LANG:"{code}"' for code in _languages(limits, platform, warn)]
    elif p == "openalex":
        if since and not keyed:
            warn(f"OpenAlex: the update's date limit is by publication date, from {since} "
                 "(its creation-date filter needs an API key: set OPENALEX_API_KEY); records "
                 "the previous search found are removed as duplicates")
        parts += [f"from_created_date:{since}" if keyed else f"from_publication_date:{since}"] \
            if since else [f"from_publication_date:{years[0]}-01-01",
                           f"to_publication_date:{years[1]}-12-31"] if years else []
        codes = _languages(limits, platform, warn)
        parts += [f"language:{'|'.join(codes)}"] if codes else []
    else:
        parts += [f"from-index-date:{since}"] if since else \
            [f"from-pub-date:{years[0]}", f"until-pub-date:{years[1]}"] if years else []
        if limits.language:
            warn("Crossref has no language filter: apply it in screening")
    if limits.country:
        warn(f"no country limit on {platform.name}: apply '{', '.join(limits.country)}' in "
             "screening")
    return (" AND " if p == "europepmc" else ",").join(parts)


def with_limits(query: str, limits: str, platform: Platform) -> str:
    """The query with its limits, as the API takes them."""
    if platform.id in QUERY_PARAMS:
        text = f"{QUERY_PARAMS[platform.id]}={query}" if query else ""
        return f"{text}&filter={limits}".lstrip("&") if limits else text
    return f"{query} AND {limits}" if limits else query


def united(queries: list[str], limits: str, platform: Platform) -> str:
    """The one request an API is sent for several result lines: their union."""
    if len(queries) == 1:
        return with_limits(queries[0], limits, platform)
    if platform.id == "crossref":
        words: dict[str, str] = {}
        for word in (w for q in queries for w in q.split()):
            words.setdefault(word.casefold(), word)
        return with_limits(" ".join(words.values()), limits, platform)
    if platform.id == "openalex":
        return with_limits(" OR ".join(f"({q})" for q in queries), limits, platform)
    joined = [with_limits(q, limits, platform) for q in queries]
    return joined[0] if len(joined) == 1 else " OR ".join(f"({q})" for q in joined)


# --- requests -------------------------------------------------------------------------

def split_request(request: str) -> tuple[str, str]:
    """``search=…&filter=…`` (or Crossref's) as its query and its filter."""
    query, sep, limits = request.rpartition("&filter=")
    if not sep:
        query, limits = (request, "") if not request.startswith("filter=") else \
            ("", request.removeprefix("filter="))
    for name in QUERY_PARAMS.values():
        query = query.removeprefix(f"{name}=")
    return query, limits


Params = tuple[tuple[str, str], ...]


def _polite(contact: str, name: str) -> Params:
    return ((name, contact),) if contact else ()


def eric_params(query: str, rows: int, start: int) -> Params:
    return (("search", query), ("format", "json"), ("rows", str(rows)), ("start", str(start)),
            ("fields", ERIC_FIELDS))


def europepmc_params(query: str, size: int, cursor: str, contact: str = "") -> Params:
    return (("query", query), ("resultType", "core"), ("cursorMark", cursor),
            ("pageSize", str(size)), ("format", "json"), *_polite(contact, "email"))


def openalex_params(request: str, size: int, cursor: str, contact: str = "",
                    key: str = "") -> Params:
    query, limits = split_request(request)
    return (*((("search", query),) if query else ()), *((("filter", limits),) if limits else ()),
            ("per-page", str(size)), ("cursor", cursor), *_polite(contact, "mailto"),
            *((("api_key", key),) if key else ()))


def crossref_params(request: str, size: int, cursor: str, contact: str = "") -> Params:
    query, limits = split_request(request)
    return (*((("query.bibliographic", query),) if query else ()),
            *((("filter", limits),) if limits else ()),
            ("rows", str(size)), ("cursor", cursor), *_polite(contact, "mailto"))


def first_request(platform_id: str, request: str) -> tuple[str, Params] | None:
    """The first request an open API is sent for ``request`` (no contact: the search adds
    the review's), as its address and parameters; None for a platform with no such API."""
    size = PAGE_SIZES.get(platform_id, 0)
    if platform_id == "eric":
        return ERIC_BASE, eric_params(request, size, 0)
    if platform_id == "europepmc":
        return EUROPEPMC_BASE, europepmc_params(request, size, "*")
    if platform_id == "openalex":
        return OPENALEX_BASE, openalex_params(request, size, "*")
    if platform_id == "crossref":
        return CROSSREF_BASE, crossref_params(request, size, "*")
    return None
