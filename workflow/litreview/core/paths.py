"""Where the workflow writes, relative to the review directory: one place for the rules,
the command line and the audit. These paths are a contract: a team's scripts read them."""

from __future__ import annotations

from pathlib import Path

RESULTS = "results"

# --- import and search, one file per source or database -------------------------------


def records(slug: str) -> str:
    """One source's imported records (Parquet: the large file between stages; ``litreview
    records show`` prints it as CSV)."""
    return f"{RESULTS}/records/{slug}.parquet"


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


def slug_of(path: str | Path) -> str:
    """The source a per-source result file belongs to (``results/search/eric.hits.csv``:
    ``eric``): the part of its name before the first dot, as the paths above write it."""
    return Path(path).name.split(".")[0]


# --- deduplication ------------------------------------------------------------------------

UNIQUE = f"{RESULTS}/dedupe/unique.csv"
GROUPS = f"{RESULTS}/dedupe/groups.csv"
UNCERTAIN = f"{RESULTS}/dedupe/uncertain_pairs.csv"
OVERLAP = f"{RESULTS}/dedupe/overlap.csv"
#: Deduplication in shards (``--set-scatter dedupe=N``): the plan's files, and each shard's
#: rows (``1-of-4``); gone once gathered.
DEDUPE_PLAN = f"{RESULTS}/dedupe/plan"
DEDUPE_PLAN_FILES = ("records.parquet", "pairs.parquet", "plan.json")


def dedupe_shard(shard: str) -> str:
    """The rows one dedupe shard (``2-of-8``) wrote, for the gather."""
    return f"{RESULTS}/dedupe/shards/{shard}.parquet"

# --- screening ------------------------------------------------------------------------------

SCREENING = f"{RESULTS}/screening"
STATUS_CSV, INCLUDED_CSV = "status.csv", "included.csv"
STATUS = f"{SCREENING}/{STATUS_CSV}"
INCLUDED = f"{SCREENING}/{INCLUDED_CSV}"
#: The files each stage's folder holds.
TO_SCREEN_CSV, TO_SCREEN_XLSX = "to_screen.csv", "to_screen.xlsx"
AGREEMENT_CSV, CONFLICTS_CSV, STOPPING_TXT = "agreement.csv", "conflicts.csv", "stopping.txt"
STAGE_FILES = (TO_SCREEN_CSV, TO_SCREEN_XLSX, AGREEMENT_CSV, CONFLICTS_CSV, STOPPING_TXT)


def stage_file(stage: str, name: str) -> str:
    """One of :data:`STAGE_FILES` of one screening stage."""
    return f"{SCREENING}/{stage}/{name}"


# --- reporting and audit --------------------------------------------------------------------

COUNTS = f"{RESULTS}/prisma/counts.json"
FLOW_SVG = f"{RESULTS}/prisma/flow.svg"
FLOW_PNG = f"{RESULTS}/prisma/flow.png"
PRISMA_CSV = f"{RESULTS}/prisma/prisma2020.csv"
PRISMA_S = f"{RESULTS}/search/prisma_s.csv"  # each source's search as run (PRISMA-S)
#: The coding of the studies by the review's form: the evidence-robustness summary.
CODING = f"{RESULTS}/robustness"
SUMMARY_MD, SUMMARY_CSV, STUDIES_CSV = "summary.md", "summary.csv", "studies.csv"
APPRAISAL_SVG = "appraisal.svg"
#: The files the coding always writes (``appraisal.svg`` too when the form draws one).
CODING_FILES = (SUMMARY_MD, SUMMARY_CSV, STUDIES_CSV, AGREEMENT_CSV, CONFLICTS_CSV)
CODING_SUMMARY = f"{CODING}/{SUMMARY_CSV}"
REPORT = f"{RESULTS}/report.html"
MANIFEST = f"{RESULTS}/audit/manifest.json"
LOGS = f"{RESULTS}/logs"

# --- files a person edits, beside the configuration ---------------------------------------

PAIR_SHEET = "screening/duplicate_pairs.csv"
STUDIES_SHEET = "screening/studies.csv"
