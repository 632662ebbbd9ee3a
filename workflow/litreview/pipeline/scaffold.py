"""``litreview init``: a new review directory with every file a review needs, to fill in;
and where the workflow that runs it is."""

from __future__ import annotations

from pathlib import Path

from litreview.core.errors import InputError, Problem

#: The repository the package is installed from (editable): its Snakefile and profile.
REPOSITORY = Path(__file__).resolve().parents[3]

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
#    kind: websites   # websites | organisations | citation_searching |
#                     # documents_requested | call_for_evidence | other
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
reviewer, date, note. Copy the rows of results/screening/<stage>/to_screen.csv to start;
rows with no decision yet are records still to screen, not errors.
"""


CODING_FORM = """\
# The coding form: the fields each included study is coded on, the tables counted, and any
# typology that classifies each study by ordered rules over the fields. Checked against
# workflow/schemas/coding.schema.yaml (README: "A coding form of your own").
# Ready-made forms a review may take in whole: include: [eppi-woe] (weight of evidence
# A-D), [mmat] (MMAT 2018), [casp-qualitative], [curee-table10] (types of project evidence).
# Coders write screening/coding/coding-<coder>.csv with record_id and these fields as
# columns (or code in the browser: litreview serve); the agreed coding goes in
# screening/coding/coding.csv. results/robustness/ holds the summary.
codes: included          # or {stage: full_text}: every report read in full
fields:
  - id: design
    label: Study design
    type: one_of
    open: true           # other designs may be written as they are
    values: [randomised controlled trial, quasi-experimental study, cohort study,
             case study, survey, qualitative study, mixed methods, literature review]
  - id: country
    label: Country
    type: text
  - id: participants
    label: Number of participants
    type: number
    min: 0
"""

CODING_SHEET = "record_id,design,country,participants\n"


def workflow_file(name: str) -> Path:
    """A file of the workflow this package belongs to (``Snakefile``, a profile), found
    next to the package; a located error when the package was installed without it."""
    path = REPOSITORY / name
    if not path.exists():
        raise InputError(Problem(str(path), "the workflow is not here: litreview is installed "
                                 "without its repository", hint="install it from a clone of "
                                 "the repository with 'pip install -e <clone>'"))
    return path


def yaml_scalar(value: str) -> str:
    """``value`` as one YAML scalar on one line, quoted only when it must be (``: ``,
    ``#``, quotes, a leading ``-``, a number or ``yes``), so that it reads back as itself."""
    import yaml

    text = yaml.safe_dump(value, allow_unicode=True, width=float("inf"))
    text = text.removesuffix("\n").removesuffix("\n...")
    if "\n" in text:  # a line break in the value: one double-quoted line, with \n in it
        text = yaml.safe_dump(value, allow_unicode=True, width=float("inf"),
                              default_style='"').removesuffix("\n")
    return text

GITIGNORE = """\
# what the workflow writes: made again by `litreview run`, never committed
results/
.snakemake/
report.zip
"""


def init_review(target: Path, title: str = "My review") -> list[Path]:
    """Write the skeleton; refuses to touch a directory that already holds a review, and
    leaves any file already there (a ``.gitignore`` of the team's) as it is."""
    if (target / "review.yaml").exists():
        raise InputError(Problem(str(target / "review.yaml"), "a review is already here",
                                 hint="choose an empty directory"))
    files = {
        "review.yaml": REVIEW_YAML.format(title=yaml_scalar(title)),
        "search_strategies/eric.txt": STRATEGY,
        "screening/criteria.yaml": CRITERIA,
        "data/exports/eric/README.md": EXPORTS_README,
        "screening/decisions/README.md": DECISIONS_README,
        "screening/coding.yaml": CODING_FORM,
        "screening/coding/coding.csv": CODING_SHEET,
        ".gitignore": GITIGNORE,
    }
    written = []
    for name, text in files.items():
        path = target / name
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
