"""Deduplication: the keys of each record, the evidence a pair gives, named rules, groups.

``match_keys`` → ``titles``, ``authors``, ``venues``, ``folding`` (a record's match keys);
``evidence`` (a pair field by field, and its points); ``rules`` (named vetoes and match
rules, :func:`judge`); ``blocking`` (the pairs worth judging); ``grouping``
(:func:`deduplicate`); ``merging`` (one record per group); ``pairs`` and ``tables`` (the
files written, the groups file read back, the reviewer's pair sheet); ``shards`` (the
groups found in shard jobs: a plan, each shard's rows).

The names below load their module on first use, so reading a groups file does not import
numpy or rapidfuzz.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litreview.core.lazy import lazy_names

if TYPE_CHECKING:
    from litreview.dedupe.blocking import SetFacts
    from litreview.dedupe.evidence import DEFAULT_WEIGHTS, Weights
    from litreview.dedupe.grouping import Dedupe, deduplicate
    from litreview.dedupe.match_keys import KEY_FIELDS, Keys, keys
    from litreview.dedupe.merging import merge
    from litreview.dedupe.pairs import PairDecision, UncertainPair
    from litreview.dedupe.rules import Judgement, Verdict, judge
    from litreview.dedupe.shards import (
        GROUPS,
        UNCERTAIN,
        UNIQUE,
        Plan,
        Row,
        plan,
        shard_dedupe,
        shard_rows,
    )
    from litreview.dedupe.tables import (
        GROUPS_COLUMNS,
        UNCERTAIN_COLUMNS,
        Groups,
        Overlap,
        PairSheet,
        groups_csv,
        groups_rows,
        overlap_csv,
        read_groups,
        read_pair_decisions,
        read_pair_sheet,
        uncertain_csv,
        uncertain_rows,
        unknown_pair_ids,
    )

_MODULE_OF = {
    "SetFacts": "blocking",
    "DEFAULT_WEIGHTS": "evidence", "Weights": "evidence",
    "Dedupe": "grouping", "deduplicate": "grouping",
    "KEY_FIELDS": "match_keys", "Keys": "match_keys", "keys": "match_keys",
    "merge": "merging",
    "PairDecision": "pairs", "UncertainPair": "pairs",
    "Judgement": "rules", "Verdict": "rules", "judge": "rules",
    "GROUPS": "shards", "UNCERTAIN": "shards", "UNIQUE": "shards", "Plan": "shards",
    "Row": "shards", "plan": "shards", "shard_dedupe": "shards", "shard_rows": "shards",
    "Groups": "tables", "PairSheet": "tables", "groups_csv": "tables", "overlap_csv": "tables",
    "read_groups": "tables", "read_pair_decisions": "tables", "read_pair_sheet": "tables",
    "uncertain_csv": "tables", "unknown_pair_ids": "tables", "GROUPS_COLUMNS": "tables",
    "UNCERTAIN_COLUMNS": "tables", "Overlap": "tables", "groups_rows": "tables",
    "uncertain_rows": "tables",
}
__all__ = [
    "DEFAULT_WEIGHTS",
    "GROUPS",
    "GROUPS_COLUMNS",
    "KEY_FIELDS",
    "UNCERTAIN",
    "UNCERTAIN_COLUMNS",
    "UNIQUE",
    "Dedupe",
    "Groups",
    "Judgement",
    "Keys",
    "Overlap",
    "PairDecision",
    "PairSheet",
    "Plan",
    "Row",
    "SetFacts",
    "UncertainPair",
    "Verdict",
    "Weights",
    "deduplicate",
    "groups_csv",
    "groups_rows",
    "judge",
    "keys",
    "merge",
    "overlap_csv",
    "plan",
    "read_groups",
    "read_pair_decisions",
    "read_pair_sheet",
    "shard_dedupe",
    "shard_rows",
    "uncertain_csv",
    "uncertain_rows",
    "unknown_pair_ids",
]

__getattr__ = lazy_names(__name__, _MODULE_OF)
