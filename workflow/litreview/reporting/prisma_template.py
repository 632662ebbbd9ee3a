"""The PRISMA 2020 counts in the template of the PRISMA2020 R package and Shiny app
(Haddaway et al. 2022), to draw the flow there."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from litreview.core.fileio import csv_text
from litreview.reporting.prisma import reason_label

#: The template's rows (data, node, box, description, boxtext), as the package gives them.
TEMPLATE = Path(__file__).with_name("prisma2020_template.csv")


@cache
def _template() -> tuple[tuple[str, ...], ...]:
    """The rows of :data:`TEMPLATE`, its header left out."""
    with TEMPLATE.open(newline="", encoding="utf-8") as handle:
        return tuple(tuple(row) for row in csv.reader(handle))[1:]


def _reason_list(reasons: Mapping[str, int], texts: Mapping[str, str]) -> str:
    """``reason, n; reason, n``: the PRISMA2020 package takes a reason up to its first comma."""
    return "; ".join(f"{re.sub(r'[,;]', ' -', reason_label(r, texts))}, {n}"
                     for r, n in reasons.items()) if reasons else "0"


def prisma2020_csv(counts: Mapping[str, Any]) -> str:
    """The counts in the template of the PRISMA2020 R package and Shiny app, to load there.

    Records found by other methods are screened here like database records; the template
    has no screening boxes for them, so its other-methods column starts at the reports
    sought.
    """
    db, other = counts["databases"], counts["other_methods"]
    texts = counts["exclusion_reasons"]
    kinds = counts["identification"]["other_methods_by_kind"]
    specific = "; ".join(f"{name}, {n}" for name, n in
                         counts["identification"]["databases"].items())
    values: dict[str, object] = {
        "previous_studies": counts["previous"]["studies"],
        "previous_reports": counts["previous"]["reports"],
        "database_results": db["identified"], "database_specific_results": specific,
        "register_results": 0, "register_specific_results": "",
        "website_results": kinds.get("websites", 0),
        "organisation_results": sum(kinds.get(k, 0) for k in
                                    ("organisations", "documents_requested",
                                     "call_for_evidence", "other")),
        "citations_results": kinds.get("citation_searching", 0),
        "duplicates": db["duplicates_removed"], "excluded_automatic": db["excluded_automation"],
        "excluded_other": db["excluded_other_reasons"],
        "records_screened": db["records_screened"], "records_excluded": db["records_excluded"],
        "dbr_sought_reports": db["reports_sought"],
        "dbr_notretrieved_reports": db["reports_not_retrieved"],
        "other_sought_reports": other["reports_sought"],
        "other_notretrieved_reports": other["reports_not_retrieved"],
        "dbr_assessed": db["reports_assessed"],
        "dbr_excluded": _reason_list(db["reports_excluded"], texts),
        "other_assessed": other["reports_assessed"],
        "other_excluded": _reason_list(other["reports_excluded"], texts),
        "new_studies": counts["included"]["studies"],
        "new_reports": counts["included"]["reports"],
        "total_studies": counts["total"]["studies"],
        "total_reports": counts["total"]["reports"],
    }
    rows = []
    for data, node, box, description, boxtext in _template():
        tooltips = description if node != "NA" else "NA"
        url = f"{data if data != 'NA' else box}.html" if node != "NA" else "NA"
        rows.append([data, node, box, description, boxtext, tooltips, url, values.get(data, 0)])
    return csv_text(["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"],
                    rows)
