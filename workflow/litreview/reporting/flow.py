"""The PRISMA 2020 flow diagram, laid out once and drawn as SVG and as PNG.

The layout follows the PRISMA 2020 template: a column for records identified via
databases, a column for other methods when any were used, a box beside each step for
what left the flow there, and the exclusion reasons listed with their counts.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from litreview.reporting.prisma import reason_label

LINE = 16
PAD = 10
GAP = 36
CHAR_WIDTH = 6.6  # average glyph width of 12px sans-serif, for wrapping
SIDE_FILL = "#f6f6f6"
INCLUDED_FILL = "#e8f3e8"
BAND_FILL = "#9ec5e8"


def _n(value: object) -> str:
    """``(n = 5)`` with no-break spaces, so wrapping never splits a count from its n."""
    return f"(n\u00a0=\u00a0{value})"


def _wrap(lines: Sequence[str], width: float) -> list[str]:
    """Wrapped lines; an indented line (two leading spaces) keeps its indent."""
    chars = max(10, int((width - 2 * PAD) / CHAR_WIDTH))
    out: list[str] = []
    for line in lines:
        indent = "  " if line.startswith("  ") else ""
        pieces = textwrap.wrap(line.strip(), chars - 2 * len(indent)) or [""]
        out += [indent + piece for piece in pieces]
    return out


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    lines: tuple[str, ...]  # already wrapped
    fill: str = "#fff"
    bold_first: bool = False

    @property
    def h(self) -> float:
        return len(self.lines) * LINE + 2 * PAD


@dataclass(frozen=True, slots=True)
class Arrow:
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Band:
    y: float
    h: float
    label: str


@dataclass(frozen=True, slots=True)
class Heading:
    x: float
    y: float
    text: str


@dataclass(slots=True)
class Diagram:
    width: float = 0
    height: float = 0
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)


def _reasons(column: Mapping[str, Any], texts: Mapping[str, str]) -> list[str]:
    lines = [f"Reports excluded {_n(sum(column['reports_excluded'].values()))}"]
    for reason, n in column["reports_excluded"].items():
        lines.append(f"  {reason_label(reason, texts)} {_n(n)}")
    return lines


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where each column of the diagram starts, and how wide its boxes are."""

    update: bool  # a previous-studies column on the left
    with_other: bool  # a column for other methods on the right
    main_w: float = 320
    side_w: float = 300
    prev_w: float = 220
    x_prev: float = 44

    @property
    def x0(self) -> float:
        return self.x_prev + self.prev_w + 40 if self.update else self.x_prev

    @property
    def x_side(self) -> float:
        return self.x0 + self.main_w + 40

    @property
    def x_other(self) -> float:
        return self.x_side + self.side_w + 50

    @property
    def x_other_side(self) -> float:
        return self.x_other + self.main_w + 40

    @property
    def width(self) -> float:
        return (self.x_other_side if self.with_other else self.x_side) + self.side_w + 14


def layout(counts: Mapping[str, Any]) -> Diagram:
    """Where every box and arrow goes, from the PRISMA counts."""
    previous = counts.get("previous", {})
    cols = _Columns(update=bool(previous.get("studies")),
                    with_other=counts["other_methods"]["identified"] > 0)
    d = Diagram(width=cols.width)
    d.headings.append(Heading(cols.x0, 28, "Identification of studies via databases"))
    if cols.with_other:
        d.headings.append(Heading(cols.x_other, 28,
                                  "Identification of studies via other methods"))
    previous_box = None
    if cols.update:
        d.headings.append(Heading(cols.x_prev, 28, "Previous studies"))
        previous_box = Box(cols.x_prev, 44.0, cols.prev_w, tuple(_wrap([
            f"Studies included in previous version of review {_n(previous['studies'])}",
            f"Reports of studies included in previous version of review "
            f"{_n(previous['reports'])}"], cols.prev_w)), SIDE_FILL)
        d.boxes.append(previous_box)
    y, bottoms, band_tops = _place_rows(d, cols, _rows(counts), 44.0)
    included = _place_included(d, cols, counts, y, bottoms, previous_box)
    screening_top = band_tops["Screening"]
    identification_top = band_tops["Identification"]
    d.bands += [Band(identification_top, screening_top - GAP / 2 - identification_top,
                     "Identification"),
                Band(screening_top - GAP / 2 + 6, y - screening_top - 12, "Screening"),
                Band(y, included.h, "Included")]
    d.height = y + included.h + 14
    return d


#: One row of the flow: its band's label (or none), then the lines of the box of the step
#: and of the box beside it for what left the flow there, for databases and other methods.
_Row = tuple[str, list[str], list[str], list[str], list[str]]


def _rows(counts: Mapping[str, Any]) -> list[_Row]:
    """The text of each row of boxes, from identification to the reports assessed."""
    db, other = counts["databases"], counts["other_methods"]
    ident = counts["identification"]
    texts = counts["exclusion_reasons"]
    return [
        ("Identification",
         [f"Records identified from databases {_n(db['identified'])}",
          *[f"  {name} {_n(n)}" for name, n in ident["databases"].items()]],
         ["Records removed before screening:",
          f"  Duplicate records {_n(db['duplicates_removed'])}",
          f"  Marked ineligible by automation {_n(db['excluded_automation'])}",
          f"  Removed for other reasons {_n(db['excluded_other_reasons'])}"],
         [f"Records identified from other methods {_n(other['identified'])}",
          *[f"  {name} {_n(n)}" for name, n in ident["other_sources"].items()]],
         ["Records removed before screening:",
          f"  Already found via databases, or duplicate {_n(other['duplicates_removed'])}",
          f"  Marked ineligible by automation {_n(other['excluded_automation'])}",
          f"  Removed for other reasons {_n(other['excluded_other_reasons'])}"]),
        ("Screening",
         [f"Records screened {_n(db['records_screened'])}"],
         [f"Records excluded {_n(db['records_excluded'])}", *_waiting(db, "screening")],
         [f"Records screened {_n(other['records_screened'])}"],
         [f"Records excluded {_n(other['records_excluded'])}", *_waiting(other, "screening")]),
        ("",
         [f"Reports sought for retrieval {_n(db['reports_sought'])}"],
         [f"Reports not retrieved {_n(db['reports_not_retrieved'])}"],
         [f"Reports sought for retrieval {_n(other['reports_sought'])}"],
         [f"Reports not retrieved {_n(other['reports_not_retrieved'])}"]),
        ("",
         [f"Reports assessed for eligibility {_n(db['reports_assessed'])}"],
         [*_reasons(db, texts), *_waiting(db, "assessment")],
         [f"Reports assessed for eligibility {_n(other['reports_assessed'])}"],
         [*_reasons(other, texts), *_waiting(other, "assessment")]),
    ]


def _waiting(column: Mapping[str, Any], step: str) -> list[str]:
    """A review in progress: the records still awaiting a decision at a step (screening or
    assessment), so that the boxes add up; nothing once every record is decided."""
    waiting = column.get(f"awaiting_{step}", 0)
    noun = "Records" if step == "screening" else "Reports"
    return [f"{noun} awaiting {step} {_n(waiting)}"] if waiting else []


def _place_rows(d: Diagram, cols: _Columns, rows: Sequence[_Row],
                y: float) -> tuple[float, tuple[float, float], dict[str, float]]:
    """Lay the rows out from ``y`` down, with their arrows: the ``y`` below them, the
    bottom of the last step box of each column, and the top of each labelled row."""
    main_w = cols.main_w
    band_tops: dict[str, float] = {}
    previous_bottom: tuple[float, float] | None = None
    for label, main, side, omain, oside in rows:
        boxes = [Box(cols.x0, y, main_w, tuple(_wrap(main, main_w))),
                 Box(cols.x_side, y, cols.side_w, tuple(_wrap(side, cols.side_w)), SIDE_FILL)]
        if cols.with_other:
            boxes += [Box(cols.x_other, y, main_w, tuple(_wrap(omain, main_w))),
                      Box(cols.x_other_side, y, cols.side_w, tuple(_wrap(oside, cols.side_w)),
                          SIDE_FILL)]
        h = max(b.h for b in boxes)
        d.boxes += boxes
        for main_box, side_box in zip(boxes[::2], boxes[1::2], strict=True):  # from the step
            mid = y + min(main_box.h, side_box.h) / 2  # to what left the flow there
            d.arrows.append(Arrow(((main_box.x + main_w, mid), (side_box.x, mid))))
        if previous_bottom is not None:
            _arrows_down(d, cols, previous_bottom, y)
        previous_bottom = (y + boxes[0].h, y + (boxes[2].h if cols.with_other else 0))
        if label:
            band_tops[label] = y
        y += h + GAP
    assert previous_bottom is not None
    return y, previous_bottom, band_tops


def _arrows_down(d: Diagram, cols: _Columns, bottoms: tuple[float, float], y: float) -> None:
    """The arrows from the step boxes above down to the row at ``y``."""
    middle = cols.x0 + cols.main_w / 2
    d.arrows.append(Arrow(((middle, bottoms[0]), (middle, y))))
    if cols.with_other:
        other = cols.x_other + cols.main_w / 2
        d.arrows.append(Arrow(((other, bottoms[1]), (other, y))))


def _place_included(d: Diagram, cols: _Columns, counts: Mapping[str, Any], y: float,
                    bottoms: tuple[float, float], previous_box: Box | None) -> Box:
    """The box of the studies included, at ``y``, with the arrows into it."""
    x0, main_w = cols.x0, cols.main_w
    lines = [f"New studies included in review {_n(counts['included']['studies'])}",
             f"Reports of new included studies {_n(counts['included']['reports'])}"]
    if counts.get("previous", {}).get("studies"):
        lines += [f"Total studies included in review {_n(counts['total']['studies'])}",
                  f"Reports of total included studies {_n(counts['total']['reports'])}"]
    else:
        lines = [line.replace("New studies", "Studies").replace(
            "Reports of new included", "Reports of included") for line in lines]
    included = Box(x0, y, main_w, tuple(_wrap(lines, main_w)), INCLUDED_FILL, True)
    d.boxes.append(included)
    middle = y + included.h / 2
    d.arrows.append(Arrow(((x0 + main_w / 2, bottoms[0]), (x0 + main_w / 2, y))))
    if cols.with_other:
        d.arrows.append(Arrow(((cols.x_other + main_w / 2, bottoms[1]),
                               (cols.x_other + main_w / 2, middle), (x0 + main_w + 6, middle))))
    if previous_box is not None:  # the previous version's studies count in the total
        x = cols.x_prev + cols.prev_w / 2
        d.arrows.append(Arrow(((x, previous_box.y + previous_box.h), (x, middle),
                               (x0 - 6, middle))))
    return included


# --- drawing ------------------------------------------------------------------------

def to_svg(d: Diagram) -> str:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{d.width:.0f}" '
             f'height="{d.height:.0f}" viewBox="0 0 {d.width:.0f} {d.height:.0f}" '
             'font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" '
             'aria-label="PRISMA 2020 flow diagram"><title>PRISMA 2020 flow diagram</title>'
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'fill="#333"/></marker></defs>'
             f'<rect width="{d.width:.0f}" height="{d.height:.0f}" fill="#fff"/>']
    for heading in d.headings:
        parts.append(f'<text x="{heading.x:.0f}" y="{heading.y:.0f}" font-weight="bold">'
                     f"{escape(heading.text)}</text>")
    for band in d.bands:
        cx, cy = 19, band.y + band.h / 2
        parts.append(f'<rect x="6" y="{band.y:.0f}" width="26" height="{band.h:.0f}" rx="4" '
                     f'fill="{BAND_FILL}" stroke="#5b8db8"/>')
        parts.append(f'<text x="{cx}" y="{cy:.0f}" text-anchor="middle" font-weight="bold" '
                     f'transform="rotate(-90 {cx} {cy:.0f})">{escape(band.label)}</text>')
    for box in d.boxes:
        parts.append(f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.w:.0f}" '
                     f'height="{box.h:.0f}" rx="4" fill="{box.fill}" stroke="#333" '
                     'stroke-width="1.2"/>')
        for i, text in enumerate(box.lines):
            weight = ' font-weight="bold"' if box.bold_first and i == 0 else ""
            indent = 12 if text.startswith(" ") else 0  # SVG collapses leading spaces
            parts.append(f'<text x="{box.x + PAD + indent:.0f}" '
                         f'y="{box.y + PAD + (i + 1) * LINE - 4:.0f}"{weight}>'
                         f"{escape(text.strip())}</text>")
    for arrow in d.arrows:
        points = " ".join(f"{x:.0f},{y:.0f}" for x, y in arrow.points)
        parts.append(f'<polyline points="{points}" fill="none" stroke="#333" '
                     'stroke-width="1.2" marker-end="url(#arrow)"/>')
    return "\n".join(parts) + "\n</svg>\n"


def to_png(d: Diagram, scale: float = 2.0) -> bytes:
    """The same diagram as a PNG (Pillow's bundled font), byte-stable for equal input."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (round(d.width * scale), round(d.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=12 * scale)

    def s(value: float) -> float:
        return value * scale

    for heading in d.headings:
        draw.text((s(heading.x), s(heading.y - 11)), heading.text, fill="black", font=font,
                  stroke_width=0)
    for band in d.bands:
        draw.rounded_rectangle((s(6), s(band.y), s(32), s(band.y + band.h)), radius=s(4),
                               fill=BAND_FILL, outline="#5b8db8")
        label = Image.new("RGBA", (round(s(band.h)), round(s(26))), (0, 0, 0, 0))
        ImageDraw.Draw(label).text((s(band.h) / 2, s(13)), band.label, fill="black",
                                   font=font, anchor="mm")
        rotated = label.rotate(90, expand=True)
        image.paste(rotated, (round(s(6)), round(s(band.y))), rotated)
    for box in d.boxes:
        draw.rounded_rectangle((s(box.x), s(box.y), s(box.x + box.w), s(box.y + box.h)),
                               radius=s(4), fill=box.fill, outline="#333", width=2)
        for i, text in enumerate(box.lines):
            indent = 12 if text.startswith(" ") else 0
            draw.text((s(box.x + PAD + indent), s(box.y + PAD + i * LINE + 1)),
                      text.strip().replace("\u00a0", " "), fill="black", font=font)
    for arrow in d.arrows:
        points = [(s(x), s(y)) for x, y in arrow.points]
        draw.line(points, fill="#333", width=2)
        (x1, y1), (x2, y2) = points[-2], points[-1]
        length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1)
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        size = s(7)
        draw.polygon([(x2, y2), (x2 - ux * size - uy * size / 2, y2 - uy * size + ux * size / 2),
                      (x2 - ux * size + uy * size / 2, y2 - uy * size - ux * size / 2)],
                     fill="#333")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def flow_svg(counts: Mapping[str, Any]) -> str:
    return to_svg(layout(counts))


def flow_png(counts: Mapping[str, Any]) -> bytes:
    return to_png(layout(counts))
