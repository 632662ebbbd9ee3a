from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from litreview.core.errors import InputError
from litreview.core.records import Record, write_records
from litreview.dedupe import (
    PairDecision,
    Verdict,
    deduplicate,
    groups_csv,
    judge,
    keys,
    merge,
    overlap_csv,
    read_pair_decisions,
    uncertain_csv,
)
from litreview.dedupe.authors import author_keys, author_relation
from litreview.dedupe.blocking import candidate_pairs
from litreview.dedupe.match_keys import page_keys
from litreview.dedupe.venues import journal_keys, venue_relation


def rec(rid: str, db: str, title: str, year: str = "2006", doi: str = "", **kw) -> Record:
    return Record(rid, db, f"{db}.ris", 1, title=title, year=year, doi=doi, **kw)


def article(rid: str, title: str, **kw) -> Record:
    """A journal article with the usual fields; keywords override them."""
    fields = {"year": "2010", "authors": ("Smith, John", "Jones, Ann"),
              "journal": "Journal of Child Health", "volume": "12", "issue": "3",
              "pages": "101-110", "type": "article"}
    fields.update(kw)
    return rec(rid, str(fields.pop("database", "A")), title, **fields)


def verdict(a: Record, b: Record) -> Verdict:
    return judge(keys(a), keys(b)).verdict


TITLE = "Leadership of integrated services for vulnerable children in England"


# --- what the example review relies on ---------------------------------------------

def test_exact_doi_and_normalised_title_year():
    records = [
        rec("a-1", "A", "Leadership in integrated children's services", doi="10.1000/x"),
        rec("b-1", "B", "LEADERSHIP IN INTEGRATED CHILDREN’S SERVICES.", doi=""),
        rec("c-1", "C", "Leadership in integrated childrens services", doi="10.1000/X"),
        rec("c-2", "C", "Leadership in integrated children's services", year="2007"),
        rec("d-1", "D", "A different title altogether here", doi="10.1000/y"),
        rec("d-2", "D", "Annual report on something else entirely", doi="10.1000/y"),
    ]
    result = deduplicate(records)
    # d-1/d-2: a DOI given to unlike titles is a wrong or a container's DOI, not a match
    assert result.groups == {"a-1": "a-1", "b-1": "a-1", "c-1": "a-1", "c-2": "c-2",
                             "d-1": "d-1", "d-2": "d-2"}
    assert [r.record_id for r in result.unique] == ["a-1", "c-2", "d-1", "d-2"]


def test_conflicting_dois_are_not_merged_but_listed():
    records = [rec("a-1", "A", "Annual report of the children's trust", doi="10.1000/a"),
               rec("b-1", "B", "Annual report of the children's trust", doi="10.1000/b")]
    result = deduplicate(records)
    assert len(result.unique) == 2
    assert [(p.a, p.b) for p in result.uncertain] == [("a-1", "b-1")]
    assert "different DOIs" in result.uncertain[0].reason


def test_short_titles_do_not_match_on_title_alone():
    records = [rec("a-1", "A", "Editorial"), rec("b-1", "B", "Editorial")]
    assert len(deduplicate(records).unique) == 2


def test_near_identical_titles_are_uncertain_and_reviewer_decides():
    records = [rec("a-1", "A", "Leading children's services: a national framework"),
               rec("b-1", "B", "Leading childrens services a national frameworks")]
    result = deduplicate(records)
    assert len(result.unique) == 2 and len(result.uncertain) == 1
    same = deduplicate(records, [PairDecision("a-1", "b-1", True)])
    assert len(same.unique) == 1 and not same.uncertain
    different = deduplicate(records, [PairDecision("b-1", "a-1", False)])
    assert len(different.unique) == 2 and not different.uncertain


def test_reviewer_can_split_a_rule_match():
    records = [rec("a-1", "A", "Part one of the leadership study"),
               rec("b-1", "B", "Part one of the leadership study")]
    assert len(deduplicate(records, [PairDecision("a-1", "b-1", False)]).unique) == 2


def test_reviewer_can_join_what_a_veto_keeps_apart():
    records = [article("a-1", TITLE, doi="10.1000/a"), article("b-1", TITLE, doi="10.1000/b")]
    assert len(deduplicate(records).unique) == 2
    assert len(deduplicate(records, [PairDecision("a-1", "b-1", True)]).unique) == 1


# --- the records databases really export -------------------------------------------

def test_one_article_as_different_databases_export_it():
    records = [
        article("a-1", "Leadership of integrated services: a survey of children's centres",
                authors=("Smith, John K.", "Jones, Ann"), pages="244-258"),
        article("b-1", "LEADERSHIP OF INTEGRATED SERVICES - A SURVEY OF CHILDRENS CENTRES.",
                authors=("Smith JK", "Jones A"), journal="J Child Health", pages="244-58",
                database="B"),
        article("c-1", "Leadership of integrated services: a survey of children's centres "
                "[Review] [43 refs]", authors=("J. K. Smith", "A. Jones"), issue="",
                journal="JOURNAL OF CHILD HEALTH", pages="244", database="C"),
        article("d-1", "[Leadership of integrated services: a survey of children's centres]",
                authors=("Smith, J.",), volume="", pages="244-258", database="D"),  # MEDLINE
    ]
    result = deduplicate(records)
    assert len(result.unique) == 1
    assert dict(result.unique[0].extra)["sources"] == "A; B; C; D"


def test_a_translated_title_joins_on_authors_year_volume_and_pages():
    original = article("a-1", "Utilidad de los antimicrobianos en la toracostomía cerrada por "
                       "trauma", journal="Cirugia y Cirujanos", pages="29-32")
    english = article("b-1", "[Are antimicrobials useful in closed thoracostomy due to trauma?]",
                      journal="Cir Cir", pages="29-32", database="B")
    assert verdict(original, english) is Verdict.SAME
    elsewhere = article("c-1", "[Are antimicrobials useful in closed thoracostomy due to "
                        "trauma?]", pages="29", database="C")  # one page: another abstract
    assert verdict(original, elsewhere) is not Verdict.SAME


def test_online_first_a_year_before_the_issue():
    issue = article("a-1", TITLE, year="2024", volume="33", pages="566-582", doi="10.1000/x")
    online = article("b-1", TITLE, year="2023", volume="", issue="", pages="1-17")
    assert verdict(issue, online) is Verdict.SAME


def test_fields_shifted_by_one_place():
    """One database wrote the volume as the issue and the issue as the page."""
    full = article("a-1", TITLE, volume="26", issue="9", pages="1746-1746")
    shifted = article("b-1", TITLE, volume="", issue="26", pages="9", database="B")
    assert verdict(full, shifted) is Verdict.SAME
    assert verdict(shifted, full) is Verdict.SAME
    other = article("c-1", TITLE, volume="", issue="26", pages="10", database="C")
    assert verdict(full, other) is Verdict.DIFFERENT  # not the shift: other pages


def test_a_reworded_title_without_a_place_in_the_journal():
    """One record has the volume and pages, the other none: a reworded title joins on the
    journal, the year and the author list; not when both are placed, nor on two authors."""
    authors = ("Lapeyraque, A. L.", "Malina, M.", "Fremeaux-Bacchi, V.", "Boppel, T.")
    placed = article("a-1", "Eculizumab in severe Shiga-toxin-associated HUS",
                     journal="New England Journal of Medicine", volume="364", issue="26",
                     pages="2561-2563", authors=authors)
    bare = article("b-1", "Complement Blockade in Severe Shiga-Toxin-Associated HUS",
                   journal="New Engl J Med", volume="", issue="", pages="",
                   authors=tuple(a.replace(". ", "").rstrip(".") for a in authors),
                   database="B")
    assert verdict(placed, bare) is Verdict.SAME
    assert verdict(placed, replace(bare, volume="364", issue="27", pages="2700")) \
        is not Verdict.SAME
    assert verdict(placed, replace(bare, authors=authors[:2])) is not Verdict.SAME
    assert verdict(placed, replace(bare, year="2012")) is not Verdict.SAME


def test_author_forms():
    forms = ["Zuna, R E", "Zuna RE", "R. E. Zuna", "Zuna, Rosemary E.", "ZUNA R"]
    for form in forms:
        assert author_relation(author_keys([form]), author_keys(["Zuna, R. E."])) == "high"
    swapped = author_relation(author_keys(["Andrea, C.", "Lorenzo, N."]),
                              author_keys(["Carignani, Andrea", "Negri, Lorenzo"]))
    assert swapped == "high"  # a database that swapped surname and given name
    assert len(author_keys(["Tan A.Schulze A.O'Donnell C. P."]).names) == 3
    assert author_relation(author_keys(["Hall, Laura L"]),
                           author_keys(["Patel, Nandish"])) == "low"
    assert author_keys(["[Anonymous]", "UNKNOWN"]).names == ()


def test_journal_names_and_abbreviations():
    same = [("Nat Rev Nephrol", "Nature Reviews Nephrology"),
            ("PNAS", "Proceedings of the National Academy of Sciences"),
            ("Curr Opin Lipidol", "Current Opinion in Lipidology"),
            ("Ai zheng = Aizheng = Chinese journal of cancer", "Chinese Journal of Cancer"),
            ("PLoS ONE [Electronic Resource]", "PLoS One")]
    for a, b in same:
        assert venue_relation(journal_keys(a), journal_keys(b)) == "same", (a, b)
    for a, b in [("Stroke", "Stroke Research and Treatment"), ("Cancer", "Cancer Cytopathology"),
                 ("Journal of Digital Studies", "Workshop of Digital Studies"),
                 ("Molecular Immunology.Conference: 12th European Meeting on Complement",
                  "NDT Plus.Conference: 17th ERA-EDTA Congress")]:
        assert venue_relation(journal_keys(a), journal_keys(b)) == "different", (a, b)


def test_page_forms():
    assert page_keys("244-58")[1:3] == ("244", "258")
    assert page_keys("1351-9")[1:3] == ("1351", "1359")
    assert page_keys("e43268")[3]  # an article number: numbered loosely
    assert page_keys("01-Jun") == ("", "", "", False)  # a range a spreadsheet made a date
    assert page_keys("215 p")[1] == ""  # a page count


# --- vetoes --------------------------------------------------------------------------

@pytest.mark.parametrize(("other", "why"), [
    (article("b", f"Erratum: {TITLE}", pages="200"), "erratum"),
    (article("b", f"{TITLE} - Reply", pages="111"), "reply"),
    (article("b", f"Retraction: {TITLE}", pages="300"), "retraction"),
    (article("b", f"{TITLE}, part 2", pages="111-120"), "numbers"),
    (article("b", TITLE, year="2013"), "years apart"),
    (article("b", TITLE, doi="10.1000/other"), "DOIs"),
    (article("b", TITLE, volume="13", pages=""), "volumes"),  # nothing outweighs it
    (article("b", TITLE, issue="4", pages="301-309"), "pages"),
    (article("b", TITLE, type="conference", journal="Conference on Child Health",
             volume="", issue="", pages="55-60"), "conference paper"),
    (article("b", TITLE, authors=("Brown, Peter", "Green, Ruth"), volume="", pages=""),
     "authors"),
])
def test_vetoes(other: Record, why: str):
    first = article("a", f"{TITLE}, part 1" if why == "numbers" else TITLE, doi="10.1000/one")
    outcome = judge(keys(first), keys(other))
    assert outcome.verdict is Verdict.DIFFERENT and why in outcome.reason


def test_no_chain_through_a_record_without_the_conflicting_field():
    """a and c have different DOIs; b, without one, is like both: b joins one group only."""
    records = [article("a", TITLE, doi="10.1000/a"), article("b", TITLE),
               article("c", TITLE, doi="10.1000/c")]
    result = deduplicate(records)
    assert result.groups["a"] != result.groups["c"]
    assert len(result.unique) == 2
    assert any("would join records judged different" in p.reason for p in result.uncertain)


def test_a_version_joins_a_group_that_already_spans_the_years():
    """Two versions of a review joined on their article number; a third record of the later
    version, without the number, joins too: the group already spans the years."""
    fields = {"journal": "Cochrane Database of Systematic Reviews", "issue": "", "volume": ""}
    records = [article("a", TITLE, year="2012", pages="CD006828", **fields),
               article("b", TITLE, year="2012", pages="", database="B", **fields),
               article("c", TITLE, year="2008", pages="CD006828", database="C", **fields)]
    assert verdict(records[1], records[2]) is Verdict.DIFFERENT  # years apart, alone
    for order in itertools.permutations(records):
        assert len(deduplicate(order).unique) == 1
    assert len(deduplicate(records[1:]).unique) == 2


def test_a_parallel_journal_title_names_one_journal_for_every_record():
    """"Ai zheng = Aizheng = Chinese journal of cancer" makes the two names one journal, so
    the record under the Chinese name and the one under the English name are compared
    as records of one journal."""
    title = "Clinical research on recombinant human Ad-p53 injection with cisplatin"
    records = [article("a", title, journal="Aizheng", volume="28", issue="",
                       pages="1324-1327"),
               article("b", title, journal="Chinese Journal of Cancer", volume="28",
                       issue="", pages="84-87", database="B")]
    assert len(deduplicate(records).unique) == 2  # two journals, two page ranges
    both = article("c", title, journal="Ai zheng = Aizheng = Chinese journal of cancer",
                   volume="28", issue="", pages="1324-1327", database="C")
    assert len(deduplicate([*records, both]).unique) == 1


# --- merging, files, determinism ---------------------------------------------------

def test_merge_keeps_best_values_and_every_source():
    merged = merge([
        rec("a-1", "A", "LEADERSHIP IN SCHOOLS", abstract="short", keywords=("Leadership",)),
        rec("b-1", "B", "Leadership in schools", doi="10.1000/y", abstract="a longer abstract",
            keywords=("leadership", "Schools"), authors=("Smith, J.",)),
    ])
    assert merged.record_id == "a-1"
    assert merged.title == "Leadership in schools"
    assert merged.doi == "10.1000/y" and merged.abstract == "a longer abstract"
    assert merged.keywords == ("Leadership", "Schools")
    assert merged.authors == ("Smith, J.",)
    assert dict(merged.extra) == {"sources": "A; B", "members": "a-1; b-1"}


def test_merge_prefers_the_fuller_form():
    merged = merge([
        article("a-1", "Anxiety about data hacking", authors=("Elhai, J.",), pages="631",
                journal="Internet Res"),
        article("b-1", "Anxiety about data hacking: predictors and relations",
                authors=("Elhai, Jon D", "Levine, Jason C"), pages="631-649",
                journal="Internet Research"),
    ])
    assert merged.title == "Anxiety about data hacking: predictors and relations"
    assert merged.authors == ("Elhai, Jon D", "Levine, Jason C")
    assert (merged.pages, merged.journal) == ("631-649", "Internet Research")


def test_overlap_table():
    records = [rec("a-1", "A", "t1 one two"), rec("b-1", "B", "t1 one two"),
               rec("b-2", "B", "t2 three four")]
    groups = deduplicate(records).groups
    lines = overlap_csv(groups, records, ["A", "B"]).splitlines()
    assert lines == ["source,records,works,only_here,A,B", "A,1,1,0,1,1", "B,2,2,1,1,2"]


def test_same_input_same_output():
    records = [article(f"r{n}", f"{TITLE} {word}", database="AB"[n % 2],
                       doi="10.1000/a" if n == 3 else "")
               for n, word in enumerate(["", "", "study", "", "trial", "trial"])]
    first, second = deduplicate(records), deduplicate(list(records))
    for make in (lambda r: groups_csv(r.groups, records),
                 lambda r: uncertain_csv(r.uncertain, records),
                 lambda r: [u.to_row() for u in r.unique]):
        assert make(first) == make(second)


def test_blocking_grows_with_records_not_pairs():
    def corpus(n: int) -> list[Record]:
        return [article(f"r{k}", f"Study {k} of topic {k % 97} in region {k * 7919 % 1009}",
                        authors=(f"Author{k // 4}, A.",), year=str(1990 + k // 4 % 30),
                        volume=str(k % 50), pages=f"{k}-{k + 9}")
                for k in range(n)]  # four papers by each author

    small, large = (len(candidate_pairs([keys(r) for r in corpus(n)])) for n in (2000, 4000))
    assert large < 3 * small  # quadratic would be 4x


# --- the reviewer's sheet ----------------------------------------------------------

def test_pair_sheet_problems_are_located(tmp_path):
    sheet = tmp_path / "duplicate_pairs.csv"
    sheet.write_text("record_a,record_b,decision\na,b,same\na,b,different\nc,c,same\n"
                     "d,e,maybe\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_pair_decisions(str(sheet))
    lines = [p.line for p in error.value.problems]
    assert lines == [3, 4, 5]


def test_cli_rejects_unknown_ids_in_the_pair_sheet(tmp_path, capsys):
    from litreview.cli import main

    records = tmp_path / "a.csv"
    write_records(records, [article("a-1", TITLE), article("a-2", TITLE, year="2015")])
    sheet = tmp_path / "pairs.csv"
    sheet.write_text("record_a,record_b,decision\na-1,a-9,same\n", encoding="utf-8")
    out = [str(tmp_path / name) for name in ("u.csv", "g.csv")]
    code = main(["dedupe", str(records), "-o", out[0], "--groups", out[1], "--pairs",
                 str(sheet)])
    assert code == 2 and f"{sheet}:2: record id 'a-9'" in capsys.readouterr().err
    sheet.write_text("record_a,record_b,decision\na-1,a-2,same\n", encoding="utf-8")
    assert main(["dedupe", str(records), "-o", out[0], "--groups", out[1], "--pairs",
                 str(sheet)]) == 0
    assert (tmp_path / "g.csv").read_text().splitlines()[1:] == ["a-1,a-1,A,,",
                                                               "a-2,a-1,A,a-1,reviewer"]
