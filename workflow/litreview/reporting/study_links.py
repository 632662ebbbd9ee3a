"""``screening/studies.csv`` (:data:`litreview.core.paths.STUDIES_SHEET`): the included
reports that tell of one study, so that the study is counted, and coded, once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.core.sheets import read_table


@dataclass(frozen=True, slots=True)
class StudyLinks:
    """Each report's study, by the report's group id, and what was said on reading the
    sheet (a legacy encoding, say)."""

    study_of: dict[str, str]
    warnings: tuple[Problem, ...] = ()


def read_studies_sheet(path: str | Path, aliases: Mapping[str, str]) -> StudyLinks:
    """The studies sheet (``record_id, study_id``; CSV or XLSX), with its warnings.

    Any member id of a duplicate group may be used; the result maps the group's id to its
    study. A record listed twice, or unknown, is a located error.
    """
    table = read_table(path, required=("record_id", "study_id"),
                       hint="columns: record_id, study_id")
    problems: list[Problem] = []
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for row in table:
        rid, study, line = row["record_id"], row["study_id"], row.line
        if rid not in aliases:
            problems.append(Problem(table.path, f"unknown record id '{rid}'", line,
                                    hint="use ids from results/screening/included.csv"))
        elif not study:
            problems.append(Problem(table.path, f"'{rid}' has no study_id", line))
        elif aliases[rid] in seen:
            problems.append(Problem(table.path, f"'{rid}' is listed twice (first on line "
                                    f"{seen[aliases[rid]]})", line))
        else:
            seen[aliases[rid]] = line
            out[aliases[rid]] = study
    if problems:
        raise InputError(problems)
    return StudyLinks(out, table.warnings)


def read_study_links(path: str | Path, aliases: Mapping[str, str]) -> dict[str, str]:
    """The group id of each report listed in the studies sheet, mapped to its study
    (:func:`read_studies_sheet` without its warnings)."""
    return read_studies_sheet(path, aliases).study_of
