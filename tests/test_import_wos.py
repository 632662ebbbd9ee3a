"""Web of Science exports: plain text and tab-delimited."""

from __future__ import annotations

import codecs
from pathlib import Path

from import_helpers import EXPORTS, import_text, only_reject, read
from litreview.importers import detect_format


def test_wos_plain_text():
    article, book = read("wos_plain.txt", database="Web of Science")
    assert (article.source_id, article.record_id, article.source_line) == (
        "WOS:000237000100002", "web-of-science-WOS-000237000100002", 3)
    assert article.title == "Kinship care and school outcomes: a cohort study of 1,200 children"
    assert article.authors == ("Okafor, Chidi", "Lindqvist, Maja")  # AF before AU
    assert (article.year, article.volume, article.issue, article.pages) == (
        "2006", "11", "2", "120-131")
    assert article.keywords == ("kinship care", "foster children", "academic achievement",
                                "OUTCOMES", "PLACEMENT")
    assert article.doi == "10.1111/j.1365-2206.2006.00401.x"
    assert (article.type, article.language, article.subjects) == ("article", "English", ())
    original = article.original_fields()
    assert original["CR"] == ["Smith J, 2001, CHILD WELF, V80, P1",
                              "Jones K, 2003, ADOPT FOSTER, V27, P33"]
    assert original["WC"] == "Family Studies; Social Work"
    assert (book.type, book.pages, book.source_line) == ("book", "7", 34)


def test_wos_record_without_er_is_rejected_and_the_rest_read(tmp_path: Path):
    imported = import_text(tmp_path, "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n"
                           "TI One\nPT J\nTI Two\nUT WOS:2\nER\n\nEF\n", "savedrecs.txt")
    assert [r.title for r in imported.records] == ["Two"]
    reject = only_reject(imported)
    assert str(reject.problem).startswith("savedrecs.txt:3: record starting at line 3 has no "
                                          "'ER' before line 5")
    assert reject.raw == "PT J\nTI One"


def test_wos_tab_delimited_utf16():
    raw = (EXPORTS / "wos_tab.txt").read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE)  # "Tab-delimited (Win)" is UTF-16
    assert detect_format(EXPORTS / "wos_tab.txt", raw) == "tsv"
    first, second = read("wos_tab.txt", database="WoS")
    assert (first.source_id, first.authors) == ("WOS:000237000100002",
                                                ("Okafor, Chidi", "Lindqvist, Maja"))
    assert (first.journal, first.pages, first.keywords) == (
        "CHILD & FAMILY SOCIAL WORK", "120-131", ("kinship care", "foster children", "OUTCOMES"))
    assert second.type == "article"  # "Article; Proceedings Paper": the first that maps
    assert second.original_fields()["PM"] == "30111222"
