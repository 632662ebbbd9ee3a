"""Control characters: removed from every record's fields and from XML exports, and said."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from litreview.core.decode import utf16_codec
from litreview.core.errors import Problem
from litreview.importers.context import Context, RawValue

#: C0 controls other than tab, line feed and carriage return: not text in any export, and
#: a spreadsheet (openpyxl) refuses to write them. The separators among them (vertical
#: tab, form feed, the information separators) stand between words: a space, not nothing.
_CONTROL_CHARS = tuple(map(chr, (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))))
_CONTROLS = re.compile(f"[{re.escape(''.join(_CONTROL_CHARS))}]")


_CONTROL_BYTES = "".join(_CONTROL_CHARS).encode("ascii")


def has_controls(text: str, data: bytes | None = None) -> bool:
    """Whether ``text`` holds a control character :func:`without_controls` removes (a
    search for each is quicker than the character class on a whole export). ``data``: the
    bytes ``text`` was decoded from when each byte under 0x80 is that character (UTF-8,
    cp1252; not UTF-16), whose one pass is quicker still."""
    if data is not None:  # a megabyte at a time: no copy of the whole file
        step = 1 << 20
        return any(len(piece := data[start:start + step]) != len(
            piece.translate(None, _CONTROL_BYTES)) for start in range(0, len(data), step))
    return any(char in text for char in _CONTROL_CHARS)


_SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")


def _strip_controls(value: str) -> str:
    return _CONTROLS.sub(lambda m: " " if m.group() in _SEPARATORS else "", value)


def _controls_in(fields: Mapping[str, RawValue]) -> dict[str, set[str]]:
    """Field name → the control characters in its value(s); only fields that have some."""
    found: dict[str, set[str]] = {}
    for name, value in fields.items():
        for text in [value] if isinstance(value, str) else value or ():
            if isinstance(text, str) and _CONTROLS.search(text):
                found.setdefault(name, set()).update(_CONTROLS.findall(text))
    return found


def _stripped(fields: Mapping[str, RawValue], names: Iterable[str]) -> dict[str, RawValue]:
    out = dict(fields)
    for name in names:
        value = out[name]
        out[name] = (_strip_controls(value) if isinstance(value, str)
                     else [_strip_controls(v) for v in value or ()])
    return out


_CONTROLS_HINT = ("they are not text: a damaged export, or text pasted from another "
                  "program; the rest of each value is kept")
#: The same characters in XML, raw or as character references: XML 1.0 allows neither,
#: so an EndNote export holding one would stop the parser at that record.
_XML_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]"
                           rb"|&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[\da-fA-F]));")


def _codes(chars: Iterable[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in sorted(chars))


def xml_without_controls(data: bytes, ctx: Context) -> bytes:
    """XML bytes (UTF-8 or a single-byte encoding) without control characters, each line
    that had some said; UTF-16 XML is left to the parser."""
    if utf16_codec(data) or not _XML_CONTROLS.search(data):
        return data
    lines: dict[int, set[str]] = {}
    line, counted = 1, 0
    for match in _XML_CONTROLS.finditer(data):
        line, counted = line + data.count(b"\n", counted, match.start()), match.start()
        lines.setdefault(line, set()).add(_xml_char(match.group()))
    for line, chars in lines.items():
        ctx.warn(Problem(ctx.source_file, f"removed control character(s) {_codes(chars)} "
                         "(XML cannot hold them)", line, hint=_CONTROLS_HINT))
    return _XML_CONTROLS.sub(lambda m: b" " if _xml_char(m.group()) in _SEPARATORS else b"",
                             data)


def _xml_char(token: bytes) -> str:
    """The character a raw byte or a character reference (``&#1;``, ``&#x1F;``) stands for."""
    if len(token) == 1:
        return chr(token[0])
    return chr(int(token[3:-1], 16) if token[2:3] in b"xX" else int(token[2:-1]))


def without_controls(ctx: Context, line: int, raw: Mapping[str, RawValue],
                     original: Mapping[str, RawValue] | None,
                     ) -> tuple[Mapping[str, RawValue], Mapping[str, RawValue] | None]:
    """``raw`` and ``original`` without control characters, and a warning naming the file,
    the record's line, the fields and the characters when there were any.

    Every reader's fields pass through :func:`build_record`, so this is the one place: no
    later stage (screening sheets, reports) meets a NUL or an escape character.
    """
    if ctx.no_controls:
        return raw, original  # the common case: the file was scanned once, whole
    in_raw = _controls_in(raw)
    in_original = _controls_in(original) if original else {}
    if not in_raw and not in_original:
        return raw, original
    chars = set().union(*in_raw.values(), *in_original.values())
    names = list(in_raw) or list(in_original)
    ctx.warn(Problem(ctx.source_file, f"removed control character(s) {_codes(chars)} from "
                     f"{', '.join(names)}",
                     line, hint=_CONTROLS_HINT))
    return _stripped(raw, in_raw), (_stripped(original, in_original) if original else original)
