"""The JSON the API searches save (OpenAlex, Crossref, Europe PMC: a list of reply pages as
they came, or one page) and CSL-JSON: every field mapped, pages and items located, empty
results, unreadable items rejected where they are, and each told apart by its content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_helpers import saved
from litreview.core.errors import InputError
from litreview.importers import detect_format, import_export
from litreview.importers.openalex_json import abstract, family_first

API = Path(__file__).resolve().parent / "fixtures" / "api"
FILES = {"openalex-json": "import_openalex.json", "crossref-json": "import_crossref.json",
         "europepmc-json": "import_europepmc.json", "csl-json": "import_library.csl.json"}


def _import(name: str, database: str = "X", **kwargs: str):
    return import_export(API / name, database=database, display_path=name, **kwargs)


def _fields(record) -> dict[str, object]:
    row = record.to_row()
    return {k: row[k] for k in ("source_id", "type", "title", "authors", "year", "journal",
                                "volume", "issue", "pages", "doi", "abstract", "keywords",
                                "subjects", "language", "url")}


def _object_at(text: str, line: int) -> dict:
    """The JSON object that opens on ``line`` (alone on it, as indented JSON writes it)."""
    lines = text.split("\n")
    assert lines[line - 1].strip() == "{"
    offset = sum(len(each) + 1 for each in lines[:line - 1]) + lines[line - 1].index("{")
    return json.JSONDecoder().raw_decode(text, offset)[0]


def _pages(fmt: str) -> list[dict]:
    return json.loads((API / FILES[fmt]).read_text(encoding="utf-8"))


# --- every field mapped --------------------------------------------------------------------

def test_openalex_every_field():
    result = _import("import_openalex.json", "OpenAlex")
    assert result.format == "openalex-json" and result.source == "OpenAlex API"
    assert not result.rejects and not result.warnings
    first, second, third = result.records
    assert first.record_id == "openalex-W4710000001"
    assert _fields(first) == {
        "source_id": "W4710000001", "type": "article",
        "title": "Leading integrated children's services: a qualitative study",
        "authors": "van Beethoven, Ludwig; Adeyemi, Grace", "year": "2022",
        "journal": "School Leadership & Management", "volume": "42", "issue": "3",
        "pages": "251-270", "doi": "10.1080/13632434.2022.2040001",
        "abstract": "Leaders of integrated services for children described how they share "
                    "decisions across agencies, and why trust matters more than structure.",
        "keywords": "Integrated services; Leadership",
        "subjects": "Leadership; Interprofessional Collaboration in Children's Services",
        "language": "English",
        "url": "https://www.tandfonline.com/doi/full/10.1080/13632434.2022.2040001"}
    original = first.original_fields()
    assert "abstract_inverted_index" not in original  # it is the abstract, rebuilt
    assert original["referenced_works"] == ["https://openalex.org/W2000000001",
                                            "https://openalex.org/W2000000002"]
    assert json.loads(str(original["topics"]))[0]["field"]["display_name"] == "Social Sciences"
    assert original["cited_by_count"] == "7" and original["type_crossref"] == "journal-article"
    # a conference's proceedings make an "article" a conference paper; concepts when no topic
    assert (second.type, second.subjects, second.pages) == ("conference", ("Shared leadership",),
                                                            "12-19")
    # the raw name as printed when the author has no display name: an organisation unturned
    assert third.authors == ("Department for Education",) and third.type == "report"
    assert third.url.endswith("working-together-to-safeguard-children--2") and not third.doi
    assert [r.source_line for r in result.records] == [2, 2, 3]  # one compact page a line


def test_openalex_names_and_abstract_order():
    assert family_first("Juan Carlos de la Cruz") == "de la Cruz, Juan Carlos"
    assert family_first("Martin Luther King Jr.") == "King, Martin Luther Jr."
    assert family_first("Smith, J.") == "Smith, J." and family_first("Plato") == "Plato"
    assert family_first("World Health Organization") == "Organization, World Health"
    assert family_first("Agency for Healthcare Research and Quality") == \
        "Agency for Healthcare Research and Quality"
    assert abstract({"b": [1, 3], "a": [0], "c": [2]}) == "a b c b"
    assert abstract(None) == ""


def test_crossref_every_field():
    result = _import("import_crossref.json", "Crossref")
    assert result.format == "crossref-json" and not result.rejects and not result.warnings
    first, second, third = result.records
    assert first.record_id == "crossref-10.1111-cfs.12840"
    assert _fields(first) == {
        "source_id": "10.1111/cfs.12840", "type": "article",
        "title": "Leadership in early help: A survey of multi\u2010agency practitioners",
        "authors": "Price, Hannah; Evans, Ruth", "year": "2021",
        "journal": "Child & Family Social Work", "volume": "26", "issue": "4",
        "pages": "612-623", "doi": "10.1111/cfs.12840",
        "abstract": "Practitioners in early help teams (n = 214) rated leadership; scores rose "
                    "with CO2-free\u2014sorry, with shared decisions (p < 0.05).",
        "keywords": "", "subjects": "Social Sciences (miscellaneous); Health (social science)",
        "language": "English", "url": "https://doi.org/10.1111/cfs.12840"}
    assert first.original_fields()["ISSN"] == ["1356-7500", "1365-2206"]
    assert "<jats:p>" in str(first.original_fields()["abstract"])  # kept as it came
    assert (second.type, second.authors, second.pages) == (
        "conference", ("Children's Workforce Development Council",), "e1042")
    assert (third.type, third.authors, third.year, third.journal) == (
        "chapter", ("Bell, Jo",), "2010", "Integrated Working with Children")
    text = (API / "import_crossref.json").read_text(encoding="utf-8")
    for record in result.records:  # each item's line is where its object opens
        assert [_object_at(text, record.source_line)["DOI"]] == [record.source_id]


def test_crossref_single_work_reply(tmp_path: Path):
    work = _pages("crossref-json")[1]["message"]["items"][0]
    reply = {"status": "ok", "message-type": "work", "message-version": "1.0.0",
             "message": work}
    result = import_export(saved(tmp_path, "work.json", json.dumps(reply, indent=1)),
                           database="Crossref")
    assert result.format == "crossref-json"
    assert [r.source_id for r in result.records] == ["10.4135/9781446200001.n3"]
    assert result.records[0].source_line == 5


def test_europepmc_every_field():
    result = _import("import_europepmc.json", "Europe PMC")
    assert result.format == "europepmc-json" and not result.rejects and not result.warnings
    first, preprint, thesis = result.records
    assert first.record_id == "europe-pmc-MED-38800001"
    assert _fields(first) == {
        "source_id": "MED:38800001", "type": "article",
        "title": "Leadership of interprofessional teams in children's services: a realist "
                 "review.",
        "authors": "Nwosu, Amara; Whitfield, Clare; Interprofessional Leadership Collaborative",
        "year": "2024", "journal": "Journal of interprofessional care", "volume": "38",
        "issue": "2", "pages": "201-209", "doi": "10.1080/13561820.2024.2350001",
        "abstract": "Background Leaders of integrated services work across agencies. Methods "
                    "We reviewed 42 studies (p < 0.05).",
        "keywords": "Leadership; Integrated care; Realist review",
        "subjects": "Leadership; Interprofessional Relations", "language": "English",
        "url": "https://europepmc.org/article/MED/38800001"}
    original = first.original_fields()
    assert original["pmcid"] == "PMC11100001" and original["pmid"] == "38800001"
    assert "PMC11100001" in str(original["fullTextUrlList"])
    assert (preprint.source_id, preprint.type, preprint.authors) == (
        "PPR:PPR800002", "article", ("Gallagher, Siobhan", "Morgan, Rhys"))
    assert (thesis.type, thesis.authors) == ("thesis", ("Kowalski T",))  # authorString alone


def test_csl_json_every_field():
    result = _import("import_library.csl.json", "Zotero")
    assert result.format == "csl-json" and not result.rejects and not result.warnings
    article, chapter, report = result.records
    assert _fields(article) == {
        "source_id": "QW8ER7TY", "type": "article",
        "title": "Leading {integrated} services: what managers do",
        "authors": "von Neumann, John; King, Martin Luther, Jr.; Department for Children, "
                   "Schools and Families",
        "year": "2006", "journal": "Children & Society", "volume": "14", "issue": "2",
        "pages": "10-20", "doi": "10.1111/chso.12001",
        "abstract": "Managers of integrated services were interviewed.",
        "keywords": "Leadership; Integrated services; Management", "subjects": "",
        "language": "English", "url": "https://onlinelibrary.wiley.com/doi/10.1111/chso.12001"}
    assert article.original_fields()["note"] == "PMID: 16900001"
    # a citation key names no record: the id is made from the content
    assert chapter.source_id == "" and chapter.record_id.startswith("zotero-")
    assert (chapter.type, chapter.authors, chapter.year) == ("chapter", ("Bell, Jo",), "2019")
    assert (report.source_id, report.year, report.authors) == (
        "ITEM-3", "2018", ("Department for Education",))
    assert report.original_fields()["number"] == "DFE-00195-2018"
    assert [r.source_line for r in result.records] == [2, 52, 71]


# --- pages: a list, one page, none ---------------------------------------------------------

@pytest.mark.parametrize("fmt", ["openalex-json", "crossref-json", "europepmc-json"])
def test_one_page_alone_and_a_short_file(tmp_path: Path, fmt: str):
    first = _pages(fmt)[0]
    path = saved(tmp_path, "page.json", json.dumps(first, indent=2))
    result = import_export(path, database="X", display_path="page.json")
    assert result.format == fmt and len(result.records) == 2 and not result.rejects
    # the page says 3 records: the file holding 2 is read, and says so
    (warning,) = result.warnings
    assert str(warning) == ("page.json: the search reported 3 records; this file holds 2 "
                            "(its 1 page(s) leave 1 out) (litreview search run saves every "
                            "page of a search)")


@pytest.mark.parametrize("fmt", ["openalex-json", "crossref-json", "europepmc-json",
                                 "csl-json"])
def test_a_search_that_found_nothing(tmp_path: Path, fmt: str):
    empty = saved(tmp_path, "empty.json", "[]\n")
    result = import_export(empty, database="X", fmt=fmt)
    assert (result.records, result.rejects, result.warnings) == ((), (), ())
    if fmt == "csl-json":
        return
    page = _pages(fmt)[-1]
    holder = {"openalex-json": lambda p: p["results"],
              "crossref-json": lambda p: p["message"]["items"],
              "europepmc-json": lambda p: p["resultList"]["result"]}[fmt](page)
    holder.clear()
    counts = {"openalex-json": ("meta", "count"), "crossref-json": ("message", "total-results"),
              "europepmc-json": ("hitCount",)}[fmt]
    target = page
    for key in counts[:-1]:
        target = target[key]
    target[counts[-1]] = 0
    result = import_export(saved(tmp_path, "none.json", json.dumps([page])), database="X")
    assert result.format == fmt and (result.records, result.rejects) == ((), ())


def test_an_empty_list_takes_the_format_of_its_search(tmp_path: Path):
    empty = saved(tmp_path, "openalex_2026-05-01.json", "[]\n")
    assert detect_format(empty, empty.read_bytes()) == "csl-json"  # no search beside it
    saved(tmp_path, "openalex_2026-05-01.search.json", json.dumps({"api": "openalex"}))
    assert detect_format(empty, empty.read_bytes()) == "openalex-json"


# --- what cannot be read -------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "items"), [
    ("openalex-json", lambda p: p["results"]),
    ("crossref-json", lambda p: p["message"]["items"]),
    ("europepmc-json", lambda p: p["resultList"]["result"]),
])
def test_an_unreadable_item_is_a_located_reject(tmp_path: Path, fmt: str, items):
    pages = _pages(fmt)
    items(pages[1]).insert(0, {"score": 1.5})  # an item with nothing to know it by
    items(pages[1]).append("not an object")
    text = "[\n" + ",\n".join(json.dumps(p, indent=1) for p in pages) + "\n]\n"
    result = import_export(saved(tmp_path, "t.json", text), database="X", display_path="t.json")
    assert len(result.records) == 3
    bad, string = result.rejects
    lines = text.split("\n")
    assert bad.problem.message.startswith("page 2, item 1: a ")
    assert string.problem.message.startswith("page 2, item 3: a ")
    assert lines[bad.problem.line - 1].strip() == "{" and '"score"' in lines[bad.problem.line]
    assert lines[string.problem.line - 1].strip() == '"not an object"'
    assert json.loads(bad.raw) == {"score": 1.5}
    # positions count the rejects: the record after the first bad item is block 4
    assert [r.source_position for r in result.records] == [1, 2, 4]


def test_csl_json_unreadable_item(tmp_path: Path):
    text = json.dumps([{"id": "a", "type": "book", "title": "A"}, ["x"],
                       {"type": "book", "note": "no id, no title"}], indent=2)
    result = import_export(saved(tmp_path, "lib.json", text), database="X",
                           display_path="lib.json")
    assert [r.title for r in result.records] == ["A"]
    assert [(r.problem.line, r.problem.message) for r in result.rejects] == [
        (7, "item 2: an item with no id and no title"),
        (10, "item 3: an item with no id and no title")]


def test_a_page_that_is_no_reply_and_json_cut_short(tmp_path: Path):
    pages = _pages("openalex-json")
    pages[1] = {"error": "Invalid query parameters error."}
    path = saved(tmp_path, "t.json", json.dumps(pages, indent=1))
    line = json.dumps(pages, indent=1).split("\n").index(" {", 2)  # where page 2 opens
    with pytest.raises(InputError, match=rf"^t.json:{line + 1}: page 2 is no OpenAlex reply "
                                         r"\(no results\)"):
        import_export(path, database="X", fmt="openalex-json", display_path="t.json")
    cut = (API / "import_crossref.json").read_text(encoding="utf-8")[:3000]
    with pytest.raises(InputError, match=r"^c.json:\d+: not valid JSON: .* \(the file may be "
                                         r"cut short\)"):
        import_export(saved(tmp_path, "c.json", cut), database="X", fmt="crossref-json",
                      display_path="c.json")


# --- told apart by content -----------------------------------------------------------------

def test_each_detected_from_its_content_and_not_confused(tmp_path: Path):
    eric = (API / "eric_page1.json").read_bytes()
    assert detect_format(Path("x.json"), eric) == "eric-json"
    assert detect_format(Path("x.json"), b"[\n" + eric + b"\n]") == "eric-json"
    for fmt, name in FILES.items():
        data = (API / name).read_bytes()
        for file_name in ("export.json", "export.txt", "export.ris"):  # content wins
            assert detect_format(Path(file_name), data) == fmt
        if fmt != "csl-json":  # one page alone, compact as the service sends it
            page = json.dumps(json.loads(data)[0]).encode()
            assert detect_format(Path("p.json"), page) == fmt
    head = (API / "import_library.csl.json").read_bytes()[:300]  # an item cut by the head
    assert detect_format(Path("x.json"), head) == "csl-json"
    for text in (b'[{"title": "no type"}]', b'{"id": "x", "type": "book"}',
                 b'{"message-type": "member-list", "message": {}}',
                 b'{"response": {"docs": []}}'):
        with pytest.raises(InputError, match="cannot tell the format"):
            detect_format(Path("x.json"), text)
