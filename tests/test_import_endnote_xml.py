"""EndNote XML exports: fields, entity bombs and truncated files."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import EXPORTS, problems_of, read
from litreview.core.errors import InputError
from litreview.importers import import_export, read_export


def test_endnote_xml():
    article, chapter = read("endnote.xml", database="EndNote")
    assert (article.source_id, article.source_line, article.type) == ("16630000", 1, "article")
    assert article.title == "Kinship care and school outcomes"  # <style> runs joined
    assert article.authors == ("Okafor, Chidi", "Müller, Jürgen")
    assert (article.journal, article.year, article.volume, article.issue, article.pages) == (
        "Child & Family Social Work", "2006", "11", "2", "120-131")
    assert article.doi == "10.1111/j.1365-2206.2006.00401.x"
    assert article.keywords == ("kinship care", "foster children", "academic achievement")
    assert (article.language, article.url) == ("English", "https://example.org/okafor2006")
    original = article.original_fields()
    assert original["ref-type@name"] == "Journal Article"
    assert original["custom1"] == "screened: yes"
    assert original["remote-database-name"] == "MEDLINE"
    assert (chapter.type, chapter.source_id, chapter.journal, chapter.source_line) == (
        "chapter", "", "Caring in Ireland", 2)  # rec-number is no accession
    assert chapter.original_fields()["rec-number"] == "13"
    assert chapter.original_fields()["contributors/secondary-authors/author"] == "Keane, Roisin"


_BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE xml [\n <!ENTITY a "aaaaaaaaaa">\n'
         + b"".join(b' <!ENTITY %s "%s">\n' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                    for i in range(8))
         + b"]>\n<xml><records><record><titles><title>&i;</title></titles></record></records>"
           b"</xml>\n")


@pytest.mark.parametrize("padding", [0, 70_000])  # refused by detection, or by the parser
def test_xml_entity_bomb_gets_one_message(tmp_path: Path, padding: int):
    path = tmp_path / "library.xml"
    data = _BOMB if not padding else _BOMB.replace(
        b"<!DOCTYPE", b"<!-- " + b"x" * padding + b" -->\n<!DOCTYPE")
    path.write_bytes(data)
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="library.xml",
                    fmt="endnote-xml" if padding else "auto")
    (message,) = problems_of(excinfo)
    assert message.startswith("library.xml: this XML declares entities")


def test_truncated_endnote_xml_keeps_what_was_read_and_rejects_the_rest(tmp_path: Path):
    path = tmp_path / "cut.xml"
    text = (EXPORTS / "endnote.xml").read_text(encoding="utf-8")
    path.write_text(text[:text.index("<pages>45-60")], encoding="utf-8")
    imported = import_export(path, database="X", display_path="cut.xml")
    assert [r.source_id for r in imported.records] == ["16630000"]
    (reject,) = imported.rejects
    assert str(reject.problem).startswith("cut.xml:2: not well-formed XML at line 2")
    assert reject.raw.startswith("<record><database")
    with pytest.raises(InputError, match=r"cut\.xml:2: not well-formed"):
        read_export(path, database="X", display_path="cut.xml")
