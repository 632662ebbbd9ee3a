"""Property: records written as RIS in any dialect met in the wild (each tag line spelt its
own way, tabs for spaces, line ends, publishers' header lines, UTF-8 with or without a BOM,
UTF-16 with or without one) come back with every field, or a warning names each line that
was read as text rather than as its tag, or a located error names the record; never a
silent loss.

The oracle is a model of the rule, not a copy of the reader: a line a warning names as
read as text continues the field above it; every other tag line is its tag. The fields the
model gives must be exactly the imported ones."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from litreview.core.errors import Problem
from litreview.core.records import normalise_doi, normalise_year
from litreview.importers import fixed_text, import_export, split_authors, split_terms

_CHARS = st.sampled_from(" .,:()'-éüßøçñ中文Ωλ")
_TEXT = st.text(st.one_of(st.characters(categories=["Lu", "Ll", "Lo", "Nd"]), _CHARS),
                min_size=1, max_size=30).filter(str.strip)
#: UTF-16 without a BOM is known by its NUL bytes: mostly ASCII text, as the Windows tools
#: that write it export (common.utf16_codec). A file of CJK titles would be ambiguous.
_LATIN = st.text(st.one_of(st.characters(min_codepoint=0x41, max_codepoint=0x7A,
                                         categories=["Lu", "Ll"]),
                           st.sampled_from(" .,:()'-0123456789éü")),
                 min_size=1, max_size=30).filter(str.strip)
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
def works(draw: st.DrawFn, prose: list[str], text: st.SearchStrategy[str]) -> Work:
    more = st.lists(st.builds("{} {}".format, st.sampled_from(prose), text), max_size=2)
    abstract = [draw(text), *draw(more)]
    doi = draw(st.one_of(st.just(""), st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9]{1,8}",
                                                    fullmatch=True)))
    title = draw(st.one_of(text, st.just(""))) if doi else draw(text)
    name = st.builds("{}, {}.".format, text.filter(lambda s: "," not in s),
                     st.sampled_from("AJKZ"))
    return Work(title, draw(st.lists(name, max_size=3)), draw(st.integers(1900, 2030)), doi,
                abstract, draw(st.lists(text.filter(lambda s: not s.startswith(" ")),
                                        max_size=3)))


#: How a tag line may be spelt, and whether the spelling is *strong* (a tag wherever it
#: stands) or *weak* (prose can begin so: a tag only where no continuation can be).
_SPELLINGS: dict[str, tuple[Callable[[str, str], str], bool]] = {
    "canonical": (lambda tag, value: f"{tag}  - {value}", True),
    "one space": (lambda tag, value: f"{tag} - {value}", True),
    "no space after": (lambda tag, value: f"{tag}  -{value}", True),
    "lower case": (lambda tag, value: f"{tag.lower()}  - {value}", True),
    "colon": (lambda tag, value: f"{tag}:  {value}", True),
    "tab": (lambda tag, value: f"{tag}\t- {value}", True),
    "space and tab": (lambda tag, value: f"{tag} \t- {value}", True),
    "lower case, tab": (lambda tag, value: f"{tag.lower()}\t- {value}", True),
    "colon, tab": (lambda tag, value: f"{tag}:\t{value}", True),
    "bare": (lambda tag, value: f"{tag} {value}".rstrip(), False),
    "bare, tab": (lambda tag, value: f"{tag}\t{value}".rstrip(), False),
    "dash after": (lambda tag, value: f"{tag}- {value}", False),
    "colon after": (lambda tag, value: f"{tag}: {value}", False),
    "glued dash": (lambda tag, value: f"{tag}-{value}", False),
}
_STRONG = sorted(name for name, (_, strong) in _SPELLINGS.items() if strong)
_ENCODINGS = {
    "utf-8": lambda text: text.encode(),
    "utf-8-sig": lambda text: codecs.BOM_UTF8 + text.encode(),
    "utf-16-le": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-16-le, no BOM": lambda text: text.encode("utf-16-le"),
    "utf-16-be, no BOM": lambda text: text.encode("utf-16-be"),
}
_MULTI = {"AU", "KW", "TY", "PY", "DO"}  # list tags and one-value tags: text is one more item


@dataclass(frozen=True)
class Line:
    """One line written: a tag line (``tag``, ``value``, ``spelling``) or text (no tag)."""

    text: str
    tag: str = ""
    value: str = ""
    spelling: str = ""


@dataclass(frozen=True)
class Export:
    records: list[Work]
    spellings: list[list[str]]  # per record, one spelling per tag line in writing order
    header: bool
    numbered: bool
    newline: str
    encoding: str


def _tag_lines(work: Work) -> list[tuple[str, str]]:
    """The record's (tag, value) lines in order; ``("", text)`` for abstract prose."""
    lines = [("TY", "JOUR")] + ([("TI", work.title)] if work.title else [])
    lines += [("AU", name) for name in work.authors] + [("PY", str(work.year))]
    lines += [("DO", work.doi)] if work.doi else []
    lines += [("AB", work.abstract[0])] + [("", text) for text in work.abstract[1:]]
    return lines + [("KW", keyword) for keyword in work.keywords] + [("ER", "")]


def write(export: Export) -> tuple[list[Line], list[int]]:
    """The file's lines, and the line each record's ``TY`` stands on."""
    lines: list[Line] = []
    starts = []
    if export.header:
        lines += [Line("Provider: John Wiley & Sons, Ltd."), Line("Database: Cochrane Library"),
                  Line('Content: text/plain; charset="UTF-8"'), Line("")]
    for number, (work, spellings) in enumerate(zip(export.records, export.spellings,
                                                   strict=True), start=1):
        if export.numbered:
            lines += [Line(f"Record #{number} of {len(export.records)}"), Line("")]
        starts.append(len(lines) + 1)
        tagged = iter(spellings)
        for tag, value in _tag_lines(work):
            if not tag:
                lines.append(Line(value))
                continue
            spelling = next(tagged)
            lines.append(Line(_SPELLINGS[spelling][0](tag, value), tag, value, spelling))
        lines.append(Line(""))
    return lines, starts


def _unambiguous(work: Work) -> Work:
    """``work`` with no value starting with '-' or ':': spelt bare, ``TI -x`` is ``TI -x``
    spelt with one space before the dash, the value 'x'; the two cannot be told apart."""
    def clean(value: str) -> str:
        return value.lstrip("-: ") or "x"
    return Work(clean(work.title) if work.title else "", [clean(a) for a in work.authors],
                work.year, work.doi, [clean(work.abstract[0]), *work.abstract[1:]],
                [clean(k) for k in work.keywords])


@st.composite
def exports(draw: st.DrawFn) -> Export:
    encoding = draw(st.sampled_from(sorted(_ENCODINGS)))
    text = _LATIN if "no BOM" in encoding else _TEXT
    weak = draw(st.booleans())
    # In a file that writes tags in a weak spelling, a later line of prose spelt so
    # ('ED visits fell' once the file has written 'PY 2020') is a tag by the rules: truly
    # ambiguous, so such files carry plain prose; files in strong spellings carry both.
    prose = _PROSE if weak else _PROSE + _TAG_LIKE_PROSE
    records = draw(st.lists(works(prose, text), min_size=1, max_size=3))
    if weak:
        records = [_unambiguous(work) for work in records]
    pool = st.sampled_from(sorted(_SPELLINGS) if weak else _STRONG)
    spellings = []
    for work in records:
        tags = [tag for tag, _ in _tag_lines(work) if tag]
        # 'ER' is drawn strong: a bare 'ER' after a keyword may be the keyword 'ER' (the
        # oestrogen receptor); read as text, its record never ends, a located error that
        # test_import_ris_dialects covers.
        chosen = [draw(pool) for _ in tags[:-1]] + [draw(st.sampled_from(_STRONG))]
        spellings.append(chosen)
    return Export(records, spellings, draw(st.booleans()), draw(st.booleans()),
                  draw(st.sampled_from(["\n", "\r\n"])), encoding)


_MORE_LINES = re.compile(r"; so (?:was|were) \d+ more lines?(?: written this way)?: ([\d, ]+)"
                         r"(?: and \d+ more to line \d+)?")


def read_as_text(warnings: list[Problem]) -> set[int]:
    """Lines the warnings say were read as text, not as the tag they might be."""
    lines: set[int] = set()
    for warning in warnings:
        if "is read as part of" not in warning.message and "a field of one value" not in (
                warning.message):
            continue
        assert warning.line is not None
        lines.add(warning.line)
        more = _MORE_LINES.search(warning.message)
        if more:
            # the warning lists ten lines; past them the model cannot know which they are
            assume(" more to line " not in more.group(0))
            lines.update(int(n) for n in more.group(1).split(", "))
    return lines


def model(lines: list[Line], start: int, as_text: set[int]) -> dict[str, list[str]]:
    """The record starting at line ``start`` as the rule reads it: a tag line is its tag
    unless a warning named it; text continues the field above."""
    fields: dict[str, list[str]] = {}
    last = ""
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if line.tag == "ER" and number not in as_text:
            return fields
        if line.tag and number not in as_text:
            fields.setdefault(line.tag, []).append(line.value.strip())
            last = line.tag
        elif last in _MULTI or not fields[last][-1]:
            fields[last].append(line.text.strip())
        else:
            fields[last][-1] += "\n" + line.text.strip()
    raise AssertionError(f"record at line {start} has no end")


def _first(values: list[str]) -> str:
    return next((v for v in values if v), "")


def _identified(fields: dict[str, list[str]]) -> bool:
    return bool(_first(fields.get("TI", [])) or normalise_doi(_first(fields.get("DO", []))))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(export=exports())
@example(export=Export(  # 'ER  -' spelt with no space after the dash is 'ER  -': no warning
    [Work("0", [], 1900, "", ["0"], [])], [["canonical"] * 4 + ["no space after"]],
    header=False, numbered=False, newline="\n", encoding="utf-16-be"))
def test_every_field_survives_every_dialect(tmp_path: Path, export: Export):
    lines, starts = write(export)
    path = tmp_path / "export.ris"
    path.write_bytes(_ENCODINGS[export.encoding](export.newline.join(line.text
                                                                     for line in lines)))
    result = import_export(path, database="X", display_path="export.ris")
    as_text = read_as_text(result.warnings)
    for number in sorted(as_text):  # only a weak spelling, or prose, is ever text
        line = lines[number - 1]
        assert not line.tag or not _SPELLINGS[line.spelling][1], (number, line)
    expected = [(n, start, model(lines, start, as_text))
                for n, start in enumerate(starts, start=1)]
    identified = [(n, start, fields) for n, start, fields in expected if _identified(fields)]
    assert [r.problem.line for r in result.rejects] == [
        start for _, start, fields in expected if not _identified(fields)]
    assert all("no title, DOI or ID" in r.problem.message for r in result.rejects)
    assert len(result.records) == len(identified)
    for record, (number, start, fields) in zip(result.records, identified, strict=True):
        assert record.source_line == start
        assert record.type == "article"
        assert record.title == fixed_text(_first(fields.get("TI", [])))
        assert record.authors == split_authors([a for a in fields.get("AU", []) if a])
        assert record.year == next((normalise_year(v) for v in fields.get("PY", [])
                                    if normalise_year(v)), "")
        assert record.doi == normalise_doi(_first(fields.get("DO", [])))
        assert record.abstract == fixed_text(_first(fields.get("AB", [])))
        assert record.keywords == split_terms([k for k in fields.get("KW", []) if k])
        original = record.original_fields()
        if export.header:
            assert original["_database"] == "Cochrane Library"
        if export.numbered:
            assert original["_record"] == f"{number} of {len(export.records)}"
    canonical = _SPELLINGS["canonical"][0]
    misspelt = [n for n, line in enumerate(lines, start=1)  # 'ER  -' is 'ER  -' either way
                if line.spelling not in ("", "canonical")
                and line.text.rstrip() != canonical(line.tag, line.value).rstrip()]
    tag_like = any(line.text.startswith(tuple(_TAG_LIKE_PROSE)) for line in lines)
    if not misspelt and not tag_like:
        assert not result.warnings
    if misspelt:  # said once per spelling, at the first line spelt so
        assert misspelt[0] in {w.line for w in result.warnings}


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(works(_PROSE, _TEXT), min_size=1, max_size=4),
       lost=st.data())
def test_a_record_left_with_no_title_doi_or_id_is_rejected_at_its_line(tmp_path: Path,
                                                                        records, lost):
    """Strip one record of its title and DOI, or leave it a DOI that is none: it is a
    located reject, the rest import."""
    index = lost.draw(st.integers(0, len(records) - 1))
    doi = lost.draw(st.sampled_from(["", "not-a-doi", "10.1/x", "n/a"]))
    records[index] = Work("", records[index].authors, records[index].year, doi,
                          records[index].abstract, records[index].keywords)
    export = Export(records, [["canonical"] * len([t for t, _ in _tag_lines(w) if t])
                              for w in records], False, False, "\n", "utf-8")
    lines, starts = write(export)
    path = tmp_path / "export.ris"
    path.write_text("\n".join(line.text for line in lines))
    result = import_export(path, database="X", display_path="export.ris")
    assert len(result.records) == len(records) - 1
    (reject,) = result.rejects
    assert reject.problem.line == starts[index]
    assert "no title, DOI or ID" in reject.problem.message
