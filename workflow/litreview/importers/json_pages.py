"""What the readers of saved API replies share: the file is a JSON list of the service's
reply pages as they came (or one page alone), each holding a list of items at a path
(``results``, ``message.items``, ``resultList.result``); CSL-JSON is one list of items.

Every item comes with its page number, its index in the page and the line it starts on,
found by walking the text beside the parse, so a rejected item is reported where it is.
Values keep the service's types; :func:`text`, :func:`texts` and :func:`original_fields`
turn them into what a record holds.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from litreview.core.errors import InputError, Problem
from litreview.importers.context import Context, Parsed, RawValue

_WHITESPACE = re.compile(r"[ \t\n\r\ufeff]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a reply: where it is (page from 1, 0 in a file of items alone; index
    from 0; line) and its value."""

    page: int
    index: int
    line: int
    value: Any

    @property
    def where(self) -> str:
        page = f"page {self.page}, " if self.page else ""
        return f"{page}item {self.index + 1}"


@dataclass(frozen=True, slots=True)
class Service:
    """How one service's saved replies are read: its name, the path from a page to its
    items, the page's reported count, and the hint every message ends with."""

    name: str
    path: tuple[str, ...]
    count: tuple[str, ...]
    hint: str
    #: a page that holds one item instead of a list (Crossref's single-work reply)
    single: Callable[[Any], bool] = lambda page: False


def load(text: str, ctx: Context, hint: str) -> Any:
    """The parsed file; JSON that does not parse is a located error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(Problem(ctx.source_file, f"not valid JSON: {error.msg} (the file may "
                                 "be cut short)", error.lineno, hint=hint)) from None


def items(text: str, ctx: Context, service: Service) -> Iterator[Item]:
    """Every item of every page, in file order, with its position. A page that is not the
    service's reply is a located error; a file holding fewer items than the replies
    reported is read with a warning saying how many are missing."""
    data = load(text, ctx, service.hint)
    pages = data if isinstance(data, list) else [data]
    lines = _Lines(text)
    starts = _page_starts(text, isinstance(data, list))
    held = reported = 0
    for number, page in enumerate(pages, start=1):
        at = starts[number - 1] if number <= len(starts) else 0
        single = service.single(page)
        found = [_at(page, service.path[:-1])] if single else _at(page, service.path)
        if not isinstance(found, list):
            raise InputError(Problem(ctx.source_file, f"page {number} is no {service.name} reply "
                                     f"(no {'.'.join(service.path)})", lines.line(at),
                                     hint=service.hint))
        held += len(found)
        reported = max(reported, _count(_at(page, service.count)))
        offsets = _item_starts(text, at, service.path[:-1] if single else service.path) or []
        for index, value in enumerate(found):
            start = offsets[index] if index < len(offsets) else at
            yield Item(number, index, lines.line(start), value)
    if held < reported:
        ctx.warn(Problem(ctx.source_file, f"the search reported {reported} records; this file "
                         f"holds {held} (its {len(pages)} page(s) leave {reported - held} out)",
                         hint="litreview search run saves every page of a search"))


def located_items(text: str, ctx: Context, hint: str, what: str) -> Iterator[Item]:
    """The items of a file that is one JSON list (CSL-JSON), each with its line."""
    data = load(text, ctx, hint)
    if not isinstance(data, list):
        raise InputError(Problem(ctx.source_file, f"not {what}: the file is no JSON list of "
                                 "items", 1, hint=hint))
    lines = _Lines(text)
    offsets = _item_starts(text, _skip(text, 0), ()) or []
    for index, value in enumerate(data):
        yield Item(0, index, lines.line(offsets[index] if index < len(offsets) else 0), value)


def reject(out: Parsed, ctx: Context, item: Item, why: str, hint: str) -> None:
    """A located reject for an item that cannot be a record, its JSON kept as the raw text."""
    out.reject(Problem(ctx.source_file, f"{item.where}: {why}", item.line, hint=hint),
               json.dumps(item.value, ensure_ascii=False)[:2000])


def text(value: Any) -> str:
    """A scalar as text; ``None`` and containers are empty."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def texts(value: Any) -> list[str]:
    """A scalar or a list of scalars as a list of texts, empty ones left out."""
    values = value if isinstance(value, list) else [value]
    return [t for t in map(text, values) if t]


def get(value: Any, *path: str) -> Any:
    """``value[path[0]][path[1]]…``, or ``None`` where any step is missing."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def names(values: Any, *path: str) -> list[str]:
    """The text at ``path`` in each object of a list (``keywords[].display_name``)."""
    if not isinstance(values, list):
        return []
    return [t for t in (text(get(v, *path)) for v in values) if t]


def original_fields(item: dict[str, Any], leave_out: frozenset[str] = frozenset()
                    ) -> dict[str, RawValue]:
    """The service's fields as the record's original ones: text as it came, a list of
    texts as a list, and anything nested as compact JSON, so nothing is lost."""
    out: dict[str, RawValue] = {}
    for key, value in item.items():
        if key in leave_out or value is None or value in ("", [], {}):
            continue
        if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
            out[key] = texts(value)
        elif isinstance(value, dict | list):
            out[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            out[key] = str(value)
    return out


def _at(page: Any, path: tuple[str, ...]) -> Any:
    return get(page, *path) if path else page


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class _Lines:
    """The line of an offset in the text."""

    def __init__(self, text: str):
        self.ends = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.ends, offset - 1) + 1


def _skip(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    return match.end() if match else at


def _page_starts(text: str, listed: bool) -> list[int]:
    start = _skip(text, 0)
    return _elements(text, start) if listed else [start]


def _item_starts(text: str, at: int, path: tuple[str, ...]) -> list[int] | None:
    """The offsets where the items at ``path`` in the value at ``at`` start (one offset
    when that value is an object): the structure walked, every other value skipped by the
    C decoder."""
    try:
        at = _skip(text, at)
        for key in path:
            at = _member(text, at, key)
            if at < 0:
                return None
        return _elements(text, at) if text.startswith("[", at) else [at]
    except (ValueError, IndexError):
        return None


def _member(text: str, at: int, wanted: str) -> int:
    """The offset of the value of ``wanted`` in the object at ``at``; -1 if it has none."""
    if not text.startswith("{", at):
        return -1
    at = _skip(text, at + 1)
    while text.startswith('"', at):
        key, at = _DECODER.raw_decode(text, at)
        at = _skip(text, _skip(text, at) + 1)  # past the colon
        if key == wanted:
            return at
        at = _skip(text, _DECODER.raw_decode(text, at)[1])
        if not text.startswith(",", at):
            return -1
        at = _skip(text, at + 1)
    return -1


def _elements(text: str, at: int) -> list[int]:
    """The offsets of the elements of the array at ``at``."""
    starts: list[int] = []
    at = _skip(text, at + 1)
    while at < len(text) and text[at] != "]":
        starts.append(at)
        at = _skip(text, _DECODER.raw_decode(text, at)[1])
        if text.startswith(",", at):
            at = _skip(text, at + 1)
    return starts
