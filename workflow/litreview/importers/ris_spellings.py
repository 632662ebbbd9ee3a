"""How an RIS file spells its tag lines: misspelt tag lines read as tags (one warning per
spelling), and lines read as text that may have been meant as tags (one warning per kind,
listing them). The rule is in the docstring of :mod:`litreview.importers.ris`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rispy

from litreview.core.errors import Problem
from litreview.importers.context import Context

HINT_TAG = "RIS tag lines look like 'TY  - JOUR': two letters, two spaces, '-', a space"

#: Codes a misspelt tag line may name: the RIS specification's (rispy's table, less its
#: ``UK`` "unknown tag" key) and those the dialects met use.
_KNOWN_TAGS = (frozenset(rispy.TAG_KEY_MAPPING) - {"UK"}) | {
    "BT", "CT", "DE", "ED", "J1", "L3", "M2", "MH", "SO", "U1", "U2", "U3", "U4", "U5", "Y3"}
#: Fields whose value is one code, date or number: no export wraps them onto a next line
#: (``SN`` and ``DB`` do: EndNote writes a second ISSN, a second database, below).
ONE_VALUE = frozenset({"TY", "ID", "AN", "PY", "Y1", "DA", "VL", "IS", "SP", "EP", "DO"})
#: Misspelt tag lines as (spelling, pattern, strong): group 1 the code, group 2 the value.
#: Any space character is spacing (``\s``: a tab, a no-break space); where a spelling asks
#: for two spaces, one tab will do.
_SPELLINGS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("XX - ", re.compile(r"([A-Z][A-Z0-9])\s{1,4}-(?:\s|$)(.*)"), True),
    ("XX  -x", re.compile(r"([A-Z][A-Z0-9])\s{1,4}-(\S.*)"), True),
    ("xx  - ", re.compile(r"([A-Za-z][A-Za-z0-9])(?:\s{2,4}|\t)-(?:\s|$)(.*)"), True),  # any case
    ("XX:  ", re.compile(r"([A-Z][A-Z0-9]):(?:(?:\s{2,}|\t)(.*)|$)"), True),
    ("LABEL  - ", re.compile(r"([A-Z][A-Z0-9]{2,19})(?:\s{2}|\t)-(?:\s|$)(.*)"), True),
    ("XX- ", re.compile(r"([A-Z][A-Z0-9])-(?:\s|$)(.*)"), False),
    ("XX: ", re.compile(r"([A-Z][A-Z0-9]):(?:\s|$)(.*)"), False),
    ("XX-x", re.compile(r"([A-Z][A-Z0-9])-(\S.*)"), False),
    ("XX ", re.compile(r"([A-Z][A-Z0-9])(?:\s+(\S.*)|$)"), False),
)
#: Lines listed by number in a warning about text that may have been a tag line.
_LISTED_LINES = 10


@dataclass(slots=True)
class _Spelling:
    """Where a file first spells tag lines one wrong way, and how often it does."""

    first: int
    text: str
    tag: str
    count: int = 1
    last: int = 0


@dataclass(slots=True)
class _AsText:
    """Lines read as text that might have been tag lines (one kind of them in a file):
    the first, with the tag it might be and the field it was read into, and every line."""

    text: str
    tag: str
    value: str
    field: str
    lines: list[int]


@dataclass(slots=True)
class Spellings:
    """The spellings of one file: those read as tags, and lines read as text that might
    have been tags."""

    ctx: Context
    spellings: dict[str, _Spelling] = field(default_factory=dict)
    #: lines read as text, by spelling (``""``: any text after a one-value field)
    as_text: dict[str, _AsText] = field(default_factory=dict)
    dialect: set[str] = field(default_factory=set)  # weak spellings the file writes tags in

    def misspelt(self, number: int, line: str, outside: bool,
                 last_tag: str) -> tuple[str, str] | Problem | None:
        """``(tag, value)`` when ``line`` is a wrongly spelt tag line to read as a tag; a
        :class:`Problem` when it looks like a tag with a code RIS does not have (its
        record fails); ``None`` when it is text. ``outside``: no record is open."""
        if line[0] == " " or not line[:2].isalnum():
            return None
        for spelling, pattern, strong in _SPELLINGS:
            match = pattern.match(line)
            if match is None:
                continue
            code, value = match.group(1), (match.group(2) or "").strip()
            tag = code if len(code) > 2 else code.upper()
            if outside and tag != "TY":
                return None  # stray text, or an Ovid trailer: as before
            if len(code) == 2 and tag not in _KNOWN_TAGS:
                if strong and code.isupper():
                    return _unknown_tag(self.ctx, number, line, code)
                return None
            if not (strong or outside or spelling in self.dialect or last_tag in ONE_VALUE):
                self.said(number, spelling, line, tag, value, last_tag)
                return None  # may be prose continuing the field above: text, said
            if not strong:
                self.dialect.add(spelling)
            if spelling == "xx  - " and not code.islower():
                spelling = "Xx  - "  # mixed case: a spelling of its own, told on its own
            self.note(spelling, number, line, tag)
            return tag, value
        return None

    def said(self, number: int, spelling: str, line: str, tag: str, value: str,
             field_name: str) -> None:
        """Remember a line read as text into ``field_name`` that might be a tag line, for one
        warning per spelling (``""``: any text after a one-value field)."""
        seen = self.as_text.get(spelling)
        if seen is None:
            self.as_text[spelling] = _AsText(line[:40], tag, value, field_name, [number])
        else:
            seen.lines.append(number)

    def note(self, spelling: str, number: int, line: str, tag: str) -> None:
        seen = self.spellings.get(spelling)
        if seen is None:
            self.spellings[spelling] = _Spelling(number, line[:40], tag, last=number)
        else:
            seen.count += 1
            seen.last = number

    def warnings(self) -> list[Problem]:
        """One warning per spelling read as tags and per kind of line read as text, in line
        order."""
        warnings = [_spelling_warning(self.ctx, seen) for seen in self.spellings.values()]
        warnings += [_as_text_warning(self.ctx, seen) for seen in self.as_text.values()]
        return sorted(warnings, key=lambda w: w.line or 0)


def _unknown_tag(ctx: Context, number: int, line: str, code: str) -> Problem:
    """A line that looks like a tag with a code RIS does not have: the record fails."""
    return Problem(ctx.source_file, f"{line[:40]!r} looks like a tag line, but '{code}' "
                   "is no RIS tag", number, hint=f"{HINT_TAG}; correct the tag, or join the "
                   "line to the one above if it continues it")


def _spelling_warning(ctx: Context, seen: _Spelling) -> Problem:
    what = (f"a field of its own, '{seen.tag}' (kept with the record's original fields)"
            if len(seen.tag) > 2 else f"the tag '{seen.tag}'")
    more = (f"; so were {seen.count - 1} more line(s) spelt this way, to line {seen.last}"
            if seen.count > 1 else "")
    return Problem(ctx.source_file, f"{seen.text!r} read as {what}{more}", seen.first,
                   hint=HINT_TAG)


def _as_text_warning(ctx: Context, seen: _AsText) -> Problem:
    """Lines read as text that a person may have meant as tag lines, listed."""
    first, *more = seen.lines
    listed = ", ".join(map(str, more[:_LISTED_LINES]))
    if len(more) > _LISTED_LINES:
        listed += f" and {len(more) - _LISTED_LINES} more to line {more[-1]}"
    also = (f"; so {'was' if len(more) == 1 else 'were'} {len(more)} more "
            f"line{'' if len(more) == 1 else 's'}{' written this way' if seen.tag else ''}: "
            f"{listed}" if more else "")
    if not seen.tag:
        return Problem(ctx.source_file, f"{seen.text!r} follows '{seen.field}', a field of "
                       "one value: kept beside its value in the record's original fields"
                       f"{also}", first, hint=f"{HINT_TAG}; if it is a tag line, spell it "
                       "so; if it belongs to another field, move it there")
    return Problem(ctx.source_file, f"{seen.text!r} is read as part of '{seen.field}', not "
                   f"as the tag '{seen.tag}'{also}", first,
                   hint=f"if it is a tag, write it '{seen.tag}  - {_cut(seen.value, 20)}'; if "
                   "it is text, nothing needs changing")


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else f"{text[:size - 1]}…"
