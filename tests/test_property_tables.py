"""Property: records written as BibTeX, CSV (three delimiters, four encodings) or XLSX (one
or more sheets) import with every field as written, or fail with an error naming the line;
never a record or a field lost without a word."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litreview.core.errors import InputError
from litreview.core.records import Record, normalise_doi
from litreview.core.text import clean_text as clean
from litreview.importers import import_export

#: Letters of many scripts, digits and plain punctuation: what titles and names hold. Left
#: out, because the formats give them meaning: BibTeX's braces, backslash, $ % & # ~ and
#: dashes and quotes (LaTeX ligatures); and the characters UTF-8 read as cp1252 turns into
#: (Latin-1 symbols, ŒœŠšŸŽžƒ), which the importers rightly repair as mojibake.
_TEXT = st.characters(categories=("Lu", "Ll", "Lo", "Nd"), exclude_characters="ªºŒœŠšŸŽžƒ",
                      max_codepoint=0x9FFF).filter(lambda c: not 0x80 <= ord(c) <= 0xBF)
_WORD = st.text(_TEXT, min_size=1, max_size=8)


def _words(min_size: int, max_size: int, punctuation: str = ".,:?!()") -> st.SearchStrategy[str]:
    word = st.tuples(_WORD, st.sampled_from(["", *punctuation])).map("".join)
    return st.lists(word, min_size=min_size, max_size=max_size).map(" ".join)


@dataclass(frozen=True)
class Written:
    title: str
    authors: tuple[str, ...]
    abstract: str
    year: str
    doi: str
    keywords: tuple[str, ...]


_RECORD = st.builds(
    Written,
    title=_words(1, 8),
    authors=st.lists(st.tuples(_WORD, _WORD).map(", ".join), min_size=1, max_size=3,
                     unique=True).map(tuple),
    abstract=_words(0, 20),
    year=st.integers(1900, 2030).map(str),
    doi=st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9]{1,10}", fullmatch=True),
    keywords=st.lists(_words(1, 3, ""), max_size=3, unique=True).map(tuple),
)
_RECORDS = st.lists(_RECORD, min_size=1, max_size=5)
_SETTINGS = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(path: Path, written: list[Written]) -> None:
    """Every record back with every field as written (whitespace normalised), or an error
    in which every problem names its line."""
    try:
        result = import_export(path, database="prop")
    except InputError as error:
        assert all(p.line is not None for p in error.problems), error
        return
    assert not result.rejects, [str(r.problem) for r in result.rejects]
    assert len(result.records) == len(written)
    for record, source in zip(result.records, written, strict=True):
        _same(record, source)


def _same(record: Record, source: Written) -> None:
    assert record.title == clean(source.title)
    assert record.authors == tuple(clean(a) for a in source.authors)  # NFC, as every field
    assert record.abstract == clean(source.abstract)
    assert record.year == source.year
    assert record.doi == normalise_doi(source.doi)
    assert set(record.keywords) == {clean(k) for k in source.keywords if clean(k)}


def _bibtex(records: list[Written]) -> str:
    entries = []
    for n, r in enumerate(records, start=1):
        fields = {"title": r.title, "author": " and ".join(r.authors), "year": r.year,
                  "doi": r.doi, "abstract": r.abstract, "keywords": "; ".join(r.keywords)}
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        entries.append(f"@article{{key{n},\n{body}\n}}\n")
    return "\n".join(entries)


def _rows(records: list[Written]) -> list[list[str]]:
    return [[r.title, "; ".join(r.authors), r.year, r.doi, r.abstract, "; ".join(r.keywords)]
            for r in records]


_HEADER = ["Title", "Authors", "Year", "DOI", "Abstract", "Keywords"]


@_SETTINGS
@given(_RECORDS)
def test_bibtex_round_trip(records: list[Written]):
    with TemporaryDirectory() as folder:
        path = Path(folder) / "export.bib"
        path.write_text(_bibtex(records), encoding="utf-8")
        _check(path, records)


@_SETTINGS
@given(_RECORDS, st.sampled_from([",", ";", "\t"]),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
def test_csv_round_trip(records: list[Written], delimiter: str, encoding: str):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([_HEADER, *_rows(records)])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:  # cp1252 holds only Western text
        data = buffer.getvalue().encode("utf-8")
    with TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(data)
        _check(path, records)


@_SETTINGS
@given(_RECORDS, st.integers(1, 3))
def test_xlsx_round_trip_over_sheets(records: list[Written], sheets: int):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for n in range(sheets):  # records dealt out in order, one block per sheet
        part = records[n * len(records) // sheets:(n + 1) * len(records) // sheets]
        sheet = book.create_sheet(f"Search {n + 1}")
        for row in [_HEADER, *_rows(part)]:
            sheet.append(row)
    with TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        book.save(path)
        _check(path, records)
