# Names shared by the rule files: the sources, the stages, and how to call the package.
import sys

from litreview.search import PLATFORMS
from litreview.core import paths
from litreview.pipeline.smk import (
    decision_sheets,
    import_options,
    pair_sheet,
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
EXTRACTION = [REVIEW.extraction] if Path(REVIEW.extraction).is_file() else []
REVIEW_INPUTS = sorted(
    {"review.yaml", REVIEW.criteria, *SHEETS, *EXTRACTION}
    | {f for s in REVIEW.sources for f in s.exports}
    | {s.strategy for s in REVIEW.databases if s.strategy}
    | {f for s in REVIEW.databases for f in (s.thesaurus, s.heading_map) if f}
)


wildcard_constraints:
    source="|".join(SOURCES),
    db="|".join(DATABASES),
