"""``results/report.html``: one self-contained page a person reads."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from litreview.core.fileio import csv_rows
from litreview.core.records import Record, slug
from litreview.core.review import Review
from litreview.reporting.citations import Chased, citations_section
from litreview.reporting.coding_section import coding_section

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
nav.contents{background:#f7f7f7;border:1px solid #ddd;padding:.4em 1.2em;margin:1em 0}
nav.contents ol{margin:.3em 0;padding-left:1.4em}nav.contents ol ol{font-size:.92em}
h2 a.top{font-size:.6em;font-weight:normal;margin-left:.8em;color:#666}
ol.references li{margin:.35em 0}
pre{white-space:pre-wrap;background:#f7f7f7;padding:.5em 1em;font-size:.9em}
details{margin:.3em 0}
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
    rows = csv_rows(text)  # each cell as it was before fileio.neutralise
    return (rows[0], rows[1:]) if rows else ([], [])


@dataclass(slots=True)
class _Page:
    """The page's parts, and its headings for the table of contents (level, anchor, text)."""

    parts: list[str] = field(default_factory=list)
    headings: list[tuple[int, str, str]] = field(default_factory=list)

    def heading(self, level: int, text: str, anchor: str = "") -> None:
        """A heading with a unique id: ``anchor`` for a section, else made from the text
        under its section's, so the same label in two sections gets two ids."""
        section = next((a for lv, a, _ in reversed(self.headings) if lv == 2), "")
        anchor = anchor or (f"{section}-{slug(text)}" if section else slug(text))
        taken = {a for _, a, _ in self.headings}
        unique, n = anchor, 1
        while unique in taken:
            n += 1
            unique = f"{anchor}-{n}"
        self.headings.append((level, unique, text))
        top = ' <a class="top" href="#contents">contents</a>' if level == 2 else ""
        self.parts.append(f'<h{level} id="{unique}">{escape(text)}{top}</h{level}>')

    def contents(self) -> str:
        """The table of contents: each section, its subsections nested under it."""
        sections: list[tuple[str, list[str]]] = []
        for level, anchor, text in self.headings:
            link = f'<a href="#{anchor}">{escape(text)}</a>'
            if level == 2:
                sections.append((link, []))
            elif sections:
                sections[-1][1].append(f"<li>{link}</li>")
        items = "".join(f"<li>{link}<ol>{''.join(subs)}</ol></li>" if subs else f"<li>{link}</li>"
                        for link, subs in sections)
        return (f'<nav class="contents" id="contents" aria-label="Contents">'
                f"<strong>Contents</strong><ol>{items}</ol></nav>")


def _authors(names: Sequence[str]) -> str:
    """``A, B, & C``; past twenty names, the first nineteen, an ellipsis and the last (APA)."""
    names = list(names)
    if len(names) > 20:
        return f"{', '.join(names[:19])}, … {names[-1]}"
    if len(names) > 1:
        return f"{', '.join(names[:-1])}, & {names[-1]}"
    return names[0] if names else ""


def _sentence(text: str) -> str:
    """Text ending in one full stop (or the ``?``/``!`` it has)."""
    text = text.strip()
    return text if not text or text.endswith((".", "?", "!")) else f"{text}."


_PAGE_RANGE = re.compile(r"(?<=\d)\s*-+\s*(?=[A-Za-z]?\d)")  # 10-20, e12--e19; not S-12


def reference(record: Record) -> str:
    """One included report as an escaped HTML reference: authors (year). Title. *Journal*,
    volume(issue), pages. DOI (or URL) as a link. Only what the record has."""
    who = escape(_authors(record.authors) or record.title)
    year = escape(record.year or "n.d.")
    parts = [f"{_sentence(who + f' ({year})')}"]
    if record.authors and record.title:
        parts.append(escape(_sentence(record.title)))
    where = [f"<em>{escape(record.journal)}</em>"] if record.journal else []
    if record.volume or record.issue:
        issue = f"({escape(record.issue)})" if record.issue else ""
        where.append(f"<em>{escape(record.volume)}</em>{issue}" if record.volume else issue)
    if record.pages:
        where.append(escape(_PAGE_RANGE.sub("–", record.pages)))
    if where:
        parts.append(_sentence(", ".join(where)))
    link = f"https://doi.org/{record.doi}" if record.doi else record.url
    if link.startswith(("https://", "http://")):
        parts.append(f'<a href="{escape(link, quote=True)}">{escape(link)}</a>')
    return " ".join(parts)


def _reference_key(record: Record) -> tuple[str, str, str, str]:
    first = record.authors[0] if record.authors else record.title
    return (first.casefold(), record.year, record.title.casefold(), record.record_id)


def _references_section(page: _Page, included: Sequence[Record]) -> None:
    """The included reports as a reference list, by first author, year and title; each
    with an anchor ``ref-<record id>``."""
    page.heading(2, "Included studies", "included-studies")
    if not included:
        page.parts.append('<p class="muted">No study is included yet.</p>')
        return
    page.parts.append(f'<p class="muted">{len(included)} included report(s), each with its '
                      "record id (as in the decision sheets and results/screening/"
                      "included.csv).</p>")
    items = "".join(
        f'<li id="ref-{escape(r.record_id, quote=True)}">{reference(r)} '
        f'<span class="muted">[{escape(r.record_id)}]</span></li>'
        for r in sorted(included, key=_reference_key))
    page.parts.append(f'<ol class="references">{items}</ol>')


# --- the page ---------------------------------------------------------------------------

def _summary(counts: Mapping[str, Any]) -> str:
    included = counts["included"]["studies"]
    identified = counts["databases"]["identified"] + counts["other_methods"]["identified"]
    if counts.get("review_type") == "update":
        previous = counts["previous"]
        return (f"<p>An update of the review searched until {escape(previous['searched_until'])}"
                f" ({previous['studies']} studies included then): <strong>{identified}"
                f"</strong> new records identified, <strong>{counts['unique_records']}"
                f"</strong> new after removing duplicates, <strong>{included}</strong> "
                f"new studies included; <strong>{counts['total']['studies']}</strong> "
                "studies in all.</p>")
    return (f"<p><strong>{identified}</strong> records identified, "
            f"<strong>{counts['unique_records']}</strong> after removing duplicates, "
            f"<strong>{included}</strong> studies included.</p>")


def _sources_section(page: _Page, review: Review, counts: Mapping[str, Any],
                     hits: Mapping[str, str]) -> None:
    """Each source with every date it was searched (an update adds one), and its counts."""
    page.heading(2, "Sources searched", "sources")
    rows = []
    for source in review.sources:
        info = counts["per_source"][source.name]
        final = ""
        if source.name in hits:
            _, hit_rows = _csv_rows(hits[source.name])
            final = hit_rows[-1][3] if hit_rows else ""
        rows.append([source.name, source.host or source.kind.replace("_", " "),
                     info.get("searched") or source.searched,
                     info["records"], info.get("set_aside", 0), info["works"],
                     info["only_here"], info["included"], final])
    page.parts.append(_table(["source", "host / kind", "searched", "records",
                              "set aside as unreadable", "works", "found only here",
                              "included", "strategy's final line hits"], rows))


def _searches_section(page: _Page, prisma_s: str) -> None:
    """Each source's search as run (PRISMA-S): where, when, limits, records reported and
    received, the files; each query as sent, in full."""
    header, rows = _csv_rows(prisma_s)
    if not rows:
        return
    at = {name: i for i, name in enumerate(header)}
    page.heading(3, "Searches as run (PRISMA-S)")
    page.parts.append(_table(
        ["source", "platform", "searched", "limits", "records reported", "records received",
         "files"], [[r[at["source"]], r[at["platform"]], r[at["searched"]], r[at["limits"]],
                     r[at["reported"]], r[at["received"]], r[at["files"]]] for r in rows]))
    for row in rows:
        if row[at["query"]]:
            page.parts.append(f"<details><summary>{escape(row[at['source']])}: the search as "
                              f"sent</summary><pre>{escape(row[at['query']])}</pre></details>")


def _awaiting_note(counts: Mapping[str, Any]) -> str:
    """How the records awaiting a decision are counted: an update's flow counts its new
    works; records of the previous version still undecided are carried over, apart."""
    stages = counts["stages"]
    waiting = sum(s["awaiting"] + s["conflict"] for s in stages)
    carried = sum(s.get("carried_over", 0) for s in stages)
    if not waiting:
        return ""
    if counts.get("review_type") != "update":
        return (f'<p class="muted">{waiting} record(s) await a decision; the flow counts '
                "them as screened but not yet excluded or assessed.</p>")
    return (f'<p class="muted">{waiting} record(s) await a decision: {waiting - carried} '
            f"new work(s) of the update, counted in its flow, and {carried} record(s) of the "
            "previous version left undecided, carried over to this version's sheets and not "
            "counted in the update's flow.</p>")


def _screening_section(page: _Page, counts: Mapping[str, Any], agreement: Mapping[str, str],
                       stopping: Sequence[str]) -> None:
    page.heading(2, "Screening stages", "screening")
    stage_rows = [[s["name"], s["entered"], s["automation"], s["included"], s["excluded"],
                   s["not_retrieved"], s["awaiting"] + s["conflict"]] for s in counts["stages"]]
    page.parts.append(_table(["stage", "entered", "excluded by automation", "included",
                              "excluded", "not retrieved", "awaiting"], stage_rows))
    note = _awaiting_note(counts)
    if note:
        page.parts.append(note)
    for text in stopping:
        if text.startswith("Ranked"):
            page.heading(3, "Prioritised screening")
            page.parts.append("".join(f"<p>{escape(line)}</p>" for line in text.splitlines()))
    reason_rows = []
    for stage in counts["stages"]:
        for reason, n in stage["reasons"].items():
            reason_rows.append([stage["name"], reason,
                                counts["exclusion_reasons"].get(reason, reason), n])
    if reason_rows:
        page.heading(3, "Exclusion reasons")
        page.parts.append(_table(["stage", "criterion not met", "its wording", "records"],
                                 reason_rows))
    retrieval_rows = [[stage["name"], note, n] for stage in counts["stages"]
                      for note, n in stage.get("not_retrieved_reasons", {}).items()]
    if retrieval_rows:
        page.heading(3, "Reports not retrieved")
        page.parts.append(_table(["stage", "why", "reports"], retrieval_rows))
    stage_names = {s["id"]: s["name"] for s in counts["stages"]}
    agreement_rows = []
    for text in agreement.values():
        _, rows_ = _csv_rows(text)
        agreement_rows += [[stage_names.get(row[0], row[0]), *row[1:]] for row in rows_]
    if agreement_rows:
        page.heading(3, "Agreement between reviewers")
        page.parts.append(_table(["stage", "reviewer A", "reviewer B", "both decided",
                                  "agreed", "% agreement", "Cohen's kappa"], agreement_rows))


def render_report(review: Review, counts: Mapping[str, Any], flow_svg: str,
                  hits: Mapping[str, str], overlap: str, agreement: Mapping[str, str],
                  stopping: Sequence[str] = (),
                  included: Sequence[Record] | None = None,
                  coding: Mapping[str, str] | None = None, prisma_s: str = "",
                  citations: Chased | None = None) -> str:
    """The report page; every figure comes from the files passed in. ``included``, the
    included reports, makes the reference list; ``coding``, the files of
    ``results/robustness`` by name, the section on the coding by the review's form;
    ``citations``, the records citation chasing found, each with its included study."""
    page = _Page()
    _sources_section(page, review, counts, hits)
    _searches_section(page, prisma_s)
    page.heading(2, "PRISMA 2020 flow", "flow")
    page.parts.append(f"<figure>{flow_svg}</figure>")
    _screening_section(page, counts, agreement, stopping)
    header, overlap_rows = _csv_rows(overlap)
    if overlap_rows:
        page.heading(2, "Overlap between sources", "overlap")
        page.parts.append('<p class="muted">Works each source shares with each other source; '
                          "the diagonal is the source's own works.</p>")
        page.parts.append(_table(header, overlap_rows))
    if coding:
        coding_section(page.heading, page.parts, _table, coding)
    if included is not None:
        _references_section(page, included)
    if citations is not None:
        citations_section(page.heading, page.parts, _table, citations)
    page.heading(2, "Search history", "search-history")
    for name, text in hits.items():
        header, rows_ = _csv_rows(text)
        page.heading(3, name)
        page.parts.append(_table(header, rows_))
    body = "\n".join([f"<h1>{escape(review.title)}</h1>",
                      f'<p class="question">{escape(review.question)}</p>', _summary(counts),
                      page.contents(), *page.parts])
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(review.title)}</title><style>{STYLE}</style></head>"
            f"<body>\n{body}\n</body></html>\n")
