"""What a reader sees: PRISMA 2020 counts and flow diagram, the report (with its sections on
the coding of the studies and on citation searching)."""

from __future__ import annotations

from litreview.reporting.citations import Chased, CitationRow, citation_rows, read_chase
from litreview.reporting.coding_section import bar_chart_svg, coding_section
from litreview.reporting.flow import flow_png, flow_svg, layout
from litreview.reporting.prisma import (
    COLUMNS,
    assert_counts,
    check_counts,
    prisma_counts,
    reason_label,
    summary_text,
)
from litreview.reporting.prisma_s import PRISMA_S_COLUMNS, SearchRun, search_runs
from litreview.reporting.prisma_template import prisma2020_csv
from litreview.reporting.report import reference, render_report
from litreview.reporting.study_links import StudyLinks, read_studies_sheet, read_study_links

__all__ = [
    "COLUMNS", "PRISMA_S_COLUMNS", "Chased", "CitationRow", "SearchRun", "StudyLinks",
    "assert_counts", "bar_chart_svg", "check_counts", "citation_rows", "coding_section",
    "flow_png", "flow_svg", "layout", "prisma2020_csv", "prisma_counts", "read_chase",
    "read_studies_sheet", "read_study_links", "reason_label", "reference", "render_report",
    "search_runs", "summary_text",
]
