"""The copies written in their database's native format: RIS (the template's own tag
spellings and its other lines as exported), MEDLINE for PubMed, BibTeX, Scopus CSV."""

from __future__ import annotations

import re
import textwrap

from scale_bench.templates import CSV_BULK, CSV_WORK
from scale_bench.works import Copy

_BRACES = re.compile(r"[{}\\]")
EXTENSIONS = {"ris": "ris", "nbib": "nbib", "bibtex": "bib", "csv": "csv"}
CSV_HEADER = (*CSV_WORK, *CSV_BULK)


def _pages(pages: str) -> tuple[str, str]:
    first, _, last = pages.partition("-")
    return first.strip(), last.strip("- ")


def ris(copy: Copy) -> str:
    r, t = copy.record, copy.template
    start, end = _pages(r.pages)
    lines = ["TY  - JOUR", f"{t.title_tag}  - {r.title}"]
    lines += [f"{t.author_tag}  - {a}" for a in r.authors]
    fields = ((t.year_tag, r.year), (t.journal_tag, r.journal), ("VL", r.volume),
              ("IS", r.issue), ("SP", start), ("EP", end), ("DO", r.doi),
              (t.abstract_tag, r.abstract))
    lines += [f"{tag}  - {value}" for tag, value in fields if value]
    lines += [f"KW  - {k}" for k in r.keywords]
    lines += [f"{tag}  - {value}" for tag, value in t.bulk]
    lines += [f"AN  - {r.source_id}", f"DB  - {copy.database.name}",
              f"UR  - https://records.example/{copy.database.slug}/{r.source_id}", "ER  - "]
    return "\n".join(lines) + "\n\n"


def _medline(tag: str, value: str) -> list[str]:
    return textwrap.wrap(value, 82, initial_indent=f"{tag:<4}- ", subsequent_indent=" " * 6,
                         break_long_words=False, break_on_hyphens=False) or []


def medline(copy: Copy) -> str:
    r, t = copy.record, copy.template
    lines = [f"PMID- {r.source_id}", "OWN - NLM", "STAT- MEDLINE", f"DP  - {r.year}"]
    lines += _medline("TI", r.title)
    lines += _medline("AB", r.abstract)
    for author in r.authors:
        lines += [f"FAU - {author}", f"AU  - {author.replace(',', '').replace('.', '')}"]
    lines += [line for tag, value in t.bulk if tag == "AD" for line in _medline("AD", value)]
    lines += ["LA  - eng", "PT  - Journal Article", f"TA  - {r.journal}"]
    lines += _medline("JT", r.journal)
    lines += [f"{tag:<4}- {value}" for tag, value in (("VI", r.volume), ("IP", r.issue),
                                                    ("PG", r.pages)) if value]
    if r.doi:
        lines += [f"LID - {r.doi} [doi]", f"AID - {r.doi} [doi]"]
    lines += [f"MH  - {k}" for k in r.keywords]
    return "\n".join(lines) + "\n\n"


def _braced(value: str) -> str:
    return _BRACES.sub("", value)


def bibtex(copy: Copy) -> str:
    """ChildData's BibTeX, as the example's: no reference list (its template gives the
    abstract's length and the number of keywords only)."""
    r = copy.record
    keywords = "; ".join(r.keywords)
    fields = (("author", " and ".join(r.authors)), ("title", r.title), ("year", r.year),
              ("journal", r.journal), ("volume", r.volume), ("number", r.issue),
              ("pages", r.pages.replace("-", "--", 1) if "--" not in r.pages else r.pages),
              ("doi", r.doi), ("abstract", r.abstract), ("keywords", keywords),
              ("subjects", keywords))
    body = ",\n".join(f"  {name} = {{{_braced(value)}}}" for name, value in fields if value)
    return f"@article{{{r.source_id},\n{body}\n}}\n\n"


def csv_row(copy: Copy) -> list[str]:
    r, t = copy.record, copy.template
    start, end = _pages(r.pages)
    work = (
        "; ".join(a.replace(",", "") for a in r.authors), "; ".join(r.authors), r.title,
        r.year, r.journal, r.volume, r.issue, start, end, r.doi,
        f"https://www.scopus.com/inward/record.uri?eid={r.source_id}", r.abstract,
        "; ".join(r.keywords), r.source_id)
    return [*work, *(value for _, value in t.bulk)]


TEXT_WRITERS = {"ris": ris, "nbib": medline, "bibtex": bibtex}
