"""The column profiles of the tools whose tables are read, and how a header resolves to
record fields: an explicit ``--columns`` mapping, then a profile's aliases, then the
generic ones."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from litreview.core.errors import InputError, Problem
from litreview.importers.context import Context

Aliases = Mapping[str, tuple[str, ...]]

#: Record field (plus ``page_start``/``page_end``) → header names, normalised by
#: :func:`norm` (casefolded, ``_`` as space), in priority order.
GENERIC: Aliases = {
    "source_id": ("id", "record id", "key", "accession number", "eid", "ut", "pmid"),
    "title": ("title", "article title", "document title", "primary title", "item title"),
    "authors": ("authors", "author", "author names", "creators", "author full names",
                "researchers"),
    "year": ("year", "publication year", "pub year", "publication date", "date published",
             "date"),
    "journal": ("journal", "source title", "journal title", "publication title",
                "publication", "secondary title", "source"),
    "volume": ("volume",),
    "issue": ("issue", "number", "issue number"),
    "pages": ("pages", "page range"),
    "page_start": ("page start", "start page", "first page"),
    "page_end": ("page end", "end page", "last page"),
    "doi": ("doi",),
    "abstract": ("abstract", "abstract note", "summary"),
    "keywords": ("keywords", "author keywords", "manual tags"),
    "subjects": ("subjects", "subject", "descriptors", "index keywords", "subject headings",
                 "mesh terms", "mesh"),
    "language": ("language",),
    "url": ("url", "link", "links"),
    "type": ("type", "document type", "publication type", "reference type", "item type"),
}


@dataclass(frozen=True, slots=True)
class Profile:
    """One tool's columns: recognised when all headers of one of its ``signatures`` are
    present, its aliases tried before the generic ones."""

    name: str
    signatures: tuple[frozenset[str], ...]
    aliases: Aliases
    ignore: frozenset[str] = field(default_factory=frozenset)  # generic headers misleading here


def _sig(*headers: str) -> frozenset[str]:
    return frozenset(headers)


PROFILES: tuple[Profile, ...] = (
    Profile("scopus", (_sig("eid", "source title"),), {
        "source_id": ("eid",), "journal": ("source title", "abbreviated source title"),
        "keywords": ("author keywords",), "subjects": ("index keywords",),
        "language": ("language of original document",),
    }, ignore=frozenset({"source"})),  # Scopus's "Source" column says "Scopus"
    Profile("embase", (_sig("emtree medical index terms"),), {
        "source_id": ("embase accession id", "pui"), "authors": ("author names",),
        "subjects": ("emtree medical index terms (major focus)", "emtree medical index terms",
                     "emtree drug index terms (major focus)", "emtree drug index terms"),
        "language": ("article language",), "url": ("embase link", "full text link"),
    }),
    Profile("wos", (_sig("ut (unique wos id)"),), {  # Web of Science Excel / full headers
        "source_id": ("ut (unique wos id)",), "authors": ("author full names", "authors"),
        "journal": ("source title",), "year": ("publication year",),
        "page_start": ("start page",), "page_end": ("end page",),
        "keywords": ("author keywords", "keywords plus"), "type": ("document type",),
    }),
    Profile("wos", (_sig("ut", "pt", "ti"),), {  # Web of Science tab-delimited (tags)
        "source_id": ("ut",), "title": ("ti",), "authors": ("af", "au"), "journal": ("so",),
        "year": ("py",), "volume": ("vl",), "issue": ("is",), "page_start": ("bp",),
        "page_end": ("ep",), "doi": ("di",), "abstract": ("ab",), "keywords": ("de", "id"),
        "language": ("la",), "type": ("dt",),
    }, ignore=frozenset({"id"})),  # WoS "ID" is Keywords Plus, not an identifier
    Profile("covidence", (_sig("covidence #"),), {
        "source_id": ("covidence #", "accession number"), "year": ("published year",),
        "journal": ("journal",),
    }),  # its "Tags" and "Notes" are the review team's, kept with the original fields
    Profile("eppi-reviewer", (_sig("itemid", "shorttitle"), _sig("item id", "short title")), {
        "source_id": ("itemid", "item id"), "journal": ("parenttitle", "parent title"),
        "type": ("typename", "type name"),
    }),
    Profile("rayyan", (_sig("key", "pubmed id", "pmc id"),), {
        "source_id": ("key",),
    }),
    Profile("openalex", (_sig("ids.openalex"),), {
        "source_id": ("id", "ids.openalex"),
        "authors": ("authorships.author.display name", "authorships.raw author name"),
        "year": ("publication year",), "journal": ("primary location.source.display name",),
        "volume": ("biblio.volume",), "issue": ("biblio.issue",),
        "page_start": ("biblio.first page",), "page_end": ("biblio.last page",),
        "keywords": ("keywords.display name",), "subjects": ("mesh",),
        "url": ("primary location.landing page url",),
    }),
    Profile("refworks", (_sig("reference type", "title primary"),), {
        "source_id": ("accession number", "reference id"), "authors": ("authors, primary",),
        "title": ("title primary",), "journal": ("periodical full", "periodical abbrev"),
        "year": ("pub year",), "page_start": ("start page",), "page_end": ("other pages",),
        "type": ("reference type",),
    }),
    Profile("lens", (_sig("lens id"),), {
        "source_id": ("lens id",), "authors": ("author/s",), "journal": ("source title",),
        "year": ("publication year", "date published"), "issue": ("issue number",),
        "subjects": ("mesh terms",), "url": ("external url", "source urls"),
        "type": ("publication type",),
    }),
    Profile("ieee-xplore", (_sig("document title", "ieee terms"),
                            _sig("document title", "date added to xplore")), {
        "url": ("pdf link",), "subjects": ("ieee terms", "inspec controlled terms",
                                           "inspec non-controlled terms", "mesh terms"),
        "type": ("document identifier",),  # "IEEE Conferences", "IEEE Journals"
    }),
    Profile("dimensions", (_sig("publication id", "dimensions url"),
                           _sig("publication id", "pubyear")), {
        "source_id": ("publication id",), "year": ("pubyear",), "pages": ("pagination",),
        "journal": ("source title", "anthology title"), "type": ("publication type",),
        "url": ("dimensions url", "source linkout"), "subjects": ("mesh terms",),
    }),
    # Publish or Perish (Google Scholar, Crossref…): "Source" is the journal, as in GENERIC
    Profile("publish-or-perish", (_sig("gsrank", "articleurl"),), {
        "page_start": ("startpage",), "page_end": ("endpage",),
        "url": ("articleurl", "fulltexturl"),
    }),
    # Zotero: "Item Type" is the type ("Type" is a thesis's or report's kind), "Number" a
    # report's or patent's number, not an issue; automatic tags come from the database
    Profile("zotero", (_sig("key", "item type", "abstract note"),), {
        "source_id": ("key",), "type": ("item type",),
        "journal": ("publication title", "journal abbreviation"),
        "subjects": ("automatic tags",),
    }, ignore=frozenset({"number"})),
    # abstrackr: its labels, tags and reviewers' notes are the team's, kept like Covidence's
    Profile("abstrackr", (_sig("(internal) id", "(source) id"),), {}),
    # PubMed's "Save → CSV": volume, issue and pages only inside "Citation" (unpacked below)
    Profile("pubmed", (_sig("pmid", "citation", "journal/book"),), {
        "source_id": ("pmid",), "journal": ("journal/book",), "year": ("publication year",),
    }),
    # ASReview exports the dataset it was given plus its labels; last, so the profile of the
    # tool that made that dataset wins, and labels stay in the original fields
    Profile("asreview", (_sig("asreview ranking"), _sig("asreview label"),
                         _sig("asreview time")), {
        "source_id": ("record id",),
    }),
)

#: Fields a column mapping may name (``page_start``/``page_end`` join into ``pages``).
MAPPABLE = tuple(GENERIC)

TITLE_HEADERS = frozenset(
    {*GENERIC["title"], *(t for p in PROFILES for t in p.aliases.get("title", ()))})


def norm(header: object) -> str:
    return " ".join(str(header or "").replace("_", " ").casefold().split())


def parse_column_mapping(specs: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``["title=Article Title,year=PY"]`` → ``(("title", "Article Title"), ("year", "PY"))``.

    Pairs are separated by commas, but only a comma followed by ``field=`` separates, so
    headers keep their commas (``authors=Authors, Primary``). Quotes around a header are
    dropped. Raises :class:`InputError` naming a bad pair and the fields one may map.
    """
    pairs: dict[str, str] = {}
    problems = []
    for spec in specs:
        for part in _MAPPING_SPLIT.split(spec):
            name, equals, header = part.partition("=")
            name, header = name.strip().lower(), header.strip().strip("\"'").strip()
            if not part.strip():
                continue
            if not equals or not header or name not in MAPPABLE:
                problems.append(Problem("--columns", f"cannot use {part.strip()!r}: write "
                                        "FIELD=HEADER", hint=f"fields: {', '.join(MAPPABLE)}"))
                continue
            pairs[name] = header
    if problems:
        raise InputError(problems)
    return tuple(pairs.items())


_MAPPING_SPLIT = re.compile(r",(?=\s*[A-Za-z_]+\s*=)")


def resolve(headers: Sequence[str], ctx: Context,
            header_line: int) -> tuple[str, dict[str, list[int]]]:
    """The profile's name and field → column indexes: the explicit mapping first, then the
    profile's aliases, then the generic ones."""
    present = set(headers)
    profile = next((p for p in PROFILES if any(s <= present for s in p.signatures)), None)
    ignore = profile.ignore if profile else frozenset()
    columns: dict[str, list[int]] = {}
    for name in GENERIC:
        wanted = [*(profile.aliases.get(name, ()) if profile else ()),
                  *(h for h in GENERIC[name] if h not in ignore)]
        indexes = [headers.index(h) for h in dict.fromkeys(wanted) if h in present]
        if indexes:
            columns[name] = indexes
    missing = []
    for name, header in ctx.columns:
        if norm(header) in present:
            columns[name] = [headers.index(norm(header))]
        else:
            missing.append(f"{name}={header}")
    if missing:
        raise InputError(Problem(ctx.source_file, f"--columns names column(s) not in the "
                                 f"header: {', '.join(missing)}", header_line,
                                 hint="spell each header as the file's header row does"))
    if ctx.columns:
        return "mapped", columns
    return (profile.name if profile else "generic"), columns
