"""The review's stages, each written once and run in memory: import, deduplicate, search
hits, screen, PRISMA counts and the coding (:mod:`litreview.pipeline.coding`).

The command line reads and writes the files around these functions, the Snakemake rules
call the command line, and the audit runs them all in a row (:func:`run_review`) to
recompute every count from the inputs alone. A stage takes what the stage before it
gave and the review's own files; it returns typed results and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litreview.core.errors import Problem, raise_if
from litreview.core.paths import PAIR_SHEET, STUDIES_SHEET
from litreview.core.records import Record
from litreview.core.review import Review, Source, load_review, search_date
from litreview.pipeline.importing import (  # noqa: F401 (the stages, in one place)
    FileImport,
    SourceImport,
    import_files,
    import_source,
    nothing_read,
)

if TYPE_CHECKING:  # the stages' types, without loading the stages to import this module
    from litreview.dedupe import Dedupe, PairDecision, PairSheet
    from litreview.pipeline.coding import Coding
    from litreview.reporting import StudyLinks
    from litreview.screening import Criteria, Outcome, Screening, Sheet
    from litreview.search import LineHits, Strategy, Thesaurus

# --- import: litreview.pipeline.importing ----------------------------------------------


def set_aside_dates(review: Review, files: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The search date of each record set aside as unreadable, by source name; ``files``
    gives, by source slug, the export file of each block set aside."""
    out: dict[str, list[str]] = {}
    for slug, names in files.items():
        source = review.source(slug)
        if names:
            out[source.name] = [search_date(name, source.searched) for name in names]
    return out


# --- deduplicate ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deduplicated:
    """Every imported record in priority order, and the groups the rules and the
    reviewers' pair decisions made of them."""

    records: tuple[Record, ...]
    result: Dedupe  # unique, groups, uncertain, rules
    decisions: tuple[PairDecision, ...]  # the reviewers' pair decisions applied


def update_order(records: Sequence[Record], update_of: str) -> list[Record]:
    """For a search update, the previous version's records first (they keep their groups'
    ids), the update's after them, each in source order."""
    return [records[i] for i in update_positions(records, update_of)]


def update_positions(records: Sequence[Record], update_of: str) -> list[int]:
    """The positions of :func:`update_order`'s records in ``records``."""
    if not update_of:
        return list(range(len(records)))
    return sorted(range(len(records)),
                  key=lambda i: bool(records[i].searched and records[i].searched > update_of))


def read_pairs(path: str | Path | None) -> PairSheet:
    """The reviewers' pair sheet (``dedupe.PairSheet``: decisions and reading warnings),
    empty when there is none."""
    from litreview.dedupe import PairSheet, read_pair_sheet

    return read_pair_sheet(path) if path and Path(path).is_file() else PairSheet([])


def deduplicate_sources(sources: Sequence[Sequence[Record]],
                        decisions: Sequence[PairDecision] = (),
                        *, update_of: str = "", pair_sheet: str = "") -> Deduplicated:
    """Group the duplicates of every source's records (databases first, in config order).
    A record id met in two sources, or a pair decision naming an unknown id, is a located
    error."""
    from litreview.dedupe import deduplicate

    records = update_order([r for source in sources for r in source], update_of)
    check_records(records, decisions, pair_sheet)
    return Deduplicated(tuple(records), deduplicate(records, decisions), tuple(decisions))


def check_records(records: Sequence[Record], decisions: Sequence[PairDecision],
                  pair_sheet: str = "") -> None:
    """A record id met twice, or a pair decision naming an unknown id: a located error."""
    from litreview.dedupe import unknown_pair_ids

    seen: dict[str, str] = {}
    problems = []
    for record in records:
        if record.record_id in seen:
            problems.append(Problem(record.source_file, f"record id '{record.record_id}' also "
                                    f"comes from {seen[record.record_id]}", record.source_line,
                                    hint="give each source a distinct name"))
        seen[record.record_id] = record.source_file
    problems += unknown_pair_ids(decisions, seen, pair_sheet)
    raise_if(problems)


# --- search hits ---------------------------------------------------------------------------


def read_search(path: str | Path, thesaurus: Thesaurus | None = None) -> Strategy:
    """A database's strategy, its bare heading lines read against its thesaurus."""
    from litreview.search import read_strategy, with_thesaurus

    return with_thesaurus(read_strategy(path), thesaurus)


def strategy_hits(strategy: Strategy, records: Sequence[Record],
                  thesaurus: Thesaurus | None = None,
                  benchmark: Mapping[str, int] | None = None) -> list[LineHits]:
    """The hits of each line of a strategy on one database's records (and, with a
    benchmark, the listed records each line finds)."""
    from litreview.search import line_hits

    return line_hits(strategy, records, thesaurus, benchmark)


def source_thesaurus(root: Path, source: Source | None) -> Thesaurus | None:
    """The thesaurus a database's strategy is read with, if the review gives one."""
    from litreview.search import load_thesaurus

    return load_thesaurus(root / source.thesaurus) if source and source.thesaurus else None


def database_hits(root: Path, source: Source, records: Sequence[Record]) -> list[LineHits]:
    """One database's strategy evaluated on its records, as its ``search_hits`` rule does."""
    thesaurus = source_thesaurus(root, source)
    return strategy_hits(read_search(root / source.strategy, thesaurus), records, thesaurus)


# --- screen --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Screened:
    """The criteria, the reviewers' sheets as read, and every stage's outcomes."""

    criteria: Criteria
    sheets: tuple[Sheet, ...]
    result: Screening

    @property
    def outcomes(self) -> list[Outcome]:
        """Every record's outcome at every stage it entered, stage by stage."""
        return [stage.outcomes[i] for stage in self.result.stages for i in stage.entered]


def screen_review(root: Path, review: Review, unique: Sequence[Record],
                  aliases: Mapping[str, str]) -> Screened:
    """Apply the screening stages of the review's criteria with its decision sheets."""
    from litreview.pipeline.coding import coded_values
    from litreview.screening import load_criteria, read_sheets, screen

    criteria = load_criteria(root / review.criteria, review.source_names())
    sheets = read_sheets(root / review.decisions, [s.id for s in criteria.stages])
    coded = coded_values(root, review, criteria, aliases)  # for rules on the coding
    return Screened(criteria, tuple(sheets), screen(unique, criteria, sheets, aliases, coded))


@dataclass(frozen=True, slots=True)
class ToScreen:
    """One stage's sheet to screen from: its rows (``TO_SCREEN_COLUMNS``), the most likely
    relevant first when the stage is ranked, with each record's score and the stopping
    guidance as notes."""

    stage: str
    rows: list[list[Any]]
    ranked: bool
    notes: list[str]
    reasons: tuple[str, ...]  # what a decision may give as its reason at this stage
    scores: dict[str, float]  # a ranked stage's model scores, by record (none otherwise)


def to_screen(review: Review, screened: Screened, unique: Sequence[Record],
              aliases: Mapping[str, str]) -> list[ToScreen]:
    """Every stage's sheet to screen from; the title/abstract stage ranked by what its
    decisions so far teach when the review asks for prioritisation."""
    from litreview.screening import prioritise, stage_reasons, to_screen_rows

    by_id = {r.record_id: r for r in unique}
    stages = screened.result.stages
    ranked = next((s.stage.id for s in stages if s.stage.kind == "screening"),
                  None) if review.prioritise else None
    previous = {r.record_id for r in unique  # an update's records left from before
                if review.update_of and not review.search_round(r.searched)}
    out = []
    for stage in stages:
        rows = to_screen_rows(stage, by_id, previous)
        notes: list[str] = []
        scores: dict[str, float] = {}
        if stage.stage.id == ranked:
            ranking = prioritise(stage, by_id, screened.sheets, aliases)
            notes, scores = ranking.notes, ranking.scores
            position = {rid: i for i, rid in enumerate(ranking.order)}
            rows.sort(key=lambda row: position.get(row[0], len(position)))
        out.append(ToScreen(stage.stage.id, rows, stage.stage.id == ranked, notes,
                            stage_reasons(stage.stage, screened.criteria), scores))
    return out


# --- PRISMA -------------------------------------------------------------------------------


def study_links(path: str | Path | None, aliases: Mapping[str, str]) -> StudyLinks | None:
    """Reports of one study (``screening/studies.csv``: the links and reading warnings),
    or None when there is no sheet."""
    from litreview.reporting import read_studies_sheet

    return read_studies_sheet(path, aliases) if path and Path(path).is_file() else None


def count_prisma(review: Review, criteria: Criteria, aliases: Mapping[str, str],
                 source_of: Mapping[str, str], outcomes: Sequence[Outcome], *,
                 searched_of: Mapping[str, str] | None = None,
                 set_aside: Mapping[str, Sequence[str]] | None = None,
                 study_of: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every PRISMA 2020 count. ``source_of`` maps each imported record to its source's
    name; ``searched_of`` its search date (needed for an update's own records)."""
    from litreview.reporting import prisma_counts

    new_records = ({rid for rid, searched in (searched_of or {}).items()
                    if review.search_round(searched)} if review.update_of else None)
    return prisma_counts(review, source_of, aliases, outcomes, criteria,
                         new_records=new_records, set_aside=set_aside, study_of=study_of)


# --- the whole review ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """Every stage's results for one review, from its input files alone."""

    review: Review
    imports: dict[str, SourceImport]  # by source slug
    dedupe: Deduplicated
    hits: dict[str, list[LineHits]]  # by database slug, for databases with a strategy
    screened: Screened
    study_of: dict[str, str] | None
    counts: dict[str, Any]
    coding: Coding | None  # None: the review has no coding form


def run_review(root: Path) -> Run:
    """Every stage in a row, in memory, as the workflow runs them."""
    from litreview.pipeline.coding import code_review

    review = load_review(root)
    imports = {s.slug: import_source(root, s) for s in review.sources}
    pairs = root / PAIR_SHEET
    dedupe = deduplicate_sources([imports[s.slug].records for s in review.sources],
                                 read_pairs(pairs).decisions, update_of=review.update_of,
                                 pair_sheet=str(pairs))
    hits = {s.slug: database_hits(root, s, imports[s.slug].records)
            for s in review.databases if s.strategy}
    groups = dedupe.result.groups
    screened = screen_review(root, review, dedupe.result.unique, groups)
    links = study_links(root / STUDIES_SHEET, groups)
    study_of = links.study_of if links else None
    counts = count_prisma(
        review, screened.criteria, groups, {r.record_id: r.database for r in dedupe.records},
        screened.outcomes, searched_of={r.record_id: r.searched for r in dedupe.records},
        set_aside=set_aside_dates(review, {slug: [r.problem.file for r in i.rejects]
                                           for slug, i in imports.items()}),
        study_of=study_of)
    by_id = {r.record_id: r for r in dedupe.result.unique}
    coding = code_review(root, review, screened.result, by_id, groups, study_of)
    return Run(review, imports, dedupe, hits, screened, study_of, counts, coding)

