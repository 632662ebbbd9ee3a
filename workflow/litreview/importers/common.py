"""Shared normalisation for every importer, so all formats yield the same kind of Record.

Readers turn their input into a plain ``dict`` of raw field values (strings, or lists of
strings for multi-valued fields) plus provenance; :func:`build_record` does the rest.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ftfy import fix_encoding
from ftfy.badness import is_bad

from litreview.core.decode import utf16_codec
from litreview.core.errors import Problem
from litreview.core.languages import normalise_language
from litreview.core.records import Record, make_record_id, normalise_doi, normalise_year
from litreview.core.text import clean_text

RawValue = str | Sequence[str] | None


@dataclass(frozen=True, slots=True)
class Context:
    """What every record of one file shares: where it came from and how it was searched."""

    database: str
    source_file: str
    searched: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # explicit field → column header (tables)
    #: what was read otherwise than the file says (a skipped section row, an entry repaired,
    #: control characters removed), in file order: one list per import, told to the user
    warnings: list[Problem] = field(default_factory=list, compare=False)
    #: the whole file was seen to hold no control character: no record need be scanned
    no_controls: bool = field(default=False, compare=False)

    def warn(self, problem: Problem) -> None:
        self.warnings.append(problem)


@dataclass(frozen=True, slots=True)
class Reject:
    """A block that could not be read, kept as data (like bibtexparser's failed blocks) so
    the caller decides: fail the import listing every one, or write them to a rejects file."""

    problem: Problem
    raw: str


@dataclass(slots=True)
class Parsed:
    """What a reader found in one file: records and rejected blocks, both in file order."""

    records: list[Record] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    source: str = ""  # the tool or database the content shows ("scopus", "Ovid", "PubMed")

    @property
    def blocks(self) -> int:
        """Blocks met so far: a record's ``source_position`` counts rejected ones too."""
        return len(self.records) + len(self.rejects)

    def reject(self, problem: Problem, raw: str) -> None:
        self.rejects.append(Reject(problem, raw))


def original_json(fields: Mapping[str, RawValue]) -> str:
    """The export's own fields of one record as compact JSON with sorted keys.

    A key (tag or column header) maps to its value, or to the list of its values when it
    occurs more than once; empty values are left out. Whatever the normalised columns do
    not hold (notes, addresses, cited references, screening labels) survives here.
    """
    compact: dict[str, str | Sequence[str]] = {}
    for key, value in fields.items():
        if not value:
            continue
        if not isinstance(value, str):
            if "" in value:
                value = [v for v in value if v]
            if len(value) == 1:
                value = value[0]
            elif not value:
                continue
        compact[key] = value
    return _ORIGINAL_JSON(compact)


_ORIGINAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                                  separators=(",", ":")).encode


# --- field normalisation -------------------------------------------------------------

#: A UTF-8 lead byte read as cp1252/Latin-1 followed by a continuation byte read the same
#: way: every mojibake has one, little correct text does. A cheap gate before ftfy.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def fixed_text(value: str | None) -> str:
    """:func:`clean_text` after a mojibake repair (``"DinÃ¢mica"`` → ``"Dinâmica"``).

    The repair runs before cleaning, which would turn the ``“`` inside ``"Ã“"`` into
    ``"`` and make it unrepairable; ftfy runs only where the cheap hint and its own
    badness test agree, so correct text is left alone and imports stay fast.
    """
    if value and not value.isascii() and _MOJIBAKE_HINT.search(value) and is_bad(value):
        value = fix_encoding(value)
    return clean_text(value)


#: Inline markup exported inside titles and abstracts (Europe PMC's HTML, Crossref's JATS,
#: MathML): dropped, its text kept. Block elements (``<p>``, ``<br>``, ``<h4>``) stand
#: between words and become a space; others (``<i>``, ``<sup>``) are part of a word.
_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "big", "bold", "cite", "code", "del", "dfn", "em", "font", "i",
    "ins", "italic", "kbd", "mark", "monospace", "named-content", "overline", "q", "roman",
    "s", "samp", "sans-serif", "sc", "small", "span", "strike", "strong", "styled-content",
    "sub", "sup", "tt", "u", "underline", "var", "inline-formula", "tex-math", "ext-link",
    "xref", "uri", "math", "mi", "mo", "mn", "ms", "mtext", "mrow", "msup", "msub",
    "msubsup", "mfrac", "msqrt", "mroot", "mstyle", "mspace", "munder", "mover",
    "munderover", "mfenced", "menclose", "mpadded", "mphantom", "semantics", "annotation",
    "annotation-xml"
})
_BLOCK_TAGS = frozenset({
    "p", "br", "hr", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
    "dt", "dd", "blockquote", "table", "tr", "td", "th", "thead", "tbody", "title", "sec",
    "abstract", "list", "list-item", "label", "caption", "disp-formula", "mtable", "mtr",
    "mtd", "trans-abstract"
})
_MARKUP_PREFIXES = frozenset({"jats", "mml", "m", "xhtml", "html"})
#: A start, end or empty tag with quoted (or simple unquoted) attributes only, so that
#: ``p < 0.05``, ``a<b`` or ``A<B and C>D`` never read as one.
_TAG = re.compile(r"</?(?:(?P<prefix>[A-Za-z][\w.-]*):)?(?P<name>[A-Za-z][\w.-]*)"
                  r"(?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=`]+))*"
                  r"\s*/?>")


def strip_markup(value: str) -> str:
    """``"CO<sub>2</sub> in <i>vitro</i><br>x"`` → ``"CO2 in vitro x"``: HTML, JATS and
    MathML tags dropped (see :data:`_INLINE_TAGS`), other text untouched. In a value that
    held markup, character references (``&lt;``, ``&amp;``) are read as the markup means."""
    if "<" not in value or ">" not in value:
        return value
    stripped = _TAG.sub(_tag_replacement, value)
    return html.unescape(stripped) if stripped != value else value


def _tag_replacement(match: re.Match[str]) -> str:
    name, prefix = match.group("name").lower(), (match.group("prefix") or "").lower()
    if prefix and prefix not in _MARKUP_PREFIXES:
        return match.group()
    if name in _BLOCK_TAGS:
        return " "
    if name in _INLINE_TAGS or prefix:
        return ""
    return match.group()


_DASHES = re.compile(r"\s*(?:--|[-\u2010-\u2015\u2212])+\s*")
_NULL_GIVEN = re.compile(r",\s*null$", re.IGNORECASE)
_COMMA_NO_SPACE = re.compile(r",(?=\S)")
_AND = re.compile(r"\s+and\s+")
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[- ]?){1,4}$")
_NO_PAGES = re.compile(r"(?:not?[- ]?)?(?:specified|available)|n\.?\s?[ap]\.?|no", re.IGNORECASE)


def pages(start: str | None, end: str | None = None) -> str:
    """``("12", "20")``, ``"12--20"`` or MEDLINE's ``"349-69"`` → ``"12-20"``/``"349-369"``.

    One page stays one page; placeholders such as Ovid's ``"No-Specified"`` (split into
    ``SP  - No`` / ``EP  - Specified`` by some exports) count as no page.
    """
    if start and start.isdigit() and (not end or end.isdigit()):  # the common case, fast
        return _expand_range(f"{start}-{end}") if end and end != start else start
    first, last = (_DASHES.sub("-", clean_text(v)).strip("-") for v in (start, end))
    if _NO_PAGES.fullmatch(f"{first} {last}".strip()):
        return ""
    first, last = ("" if _NO_PAGES.fullmatch(v) else v for v in (first, last))
    if first and last and last != first and "-" not in first:
        first = f"{first}-{last}"
    elif not first:
        first = last
    return _expand_range(first)


def _expand_range(value: str) -> str:
    """``"349-69"`` → ``"349-369"``: the end page abbreviated to its changing digits."""
    start, dash, end = value.partition("-")
    if (dash and start.isdigit() and end.isdigit() and len(end) < len(start)
            and int(start[:len(start) - len(end)] + end) > int(start)):
        return f"{start}-{start[:len(start) - len(end)]}{end}"
    return value


def tidy_author(name: str) -> str:
    """One author as given, minus RefWorks' ``",null"`` and with ``"Smith,J."`` spaced."""
    name = name.strip()
    if "," in name:
        name = _COMMA_NO_SPACE.sub(", ", _NULL_GIVEN.sub("", name)).strip(" ,")
    return name


def split_authors(value: RawValue) -> tuple[str, ...]:
    """Authors from one string (``;``, then `` and `` or ``|``) or from a list of names.

    A bare comma list is ambiguous: ``"Liu R., Adler D.G."`` (Embase) is two authors, but
    ``"Liu, R."`` is one. Commas separate authors only when every part has a space in it
    (``Surname Initials``) or the parts pair up as surname / initials.
    """
    if not value:
        return ()
    if isinstance(value, str):
        names = _split_author_string(fixed_text(value))
    else:  # one author per line or list item (RIS AU): only ';' may pack several
        names = [n for item in value for n in fixed_text(item).split(";")]
    return _unique(tidy_author(name) for name in names)


def _split_author_string(text: str) -> list[str]:
    if not text:
        return []
    for sep in (";", "|"):
        if sep in text:
            return text.split(sep)
    if " and " in text:
        return _AND.split(text)
    if "," not in text:
        return [text]
    parts = [p.strip() for p in text.split(",")]
    if all(" " in p for p in parts if p):
        return parts
    if len(parts) > 2 and len(parts) % 2 == 0 and all(_INITIALS.match(p) for p in parts[1::2]):
        return [f"{s}, {g}" for s, g in zip(parts[::2], parts[1::2], strict=True)]
    return [text]


def split_terms(value: RawValue) -> tuple[str, ...]:
    """Keywords or subject headings: ``;`` or ``|`` lists, else commas outside brackets;
    mojibake repaired as in titles.

    A string is one cell and may be a comma list: Embase writes
    ``"cyst (diagnosis, surgery), article"``, where the bracketed comma is no separator.
    A sequence is already itemised by the format (one RIS ``KW`` per line), so commas stay
    inside items there and ``"Models, Biological"`` survives whole.
    """
    if not value:
        return ()
    if isinstance(value, str):
        return _unique(_split_term_string(fixed_text(value), commas=True))
    return _unique(part for item in value
                   for part in _split_term_string(fixed_text(item), False))


def _split_term_string(text: str, commas: bool) -> list[str]:
    for sep in (";", "|"):
        if sep in text:
            return text.split(sep)
    if not commas or "," not in text:
        return [text]
    parts, depth, current = [], 0, []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Stripped, non-empty, first occurrence kept (items are already clean text)."""
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def first_url(value: str | None) -> str:
    """The first URL of a field; exports join several with spaces or leak the next tag in."""
    text = clean_text(value)
    return text.split(" ", 1)[0] if text else ""


_URL_ID = re.compile(r"^https?://\S+/([^/\s]+)/?$")


def accession_id(value: str | None) -> str:
    """An accession id; a URL id (``https://openalex.org/W123``) becomes its last segment."""
    text = clean_text(value)
    match = _URL_ID.match(text)
    return match.group(1) if match else text


#: A name: letters first, then letters, ``_ ' . -``; with a lower-case letter, which the
#: upper-case codes of accession numbers (``EJ``, ``ED``, ``WOS``, ``PMID``) lack.
_KEY_NAME = r"(?=[^\W\d_](?:[^\W\d]|['’.-])*?[a-z])[^\W\d_](?:[^\W\d]|['’.-])*?"
_KEY_YEAR = r"(?:1[5-9]|20)\d\d"
_CITATION_KEY = re.compile(
    rf"{_KEY_NAME}[_:.-]?{_KEY_YEAR}(?:[_:.-]?[^\W\d_][^\W\d]*)?"  # Smith2020a, smith_2020_x
    rf"|(?=[A-Z][^\W\d_]*[a-z])[A-Z][^\W\d_]+{_KEY_YEAR}\d{{1,5}}[a-z]?")  # Scopus: page too


def citation_key(value: str) -> bool:
    """Whether ``value`` is a citation key a tool made from the author and year.

    ``Smith2020``, ``Smith2020a``, ``smith_2020_nurse``, ``aikenNurse2014``,
    ``Aiken:2014aa`` and Scopus's ``Firstwriter2021133`` (year, then first page) name no
    record in any database, and the ``a``/``b`` that tell two apart follow the order of
    the export: never an accession. Keys that are a database's numbers (``cd583305``,
    ``WOS:000223334444221``, ``PMID:36788546``, ``EJ1181769``) and DBLP's persistent keys
    (``DBLP:journals/tosem/WangYWHW22``) are not citation keys.
    """
    return _CITATION_KEY.fullmatch(value.strip()) is not None


# --- document types ------------------------------------------------------------------

#: RIS ``TY`` codes (the RIS specification's and EndNote's own) → records.DOCUMENT_TYPES.
#: An entry in a dictionary or encyclopedia is a chapter of it; a serial (book series) is a
#: book; legal, personal and press texts are documents. Codes for non-text works (ART,
#: MAP, VIDEO, SOUND, DATA, COMP, ...) and GEN have no place in the vocabulary: ``"other"``.
RIS_TYPES: dict[str, str] = {
    **dict.fromkeys(("JOUR", "JFULL", "MGZN", "NEWS", "EJOUR", "INPR", "ABST"), "article"),
    **dict.fromkeys(("BOOK", "EBOOK", "EDBOOK", "SER", "CLSWK"), "book"),
    **dict.fromkeys(("CHAP", "ECHAP", "DICT", "ENCYC"), "chapter"),
    **dict.fromkeys(("RPRT", "GOVDOC", "HEAR"), "report"),
    "THES": "thesis",
    **dict.fromkeys(("CONF", "CPAPER"), "conference"),
    **dict.fromkeys(("ELEC", "WEB", "BLOG", "ICOMM"), "webpage"),
    **dict.fromkeys(("UNPB", "UNPD", "MANSCPT", "PAMP", "STAND", "PCOMM", "PRESS", "INTV",
                     "CTLG", "ANCIENT", "PAT", "BILL", "UNBILL", "STAT", "LEGAL", "CASE"),
                    "document"),
    **dict.fromkeys(("GRANT", "GRNT"), "project"),
}

#: Free-text type names (CSV columns, BibTeX entry types) → records.DOCUMENT_TYPES, by
#: the first matching word; order matters ("book chapter" is a chapter, "case report"
#: and "online article" are articles).
_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("chapter", "chapter"), ("book section", "chapter"), ("incollection", "chapter"),
    ("inbook", "chapter"), ("case report", "article"), ("book review", "article"),
    ("conference", "conference"), ("proceeding", "conference"), ("congress", "conference"),
    ("meeting", "conference"), ("thesis", "thesis"), ("dissertation", "thesis"),
    ("book", "book"), ("report", "report"), ("government", "report"),
    ("article", "article"), ("journal", "article"), ("review", "article"),
    ("letter", "article"), ("editorial", "article"), ("note", "article"),
    ("erratum", "article"), ("survey", "article"), ("comment", "article"),
    ("preprint", "article"), ("magazine", "article"), ("newspaper", "article"),
    ("web", "webpage"), ("online", "webpage"), ("blog", "webpage"),
    ("grant", "project"), ("project", "project"), ("manuscript", "document"),
    ("unpublished", "document"), ("standard", "document"), ("pamphlet", "document"),
    ("encyclopedia", "chapter"), ("dictionary", "chapter"), ("serial", "book"),
    ("personal communication", "document"), ("press release", "document"),
    ("interview", "document"), ("patent", "document"), ("hearing", "report"),
    ("statute", "document"),
)


def type_from_name(name: str | None) -> str:
    """Map a free-text document type to the shared vocabulary; unknown → ``"other"``."""
    text = clean_text(name).casefold()
    if ";" in text:  # "Article; Proceedings Paper" (Web of Science): the first that maps
        return next((k for k in map(type_from_name, text.split(";")) if k != "other"), "other")
    if not text:
        return "other"
    if text.upper() in RIS_TYPES:  # a RIS code in a CSV column ("JOUR")
        return RIS_TYPES[text.upper()]
    for word, kind in _TYPE_WORDS:
        if word in text:
            return kind
    return "other"


# --- control characters --------------------------------------------------------------

#: C0 controls other than tab, line feed and carriage return: not text in any export, and
#: a spreadsheet (openpyxl) refuses to write them. The separators among them (vertical
#: tab, form feed, the information separators) stand between words: a space, not nothing.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character :func:`without_controls` removes."""
    return _CONTROLS.search(text) is not None
_SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")


def _strip_controls(value: str) -> str:
    return _CONTROLS.sub(lambda m: " " if m.group() in _SEPARATORS else "", value)


def _controls_in(fields: Mapping[str, RawValue]) -> dict[str, set[str]]:
    """Field name → the control characters in its value(s); only fields that have some."""
    found: dict[str, set[str]] = {}
    for name, value in fields.items():
        for text in [value] if isinstance(value, str) else value or ():
            if isinstance(text, str) and _CONTROLS.search(text):
                found.setdefault(name, set()).update(_CONTROLS.findall(text))
    return found


def _stripped(fields: Mapping[str, RawValue], names: Iterable[str]) -> dict[str, RawValue]:
    out = dict(fields)
    for name in names:
        value = out[name]
        out[name] = (_strip_controls(value) if isinstance(value, str)
                     else [_strip_controls(v) for v in value or ()])
    return out


_CONTROLS_HINT = ("they are not text: a damaged export, or text pasted from another "
                  "program; the rest of each value is kept")
#: The same characters in XML, raw or as character references: XML 1.0 allows neither,
#: so an EndNote export holding one would stop the parser at that record.
_XML_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]"
                           rb"|&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[\da-fA-F]));")


def _codes(chars: Iterable[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in sorted(chars))


def xml_without_controls(data: bytes, ctx: Context) -> bytes:
    """XML bytes (UTF-8 or a single-byte encoding) without control characters, each line
    that had some said; UTF-16 XML is left to the parser."""
    if utf16_codec(data) or not _XML_CONTROLS.search(data):
        return data
    lines: dict[int, set[str]] = {}
    line, counted = 1, 0
    for match in _XML_CONTROLS.finditer(data):
        line, counted = line + data.count(b"\n", counted, match.start()), match.start()
        lines.setdefault(line, set()).add(_xml_char(match.group()))
    for line, chars in lines.items():
        ctx.warn(Problem(ctx.source_file, f"removed control character(s) {_codes(chars)} "
                         "(XML cannot hold them)", line, hint=_CONTROLS_HINT))
    return _XML_CONTROLS.sub(lambda m: b" " if _xml_char(m.group()) in _SEPARATORS else b"",
                             data)


def _xml_char(token: bytes) -> str:
    """The character a raw byte or a character reference (``&#1;``, ``&#x1F;``) stands for."""
    if len(token) == 1:
        return chr(token[0])
    return chr(int(token[3:-1], 16) if token[2:3] in b"xX" else int(token[2:-1]))


def without_controls(ctx: Context, line: int, raw: Mapping[str, RawValue],
                     original: Mapping[str, RawValue] | None,
                     ) -> tuple[Mapping[str, RawValue], Mapping[str, RawValue] | None]:
    """``raw`` and ``original`` without control characters, and a warning naming the file,
    the record's line, the fields and the characters when there were any.

    Every reader's fields pass through :func:`build_record`, so this is the one place: no
    later stage (screening sheets, reports) meets a NUL or an escape character.
    """
    if ctx.no_controls:
        return raw, original  # the common case: the file was scanned once, whole
    in_raw = _controls_in(raw)
    in_original = _controls_in(original) if original else {}
    if not in_raw and not in_original:
        return raw, original
    chars = set().union(*in_raw.values(), *in_original.values())
    names = list(in_raw) or list(in_original)
    ctx.warn(Problem(ctx.source_file, f"removed control character(s) {_codes(chars)} from "
                     f"{', '.join(names)}",
                     line, hint=_CONTROLS_HINT))
    return _stripped(raw, in_raw), (_stripped(original, in_original) if original else original)


# --- the record ----------------------------------------------------------------------

#: What exports write in a DOI field for "none": no DOI, and nothing to say about it.
_NO_DOI = re.compile(r"[-–—.\s]*|n\.?\s?/?\s?[ap]\.?|none|null|nil|no doi|not available",
                     re.IGNORECASE)


def _warn_not_a_doi(ctx: Context, line: int, value: str) -> None:
    """A DOI field whose value is no DOI (``10.1/abc``): left out of ``doi``, said."""
    if _NO_DOI.fullmatch(value):
        return
    shown = value if len(value) <= 80 else value[:77] + "..."
    ctx.warn(Problem(ctx.source_file, f"DOI '{shown}' is not a DOI (10.NNNN/...): left out "
                     "of the doi field, kept in the original fields", line,
                     hint="a DOI starts with 10., four to nine digits and a slash; correct "
                     "it in the export if it was cut or mistyped"))


def build_record(ctx: Context, position: int, line: int, raw: Mapping[str, RawValue],
                 original: Mapping[str, RawValue] | None = None) -> Record:
    """Normalise one reader's raw fields into a :class:`Record` with a stable id.

    ``raw`` keys are Record field names; ``authors``, ``keywords`` and ``subjects`` are
    split here (readers pass what the file holds), ``pages`` must already be joined.
    ``original`` is the record as the export has it (tag or column → value), kept whole.
    Control characters are removed from both first, and said (see :func:`without_controls`).
    """
    raw, original = without_controls(ctx, line, raw, original)

    def raw_text(name: str) -> str:
        value = raw.get(name)
        return value if isinstance(value, str) else "; ".join(value or ())

    def text(name: str) -> str:
        return clean_text(raw_text(name))

    title = fixed_text(strip_markup(raw_text("title")))
    authors = split_authors(raw.get("authors"))
    doi = normalise_doi(text("doi"))
    if not doi and text("doi"):
        _warn_not_a_doi(ctx, line, text("doi"))
    year = normalise_year(text("year"))
    source_id = accession_id(text("source_id"))
    return Record(
        record_id=make_record_id(ctx.database, source_id, doi, title, year, authors,
                                 "" if title or doi else strip_markup(raw_text("abstract"))),
        database=ctx.database,
        source_file=ctx.source_file,
        source_position=position,
        source_id=source_id,
        type=text("type") or "other",
        title=title,
        authors=authors,
        year=year,
        journal=fixed_text(raw_text("journal")),
        volume=text("volume"),
        issue=text("issue"),
        pages=text("pages"),  # joined by the reader with pages()
        doi=doi,
        abstract=fixed_text(strip_markup(raw_text("abstract"))),
        keywords=split_terms(raw.get("keywords")),
        subjects=split_terms(raw.get("subjects")),
        language=normalise_language(raw_text("language")),
        url=first_url(text("url")),
        source_line=line,
        searched=ctx.searched,
        original=original_json(original) if original else "",
    )
