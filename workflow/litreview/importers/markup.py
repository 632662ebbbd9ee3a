"""Markup inside titles and abstracts (HTML, JATS, MathML): tags dropped, text kept."""

from __future__ import annotations

import html
import re

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
    closed = {m.group(1).lower() for m in _CLOSING.finditer(value)}
    stripped = _TAG.sub(lambda match: _tag_replacement(match, closed), value)
    return html.unescape(stripped) if stripped != value else value


#: The name of a closing tag (``</i>``, ``</jats:italic>``).
_CLOSING = re.compile(r"</(?:[A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)\s*>")


def _tag_replacement(match: re.Match[str], closed: set[str]) -> str:
    """What a tag becomes: a space for a block element, nothing for inline markup — an
    inline start tag only when the value closes it too, so that a title such as ``<A>`` or
    ``Groups <B> and <C>`` keeps its letters."""
    name, prefix = match.group("name").lower(), (match.group("prefix") or "").lower()
    if prefix and prefix not in _MARKUP_PREFIXES:
        return match.group()
    if name in _BLOCK_TAGS:
        return " "
    if name in _INLINE_TAGS or prefix:
        whole = match.group()
        lone = not whole.startswith("</") and not whole.endswith("/>") and name not in closed
        return whole if lone else ""
    return match.group()
