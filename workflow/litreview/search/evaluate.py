"""Evaluate a strategy on imported records: the search-history table a database shows.

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

Speed: the records' text is folded into one string and each distinct term is one regex
scan over it, jumping to the next record after a hit; headings are a dictionary lookup.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.fileio import csv_text
from litreview.core.records import Record, RecordIdError, RecordIds
from litreview.search.strategies import Node, Op, Ref, Strategy, Term
from litreview.search.thesaurus import Thesaurus


@dataclass(frozen=True, slots=True)
class LineHits:
    number: int
    label: str
    expression: str
    hits: int
    benchmark_hits: int | None = None
    benchmark_total: int | None = None

    @property
    def recall(self) -> float | None:
        if not self.benchmark_total or self.benchmark_hits is None:
            return None
        return self.benchmark_hits / self.benchmark_total


_PUNCTUATION = (("\u2018", ""), ("\u2019", ""), ("\u201c", '"'), ("\u201d", '"'),
                ("\u2002", " "), ("\u2003", " "), ("\u2009", " "), ("\u2010", "-"),
                ("\u2011", "-"), ("\u2012", "-"), ("\u2013", "-"), ("\u2014", "-"),
                ("\u2212", "-"), ("\u2026", "..."))
#: Latin-1 lowercase, and no-break space to space, as one byte table.
_LATIN1_LOWER = bytes(
    ord(chr(b).lower()) if len(chr(b).lower()) == 1 and ord(chr(b).lower()) < 256 else b
    for b in range(256)).replace(b"\xa0", b" ")


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
        except UnicodeEncodeError:  # other scripts: accents off, Python's own lowercase
            text = "".join(c for c in unicodedata.normalize("NFKD", text)
                           if not unicodedata.combining(c))
            return text.lower().replace("'", "")
    return data.translate(_LATIN1_LOWER, b"'").decode("latin-1")


class Corpus:
    """The records prepared for searching: one folded text, and a heading index."""

    def __init__(self, records: Sequence[Record]):
        self.size = len(records)
        joined = "\n".join(" | ".join((r.title, r.abstract, *r.keywords)).replace("\n", " ")
                           for r in records)
        self.text = _fold(joined)  # one pass over all the text, in C
        self.starts: list[int] = []
        position = 0
        for part in self.text.split("\n") if records else []:
            self.starts.append(position)
            position += len(part) + 1
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
        """Records whose text holds the term; a match must start on a word boundary.

        After a hit the search skips to the next record: one hit per record is enough.
        """
        regex = free_text_regex(term_text)
        text, starts = self.text, self.starts
        found: list[int] = []
        position = 0
        while (match := regex.search(text, position)) is not None:
            start = match.start()
            if start and text[start - 1].isalnum():
                position = start + 1
                continue
            doc = bisect_right(starts, start) - 1
            found.append(doc)
            if doc + 1 >= len(starts):
                break
            position = starts[doc + 1]
        return frozenset(found)

    def heading(self, label: str, narrower: Sequence[str] = ()) -> frozenset[int]:
        wanted = _fold(label)
        if "*" in wanted or "?" in wanted:
            regex = re.compile(_word_pattern(wanted).replace(r"\w*", ".*") + r"\Z")
            keys = [k for k in self.headings if regex.match(k)]
        else:
            keys = [wanted, *(_fold(n) for n in narrower)]
        return frozenset().union(*(self.headings.get(k, frozenset()) for k in keys))


#: MeSH subheadings (qualifiers), current and retired, as PubMed writes them after a ``/``,
#: and their two-letter codes, which Ovid writes (``/th [Therapy]``).
MESH_QUALIFIERS: dict[str, str] = {
    "abnormalities": "ab", "administration & dosage": "ad", "adverse effects": "ae",
    "agonists": "ag", "analogs & derivatives": "aa", "analysis": "an",
    "anatomy & histology": "ah", "antagonists & inhibitors": "ai", "biosynthesis": "bi",
    "blood": "bl", "blood supply": "bs", "cerebrospinal fluid": "cf",
    "chemical synthesis": "cs", "chemically induced": "ci", "chemistry": "ch",
    "classification": "cl", "complications": "co", "congenital": "cn",
    "contraindications": "ct", "cytology": "cy", "deficiency": "df", "diagnosis": "di",
    "diagnostic imaging": "dg", "diagnostic use": "du", "diet therapy": "dh",
    "drug effects": "de", "drug therapy": "dt", "economics": "ec", "education": "ed",
    "embryology": "em", "enzymology": "en", "epidemiology": "ep", "ethics": "es",
    "ethnology": "eh", "etiology": "et", "genetics": "ge", "growth & development": "gd",
    "history": "hi", "immunology": "im", "injuries": "in", "innervation": "ir",
    "instrumentation": "is", "isolation & purification": "ip",
    "legislation & jurisprudence": "lj", "manpower": "ma", "metabolism": "me",
    "methods": "mt", "microbiology": "mi", "mortality": "mo", "nursing": "nu",
    "organization & administration": "og", "parasitology": "ps", "pathogenicity": "py",
    "pathology": "pa", "pharmacokinetics": "pk", "pharmacology": "pd", "physiology": "ph",
    "physiopathology": "pp", "poisoning": "po", "prevention & control": "pc",
    "psychology": "px", "radiation effects": "re", "radiography": "ra",
    "radionuclide imaging": "ri", "radiotherapy": "rt", "rehabilitation": "rh",
    "secondary": "sc", "secretion": "se", "standards": "st",
    "statistics & numerical data": "sn", "supply & distribution": "sd", "surgery": "su",
    "therapeutic use": "tu", "therapy": "th", "toxicity": "to", "transmission": "tm",
    "transplantation": "tr", "trends": "td", "ultrasonography": "us",
    "ultrastructure": "ul", "urine": "ur", "utilization": "ut", "veterinary": "ve",
    "virology": "vi",
}
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


class Evaluator:
    """Evaluates strategies over one corpus, remembering each distinct term's hits.

    Line results are boolean arrays over the records, so combining sets of 100,000
    records costs microseconds.
    """

    def __init__(self, records: Sequence[Record], thesaurus: Thesaurus | None = None):
        self.corpus = Corpus(records)
        self.thesaurus = thesaurus
        self._terms: dict[tuple[str, str, bool], np.ndarray] = {}

    def _mask(self, indices: Collection[int]) -> np.ndarray:
        mask = np.zeros(self.corpus.size, dtype=bool)
        mask[list(indices)] = True
        return mask

    def term(self, term: Term) -> np.ndarray:
        key = (term.text, term.field, term.explode)
        if key not in self._terms:
            if term.field == "free_text":
                self._terms[key] = self._mask(self.corpus.free_text(term.text))
            else:
                narrower = (self.thesaurus.narrower(term.text)
                            if term.explode and self.thesaurus else ())
                self._terms[key] = self._mask(self.corpus.heading(term.text, narrower))
        return self._terms[key]

    def node(self, node: Node, done: dict[int, np.ndarray]) -> np.ndarray:
        if isinstance(node, Ref):
            return done[node.number]
        if isinstance(node, Term):
            return self.term(node)
        first, *rest = (self.node(child, done) for child in node.operands)
        out = first.copy()
        for mask in rest:
            if node.op == "or":
                out |= mask
            elif node.op == "and":
                out &= mask
            else:
                out &= ~mask
        return out

    def masks(self, strategy: Strategy) -> dict[int, np.ndarray]:
        """A boolean array over the records for each line."""
        done: dict[int, np.ndarray] = {}
        for line in strategy.lines:
            done[line.number] = self.node(line.expr, done)
        return done

    def strategy(self, strategy: Strategy) -> dict[int, frozenset[int]]:
        """Record indices hit by each line."""
        return {n: frozenset(np.flatnonzero(m).tolist()) for n, m in self.masks(strategy).items()}


def evaluate(strategy: Strategy, records: Sequence[Record],
             thesaurus: Thesaurus | None = None) -> dict[int, frozenset[int]]:
    """Record indices hit by each line of the strategy."""
    return Evaluator(records, thesaurus).strategy(strategy)


@dataclass(frozen=True, slots=True)
class Listed:
    """One entry of a benchmark list, with its line in the list's file."""

    text: str
    line: int | None = None


def read_benchmark(path: str | Path) -> list[Listed]:
    """A benchmark list: record ids, accession numbers or DOIs, separated by white space."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", str(error))
        raise InputError(Problem(str(path), f"cannot read the benchmark list ({reason})",
                                 hint="give a UTF-8 text file of record ids or DOIs")) from None
    return [Listed(word, n) for n, line in enumerate(text.splitlines(), 1)
            for word in line.split()]


def benchmark_indices(records: Sequence[Record], wanted: Iterable[str | Listed],
                      file: str = "benchmark list") -> frozenset[int]:
    """Records named in a benchmark list: by record id, by accession number alone
    (``EJ1181769`` for ``eric-EJ1181769``) when it names one record, or by DOI.

    An entry naming no record is left out (it may be in another database's records); one
    naming several records is an error listing them.
    """
    ids = RecordIds(r.record_id for r in records)
    position = {r.record_id: i for i, r in enumerate(records)}
    by_doi: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if record.doi:
            by_doi[record.doi].append(i)
    found: set[int] = set()
    problems = []
    for entry in wanted:
        entry = entry if isinstance(entry, Listed) else Listed(entry)
        given = entry.text.strip()
        doi = _DOI_LIKE.match(given)
        if doi:
            found.update(by_doi.get(given[doi.end():].rstrip(".,;").casefold(), ()))
            continue
        try:
            found.add(position[ids.resolve(given)])
        except RecordIdError as error:
            if error.candidates:
                problems.append(Problem(file, str(error), entry.line))
    raise_if(problems)
    return frozenset(found)


_DOI_LIKE = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(?=10\.\d+/)", re.IGNORECASE)


def line_hits(strategy: Strategy, records: Sequence[Record],
              thesaurus: Thesaurus | None = None,
              benchmark: frozenset[int] | None = None) -> list[LineHits]:
    masks = Evaluator(records, thesaurus).masks(strategy)
    wanted = sorted(benchmark) if benchmark is not None else []
    rows = []
    for line in strategy.lines:
        mask = masks[line.number]
        rows.append(LineHits(line.number, line.label, line.text, int(mask.sum()),
                             int(mask[wanted].sum()) if benchmark is not None else None,
                             len(wanted) if benchmark is not None else None))
    return rows


def missed(strategy: Strategy, records: Sequence[Record], benchmark: frozenset[int],
           thesaurus: Thesaurus | None = None) -> list[Record]:
    """Benchmark records the final line(s) do not retrieve."""
    masks = Evaluator(records, thesaurus).masks(strategy)
    found = np.zeros(len(records), dtype=bool)
    for line in strategy.final_lines:
        found |= masks[line.number]
    return [records[i] for i in sorted(benchmark) if not found[i]]


def hits_csv(rows: Sequence[LineHits]) -> str:
    with_benchmark = any(r.benchmark_total is not None for r in rows)
    header = ["line", "set", "expression", "hits",
              *(["benchmark_hits", "recall"] if with_benchmark else [])]
    return csv_text(header, [
        [f"#{row.number}", row.label, row.expression, row.hits,
         *([row.benchmark_hits, f"{row.recall:.3f}" if row.recall is not None else ""]
           if with_benchmark else [])]
        for row in rows])


def hits_table(rows: Sequence[LineHits]) -> str:
    width = min(max((len(r.expression) for r in rows), default=10), 70)
    with_benchmark = any(r.benchmark_total is not None for r in rows)
    head = f"{'line':>5}  {'expression':<{width}}  {'hits':>6}"
    out = [head + ("  benchmark  recall" if with_benchmark else "")]
    for row in rows:
        expression = row.expression if len(row.expression) <= width else \
            row.expression[: width - 1] + "…"
        text = f"{'#' + str(row.number):>5}  {expression:<{width}}  {row.hits:>6}"
        if with_benchmark:
            recall = f"{row.recall:.2f}" if row.recall is not None else "-"
            text += f"  {row.benchmark_hits:>4}/{row.benchmark_total:<4}  {recall:>6}"
        out.append(text)
    return "\n".join(out) + "\n"


__all__ = ["MESH_QUALIFIERS", "Evaluator", "LineHits", "Listed", "Op", "benchmark_indices",
           "evaluate", "free_text_regex", "heading_keys", "hits_csv", "hits_table", "line_hits",
           "missed", "read_benchmark"]
