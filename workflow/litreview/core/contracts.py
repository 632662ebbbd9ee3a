"""The vocabularies and columns the stages hand each other through files: a record's
status at a screening stage, a reviewer's decision, and the header of each table the
workflow writes that a team may read back."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A record's outcome at one screening stage, as ``status.csv`` spells it."""

    INCLUDED = "included"
    EXCLUDED = "excluded"
    AUTOMATION = "automation"  # excluded by a criterion's automatic rule
    NOT_RETRIEVED = "not_retrieved"  # the full text could not be had
    AWAITING = "awaiting"
    CONFLICT = "conflict"  # reviewers disagree and nobody has resolved it


#: What a reviewer may write in a decision sheet's ``decision`` column.
DECISIONS = ("include", "exclude", "unsure")
#: The reason code of a full text that could not be retrieved.
NOT_RETRIEVED = Status.NOT_RETRIEVED.value

#: A decision sheet's columns (``screening/decisions/<stage>[-<reviewer>].csv``).
SHEET_COLUMNS = ("record_id", "decision", "reason", "reviewer", "date", "note")
#: ``results/screening/<stage>/to_screen.csv``: the sheet to screen from.
TO_SCREEN_COLUMNS = ("record_id", "title", "abstract", "authors", "year", "journal", "sources",
                     "doi", "url", "keywords", "subjects", "status", *SHEET_COLUMNS[1:])
#: ``results/screening/status.csv``: every record's outcome at every stage it reached.
STATUS_COLUMNS = ("record_id", "stage", "status", "reason", "decided_by", "note")
#: ``results/screening/<stage>/agreement.csv``: each pair of reviewers' agreement.
AGREEMENT_COLUMNS = ("stage", "reviewer_a", "reviewer_b", "both_decided", "agreed",
                     "percent_agreement", "kappa")
#: ``results/screening/<stage>/conflicts.csv``.
CONFLICT_COLUMNS = ("stage", "record_id", "decisions", "resolution")
#: ``results/robustness/studies.csv``'s first columns: each coded study (its fields and
#: typology levels follow, by the review's coding form).
STUDIES_COLUMNS = ("record_id", "year", "title")
#: The extra columns of ``unique.csv`` and ``included.csv`` after a records file's own.
UNIQUE_EXTRA_COLUMNS = ("sources", "members")
