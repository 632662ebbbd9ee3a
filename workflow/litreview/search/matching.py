"""How a term finds a record: folded text, word-boundary free text, and subject headings.

Free text matches title, abstract and keywords on word boundaries, with ``*``
truncation, ``?`` one optional character, and the words of a phrase adjacent (any
punctuation between them); apostrophes are ignored, so ``Children*`` finds "children's".
A heading matches a record's subject headings exactly, case-insensitively (a record with
no subject headings offers its keywords instead: some databases export their index terms
as keywords); a truncated heading matches the headings it is a prefix of; ``(exp)`` adds
the narrower headings of the thesaurus. A heading the platform marked as major
(``*Paleontology``, ``Heart Rate/*physiology``) is found without its mark, and a MeSH
heading with subheadings (``Isoenzymes/metabolism``, Ovid's ``Liver/pa [Pathology]``) by
its descriptor too, as a heading search on the platform finds it (:func:`heading_keys`).

How the records are searched fast is :mod:`litreview.search.corpus`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCTUATION = (("\u2018", ""), ("\u2019", ""), ("\u201c", '"'), ("\u201d", '"'),
                ("\u2002", " "), ("\u2003", " "), ("\u2009", " "), ("\u2010", "-"),
                ("\u2011", "-"), ("\u2012", "-"), ("\u2013", "-"), ("\u2014", "-"),
                ("\u2212", "-"), ("\u2026", "..."))


def _plain_latin1(byte: int) -> int:
    """A Latin-1 character lowercased and without its accent (``É`` → ``e``), as the
    folding of other scripts does; itself when that is not one Latin-1 character."""
    lower = chr(byte).lower()
    if len(lower) != 1 or ord(lower) > 255:
        return byte
    plain = "".join(c for c in unicodedata.normalize("NFKD", lower)
                    if not unicodedata.combining(c))
    return ord(plain) if len(plain) == 1 and ord(plain) < 256 else ord(lower)


#: Latin-1 lowercase and unaccented, and no-break space to space, as one byte table: a
#: record folds the same whether or not another record holds a character beyond Latin-1.
_LATIN1_LOWER = bytes(_plain_latin1(b) for b in range(256)).replace(b"\xa0", b" ")


def fold(text: str) -> str:
    """Lowercase, apostrophes dropped (``Children's`` is one word, as databases index it),
    typographic punctuation made plain, and, beyond Latin-1, accents dropped.

    Text that fits Latin-1 is folded as bytes, in C, and stays in Python's one-byte string
    form.
    """
    folded = fold_latin1(text)
    return folded.decode("latin-1") if isinstance(folded, bytes) else folded


def fold_latin1(text: str) -> bytes | str:
    """The text folded (:func:`fold`), as Latin-1 bytes when it fits them."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        for char, plain in _PUNCTUATION:
            if char in text:
                text = text.replace(char, plain)
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:  # other scripts: one table, of every character met
            return text.translate(_FOLDED)
    return data.translate(_LATIN1_LOWER, b"'")


class _FoldedChars(dict[int, str]):
    """Each character's fold (:func:`_folded_char`), worked out when first met: a table
    for ``str.translate``."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _folded_char(chr(code))
        return folded


_FOLDED = _FoldedChars()


def _folded_char(char: str) -> str:
    """One character folded as :func:`fold` folds text: Latin-1 by its byte table, any
    other lowercased with its accents dropped (NFKD, combining marks off)."""
    if char == "'":
        return ""
    if ord(char) < 256:
        return chr(_LATIN1_LOWER[ord(char)])
    return "".join(c for c in unicodedata.normalize("NFKD", char)
                   if not unicodedata.combining(c)).lower()


#: The fields a search reads, in the order the corpus takes them: a records file read for
#: searching needs no others.
SEARCHED_FIELDS = ("title", "abstract", "keywords", "subjects")


#: MeSH subheadings (qualifiers), current and retired, as PubMed writes them after a ``/``,
#: and their two-letter codes, which Ovid writes (``/th [Therapy]``): ``code name`` entries.
_MESH_QUALIFIER_TABLE = """
ab abnormalities; ad administration & dosage; ae adverse effects; ag agonists;
aa analogs & derivatives; an analysis; ah anatomy & histology; ai antagonists & inhibitors;
bi biosynthesis; bl blood; bs blood supply; cf cerebrospinal fluid; cs chemical synthesis;
ci chemically induced; ch chemistry; cl classification; co complications; cn congenital;
ct contraindications; cy cytology; df deficiency; di diagnosis; dg diagnostic imaging;
du diagnostic use; dh diet therapy; de drug effects; dt drug therapy; ec economics;
ed education; em embryology; en enzymology; ep epidemiology; es ethics; eh ethnology;
et etiology; ge genetics; gd growth & development; hi history; im immunology; in injuries;
ir innervation; is instrumentation; ip isolation & purification;
lj legislation & jurisprudence; ma manpower; me metabolism; mt methods; mi microbiology;
mo mortality; nu nursing; og organization & administration; ps parasitology;
py pathogenicity; pa pathology; pk pharmacokinetics; pd pharmacology; ph physiology;
pp physiopathology; po poisoning; pc prevention & control; px psychology;
re radiation effects; ra radiography; ri radionuclide imaging; rt radiotherapy;
rh rehabilitation; sc secondary; se secretion; st standards; sn statistics & numerical data;
sd supply & distribution; su surgery; tu therapeutic use; th therapy; to toxicity;
tm transmission; tr transplantation; td trends; us ultrasonography; ul ultrastructure;
ur urine; ut utilization; ve veterinary; vi virology
"""
MESH_QUALIFIERS: dict[str, str] = {
    name: code for code, _, name in (
        " ".join(entry.split()).partition(" ") for entry in _MESH_QUALIFIER_TABLE.split(";"))}
_QUALIFIER_WORDS = frozenset(MESH_QUALIFIERS) | frozenset(MESH_QUALIFIERS.values())
_BRACKETED = re.compile(r"\s*\[[^\]]*\]\s*$")  # Ovid's ``/pa [Pathology]`` gloss


def _is_qualifiers(text: str) -> bool:
    """``metabolism``, ``*drug therapy``, ``pa [Pathology]``, ``dg, pa [...]``: MeSH
    subheadings as PubMed or Ovid write them after a heading's ``/`` (folded)."""
    codes = [c.strip().lstrip("*").strip() for c in _BRACKETED.sub("", text).split(",")]
    return all(c in _QUALIFIER_WORDS for c in codes)


@lru_cache(maxsize=65536)
def heading_keys(heading: str) -> tuple[str, ...]:
    """The folded forms under which a record's subject heading is found.

    Platforms mark a major heading with a star: ``*Paleontology`` (Ovid, EBSCOhost,
    PubMed), on a subheading in MEDLINE (``Heart Rate/*physiology``), and Ovid may end a
    heading with ``/`` (``*Fossils/``). The marks are dropped; and a heading followed by MeSH
    subheadings is also found by its descriptor alone (``Isoenzymes/metabolism`` →
    ``isoenzymes``), as a heading search on the platform finds it. A ``/`` followed by
    anything else is part of the heading (``Brain/gut interaction``).
    """
    parts = [p.strip().lstrip("*").strip() for p in fold(heading).split("/")]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    whole = "/".join(parts)
    if not whole:
        return ()
    if len(parts) > 1 and parts[0] and all(_is_qualifiers(p) for p in parts[1:]):
        return (whole, parts[0])
    return (whole,)


def word_pattern(word: str, letter: str = r"\w") -> str:
    """A term's word as a regex: ``*`` any letters (``letter``: a word character), ``?``
    one or none."""
    out = []
    for char in word:
        if char == "*":
            out.append(f"{letter}*")
        elif char == "?":
            out.append(f"{letter}?")
        else:
            out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=4096)
def phrase_words(text: str) -> tuple[str, ...]:
    """A free-text term's folded words, as its regex joins them (spaces and hyphens part
    them)."""
    return tuple(w for w in re.split(r"[\s\-]+", fold(text)) if w)


def free_text_pattern(text: str, letter: str = r"\w", other: str = r"[\W_]") -> str:
    """The phrase's words joined by characters that are not alphanumeric (``other``), the
    last ending a word (no word character, ``letter``, after it).

    The pattern starts with the literal word so the regex engine can skip ahead fast; the
    word boundary before it is checked by the caller.
    """
    body = f"{other}+".join(word_pattern(w, letter) for w in phrase_words(text))
    return f"{body}(?!{letter})"


@lru_cache(maxsize=4096)
def free_text_regex(text: str) -> re.Pattern[str]:
    """:func:`free_text_pattern` compiled."""
    return re.compile(free_text_pattern(text))
