"""Table exports of tools first met on a team's own data: IEEE Xplore, Dimensions, Publish
or Perish (Google Scholar) and Zotero CSVs. Fixtures are a few hand-made rows in each
tool's real header; before their profiles each lost a field (pages, URL, the database's
identifier or subject terms) or got one wrong (a PMID as the ID, a book section's type)."""

from __future__ import annotations

from pathlib import Path

from litreview.importers import import_export

HERE = Path(__file__).resolve().parent / "fixtures" / "exports" / "more-tables"


def imported(name: str):
    path = HERE / name
    return import_export(path, database="Test DB", display_path=name)


def test_ieee_xplore_csv_reads_pdf_link_index_terms_and_content_type():
    result = imported("ieee_xplore.csv")
    assert not result.rejects and not result.warnings
    conf, journal = result.records
    assert conf.title == "Consensus of robot swarms over lossy links"
    assert conf.journal.startswith("2019 IEEE International Conference on Robotics")
    assert conf.pages == "512-518"
    assert conf.url == "https://ieeexplore.ieee.org/stamp/stamp.jsp?arnumber=1000001"
    assert conf.keywords == ("swarm", "consensus")
    assert conf.subjects == ("Robots", "Protocols", "multi-robot systems", "lossy links")
    assert conf.type == "conference"  # "IEEE Conferences"
    assert journal.type == "article"  # "IEEE Journals"
    assert (journal.volume, journal.issue, journal.year) == ("70", "3", "2021")


def test_dimensions_csv_reads_publication_id_pagination_and_url_after_its_preamble():
    result = imported("dimensions.csv")
    assert not result.rejects and not result.warnings
    article, chapter = result.records
    assert article.source_line == 3  # the "About the data" line is skipped
    assert article.source_id == "pub.1100000001"  # not the PMID beside it
    assert article.pages == "101-110"
    assert article.url == "https://app.dimensions.ai/details/publication/pub.1100000001"
    assert article.subjects == ("Influenza, Human", "Forecasting")
    assert (article.year, article.volume, article.issue) == ("2020", "4", "2")
    assert chapter.journal == "Handbook of Epidemic Modelling"  # its "Anthology title"
    assert chapter.type == "chapter" and chapter.pages == "33-58"


def test_publish_or_perish_csv_reads_start_and_end_page_and_article_url():
    result = imported("publish_or_perish.csv")
    assert not result.rejects and not result.warnings
    article, other = result.records
    assert article.journal == "Journal of Rural Education"
    assert article.pages == "45-60"
    assert article.url == "https://example.org/articles/peer-tutoring"
    assert article.doi == "10.1234/jre.2018.7"
    assert other.url == "https://example.org/preprint/homework"
    assert other.type == "book"  # PoP writes RIS-like codes in "Type"


def test_zotero_csv_reads_item_type_and_automatic_tags_and_not_a_report_number():
    result = imported("zotero.csv")
    assert not result.rejects and not result.warnings
    article, section, report = result.records
    assert article.source_id == "QW12ER34"
    assert article.keywords == ("eggs", "Gobi")
    assert article.subjects == ("Paleontology", "Mongolia")
    assert section.type == "chapter"  # "bookSection", not "book"
    assert section.journal == "Handbook of Dinosaurs"
    assert report.type == "report"
    assert report.issue == ""  # Zotero's "Number" is the report's number
    assert report.original_fields()["Number"] in ("TR-17", ["TR-17"])
