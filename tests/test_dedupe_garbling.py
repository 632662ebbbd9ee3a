"""Fields that real exports garble, met again in pairs of our own making.

Each pair is one work exported twice, one copy garbled the way the benchmark's "garbled
exports" table garbles it (``benchmarks/dedupe.py``): a journal under MEDLINE's qualified
title or with a conference in the journal field, a supplement issue, a volume cut short or
replaced by the issue, "Anonymous" authors. Each has a counter-case that must stay apart,
above all the abstracts of one conference supplement.
"""

from __future__ import annotations

from dataclasses import replace

from litreview.core.records import Record
from litreview.dedupe import Verdict, Weights, deduplicate, judge, keys
from litreview.dedupe.evidence import compare
from litreview.dedupe.match_keys import issue_key
from litreview.dedupe.venues import journal_keys, venue_relation

TITLE = "Pleurodesis in recurrent pleural effusions: a randomized comparison of two agents"


def article(rid: str, title: str = TITLE, **kw: object) -> Record:
    fields: dict[str, object] = {
        "year": "2004", "authors": ("Ukale, V.", "Agrenius, V.", "Hillerdal, G."),
        "journal": "Lung Cancer", "volume": "43", "issue": "3", "pages": "323-328",
        "type": "article"}
    fields.update(kw)
    return Record(rid, str(fields.pop("database", "A")), "a.ris", 1, title=title,
                  **fields)  # type: ignore[arg-type]


def same_venue(a: str, b: str) -> bool:
    return venue_relation(journal_keys(a), journal_keys(b)) == "same"


def test_journal_titles_with_qualifiers_subtitles_and_joined_compounds():
    """MEDLINE qualifies a title with a place or an ISSN, adds a subtitle after "; ", and
    ISO 4 joins a hyphenated compound ("Cardiothorac"): each is still the journal."""
    assert same_venue("Lung cancer (Amsterdam, Netherlands)", "Lung Cancer")
    assert same_venue("Medizinische Klinik (Munich, Germany : 1983)", "Medizinische Klinik")
    assert same_venue("Stroke; a journal of cerebral circulation", "Stroke (00392499)")
    assert same_venue("Eur J Cardiothorac Surg", "European Journal of Cardio-thoracic Surgery")
    assert not same_venue("Heart", "Health Affairs")
    assert not same_venue("Lung cancer (Amsterdam, Netherlands)", "Cancer (Basel)")


def test_a_journal_with_a_conference_in_its_field_is_that_journal():
    """Embase's "Lung Cancer. Conference: …" against MEDLINE's qualified title: one
    article; it was kept apart as a conference paper against a journal article."""
    garbled = article("b", journal="Lung Cancer. Conference: European Congress of "
                                   "Pathology 2004. Copenhagen Denmark", database="B")
    outcome = judge(keys(article("a", journal="Lung cancer (Amsterdam, Netherlands)")),
                    keys(garbled))
    assert outcome.verdict is Verdict.SAME, outcome.reason


def test_one_place_outweighs_a_conference_under_another_journal_name():
    """A journal known by two names (translated) and one copy filed as a conference: the
    same title, year, volume and pages say it is one item; other pages do not."""
    a = article("a", journal="Revista Panamericana de Salud Publica")
    b = article("b", journal="Pan American Journal of Public Health. Conference: Annual "
                             "Meeting 2004", type="conference", database="B")
    assert judge(keys(a), keys(b)).verdict is Verdict.SAME
    elsewhere = judge(keys(a), keys(article("c", journal=b.journal, type="conference",
                                            volume="", issue="", pages="12-13")))
    assert elsewhere.verdict is Verdict.DIFFERENT and elsewhere.rule == "veto:conference"


def test_supplement_issues():
    assert [issue_key(x) for x in ("SUPPL. 1", "Suppl 1", "1 Suppl. 1", "S2", "Suppl",
                                   "12")] == ["s1", "s1", "s1", "s2", "s", "12"]


def test_a_supplement_against_the_issue_it_belongs_to():
    """"Suppl 1" where the other database gives the issue: the pages agree or one record
    has none, so the issues do not disagree. An abstract in the supplement and the article
    in an issue, at other pages, still do; so do two numbered supplements."""
    a = article("a", authors=("Anonymous",), pages="")
    for issue in ("SUPPL. 1", "Suppl 1", "1 Suppl. 1"):
        b = article("b", issue=issue, database="B")
        assert judge(keys(a), keys(b)).verdict is Verdict.SAME, issue
    supplement = article("s", issue="Suppl 1", pages="S12")
    full = judge(keys(supplement), keys(article("f", pages="323-328")))
    assert full.verdict is not Verdict.SAME
    assert compare(keys(supplement), keys(article("t", issue="Suppl 2", pages="S40"))).issue
    assert not compare(keys(supplement), keys(article("u", pages=""))).issue


def test_a_volume_cut_short_or_replaced_by_the_issue():
    """"4" for "43" (cut at the end) or the issue "7" in the volume's place, with a title
    that lost its subtitle: pairs the candidate filter used to drop as other volumes."""
    short = "Pleurodesis in recurrent pleural effusions"
    for volume, issue in (("4", "3"), ("7", "7")):
        b = article("b", short, volume=volume, issue=issue, database="B",
                    journal="Lung cancer (Amsterdam, Netherlands)")
        result = deduplicate([article("a", issue=issue), b])
        assert len(result.unique) == 1, volume
    other = article("c", short, volume="44", pages="15-20", database="B")
    assert len(deduplicate([article("a"), other]).unique) == 2


def test_anonymous_online_a_year_before_print():
    """No authors ("Anonymous") and a year apart: the same volume and pages stand in for
    the authors; without them nothing does."""
    anonymous = article("b", authors=("Anonymous",), year="2003", database="B")
    assert judge(keys(article("a")), keys(anonymous)).verdict is Verdict.SAME
    unplaced = article("c", authors=("Anonymous",), year="2003", volume="", issue="",
                       pages="", database="B")
    assert judge(keys(article("a")), keys(unplaced)).verdict is not Verdict.SAME


def test_abstracts_of_one_conference_supplement_never_merge():
    """One supplement: the same journal, year, volume, issue, conference, even one DOI for
    the whole supplement, with "Anonymous" or different authors and different titles."""
    journal = ("Heart. Conference: British Cardiovascular Society Annual Conference 2012. "
               "Manchester United Kingdom")
    shared = {"journal": journal, "year": "2012", "volume": "98", "issue": "SUPPL. 1",
              "doi": "10.1136/heartjnl-2012-301877", "type": "conference"}
    abstracts = [
        article("a", "Heart failure clinic outcomes in a district general hospital",
                authors=("Anonymous",), pages="A45", **shared),
        article("b", "Troponin testing in the emergency department: an audit",
                authors=("Anonymous",), pages="A46", database="B", **shared),
        article("c", "Remote monitoring of implantable defibrillators in rural patients",
                authors=("Smith, J.", "Patel, R."), pages="", database="C", **shared),
        article("d", "Outcomes of transcatheter aortic valve implantation in octogenarians",
                authors=("Jones, A.",), pages="A45-A46", database="D", **shared),
    ]
    for records in (abstracts, [replace(r, doi="") for r in abstracts]):
        assert len(deduplicate(records).unique) == len(records)


def test_the_parameters_the_benchmark_tunes_decide():
    """``Weights.similar`` and ``Weights.garbled`` (chosen leaving one set out) each move a
    pair across the line: a reworded title, and a volume cut short against a record filed
    as a conference paper without a venue."""
    reworded = article("b", "Pleurodesis in recurrent malignant pleural effusions: comparing "
                            "two agents", pages="323", database="B")
    assert judge(keys(article("a")), keys(reworded)).verdict is not Verdict.SAME
    assert judge(keys(article("a")), keys(reworded),
                 weights=Weights(similar=80)).verdict is Verdict.SAME
    cut = article("b", volume="4", journal="", type="conference", database="B")
    assert judge(keys(article("a")), keys(cut)).verdict is Verdict.DIFFERENT
    assert judge(keys(article("a")), keys(cut), weights=Weights(garbled=0)).verdict \
        is Verdict.SAME
