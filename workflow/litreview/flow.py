"""The PRISMA 2020 flow diagram as a self-contained SVG, drawn from the counts."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

LINE = 16
PAD = 10
GAP = 36
CHAR_WIDTH = 6.6  # average glyph width of 12px sans-serif, for wrapping


def _n(value: object) -> str:
    """``(n = 5)`` with no-break spaces, so wrapping never splits a count from its n."""
    return f"(n\u00a0=\u00a0{value})"


def _wrap(lines: Sequence[str], width: float) -> list[str]:
    chars = max(10, int((width - 2 * PAD) / CHAR_WIDTH))
    out: list[str] = []
    for line in lines:
        indent = "    " if line.startswith("  ") else ""
        pieces = textwrap.wrap(line.strip(), chars - len(indent)) or [""]
        out += [indent + piece for piece in pieces]
    return out


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def box(self, x: float, y: float, w: float, lines: Sequence[str], fill: str = "#fff",
            bold_first: bool = False) -> float:
        wrapped = _wrap(lines, w)
        h = len(wrapped) * LINE + 2 * PAD
        self.parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" '
                          f'rx="4" fill="{fill}" stroke="#333" stroke-width="1.2"/>')
        for i, text in enumerate(wrapped):
            weight = ' font-weight="bold"' if bold_first and i == 0 else ""
            indent = 12 if text.startswith(" ") else 0  # SVG collapses leading spaces
            self.parts.append(f'<text x="{x + PAD + indent:.0f}" '
                              f'y="{y + PAD + (i + 1) * LINE - 4:.0f}"'
                              f'{weight}>{escape(text.strip())}</text>')
        return h

    def arrow(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                          'stroke="#333" stroke-width="1.2" marker-end="url(#arrow)"/>')

    def band(self, y: float, h: float, label: str) -> None:
        self.parts.append(f'<rect x="6" y="{y:.0f}" width="26" height="{h:.0f}" rx="4" '
                          'fill="#9ec5e8" stroke="#5b8db8"/>')
        cx, cy = 19, y + h / 2
        self.parts.append(f'<text x="{cx}" y="{cy:.0f}" text-anchor="middle" font-weight="bold" '
                          f'transform="rotate(-90 {cx} {cy:.0f})">{escape(label)}</text>')


def _reasons(column: Mapping[str, Any], texts: Mapping[str, str]) -> list[str]:
    lines = [f"Reports excluded {_n(sum(column['reports_excluded'].values()))}"]
    for reason, n in column["reports_excluded"].items():
        lines.append(f"  {reason} {texts.get(reason, reason)} {_n(n)}")
    return lines


def flow_svg(counts: Mapping[str, Any]) -> str:
    """PRISMA 2020 layout: databases column, and other methods column when used."""
    db, other = counts["databases"], counts["other_methods"]
    ident = counts["identification"]
    texts = counts["exclusion_reasons"]
    with_other = other["identified"] > 0
    x0, main_w, side_w = 44, 320, 300
    x_side = x0 + main_w + 40
    x_other = x_side + side_w + 50
    x_other_side = x_other + main_w + 40
    width = (x_other_side + side_w + 14) if with_other else (x_side + side_w + 14)
    c = _Canvas()
    y = 14
    c.parts.append(f'<text x="{x0}" y="{y + 14}" font-weight="bold">Identification of studies '
                   'via databases</text>')
    if with_other:
        c.parts.append(f'<text x="{x_other}" y="{y + 14}" font-weight="bold">Identification of '
                       'studies via other methods</text>')
    y += 30

    rows: list[tuple[str, list[str], list[str], list[str], list[str]]] = [
        ("Identification",
         [f"Records identified from databases {_n(db['identified'])}",
          *[f"  {name} {_n(n)}" for name, n in ident["databases"].items()]],
         ["Records removed before screening:",
          f"  Duplicate records {_n(db['duplicates_removed'])}",
          f"  Marked ineligible by automation {_n(db['excluded_automation'])}"],
         [f"Records identified from other methods {_n(other['identified'])}",
          *[f"  {name} {_n(n)}" for name, n in ident["other_sources"].items()]],
         ["Records removed before screening:",
          f"  Already found via databases or duplicate {_n(other['duplicates_removed'])}",
          f"  Marked ineligible by automation {_n(other['excluded_automation'])}"]),
        ("Screening",
         [f"Records screened {_n(db['records_screened'])}"],
         [f"Records excluded {_n(db['records_excluded'])}"],
         [f"Records screened {_n(other['records_screened'])}"],
         [f"Records excluded {_n(other['records_excluded'])}"]),
        ("",
         [f"Reports sought for retrieval {_n(db['reports_sought'])}"],
         [f"Reports not retrieved {_n(db['reports_not_retrieved'])}"],
         [f"Reports sought for retrieval {_n(other['reports_sought'])}"],
         [f"Reports not retrieved {_n(other['reports_not_retrieved'])}"]),
        ("",
         [f"Reports assessed for eligibility {_n(db['reports_assessed'])}"],
         _reasons(db, texts),
         [f"Reports assessed for eligibility {_n(other['reports_assessed'])}"],
         _reasons(other, texts)),
    ]
    bands: list[tuple[str, float, float]] = []
    previous: tuple[float, float] | None = None  # bottom of the main boxes
    for label, main, side, omain, oside in rows:
        heights = [len(_wrap(main, main_w)), len(_wrap(side, side_w))]
        if with_other:
            heights += [len(_wrap(omain, main_w)), len(_wrap(oside, side_w))]
        h = max(heights) * LINE + 2 * PAD
        fill = "#fff"
        c.box(x0, y, main_w, main, fill)
        c.box(x_side, y, side_w, side, "#f6f6f6")
        c.arrow(x0 + main_w, y + h / 2, x_side, y + h / 2)
        if with_other:
            c.box(x_other, y, main_w, omain, fill)
            c.box(x_other_side, y, side_w, oside, "#f6f6f6")
            c.arrow(x_other + main_w, y + h / 2, x_other_side, y + h / 2)
        if previous is not None:
            c.arrow(x0 + main_w / 2, previous[0], x0 + main_w / 2, y)
            if with_other:
                c.arrow(x_other + main_w / 2, previous[1], x_other + main_w / 2, y)
        bottom_main = y + len(_wrap(main, main_w)) * LINE + 2 * PAD
        bottom_other = y + len(_wrap(omain, main_w)) * LINE + 2 * PAD
        previous = (bottom_main, bottom_other)
        if label:
            bands.append((label, y, 0))
        else:
            bands[-1] = (bands[-1][0], bands[-1][1], 0)
        y += h + GAP
    included = [f"Studies included in review {_n(counts['included']['studies'])}",
                f"Reports of included studies {_n(counts['included']['reports'])}"]
    h = c.box(x0, y, main_w, included, "#e8f3e8", bold_first=True)
    assert previous is not None
    c.arrow(x0 + main_w / 2, previous[0], x0 + main_w / 2, y)
    if with_other:
        c.parts.append(f'<polyline points="{x_other + main_w / 2:.0f},{previous[1]:.0f} '
                       f'{x_other + main_w / 2:.0f},{y + h / 2:.0f} {x0 + main_w + 6:.0f},'
                       f'{y + h / 2:.0f}" fill="none" stroke="#333" stroke-width="1.2" '
                       'marker-end="url(#arrow)"/>')
    ident_top = 44
    screening_top = bands[1][1] if len(bands) > 1 else y
    c.band(ident_top, screening_top - GAP / 2 - ident_top, "Identification")
    c.band(screening_top - GAP / 2 + 6, y - screening_top - GAP / 2 + 12 - 12, "Screening")
    c.band(y, h, "Included")
    height = y + h + 14
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" '
            'font-size="12" role="img" aria-label="PRISMA 2020 flow diagram">'
            '<title>PRISMA 2020 flow diagram</title>'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            'fill="#333"/></marker></defs>'
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>')
    return head + "\n" + "\n".join(c.parts) + "\n</svg>\n"
