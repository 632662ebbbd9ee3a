"""``litreview import``: the ``--rejects`` and ``--columns`` options."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from import_helpers import EXPORTS
from litreview.core.records import read_records


def _cli(*args: str) -> int:
    from litreview.cli import main

    return main(list(args))


def test_cli_rejects_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "bad.ris"
    bad.write_text("TY  - JOUR\nTI  - Good\nER  - \nTY  - JOUR\nTI  - Cut off\n")
    out, rejects = tmp_path / "records.csv", tmp_path / "rejects.csv"
    assert _cli("import", str(bad), str(EXPORTS / "ebsco.ris"), "--database", "X",
                "-o", str(out)) == 2
    assert not out.exists()
    assert "bad.ris:4: record starting at line 4 never ends" in capsys.readouterr().err
    assert _cli("import", str(bad), str(EXPORTS / "ebsco.ris"), "--database", "X",
                "-o", str(out), "--rejects", str(rejects)) == 0
    assert f"X: 3 records imported, 1 rejected (see {rejects})" in capsys.readouterr().err
    with rejects.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"file": str(bad), "line": "4", "reason": "record starting at line 4 never "
                     "ends: no 'ER  -' line before the end of the file (the export may be "
                     "truncated; export again)", "raw": "TY  - JOUR\nTI  - Cut off"}]
    # a file that is not an export fails the import even with --rejects
    assert _cli("import", str(EXPORTS / "html_page.ris"), "--database", "X", "-o",
                str(tmp_path / "other.csv"), "--rejects", str(tmp_path / "r2.csv")) == 2
    assert not (tmp_path / "other.csv").exists() and not (tmp_path / "r2.csv").exists()


def test_cli_columns_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "list.csv"
    path.write_text("Ref,Name of study,When\nA1,Carers at home,2010\n")
    out = tmp_path / "records.csv"
    assert _cli("import", str(path), "--database", "X", "-o", str(out), "--format", "csv",
                "--columns", "title=Name of study,year=When", "--columns", "source_id=Ref") == 0
    (record,) = read_records(out)
    assert (record.record_id, record.title, record.year) == ("x-A1", "Carers at home", "2010")
    assert _cli("import", str(path), "--database", "X", "-o", str(out),
                "--columns", "name=Ref") == 2
    assert "cannot use 'name=Ref'" in capsys.readouterr().err
