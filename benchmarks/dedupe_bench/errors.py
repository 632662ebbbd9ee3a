"""What to look at: each true group the run split and each found group joining true groups,
with the rule that joined every member and the rule that decided the closest pair across."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from litreview.core.records import Record
from litreview.dedupe import Verdict, judge, keys

from dedupe_bench.data import Groups
from dedupe_bench.runners import Run


def errors(records: Sequence[Record], truth: Groups, run: Run) -> list[str]:
    """The missed pairs (one work, kept apart) and the false merges (different works, one
    group), each part of a split listed with its records."""
    by_id = {r.record_id: r for r in records}
    group_of = {m: n for n, g in enumerate(run.groups) for m in g}
    true_of = {m: n for n, g in enumerate(truth) for m in g}
    lines: list[str] = []
    for group in truth:
        parts = _split(group, group_of)
        if len(parts) > 1:
            lines += show("missed (one work, kept apart)", parts, by_id, run.rules)
    for group in run.groups:
        parts = _split(group, true_of)
        if len(parts) > 1:
            lines += show("joined (different works, one group)", parts, by_id, run.rules)
    return lines


def _split(group: Sequence[str], part_of: Mapping[str, int]) -> list[list[str]]:
    parts: dict[object, list[str]] = defaultdict(list)
    for rid in group:
        parts[part_of.get(rid, rid)].append(rid)
    return list(parts.values())


def show(kind: str, parts: list[list[str]], by_id: Mapping[str, Record],
         rules: Mapping[str, str]) -> list[str]:
    """The parts, each record with the rule that joined it to its found group ("first" of
    its group, "alone" in none), and the verdict on the closest pair across the parts."""
    lines = [f"-- {kind}"]
    for part in parts:
        for rid in part:
            r = by_id[rid]
            joined = f"by {rules[rid]}" if rules.get(rid) else "first" if rid in rules \
                else "alone"
            lines.append(f"   {rid} [{joined}] | {r.title[:90]} | {r.year} | "
                         f"{r.journal[:30]} | v{r.volume} i{r.issue} p{r.pages} | {r.doi} | "
                         f"{'; '.join(r.authors)[:40]}")
        lines.append("   .")
    verdicts = [judge(keys(by_id[x]), keys(by_id[y]))
                for n, part in enumerate(parts) for other in parts[n + 1:]
                for x in part for y in other]
    best = max(verdicts, key=lambda v: (v.verdict, v.title))
    lines.append(f"   closest pair: {best.verdict.name} by {best.rule}, title {best.title:.0f}: "
                 f"{best.reason}")
    if best.verdict is Verdict.SAME and (vetoed := [v for v in verdicts
                                                    if v.verdict is Verdict.DIFFERENT]):
        lines.append(f"   kept apart by a veto across the groups ({vetoed[0].rule}): "
                     f"{vetoed[0].reason}")
    return lines
