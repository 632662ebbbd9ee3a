"""What every format writes alike: a person's name split, pages split, one-line text."""

from __future__ import annotations

import re

_AND = re.compile(r"\s+and\s+|\s*&\s*", re.IGNORECASE)
#: Characters XML 1.0 cannot hold, and line breaks other than ``\n``.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\u0085]+")


def person_name(name: str) -> tuple[str, str] | None:
    """``"von Neumann, J."`` → ``("von Neumann", "J.")``; None for a name to write whole:
    an organisation (no comma, several commas, or an "and" in it: ``Department for
    Children, Schools and Families``) or a name without given names."""
    family, comma, given = name.partition(",")
    family, given = family.strip(), given.strip()
    if not comma or "," in given or not family or not given or _AND.search(name):
        return None
    return family, given


def page_range(pages: str) -> tuple[str, str]:
    """``"12-20"`` → ``("12", "20")``; one page or an article number → ``("e123", "")``."""
    first, dash, last = pages.partition("-")
    if dash and first.strip() and last.strip():
        return first.strip(), last.strip()
    return pages.strip(), ""


def one_line(text: str) -> str:
    """Text on one line (a tagged format's value cannot break), without control
    characters."""
    return " ".join(_BREAKS.sub(" ", xml_safe(text)).split(" ")).strip()


def xml_safe(text: str) -> str:
    """Text without the characters XML cannot hold (a record has none; a guard)."""
    return _NOT_XML.sub("", text)
