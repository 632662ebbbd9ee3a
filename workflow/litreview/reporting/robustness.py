"""How much can the evidence bear? The coding of the included studies, summarised.

Each included study is coded in ``screening/extraction.csv``. Its robustness level follows
the four-level typology of project evidence used in reviews of leadership for closing the
gap (Research / Evaluation / Monitoring / Description, CUREE 2010 Table 10), by explicit
rules on the coded fields, first match wins:

* Research — relevant evidence from two or more sources, most of it specific to the study
  (``project_specific: most``), triangulated, with a before-and-after comparison;
* Evaluation — at least three kinds of evidence from two or more sources, some of it
  developed or adapted for the study (``some`` or ``most``), tracking changes in
  leadership practice;
* Monitoring — evidence from up to two sources and no evidence about leadership and its
  development;
* Description — virtually no evidence supporting the claims of outcomes (no kind of
  evidence reported).

A study that fits none of these (say, two kinds of evidence that do track leadership) is
"Unclassified" until a reviewer sets its level; a reviewer may override any level, always
with a recorded reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from litreview.core.contracts import STUDIES_COLUMNS
from litreview.core.errors import Problem, raise_if
from litreview.core.fileio import csv_text
from litreview.core.schema import load_schema
from litreview.core.sheets import read_table

LEVELS = ("Research", "Evaluation", "Monitoring", "Description")
UNCLASSIFIED = "Unclassified"
MULTI = ("evidence_kinds", "focus", "setting", "outcomes_measured")
#: The characteristics summarised, with the label a reader sees.
CHARACTERISTICS = (
    ("robustness", "Robustness of evidence"),
    ("design", "Design"),
    ("evidence_kinds", "Kinds of evidence"),
    ("focus", "Focus of the leadership studied"),
    ("vulnerable_group", "Specific vulnerable group"),
    ("outcomes_measured", "Outcomes for children and young people reported"),
    ("narrowing_gap", "Refers specifically to narrowing the gap"),
    ("effective_features", "Reports effective features of leadership"),
    ("pre_post", "Before-and-after comparison"),
    ("triangulated", "Evidence triangulated"),
    ("country", "Country"),
    ("setting", "Setting"),
    ("year", "Year of publication"),
)


_NONE = {"outcomes_measured": "none reported", "vulnerable_group": "none specific",
         "evidence_kinds": "no evidence reported", "setting": "not stated"}


@dataclass(frozen=True, slots=True)
class Study:
    record_id: str
    title: str
    year: str
    coding: dict[str, str]
    level: str
    rule: str  # why this level
    overridden: bool = False

    def values(self, field: str) -> list[str]:
        if field == "robustness":
            return [self.level]
        if field == "year":
            return [self.year] if self.year else []
        value = self.coding.get(field, "")
        if field in MULTI:
            return [v.strip() for v in value.split(";") if v.strip()]
        return [value] if value else []


def classify(coding: Mapping[str, str]) -> tuple[str, str]:
    """The robustness level by the typology's rules, and the rule that decided it."""
    kinds = [k for k in coding.get("evidence_kinds", "").split(";") if k.strip()]
    sources = int(coding.get("evidence_sources") or 0)
    specific = coding.get("project_specific", "")

    def yes(field: str) -> bool:
        return coding.get(field, "") == "yes"

    if sources >= 2 and specific == "most" and yes("triangulated") and yes("pre_post"):
        return "Research", ("two or more sources, most of the evidence specific to the study, "
                            "triangulated, before-and-after comparison")
    if len(kinds) >= 3 and sources >= 2 and specific in ("some", "most") \
            and yes("tracks_leadership"):
        return "Evaluation", ("three or more kinds of evidence from two or more sources, some "
                              "specific to the study, tracking leadership practice")
    if not kinds:
        return "Description", "no evidence supporting the claims"
    if sources <= 2 and not yes("tracks_leadership"):
        return "Monitoring", "evidence from up to two sources, none about leadership"
    return UNCLASSIFIED, ("fits no level of the typology: a reviewer sets it "
                          "(robustness_override, with a reason)")


def _consistency(coding: Mapping[str, str]) -> str:
    """Why the evidence fields contradict each other, or empty."""
    kinds = [k for k in coding.get("evidence_kinds", "").split(";") if k.strip()]
    sources = coding.get("evidence_sources", "")
    if not sources.isdigit():
        return ""  # the schema reports it
    if kinds and int(sources) == 0:
        return f"{len(kinds)} kind(s) of evidence from 0 sources"
    if not kinds and int(sources) > 0:
        return f"{sources} source(s) of evidence but no kind of evidence named"
    return ""


@dataclass(frozen=True, slots=True)
class Extraction:
    """The coding sheet read against the included studies."""

    studies: list[Study]  # coded included studies, in the order of ``included``
    awaiting: list[str]  # included studies not coded yet
    not_included: list[tuple[str, int]]  # coded rows of studies no longer included, line
    warnings: tuple[Problem, ...] = ()  # said on reading the sheet (a legacy encoding, say)


def per_study(included: Mapping[str, tuple[str, str]], aliases: Mapping[str, str],
              study_of: Mapping[str, str]) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The included reports folded into studies, each coded once: a study goes by its first
    report's id, and any id of any of its reports names it."""
    first: dict[str, str] = {}
    for rid in included:
        first.setdefault(study_of.get(rid, rid), rid)
    key = {rid: first[study_of.get(rid, rid)] for rid in included}
    return ({k: included[k] for k in first.values()},
            {member: key.get(group, group) for member, group in aliases.items()})


def read_extraction(path: str | Path, included: Mapping[str, tuple[str, str]],
                    aliases: Mapping[str, str]) -> Extraction:
    """The coded included studies, those awaiting coding, and rows set aside.

    ``included`` maps each included study's id to (title, year); ``aliases`` maps any
    member id of a duplicate group to the group's id. The coding sheet may be CSV or XLSX.
    Every row is checked against the extraction schema; problems name the file and line.
    A row for a record that was screened out after it was coded is kept in the sheet and
    listed, not counted.
    """
    import jsonschema

    schema = load_schema("extraction")
    properties = schema["properties"]
    validator = jsonschema.Draft202012Validator(schema)
    table = read_table(path)
    problems: list[Problem] = []
    unknown = table.unknown(properties)
    if unknown:
        problems.append(Problem(table.path, f"unknown column(s) {', '.join(unknown)}",
                                table.header_line, hint=f"columns: {', '.join(properties)}"))
    studies: dict[str, Study] = {}
    not_included: list[tuple[str, int]] = []
    for row in table:
        line = row.line
        coding = {column: row[column] for column in table.header if column in properties}
        invalid = [Problem(table.path, f"{'.'.join(map(str, e.path)) or 'row'}: {e.message}",
                           line) for e in validator.iter_errors(
            {k: v for k, v in coding.items() if v != "" or k in schema["required"]})]
        if invalid:  # the rules cannot be applied to a row the schema refuses
            problems += invalid
            continue
        conflict = _consistency(coding)
        if conflict:
            problems.append(Problem(table.path, conflict, line,
                                    hint="correct evidence_kinds or evidence_sources"))
        rid = aliases.get(coding.get("record_id", ""), coding.get("record_id", ""))
        if rid in aliases.values() and rid not in included:
            not_included.append((rid, line))
        elif rid not in included:
            problems.append(Problem(table.path, f"'{coding.get('record_id')}' is not an "
                                    "included study", line,
                                    hint="code only records in results/screening/included.csv"))
        elif rid in studies:
            problems.append(Problem(table.path, f"'{rid}' is coded twice", line))
        else:
            if coding.get("robustness_override") and not coding.get("override_reason"):
                problems.append(Problem(table.path, "robustness_override without an "
                                        "override_reason", line, hint="say why"))
            studies[rid] = _study(rid, coding, included[rid])
    raise_if(problems)
    return Extraction([studies[r] for r in included if r in studies],
                      [r for r in included if r not in studies], not_included, table.warnings)


def _study(rid: str, coding: dict[str, str], title_year: tuple[str, str]) -> Study:
    """A coded study at the level the rules give, or at the level a reviewer set instead
    (an override that agrees with the rules overrides nothing)."""
    override = coding.get("robustness_override", "")
    level, rule = classify(coding)
    if override == level:
        override = ""
    if override:
        rule = f"overridden from {level}: {coding.get('override_reason', '')}"
        level = override
    title, year = title_year
    return Study(rid, title, year, coding, level, rule, bool(override))


# --- summaries ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SummaryTable:
    field: str
    label: str
    rows: tuple[tuple[str, int], ...]
    total: int
    multi: bool

    def percent(self, n: int) -> float:
        return 100.0 * n / self.total if self.total else 0.0


def tables(studies: Sequence[Study]) -> list[SummaryTable]:
    out = []
    for field, label in CHARACTERISTICS:
        counts: Counter[str] = Counter()
        for study in studies:
            values = study.values(field)
            if not values:
                values = [_NONE.get(field, "not coded")]
            counts.update(dict.fromkeys(values, 1))
        if field == "robustness":
            rows = tuple((level, counts[level]) for level in LEVELS)
            rows += ((UNCLASSIFIED, counts[UNCLASSIFIED]),) if counts[UNCLASSIFIED] else ()
        elif field == "year":
            rows = tuple(sorted(counts.items()))
        else:
            rows = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append(SummaryTable(field, label, rows, len(studies), field in MULTI))
    return out


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:.0f}%" if total else "0%"


def narrative(studies: Sequence[Study], awaiting: Sequence[str]) -> list[str]:
    """A few sentences generated from the numbers, in the manner of a review's A1.3."""
    n = len(studies)
    if not n:
        return ["No included study has been coded yet."]

    def count(field: str, test: object = "yes") -> int:
        return sum(1 for s in studies if (s.coding.get(field, "") == test if isinstance(
            test, str) else bool(s.values(field))))

    levels = Counter(s.level for s in studies)
    sentences = [
        f"{n} included {'study was' if n == 1 else 'studies were'} coded"
        + (f"; {len(awaiting)} await coding." if awaiting else "."),
        f"{count('narrowing_gap')} ({_pct(count('narrowing_gap'), n)}) refer specifically "
        "to narrowing the gap.",
        f"{count('outcomes_measured', None)} ({_pct(count('outcomes_measured', None), n)}) "
        "report outcomes for children and young people.",
        f"{count('effective_features')} ({_pct(count('effective_features'), n)}) report "
        "effective features of leadership.",
    ]
    groups = Counter(v for s in studies for v in s.values("vulnerable_group"))
    if groups:
        listed = ", ".join(f"{g} ({k})" for g, k in sorted(groups.items()))
        k = sum(groups.values())
        sentences.append(f"{k} focus{'es' if k == 1 else ''} on a specific vulnerable group: "
                         f"{listed}.")
    else:
        sentences.append("None focuses on a specific vulnerable group.")
    focus = Counter(v for s in studies for v in s.values("focus"))
    if focus:
        top, k = max(sorted(focus.items()), key=lambda kv: kv[1])
        sentences.append(f"The most common focus is {top} ({k} of {n}; more than one focus "
                         "may apply).")
    sentences.append("By robustness of evidence: " + ", ".join(
        f"{level} {levels[level]} ({_pct(levels[level], n)})" for level in LEVELS) + ".")
    if levels[UNCLASSIFIED]:
        k = levels[UNCLASSIFIED]
        sentences.append(f"{k} fit{'s' if k == 1 else ''} no level of the typology and "
                         f"await{'s' if k == 1 else ''} a reviewer's judgement.")
    overridden = sum(s.overridden for s in studies)
    if overridden:
        sentences.append(f"{overridden} level{'s were' if overridden > 1 else ' was'} set by a "
                         "reviewer, with the reason recorded.")
    return sentences


def summary_csv(table_list: Sequence[SummaryTable]) -> str:
    return csv_text(["characteristic", "value", "studies", "percent", "of", "more_than_one"],
                    [[table.label, value, n, f"{table.percent(n):.1f}", table.total,
                      "yes" if table.multi else "no"]
                     for table in table_list for value, n in table.rows])


#: The columns of ``results/robustness/studies.csv``.


def studies_csv(studies: Sequence[Study]) -> str:
    return csv_text(STUDIES_COLUMNS, [[s.record_id, s.year, s.title, s.level, s.rule,
                                       "yes" if s.overridden else "no"] for s in studies])


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~$])")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


def markdown_text(value: str) -> str:
    """``value`` shown as written in Markdown: characters that would make emphasis, code,
    links, HTML, entities, maths or a table cell's end are backslash-escaped (CommonMark
    and GitHub tables read ``\\|`` as a ``|``), and a line break becomes a space."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAK.sub(" ", value))


def markdown_plain(text: str) -> str:
    """The text :func:`markdown_text` escaped (for a reader of summary.md, such as the report)."""
    return re.sub(r"\\([\\`*_\[\]<>&|~$])", r"\1", text)


def summary_markdown(table_list: Sequence[SummaryTable], studies: Sequence[Study],
                     awaiting: Sequence[str],
                     not_included: Sequence[tuple[str, int]] = ()) -> str:
    lines = ["# Extent and robustness of the evidence", ""]
    lines += [markdown_text(" ".join(narrative(studies, awaiting))), ""]
    for table in table_list:
        lines += [f"## {table.label}", ""]
        if table.multi:
            lines += ["More than one may apply, so percentages need not total 100.", ""]
        lines += ["| | studies | per cent |", "| --- | ---: | ---: |"]
        lines += [f"| {markdown_text(value)} | {n} | {table.percent(n):.1f} |"
                  for value, n in table.rows]
        lines += [f"| *all coded studies* | {table.total} | |", ""]
    lines += ["## Robustness of each study", "",
              "| study | year | level | why |", "| --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(markdown_text(v) for v in (s.title, s.year, s.level, s.rule))
              + " |" for s in studies]
    if awaiting:
        lines += ["", "Awaiting coding: " + markdown_text(", ".join(awaiting))]
    if not_included:
        lines += ["", "Coded, but no longer included, so not counted: " + markdown_text(
            ", ".join(f"{rid} (line {line})" for rid, line in not_included))]
    return "\n".join(lines) + "\n"


def bar_chart_svg(table: SummaryTable, width: int = 560) -> str:
    """A horizontal bar chart of one table, drawn as plain SVG."""
    bar_h, gap, label_w = 18, 6, 250
    height = len(table.rows) * (bar_h + gap) + 30
    scale = (width - label_w - 60) / max((n for _, n in table.rows), default=1) if \
        table.rows and max(n for _, n in table.rows) else 0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
             f'font-size="12" role="img" aria-label="{escape(table.label)}">',
             f'<text x="0" y="14" font-weight="bold">{escape(table.label)}</text>']
    for i, (value, n) in enumerate(table.rows):
        y = 24 + i * (bar_h + gap)
        label = value if len(value) <= 40 else value[:39] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{n * scale:.1f}" height="{bar_h}" '
                     'fill="#5b8db8"/>')
        parts.append(f'<text x="{label_w + n * scale + 6:.1f}" y="{y + 13}">{n} '
                     f'({table.percent(n):.0f}%)</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
