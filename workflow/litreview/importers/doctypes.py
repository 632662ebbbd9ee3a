"""Document types: RIS codes and free-text type names → the shared vocabulary
(``records.DOCUMENT_TYPES``)."""

from __future__ import annotations

from litreview.core.text import clean_text

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
