# litreview: search, deduplicate, screen and report a literature review.
# Run from a review directory (this repository is one), or on any review directory:
#   litreview run <review-dir> [--cores N] [-- snakemake options]
#   snakemake -s <repo>/Snakefile -d <review-dir> --cores N      (the same)
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "workflow"))

from litreview.pipeline.smk import validated_review


REVIEW = validated_review(".")  # checks review.yaml, strategies and criteria, each located


configfile: "review.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/import.smk"
include: "workflow/rules/search.smk"
include: "workflow/rules/dedupe.smk"
include: "workflow/rules/screen.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        paths.REPORT,
        paths.COUNTS,
        paths.PRISMA_CSV,
        paths.MANIFEST,
        CODING_OUTPUTS,
        [paths.hits(db) for db in STRATEGIES],
        [paths.lint(db) for db in STRATEGIES],
        [paths.compiled(db, platform) for db in STRATEGIES for platform in PLATFORM_IDS],
