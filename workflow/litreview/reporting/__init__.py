"""What a reader sees: PRISMA 2020 counts and flow diagram, robustness, the report."""

from __future__ import annotations

from litreview.reporting.flow import flow_png, flow_svg, layout
from litreview.reporting.prisma import (
    COLUMNS,
    assert_counts,
    check_counts,
    prisma_counts,
    reason_label,
    summary_text,
)
from litreview.reporting.prisma_template import prisma2020_csv
from litreview.reporting.report import reference, render_report
from litreview.reporting.robustness import (
    LEVELS,
    UNCLASSIFIED,
    Extraction,
    Study,
    SummaryTable,
    bar_chart_svg,
    classify,
    markdown_plain,
    markdown_text,
    narrative,
    per_study,
    read_extraction,
    studies_csv,
    summary_csv,
    summary_markdown,
    tables,
)
from litreview.reporting.study_links import StudyLinks, read_studies_sheet, read_study_links

__all__ = [
    "COLUMNS", "LEVELS", "UNCLASSIFIED", "Extraction", "Study", "StudyLinks", "SummaryTable",
    "assert_counts", "bar_chart_svg", "check_counts", "classify", "flow_png", "flow_svg", "layout",
    "markdown_plain", "markdown_text", "narrative", "per_study", "prisma2020_csv",
    "prisma_counts", "read_extraction", "read_studies_sheet", "read_study_links",
    "reason_label", "reference", "render_report", "studies_csv", "summary_csv",
    "summary_markdown", "summary_text", "tables",
]
