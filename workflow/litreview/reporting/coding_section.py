"""The report's section on the coding of the studies, from the files of
``results/robustness/``: the summary's sentences, each table of the form (a frequency table
beside its bar chart, a cross-table), each study's level in each typology, and the
appraisal figure when the form draws one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

from litreview.core import paths
from litreview.core.fileio import csv_rows
from litreview.core.text import markdown_plain

Table = Callable[[Sequence[str], Sequence[Sequence[object]]], str]


def _rows(text: str) -> tuple[list[str], list[list[str]]]:
    rows = csv_rows(text)  # each cell as it was before fileio.neutralise
    return (rows[0], rows[1:]) if rows else ([], [])


def bar_chart_svg(label: str, rows: Sequence[tuple[str, int, float]], width: int = 560) -> str:
    """A horizontal bar chart of one frequency table (value, studies, per cent), plain SVG."""
    bar_h, gap, label_w = 18, 6, 250
    height = len(rows) * (bar_h + gap) + 30
    top = max((n for _, n, _ in rows), default=0)
    scale = (width - label_w - 60) / top if top else 0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
             f'font-size="12" role="img" aria-label="{escape(label)}">',
             f'<text x="0" y="14" font-weight="bold">{escape(label)}</text>']
    for i, (value, n, percent) in enumerate(rows):
        y = 24 + i * (bar_h + gap)
        shown = value if len(value) <= 40 else value[:39] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">'
                     f'{escape(shown)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{n * scale:.1f}" height="{bar_h}" '
                     'fill="#5b8db8"/>')
        parts.append(f'<text x="{label_w + n * scale + 6:.1f}" y="{y + 13}">{n} '
                     f'({percent:.0f}%)</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def coding_section(heading: Callable[..., None], parts: list[str], table: Table,
                   files: Mapping[str, str]) -> None:
    """The section: ``heading(level, text, anchor)`` adds a heading to the page, ``parts``
    takes the HTML, ``table(header, rows)`` draws a table."""
    summary = files.get(paths.SUMMARY_MD, "").splitlines()
    title = markdown_plain(summary[0].removeprefix("# ")) if summary else ""
    heading(2, title if title and not title.startswith("Coding of ") else
            "Coding of the studies", "coding")
    said = next((line for line in summary[1:] if line.strip()), "")
    if said:
        parts.append(f"<p>{escape(markdown_plain(said))}</p>")
    _, rows = _rows(files.get(paths.SUMMARY_CSV, ""))
    tables: dict[str, list[list[str]]] = {}
    for row in rows:  # table, row, column, studies, percent, of, more_than_one
        tables.setdefault(row[0], []).append(row)
    for label, lines in tables.items():
        note = " (more than one may apply)" if lines[0][6] == "yes" else ""
        heading(3, f"{label}{note}")
        columns = list(dict.fromkeys(line[2] for line in lines if line[2]))
        if columns:
            cells = {(line[1], line[2]): line[3] for line in lines}
            values = list(dict.fromkeys(line[1] for line in lines))
            parts.append(table(["", *columns], [[v, *(cells.get((v, c), "0") for c in columns)]
                                                for v in values]))
            continue
        counts = table(["", "studies", "per cent"], [line[1:2] + line[3:5] for line in lines])
        chart = bar_chart_svg(label, [(line[1], int(line[3]), float(line[4])) for line in lines])
        parts.append(f'<div class="pair">{counts}<div class="chart">{chart}</div></div>')
    _levels(heading, parts, table, files.get(paths.STUDIES_CSV, ""))
    if files.get(paths.APPRAISAL_SVG):
        heading(3, "Appraisal of the studies")
        parts.append(f'<figure class="chart">{files[paths.APPRAISAL_SVG]}</figure>')


def _levels(heading: Callable[..., None], parts: list[str], table: Table, studies: str) -> None:
    """Each study's level in each typology, with why (``studies.csv``'s columns
    ``<typology>``, ``<typology>_because``, ``<typology>_overridden``)."""
    header, rows = _rows(studies)
    typologies = [h for h in header if f"{h}_because" in header]
    for typology in typologies:
        at = header.index(typology)
        heading(3, f"Each study: {typology.replace('_', ' ')}")
        parts.append(table(["study", "year", "title", "level", "why"],
                           [[r[0], r[1], r[2], r[at], r[at + 1]] for r in rows]))
