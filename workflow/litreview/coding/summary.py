"""The coding summarised for a reader (``results/robustness/summary.md`` and
``studies.csv``): a few sentences made from the numbers, the form's tables, each study's
level in each typology with why, and the records still awaiting an agreed coding or set
aside. Every word comes from the form: its labels, its levels, its values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from litreview.coding.form import Form
from litreview.coding.tables import CountTable, CrossTable, table_markdown
from litreview.coding.typology import Classified
from litreview.core.text import markdown_text


@dataclass(frozen=True, slots=True)
class CodedStudy:
    """One study's agreed coding, with its level in each typology."""

    record_id: str
    year: str
    title: str
    values: dict[str, str]  # each field, and each typology's level under its id
    levels: dict[str, Classified]


@dataclass(frozen=True, slots=True)
class SetAside:
    """A row of a coding sheet for a record the form no longer codes (screened out after it
    was coded): kept in the sheet, listed, not counted."""

    record_id: str
    file: str
    line: int


def _share(count: int, n: int) -> str:
    return f"{count} ({100.0 * count / n:.0f}%)" if n else str(count)


def narrative(form: Form, studies: Sequence[CodedStudy], awaiting: int = 0) -> list[str]:
    """Sentences from the numbers: how many studies were coded, each typology's levels and
    the levels a coder set, and how many have each yes/no field of the form's tables."""
    n = len(studies)
    if not n:
        return ["No study has an agreed coding yet" + (f"; {awaiting} await one." if awaiting
                                                       else ".")]
    said = [f"{n} stud{'y was' if n == 1 else 'ies were'} coded"
            + (f"; {awaiting} await an agreed coding." if awaiting else ".")]
    for typology in form.typologies:
        levels = Counter(s.levels[typology.id].level for s in studies)
        named = [level.level for level in typology.levels]
        named += [level for level in sorted(levels) if level not in named]
        label = typology.label or typology.id
        said.append(f"By {label[:1].lower()}{label[1:]}: " + ", ".join(
            f"{level} {_share(levels[level], n)}" for level in named if levels[level]) + ".")
        overridden = sum(s.levels[typology.id].overridden for s in studies)
        if overridden:
            said.append(f"{overridden} of these level{'s were' if overridden > 1 else ' was'} "
                        "set by a coder, with the reason recorded.")
    tabled = {t.field for t in form.tables if t.field}
    for field in form.fields:
        if field.type == "yes_no" and (not form.tables or field.id in tabled):
            yes = sum(s.values.get(field.id, "") == "yes" for s in studies)
            said.append(f"{field.title}: yes in {_share(yes, n)}.")
    return said


def summary_markdown(form: Form, tables: Sequence[CountTable | CrossTable],
                     studies: Sequence[CodedStudy], awaiting: Sequence[str] = (),
                     set_aside: Sequence[SetAside] = ()) -> str:
    """The summary: a title, the narrative, each table, each study's levels, and what
    awaits or was set aside."""
    n = len(studies)
    title = form.title or f"Coding of {n} stud{'y' if n == 1 else 'ies'}"
    lines = [f"# {markdown_text(title)}", "",
             markdown_text(" ".join(narrative(form, studies, len(awaiting)))), ""]
    lines += [table_markdown(t) for t in tables]
    for typology in form.typologies:
        if not studies:
            break
        lines += [f"## {markdown_text(typology.label or typology.id)}: each study", "",
                  "| study | year | level | why |", "| --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(markdown_text(v) for v in (
            s.title or s.record_id, s.year, s.levels[typology.id].level,
            _why(s.levels[typology.id]))) + " |" for s in studies]
        lines.append("")
    if awaiting:
        lines += ["Awaiting an agreed coding, not counted: "
                  + markdown_text(", ".join(awaiting)), ""]
    if set_aside:
        lines += ["Coded, but no longer coded here (screened out since), so not counted: "
                  + markdown_text(", ".join(f"{s.record_id} ({s.file}:{s.line})"
                                            for s in set_aside)), ""]
    return "\n".join(lines).rstrip() + "\n"


def _why(level: Classified) -> str:
    if level.overridden and level.computed != level.level:
        return f"set by a coder (the rules give {level.computed}): {level.because}"
    return f"set by a coder: {level.because}" if level.overridden else level.because


def studies_table(form: Form, studies: Sequence[CodedStudy]
                  ) -> tuple[list[str], list[list[str]]]:
    """``studies.csv``: each study's id, year, title, every field, and for each typology
    its level, why, and whether a coder set it."""
    fields = [f.id for f in form.fields]
    header = ["record_id", "year", "title", *fields,
              *[c for t in form.typologies for c in (t.id, f"{t.id}_because",
                                                     f"{t.id}_overridden")]]
    rows = [[s.record_id, s.year, s.title, *(s.values.get(f, "") for f in fields),
             *[v for t in form.typologies for v in _level_cells(s.levels[t.id])]]
            for s in studies]
    return header, rows


def _level_cells(level: Classified) -> tuple[str, str, str]:
    return level.level, _why(level), "yes" if level.overridden else ""


def appraisal_labels(studies: Sequence[CodedStudy]) -> list[tuple[str, Mapping[str, str]]]:
    """Each study's label in the appraisal figure (its title shortened, its year)."""
    return [(f"{s.title[:30]} ({s.year})" if s.year else s.title[:30], s.values)
            for s in studies]
