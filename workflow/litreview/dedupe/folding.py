"""Text folded for comparison across databases: lowercase words, accents dropped."""

from __future__ import annotations

import re
import unicodedata

_GREEK = str.maketrans({"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ",
                        "κ": " kappa ", "μ": " mu ", "µ": " mu ", "ω": " omega "})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lowercase words of any script, accents dropped, one space between them."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    text = unicodedata.normalize("NFKD", text.translate(_GREEK).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()
