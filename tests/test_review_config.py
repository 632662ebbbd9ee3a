from __future__ import annotations

from pathlib import Path

import pytest
from litreview.core.errors import InputError
from litreview.core.review import load_review, search_date


def test_tiny_review_loads(tiny_review: Path):
    review = load_review(tiny_review)
    assert [s.name for s in review.databases] == ["Alpha", "Beta"]
    assert review.databases[0].exports == ("data/exports/alpha/alpha_2024-01-10.ris",)
    assert review.databases[0].searched == "2024-01-10"  # YAML date read as text
    assert review.databases[0].limits.years == (2002, 2024)
    assert review.other_sources[0].kind == "websites"
    assert [s.slug for s in review.sources] == ["alpha", "beta", "websites"]


def test_a_typo_gets_one_message_naming_key_file_and_line(tiny_review: Path):
    config = tiny_review / "review.yaml"
    config.write_text(config.read_text().replace("    host: EBSCOhost", "    hots: EBSCOhost"))
    with pytest.raises(InputError) as caught:
        load_review(tiny_review)
    messages = [str(p) for p in caught.value.problems]
    assert messages == ["review.yaml:6: unknown key 'hots' in databases[0] (did you mean 'host'?)"]


def test_missing_files_are_named(tiny_review: Path):
    (tiny_review / "search_strategies" / "beta.txt").unlink()
    (tiny_review / "data" / "other" / "websites.csv").unlink()
    with pytest.raises(InputError) as caught:
        load_review(tiny_review)
    text = str(caught.value)
    assert "review.yaml:10: Beta: strategy file 'search_strategies/beta.txt' not found" in text
    assert "review.yaml:15: Websites: export file 'data/other/websites.csv' not found" in text


def test_bad_date_and_bad_yaml(tiny_review: Path):
    config = tiny_review / "review.yaml"
    original = config.read_text()
    config.write_text(original.replace("searched: 2024-01-12", "searched: 12/01/2024"))
    with pytest.raises(InputError, match="does not match"):
        load_review(tiny_review)
    config.write_text(original.replace("searched: 2024-01-12", "searched: 2024-02-30"))
    with pytest.raises(InputError, match=r"review.yaml:\d+: .*'2024-02-30' is not a 'date'"):
        load_review(tiny_review)  # a well-formed date that no calendar has
    config.write_text(original + "\n  - oops: [\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_review(tiny_review)


def test_search_date_from_file_name():
    assert search_date("data/exports/eric/eric_2009-03-01.ris", "2008-09-05") == "2009-03-01"
    assert search_date("data/exports/eric/export.ris", "2008-09-05") == "2008-09-05"


@pytest.mark.parametrize("reader", ["criteria", "config"])
def test_yaml_files_a_person_edits_that_are_not_utf8_are_located(tmp_path: Path, reader: str):
    """YAML is typed in an editor, not saved by a spreadsheet program: no legacy encoding
    is guessed (the sheets are read as Windows-1252 with a warning: tests/test_sheets.py)."""
    from litreview.screening import load_criteria

    path = tmp_path / ("review.yaml" if reader == "config" else f"{reader}.txt")
    path.write_bytes(b"record_id,note\nx,caf\xe9\n")
    read = {"criteria": lambda: load_criteria(path),
            "config": lambda: load_review(tmp_path)}[reader]
    with pytest.raises(InputError) as caught:
        read()
    assert str(caught.value) == f"{path}:2: not UTF-8 text (byte 0xe9) (save it as UTF-8 " \
        "(in a spreadsheet program: CSV UTF-8))"


def test_a_key_given_twice_and_a_date_no_calendar_has_in_a_file_name(tiny_review: Path):
    config = tiny_review / "review.yaml"
    original = config.read_text()
    config.write_text(original.replace("    searched: 2024-01-12\n",
                                       "    searched: 2024-01-12\n    searched: 2024-01-13\n"))
    with pytest.raises(InputError, match=r"review.yaml:14: not valid YAML: 'searched' is given "
                                         r"twice \(first on line 13\)"):
        load_review(tiny_review)
    config.write_text(original)
    export = next((tiny_review / "data/exports/alpha").iterdir())
    export.rename(export.with_name("alpha_2024-02-30.ris"))
    with pytest.raises(InputError, match=r"review.yaml:\d+: Alpha: export "
                                         r"'data/exports/alpha/alpha_2024-02-30.ris': "
                                         r"'2024-02-30' is not a date"):
        load_review(tiny_review)
