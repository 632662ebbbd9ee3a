"""Bytes to text for exports and sheets: UTF-8 (with or without a BOM), UTF-16 (with or
without a BOM), or a legacy single-byte encoding (Windows-1252) told apart by evidence."""

from __future__ import annotations

import codecs

from litreview.core.errors import InputError, Problem


def utf16_codec(data: bytes) -> str | None:
    """``"utf-16"``, ``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` is UTF-16 text, by its
    byte-order mark or, without one, by its NULs; ``None`` otherwise.

    Text in UTF-16 without a BOM (some Windows tools write it) is mostly ASCII, so one
    byte of nearly every pair is NUL, always the same one: the high byte, second in
    little-endian and first in big-endian. A binary file has NULs on both sides, or none.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:_UTF16_SAMPLE - _UTF16_SAMPLE % 2]
    pairs = len(sample) // 2
    if pairs < _UTF16_MIN_PAIRS:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high >= pairs * 0.3 and low <= pairs * 0.02 and _looks_like_text(sample, codec):
            return codec
    return None


_UTF16_SAMPLE = 4096  # bytes looked at
_UTF16_MIN_PAIRS = 8


def _looks_like_text(sample: bytes, codec: str) -> bool:
    """Decodes as ``codec`` into text with few control characters (a cut pair forgiven)."""
    text = sample[:len(sample) - len(sample) % 2].decode(codec, errors="replace")
    bad = sum(1 for char in text if char == "\ufffd" or (char < " " and char not in "\t\n\r"))
    return bad <= len(text) // 50


def decode(data: bytes) -> str:
    """Decode an export: UTF-16 (see :func:`utf16_codec`), else UTF-8 (BOM dropped), else
    byte-wise cp1252.

    Old Windows exports (EndNote, RefWorks) are cp1252, and concatenated exports mix the
    two, so the fallback keeps every valid UTF-8 sequence and reads only the invalid bytes
    as cp1252 (Latin-1 for the five bytes cp1252 leaves undefined). Decoding never fails:
    bytes that are not text at all are rejected later by the reader, located.
    """
    codec = utf16_codec(data)
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:  # a head cut inside a pair: detection needs no more
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors=_CP1252_FALLBACK)


def decode_export(data: bytes, file: str) -> str:
    """:func:`decode`, refusing bytes that are not plausibly UTF-8, UTF-16 or cp1252.

    Undecodable bytes are read as cp1252 only when they look like Western text in it:
    single accented letters or typographic quotes between ASCII. Text in another legacy
    encoding (Cyrillic, Greek, Shift-JIS, GBK, EBCDIC) has long runs of high bytes, or
    bytes cp1252 leaves undefined; read as cp1252 it would import as silent gibberish.
    """
    codec = utf16_codec(data)
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as error:
            how = "starts with a UTF-16 byte-order mark" if codec == "utf-16" else (
                f"looks like {codec.upper()} text without a byte-order mark")
            raise InputError(Problem(
                file, f"the file {how} but is not UTF-16 text (byte {error.start})",
                hint="export it again, or save it as UTF-8 in a text editor")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        first_bad = error.start
    spans = _invalid_utf8_spans(data, first_bad)
    high = sum(end - start for start, end in spans)
    undefined = sum(1 for start, end in spans for b in data[start:end] if b in _UNDEFINED)
    runs = _run_count(spans)
    if high >= _MIN_EVIDENCE and (high / runs >= 3 or undefined * 20 >= high):
        line = data.count(b"\n", 0, first_bad) + 1
        raise InputError(Problem(
            file, "unknown text encoding: the bytes are not UTF-8, UTF-16 or Windows-1252/"
            f"Latin-1 (first undecodable byte 0x{data[first_bad]:02X} at byte {first_bad})",
            line, hint="open the file in the program that made it, or a text editor, and "
            "save it again as UTF-8"))
    return data.decode("utf-8-sig", errors=_CP1252_FALLBACK)


_UNDEFINED = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))  # no character in cp1252
_MIN_EVIDENCE = 8  # fewer undecodable bytes than this cannot tell an encoding apart


def _invalid_utf8_spans(data: bytes, start: int) -> list[tuple[int, int]]:
    """Byte ranges that are not valid UTF-8, from ``start`` on (linear: no copies)."""
    view = memoryview(data)
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < len(data):
        try:
            codecs.utf_8_decode(view[pos:], "strict", True)
            break
        except UnicodeDecodeError as error:
            spans.append((pos + error.start, pos + error.end))
            pos += error.end
    return spans


def _run_count(spans: list[tuple[int, int]]) -> int:
    """Runs of adjacent invalid bytes: ``é`` alone is one run, a Cyrillic word is one too."""
    runs, previous_end = 0, -1
    for start, end in spans:
        if start != previous_end:
            runs += 1
        previous_end = end
    return max(runs, 1)


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(_byte_as_cp1252(b) for b in bad), error.end


def _byte_as_cp1252(byte: int) -> str:
    try:
        return bytes((byte,)).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: Latin-1 control characters


_CP1252_FALLBACK = "litreview-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_bytes)
