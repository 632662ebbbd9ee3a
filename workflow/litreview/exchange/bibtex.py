"""BibTeX out, written by bibtexparser v2: entry keys are the record ids made BibTeX-safe
(and unique), LaTeX's special characters escaped so that BibTeX, biber and bibtexparser
read every value back as it was; read back by :mod:`litreview.importers.bibtex`.

``doi`` and ``url`` are verbatim fields (biblatex reads them as written), so they are not
escaped; only a brace or backslash, which neither may hold, is percent-encoded. An
organisation's name is braced whole, so that its "and" and comma split nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from litreview.exchange.names import page_range, person_name, xml_safe
from litreview.exchange.selection import Exported

#: Record types → BibTeX entry types; a web page is a ``@misc`` with a ``url``.
BIBTEX_TYPES = {"article": "article", "book": "book", "chapter": "incollection",
                "report": "techreport", "thesis": "phdthesis",
                "conference": "inproceedings", "document": "unpublished"}
_IN_BOOK = frozenset({"chapter", "conference"})  # the container is a booktitle
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
            "#": r"\#", "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}"}
_SPECIALS = re.compile(r"[\\{}%&#$_~]")
#: Character pairs TeX reads as one (``--`` an en dash, ``''`` a quote, ``?``` an ``¿``):
#: written with ``{}`` between, they stay two characters.
_LIGATURE = re.compile(r"([-'`?!,<>])(?=[-'`,<>])")
_VERBATIM = {"{": "%7B", "}": "%7D", "\\": "%5C"}
_NOT_KEY = re.compile(r"[^A-Za-z0-9_.:+-]+")


def latex(text: str) -> str:
    """Text with LaTeX's special characters escaped, its ligatures broken, on one line;
    Unicode stays (the file is UTF-8, which BibTeX tools read)."""
    text = _SPECIALS.sub(lambda m: _SPECIAL[m.group()], " ".join(xml_safe(text).split()))
    return _LIGATURE.sub(r"\1{}", text)


def verbatim(text: str) -> str:
    return "".join(_VERBATIM.get(c, c) for c in " ".join(text.split()))


def bibtex_keys(record_ids: Iterable[str]) -> list[str]:
    """Each record id as an entry key: characters a key cannot hold become ``-``; a key
    met before gets ``-2``, ``-3``… until it is unique."""
    keys: list[str] = []
    used: set[str] = set()
    for record_id in record_ids:
        base = _NOT_KEY.sub("-", record_id).strip("-") or "record"
        key, n = base, 1
        while key.casefold() in used:  # BibTeX keys are told apart without case
            n += 1
            key = f"{base}-{n}"
        used.add(key.casefold())
        keys.append(key)
    return keys


def bibtex_text(items: Iterable[Exported]) -> str:
    """The records as BibTeX entries, a blank line between them."""
    items = list(items)
    keys = bibtex_keys(item.record.record_id for item in items)
    library = Library([_entry(item, key) for item, key in zip(items, keys, strict=True)])
    layout = BibtexFormat()
    layout.indent, layout.block_separator = "  ", "\n"  # one blank line between entries
    return bibtexparser.write_string(library, bibtex_format=layout) if items else ""


def _author(name: str) -> str:
    return latex(name) if person_name(name) else "{" + latex(name) + "}"


def _entry(item: Exported, key: str) -> Entry:
    record = item.record
    container = "booktitle" if record.type in _IN_BOOK else "journal"
    values = [
        ("author", " and ".join(_author(name) for name in record.authors)),
        ("title", latex(record.title)),
        (container, latex(record.journal)),
        ("year", latex(record.year)),
        ("volume", latex(record.volume)),
        ("number", latex(record.issue)),
        ("pages", "--".join(latex(p) for p in page_range(record.pages) if p)),
        ("doi", verbatim(record.doi)),
        ("abstract", latex(record.abstract)),
        ("keywords", "; ".join(latex(w) for w in (*record.keywords, *item.tags()))),
        ("url", verbatim(record.url)),
        ("language", latex(record.language)),
        ("note", "\n".join(latex(line) for line in item.note_lines())),
    ]
    return Entry(BIBTEX_TYPES.get(record.type, "misc"), key,
                 [Field(name, value) for name, value in values if value])
