"""Provenance of an export ``litreview search run`` saved: its sidecar
(``eric_2026-05-01.search.json``) says which API was searched, with what query and request,
and when; each record of the export keeps that in its original fields (``_service``,
``_query``, ``_request``, ``_searched_at``), as a platform's export header is kept."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from litreview.core.errors import InputError, Problem
from litreview.core.records import Record
from litreview.core.review import sidecar_of
from litreview.importers.context import original_json


def search_provenance(path: Path, name: str) -> dict[str, str]:
    """The fields the sidecar beside ``path`` gives each record; none without a sidecar.
    ``name`` is the export as messages name it."""
    sidecar = sidecar_of(path)
    if not sidecar.is_file():
        return {}
    shown = str(sidecar_of(name))
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InputError(Problem(shown, f"the record of the search that saved {name} cannot "
                                 f"be read ({error})", hint="restore it from the search, or "
                                 "remove it: the export then imports without provenance")) \
            from None
    if not isinstance(data, dict):
        raise InputError(Problem(shown, "not the record of a search (a JSON object)"))
    requests = data.get("requests") or [""]
    fields = {"_service": data.get("service"), "_query": data.get("query"),
              "_request": requests[0], "_searched_at": data.get("started")}
    return {key: str(value) for key, value in fields.items() if value}


def with_provenance(records: Sequence[Record], provenance: dict[str, str]) -> list[Record]:
    """The records, each with the search's provenance among its original fields."""
    if not provenance:
        return list(records)
    return [replace(r, original=original_json({**r.original_fields(), **provenance}))
            for r in records]
