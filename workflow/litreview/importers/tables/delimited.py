"""CSV and TSV text: the delimiter is the one under which a header row appears."""

from __future__ import annotations

import io
from collections.abc import Sequence

from litreview.importers.context import Context, Parsed
from litreview.importers.tables.rows import (
    HEADER_SCAN,
    csv_rows,
    header_index,
    no_header,
    read_rows,
)


def sniff_table(text: str) -> str | None:
    """``"tsv"`` or ``"csv"`` when a header row with a title column is found, else ``None``."""
    delimiter = _pick_delimiter(text, [",", ";", "\t", "|"], Context("", ""))
    return None if delimiter is None else "tsv" if delimiter == "\t" else "csv"


#: The text the delimiters are tried on first: the header is in the first rows, and each
#: try copies what it reads (a 100 MB export five times over took a quarter of its import).
_SNIFF = 1 << 20


def _pick_delimiter(text: str, candidates: Sequence[str], ctx: Context) -> str | None:
    """The delimiter under which a header row appears, the one giving most columns; tried
    on the file's first megabyte, and on the whole when no header is found there."""
    if len(text) > _SNIFF:
        found = _pick_delimiter(text[:_SNIFF], candidates, ctx)
        if found is not None:
            return found
    best: tuple[int, str] | None = None
    for candidate in candidates:
        rows = list(csv_rows(text, candidate, ctx, Parsed(), limit=HEADER_SCAN))
        found = header_index(rows, ctx)
        if found is not None and (best is None or len(rows[found][2]) > best[0]):
            best = (len(rows[found][2]), candidate)
    return best[1] if best else None


def read_delimited(text: str, ctx: Context, delimiter: str | None = None) -> Parsed:
    """Read CSV or TSV text; ``delimiter=None`` picks the one that yields a header row."""
    chosen = _pick_delimiter(text, [delimiter] if delimiter else [",", ";", "\t", "|"], ctx)
    if chosen is None:
        raise no_header(ctx)
    out = Parsed()
    lines: list[str] = []

    def raw(first: int, last: int) -> str:
        if not lines:  # split only when a row is rejected: big clean files never pay
            lines.extend(io.StringIO(text, newline="").readlines())
        return "".join(lines[first - 1:last]).rstrip("\r\n")

    return read_rows(csv_rows(text, chosen, ctx, out, raw), ctx, out, raw)
