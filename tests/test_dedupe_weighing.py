"""Weighing evidence instead of vetoing on one garbled field; every verdict names its rule.

Small record pairs of the garbling real exports show: author lists with no separator, a
volume cut or mangled by the export, conference-abstract supplements with "Anonymous"
authors and the conference in the journal field. Each would be kept apart by a veto
before the rules weighed the other fields.
"""

from __future__ import annotations

from dataclasses import replace

from litreview.core.records import Record
from litreview.dedupe import Verdict, Weights, deduplicate, judge, keys
from litreview.dedupe.authors import author_keys, author_relation

TITLE = "Intestinal lipoprotein overproduction in insulin-resistant states"


def article(rid: str, title: str = TITLE, **kw: object) -> Record:
    fields: dict[str, object] = {
        "year": "2012", "authors": ("Adeli, K.", "Lewis, G. F.", "Xiao, C."),
        "journal": "Current Opinion in Lipidology", "volume": "61", "issue": "3",
        "pages": "245-252", "type": "article"}
    fields.update(kw)
    return Record(rid, str(fields.pop("database", "A")), "a.ris", 1, title=title,
                  **fields)  # type: ignore[arg-type]


def test_author_lists_without_separators():
    for listed in ("ADELI K.LEWIS G. F.XIAO C.", "Adeli, K.Lewis, G. F.Xiao, C.",
                   "Adeli K.Lewis G. F.XIAO C."):
        names = author_keys([listed]).names
        assert [sorted(n.surname) for n in names] == [["adeli"], ["lewis"], ["xiao"]], listed
        assert author_relation(author_keys([listed]),
                               author_keys(["Adeli K", "Lewis GF", "Xiao C"])) == "high"
    assert len(author_keys(["Smith, J.K."]).names) == 1  # initials, not two names


def test_a_volume_the_export_mangled_is_no_veto():
    """"1)" where the other copy has 61 (and the issue "SUPPL. 1"), or 6 for 61: one
    record's volume cut short, not another volume."""
    full = article("a")
    for volume, issue in (("1)", "SUPPL. 1"), ("6", "3"), ("1", "")):
        other = article("b", volume=volume, issue=issue, authors=("Adeli K.Lewis G. F.",),
                        journal="Curr Opin Lipidol", database="B")
        outcome = judge(keys(full), keys(other))
        assert outcome.verdict is Verdict.SAME, (volume, outcome.reason)
        assert len(deduplicate([full, other]).unique) == 1


def test_strong_agreement_outweighs_one_other_volume():
    """Title, authors, year, journal and pages agree: a volume typed 16 for 61 is
    outweighed, and the judgement says so; without the pages it is still a veto."""
    typo = article("b", volume="16", database="B")
    outcome = judge(keys(article("a")), keys(typo))
    assert outcome.verdict is Verdict.SAME
    assert outcome.rule == "weighed:volume" and "outweighs different volumes" in outcome.reason
    assert "pages" in outcome.reason and "first author" in outcome.reason
    bare = judge(keys(article("a", pages="")), keys(replace(typo, pages="")))
    assert bare.verdict is Verdict.DIFFERENT and bare.rule == "veto:volume"
    off = judge(keys(article("a")), keys(typo), weights=Weights(same=99))
    assert off.verdict is Verdict.DIFFERENT  # the threshold is what decides


def test_one_abstract_in_two_journals_is_never_outweighed():
    """The same abstract printed in two journals: another journal and another volume are
    two disagreements, so no weighing joins it and it is not worth a person's look."""
    a = article("a", journal="Gynecologic Oncology", volume="116", issue="", pages="S30")
    b = article("b", journal="American Journal of Obstetrics and Gynecology", volume="203",
                issue="", pages="S30", database="B")
    outcome = judge(keys(a), keys(b))
    assert outcome.verdict is Verdict.DIFFERENT and not outcome.doubt
    result = deduplicate([a, b])
    assert len(result.unique) == 2 and not result.uncertain


def test_conference_supplement_with_anonymous_authors():
    """Embase names the conference in the journal field ("Heart. Conference: …") and
    writes "Anonymous": the journal is still Heart, and no author is no disagreement."""
    title = "Heart failure clinic outcomes in a district general hospital"
    abstract = article("a", title, authors=("Anonymous",), volume="98", issue="SUPPL. 1",
                       pages="A45", type="conference",
                       journal="Heart. Conference: British Cardiovascular Society Annual "
                               "Conference 2012 Manchester United Kingdom")
    for other in (article("b", title + ".", authors=(), journal="Heart", volume="98",
                          issue="Suppl 1", pages="A45-A46", database="B"),
                  article("c", title, authors=("Anonymous",), journal="Heart", volume="98",
                          issue="", pages="", database="C")):
        outcome = judge(keys(abstract), keys(other))
        assert outcome.verdict is Verdict.SAME, outcome.reason
    article_version = article("d", title, authors=("Smith, J.",), journal="Heart",
                              volume="98", issue="12", pages="901-907", database="D")
    assert judge(keys(abstract), keys(article_version)).verdict is not Verdict.SAME


def test_similar_titles_that_disagree_on_the_issue_are_not_listed():
    """A column of one title in every issue: another issue is a disagreement, so the pair
    is neither joined nor listed for a person."""
    column = "Remarks from the editor on the state of the field"
    records = [article(f"r{n}", column, authors=("Lee, Allen S.",), issue=str(n), pages="")
               for n in (1, 2)]
    result = deduplicate(records)
    assert len(result.unique) == 2 and not result.uncertain


def test_every_judgement_names_its_rule():
    a = article("a", doi="10.1000/x")
    cases = {
        "same-doi": article("b", doi="10.1000/x", database="B"),
        "place": article("b", database="B"),
        "veto:doi": article("b", doi="10.1000/y", database="B"),
        "veto:item-kind": article("b", f"Erratum: {TITLE}", pages="300", database="B"),
        "veto:years": article("b", year="2016", database="B"),
        "veto:authors": article("b", authors=("Brown, P.", "Green, R."), volume="",
                                issue="", pages="", database="B"),
        "veto:titles": article("b", "Something else entirely about lipids and the liver",
                               authors=(), volume="", issue="", pages="", journal="",
                               database="B"),
        "unsure:similar-titles": article("b", f"{TITLE}: a review of the evidence",
                                         authors=(), volume="", issue="", pages="",
                                         journal="", database="B"),
    }
    for rule, other in cases.items():
        outcome = judge(keys(a), keys(other))
        assert outcome.rule == rule and outcome.reason, (rule, outcome)
