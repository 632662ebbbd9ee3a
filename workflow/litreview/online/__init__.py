"""Searches litreview sends itself, to the databases with an open API (ERIC, PubMed, Europe
PMC, OpenAlex, Crossref):
the only package that reaches the network, and only ``litreview search run`` uses it; the
workflow stays offline.

:mod:`~litreview.online.planning` compiles each database's strategy for its API,
:mod:`~litreview.online.searching` sends it page by page through
:mod:`~litreview.online.polite` (paced, retried, with a contact) and keeps the pages in
:mod:`~litreview.online.partial` until the export and its sidecar are saved. A service is
one module (:mod:`~litreview.online.eric`, :mod:`~litreview.online.pubmed`,
:mod:`~litreview.online.europepmc`, :mod:`~litreview.online.openalex`,
:mod:`~litreview.online.crossref`, the last three paged by a cursor with
:mod:`~litreview.online.cursors`) of the shape :mod:`~litreview.online.services` describes.
"""

from __future__ import annotations

from litreview.online.crossref import Crossref
from litreview.online.eric import Eric
from litreview.online.europepmc import EuropePmc
from litreview.online.openalex import OpenAlex
from litreview.online.partial import Partial
from litreview.online.planning import chosen_databases, make_service, plan_search, previous_search
from litreview.online.polite import Fetcher, Manners, Reply
from litreview.online.pubmed import PubMed
from litreview.online.searching import Outcome, Search, Wiring, refuse_overwrite, run_search
from litreview.online.services import APIS, KEY_VARIABLES, Page, Progress, Request, Service

__all__ = ["APIS", "KEY_VARIABLES", "Crossref", "Eric", "EuropePmc", "Fetcher", "Manners",
           "OpenAlex", "Outcome", "Page", "Partial", "Progress", "PubMed", "Reply", "Request",
           "Search", "Service", "Wiring", "chosen_databases", "make_service",
           "plan_search", "previous_search", "refuse_overwrite", "run_search"]
