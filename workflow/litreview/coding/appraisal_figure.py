"""The appraisal of the studies drawn as robvis draws a risk-of-bias assessment: a
traffic-light grid (a study a row, a criterion a column, each judgement a coloured dot)
and a summary of stacked bars (for each criterion, the share of studies per judgement).

Plain SVG, deterministic, every text escaped. The judgements are the values of the
criteria's fields (yes / no / can't tell, high / medium / low...), coloured by their
place in the field's list of values: the first the best (green), the last the worst
(red), what lies between amber; an empty value is grey ("not assessed").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from litreview.coding.form import Field

_GREEN, _AMBER, _RED, _GREY = "#3a8a4f", "#e0a030", "#c0392b", "#b8bec6"
FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="12"'


def judgement_colour(field: Field, value: str) -> str:
    """The colour of ``value`` among the field's judgements (best first)."""
    values = [v.casefold() for v in field.choices]
    if not value or value.casefold() not in values:
        return _GREY
    at = values.index(value.casefold())
    if at == 0:
        return _GREEN
    return _RED if at == len(values) - 1 else _AMBER


def traffic_lights(criteria: Sequence[Field], studies: Sequence[tuple[str, Mapping[str, str]]],
                   *, label_width: int = 220, cell: int = 26) -> str:
    """A row per study (its label, then a dot per criterion), a column per criterion."""
    top = 150  # room above for the slanted criteria
    width = label_width + cell * len(criteria) + 130  # room for the slanted labels
    height = top + cell * len(studies) + 10
    parts = [_open(width, height, "Appraisal of each study")]
    for c, field in enumerate(criteria):
        x = label_width + c * cell + cell / 2
        parts.append(f'<text transform="translate({x:.1f},{top - 8}) rotate(-55)">'
                     f'{escape(_short(field.title, 24))}</text>')
    for s, (label, coding) in enumerate(studies):
        y = top + s * cell + cell / 2
        parts.append(f'<text x="{label_width - 8}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(_short(label, 34))}</text>')
        for c, field in enumerate(criteria):
            value = coding.get(field.id, "")
            x = label_width + c * cell + cell / 2
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{cell / 2 - 3}" '
                         f'fill="{judgement_colour(field, value)}">'
                         f'<title>{escape(field.title)}: {escape(value or "not assessed")}'
                         '</title></circle>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def stacked_bars(criteria: Sequence[Field], studies: Sequence[Mapping[str, str]], *,
                 label_width: int = 260, bar_width: int = 360) -> str:
    """For each criterion, a bar split by the share of studies given each judgement."""
    bar_h, gap, top = 18, 8, 28
    height = top + len(criteria) * (bar_h + gap) + 58
    parts = [_open(label_width + bar_width + 20, height, "Appraisal summary")]
    n = len(studies) or 1
    for c, field in enumerate(criteria):
        y = top + c * (bar_h + gap)
        parts.append(f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">'
                     f'{escape(_short(field.title, 42))}</text>')
        x = float(label_width)
        for value, count in _shares(field, studies):
            w = bar_width * count / n
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{judgement_colour(field, value)}"><title>'
                         f'{escape(value or "not assessed")}: {count} of {len(studies)}'
                         '</title></rect>')
            x += w
    axis = top + len(criteria) * (bar_h + gap) + 12
    for pct in (0, 25, 50, 75, 100):
        x = label_width + bar_width * pct / 100
        parts.append(f'<text x="{x:.1f}" y="{axis}" text-anchor="middle">{pct}%</text>')
    if criteria:  # the judgements of the first criterion, as a key
        x = float(label_width)
        for value in (*criteria[0].choices, ""):
            parts.append(f'<rect x="{x:.1f}" y="{axis + 12}" width="12" height="12" '
                         f'fill="{judgement_colour(criteria[0], value)}"/>')
            parts.append(f'<text x="{x + 16:.1f}" y="{axis + 22}">'
                         f'{escape(value or "not assessed")}</text>')
            x += 24 + 7 * len(value or "not assessed")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def appraisal_svg(criteria: Sequence[Field],
                  studies: Sequence[tuple[str, Mapping[str, str]]]) -> str:
    """Both drawings in one figure: the summary bars above the traffic lights."""
    bars = stacked_bars(criteria, [coding for _, coding in studies])
    lights = traffic_lights(criteria, studies)
    (w1, h1), (w2, h2) = _size(bars), _size(lights)
    width, height = max(w1, w2), h1 + 20 + h2
    return (f'{_open(width, height, "Appraisal of the studies")}\n'
            f'{bars}<g transform="translate(0,{h1 + 20:.0f})">\n{lights}</g>\n</svg>\n')


def _size(svg: str) -> tuple[float, float]:
    """The width and height an SVG of this module declares."""
    import re

    found = re.search(r'width="([0-9.]+)" height="([0-9.]+)"', svg)
    assert found is not None
    return float(found.group(1)), float(found.group(2))


def _shares(field: Field, studies: Sequence[Mapping[str, str]]) -> list[tuple[str, int]]:
    """Each judgement's count, best first, then other values, then not assessed."""
    counts: dict[str, int] = {}
    for coding in studies:
        value = coding.get(field.id, "")
        known = next((v for v in field.choices if v.casefold() == value.casefold()), value)
        counts[known] = counts.get(known, 0) + 1
    order = [v for v in field.choices if v in counts]
    order += [v for v in counts if v and v not in order]
    order += [""] if "" in counts else []
    return [(v, counts[v]) for v in order]


def _open(width: float, height: float, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" {FONT} '
            f'role="img" aria-label="{escape(label)}">')


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
