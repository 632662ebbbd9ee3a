"""The appraisal figure (robvis-style): traffic lights and stacked bars, coloured by the
judgement's place among the field's values, every text escaped, the same bytes each time."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from litreview.coding import Field
from litreview.coding.appraisal_figure import judgement_colour, stacked_bars, traffic_lights

SVG = "{http://www.w3.org/2000/svg}"
CLEAR = Field("clear_aims", "one_of", "Clear statement of aims", values=("yes", "can't tell",
                                                                         "no"))
ETHICS = Field("ethics", "one_of", "Ethical issues <considered>",
               values=("yes", "can't tell", "no"))
STUDIES = [("Smith 2004 <b>", {"clear_aims": "yes", "ethics": "no"}),
           ("Jones 2006", {"clear_aims": "can't tell", "ethics": ""}),
           ("Brown 2007", {"clear_aims": "Yes", "ethics": "yes"})]


def test_colours_follow_the_order_of_the_values():
    assert [judgement_colour(CLEAR, v) for v in ("yes", "YES", "can't tell", "no", "", "?")] \
        == ["#3a8a4f", "#3a8a4f", "#e0a030", "#c0392b", "#b8bec6", "#b8bec6"]


def test_traffic_lights_draw_a_dot_per_study_and_criterion():
    svg = traffic_lights([CLEAR, ETHICS], STUDIES)
    root = ET.fromstring(svg)  # well-formed: the labels' markup is escaped
    dots = root.findall(f"{SVG}circle")
    assert len(dots) == 6
    assert [d.get("fill") for d in dots[:2]] == ["#3a8a4f", "#c0392b"]
    assert dots[3].find(f"{SVG}title").text == "Ethical issues <considered>: not assessed"
    assert "Smith 2004 &lt;b&gt;" in svg and svg == traffic_lights([CLEAR, ETHICS], STUDIES)


def test_stacked_bars_split_each_criterion_by_judgement():
    root = ET.fromstring(stacked_bars([CLEAR, ETHICS], [c for _, c in STUDIES]))
    bars = [r for r in root.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    titles = [b.find(f"{SVG}title").text for b in bars]
    assert titles == ["yes: 2 of 3", "can't tell: 1 of 3",
                      "yes: 1 of 3", "no: 1 of 3", "not assessed: 1 of 3"]
    widths = [float(b.get("width")) for b in bars]
    assert round(sum(widths[:2])) == 360 and round(sum(widths[2:])) == 360
    key = [t.text for t in root.findall(f"{SVG}text")][-4:]
    assert key == ["yes", "can't tell", "no", "not assessed"]
