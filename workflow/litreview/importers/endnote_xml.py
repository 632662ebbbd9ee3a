"""EndNote XML (File → Export → XML), parsed with defusedxml.

An export is untrusted input: defusedxml refuses entity declarations and external
references, so a "billion laughs" file gets one message instead of exhausting memory.
Records are handled one ``<record>`` at a time (the tree is never built whole) and each
remembers the line it starts on.

Text sits inside ``<style>`` runs, which are joined. A record's original fields are its
elements by path (``titles/title``, ``contributors/authors/author``, ``ref-type@name``),
so custom fields, notes and database names survive.

The accession id is ``accession-num`` (the database's number, copied into the library).
``rec-number`` is never one: EndNote numbers the records of each library 1, 2, 3…, so
two libraries give different papers the same number, and the record's id would follow
whichever file was read first. A record without ``accession-num`` has the id of any
record without accession, a hash of its content; ``rec-number`` stays in its original
fields.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from litreview.core.errors import InputError, Problem
from litreview.core.records import Record
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed
from litreview.importers.doctypes import type_from_name
from litreview.importers.fields import pages

Fields = dict[str, list[str]]
_LINES = re.compile(r"[\r\n]+")


class _Records:
    """Parser target that builds one ``<record>`` subtree at a time."""

    def __init__(self, ctx: Context, out: Parsed) -> None:
        self.ctx, self.out = ctx, out
        self.parser: DefusedXMLParser | None = None
        self.builder: ET.TreeBuilder | None = None
        self.start_line = 0
        self.depth = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "record" and self.builder is None:
            self.builder = ET.TreeBuilder()
            self.start_line = self.parser.parser.CurrentLineNumber if self.parser else 0
        if self.builder is not None:
            self.builder.start(tag, attrs)

    def end(self, tag: str) -> None:
        if self.builder is None:
            return
        self.builder.end(tag)
        if tag == "record":
            element = self.builder.close()
            self.builder = None
            self.out.records.append(_record(self.ctx, self.out.blocks + 1, self.start_line,
                                            element))

    def data(self, text: str) -> None:
        if self.builder is not None:
            self.builder.data(text)

    def close(self) -> None:
        return None


def read_endnote_xml(data: bytes, ctx: Context) -> Parsed:
    """Parse EndNote XML bytes (the XML declaration names the encoding)."""
    out = Parsed(source="EndNote")
    target = _Records(ctx, out)
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    target.parser = parser
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as error:
        raise InputError(Problem(ctx.source_file, "this XML declares entities or external "
                                 f"references ({type(error).__name__}), which an EndNote "
                                 "export never does; refused unread (entity expansion can "
                                 "exhaust memory)", hint="export the records again from "
                                 "EndNote")) from None
    except ET.ParseError as error:
        line, column = error.position
        start = target.start_line if target.builder is not None else line
        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")
        out.reject(Problem(ctx.source_file, f"not well-formed XML at line {line}, column "
                           f"{column + 1}: {_reason(error)}; this record and the rest of the "
                           "file cannot be read", start,
                           hint="the export may be truncated or edited by hand; export again"),
                   "\n".join(text[start - 1:]))
    return out


def _reason(error: ET.ParseError) -> str:
    return re.sub(r": line \d+, column \d+$", "", str(error))


def _text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def _flatten(record: ET.Element) -> Fields:
    """Every element with text, by its path below ``<record>``; attributes as ``path@name``."""
    fields: Fields = {}

    def walk(element: ET.Element, path: str) -> None:
        for name, value in sorted(element.attrib.items()):
            if value:
                fields.setdefault(f"{path}@{name}", []).append(value)
        children = [c for c in element if c.tag != "style"]
        if not children:
            text = _text(element)
            if text:
                fields.setdefault(path, []).append(text)
            return
        for child in children:
            walk(child, f"{path}/{child.tag}" if path else child.tag)

    for child in record:
        walk(child, child.tag)
    return fields


def _first(fields: Fields, *paths: str) -> str:
    return next((v for path in paths for v in fields.get(path, ()) if v), "")


def _record(ctx: Context, position: int, line: int, record: ET.Element) -> Record:
    fields = _flatten(record)
    authors = fields.get("contributors/authors/author") or fields.get(
        "contributors/secondary-authors/author", [])
    raw: dict[str, Any] = {
        "source_id": _first(fields, "accession-num"),
        "type": type_from_name(_first(fields, "ref-type@name")),
        "title": _first(fields, "titles/title"),
        "authors": authors,
        "year": _first(fields, "dates/year", "dates/pub-dates/date"),
        "journal": _first(fields, "periodical/full-title", "titles/secondary-title",
                          "periodical/abbr-1", "titles/alt-title"),
        "volume": _first(fields, "volume"),
        "issue": _first(fields, "number", "issue"),
        "pages": pages(_first(fields, "pages")),
        "doi": _first(fields, "electronic-resource-num"),
        "abstract": _first(fields, "abstract"),
        "keywords": [k for value in fields.get("keywords/keyword", ())
                     for k in _LINES.split(value)],
        "subjects": (),
        "language": _first(fields, "language"),
        "url": _first(fields, "urls/related-urls/url", "urls/web-urls/url"),
    }
    return build_record(ctx, position, line, raw, fields)
