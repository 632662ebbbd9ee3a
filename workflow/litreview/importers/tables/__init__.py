"""CSV, TSV and XLSX exports: one record per row, columns matched by name.

Every tool names its columns differently, so a *profile* per tool lists the headers it
uses for each Record field; a profile is chosen by a few headers only that tool writes,
and the generic aliases fill whatever it does not cover. Unknown columns are ignored.

The header is the first row holding a title-like column (or, with an explicit column
mapping, every mapped column), so preambles (Embase's ``"SEARCH QUERY"`` lines, Lens's
sheet-title row) are skipped. Line numbers are those of the file (CSV/TSV, counting the
header) or the sheet row (XLSX). A row's original fields are its non-empty cells by header.

For a tool no profile knows, ``--columns title="Article Title",year=PY`` (see
:func:`parse_column_mapping`) names the column of each field; it wins over the profiles.
"""

from litreview.importers.tables.delimited import read_delimited, sniff_table
from litreview.importers.tables.profiles import MAPPABLE, parse_column_mapping
from litreview.importers.tables.xlsx import read_xlsx

__all__ = ["MAPPABLE", "parse_column_mapping", "read_delimited", "read_xlsx", "sniff_table"]
