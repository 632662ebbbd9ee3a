"""One reader for the sheets a person edits (core.sheets): CSV or XLSX, encodings, rows
with their lines, one error style."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from litreview.core.errors import InputError
from litreview.core.sheets import cell_text, is_sheet, read_table


def test_a_csv_sheet_keeps_each_row_s_line(tmp_path: Path):
    sheet = tmp_path / "pairs.csv"
    sheet.write_text('Record_A , record_b,Decision\n\na-1,a-2,same\n,,\n"b-1","b\n2",different\n'
                     "c-1,c-2,same\n", encoding="utf-8")
    table = read_table(sheet, required=("record_a", "record_b", "decision"))
    assert table.header == ("record_a", "record_b", "decision")  # no case, no spaces
    assert [(row.line, row["record_a"]) for row in table] == [(3, "a-1"), (5, "b-1"), (7, "c-1")]
    assert table.rows[1]["record_b"] == "b\n2" and table.warnings == ()
    assert table.rows[0]["no such column"] == ""


def test_a_missing_column_is_named_at_the_header_line(tmp_path: Path):
    sheet = tmp_path / "studies.csv"
    sheet.write_text("# reports of one study\nrecord_id,study\nx,1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_table(sheet, required=("record_id", "study_id"), header_has="record_id")
    assert str(caught.value) == f"{sheet}:2: missing column(s) study_id (columns: record_id, " \
        "study_id)"


def test_note_lines_above_the_header_are_skipped_when_asked(tmp_path: Path):
    sheet = tmp_path / "title_abstract.csv"
    sheet.write_text("# Ranked: most likely relevant first\nrecord_id,decision\nx,include\n",
                     encoding="utf-8")
    assert [row.cells for row in read_table(sheet, header_has="record_id")] == [
        {"record_id": "x", "decision": "include"}]
    assert read_table(sheet).header == ("# ranked: most likely relevant first",)


def test_windows_1252_is_read_with_a_warning_and_other_bytes_are_refused(tmp_path: Path):
    sheet = tmp_path / "thesaurus.csv"
    sheet.write_bytes("heading,broader\nCaf\u00e9s,Places\n".encode("cp1252"))
    table = read_table(sheet)
    assert table.rows[0]["heading"] == "Cafés"
    assert [str(w) for w in table.warnings] == [
        f"{sheet}:2: not UTF-8: read as Windows-1252 (cp1252) (check the accented letters, "
        "or save the sheet as CSV UTF-8)"]
    sheet.write_bytes(b"\xef\xbb\xbfheading,broader\nx,y\n")  # a BOM is not a heading
    assert read_table(sheet).header == ("heading", "broader")


def test_a_workbook_reads_its_first_sheet_as_typed(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.append(["record_id", "Decision", "date", "year"])
    book.active.append(["eric-EJ1", " include ", dt.datetime(2024, 5, 1), 2006.0])
    book.active.append([None, None, None, None])
    book.active.append(["eric-EJ2", "exclude", None, None])
    book.create_sheet("notes").append(["not", "read"])
    path = tmp_path / "title_abstract-ab.xlsx"
    book.save(path)
    table = read_table(path, required=("record_id", "decision"))
    assert [(row.line, row.cells) for row in table] == [
        (2, {"record_id": "eric-EJ1", "decision": "include", "date": "2024-05-01",
             "year": "2006"}),
        (4, {"record_id": "eric-EJ2", "decision": "exclude", "date": "", "year": ""})]


def test_a_missing_or_broken_file_is_a_located_error(tmp_path: Path):
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "absent.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(InputError, match="not a readable Excel file"):
        read_table(tmp_path / "broken.xlsx")


def test_cells_and_sheet_names():
    assert [cell_text(v) for v in (None, 3.0, 2.5, dt.date(2024, 1, 2), " x ")] == [
        "", "3", "2.5", "2024-01-02", "x"]
    assert [is_sheet(Path(n)) for n in ("a.csv", "B.XLSX", "~$a.xlsx", ".a.csv", "a.txt")] == [
        True, True, False, False, False]


def test_a_decision_sheet_says_which_columns_it_did_not_read(tmp_path: Path):
    from litreview.screening import read_sheet

    sheet = tmp_path / "title_abstract-ab.csv"
    sheet.write_text("record_id,title,decision,confidense,reason\nx,A title,include,high,\n",
                     encoding="utf-8")
    read = read_sheet(sheet, ["title_abstract"])
    assert [(d.record_id, d.decision) for d in read.decisions] == [("x", "include")]
    assert [str(w) for w in read.warnings] == [
        f"{sheet}:1: column(s) 'confidense' not read (a decision sheet's columns: record_id, "
        "decision, reason, reviewer, date, note)"]  # to_screen.csv's 'title' may stay
    sheet.write_text("# notes\nrecord_id,verdict\nx,include\n", encoding="utf-8")
    with pytest.raises(InputError, match=r":2: sheet lacks a record_id or decision column"):
        read_sheet(sheet, ["title_abstract"])
