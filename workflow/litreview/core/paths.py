"""Where the workflow writes, relative to the review directory: one place for the rules,
the command line and the audit (the output contract of DESIGN.md)."""

from __future__ import annotations

RESULTS = "results"

# --- import and search, one file per source or database -------------------------------


def records(slug: str) -> str:
    """One source's imported records."""
    return f"{RESULTS}/records/{slug}.csv"


def rejects(slug: str) -> str:
    """One source's blocks set aside as unreadable (written when the source allows it)."""
    return f"{RESULTS}/records/{slug}.rejects.csv"


def hits(slug: str) -> str:
    """The hits of each line of one database's strategy."""
    return f"{RESULTS}/search/{slug}.hits.csv"


def lint(slug: str) -> str:
    """The lint findings of one database's strategy."""
    return f"{RESULTS}/search/{slug}.lint.txt"


def compiled(slug: str, platform: str) -> str:
    """One database's strategy in one platform's syntax."""
    return f"{RESULTS}/search/{slug}.{platform}.txt"


# --- deduplication ------------------------------------------------------------------------

UNIQUE = f"{RESULTS}/dedupe/unique.csv"
GROUPS = f"{RESULTS}/dedupe/groups.csv"
UNCERTAIN = f"{RESULTS}/dedupe/uncertain_pairs.csv"
OVERLAP = f"{RESULTS}/dedupe/overlap.csv"

# --- screening ------------------------------------------------------------------------------

SCREENING = f"{RESULTS}/screening"
STATUS = f"{SCREENING}/status.csv"
INCLUDED = f"{SCREENING}/included.csv"
#: The files each stage's folder holds.
STAGE_FILES = ("to_screen.csv", "to_screen.xlsx", "agreement.csv", "conflicts.csv",
               "stopping.txt")


def stage_file(stage: str, name: str) -> str:
    """One of :data:`STAGE_FILES` of one screening stage."""
    return f"{SCREENING}/{stage}/{name}"


# --- reporting and audit --------------------------------------------------------------------

COUNTS = f"{RESULTS}/prisma/counts.json"
FLOW_SVG = f"{RESULTS}/prisma/flow.svg"
FLOW_PNG = f"{RESULTS}/prisma/flow.png"
PRISMA_CSV = f"{RESULTS}/prisma/prisma2020.csv"
ROBUSTNESS = f"{RESULTS}/robustness"
ROBUSTNESS_MD = f"{ROBUSTNESS}/summary.md"
ROBUSTNESS_CSV = f"{ROBUSTNESS}/summary.csv"
ROBUSTNESS_STUDIES = f"{ROBUSTNESS}/studies.csv"
ROBUSTNESS_CHARTS = f"{ROBUSTNESS}/charts.html"
REPORT = f"{RESULTS}/report.html"
MANIFEST = f"{RESULTS}/audit/manifest.json"
LOGS = f"{RESULTS}/logs"

# --- files a person edits, beside the configuration ---------------------------------------

PAIR_SHEET = "screening/duplicate_pairs.csv"
STUDIES_SHEET = "screening/studies.csv"
