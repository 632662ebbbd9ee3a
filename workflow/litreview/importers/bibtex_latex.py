"""LaTeX in BibTeX field values, read as the BibTeX tools read it: HTML ampersands that
LaTeX would drop, bare ``%`` signs, literal braces (``\\{``) that must outlive the removal
of BibTeX's protective ones (``{DNA}``), and the verbatim fields (``url``, ``doi``), which are
not LaTeX at all. Used by :mod:`litreview.importers.bibtex` around bibtexparser's decoding.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bibtexparser.library import Library
from bibtexparser.middlewares import BlockMiddleware, LatexDecodingMiddleware
from bibtexparser.model import Block, Entry

#: An HTML character reference in a field (``&amp;`` from a web page's text).
_ENTITY = re.compile(r"(?<!\\)&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_BARE_AMPERSAND = re.compile(r"(?<!\\)&")


def ampersands(text: str) -> str:
    """Text whose ``&`` survives LaTeX decoding, which drops a bare ``&`` (LaTeX's column
    separator) and leaves ``amp;`` of ``&amp;``: a character reference becomes its
    character (never a brace, backslash or ``%``, which would change the BibTeX), and a
    bare ``&`` becomes ``\\&``. No line changes, so line numbers stay as they were."""
    if "&" not in text:
        return text

    def character(match: re.Match[str]) -> str:
        value = html.unescape(match.group(0))
        return match.group(0) if value == match.group(0) or value in "{}\\%#" else value

    return _BARE_AMPERSAND.sub(r"\\&", _ENTITY.sub(character, text))


#: A ``%`` not written ``\\%``: to LaTeX a comment to the end of the line.
_BARE_PERCENT = re.compile(r"(?<!\\)%")
#: Literal braces (``\\{``, ``\\}``) stand in for themselves through LaTeX decoding and the
#: removal of BibTeX's protective braces, as two private-use characters.
_OPEN, _CLOSE = "\ue000", "\ue001"
#: A stray brace the repair of a field line took out of the structure: left out of the
#: field, kept in the original fields (see :func:`~litreview.importers.bibtex.repair_field_lines`).
STRAY = {"{": "\ue002", "}": "\ue003"}
_STAND_INS = frozenset((_OPEN, _CLOSE, *STRAY.values()))
_LITERAL_BRACE = re.compile(r"(?<!\\)\\([{}])")
#: Fields read verbatim, as biblatex reads them: not LaTeX (``--`` in a URL stays ``--``).
_VERBATIM = frozenset({"url", "doi"})
#: What an exporter escapes in a verbatim field all the same (``\\_``, ``\\&``, ``\\%``).
_VERBATIM_ESCAPE = re.compile(r"\\([_&%#$~])")


class Escapes(BlockMiddleware):
    """Before LaTeX decoding: a bare ``%`` in a field value escaped, as decoding would take
    it for a comment and drop the rest of the line (``a 93.9% rate`` read as ``a 93.9``),
    and literal braces (``\\{``) hidden, so that they outlive the protective braces.

    Inside a field BibTeX itself reads ``%`` as text, and exports write it bare (Europe PMC,
    Scopus, Web of Science abstracts): it is a percent sign. ``%`` lines between entries
    stay comments; they are not fields. Verbatim fields are left as they are.
    """

    def transform_entry(self, entry: Entry, library: Library) -> Entry:
        for field in entry.fields:
            if not isinstance(field.value, str) or field.key.lower() in _VERBATIM:
                continue
            if "%" in field.value:
                field.value = _BARE_PERCENT.sub(r"\\%", field.value)
            if "\\" in field.value:
                field.value = _LITERAL_BRACE.sub(
                    lambda m: _OPEN if m.group(1) == "{" else _CLOSE, field.value)
        return entry


#: What LaTeX decoding acts on: a value without any of it is its own decoding, so it skips
#: pylatexenc (most of an export's text, and 92 % of the import's time on large files).
_LATEX_ACTIVE = re.compile(r"[\\{}$%~&#`]|--|''")
#: LaTeX that means the same wherever it stands: escaped signs, dashes, closing quotes and
#: ties. A value holding nothing else LaTeX acts on (no group, math, macro, parameter or
#: opening quote) is decoded token by token, each as pylatexenc decodes it alone: the
#: same text, without parsing a whole abstract for one ``\%``.
_LOCAL = re.compile(r"\\[%&]|---?|''|~")
_NOT_LOCAL = re.compile(r"[{}$#`]|\\(?![%&])")


class LatexDecoding(LatexDecodingMiddleware):
    """LaTeX decoding of every field but the verbatim ones (``url``, ``doi``), which keep
    their text: only the escapes exporters write in them anyway are undone, and braces,
    which no URL or DOI holds unencoded, dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tokens: dict[str, str] = {}

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        if not _LATEX_ACTIVE.search(python_string):
            return python_string, ""
        if not _NOT_LOCAL.search(python_string):
            return _LOCAL.sub(self._token, python_string), ""
        return super()._transform_python_value_string(python_string)

    def _token(self, match: re.Match[str]) -> str:
        token = match.group()
        if token not in self._tokens:
            self._tokens[token] = super()._transform_python_value_string(token)[0]
        return self._tokens[token]

    def transform_entry(self, entry: Entry, library: Library) -> Block:
        kept = {field.key: field.value for field in entry.fields
                if field.key.lower() in _VERBATIM and isinstance(field.value, str)}
        block = super().transform_entry(entry, library)
        if isinstance(block, Entry):
            for field in block.fields:
                if field.key in kept:
                    field.value = _verbatim(kept[field.key])
        return block


def _verbatim(value: str) -> str:
    return _VERBATIM_ESCAPE.sub(r"\1", value).replace("{", "").replace("}", "")


def literal(value: str, *, stray: bool = False) -> str:
    """Literal braces back from their stand-ins; the stray braces a repair took out too
    when ``stray`` (the original fields), else left out."""
    if _STAND_INS.isdisjoint(value):
        return value
    value = value.replace(_OPEN, "{").replace(_CLOSE, "}")
    for brace, stand_in in STRAY.items():
        value = value.replace(stand_in, brace if stray else "")
    return value
