"""The workflow's records files are Parquet: every value comes back as written, the same
records give the same bytes, a reading of some columns gives those, and an import reads
its files in parallel to the same file."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from import_helpers import EXPORTS
from litreview.cli import main
from litreview.core.errors import InputError
from litreview.core.records import Record, read_records, records_to_csv, write_records
from litreview.core.records_parquet import iter_fields

RECORDS = [
    Record("db-1", "DB", "data/exports/db/a.ris", 1, source_id="1", type="article",
           title="Leadership =and= “narrowing” the gap: pédagogie", authors=("Smith, J.", "Ng, Ø."),
           year="2007", abstract="Line one\nline two; ünïcode 😀", keywords=("a; b", "c"),
           subjects=(), doi="10.1/x", source_line=7, searched="2008-09-09",
           original='{"TI":["x"]}'),
    Record("db-2", "DB", "data/exports/db/a.ris", 2, title="-3 and @sum", authors=(),
           extra=(("sources", "DB"), ("members", "db-2"))),
]


def test_every_value_comes_back_and_the_same_records_give_the_same_bytes(tmp_path: Path):
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    write_records(first, RECORDS, ["sources", "members"])
    write_records(second, RECORDS, ["sources", "members"])
    assert first.read_bytes() == second.read_bytes()
    back = read_records(first)
    assert back == RECORDS  # lists whole: "a; b" stays one keyword (a CSV would split it)
    assert back[0].extra == (("sources", ""), ("members", ""))
    assert back[1].extra == RECORDS[1].extra
    table = pq.read_table(first)
    assert table.schema.field("authors").type.value_type == "string"
    assert table.column("source_line").to_pylist() == [7, 0]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_reading_of_some_columns_gives_those_and_the_provenance(tmp_path: Path, suffix: str):
    path = tmp_path / f"r{suffix}"
    write_records(path, RECORDS)
    some = read_records(path, columns=("title", "keywords"))
    assert [r.title for r in some] == [r.title for r in RECORDS]
    assert some[0].keywords == (("a; b", "c") if suffix == ".parquet" else ("a", "b", "c"))
    assert some[0].source_file == "data/exports/db/a.ris" and some[0].source_position == 1
    assert some[0].abstract == "" and some[0].original == ""  # not read
    assert read_records(path, rows=[1]) == [read_records(path)[1]]
    assert read_records(path, rows=[]) == []
    fields = list(iter_fields(path, ("title", "subjects", "keywords")))
    assert [(t, tuple(s), tuple(k)) for t, s, k in fields] == [
        (r.title, r.subjects, r.keywords) for r in read_records(path)]  # no None for ()


def test_a_file_that_is_no_records_file_is_named(tmp_path: Path):
    path = tmp_path / "r.parquet"
    path.write_text("record_id,title\n")
    with pytest.raises(InputError) as caught:
        read_records(path)
    assert caught.value.problems[0].file == str(path)
    assert "not a Parquet records file" in caught.value.problems[0].message


def test_the_records_command_prints_a_records_file_as_csv(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "r.parquet"
    write_records(path, RECORDS)
    assert main(["records", str(path)]) == 0
    assert capsys.readouterr().out == records_to_csv(RECORDS)
    out = tmp_path / "r.csv"
    assert main(["records", str(path), "-o", str(out)]) == 0
    assert read_records(out)[0].title == RECORDS[0].title


def test_files_read_in_parallel_give_the_same_file(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]):
    files = [str(EXPORTS / name) for name in ("ebsco.ris", "proquest.ris", "ovid.ris",
                                              "embase_scopus.ris", "ebsco.ris")]
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.parquet"
        assert main(["import", *files, "--database", "DB", "--jobs", jobs, "-o", str(out)]) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    records = read_records(tmp_path / "jobs2.parquet")
    assert any(r.record_id.endswith("~2") for r in records)  # ebsco.ris twice: its ids again
    assert "DB: " in capsys.readouterr().err


def test_a_parallel_import_with_a_broken_file_writes_nothing(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "r.parquet"
    files = [str(EXPORTS / "ebsco.ris"), str(EXPORTS / "html_page.ris")]
    assert main(["import", *files, "--database", "DB", "--jobs", "2", "-o", str(out)]) == 2
    assert "html_page.ris" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.iterdir())


def test_dedupe_of_parquet_records_writes_what_it_writes_from_csv(tmp_path: Path):
    """Deduplication reads Parquet records without their original fields and gives the
    unique records theirs back: the same files as from the same records in CSV."""
    exports = [EXPORTS / "ebsco.ris", EXPORTS / "proquest.ris", EXPORTS / "ebsco.ris"]
    outputs = {}
    for kind in ("csv", "parquet"):
        files = []
        for n, export in enumerate(exports):
            files.append(str(tmp_path / f"s{n}.{kind}"))
            assert main(["import", str(export), "--database", f"S{n}", "-o", files[-1]]) == 0
        out = tmp_path / kind
        assert main(["dedupe", *files, "-o", str(out / "unique.csv"),
                     "--groups", str(out / "groups.csv")]) == 0
        outputs[kind] = [(out / name).read_bytes() for name in ("unique.csv", "groups.csv")]
    assert outputs["csv"] == outputs["parquet"]
    unique = read_records(tmp_path / "parquet" / "unique.csv")
    assert all(r.original for r in unique)
    assert len(unique) < sum(len(read_records(tmp_path / f"s{n}.csv")) for n in range(3))
