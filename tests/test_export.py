"""``litreview export``: records out to reference managers. Every format read back by the
project's own importers gives back every field it carries; the record id, databases and
decisions are written where those tools keep them; a person's file is never overwritten."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import bibtexparser
import pytest
from conftest import FIXTURES, run_stages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litreview.cli import main
from litreview.core.records import DOCUMENT_TYPES, Record
from litreview.core.text import clean_text
from litreview.exchange import Exported, StageDecision, bibtex_keys, export_text
from litreview.importers import import_export

FIELDS = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi",
          "abstract", "keywords", "url", "language")
SUFFIX = {"ris": ".ris", "bibtex": ".bib", "endnote-xml": ".xml", "csl-json": ".json"}

# --- generated records -------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éüßøçłαβ中文"
_SPECIALS = "{}%&\"'#$_~^\\@!?.,:;()[]/*+=`-"
_WORD = st.text(st.sampled_from(_LETTERS + _SPECIALS), min_size=1, max_size=8)
_PLAIN = st.text(st.sampled_from(_LETTERS), min_size=1, max_size=8)


def _phrase(words: int = 8, specials: str = _SPECIALS) -> st.SearchStrategy[str]:
    """Words with a letter first, so that no phrase is only punctuation."""
    word = st.text(st.sampled_from(_LETTERS + specials), min_size=1, max_size=8)
    return st.builds(lambda first, rest: " ".join([first, *rest]), _PLAIN,
                     st.lists(word, max_size=words - 1))


_SURNAME = st.builds(lambda particle, name: particle + name.capitalize(),
                     st.sampled_from(["", "", "von ", "de la ", "O'"]),
                     st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzéüßøł"), min_size=2,
                             max_size=10))
_PERSON = st.builds(lambda surname, initials: f"{surname}, {initials}", _SURNAME,
                    st.sampled_from(["J.", "J. K.", "Ana", "Zoë M."]))
_AUTHOR = st.one_of(_PERSON, st.sampled_from([
    "von Neumann, J.", "World Health Organization", "Department for Children, Schools and "
    "Families", "Cochrane & Campbell Collaboration", "Joanna Briggs Institute"]))
_PAGES = st.one_of(st.just(""), st.integers(1, 999).map(str),
                   st.integers(100, 99999).map(lambda n: f"e{n}"),
                   st.tuples(st.integers(1, 900), st.integers(1, 90)).map(
                       lambda p: f"{p[0]}-{p[0] + p[1]}"),
                   st.tuples(st.integers(1, 90), st.integers(1, 9)).map(
                       lambda p: f"S{p[0]}-S{p[0] + p[1]}"))
_DOI = st.builds(lambda prefix, suffix, end: f"10.{prefix}/{suffix}{end}",
                 st.integers(1000, 99999),
                 st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789._-()/"),
                         max_size=15), st.sampled_from("abcxyz0129"))
_URL = st.builds(lambda path, query: f"https://example.org/{path}{query}",
                 st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789/_.-"),
                         max_size=15),
                 st.sampled_from(["", "?id=12&db=eric", "?q=a%20b", "#top", "/a--b"]))


def _maybe(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy)


_RECORD = st.builds(
    lambda n, **fields: Record(record_id=f"gen-{n}", database="Generated",
                               source_file="generated.ris", source_position=n,
                               source_id=f"ACC{n}", **fields),
    st.integers(1, 10**6),
    type=st.sampled_from(DOCUMENT_TYPES),
    title=_maybe(_phrase()),
    authors=st.lists(_AUTHOR, max_size=4, unique=True).map(tuple),
    year=_maybe(st.integers(1900, 2030).map(str)),
    journal=_maybe(_phrase(5)),
    volume=_maybe(st.integers(1, 300).map(str)),
    issue=_maybe(st.sampled_from(["1", "12", "Suppl 2"])),
    pages=_PAGES,
    doi=_maybe(_DOI),
    abstract=_maybe(_phrase(30)),
    keywords=st.lists(_phrase(3, _SPECIALS.replace(";", "")), max_size=4,
                      unique=True).map(tuple),
    url=_maybe(_URL),
    language=st.sampled_from(["", "English", "French", "German", "Chinese"]),
)
_DECISION = st.builds(StageDecision, st.sampled_from(["title_abstract", "full_text"]),
                      st.sampled_from(["included", "excluded", "awaiting"]),
                      st.sampled_from(["", "C1", "C2"]), _maybe(_phrase(6)),
                      st.sampled_from(["", "r1", "r1+r2"]))
_ITEMS = st.lists(st.builds(Exported, _RECORD, st.just(("Generated", "Other & Co")),
                            st.just(()), st.lists(_DECISION, max_size=2,
                                                     unique_by=lambda d: d.stage).map(tuple)),
                  min_size=1, max_size=4, unique_by=lambda item: item.record.record_id)


# --- reading back --------------------------------------------------------------------------

_CSL_TYPE = dict.fromkeys(("document", "project"), "other")  # CSL's "document", all three


def _round_trip(fmt: str, items: list[Exported], folder: Path) -> list[Record]:
    text = export_text(fmt, items)
    path = folder / f"export{SUFFIX[fmt]}"
    path.write_bytes(text.encode("utf-8"))
    imported = import_export(path, database="Back")  # the format detected, as a user's
    assert imported.format == fmt
    assert not imported.rejects and not imported.warnings
    return list(imported.records)


def _unbraced(value: str) -> str:
    """A BibTeX note as the original fields keep it, without braces: LaTeX's groups stay
    there as written (``-{}-``, the exporter's break of a ligature)."""
    return clean_text(value.replace("{", "").replace("}", ""))


def _expected(record: Record) -> dict[str, object]:
    """Every field as it was, in every format: BibTeX's literal braces (``\\{``) and the
    ``--`` of a URL or DOI (verbatim fields) come back too."""
    return {name: getattr(record, name) for name in FIELDS}


def _found(record: Record) -> dict[str, object]:
    values = {name: getattr(record, name) for name in FIELDS}
    values["keywords"] = tuple(k for k in record.keywords if not k.startswith("litreview:"))
    return values


def _note(back: Record, fmt: str) -> str:
    original = back.original_fields()
    note = {"ris": "N1", "bibtex": "note", "endnote-xml": "notes", "csl-json": "note"}[fmt]
    value = original.get(note, "")
    return "\n".join(value) if isinstance(value, list) else value


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "endnote-xml", "csl-json"])
@given(items=_ITEMS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_field_comes_back(fmt: str, items: list[Exported]):
    with tempfile.TemporaryDirectory() as folder:
        back = _round_trip(fmt, items, Path(folder))
    assert len(back) == len(items)
    for item, record in zip(items, back, strict=True):
        assert _found(record) == _expected(item.record)
        kind = _CSL_TYPE.get(item.record.type, item.record.type) if fmt == "csl-json" \
            else item.record.type
        if fmt != "bibtex":  # BibTeX's types are fewer (a project is a @misc)
            assert record.type == kind
        tags = [k for k in record.keywords if k.startswith("litreview:")]
        assert tags == list(item.tags())
        note, found = " ".join(item.note_lines()), _note(record, fmt)
        if fmt == "bibtex":
            note, found = _unbraced(note), _unbraced(found)
        assert found.split() == note.split()


# --- the decision fields, exactly ----------------------------------------------------------

def _hand() -> list[Exported]:
    record = Record(
        record_id="eric-EJ1181769", database="ERIC", source_file="eric.ris",
        source_position=1, source_id="EJ1181769", type="article",
        title="Leading {integrated} services: 50% & more", authors=("von Neumann, J.",
        "Department for Children, Schools and Families"), year="2006", journal="Children & Society",
        volume="14", issue="2", pages="10-20", doi="10.1000/x_1", keywords=("Leadership",),
        extra=(("sources", "ERIC; Social Care Online"),
               ("members", "eric-EJ1181769; social-care-online-SCO-9")))
    decisions = (StageDecision("title_abstract", "included", decided_by="r1+r2"),
                 StageDecision("full_text", "excluded", "C2",
                               "Evidence on effective features of leadership", "r1"))
    from litreview.exchange import exported

    made = exported(record)
    return [Exported(record, made.databases, made.members, decisions)]


NOTES = ["litreview record: eric-EJ1181769",
         "litreview databases: ERIC; Social Care Online",
         "litreview merged records: eric-EJ1181769; social-care-online-SCO-9",
         "litreview title_abstract: included, decided by r1+r2",
         "litreview full_text: excluded, reason C2: Evidence on effective features of "
         "leadership, decided by r1"]
TAGS = ["litreview:record:eric-EJ1181769", "litreview:database:ERIC",
        "litreview:database:Social Care Online", "litreview:excluded",
        "litreview:title_abstract:included", "litreview:full_text:excluded:C2"]


def test_ris_exact():
    assert export_text("ris", _hand()) == "\r\n".join([
        "TY  - JOUR", "AU  - von Neumann, J.",
        "AU  - Department for Children, Schools and Families",
        "TI  - Leading {integrated} services: 50% & more", "T2  - Children & Society",
        "JO  - Children & Society", "PY  - 2006", "VL  - 14", "IS  - 2", "SP  - 10",
        "EP  - 20", "DO  - 10.1000/x_1", "KW  - Leadership",
        *(f"KW  - {tag}" for tag in TAGS), "AN  - EJ1181769",
        *(f"N1  - {line}" for line in NOTES), "ER  - ", ""])


def test_bibtex_exact():
    text = export_text("bibtex", _hand())
    assert "  author = {von Neumann, J. and {Department for Children, Schools and " \
           "Families}},\n" in text
    assert "  title = {Leading \\{integrated\\} services: 50\\% \\& more},\n" in text
    assert "  pages = {10--20},\n  doi = {10.1000/x_1},\n" in text
    entry = bibtexparser.parse_string(text).entries[0]
    assert entry.key == "eric-EJ1181769"
    assert entry["note"] == "\n".join(line.replace("_", "\\_") for line in NOTES)
    assert entry["keywords"] == "; ".join(
        ["Leadership", *(tag.replace("_", "\\_") for tag in TAGS)])


def test_bibtex_keys_are_safe_and_unique():
    assert bibtex_keys(["a b", "a-b", "A-B", "x~2", "{}", "pubmed-PMID-1"]) == [
        "a-b", "a-b-2", "A-B-3", "x-2", "record", "pubmed-PMID-1"]


def test_endnote_xml_exact():
    text = export_text("endnote-xml", _hand())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>\n<xml><records>\n<record>')
    record = ET.fromstring(text.encode()).find("records/record")
    assert record is not None

    def texts(path: str) -> list[str]:
        return ["".join(e.itertext()) for e in record.findall(path)]

    assert texts("ref-type") == ["17"] and record.find("ref-type").get("name") == \
        "Journal Article"
    assert texts("notes") == ["\n".join(NOTES)]
    assert texts("keywords/keyword") == ["Leadership", *TAGS]
    assert texts("remote-database-name") == ["ERIC; Social Care Online"]
    assert texts("accession-num") == ["EJ1181769"]
    assert texts("titles/title") == ["Leading {integrated} services: 50% & more"]
    assert texts("periodical/full-title") == ["Children & Society"]


def test_csl_json_exact():
    [item] = json.loads(export_text("csl-json", _hand()))
    assert item["id"] == "eric-EJ1181769" and item["type"] == "article-journal"
    assert item["author"] == [{"family": "von Neumann", "given": "J."},
                              {"literal": "Department for Children, Schools and Families"}]
    assert item["issued"] == {"date-parts": [[2006]]} and item["page"] == "10-20"
    assert item["note"] == "\n".join(NOTES)
    assert item["keyword"] == "; ".join(["Leadership", *TAGS])
    assert item["source"] == "ERIC; Social Care Online"


def test_a_record_with_little_writes_what_it_has():
    bare = Record(record_id="x-1", database="X", source_file="x", source_position=1,
                  doi="10.1000/only")
    item = [Exported(bare)]
    assert export_text("ris", item) == ("TY  - GEN\r\nDO  - 10.1000/only\r\n"
                                        "KW  - litreview:record:x-1\r\n"
                                        "N1  - litreview record: x-1\r\nER  - \r\n")
    assert json.loads(export_text("csl-json", item)) == [{
        "id": "x-1", "type": "document", "DOI": "10.1000/only",
        "keyword": "litreview:record:x-1", "note": "litreview record: x-1"}]
    assert "@misc{x-1,\n  doi = {10.1000/only}," in export_text("bibtex", item)


# --- the command ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny review after its run, in process (read it, do not change it)."""
    review = tmp_path_factory.mktemp("export") / "review"
    shutil.copytree(FIXTURES / "tiny_review", review)
    assert run_stages(review) == 0
    return review


def _export(review: Path, *args: str) -> int:
    with contextlib.chdir(review):
        return main(["export", *args])


def test_export_included_and_stages(built: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "included.ris"
    assert main(["export", "--which", "included", "-o", str(out), str(built)]) == 0
    assert "1 record(s) written" in capsys.readouterr().err
    [record] = import_export(out, database="Back").records
    assert record.title == "Leadership in integrated children's services"
    assert record.authors == ("Smith, J.", "Jones, K.") and record.pages == "10-20"
    assert record.original_fields()["N1"] == [
        "litreview record: alpha-A1", "litreview databases: Alpha; Beta",
        "litreview merged records: alpha-A1; beta-B1",
        "litreview title_abstract: included, decided by r1+r2",
        "litreview full_text: included, decided by r1"]
    assert "litreview:included" in record.keywords

    stage = tmp_path / "full_text.json"
    assert _export(built, "--which", "all", "--stage", "full_text", "-o", str(stage)) == 0
    items = json.loads(stage.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ["alpha-A1", "alpha-A2", "beta-B2"]
    assert items[2]["note"].endswith("litreview full_text: not_retrieved, reason "
                                     "not_retrieved: report not retrieved, decided by r1, "
                                     "note: not held by any library")
    every = tmp_path / "all.xml"
    assert _export(built, "--which", "all", "--to", "endnote-xml", "-o", str(every)) == 0
    assert len(import_export(every, database="Back").records) == 5
    assert _export(built, "--which", "to_screen", "-o", str(tmp_path / "none.bib")) == 0
    assert not (tmp_path / "none.bib").exists()  # nothing awaits: nothing written
    assert "no record is awaiting a decision at any stage" in capsys.readouterr().err


def test_export_never_overwrites_a_file_unasked(built: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]):
    mine = tmp_path / "mine.ris"
    mine.write_text("my own library\n")
    assert main(["export", "-o", str(mine), str(built)]) == 2
    assert mine.read_text() == "my own library\n"
    assert "exists already: litreview export writes new files only" in capsys.readouterr().err
    assert main(["export", "--force", "-o", str(mine), str(built)]) == 0
    assert mine.read_bytes().startswith(b"TY  - JOUR\r\n")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(("args", "said"), [
    (["--stage", "nope", "-o", "x.ris"], "no stage 'nope' in the review's criteria (the "
     "stages are: title_abstract, full_text)"),
    (["-o", "x.txt"], "cannot tell the format from the file's extension"),
])
def test_export_refuses_what_it_cannot_do(built: Path, tmp_path: Path, args: list[str],
                                          said: str, capsys: pytest.CaptureFixture[str]):
    args = [re.sub(r"^x\.", str(tmp_path / "x."), a) for a in args]
    assert main(["export", *args, str(built)]) == 2
    assert said in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_export_before_the_run_says_what_to_do(tiny_review: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]):
    assert main(["export", "-o", str(tmp_path / "x.ris"), str(tiny_review)]) == 2
    assert "no deduplicated records to export (run 'litreview run'" in \
        capsys.readouterr().err
