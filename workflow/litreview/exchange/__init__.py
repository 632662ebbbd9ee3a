"""Records out: the review's records written for reference managers and other review
tools, each with its record id, the databases it was found in and every stage's decision
and reason, in fields those tools keep.

:mod:`~litreview.exchange.selection` picks the records (``included``, ``to_screen``,
``all``) and what each carries; one module per format writes them:
:mod:`~litreview.exchange.ris`, :mod:`~litreview.exchange.bibtex`,
:mod:`~litreview.exchange.endnote_xml` and :mod:`~litreview.exchange.csl_json`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from litreview.exchange.bibtex import bibtex_keys, bibtex_text
from litreview.exchange.csl_json import csl_json_text
from litreview.exchange.endnote_xml import endnote_xml_text
from litreview.exchange.names import page_range, person_name
from litreview.exchange.ris import ris_text
from litreview.exchange.selection import (
    WHICH,
    Exported,
    Selection,
    StageDecision,
    exported,
    select,
)

__all__ = ["EXPORT_FORMATS", "FORMAT_NAMES", "SUFFIXES", "WHICH", "Exported", "Selection",
           "StageDecision", "bibtex_keys", "export_text", "exported", "format_of",
           "page_range", "person_name", "select"]

#: ``--to`` → the writer of that format.
EXPORT_FORMATS: dict[str, Callable[[Iterable[Exported]], str]] = {
    "ris": ris_text, "bibtex": bibtex_text, "endnote-xml": endnote_xml_text,
    "csl-json": csl_json_text}
#: How a person calls each format.
FORMAT_NAMES = {"ris": "RIS", "bibtex": "BibTeX", "endnote-xml": "EndNote XML",
                "csl-json": "CSL-JSON"}
#: A file's extension → the format it is written in, when ``--to`` is not given.
SUFFIXES = {".ris": "ris", ".bib": "bibtex", ".bibtex": "bibtex", ".xml": "endnote-xml",
            ".json": "csl-json"}


def export_text(fmt: str, items: Iterable[Exported]) -> str:
    """The records in ``fmt`` (a key of :data:`EXPORT_FORMATS`)."""
    return EXPORT_FORMATS[fmt](items)


def format_of(path: str) -> str | None:
    """The format a file's extension names, or None."""
    from pathlib import PurePath

    return SUFFIXES.get(PurePath(path).suffix.lower())
