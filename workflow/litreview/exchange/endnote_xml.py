"""EndNote XML out: the ``<xml><records><record>`` file EndNote writes (File → Export →
XML), its elements in EndNote's order, text in ``<style>`` runs as EndNote writes them;
read back by :mod:`litreview.importers.endnote_xml`. One record per line."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from litreview.exchange.names import xml_safe
from litreview.exchange.selection import Exported

#: Record types → EndNote's reference type names and numbers.
ENDNOTE_TYPES = {"article": ("Journal Article", 17), "book": ("Book", 6),
                 "chapter": ("Book Section", 5), "report": ("Report", 27),
                 "thesis": ("Thesis", 32), "conference": ("Conference Paper", 47),
                 "webpage": ("Web Page", 12), "document": ("Unpublished Work", 34),
                 "project": ("Grant", 31)}
_GENERIC = ("Generic", 13)
_STYLE = {"face": "normal", "font": "default", "size": "100%"}


def endnote_xml_text(items: Iterable[Exported]) -> str:
    """The records as an EndNote XML document."""
    records = [ET.tostring(_record(n, item), encoding="unicode")
               for n, item in enumerate(items, start=1)]
    return ('<?xml version="1.0" encoding="UTF-8" ?>\n<xml><records>\n'
            + "".join(f"{record}\n" for record in records) + "</records></xml>\n")


def _text(parent: ET.Element, path: str, value: str) -> None:
    """``value`` in a ``<style>`` run at ``path`` below ``parent`` (made as needed), when
    there is one."""
    value = xml_safe(value).strip()
    if not value:
        return
    element = parent
    for name in path.split("/"):
        found = element.find(name) if name != path.split("/")[-1] else None
        element = found if found is not None else ET.SubElement(element, name)
    ET.SubElement(element, "style", _STYLE).text = value


def _record(number: int, item: Exported) -> ET.Element:
    record, root = item.record, ET.Element("record")
    ET.SubElement(root, "source-app", {"name": "litreview"}).text = "litreview"
    ET.SubElement(root, "rec-number").text = str(number)
    name, code = ENDNOTE_TYPES.get(record.type, _GENERIC)
    ET.SubElement(root, "ref-type", {"name": name}).text = str(code)
    if record.authors:
        authors = ET.SubElement(ET.SubElement(root, "contributors"), "authors")
        for author in record.authors:
            _text(authors, "author", author)
    if record.title or record.journal:
        titles = ET.SubElement(root, "titles")
        _text(titles, "title", record.title)
        _text(titles, "secondary-title", record.journal)
    if record.type == "article":
        _text(root, "periodical/full-title", record.journal)
    for path, value in (("pages", record.pages), ("volume", record.volume),
                        ("number", record.issue)):
        _text(root, path, value)
    words = (*record.keywords, *item.tags())
    if words:
        keywords = ET.SubElement(root, "keywords")
        for word in words:
            _text(keywords, "keyword", word)
    _text(root, "dates/year", record.year)
    for path, value in (("accession-num", record.source_id),
                        ("electronic-resource-num", record.doi),
                        ("abstract", record.abstract),
                        ("notes", "\n".join(item.note_lines())),
                        ("remote-database-name", "; ".join(item.databases)),
                        ("language", record.language),
                        ("urls/related-urls/url", record.url)):
        _text(root, path, value)
    return root
