"""RIS tags → record fields (the rules below); who wrote the file.

* authors are ``AU`` and ``A1``; ``A2``-``A4`` (editors, or cited references in Ovid
  PsycINFO) are used only when a record has no ``AU``/``A1``;
* ``KW`` → keywords, always. ``DE`` and ``MH`` → subjects. ``KW`` → subjects as well
  when the record carries a ``DB`` tag: a host-database export (EBSCOhost, ProQuest,
  Ovid, Embase), whose ``KW`` are that database's thesaurus descriptors;
* the journal is ``JF``, ``JO``, ``T2``, ``JA`` or ``J2``, else ``SO`` (the source
  title of Web of Science and the tools that copy its tags);
* the year is the first plausible year in ``PY``, ``Y1`` or ``DA``, else the year of the
  one 8-digit date there (TRID's ``Start date: 20170812``); a record whose dates give no
  year is told in a warning (its dates stay in the original fields);
* the accession id is ``AN``, else ``ID``, else Embase's ``U2`` (``L123…``), else the
  Scopus EID inside the record URL (``eid=2-s2.0-…``), else the ``AN=`` of a record URL
  (EBSCOhost's RIS may carry its accession number only there): the ids the CSV exports of the
  same databases carry, so a record gets one ``record_id`` in either format. But ``ID``
  is also where tools number the records of one export (Nested Knowledge: 1, 2, 3…) or
  write a reference manager's record number (EndNote: 884, 889…) or citation key
  (``Kassin1997``): none of these names the paper, and as an id they would move a
  screening decision to another paper when a second export numbers from 1 again. So
  ``ID`` is an accession only when it is not a whole number below 100,000 (Ovid's PMIDs,
  Embase and CINAHL numbers are larger; ERIC's ``EJ…`` and PsycINFO's ``2019-…`` are not
  numbers), the file's whole-number ``ID`` values do not run consecutively (three or more,
  each the last plus one: a running number however large), and it is no citation key
  (:func:`~litreview.importers.fields.citation_key`). Otherwise the record has the id
  of a record without accession, a hash of its content, and ``ID`` stays in its
  original fields (and still counts as something that identifies the record in the
  tool that wrote it: such a record is not rejected).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from litreview.core.records import normalise_doi, normalise_year
from litreview.importers.context import Parsed
from litreview.importers.doctypes import RIS_TYPES
from litreview.importers.fields import citation_key, pages

_EMBASE_ID = re.compile(r"L\d{6,}")
_SCOPUS_EID = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
#: The accession number in a platform's record link (``...login.aspx?...&AN=149876543``).
_URL_ACCESSION = re.compile(r"[?&]AN=([^&#\s]+)")
#: Whole-number ``ID`` lines, looked at before reading: do they number the file's records?
_NUMBER_ID = re.compile(r"^ID  - *(\d+) *$", re.MULTILINE)
#: Below this a whole-number ``ID`` is a running or record number (see the docstring).
_SMALLEST_NUMBER_ACCESSION = 100_000
#: An 8-digit date (``20170812``): the year of a value with no year standing alone.
_DATE8 = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)")
DATE_TAGS = ("PY", "Y1", "DA")

Fields = dict[str, list[str]]


def first(fields: Fields, *tags: str) -> str:
    for tag in tags:
        for value in fields.get(tag, ()):
            if value:
                return value
    return ""


def every(fields: Fields, *tags: str) -> list[str]:
    return [v for tag in tags for v in fields.get(tag, ()) if v]


def numbers_records(text: str) -> bool:
    """Whether the file's whole-number ``ID`` values run consecutively (at least three):
    the export numbers its records, whatever the numbers' size."""
    if "ID  -" not in text:  # most exports: no ID tag to scan for
        return False
    numbers = {int(value) for value in _NUMBER_ID.findall(text)}
    return len(numbers) >= 3 and max(numbers) - min(numbers) + 1 == len(numbers)


def dialect(out: Parsed, ovid: bool) -> str:
    """Who wrote the file, as its first record shows: Ovid's numbering, else the host
    database (``DB``), the platform (``DP``), the export header, or Rayyan's ids."""
    if not out.records:
        return "Ovid" if ovid else ""
    first = out.records[0].original_fields()
    host = (first.get("DB") or first.get("DP") or first.get("_database")
            or first.get("_provider") or "")
    host = (host[0] if isinstance(host, list) else host).split("\n")[0].split("<")[0].strip()
    accession = str(first.get("AN", ""))
    if accession.startswith("rayyan-"):
        host = "Rayyan"
    elif accession.startswith("WOS:"):
        host = host or "Web of Science"
    return f"Ovid {host}".strip() if ovid else host


def _doi(fields: Fields) -> str:
    """``DO``, else a resolver URL in ``UR``/``L1``/``L2``, else a DOI in ``M3``/``N1``.

    Only resolver URLs count: a publisher link may carry another, URL-encoded DOI.
    """
    doi = first(fields, "DO")
    if doi:
        return doi
    for url in every(fields, "UR", "L2", "L1"):
        if "doi.org/" in url:
            return url
    return next((v for v in every(fields, "M3", "N1") if normalise_doi(v)), "")


def _source_id(fields: Fields, numbered_ids: bool) -> str:
    """The accession id (the rule is in the module docstring)."""
    found = first(fields, "AN") or _id_accession(first(fields, "ID"), numbered_ids)
    if found:
        return found
    embase = first(fields, "U2")
    if _EMBASE_ID.fullmatch(embase):
        return embase
    urls = every(fields, "UR", "L2", "L1")
    for pattern in (_SCOPUS_EID, _URL_ACCESSION):
        match = next((m for m in map(pattern.search, urls) if m), None)
        if match:
            return unquote(match.group(1))
    return ""


def _id_accession(value: str, numbered_ids: bool) -> str:
    """``ID`` when it is an accession, not a number or key that only the exporting tool
    knows the record by; else ``""``."""
    value = value.strip()
    if value.isdigit() and (numbered_ids or int(value) < _SMALLEST_NUMBER_ACCESSION):
        return ""
    return "" if citation_key(value) else value


def raw_fields(fields: Fields, numbered_ids: bool = False) -> dict[str, str | list[str]]:
    """The record's fields under :class:`Record` names, as the export has them."""
    authors = every(fields, "AU", "A1") or every(fields, "A2", "A3", "A4")
    keywords = every(fields, "KW")
    subjects = every(fields, "DE", "MH") + (keywords if "DB" in fields else [])
    return {
        "source_id": _source_id(fields, numbered_ids),
        "type": RIS_TYPES.get(first(fields, "TY").upper(), "other"),
        "title": first(fields, "TI", "T1", "CT", "BT", "ST"),
        "authors": authors,
        "year": _year(fields),
        "journal": first(fields, "JF", "JO", "T2", "JA", "J2", "SO"),
        "volume": first(fields, "VL"),
        "issue": first(fields, "IS"),
        "pages": pages(first(fields, "SP"), first(fields, "EP")),
        "doi": _doi(fields),
        "abstract": first(fields, "AB", "N2"),
        "keywords": keywords,
        "subjects": subjects,
        "language": first(fields, "LA"),
        "url": first(fields, "UR", "L2", "L1"),
    }


def _year(fields: Fields) -> str:
    """The first of ``PY``/``Y1``/``DA`` holding a plausible year (``"2006///"`` works),
    else the year of the one 8-digit date in them (``"Start date: 20170812"``)."""
    values = every(fields, *DATE_TAGS)
    for value in values:
        year = normalise_year(value)
        if year:
            return year
    years = {year for value in values for year in _DATE8.findall(value)}
    return years.pop() if len(years) == 1 else ""
