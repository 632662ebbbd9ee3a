"""Which search each database gets: its strategy compiled for the API its ``api:`` key names
(the query ``litreview query compile --to eric|pubmed|europepmc|openalex|crossref`` prints,
with the review's limits), and, for an update, the date limit from the database's own
previous search."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.core.review import CONFIG_NAME, Review, Source, search_date
from litreview.online.crossref import Crossref
from litreview.online.eric import Eric
from litreview.online.europepmc import EuropePmc
from litreview.online.openalex import OpenAlex
from litreview.online.pubmed import PubMed
from litreview.online.searching import Search
from litreview.online.services import APIS, KEY_VARIABLES, Service
from litreview.search import (
    compile_strategy,
    load_heading_map,
    load_thesaurus,
    read_strategy,
    with_thesaurus,
)


def make_service(api: str, contact: str = "", api_key: str = "") -> Service:
    """The service an ``api:`` key names; one litreview cannot search yet is refused."""
    if api == "eric":
        return Eric()
    if api == "pubmed":
        return PubMed(contact=contact, api_key=api_key)
    if api == "europepmc":
        return EuropePmc(contact=contact)
    if api == "openalex":
        return OpenAlex(contact=contact, api_key=api_key)
    if api == "crossref":
        return Crossref(contact=contact)
    raise InputError(Problem(CONFIG_NAME, f"api: {api}: litreview search run cannot search it",
                             hint=f"name one of {', '.join(APIS)}, or search it on its own "
                             "site and save the export in data/exports/<db>/"))


def service_key(api: str, ncbi_key: str = "") -> str:
    """The API key a service is sent: PubMed's as given (NCBI_API_KEY), another's from its
    environment variable (:data:`~litreview.online.services.KEY_VARIABLES`)."""
    if api == "pubmed":
        return ncbi_key
    return os.environ.get(KEY_VARIABLES[api], "") if api in KEY_VARIABLES else ""


def previous_search(source: Source) -> str:
    """When the database was last searched: the newest date among its exports' names and
    its ``searched`` date."""
    dates = [search_date(e, source.searched) for e in source.exports] + [source.searched]
    return max(d for d in dates if d)


def plan_search(root: Path, review: Review, source: Source, *, day: dt.date,
                update: bool = False, api_key: str = "") -> Search:
    """The search ``litreview search run`` sends for one database of the review. ``api_key``:
    PubMed's; another service's is read from its environment variable."""
    if not source.api:
        raise InputError(Problem(CONFIG_NAME, f"{source.name} names no api",
                                 hint=f"add 'api: {'|'.join(APIS)}' to {source.name}'s "
                                 "entry, if it is searched through that API"))
    key = service_key(source.api, api_key)
    service = make_service(source.api, review.contact, key)
    if not source.strategy:
        raise InputError(Problem(CONFIG_NAME, f"{source.name} has no strategy to send",
                                 hint="give it one with 'strategy:'"))
    thesaurus = load_thesaurus(root / source.thesaurus) if source.thesaurus else None
    strategy = with_thesaurus(read_strategy(root / source.strategy), thesaurus)
    heading_map = load_heading_map(root / source.heading_map) if source.heading_map else None
    limits = strategy.limits if "limits" in strategy.meta else source.limits
    since = previous_search(source) if update else ""
    if since:
        limits = replace(limits, since=since)
    compiled = compile_strategy(strategy, APIS[source.api], database=source.name,
                                thesaurus=thesaurus, heading_map=heading_map, limits=limits,
                                keyed=bool(key))
    if not compiled.queries:
        raise InputError(Problem(source.strategy, "the strategy has no search line to send"))
    query = compiled.request
    warnings = [str(p) for sheet in (thesaurus, heading_map) if sheet for p in sheet.warnings]
    return Search(source.name, source.slug, query, service, root, day, source.strategy,
                  since, (*compiled.warnings, *warnings))


def chosen_databases(review: Review, names: list[str]) -> list[Source]:
    """The databases named (by name or slug, any case), else every one with an ``api:``."""
    if not names:
        chosen = [s for s in review.databases if s.api]
        if not chosen:
            raise InputError(Problem(CONFIG_NAME, "no database names an api to search",
                                     hint="add 'api: eric' (or pubmed, europepmc, openalex, "
                                     "crossref) to a database's entry"))
        return chosen
    known = {key: s for s in review.databases for key in (s.name.casefold(), s.slug)}
    unknown = [n for n in names if n.casefold() not in known]
    if unknown:
        raise InputError(Problem(CONFIG_NAME, f"no database {', '.join(map(repr, unknown))}",
                                 hint="name databases of review.yaml: "
                                 + ", ".join(s.name for s in review.databases)))
    return list(dict.fromkeys(known[n.casefold()] for n in names))
