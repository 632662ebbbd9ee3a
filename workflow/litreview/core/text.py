"""Text as every stage compares it: NFC, straight quotes, one space."""

from __future__ import annotations

import re
import unicodedata


def clean_text(value: str | None) -> str:
    """NFC, straight apostrophes and quotes, whitespace collapsed and stripped.

    ``str.split()`` and ``\\s`` agree on what whitespace is, and ASCII text needs no NFC and
    has no curly quotes: it takes the short way (on a 100k-record import this saves seconds).
    Text already tidy is returned as it is: every whitespace character but the space is
    unprintable, so printable text with no space doubled or at either end has nothing to
    collapse (half the time of splitting it).
    """
    if not value:
        return ""
    value = str(value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
        value = value.replace("\u2019", "'").replace("\u2018", "'")
        value = value.replace("\u201c", '"').replace("\u201d", '"')
    if (value.isprintable() and "  " not in value and not value.startswith(" ")
            and not value.endswith(" ")):
        return value
    return " ".join(value.split())


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~$])")
_MARKDOWN_ESCAPED = re.compile(r"\\([\\`*_\[\]<>&|~$])")


def markdown_text(value: str) -> str:
    """``value`` shown as written in Markdown: characters that would make emphasis, code,
    links, HTML, entities, maths or a table cell's end are backslash-escaped (CommonMark
    and GitHub tables read ``\\|`` as a ``|``), and line breaks and runs of spaces become
    one space."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def markdown_plain(text: str) -> str:
    """The text :func:`markdown_text` escaped (for a reader of a summary.md, such as the
    report)."""
    return _MARKDOWN_ESCAPED.sub(r"\1", text)
