"""Deduplication spread over jobs (:mod:`litreview.dedupe.shards`), with its files.

- ``litreview dedupe-plan`` reads the records files and writes a plan directory:
  ``records.parquet`` (each record in priority order: its file, its row, its shard),
  ``pairs.parquet`` (the pairs worth judging, with their title ratios) and ``plan.json``
  (the shards, the records files and their sizes, the set's facts, a fingerprint);
- ``litreview dedupe-shard`` groups one shard's records and writes its rows (Parquet:
  ``kind, place, text, database, group_id``);
- ``litreview dedupe-gather`` merges every shard's rows in place order into
  ``unique.csv``, ``groups.csv``, ``uncertain_pairs.csv`` and ``overlap.csv``: byte for
  byte the files ``litreview dedupe`` writes in one job.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from litreview.core import paths
from litreview.core.collector import collector_paused
from litreview.core.contracts import UNIQUE_EXTRA_COLUMNS
from litreview.core.errors import InputError, Problem, raise_if
from litreview.core.fileio import atomic_open, atomic_open_binary, atomic_write_text, csv_lines
from litreview.core.records import (
    WITHOUT_ORIGINAL,
    Record,
    read_records,
    records_header,
    records_rows,
)
from litreview.dedupe import (
    GROUPS,
    GROUPS_COLUMNS,
    KEY_FIELDS,
    UNCERTAIN,
    UNCERTAIN_COLUMNS,
    UNIQUE,
    Overlap,
    PairDecision,
    Plan,
    Row,
    SetFacts,
    groups_rows,
    plan,
    shard_dedupe,
    shard_rows,
    uncertain_rows,
)
from litreview.pipeline.stages import check_records, update_positions

PLAN_RECORDS, PLAN_PAIRS, PLAN_JSON = paths.DEDUPE_PLAN_FILES
#: The key of a shard file's metadata naming the plan it was made from.
_MADE_FROM = b"litreview.plan"
_SHARD = re.compile(r"(\d+)-of-(\d+)")
_REMAKE = "run 'litreview dedupe-plan' again on these records files"


@dataclass(frozen=True, slots=True)
class PlanFiles:
    """A plan directory read back: the plan, where each record is (its file and row), the
    records files it was made from and their sizes, and its fingerprint."""

    plan: Plan
    file: np.ndarray
    row: np.ndarray
    files: tuple[tuple[str, int], ...]
    fingerprint: str


def shard_index(spec: str, shards: int) -> int:
    """The index from 0 of shard ``spec`` (``"2-of-8"``: 1) of a plan for ``shards``."""
    match = _SHARD.fullmatch(spec)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise InputError(Problem(spec, "a shard is written K-of-N, 1 <= K <= N (2-of-8)"))
    if int(match[2]) != shards:
        raise InputError(Problem(spec, f"the plan is for {shards} shards, not {match[2]}",
                                 hint=_REMAKE + " with --shards " + match[2]))
    return int(match[1]) - 1


# --- plan ----------------------------------------------------------------------------------

@collector_paused()
def make_plan(paths: Sequence[str], decisions: Sequence[PairDecision], shards: int,
              out: str | Path, *, update_of: str = "", pair_sheet: str = "") -> int:
    """Write the plan of ``shards`` jobs for the records files into directory ``out``;
    return how many records it deals out."""
    if shards < 1:
        raise InputError(Problem(str(out), f"{shards} shards: give 1 or more"))
    read = [read_records(p, columns=(*KEY_FIELDS, "searched", "source_line")) for p in paths]
    sizes = [len(records) for records in read]
    every = [r for records in read for r in records]
    del read
    order = np.asarray(update_positions(every, update_of), dtype=np.int64)
    records = [every[i] for i in order.tolist()]
    del every
    check_records(records, decisions, pair_sheet)
    count = len(records)
    made = plan(records, decisions, shards)  # empties records
    starts = np.cumsum([0, *sizes])
    file = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)[order]
    row = order - starts[file]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = _write_parquet(out / PLAN_RECORDS, {"file": file, "row": row, "shard": made.shard})
    pairs = _write_parquet(out / PLAN_PAIRS, {"i": made.pairs[:, 0], "j": made.pairs[:, 1],
                                              "ratio": made.ratios})
    about = {"shards": shards, "records": count, "decisions": len(decisions),
             "files": [[str(p), n] for p, n in zip(paths, sizes, strict=True)],
             "bad_dois": sorted(made.facts.bad_dois),
             "venue_aliases": sorted([list(name), sorted(map(list, names))]
                                     for name, names in made.facts.aliases.items())}
    about["fingerprint"] = _fingerprint(about, table, pairs)
    atomic_write_text(out / PLAN_JSON, json.dumps(about, indent=1, sort_keys=True) + "\n")
    return count


def _write_parquet(path: Path, columns: dict[str, np.ndarray]) -> bytes:
    """Write the columns as a Parquet file atomically; return its bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), sink, compression="zstd")
    data = sink.getvalue().to_pybytes()
    with atomic_open_binary(path) as handle:
        handle.write(data)
    return data


def _fingerprint(about: dict[str, Any], table: bytes, pairs: bytes) -> str:
    """What a plan is, as a hash: its JSON (but the fingerprint) and its two tables' bytes."""
    said = {key: value for key, value in about.items() if key != "fingerprint"}
    return hashlib.sha256(json.dumps(said, sort_keys=True).encode() + table + pairs).hexdigest()


def read_plan(directory: str | Path) -> PlanFiles:
    """The plan ``dedupe-plan`` wrote into ``directory``; a plan whose files no longer fit
    together (one damaged, or rewritten by another plan) is a located error."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = Path(directory)
    missing = [name for name in (PLAN_JSON, PLAN_RECORDS, PLAN_PAIRS)
               if not (directory / name).is_file()]
    if missing:
        raise InputError(Problem(str(directory), f"not a dedupe plan: no {', '.join(missing)}",
                                 hint="write it with 'litreview dedupe-plan'"))
    about = _plan_json(directory)
    table, pairs_bytes = ((directory / name).read_bytes() for name in (PLAN_RECORDS, PLAN_PAIRS))
    if about.get("fingerprint") != _fingerprint(about, table, pairs_bytes):
        raise InputError(Problem(str(directory), "the plan's files do not fit together (one "
                                 "is damaged, or from another plan)", hint=_REMAKE))
    records = pq.read_table(pa.BufferReader(table))
    pairs = pq.read_table(pa.BufferReader(pairs_bytes))
    edges = np.stack([pairs["i"].to_numpy(), pairs["j"].to_numpy()], axis=1).astype(np.int64)
    facts = SetFacts(frozenset(about["bad_dois"]),
                     {tuple(name): frozenset(tuple(n) for n in names)
                      for name, names in about["venue_aliases"]})
    made = Plan(records["shard"].to_numpy(), edges.reshape(-1, 2),
                pairs["ratio"].to_numpy().astype(np.float64), facts, about["shards"])
    return PlanFiles(made, records["file"].to_numpy(), records["row"].to_numpy(),
                     tuple((name, n) for name, n in about["files"]),
                     about["fingerprint"])


def _plan_json(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / PLAN_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(Problem(str(directory / PLAN_JSON), f"cannot read the plan ({error})",
                                 hint=_REMAKE)) from None


# --- shard ---------------------------------------------------------------------------------

@collector_paused()
def run_shard(paths: Sequence[str], plan_dir: str | Path, spec: str,
              decisions: Sequence[PairDecision], out: str | Path) -> tuple[int, int]:
    """Group one shard's records (``spec``: ``K-of-N``) and write its rows to ``out``;
    return its records and unique works."""
    planned = read_plan(plan_dir)
    shard = shard_index(spec, planned.plan.shards)
    if [str(p) for p in paths] != [name for name, _ in planned.files]:
        raise InputError(Problem(str(plan_dir), "the plan was made from other records files: "
                                 + ", ".join(name for name, _ in planned.files), hint=_REMAKE))
    members = planned.plan.members(shard)
    records = _shard_records(paths, planned, members, WITHOUT_ORIGINAL)
    pairs, ratios = planned.plan.shard_pairs(shard)
    result = shard_dedupe(records, members, pairs, ratios, planned.plan.facts, decisions)
    index = {r.record_id: i for r, i in zip(records, members.tolist(), strict=True)}
    firsts = np.asarray([index[r.record_id] for r in result.unique], dtype=np.int64)
    del index
    originals = {r.record_id: r.original for r in _shard_records(paths, planned, firsts,
                                                                   ("original",))}
    unique = (replace(r, original=originals.pop(r.record_id)) for r in result.unique)
    header = records_header(UNIQUE_EXTRA_COLUMNS)
    rows = shard_rows(result, records, members, len(planned.file),
                      csv_lines(records_rows(unique, header)),
                      csv_lines(groups_rows(result.groups, records, result.rules,
                                            result.joined_to)),
                      csv_lines(uncertain_rows(result.uncertain, records)))
    _write_rows(out, rows, planned.fingerprint, spec)
    return len(records), len(result.unique)


def _shard_records(paths: Sequence[str], planned: PlanFiles, members: np.ndarray,
                   columns: Sequence[str]) -> list[Record]:
    """The records at ``members`` in the plan's order, with these fields (and their ids and
    provenance): deduplication reads all but the originals, which only the unique records
    need (the first member's, as one job writes them)."""
    file, row = planned.file[members], planned.row[members]
    found: dict[tuple[int, int], Record] = {}
    for n, path in enumerate(paths):
        wanted = np.sort(row[file == n]).tolist()
        if not wanted:
            continue
        records = read_records(path, columns=columns, rows=wanted)
        if len(records) != len(wanted) or wanted[-1] >= planned.files[n][1]:
            raise InputError(Problem(str(path), "the records file changed since the plan "
                                     "was made", hint=_REMAKE))
        found.update(((n, r), record) for r, record in zip(wanted, records, strict=True))
    return [found[n, r] for n, r in zip(file.tolist(), row.tolist(), strict=True)]


#: Rows of a shard file written (and read by the gather) at a time.
_ROW_BATCH = 5_000


def _write_rows(out: str | Path, rows: Iterator[Row], fingerprint: str, spec: str) -> None:
    """A shard's rows as Parquet, written atomically :data:`_ROW_BATCH` rows at a time (a
    shard never holds its rows' text whole), naming the plan and the shard."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("kind", pa.int8()), ("place", pa.int64()),
                        ("text", pa.large_string()), ("database", pa.string()),
                        ("group_id", pa.string())],
                       metadata={_MADE_FROM: fingerprint.encode(),
                                 b"litreview.shard": spec.encode()})
    with atomic_open_binary(out) as handle, pq.ParquetWriter(
            handle, schema, compression="zstd", use_dictionary=["database"]) as writer:
        while batch := list(islice(rows, _ROW_BATCH)):
            writer.write_batch(pa.record_batch(
                [pa.array(column, type) for column, type in
                 zip(zip(*batch, strict=True), schema.types, strict=True)], schema=schema))


# --- gather --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Gathered:
    """What the gather wrote: records, unique works, uncertain pairs, pair decisions."""

    records: int
    unique: int
    uncertain: int
    decisions: int


@collector_paused()
def gather(shard_files: Sequence[str], plan_dir: str | Path, unique: str | Path,
           groups: str | Path, uncertain: str | Path | None = None,
           overlap: str | Path | None = None) -> Gathered:
    """Merge the shards' rows in place order into the dedupe files (``None``: not
    written), each written atomically once every shard has been read."""
    import pyarrow.parquet as pq

    about = _plan_json(Path(plan_dir))
    _check_shards(shard_files, about)
    streams = [_rows(pq.ParquetFile(path)) for path in shard_files]
    counts = [0, 0, 0]
    meeting = Overlap()
    with ExitStack() as stack:
        handles = [stack.enter_context(atomic_open(path)) if path else None
                   for path in (unique, groups, uncertain)]
        for handle, header in zip(handles, (records_header(UNIQUE_EXTRA_COLUMNS),
                                            GROUPS_COLUMNS, UNCERTAIN_COLUMNS), strict=True):
            if handle:
                handle.write(next(csv_lines([header])))
        for kind, _, text, database, group in heapq.merge(*streams):
            counts[kind] += 1
            if handles[kind]:
                handles[kind].write(text)
            if kind == GROUPS:
                meeting.add(database, group)
        if counts[GROUPS] != about["records"]:
            raise InputError(Problem(str(plan_dir), f"the shards hold {counts[GROUPS]} of the "
                                     f"plan's {about['records']} records", hint=_REMAKE))
    if overlap:
        atomic_write_text(overlap, meeting.csv(list(meeting.counts)))
    return Gathered(counts[GROUPS], counts[UNIQUE], counts[UNCERTAIN], about["decisions"])


def _check_shards(paths: Sequence[str], about: dict[str, Any]) -> None:
    """Every shard of the plan, once each, each made from this plan."""
    import pyarrow.parquet as pq
    from pyarrow import ArrowException

    problems, seen = [], {}
    for path in paths:
        try:
            meta = pq.read_schema(path).metadata or {}
        except (ArrowException, OSError) as error:
            problems.append(Problem(path, f"not a dedupe shard's rows ({error})",
                                    hint="give the files 'litreview dedupe-shard' wrote"))
            continue
        spec = meta.get(b"litreview.shard", b"").decode()
        if meta.get(_MADE_FROM, b"").decode() != about["fingerprint"]:
            problems.append(Problem(path, "this shard was made from another plan",
                                    hint="run 'litreview dedupe-shard' again with this plan"))
        elif spec in seen:
            problems.append(Problem(path, f"shard {spec} is also given as {seen[spec]}"))
        seen.setdefault(spec, path)
    wanted = [f"{k}-of-{about['shards']}" for k in range(1, about["shards"] + 1)]
    missing = [spec for spec in wanted if spec not in seen]
    if missing and not problems:
        problems.append(Problem(", ".join(paths), f"no rows of shard {', '.join(missing)}",
                                hint="give every shard's file"))
    raise_if(problems)


def _rows(parquet: Any) -> Iterator[Row]:
    for batch in parquet.iter_batches(batch_size=_ROW_BATCH):
        yield from zip(*(batch.column(n).to_pylist() for n in range(5)), strict=True)
