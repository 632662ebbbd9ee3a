"""Text encodings of exports: UTF-8, Windows-1252 and Latin-1 read; others refused
with one message."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from import_helpers import problems_of, read
from litreview.core.errors import InputError
from litreview.importers import read_export


def test_cp1252_ris_is_decoded():
    (record,) = read("cp1252.ris")
    assert record.title == "Les aidants familiaux en Île-de-France : l'étude « Proches »"
    assert record.authors == ("Lefèvre, Hélène", "Müller, Jürgen")
    assert record.journal == "Santé Publique"
    assert record.abstract == "Étude qualitative – 24 entretiens."


def test_mixed_utf8_and_cp1252_bytes_both_decode(tmp_path: Path):
    """Concatenated exports mix encodings: valid UTF-8 stays, stray bytes are cp1252."""
    path = tmp_path / "mixed.ris"
    path.write_bytes("TY  - JOUR\nTI  - Naïve carers\nER  - \n".encode()
                     + "TY  - JOUR\nTI  - Café’s carers\nER  - \n".encode("cp1252"))
    first, second = read_export(path, database="X")
    assert (first.title, second.title) == ("Naïve carers", "Café's carers")


@pytest.mark.parametrize(("encoding", "title"), [
    ("cp1251", "Опека родственников и успеваемость детей в школе"),
    ("koi8_r", "Опека родственников и успеваемость детей в школе"),
    ("shift_jis", "親族里親と子どもの学業成績に関する研究"),
    ("gbk", "亲属寄养与儿童学业成绩的队列研究"),
    ("iso8859_7", "Συγγενική αναδοχή και σχολικές επιδόσεις"),
])
def test_unknown_encoding_gets_one_message(tmp_path: Path, encoding: str, title: str):
    path = tmp_path / "export.ris"
    path.write_bytes(f"TY  - JOUR\nAU  - Ivanova, A.\nTI  - {title}\nPY  - 2019\nER  - \n"
                     .encode(encoding))
    with pytest.raises(InputError) as excinfo:
        read_export(path, database="X", display_path="export.ris")
    (message,) = problems_of(excinfo)
    assert message.startswith("export.ris:3: unknown text encoding: the bytes are not UTF-8,")


def test_many_c1_control_bytes_are_an_unknown_encoding(tmp_path: Path):
    path = tmp_path / "export.ris"
    path.write_bytes(b"TY  - JOUR\nTI  - A" + bytes(range(0x80, 0xA0)) * 3 + b"\nER  - \n")
    with pytest.raises(InputError, match="unknown text encoding"):
        read_export(path, database="X")


def test_western_cp1252_and_latin1_are_still_read(tmp_path: Path):
    path = tmp_path / "latin1.ris"
    text = ("TY  - JOUR\nTI  - Grüße aus Köln: Pflegekinder in Nordrhein-Westfalen, "
            "Ærø og Åbenrå, São Paulo, Łódź – „Studie“\nER  - \n")
    for encoding in ("cp1252", "latin-1"):
        data = text.encode(encoding, errors="ignore")
        path.write_bytes(data)
        (record,) = read_export(path, database="X")
        assert record.title.startswith("Grüße aus Köln") and "Ærø og Åbenrå" in record.title


def test_a_utf16_mark_on_bytes_that_are_not_utf16(tmp_path: Path):
    path = tmp_path / "odd.ris"
    path.write_bytes(codecs.BOM_UTF16_LE + "TY  - JOUR\n".encode("utf-16-le") + b"\x00\xd8")
    with pytest.raises(InputError, match="UTF-16 byte-order mark but is not UTF-16"):
        read_export(path, database="X")
