"""``litreview init``: a new review directory with every file a review needs, to fill in."""

from __future__ import annotations

from pathlib import Path

from litreview.errors import InputError, Problem

REVIEW_YAML = """\
# The review: what it asks, where it searched, how it screens. Checked against
# workflow/schemas/review.schema.yaml; a misspelt key is reported with its line.
review:
  title: {title}
  question: What does the review ask?
  # update_of: 2024-01-31   # for a search update: the last search date of the previous version

databases:
  - name: ERIC
    host: EBSCOhost
    strategy: search_strategies/eric.txt
    searched: 2024-01-31
    limits: {{years: [2010, 2024], language: [English]}}
    # exports: [data/exports/eric]   (the default: every file in that folder)
    # thesaurus: search_strategies/thesauri/eric.csv   (heading,broader: for (exp) and lint)

other_sources: []
#  - name: Websites
#    kind: websites   # websites | organisations | citation_searching | documents_requested | other
#    files: [data/other/websites.csv]

screening:
  criteria: screening/criteria.yaml
"""

STRATEGY = """\
database: ERIC
host: EBSCOhost
searched: 2024-01-31
limits: years 2010-2024; language English

Concept one
#1 Leadership
#2 Leader* (ft)
#3 #1 or #2
Concept two
#4 Children* service* (ft)
#5 Multiagency (ft) or multi agency (ft)
#6 #4 or #5
#7 #3 and #6
"""

CRITERIA = """\
# The inclusion criteria, and the stages that apply them, in order.
criteria:
  - {id: C1, text: Empirical research or evaluation}
  - {id: C2, text: About the review's topic}
  - {id: C3, text: Published 2010 or later}

stages:
  - id: title_abstract
    name: Title and abstract
    kind: screening
    automatic:
      - {criterion: C3, field: year, min: 2010}
  - id: full_text
    name: Full text
    kind: eligibility
"""

EXPORTS_README = """\
Put the files ERIC exported here (RIS, BibTeX, CSV, TSV, XLSX, EndNote XML, MEDLINE or Web
of Science), with the search date in the name: eric_2024-01-31.ris. Never edit them.
"""

DECISIONS_README = """\
Decision sheets: <stage>-<reviewer>.csv (or .xlsx) for each reviewer, <stage>.csv for agreed
decisions. Columns: record_id, decision (include|exclude|unsure), reason (a criterion id),
reviewer, date, note. Copy the rows of results/screening/<stage>/to_screen.csv to start.
"""


def init_review(target: Path, title: str = "My review") -> list[Path]:
    """Write the skeleton; refuses to touch a directory that already holds a review."""
    if (target / "review.yaml").exists():
        raise InputError(Problem(str(target / "review.yaml"), "a review is already here",
                                 hint="choose an empty directory"))
    files = {
        "review.yaml": REVIEW_YAML.format(title=title),
        "search_strategies/eric.txt": STRATEGY,
        "screening/criteria.yaml": CRITERIA,
        "data/exports/eric/README.md": EXPORTS_README,
        "screening/decisions/README.md": DECISIONS_README,
    }
    written = []
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
