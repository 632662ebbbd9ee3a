"""Covidence's reference lists read as decisions. Covidence exports each list as its own
CSV (``review_<n>_<list>_csv_<time>.csv``, columns ``Title, Authors, Abstract, Published
Year, Published Month, Journal, Volume, Issue, Pages, Accession Number, DOI, Ref,
Covidence #, Study, Notes, Tags``); the list tells the decision: ``select`` (sent on to
full text review) and ``included`` are includes, ``irrelevant`` (excluded at title and
abstract) and ``excluded`` (at full text) excludes. A ``decision`` column, or
``--decision``, says it for a file whose name does not.
"""

from __future__ import annotations

import re
from pathlib import Path

from litreview.core.contracts import DECISIONS
from litreview.core.errors import InputError, Problem
from litreview.core.sheets import read_table
from litreview.screening.from_tools import ToolExport, ToolRow

#: Covidence's lists, by the word its export's file name gives them, and their decision.
LISTS = {"select": "include", "included": "include", "irrelevant": "exclude",
         "excluded": "exclude"}
_LIST = re.compile(r"_(select|included|irrelevant|excluded|screen)_csv", re.IGNORECASE)
#: Where a list of full-text exclusions gives each study's reason.
_REASON_COLUMNS = ("exclusion reason", "exclusion reasons", "reason for exclusion")
_WORDS = {"include": "include", "included": "include", "exclude": "exclude",
          "excluded": "exclude", "irrelevant": "exclude", "maybe": "unsure", "unsure": "unsure",
          "select": "include"}


def list_decision(path: Path) -> str:
    """The decision the list a file came from stands for, "" when its name gives none."""
    found = _LIST.search(path.name)
    if found and found.group(1).lower() == "screen":
        raise InputError(Problem(str(path), "Covidence's 'screen' list holds the studies "
                                 "still to screen: it decides nothing",
                                 hint="export the irrelevant, select, included or excluded "
                                      "list"))
    return LISTS[found.group(1).lower()] if found else ""


def read_covidence(path: str | Path, decision: str = "") -> ToolExport:
    """The rows of a Covidence reference list, each with ``decision`` (else its
    ``decision`` column's, else the list's that the file's name gives)."""
    path = Path(path)
    table = read_table(path)
    table.require(("title", "covidence #"),
                  hint="a Covidence export has columns Title, Authors, …, DOI, Covidence #; "
                       "export the list as CSV")
    by_file = decision or list_decision(path)
    if not by_file and "decision" not in table.header:
        raise InputError(Problem(str(path), "the file does not say which list it is",
                                 table.header_line,
                                 hint="give --decision include or --decision exclude (the "
                                      "file's name from Covidence says it: _irrelevant_csv_ "
                                      "…)"))
    reason_column = next((c for c in _REASON_COLUMNS if c in table.header), "")
    rows = []
    for row in table:
        said = row["decision"] if "decision" in table.header and not decision else by_file
        word = _WORDS.get(said.strip().casefold(), said.strip().casefold())
        if word not in DECISIONS:
            raise InputError(Problem(str(path), f"decision '{said}' is not include, exclude "
                                     "or unsure", row.line))
        reasons = tuple(r.strip() for r in row[reason_column].split(";") if r.strip()) \
            if reason_column else ()
        ids = tuple(v for v in (row["accession number"],) if v)
        rows.append(ToolRow(row.line, word, ids, row["doi"], row["title"],
                            row["published year"] or row["year"], reasons,
                            "; ".join(v for v in (row["notes"], row["tags"]) if v)))
    return ToolExport("Covidence", str(path), tuple(rows))
