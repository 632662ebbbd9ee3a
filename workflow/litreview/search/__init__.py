"""Search strategies: read, lint, compile to each platform, and evaluate on the records.

The modules, in the order a strategy meets them: :mod:`~litreview.search.strategies` (the
model: lines, terms, references), :mod:`~litreview.search.parse` (one line's expression),
:mod:`~litreview.search.read` (a strategy file), :mod:`~litreview.search.thesaurus`
(thesaurus and heading map), :mod:`~litreview.search.lint` with
:mod:`~litreview.search.lint_terms` and :mod:`~litreview.search.findings` (PRESS-style
checks), :mod:`~litreview.search.compile` with :mod:`~litreview.search.platforms` and
:mod:`~litreview.search.syntax` and :mod:`~litreview.search.open_apis` (each platform's
query, and the open APIs' requests), :mod:`~litreview.search.evaluation` with
:mod:`~litreview.search.matching`, :mod:`~litreview.search.corpus` and
:mod:`~litreview.search.benchmark` (hits per line on the records, recall against a
benchmark list).

The evaluation's names are loaded on first use: they need numpy, which the rest does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litreview.core.lazy import lazy_names
from litreview.search.benchmark import Listed, benchmark_indices, read_benchmark
from litreview.search.compile import Compiled, compile_strategy, render_compiled
from litreview.search.findings import CHECKS, Finding
from litreview.search.lint import has_errors, lint_text, summary
from litreview.search.matching import (
    MESH_QUALIFIERS,
    SEARCHED_FIELDS,
    free_text_regex,
    heading_keys,
)
from litreview.search.open_apis import (
    CROSSREF_BASE,
    ERIC_BASE,
    ERIC_FIELDS,
    EUROPEPMC_BASE,
    OPENALEX_BASE,
    PAGE_SIZES,
    crossref_params,
    eric_params,
    europepmc_params,
    first_request,
    openalex_params,
)
from litreview.search.parse import parse_expression
from litreview.search.platforms import PLATFORMS, Platform, target_vocabulary
from litreview.search.read import (
    header_line,
    parse_strategy,
    read_lines,
    read_strategy,
    reference_problems,
    with_thesaurus,
)
from litreview.search.strategies import Limits, Line, Op, Ref, Strategy, Term, render
from litreview.search.syntax import spellings
from litreview.search.thesaurus import HeadingMap, Thesaurus, load_heading_map, load_thesaurus

if TYPE_CHECKING:
    from litreview.search.corpus import Corpus
    from litreview.search.evaluation import (
        Evaluator,
        LineHits,
        evaluate,
        hits_csv,
        hits_table,
        line_hits,
        lines_of,
        missed,
        missed_of,
    )

_EVALUATE = frozenset({"Evaluator", "LineHits", "evaluate", "hits_csv", "hits_table",
                       "line_hits", "lines_of", "missed", "missed_of"})

__all__ = ["CHECKS", "CROSSREF_BASE", "ERIC_BASE", "ERIC_FIELDS", "EUROPEPMC_BASE",
           "MESH_QUALIFIERS", "OPENALEX_BASE", "PAGE_SIZES", "PLATFORMS", "SEARCHED_FIELDS",
           "Compiled", "Corpus",
           "Evaluator", "Finding", "HeadingMap", "Limits", "Line", "LineHits", "Listed", "Op",
           "Platform", "Ref", "Strategy", "Term", "Thesaurus", "benchmark_indices",
           "compile_strategy", "crossref_params", "eric_params", "europepmc_params",
           "evaluate", "first_request", "free_text_regex", "has_errors", "header_line",
           "heading_keys", "hits_csv", "hits_table", "line_hits", "lines_of", "lint_text",
           "load_heading_map", "load_thesaurus", "missed", "missed_of", "openalex_params",
           "parse_expression", "parse_strategy", "read_benchmark", "read_lines", "read_strategy",
           "reference_problems", "render", "render_compiled", "spellings", "summary",
           "target_vocabulary", "with_thesaurus"]

__getattr__ = lazy_names(__name__, {**dict.fromkeys(_EVALUATE, "evaluation"),
                                     "Corpus": "corpus"})
