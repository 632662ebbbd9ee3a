"""BibTeX reader on bibtexparser v2, which keeps the start line of every block.

Blocks the parser cannot read, and duplicate keys, become located rejects (with their raw
text) instead of vanishing, so an export with one broken entry is reported, not silently
shortened. Text between entries is a comment to BibTeX, so an entry that lost its ``@``
(``article{key, title={...}}``) would vanish: comment text that looks like an entry or a
field is a located reject too. ``%`` lines and ``@comment`` blocks are deliberate comments
and stay silent. An entry's original fields are its type (``ENTRYTYPE``), key (``ID``) and every
field as written, LaTeX accents decoded; a bare ``%`` in a field is a percent sign (as
BibTeX reads it), not a LaTeX comment; a literal brace (``\\{``) stays a brace while
protective ones (``{DNA}``) go; ``url`` and ``doi`` are verbatim, not LaTeX (see
:mod:`~litreview.importers.bibtex_latex`). An entry without pages takes its article number
(``art_number``, ``article-number``, biblatex's ``eid``); ``@misc``/``@online`` with an
``eprint`` (arXiv's export) is a preprint, typed as an article.

The accession id is a database's own number when the entry has one: Web of Science's
``unique-id`` (``WOS:…``), Scopus's ``eid`` or the ``eid=2-s2.0-…`` in its URL,
``accession-number`` or ``an``, else ``pmid``. Failing those it is the entry key, unless
the key is a citation key made from author and year (``Firstwriter2022``,
``Smith2020a``: :func:`~litreview.importers.fields.citation_key`), which names no record
and whose ``a``/``b`` follow the order of the export; such an entry has the id of a
record without accession, a hash of its content. Keys that are accession numbers
(ChildData's ``cd583305``, EBSCOhost's AN, ``WOS:…``) and DBLP's persistent keys
(``DBLP:journals/…``) stay the accession.
"""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
)

from litreview.core.errors import InputError, Problem
from litreview.core.records import Record
from litreview.importers.bibtex_latex import (
    STRAY,
    Escapes,
    LatexDecoding,
    ampersands,
    literal,
)
from litreview.importers.build import build_record
from litreview.importers.context import Context, Parsed, Reject
from litreview.importers.fields import citation_key, pages

_TYPES = {
    "article": "article", "book": "book", "booklet": "book", "incollection": "chapter",
    "inbook": "chapter", "techreport": "report", "report": "report",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "inproceedings": "conference", "conference": "conference", "proceedings": "conference",
    "unpublished": "document", "manual": "document",
}
_WEB_TYPES = frozenset({"misc", "online", "electronic", "www", "webpage"})
_HINT = "check that braces and quotes balance and fields are separated by commas"
#: ``article{key,`` at a line start: an entry head without its ``@``.
_ENTRY_HEAD = re.compile(r"^\s*[A-Za-z]\w*\s*[{(]\s*[^\s,{}()=\"#%]+\s*,")
#: ``title = {``, ``year = 2020``: a field assignment at a line start.
_FIELD = re.compile(r"^\s*[A-Za-z][\w:.-]*\s*=\s*[{\"\d]")
#: Fields holding a database's accession number, in the order they are preferred.
_ACCESSION_FIELDS = ("unique-id", "eid", "accession-number", "an", "pmid")
_SCOPUS_EID = re.compile(r"(?:^|[?&]eid=)(2-s2\.0-\d+)")


def read_bibtex(text: str, ctx: Context) -> Parsed:
    """Parse BibTeX text into records and located rejects (unreadable or duplicate entries).

    When some entry cannot be read and the export writes one field per line, a value whose
    braces do not balance (scraped web text in an abstract) is repaired on its own line, with
    a warning, and the text parsed again (see :func:`repair_field_lines`).
    """
    library = _parse(text, ctx)
    if library.failed_blocks or _has_stray_fields(library):
        repaired, problems = repair_field_lines(text, ctx)
        if problems:
            library = _parse(repaired, ctx)
            for problem in problems:
                ctx.warn(problem)
    failed = {id(block) for block in library.failed_blocks}
    out = Parsed()
    for block in library.blocks:  # file order: positions count rejected entries too
        if id(block) in failed:
            problem = _problem(ctx, block, library)
            out.rejects.append(Reject(problem, str(getattr(block, "raw", "") or "").strip()))
        elif isinstance(block, Entry):
            out.records.append(_record(ctx, out.blocks + 1, block))
        elif isinstance(block, ImplicitComment):
            out.rejects.extend(stray_entries(ctx, block.start_line + 1, str(block.raw or "")))
    return out


def stray_entries(ctx: Context, first_line: int, text: str) -> list[Reject]:
    """Rejects for comment text (starting at ``first_line``) that looks like entries.

    A line opening an entry without ``@`` starts a reject that runs until its braces
    close; a field line outside such an entry is a reject of its own.
    """
    rejects = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        head = _ENTRY_HEAD.match(lines[i])
        if not head and not _FIELD.match(lines[i]):
            i += 1
            continue
        end = _entry_end(lines, i) if head else i + 1
        what = "a BibTeX entry without its '@'" if head else "a BibTeX field outside any entry"
        hint = ("write '@' before the entry type, as in @article{key, ...}" if head else
                "put it inside its entry, or start the line with % if it is a comment")
        problem = Problem(ctx.source_file, f"'{lines[i].strip()[:40]}' looks like {what}; "
                          "BibTeX would skip it as a comment", first_line + i, hint=hint)
        rejects.append(Reject(problem, "\n".join(lines[i:end]).strip()))
        i = end
    return rejects


def _has_stray_fields(library: Library) -> bool:
    """Whether text between entries holds a field line: what an entry closed too early by a
    stray ``}`` leaves behind."""
    return any(isinstance(block, ImplicitComment) and
               any(_FIELD.match(line) for line in str(block.raw or "").split("\n"))
               for block in library.blocks)


#: ``@article{key,`` alone on its line: the head of an entry written one field per line.
_HEAD_LINE = re.compile(r"^\s*@[A-Za-z]+\s*\{\s*[^\s,{}]+\s*,\s*$")
#: ``Title = {value},`` or ``title = "value"`` filling its line.
_FIELD_LINE = re.compile(r'^(?P<lead>\s*(?P<name>[A-Za-z][\w:.-]*)\s*=\s*)'
                         r'(?P<open>[{"])(?P<value>.*)(?P<close>[}"])(?P<tail>\s*,?\s*)$')


def repair_field_lines(text: str, ctx: Context) -> tuple[str, list[Problem]]:
    """The text with stray braces in field values set apart, and a warning for each line.

    Only entries written one field per line are touched: a head line ``@type{key,``, then
    lines that each hold one whole field, then a line with ``}`` alone (EBSCOhost's form).
    There each line is a field, so a brace that does not balance within its line is text,
    not structure; written ``\\{`` it stays text. Any other shape is left as it is, and
    what cannot be read stays a located reject. Line numbers do not change.
    """
    lines = text.split("\n")
    problems: list[Problem] = []
    i = 0
    while i < len(lines):
        if not _HEAD_LINE.match(lines[i]):
            i += 1
            continue
        end = _field_lines_end(lines, i + 1)
        if end is None:
            i += 1
            continue
        for j in range(i + 1, end):
            fixed = _balanced_line(lines[j])
            if fixed != lines[j]:
                lines[j] = fixed
                name = _FIELD_LINE.match(fixed)
                problems.append(Problem(
                    ctx.source_file, f"the value of '{name.group('name') if name else '?'}' "
                    "has braces that do not balance; read to the end of its line, the stray "
                    "brace left out of the field (the original fields keep it)", j + 1,
                    hint="the export copied text with a brace in it; check this field"))
        i = end + 1
    return "\n".join(lines), problems


def _field_lines_end(lines: list[str], start: int) -> int | None:
    """Index of the ``}`` line closing an entry whose every line from ``start`` is one
    whole field (blank lines allowed), or ``None`` when the entry has another shape."""
    for j in range(start, len(lines)):
        line = lines[j].strip()
        if line == "}":
            return j if j > start else None
        if line and not _FIELD_LINE.match(lines[j]):
            return None
    return None


def _balanced_line(line: str) -> str:
    """A field line with the braces of its value that do not pair set apart: stand-ins
    (:data:`~litreview.importers.bibtex_latex.STRAY`) that the field leaves out and the
    original fields keep."""
    match = _FIELD_LINE.match(line)
    if not match or (match.group("open") == "{") != (match.group("close") == "}"):
        return line
    value = match.group("value")
    stray, opened = [], []
    for k, char in enumerate(value):
        if char in "{}" and k and value[k - 1] == "\\":
            continue  # already escaped
        if char == "{":
            opened.append(k)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                stray.append(k)
    stray = sorted(stray + opened)
    if not stray:
        return line
    for k in reversed(stray):
        value = value[:k] + STRAY[value[k]] + value[k + 1:]
    return (f"{match.group('lead')}{match.group('open')}{value}{match.group('close')}"
            f"{match.group('tail')}")


def _entry_end(lines: list[str], start: int) -> int:
    """The index after the line where the braces opened at ``start`` balance again."""
    depth = 0
    for i in range(start, len(lines)):
        depth += lines[i].count("{") + lines[i].count("(")
        depth -= lines[i].count("}") + lines[i].count(")")
        if depth <= 0:
            return i + 1
    return len(lines)


def _parse(text: str, ctx: Context) -> Library:
    """Parse with LaTeX accents decoded; the parser's own warnings are ours to report."""
    text = ampersands(text)
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        # braces kept, so a braced corporate author is not split at its "and"
        decode = LatexDecoding(keep_braced_groups=True)
        return bibtexparser.parse_string(text, append_middleware=[Escapes(), decode])
    except Exception as error:
        raise InputError(Problem(ctx.source_file, f"cannot parse as BibTeX: {error}",
                                 hint=_HINT)) from error
    finally:
        logger.setLevel(level)


def _problem(ctx: Context, block: object, library: Library) -> Problem:
    line = getattr(block, "start_line", 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        first = library.entries_dict.get(block.key)
        where = f" (first at line {first.start_line + 1})" if first else ""
        return Problem(ctx.source_file, f"duplicate entry key '{block.key}'{where}", line,
                       hint="give every entry its own key")
    if isinstance(block, DuplicateFieldKeyBlock):
        entry = block.ignore_error_block
        key = f" '{entry.key}'" if isinstance(entry, Entry) else ""
        fields = ", ".join(sorted(block.duplicate_keys))
        return Problem(ctx.source_file, f"entry{key} has the field(s) {fields} more than once",
                       line, hint="keep one value per field")
    error = getattr(block, "error", None)
    detail = getattr(error, "abort_reason", "") or str(error or "").strip()
    detail = " ".join(detail.replace("`", "'").split()) or "unreadable block"
    return Problem(ctx.source_file, f"cannot read this BibTeX entry: {detail}", line, hint=_HINT)


def _record(ctx: Context, position: int, entry: Entry) -> Record:
    values = {key.lower(): _plain(field.value) for key, field in entry.fields_dict.items()}

    def get(*names: str) -> str:
        return next((values[n] for n in names if values.get(n)), "")

    def raw(name: str) -> str:
        field = next((f for k, f in entry.fields_dict.items() if k.lower() == name), None)
        return str(field.value) if field is not None else ""

    journal = get("journal", "journaltitle", "booktitle")
    url = get("url")
    kind = entry.entry_type.lower()
    if kind in _WEB_TYPES and get("eprint", "arxivid"):
        doc_type = "article"  # a preprint (arXiv's own export: @misc with eprint), no web page
    elif kind in _WEB_TYPES:
        doc_type = "webpage" if url and not journal else "other"
    else:
        doc_type = _TYPES.get(kind, "other")
    raw = {
        "source_id": _accession(values, entry.key),
        "type": doc_type,
        "title": get("title"),
        "authors": _authors(raw("author") or raw("editor")),
        "year": get("year", "date"),
        "journal": journal,
        "volume": get("volume"),
        "issue": get("number", "issue"),
        "pages": pages(get("pages")) or _article_number(values),
        "doi": get("doi"),
        "abstract": get("abstract"),
        "keywords": get("keywords", "keyword", "author_keywords"),
        "subjects": get("subjects", "mesh", "descriptors"),
        "language": get("language", "langid"),
        "url": url,
    }
    original = {"ENTRYTYPE": entry.entry_type, "ID": entry.key,
                **{key: literal(str(field.value), stray=True)
                   for key, field in entry.fields_dict.items()}}
    return build_record(ctx, position, entry.start_line + 1, raw, original)


def _accession(values: dict[str, str], key: str) -> str:
    """The entry's accession id (the rule is in the module docstring)."""
    for name in _ACCESSION_FIELDS:
        value = values.get(name, "").strip()
        if name == "eid":
            match = _SCOPUS_EID.search(value)
            value = match.group(1) if match else ""
        if value:
            return value
    match = _SCOPUS_EID.search(values.get("url", ""))
    if match:
        return match.group(1)
    return "" if citation_key(key) else key


def _article_number(values: dict[str, str]) -> str:
    """The article number of an entry without pages, as the RIS and tabular readers take
    it: Scopus's ``art_number``, Web of Science's ``article-number``, biblatex's ``eid``
    (unless that is a Scopus EID, an accession)."""
    eid = values.get("eid", "").strip()
    eid = "" if _SCOPUS_EID.search(eid) else eid
    return next((v for v in (values.get("art_number", "").strip(),
                             values.get("article-number", "").strip(), eid) if v), "")


def _plain(value: object) -> str:
    """Field text without the braces that BibTeX uses to protect capitals; literal braces
    (written ``\\{``) kept."""
    return literal(str(value).replace("{", "").replace("}", ""))


def _authors(value: str) -> list[str]:
    """Names split at the top-level `` and ``: ``{Department for Children, Schools and
    Families}`` stays one corporate author, as BibTeX's braces say."""
    names: list[str] = []
    depth = start = 0
    for match in re.finditer(r"[{}]|\s+and\s+", value):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            names.append(value[start:match.start()])
            start = match.end()
    names.append(value[start:])
    return [_plain(n).strip() for n in names if _plain(n).strip()]
