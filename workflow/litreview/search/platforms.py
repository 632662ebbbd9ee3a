"""The search platforms a strategy compiles to, and what one compile knows of its target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litreview.search.strategies import Strategy
    from litreview.search.thesaurus import HeadingMap, Thesaurus


@dataclass(frozen=True, slots=True)
class Platform:
    """A search platform: which databases' thesauri it hosts, and whether it keeps a history."""

    id: str
    name: str
    hosts: frozenset[str]  # databases (lowercase) whose thesaurus the platform searches
    default_vocabulary: str | None = None
    history: bool = True  # does it keep a numbered search history?
    headings: bool = True  # has it a subject heading field at all?


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
    Platform("europepmc", "Europe PMC", frozenset({"medline", "pubmed", "europe pmc"}), "MeSH",
             history=False),
    Platform("openalex", "OpenAlex", frozenset(), history=False, headings=False),
    Platform("crossref", "Crossref", frozenset(), history=False, headings=False),
)}


@dataclass(slots=True)
class Context:
    """What compiling one strategy for one platform knows, and the warnings it gathers."""

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
    unsupported: dict[str, None] = field(default_factory=dict)  # terms not searched as written

    def warn(self, text: str) -> None:
        self.warnings.setdefault(text, None)


def target_vocabulary(platform: Platform, database: str, target: str | None = None
                      ) -> str | None:
    """Whose headings the platform's heading fields hold for this compile (none where it
    has no heading field)."""
    if not platform.headings:
        return None
    if target:
        return target
    if database.casefold() in platform.hosts:
        return database
    return platform.default_vocabulary
