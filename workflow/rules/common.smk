# Names shared by the rule files: the sources, the stages, and how to call the package.
import sys

from litreview.audit.manifest import review_inputs
from litreview.core import paths
from litreview.core.review import CONFIG_NAME
from litreview.search import PLATFORMS
from litreview.pipeline.smk import (
    DEDUPE_SHARDS,
    coding_inputs,
    decision_sheets,
    import_options,
    pair_sheet,
    pairs_option,
    plan_read,
    plan_written,
    search_sidecars,
    stages,
    studies_option,
    studies_sheet,
)

PACKAGE_DIR = str(Path(workflow.basedir) / "workflow")
LITREVIEW = f'PYTHONPATH="{PACKAGE_DIR}" "{sys.executable}" -m litreview'

DATABASES = {source.slug: source for source in REVIEW.databases}
STRATEGIES = {slug: source for slug, source in DATABASES.items() if source.strategy}
SOURCES = {source.slug: source for source in REVIEW.sources}
STAGES = stages(REVIEW)
PLATFORM_IDS = list(PLATFORMS)
SHEETS = decision_sheets(REVIEW)
CODING = coding_inputs(REVIEW)  # the coding form and the coders' sheets; none: no coding
CODING_OUTPUTS = [f"{paths.CODING}/{name}" for name in paths.CODING_FILES] if CODING else []
REVIEW_INPUTS = review_inputs(REVIEW, Path("."))  # what the audit manifest hashes


wildcard_constraints:
    source="|".join(SOURCES),
    scatteritem=r"\d+-of-\d+",
    db="|".join(DATABASES),
