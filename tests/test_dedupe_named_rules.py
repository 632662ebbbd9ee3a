"""The rule that decided each pair, named in the files dedupe writes; the groups file read
back; the reviewer's pair sheet as CSV or XLSX; the package's face."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from litreview.core.errors import InputError
from litreview.core.records import Record
from litreview.dedupe import (
    Groups,
    PairDecision,
    deduplicate,
    groups_csv,
    judge,
    keys,
    read_groups,
    read_pair_decisions,
    read_pair_sheet,
    uncertain_csv,
)
from litreview.dedupe.rules import RULES, VETOES

TITLE = "Leadership of integrated services for vulnerable children in England"


def article(rid: str, title: str = TITLE, **kw: object) -> Record:
    fields: dict[str, object] = {
        "year": "2010", "authors": ("Smith, John", "Jones, Ann"),
        "journal": "Journal of Child Health", "volume": "12", "issue": "3",
        "pages": "101-110", "type": "article"}
    fields.update(kw)
    return Record(rid, str(fields.pop("database", "A")), "a.ris", 1, title=title,
                  **fields)  # type: ignore[arg-type]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- the rule, in the files -------------------------------------------------------------

def test_every_veto_and_rule_is_a_named_function_with_a_docstring():
    names = [v.name for v in VETOES] + [r.name for r in RULES]
    assert len(set(names)) == len(names)
    for check in [v.check for v in VETOES] + [r.joins for r in RULES]:
        assert check.__doc__, check.__name__


def test_groups_csv_names_the_rule_that_joined_each_record():
    records = [article("a", doi="10.1000/x"), article("b", doi="10.1000/x", database="B"),
               article("c", title="Another work entirely, on school meals", database="C")]
    result = deduplicate(records)
    assert result.rules == {"a": "", "b": "same-doi", "c": ""}
    assert result.joined_to == {"a": "", "b": "a", "c": ""}
    assert rows(groups_csv(result.groups, records, result.rules, result.joined_to)) == [
        ["record_id", "group_id", "database", "joined_to", "rule"],
        ["a", "a", "A", "", ""], ["b", "a", "B", "a", "same-doi"], ["c", "c", "C", "", ""]]


def test_each_member_names_the_join_that_links_it_towards_the_first():
    """a-b on their DOI; c, without one, joins b's group on title, authors and place: c's
    rule is that of its own pair, not the DOI's."""
    records = [article("a", doi="10.1000/x"), article("b", doi="10.1000/x", database="B"),
               article("c", database="C")]
    result = deduplicate(records)
    assert set(result.groups.values()) == {"a"}
    assert result.rules["a"] == "" and result.rules["b"] == "same-doi"
    assert result.rules["c"] not in ("", "same-doi")
    assert result.joined_to["b"] == "a" and result.joined_to["c"] in ("a", "b")
    # the rule named is that of the pair it names
    partner = {r.record_id: r for r in records}[result.joined_to["c"]]
    assert judge(keys(partner), keys(records[2])).rule == result.rules["c"]


def test_a_reviewer_join_is_named_reviewer():
    records = [article("a", doi="10.1000/a"), article("b", doi="10.1000/b", database="B")]
    assert deduplicate(records).rules == {"a": "", "b": ""}
    joined = deduplicate(records, [PairDecision("a", "b", True)])
    assert joined.rules == {"a": "", "b": "reviewer"}


def test_uncertain_pairs_name_the_rule_that_held_them_apart():
    records = [article("a", doi="10.1000/a"), article("b", doi="10.1000/b", database="B")]
    result = deduplicate(records)
    assert [(p.a, p.b, p.rule) for p in result.uncertain] == [("a", "b", "veto:doi")]
    header, row = rows(uncertain_csv(result.uncertain, records))[:2]
    assert header[:6] == ["record_a", "record_b", "decision", "score", "reason", "rule"]
    assert row[5] == "veto:doi"


def test_a_refused_join_names_the_veto_it_would_break():
    """a and c have different DOIs; b is like both and joins one: the other join is refused."""
    records = [article("a", doi="10.1000/a"), article("b"), article("c", doi="10.1000/c")]
    refused = [p for p in deduplicate(records).uncertain if p.reason.startswith("would join")]
    assert refused and all(p.rule == "refused:veto:doi" for p in refused)


# --- the groups file read back ----------------------------------------------------------

def test_read_groups_reads_what_groups_csv_writes(tmp_path):
    records = [article("a", doi="10.1000/x"), article("b", doi="10.1000/x", database="B"),
               article("c", title="Another work entirely, on school meals", database="C")]
    result = deduplicate(records)
    path = tmp_path / "groups.csv"
    path.write_text(groups_csv(result.groups, records, result.rules, result.joined_to),
                    encoding="utf-8")
    groups = read_groups(path)
    assert isinstance(groups, Groups)
    assert groups.group_of == result.groups
    assert groups.database_of == {"a": "A", "b": "B", "c": "C"}
    assert groups.rule_of == result.rules and groups.joined_to == result.joined_to
    assert groups.members("a") == ("a", "b") and groups.members("c") == ("c",)


def test_read_groups_takes_a_file_without_database_or_rule(tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text("record_id,group_id\nx,x\ny,x\n", encoding="utf-8")
    groups = read_groups(path)
    assert groups.members("x") == ("x", "y") and groups.rule_of == {"x": "", "y": ""}
    path.write_text("record_id,database\nx,A\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"missing column.*group_id"):
        read_groups(path)


# --- the reviewer's pair sheet ----------------------------------------------------------

def test_pair_sheet_lines_count_blank_and_multi_line_rows(tmp_path):
    sheet = tmp_path / "duplicate_pairs.csv"
    sheet.write_text('record_a,record_b,decision,note\n\na,b,same,"two\nlines"\n,,,\n'
                     'c,c,same,\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_pair_decisions(sheet)
    assert [(p.line, p.message) for p in error.value.problems] == [
        (6, "'c' is paired with itself")]
    sheet.write_text('record_a,record_b,decision,note\n\na,b,same,"two\nlines"\n',
                     encoding="utf-8")
    assert read_pair_decisions(sheet) == [PairDecision("a", "b", True, 3)]


def test_pair_sheet_as_xlsx(tmp_path):
    path = tmp_path / "duplicate_pairs.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Record_A", "record_b", "decision", "note"], ["a", "b", "Same", ""],
                [None, None, None, None], ["c", "d", "", "not decided yet"],
                ["e", "f", "different", ""]):
        sheet.append(row)
    book.save(path)
    assert read_pair_decisions(path) == [PairDecision("a", "b", True, 2),
                                         PairDecision("e", "f", False, 5)]


def test_pair_sheet_problems_keep_their_messages(tmp_path):
    sheet = tmp_path / "duplicate_pairs.csv"
    sheet.write_text("record_a,decision\na,same\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_pair_decisions(str(sheet))
    [problem] = error.value.problems
    assert (problem.line, problem.message, problem.hint) == (
        1, "missing column(s) record_b", "columns: record_a, record_b, decision")
    sheet.write_text("record_a,record_b,decision\na,,same\na,b,maybe\nb,a,same\n"
                     "a,b,different\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_pair_decisions(str(sheet))
    assert [(p.file, p.line, p.message) for p in error.value.problems] == [
        (str(sheet), 2, "a record id is empty"),
        (str(sheet), 3, "decision 'maybe' is not same|different"),
        (str(sheet), 5, "a and b are also decided the other way on line 4")]


def test_a_windows_1252_pair_sheet_is_read_with_a_warning(tmp_path):
    sheet = tmp_path / "duplicate_pairs.csv"
    sheet.write_bytes("record_a,record_b,decision,note\na,b,same,café\n".encode("cp1252"))
    read = read_pair_sheet(sheet)
    assert read.decisions == [PairDecision("a", "b", True, 2)]
    assert [w.message for w in read.warnings] == ["not UTF-8: read as Windows-1252 (cp1252)"]


# --- the face ---------------------------------------------------------------------------

def test_reading_the_groups_file_imports_no_numeric_library():
    import litreview

    workflow = str(Path(litreview.__file__).parents[1])
    code = ("import sys; from litreview.dedupe import read_groups, read_pair_decisions; "
            "print(sorted({'numpy', 'rapidfuzz'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": workflow})
    assert done.stdout.strip() == "[]"
