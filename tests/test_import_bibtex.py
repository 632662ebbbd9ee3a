"""BibTeX exports: fields, entry types, and broken entries as located rejects."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import EXPORTS, problems_of, read
from litreview.core.errors import InputError
from litreview.importers import import_export, read_export


def test_bibtex_broken_entry_is_reported_with_its_line():
    with pytest.raises(InputError) as excinfo:
        read("broken.bib")
    (message,) = problems_of(excinfo)
    assert message.startswith("broken.bib:14: cannot read this BibTeX entry")


def test_bibtex_fields(tmp_path: Path):
    path = tmp_path / "good.bib"
    path.write_text((EXPORTS / "broken.bib").read_text().split("@article{broken2019")[0] + r"""
@inproceedings{brennan2019,
  author = {Brennan, Aoife and M{\"u}ller, J{\"u}rgen},
  title = {Respite services for carers},
  booktitle = {Proceedings of the Carers Conference},
  year = 2019,
  mesh = {Caregivers; Respite Care},
}
@misc{web1, title = {A web page}, url = {https://example.org/page}, year = {2020}}
@misc{misc1, title = {A dataset}, year = {2020}}
@incollection{chap1, title = {A chapter}, booktitle = {A book}}
@phdthesis{thesis1, title = {A thesis}, school = {X}}
""")
    records = read_export(path, database="Bib")
    first, second, web, misc, chapter, thesis = records
    # an author-year citation key is no accession: a content id, the key kept as "ID"
    assert first.source_id == "" and first.original_fields()["ID"] == "okafor2006"
    assert (first.source_line, first.source_position) == (2, 1)
    assert first.authors == ("Okafor, Chidi", "Lindqvist, Maja")
    assert first.title == "Kinship care and School outcomes"
    assert first.journal == "Child & Family Social Work"
    assert (first.year, first.volume, first.issue, first.pages) == ("2006", "11", "2", "120-131")
    assert first.doi == "10.1111/j.1365-2206.2006.00401.x"
    assert first.keywords == ("kinship care", "foster children")
    assert second.type == "conference" and second.journal.startswith("Proceedings")
    assert second.authors == ("Brennan, Aoife", "Müller, Jürgen")
    assert second.subjects == ("Caregivers", "Respite Care")
    assert (web.type, misc.type, chapter.type, thesis.type) == (
        "webpage", "other", "chapter", "thesis")


def test_bibtex_entry_without_at_is_a_located_reject(tmp_path: Path):
    path = tmp_path / "noat.bib"
    path.write_text(
        "% exported by hand; title = {not a field}\n"   # 1: a % comment stays silent
        "@comment{jabref-meta: databaseType:bibtex;}\n"
        "@string{cfs = {Child and Family Social Work}}\n"
        "@preamble{\"\\newcommand{\\noop}[1]{}\"}\n"
        "Notes on this file, in plain prose.\n"          # 5: prose stays silent
        "@article{a1, title={One}}\n"
        "article{a2, title={Two},\n"                      # 7: no @
        "  year = {2020}}\n"
        "\n"
        "@article{a3, title={Three}}\n"
        "  journal = {Orphan}\n")                         # 11: a field outside any entry
    imported = import_export(path, database="X")
    assert [r.source_id for r in imported.records] == ["a1", "a3"]
    assert [(r.problem.line, r.raw) for r in imported.rejects] == [
        (7, "article{a2, title={Two},\n  year = {2020}}"), (11, "journal = {Orphan}")]
    first = str(imported.rejects[0].problem)
    assert first.startswith(f"{path}:7: 'article{{a2, title={{Two}},' looks like a BibTeX entry "
                            "without its '@'") and "write '@' before the entry type" in first
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="noat.bib")
    assert [m.split(":")[1] for m in problems_of(excinfo)] == ["7", "11"]


def test_bibtex_comments_preamble_and_strings_are_not_rejects(tmp_path: Path):
    path = tmp_path / "ok.bib"
    path.write_text("This file was exported by JabRef.\n% title = {x}\n"
                    "@comment{article{c1, title={Commented out}}}\n"
                    "@string{j = {J}}\n@article{a1, title={One}, journal=j}\n")
    imported = import_export(path, database="X")
    assert not imported.rejects and [r.journal for r in imported.records] == ["J"]


def test_bibtex_duplicate_key(tmp_path: Path):
    path = tmp_path / "dup.bib"
    path.write_text("@article{k1, title={One}}\n\n@article{k1, title={Two}}\n")
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X")
    (message,) = problems_of(excinfo)
    assert message.startswith(f"{path}:3: duplicate entry key 'k1' (first at line 1)")


def test_bibtex_duplicate_field(tmp_path: Path):
    path = tmp_path / "field.bib"
    path.write_text("@article{k1, title={One}, title={Two}}\n")
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="field.bib")
    assert problems_of(excinfo) == [
        "field.bib:1: entry 'k1' has the field(s) title more than once (keep one value per field)"]


def test_bibtex_rejects_keep_the_entry_text():
    imported = import_export(EXPORTS / "broken.bib", database="X")
    (reject,) = imported.rejects
    assert reject.problem.line == 14 and reject.raw.startswith("@article{broken2019")
    assert [r.source_position for r in imported.records] == [1, 3]


@pytest.mark.parametrize("value", [
    "a 93.9\\% rate", "A \\& B", "pages 1299--1305", "x---y", "''quoted'' -- ~ here",
    "----", "\'\'\'", "a ~~ b", "x--\n--y", "50\\% of 3--4 ''x'' ~ y \\& z---w"])
def test_latex_decoded_token_by_token_is_what_pylatexenc_makes_of_the_whole(value: str):
    from bibtexparser.middlewares import LatexDecodingMiddleware
    from litreview.importers.bibtex_latex import LatexDecoding

    ours = LatexDecoding(keep_braced_groups=True)
    whole = LatexDecodingMiddleware._transform_python_value_string(ours, value)
    assert ours._transform_python_value_string(value) == whole
