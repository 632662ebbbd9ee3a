"""PubMed/MEDLINE (``.nbib``) exports."""

from __future__ import annotations

from pathlib import Path

from import_helpers import read
from litreview.importers import import_export


def test_pubmed_nbib():
    article, chapter = read("pubmed.nbib", database="PubMed")
    assert (article.source_id, article.record_id, article.source_line) == (
        "31245678", "pubmed-31245678", 2)
    assert article.title == ("Kinship foster care and mental health of children: a systematic "
                             "review of cohort studies.")
    assert article.authors == ("Okafor, Chidi", "Müller, Jürgen")  # FAU before AU
    assert (article.year, article.volume, article.issue, article.pages) == (
        "2019", "24", "3", "349-369")
    assert article.journal == "Child & family social work"  # JT before TA
    assert article.doi == "10.1111/cfs.12640"
    assert article.abstract.startswith("BACKGROUND: Children in kinship care may fare better "
                                       "than those in unrelated")
    assert article.subjects == ("Child", "Foster Home Care", "Mental Health")
    assert article.keywords == ("kinship care", "cohort studies")
    assert (article.language, article.type) == ("English", "article")
    assert article.url == "https://pubmed.ncbi.nlm.nih.gov/31245678/"
    assert article.original_fields()["MH"][1] == "*Foster Home Care/psychology"
    assert (chapter.type, chapter.journal, chapter.source_line) == (
        "chapter", "Family Care in Europe", 43)
    assert chapter.authors == ("European Carers Study Group",)
    assert (chapter.language, chapter.pages) == ("French; English", "101-109")


def test_medline_line_that_fits_nowhere_is_a_located_reject(tmp_path: Path):
    path = tmp_path / "bad.nbib"
    path.write_text("PMID- 1\nTI  - Fine\n\nPMID- 2\nTI  - Broken\nnot a tag\n\nPMID- 3\n"
                    "TI  - Fine too\n")
    imported = import_export(path, database="X", display_path="bad.nbib")
    assert [r.source_id for r in imported.records] == ["1", "3"]
    assert [r.source_position for r in imported.records] == [1, 3]
    (reject,) = imported.rejects
    assert str(reject.problem).startswith("bad.nbib:6: text 'not a tag' that is neither")
    assert reject.raw == "PMID- 2\nTI  - Broken\nnot a tag"
