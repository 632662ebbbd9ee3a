"""Which format an export is in, decided from its content because extensions lie.

Databases save RIS as ``.txt``, RefWorks writes TSV as ``.txt``, and a browser "save as"
turns a login page into ``export.ris``. Content decides; the extension only breaks ties.
Files that cannot be an export at all (empty, binary, archives, web pages, XML that
declares entities) are refused here with a message saying what the file actually is.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from litreview.core.decode import decode, utf16_codec
from litreview.core.errors import InputError, Problem
from litreview.core.review import sidecar_of
from litreview.importers.doctypes import RIS_TYPES
from litreview.importers.tables import sniff_table

FORMATS = ("ris", "bibtex", "csv", "tsv", "xlsx", "endnote-xml", "nbib", "wos", "ovid",
           "eric-json", "openalex-json", "crossref-json", "europepmc-json", "csl-json")
HEAD_SIZE = 64 * 1024  # bytes of a file that detection looks at

_EXTENSIONS = {
    ".ris": "ris", ".txt": "ris", ".bib": "bibtex", ".bibtex": "bibtex",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".xml": "endnote-xml", ".nbib": "nbib", ".medline": "nbib", ".ovd": "ovid",
}
_RIS = re.compile(r"^\ufeff?(?:TY[ \t]{1,4}-|ty(?:[ \t]{2,4}|\t)-(?:[ \t]|$)|TY:(?: {2}|\t))",
                  re.MULTILINE)  # misspelt too, a tab for spaces
#: RIS with bare tags (``TY JOUR`` … ``ER``): a type code of RIS's own, then an end line.
_RIS_CODES = "|".join(code for code in RIS_TYPES if code.isalpha())
_RIS_BARE = re.compile(rf"^\ufeff?TY[ \t:-]{{1,3}}(?:{_RIS_CODES})\r?$.*?^(?i:ER)\b",
                       re.MULTILINE | re.DOTALL)
_BIBTEX = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
#: The ERIC API's JSON: a response (or a list of pages) opening ``{"response": {"numFound"``.
_ERIC_JSON = re.compile(r'\A\ufeff?\s*\[?\s*\{\s*"response"\s*:\s*\{\s*"numFound"\s*:')
#: The other services' reply pages (one, or a list), told by their first members: OpenAlex
#: ``{"meta": {"count": …}, "results": [`` (or one Work, ``{"id": "https://openalex.org/W…``),
#: Crossref ``{"status": "ok", "message-type":
#: "work-list"`` (or ``"work"``), Europe PMC ``{"version": …, "hitCount": N``.
_API_JSON = (
    ("openalex-json", re.compile(r'\A\ufeff?\s*\[?\s*\{\s*(?:"meta"\s*:\s*\{[^{}]*"count"\s*:'
                                 r'[^{}]*\}\s*,\s*"results"\s*:\s*\[|"id"\s*:\s*'
                                 r'"https://openalex\.org/W)')),
    ("crossref-json", re.compile(r'\A\ufeff?\s*\[?\s*\{[^{}\[\]]*"message-type"\s*:\s*'
                                 r'"work(?:-list)?"')),
    ("europepmc-json", re.compile(r'\A\ufeff?\s*\[?\s*\{[^{}\[\]]*"hitCount"\s*:\s*\d')),
)
#: CSL-JSON: an array whose first object has a "type" and an "id" or a "title".
_CSL_START = re.compile(r"\A\ufeff?\s*\[\s*(?=\{)")
_CSL_KEYS = (re.compile(r'"type"\s*:\s*"'), re.compile(r'"(?:id|title)"\s*:'))
_EMPTY_LIST = re.compile(r"\A\ufeff?\s*\[\s*\]\s*\Z")
_WOS_TAGGED = re.compile(r"^\ufeff?(?:FN \S|PT [A-Z]\r?$)", re.MULTILINE)
_MEDLINE = re.compile(r"^\ufeff?PMID- ?\d", re.MULTILINE)
#: Ovid's tagged export: a record number in brackets (``<1. >``, ``<12>``) before a tag
#: line, or (numbers left out) the ``VN  - Ovid Technologies`` line every record carries.
_OVID = re.compile(r"^\ufeff?[ \t]*<\s*\d+\s*\.?\s*>[ \t]*\r?\n(?:[ \t]*\r?\n)*"
                   r"[A-Z][A-Z0-9]{1,3} *- ", re.MULTILINE)
_OVID_VN = re.compile(r"^\ufeff?VN {1,2}- Ovid Technologies", re.MULTILINE)
_OVID_MARK = re.compile(rb"<\s*\d+\s*\.?\s*>")
_ENDNOTE_XML = re.compile(rb"<records?>|<record\s", re.IGNORECASE)
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xd0\xcf\x11\xe0", "a legacy Microsoft Office file (.xls/.doc)",
     "open it in Excel and save it as .xlsx or CSV"),
    (b"%PDF", "a PDF document", "export the search results as RIS, BibTeX, CSV or XLSX"),
    (b"{\\rtf", "a Rich Text (RTF) document", "export the search results as RIS or CSV"),
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive", "extract the export from it first"),
    (b"Rar!", "a RAR archive", "extract the export from it first"),
)


def detect_format(path: Path, head: bytes) -> str:
    """Return one of :data:`FORMATS` for a file whose first bytes are ``head``.

    Raises :class:`InputError` for empty, binary, archive and HTML files, XML that is not
    an EndNote export, and text that is none of the formats.
    """
    name = str(path)
    refuse(path, head)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if _is_xml(head):
        return "endnote-xml"  # refuse() let only EndNote XML through
    text = decode(head)
    json_format = _json_format(path, text)
    if json_format:
        return json_format
    if _OVID.search(text):
        return "ovid"  # numbered records: no RIS file has '<1. >' lines
    if _RIS.search(text) or _RIS_BARE.search(text):
        return "ris"
    if _MEDLINE.search(text):
        return "nbib"
    if _OVID_VN.search(text):
        return "ovid"
    if _WOS_TAGGED.search(text):
        return "wos"
    if _BIBTEX.search(text):
        return "bibtex"
    table = sniff_table(text)
    if table:
        return table
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension == "xlsx":
        raise _error(name, "not a valid Excel workbook (an .xlsx file is a ZIP archive)",
                     "open it in Excel and save it again as .xlsx, or export as CSV")
    if by_extension and by_extension != "endnote-xml":
        return by_extension  # the reader reports, line by line, what does not fit
    raise _error(name, "cannot tell the format: it is not RIS, BibTeX, CSV, TSV, XLSX, "
                 "EndNote XML, PubMed/MEDLINE, Web of Science plain text, Ovid tagged, the "
                 "JSON of the ERIC, OpenAlex, Crossref or Europe PMC API, or CSL-JSON",
                 "pass the format explicitly, or export again in one of these formats")


def _json_format(path: Path, text: str) -> str:
    """The JSON format ``text`` (a file's head) is in, or "" when it is none of them."""
    if _ERIC_JSON.match(text):
        return "eric-json"
    for fmt, pattern in _API_JSON:
        if pattern.match(text):
            return fmt
    start = _CSL_START.match(text)
    if start and _is_csl_item(text, start.end()):
        return "csl-json"
    if _EMPTY_LIST.match(text):
        return _searched_api(path)  # a search that found nothing, or an empty library
    return ""


def _is_csl_item(text: str, at: int) -> bool:
    """Whether the object at ``at`` has CSL's "type" and an "id" or "title"; when the head
    cuts it short, whether those keys appear in what there is."""
    try:
        item = json.JSONDecoder().raw_decode(text, at)[0]
    except ValueError:
        return all(key.search(text, at) for key in _CSL_KEYS)
    return isinstance(item, dict) and isinstance(item.get("type"), str) and \
        ("id" in item or "title" in item)


def _searched_api(path: Path) -> str:
    """An empty list's format: the API the search record beside it names, else CSL-JSON."""
    try:
        api = json.loads(sidecar_of(path).read_text(encoding="utf-8")).get("api", "")
    except (OSError, ValueError, AttributeError):
        api = ""
    return f"{api}-json" if f"{api}-json" in FORMATS else "csl-json"


def refuse(path: Path, head: bytes, fmt: str = "auto") -> None:
    """Raise :class:`InputError` when ``head`` shows the file cannot be an export
    (in ``fmt``, when the format is given)."""
    name = str(path)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise _error(name, "the file is empty", "export the search results again")
    for magic, what, hint in _MAGIC:
        if head.startswith(magic):
            raise _error(name, f"this is {what}, not a bibliographic export", hint)
    if head.startswith(b"PK\x03\x04"):
        if not _is_workbook(path):
            raise _error(name, "this is a ZIP archive, not a bibliographic export",
                         "unzip it and import the export file inside")
        return
    sniff = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.startswith((b"<!doctype html", b"<html")) or b"<html" in sniff[:512]:
        raise _error(name, "this is an HTML web page, not an export (often a login, "
                     "session-expired or error page saved in place of the download)",
                     "open it in a browser to see what it says, then export again")
    if _is_xml(head):
        if b"<!entity" in head.lower():
            raise _error(name, "this XML declares entities, which an EndNote export never "
                         "does (entity expansion can exhaust memory: a 'billion laughs' "
                         "attack); refused unread", "export the records again from EndNote")
        if fmt != "auto":
            return  # the chosen reader reports what does not fit
        if b"<pubmedarticle" in head.lower():
            raise _error(name, "this is PubMed XML, which is not supported",
                         "in PubMed use Save → Format: PubMed (.nbib) instead")
        if not _ENDNOTE_XML.search(head):
            raise _error(name, "this XML file is not an EndNote XML export (no <records>)",
                         "export from the reference manager as EndNote XML, RIS or CSV")
        return
    if utf16_codec(head):
        return  # UTF-16 text, with or without a byte-order mark
    # a stray control character in a text export is cleaned, with a warning, where the
    # record is built; in a binary file they are many (1 byte in 9 at random)
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls * 20 > len(head):
        raise _error(name, "this is a binary file, not a text export",
                     "export the search results as RIS, BibTeX, CSV or XLSX")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _is_xml(head: bytes) -> bool:
    """Starts with markup; Ovid's record number (``<1. >``) is no XML tag."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<") and not _OVID_MARK.match(start[:64].replace(b"\x00", b""))


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith("xl/") for n in archive.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return path.suffix.lower() in (".xlsx", ".xlsm")  # damaged: let openpyxl say why


def _error(file: str, message: str, hint: str) -> InputError:
    return InputError(Problem(file, message, hint=hint))
