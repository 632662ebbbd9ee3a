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

Speed: the records' text is folded into one string (two: see :class:`Corpus`) and each
distinct term is one regex scan over it, jumping to the next record after a hit; headings
are a dictionary lookup.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from litreview.core.records import Record

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


def _fold(text: str) -> str:
    """Lowercase, apostrophes dropped (``Children's`` is one word, as databases index it),
    typographic punctuation made plain, and, beyond Latin-1, accents dropped.

    Text that fits Latin-1 is folded as bytes, in C, and stays in Python's one-byte string
    form, which halves the time of every scan. Record offsets are taken after folding.
    """
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
        except UnicodeEncodeError:  # other scripts: one table for every character met
            return text.translate({ord(c): _folded_char(c) for c in set(text)})
    return data.translate(_LATIN1_LOWER, b"'").decode("latin-1")


def _fits_latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Text:
    """Records' folded texts joined by newlines, where each starts, and their indices."""

    text: str
    starts: tuple[int, ...]
    ids: tuple[int, ...]

    @classmethod
    def of(cls, texts: Sequence[str], ids: Sequence[int]) -> _Text:
        starts, position = [], 0
        for text in texts:
            starts.append(position)
            position += len(text) + 1
        return cls("\n".join(texts), tuple(starts), tuple(ids))

    def search(self, regex: re.Pattern[str]) -> list[int]:
        """The records whose text the regex matches at a word boundary. After a hit the
        search skips to the next record: one hit per record is enough."""
        text, starts = self.text, self.starts
        found: list[int] = []
        position = 0
        while (match := regex.search(text, position)) is not None:
            start = match.start()
            if start and text[start - 1].isalnum():
                position = start + 1
                continue
            doc = bisect_right(starts, start) - 1
            found.append(self.ids[doc])
            if doc + 1 >= len(starts):
                break
            position = starts[doc + 1]
        return found


def _folded_char(char: str) -> str:
    """One character folded as :func:`_fold` folds text: Latin-1 by its byte table, any
    other lowercased with its accents dropped (NFKD, combining marks off)."""
    if char == "'":
        return ""
    if ord(char) < 256:
        return chr(_LATIN1_LOWER[ord(char)])
    return "".join(c for c in unicodedata.normalize("NFKD", char)
                   if not unicodedata.combining(c)).lower()


#: The fields a search reads (and a benchmark matches by): a records file read for
#: searching needs no others.
SEARCHED_FIELDS = ("title", "abstract", "keywords", "subjects", "doi", "source_line")


class Corpus:
    """The records prepared for searching: folded text, and a heading index.

    The text is two: the records whose folded text fits Latin-1, joined into one string
    in Python's one-byte form (nearly all of them), and the others (Greek letters,
    mathematical signs), whose string takes two or four bytes a character; a scan of the
    first is twice as fast as it would be if one such record made the whole text wide.
    """

    def __init__(self, records: Sequence[Record]):
        self.size = len(records)
        narrow: list[str] = []
        wide: list[str] = []
        narrow_ids: list[int] = []
        wide_ids: list[int] = []
        for i, r in enumerate(records):
            text = _fold(" | ".join((r.title, r.abstract, *r.keywords)).replace("\n", " "))
            if text.isascii() or _fits_latin1(text):
                narrow.append(text)
                narrow_ids.append(i)
            else:
                wide.append(text)
                wide_ids.append(i)
        self.parts = tuple(_Text.of(texts, ids) for texts, ids in ((narrow, narrow_ids),
                                                                   (wide, wide_ids)) if ids)
        folded: dict[str, tuple[str, ...]] = {}
        headings: dict[str, list[int]] = defaultdict(list)
        for i, record in enumerate(records):
            for heading in record.subjects or record.keywords:
                keys = folded.get(heading)
                if keys is None:
                    keys = folded[heading] = heading_keys(heading)
                for key in keys:
                    postings = headings[key]
                    if not postings or postings[-1] != i:
                        postings.append(i)
        self.headings = {k: frozenset(v) for k, v in headings.items()}

    def free_text(self, term_text: str) -> frozenset[int]:
        """Records whose text holds the term; a match must start on a word boundary."""
        regex = free_text_regex(term_text)
        return frozenset(i for part in self.parts for i in part.search(regex))

    def heading(self, label: str, narrower: Sequence[str] = ()) -> frozenset[int]:
        wanted = _fold(label)
        if "*" in wanted or "?" in wanted:
            regex = re.compile(_word_pattern(wanted).replace(r"\w*", ".*") + r"\Z")
            keys = [k for k in self.headings if regex.match(k)]
        else:
            keys = [wanted, *(_fold(n) for n in narrower)]
        return frozenset().union(*(self.headings.get(k, frozenset()) for k in keys))


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
    parts = [p.strip().lstrip("*").strip() for p in _fold(heading).split("/")]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    whole = "/".join(parts)
    if not whole:
        return ()
    if len(parts) > 1 and parts[0] and all(_is_qualifiers(p) for p in parts[1:]):
        return (whole, parts[0])
    return (whole,)


def _word_pattern(word: str) -> str:
    out = []
    for char in word:
        if char == "*":
            out.append(r"\w*")
        elif char == "?":
            out.append(r"\w?")
        else:
            out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=4096)
def free_text_regex(text: str) -> re.Pattern[str]:
    """The phrase's words joined by non-word characters, the last ending a word.

    The pattern starts with the literal word so the regex engine can skip ahead fast; the
    word boundary before it is checked by the caller.
    """
    words = [w for w in re.split(r"[\s\-]+", _fold(text)) if w]
    body = r"[\W_]+".join(_word_pattern(w) for w in words)
    return re.compile(rf"{body}(?!\w)")
