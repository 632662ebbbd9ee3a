"""Property: records written as RIS in any dialect met in the wild (tag spellings, line
ends, publishers' header lines, UTF-8 with or without a BOM, UTF-16) come back with every
field, or a located error names the record's line; never a silent loss."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litreview.importers import import_export
from litreview.importers.common import fixed_text, split_authors, split_terms
from litreview.records import normalise_doi

_TEXT = st.text(st.one_of(
    st.characters(categories=["Lu", "Ll", "Lo", "Nd"]),
    st.sampled_from(" .,:()'-éüßøçñ中文Ωλ"),
), min_size=1, max_size=30).filter(str.strip)
_NAME = st.builds("{}, {}.".format, _TEXT.filter(lambda s: "," not in s), st.sampled_from("AJKZ"))
#: Continuation lines of an abstract: prose, some of it starting like a tag line would.
_PROSE = ["and then more text", "95% CI 1.2 to 3.4", "(n = 12) were excluded", "Results held"]
_TAG_LIKE_PROSE = ["US policy differs", "UK schools took part", "ED visits fell",
                   "T1- and T2-weighted images", "AD: Alzheimer's disease", "ST segment"]


@dataclass(frozen=True)
class Work:
    title: str
    authors: list[str]
    year: int
    doi: str
    abstract: list[str]
    keywords: list[str]


@st.composite
def works(draw: st.DrawFn, prose: list[str]) -> Work:
    more = st.lists(st.builds("{} {}".format, st.sampled_from(prose), _TEXT), max_size=2)
    abstract = [draw(_TEXT), *draw(more)]
    doi = draw(st.one_of(st.just(""), st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9]{1,8}",
                                                    fullmatch=True)))
    title = draw(st.one_of(_TEXT, st.just(""))) if doi else draw(_TEXT)
    return Work(title, draw(st.lists(_NAME, max_size=3)), draw(st.integers(1900, 2030)), doi,
                abstract, draw(st.lists(_TEXT.filter(lambda s: not s.startswith(" ")),
                                        max_size=3)))


#: How each dialect writes one tag line; ``True`` for the spellings prose can look like.
_SPELLINGS: dict[str, tuple[Callable[[str, str], str], bool]] = {
    "canonical": (lambda tag, value: f"{tag}  - {value}", False),
    "one space": (lambda tag, value: f"{tag} - {value}", False),
    "no space after": (lambda tag, value: f"{tag}  -{value}", False),
    "lower case": (lambda tag, value: f"{tag.lower()}  - {value}", False),
    "colon": (lambda tag, value: f"{tag}:  {value}", False),
    "bare": (lambda tag, value: f"{tag} {value}".rstrip(), True),
    "dash after": (lambda tag, value: f"{tag}- {value}", True),
}
_ENCODINGS = {
    "utf-8": lambda text: text.encode(),
    "utf-8-sig": lambda text: codecs.BOM_UTF8 + text.encode(),
    "utf-16-le": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
}


def write(records: list[Work], spell: Callable[[str, str], str], header: bool,
          numbered: bool) -> tuple[list[str], list[int]]:
    """The file's lines, and the line each record's ``TY`` stands on."""
    lines: list[str] = []
    starts = []
    if header:
        lines += ["Provider: John Wiley & Sons, Ltd.", "Database: Cochrane Library",
                  'Content: text/plain; charset="UTF-8"', ""]
    for number, work in enumerate(records, start=1):
        if numbered:
            lines += [f"Record #{number} of {len(records)}", ""]
        starts.append(len(lines) + 1)
        lines.append(spell("TY", "JOUR"))
        if work.title:
            lines.append(spell("TI", work.title))
        lines += [spell("AU", name) for name in work.authors]
        lines.append(spell("PY", str(work.year)))
        if work.doi:
            lines.append(spell("DO", work.doi))
        lines.append(spell("AB", work.abstract[0]))
        lines += work.abstract[1:]
        lines += [spell("KW", keyword) for keyword in work.keywords]
        lines += [spell("ER", ""), ""]
    return lines, starts


def _unambiguous(work: Work) -> Work:
    """``work`` with no value starting with '-' or ':', which a bare or dash-after spelling
    cannot tell from another spelling's punctuation."""
    def clean(value: str) -> str:
        return value.lstrip("-: ") or "x"
    return Work(clean(work.title) if work.title else "", [clean(a) for a in work.authors],
                work.year, work.doi, [clean(work.abstract[0]), *work.abstract[1:]],
                [clean(k) for k in work.keywords])


@st.composite
def exports(draw: st.DrawFn):
    spelling = draw(st.sampled_from(sorted(_SPELLINGS)))
    weak = _SPELLINGS[spelling][1]
    prose = _PROSE if weak else _PROSE + _TAG_LIKE_PROSE
    records = draw(st.lists(works(prose), min_size=1, max_size=4))
    if weak:  # 'TI -x' spelt bare is 'TI -x' in the one-space spelling: truly ambiguous
        records = [_unambiguous(work) for work in records]
    return (spelling, records, draw(st.booleans()), draw(st.booleans()),
            draw(st.sampled_from(["\n", "\r\n"])), draw(st.sampled_from(sorted(_ENCODINGS))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(export=exports())
def test_every_field_survives_every_dialect(tmp_path: Path, export):
    spelling, records, header, numbered, newline, encoding = export
    spell, _ = _SPELLINGS[spelling]
    lines, starts = write(records, spell, header, numbered)
    path = tmp_path / "export.ris"
    path.write_bytes(_ENCODINGS[encoding](newline.join(lines)))
    result = import_export(path, database="X", display_path="export.ris")
    identified = [(n, w, start) for n, (w, start) in enumerate(zip(records, starts, strict=True),
                                                                start=1)
                  if w.title.strip() or w.doi]
    assert len(result.records) == len(identified)
    assert not result.rejects
    for record, (number, work, start) in zip(result.records, identified, strict=True):
        assert record.source_line == start
        assert record.title == fixed_text(work.title)
        assert record.authors == split_authors(work.authors)
        assert record.year == str(work.year)
        assert record.doi == normalise_doi(work.doi)
        assert record.abstract == fixed_text("\n".join(work.abstract))
        assert record.keywords == split_terms(work.keywords)
        assert record.type == "article"
        original = record.original_fields()
        if header:
            assert original["_database"] == "Cochrane Library"
        if numbered:
            assert original["_record"] == f"{number} of {len(records)}"
    if spelling == "canonical":
        assert not result.warnings
    else:  # said once per spelling, at the first line spelt so
        assert result.warnings and result.warnings[0].line == starts[0]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(works(_PROSE), min_size=1, max_size=4),
       lost=st.data())
def test_a_record_left_with_no_title_doi_or_id_is_rejected_at_its_line(tmp_path: Path,
                                                                        records, lost):
    """Strip one record of its title and DOI: it is a located reject, the rest import."""
    index = lost.draw(st.integers(0, len(records) - 1))
    records[index] = Work("", records[index].authors, records[index].year, "",
                          records[index].abstract, records[index].keywords)
    lines, starts = write(records, _SPELLINGS["canonical"][0], False, False)
    path = tmp_path / "export.ris"
    path.write_text("\n".join(lines))
    result = import_export(path, database="X", display_path="export.ris")
    assert len(result.records) == len(records) - 1
    (reject,) = result.rejects
    assert reject.problem.line == starts[index]
    assert "no title, DOI or ID" in reject.problem.message
