"""``results/report.html``: one self-contained page a person reads."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from litreview.review import Review

STYLE = """
body{font-family:Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#f2f2f2}td.n{text-align:right}
.question{font-style:italic}.muted{color:#666}
figure{margin:1em 0;width:calc(100vw - 3em);position:relative;left:50%;
transform:translateX(-50%)}figure svg{display:block;margin:auto;max-width:100%;height:auto}
.pair{display:flex;gap:2em;align-items:flex-start;flex-wrap:wrap}.chart svg{max-width:100%}
"""


def _is_number(value: object) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and
                                      value.replace(".", "", 1).isdigit())


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{escape(str(v))}</td>' if _is_number(v)
            else f"<td>{escape(str(v))}</td>"
            for v in row) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _csv_rows(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return (rows[0], rows[1:]) if rows else ([], [])


def _robustness_section(files: Mapping[str, str]) -> list[str]:
    """Narrative, tables with bar charts, and each study's level."""
    parts = ["<h2>Extent and robustness of the evidence</h2>"]
    markdown = files.get("summary.md", "").splitlines()
    narrative = next((line for line in markdown[1:] if line.strip()), "")
    parts.append(f"<p>{escape(narrative)}</p>")
    _, rows = _csv_rows(files.get("summary.csv", ""))
    charts = files.get("charts.html", "").split("</svg>")
    by_label: dict[str, list[list[str]]] = {}
    for row in rows:
        by_label.setdefault(row[0], []).append(row)
    for i, (label, table_rows) in enumerate(by_label.items()):
        note = " (more than one may apply)" if table_rows[0][5] == "yes" else ""
        parts.append(f"<h3>{escape(label)}{note}</h3>")
        parts.append('<div class="pair">')
        parts.append(_table(["", "studies", "per cent"],
                            [[r[1], r[2], r[3]] for r in table_rows]))
        if i < len(charts) and charts[i].strip():
            parts.append(f'<div class="chart">{charts[i]}</svg></div>')
        parts.append("</div>")
    _, studies = _csv_rows(files.get("studies.csv", ""))
    if studies:
        parts.append("<h3>Robustness of each included study</h3>")
        parts.append(_table(["study", "year", "title", "level", "why"],
                            [row[:5] for row in studies]))
    return parts


def render_report(review: Review, counts: Mapping[str, Any], flow_svg: str,
                  hits: Mapping[str, str], overlap: str, agreement: Mapping[str, str],
                  robustness: Mapping[str, str] | None = None,
                  stopping: Sequence[str] = ()) -> str:
    """The report page; every figure comes from the files passed in."""
    parts = [f"<h1>{escape(review.title)}</h1>",
             f'<p class="question">{escape(review.question)}</p>']
    included = counts["included"]["studies"]
    identified = counts["databases"]["identified"] + counts["other_methods"]["identified"]
    if counts.get("review_type") == "update":
        previous = counts["previous"]
        parts.append(f"<p>An update of the review searched until {previous['searched_until']}"
                     f" ({previous['studies']} studies included then): <strong>{identified}"
                     f"</strong> new records identified, <strong>{counts['unique_records']}"
                     f"</strong> new after removing duplicates, <strong>{included}</strong> "
                     f"new studies included; <strong>{counts['total']['studies']}</strong> "
                     "studies in all.</p>")
    else:
        parts.append(f"<p><strong>{identified}</strong> records identified, "
                     f"<strong>{counts['unique_records']}</strong> after removing duplicates, "
                     f"<strong>{included}</strong> studies included.</p>")
    parts.append("<h2>Sources searched</h2>")
    rows = []
    for source in review.sources:
        info = counts["per_source"][source.name]
        final = ""
        if source.name in hits:
            _, hit_rows = _csv_rows(hits[source.name])
            final = hit_rows[-1][3] if hit_rows else ""
        rows.append([source.name, source.host or source.kind.replace("_", " "), source.searched,
                     info["records"], info.get("set_aside", 0), info["works"],
                     info["only_here"], info["included"], final])
    parts.append(_table(["source", "host / kind", "searched", "records",
                         "set aside as unreadable", "works", "found only here", "included",
                         "strategy's final line hits"], rows))
    parts.append("<h2>PRISMA 2020 flow</h2>")
    parts.append(f"<figure>{flow_svg}</figure>")
    parts.append("<h2>Screening stages</h2>")
    stage_rows = [[s["name"], s["entered"], s["automation"], s["included"], s["excluded"],
                   s["not_retrieved"], s["awaiting"] + s["conflict"]] for s in counts["stages"]]
    parts.append(_table(["stage", "entered", "excluded by automation", "included", "excluded",
                         "not retrieved", "awaiting"], stage_rows))
    for text in stopping:
        if text.startswith("Ranked"):
            parts.append("<h3>Prioritised screening</h3>")
            parts.append("".join(f"<p>{escape(line)}</p>" for line in text.splitlines()))
    reason_rows = []
    for stage in counts["stages"]:
        for reason, n in stage["reasons"].items():
            reason_rows.append([stage["name"], reason,
                                counts["exclusion_reasons"].get(reason, reason), n])
    if reason_rows:
        parts.append("<h3>Exclusion reasons</h3>")
        parts.append(_table(["stage", "criterion not met", "its wording", "records"],
                            reason_rows))
    retrieval_rows = [[stage["name"], note, n] for stage in counts["stages"]
                      for note, n in stage.get("not_retrieved_reasons", {}).items()]
    if retrieval_rows:
        parts.append("<h3>Reports not retrieved</h3>")
        parts.append(_table(["stage", "why", "reports"], retrieval_rows))
    agreement_rows = []
    for text in agreement.values():
        _, rows_ = _csv_rows(text)
        stage_names = {s["id"]: s["name"] for s in counts["stages"]}
        agreement_rows += [[stage_names.get(row[0], row[0]), *row[1:]] for row in rows_]
    if agreement_rows:
        parts.append("<h3>Agreement between reviewers</h3>")
        parts.append(_table(["stage", "reviewer A", "reviewer B", "both decided", "agreed",
                             "% agreement", "Cohen's kappa"], agreement_rows))
    header, overlap_rows = _csv_rows(overlap)
    if overlap_rows:
        parts.append("<h2>Overlap between sources</h2>")
        parts.append('<p class="muted">Works each source shares with each other source; '
                     "the diagonal is the source's own works.</p>")
        parts.append(_table(header, overlap_rows))
    if robustness:
        parts += _robustness_section(robustness)
    parts.append("<h2>Search history</h2>")
    for name, text in hits.items():
        header, rows_ = _csv_rows(text)
        parts.append(f"<h3>{escape(name)}</h3>")
        parts.append(_table(header, rows_))
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(review.title)}</title><style>{STYLE}</style></head>"
            f"<body>\n{body}\n</body></html>\n")
