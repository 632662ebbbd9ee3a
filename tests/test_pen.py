"""The reviewer's pen (``litreview.serve.pen``): each decision durable on a sheet the workflow
reads, a hand edit kept, no decision lost or doubled by threads, processes or a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from litreview.core.errors import InputError
from litreview.screening import read_sheet, read_sheets
from litreview.serve.pen import Entry, Pen, sheet_path

REPO = Path(__file__).resolve().parents[1]
STAGE = "title_abstract"
STAGES = [STAGE, "full_text"]


def _read(path: Path) -> list[tuple[str, str, str, str, str, str]]:
    return [(d.record_id, d.decision, d.reason, d.reviewer, d.date, d.note)
            for d in read_sheet(path, STAGES).decisions]


def _sheet(folder: Path, text: str | bytes, reviewer: str = "ann") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (f"{STAGE}-{reviewer}.csv" if reviewer else f"{STAGE}.csv")
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_what_the_pen_writes_is_what_the_workflow_reads(tmp_path: Path):
    pen = Pen(tmp_path / "decisions", STAGE, "ann")
    notes = ["=1+1", "'=x", "-cmd", "@SUM(A1)", "+1", "-3", "two\nlines", "a\rb", "naïve, \"q\""]
    for i, note in enumerate(notes):
        pen.write(Entry(f"r{i}", "exclude", "c1", "", "2024-05-01", note))
    assert pen.path == tmp_path / "decisions" / f"{STAGE}-ann.csv"
    expected = [(f"r{i}", "exclude", "c1", "ann", "2024-05-01", n) for i, n in enumerate(notes)]
    assert _read(pen.path) == expected
    assert [tuple(vars_(e)) for e in pen.entries().values()] == expected
    text = pen.path.read_text(encoding="utf-8")
    assert "'=1+1" in text and "\n=1+1" not in text and ",=1+1" not in text  # no formula
    assert Pen(pen.folder, STAGE, "ann").order() == [f"r{i}" for i in range(len(notes))]


def vars_(entry: Entry) -> tuple[str, ...]:
    return (entry.record_id, entry.decision, entry.reason, entry.reviewer, entry.date,
            entry.note)


def test_a_restart_resumes_and_a_decision_changed_stays_where_it_was(tmp_path: Path):
    pen = Pen(tmp_path, STAGE, "ann")
    for r in ("a", "b", "c"):
        pen.write(Entry(r, "include"))
    again = Pen(tmp_path, STAGE, "ann")  # a server restarted
    assert again.order() == ["a", "b", "c"]
    again.write(Entry("b", "exclude", "c2", note="on reflection"))
    assert _read(again.path)[1] == ("b", "exclude", "c2", "ann", "", "on reflection")
    assert pen.order() == ["a", "b", "c"] and pen.entries()["b"].reason == "c2"  # re-read
    assert len(pen.path.read_text().splitlines()) == 4


def test_the_agreed_sheet_names_its_resolver(tmp_path: Path):
    pen = Pen(tmp_path, STAGE, "")
    pen.write(Entry("a", "include", reviewer="rosa"))
    assert pen.path.name == f"{STAGE}.csv"
    sheet = read_sheets(tmp_path, STAGES)[0]
    assert sheet.reviewer == "" and sheet.decisions[0].reviewer == "rosa"


def test_a_hand_edit_between_decisions_is_kept(tmp_path: Path):
    pen = Pen(tmp_path, STAGE, "ann")
    pen.write(Entry("a", "include"))
    pen.write(Entry("b", "exclude", "c1"))
    # in a spreadsheet: columns reordered, a column of her own, a note on b, a row added,
    # a record to screen later with a note, and a word the workflow will refuse
    _sheet(tmp_path, "note,mine,record_id,decision,reason,reviewer,date\n"
                     ",x1,a,include,,ann,\n"
                     "check dose,,b,exclude,c1,ann,\n"
                     ",,c,include,,ann,\n"
                     "ask Bo first,keep,d,,,,\n"
                     ",,e,maybe,,ann,\n")
    pen.write(Entry("f", "include", date="2024-05-02"))
    pen.write(Entry("d", "exclude", "c2"))  # fills d's row, keeps the note typed there
    lines = pen.path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "note,mine,record_id,decision,reason,reviewer,date"
    assert lines[4] == "ask Bo first,keep,d,exclude,c2,ann,"
    assert lines[5] == ",,e,maybe,,ann," and lines[6] == ",,f,include,,ann,2024-05-02"
    assert len(lines) == 7
    assert [d[0] for d in _read(pen.path)] == ["a", "b", "c", "d", "e", "f"]
    assert _read(pen.path)[1][5] == "check dose"
    assert pen.entries()["e"].decision == "maybe"  # kept verbatim: the workflow reports it


def test_rows_still_to_screen_and_their_notes(tmp_path: Path):
    path = _sheet(tmp_path, "record_id,decision,reason,reviewer,date,note\n"
                            "a,,,,,read the methods\nb,,,,,\n")
    pen = Pen(tmp_path, STAGE, "ann")
    assert pen.entries() == {} and pen.pending() == {"a": "read the methods", "b": ""}
    pen.write(Entry("a", "include"))  # an empty note keeps the one typed there
    pen.write(Entry("b", "unsure", note="ask"))
    assert path.read_text().splitlines()[1:] == ["a,include,,ann,,read the methods",
                                                 "b,unsure,,ann,,ask"]
    assert pen.pending() == {}


def test_undo(tmp_path: Path):
    pen = Pen(tmp_path, STAGE, "ann")
    pen.write(Entry("a", "include"))
    pen.write(Entry("b", "exclude", "c1", date="2024-05-01", note="dose?"))
    pen.write(Entry("c", "include"))
    assert pen.remove("a") and not pen.remove("a") and not pen.remove("zz")
    assert pen.remove("b")  # a note stays, on a row still to screen
    assert pen.path.read_text().splitlines() == ["record_id,decision,reason,reviewer,date,note",
                                                 "b,,,ann,,dose?", "c,include,,ann,,"]
    assert pen.order() == ["c"] and pen.pending() == {"b": "dose?"}
    assert [d[0] for d in _read(pen.path)] == ["c"]


def test_a_sheet_without_a_final_line_break_gets_one(tmp_path: Path):
    path = _sheet(tmp_path, "record_id,decision\na,include")
    Pen(tmp_path, STAGE, "ann").write(Entry("b", "exclude", "c1"))
    # the person's file lacked reason..note: rewritten with them added, the rows as they were
    assert path.read_text() == ("record_id,decision,reason,reviewer,date,note\n"
                                "a,include\nb,exclude,c1,ann,,\n")
    path = _sheet(tmp_path, "record_id,decision,reason,reviewer,date,note\na,include,,,,")
    Pen(tmp_path, STAGE, "ann").write(Entry("b", "include"))
    assert path.read_text().splitlines() == ["record_id,decision,reason,reviewer,date,note",
                                             "a,include,,,,", "b,include,,ann,,"]


def test_a_bom_windows_line_ends_and_lines_above_the_header_stay(tmp_path: Path):
    text = "\ufeffmy screening\r\nrecord_id,decision,reason,reviewer,date,note\r\na,include,,,,\r\n"
    path = _sheet(tmp_path, text)
    pen = Pen(tmp_path, STAGE, "ann")
    pen.write(Entry("b", "include"))
    assert path.read_bytes() == (text + "b,include,,ann,,\r\n").encode("utf-8")
    pen.write(Entry("a", "exclude", "c1"))  # rewritten whole: the same spelling
    assert path.read_bytes() == text.replace("a,include,,,,", "a,exclude,c1,ann,,").encode(
        "utf-8") + b"b,include,,ann,,\r\n"
    assert [d[:2] for d in _read(path)] == [("a", "exclude"), ("b", "include")]


def test_a_windows_1252_sheet_is_rewritten_as_utf8_with_all_its_rows(tmp_path: Path):
    text = "record_id,decision,reason,reviewer,date,note\na,include,,,,café\nb,,,,,à lire\n"
    path = _sheet(tmp_path, text.encode("cp1252"))
    assert read_sheet(path, STAGES).warnings  # read as cp1252, with a warning
    Pen(tmp_path, STAGE, "ann").write(Entry("c", "exclude", "c1"))
    assert path.read_text(encoding="utf-8") == text + "c,exclude,c1,ann,,\n"
    assert read_sheet(path, STAGES).warnings == ()


def test_a_sheet_the_pen_cannot_write_is_refused(tmp_path: Path):
    xlsx = tmp_path / f"{STAGE}-ann.xlsx"
    xlsx.write_bytes(b"PK")
    pen = Pen(tmp_path, STAGE, "ann")
    with pytest.raises(InputError, match="the app writes CSV: save the sheet as CSV"):
        pen.write(Entry("a", "include"))
    assert not pen.path.exists()
    _sheet(tmp_path, "record_id,decision\na,include\n")
    with pytest.raises(InputError, match=f"both {STAGE}-ann.csv and {STAGE}-ann.xlsx"):
        pen.entries()
    xlsx.unlink()
    odd = _sheet(tmp_path, "id,verdict\na,include\n")
    with pytest.raises(InputError, match="no record_id column"):
        pen.write(Entry("b", "include"))
    assert odd.read_text() == "id,verdict\na,include\n"  # not written over


@pytest.mark.parametrize("reviewer", ["ann smith", "ann-b", "ann/..", "é"])
def test_a_reviewer_name_a_sheet_cannot_carry_is_refused(tmp_path: Path, reviewer: str):
    with pytest.raises(InputError, match="cannot name a decision sheet") as error:
        Pen(tmp_path, STAGE, reviewer)
    assert "letters, digits" in error.value.problems[0].hint
    assert sheet_path(tmp_path, STAGE, "a.smith_2").name == f"{STAGE}-a.smith_2.csv"


def test_an_entry_no_sheet_may_hold_is_refused(tmp_path: Path):
    pen = Pen(tmp_path, STAGE, "ann")
    for entry in (Entry("a", "maybe"), Entry("", "include"), Entry("a\nb", "include"),
                  Entry("a", "include", reviewer="bo"), Entry("a", "include", note="\x00")):
        with pytest.raises(ValueError):
            pen.write(entry)
    assert not pen.path.exists()


@pytest.mark.parametrize("same_pen", [True, False])
def test_two_tabs_lose_and_double_nothing(tmp_path: Path, same_pen: bool):
    pens = [Pen(tmp_path, STAGE, "ann")] * 2 if same_pen else [
        Pen(tmp_path, STAGE, "ann") for _ in range(2)]
    errors: list[BaseException] = []

    def tab(k: int) -> None:
        try:
            for i in range(100):
                pens[k].write(Entry(f"own{k}-{i}", "include"))  # distinct records
                pens[k].write(Entry(f"both-{i}", "exclude", "c1", note=f"tab {k}"))  # same ones
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=tab, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = [d[0] for d in _read(pens[0].path)]
    assert len(ids) == len(set(ids)) == 300
    assert set(ids) == {f"own{k}-{i}" for k in range(2) for i in range(100)} | {
        f"both-{i}" for i in range(100)}
    assert Pen(tmp_path, STAGE, "ann").order() == ids


_WRITER = """
import sys
from litreview.serve.pen import Entry, Pen
pen = Pen(sys.argv[1], "title_abstract", "ann")
tag, count = sys.argv[2], int(sys.argv[3])
for i in range(count):
    pen.write(Entry(f"{tag}{i}", "include", note="=1+1"))
    print(f"{tag}{i}", flush=True)
    if i % 5 == 4:  # a decision changed: the whole sheet rewritten
        pen.write(Entry(f"{tag}{i - 2}", "exclude", "c1"))
        print(f"{tag}{i - 2}!", flush=True)
"""


def _writer(folder: Path, tag: str, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "workflow")}
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(folder), tag, str(count)],
                            stdout=subprocess.PIPE, text=True, env=env)


def test_a_killed_writer_loses_no_decision(tmp_path: Path):
    writer = _writer(tmp_path, "r", 100_000)
    assert writer.stdout is not None
    printed = [writer.stdout.readline().strip() for _ in range(60)]
    writer.send_signal(signal.SIGKILL)
    printed += writer.stdout.read().split()  # what it said before it died
    writer.wait()
    assert writer.returncode == -signal.SIGKILL
    decided = {d[0]: d for d in _read(tmp_path / f"{STAGE}-ann.csv")}
    assert set(decided) >= {p.rstrip("!") for p in printed}
    assert all(decided[p.rstrip("!")][1] == "exclude" for p in printed if p.endswith("!"))
    ids = [d[0] for d in _read(tmp_path / f"{STAGE}-ann.csv")]
    assert len(ids) == len(set(ids))
    pen = Pen(tmp_path, STAGE, "ann")  # restarted: resumes, and sweeps a temp file left
    pen.write(Entry("after", "include"))
    assert pen.order()[-1] == "after" and len(pen.order()) == len(ids) + 1
    assert [p.name for p in tmp_path.iterdir()] == [f"{STAGE}-ann.csv"]


def test_two_processes_on_one_sheet(tmp_path: Path):
    writers = [_writer(tmp_path, tag, 60) for tag in ("p", "q")]
    outs = [w.communicate()[0].split() for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    decided = _read(tmp_path / f"{STAGE}-ann.csv")
    assert sorted(d[0] for d in decided) == sorted(f"{t}{i}" for t in "pq" for i in range(60))
    assert all(len(out) == 72 for out in outs)
    assert sum(d[1] == "exclude" for d in decided) == 24 and {d[5] for d in decided} == {"=1+1", ""}


def test_a_rewrite_that_fails_leaves_the_sheet_as_it_was(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    pen = Pen(tmp_path, STAGE, "ann")
    for r in ("a", "b", "c"):
        pen.write(Entry(r, "include"))
    before = pen.path.read_bytes()
    fsync = os.fsync

    def failing(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError, match="disk full"):
        pen.write(Entry("b", "exclude", "c1"))
    monkeypatch.setattr(os, "fsync", fsync)
    assert pen.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [pen.path.name]  # no temp file left
    assert pen.remove("a")  # the pen's memory is the disk's again, not its failed change
    assert [d[:2] for d in _read(pen.path)] == [("b", "include"), ("c", "include")]


def test_undo_in_the_middle_then_more_changes_land_on_the_right_rows(tmp_path: Path):
    pen = Pen(tmp_path, STAGE, "ann")
    for r in "abcde":
        pen.write(Entry(r, "include", note="n" if r == "b" else ""))
    assert pen.remove("c") and pen.remove("b")  # c's row goes, b's stays with its note
    pen.write(Entry("d", "exclude", "c1"))
    pen.write(Entry("b", "unsure"))  # fills b's row again, its note kept
    assert pen.remove("a")
    pen.write(Entry("e", "exclude", "c2"))
    assert _read(pen.path) == [("b", "unsure", "", "ann", "", "n"),
                               ("d", "exclude", "c1", "ann", "", ""),
                               ("e", "exclude", "c2", "ann", "", "")]
    assert pen.entries() == Pen(tmp_path, STAGE, "ann").entries()


def test_a_record_a_hand_edit_left_on_two_rows(tmp_path: Path):
    path = _sheet(tmp_path, "record_id,decision,reason,reviewer,date,note\n"
                            "a,,,,,first look\nb,include,,,,\na,exclude,c1,,,\nb,exclude,c1,,,\n")
    pen = Pen(tmp_path, STAGE, "ann")
    assert pen.order() == ["b", "a"] and pen.pending() == {}
    assert pen.remove("b")  # the first row of b: the second is then b's decision
    assert pen.entries()["b"].decision == "exclude"
    assert pen.remove("a") and pen.pending() == {"a": "first look"}
    pen.write(Entry("a", "include"))
    assert path.read_text().splitlines()[1:] == ["a,include,,ann,,first look",
                                                 "b,exclude,c1,,,"]
