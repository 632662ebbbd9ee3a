"""Text as every stage compares it: NFC, straight quotes, one space."""

from __future__ import annotations

import unicodedata


def clean_text(value: str | None) -> str:
    """NFC, straight apostrophes and quotes, whitespace collapsed and stripped.

    ``str.split()`` and ``\\s`` agree on what whitespace is, and ASCII text needs no NFC and
    has no curly quotes: it takes the short way (on a 100k-record import this saves seconds).
    """
    if not value:
        return ""
    value = str(value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
        value = value.replace("\u2019", "'").replace("\u2018", "'")
        value = value.replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(value.split())
