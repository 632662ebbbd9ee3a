"""One record from a reader's raw fields: cleaned, split and given its stable id."""

from __future__ import annotations

import re
from collections.abc import Mapping

from litreview.core.errors import Problem
from litreview.core.languages import normalise_language
from litreview.core.records import Record, make_record_id, normalise_doi, normalise_year
from litreview.core.text import clean_text
from litreview.importers.context import Context, RawValue, original_json
from litreview.importers.controls import without_controls
from litreview.importers.fields import (
    accession_id,
    first_url,
    fixed_text,
    split_authors,
    split_terms,
)
from litreview.importers.markup import strip_markup

#: What exports write in a DOI field for "none": no DOI, and nothing to say about it.
_NO_DOI = re.compile(r"[-–—.\s]*|n\.?\s?/?\s?[ap]\.?|none|null|nil|no doi|not available",
                     re.IGNORECASE)


def _warn_not_a_doi(ctx: Context, line: int, value: str) -> None:
    """A DOI field whose value is no DOI (``10.1/abc``): left out of ``doi``, said."""
    if _NO_DOI.fullmatch(value):
        return
    shown = value if len(value) <= 80 else value[:77] + "..."
    ctx.warn(Problem(ctx.source_file, f"DOI '{shown}' is not a DOI (10.NNNN/...): left out "
                     "of the doi field, kept in the original fields", line,
                     hint="a DOI starts with 10., four to nine digits and a slash; correct "
                     "it in the export if it was cut or mistyped"))


def build_record(ctx: Context, position: int, line: int, raw: Mapping[str, RawValue],
                 original: Mapping[str, RawValue] | None = None) -> Record:
    """Normalise one reader's raw fields into a :class:`Record` with a stable id.

    ``raw`` keys are Record field names; ``authors``, ``keywords`` and ``subjects`` are
    split here (readers pass what the file holds), ``pages`` must already be joined.
    ``original`` is the record as the export has it (tag or column → value), kept whole.
    Control characters are removed from both first, and said (see :func:`without_controls`).
    """
    raw, original = without_controls(ctx, line, raw, original)

    def raw_text(name: str) -> str:
        value = raw.get(name)
        return value if isinstance(value, str) else "; ".join(value or ())

    def text(name: str) -> str:
        return clean_text(raw_text(name))

    markup = _as_it_is if ctx.own_table else strip_markup
    title = fixed_text(markup(raw_text("title")))
    authors = split_authors(raw.get("authors"))
    doi = normalise_doi(text("doi"))
    if not doi and text("doi"):
        _warn_not_a_doi(ctx, line, text("doi"))
    year = normalise_year(text("year"))
    source_id = accession_id(text("source_id"))
    return Record(
        record_id=make_record_id(ctx.database, source_id, doi, title, year, authors,
                                 "" if title or doi else markup(raw_text("abstract"))),
        database=ctx.database,
        source_file=ctx.source_file,
        source_position=position,
        source_id=source_id,
        type=text("type") or "other",
        title=title,
        authors=authors,
        year=year,
        journal=fixed_text(raw_text("journal")),
        volume=text("volume"),
        issue=text("issue"),
        pages=text("pages"),  # joined by the reader with pages()
        doi=doi,
        abstract=fixed_text(markup(raw_text("abstract"))),
        keywords=split_terms(raw.get("keywords")),
        subjects=split_terms(raw.get("subjects")),
        language=normalise_language(raw_text("language")),
        url=first_url(text("url")),
        source_line=line,
        searched=ctx.searched,
        original=original_json(original) if original else "",
    )


def _as_it_is(value: str) -> str:
    return value
