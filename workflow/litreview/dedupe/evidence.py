"""The evidence two records give: each field compared once (:func:`compare` → :class:`Pair`),
and each field's points for or against one work (:func:`weigh` → :class:`Score`,
Fellegi-Sunter-like log-odds)."""

from __future__ import annotations

from dataclasses import dataclass, field

from litreview.dedupe.authors import author_relation
from litreview.dedupe.match_keys import Keys
from litreview.dedupe.titles import title_similarity
from litreview.dedupe.venues import venue_relation


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each field's agreement or disagreement counts (log-odds-like points, as in
    Fellegi and Sunter's record linkage), and the score at which a pair is one work.

    ``same``, ``similar`` and ``garbled`` trade found duplicates against false merges:
    ``benchmarks/dedupe.py`` chooses them leaving one labelled set out (see its README).
    """

    same: float = 7.0      # evidence score at which a pair with no veto is one work
    similar: float = 85.0  # title similarity (0-100) from which two titles are alike
    garbled: float = -2.0  # points of a volume that looks cut, mangled or the issue
    listed: float = 4.0    # score from which a pair a year apart is shown to a person


DEFAULT_WEIGHTS = Weights()


@dataclass(slots=True)
class Pair:
    """Two records field by field: what each field says about the pair (not changed after
    :func:`compare`; not frozen, which makes it twice as quick to build)."""

    a: Keys
    b: Keys
    title: float         # 0-100
    contained: bool      # one title is the other with more words
    replaced: bool       # a word substituted for another ("adult"/"adolescent")
    doi: str             # same | conflict | ""
    authors: str         # high | mid | low | ""
    first_author: bool   # the first authors are one person
    gap: int             # years apart, -1 when a year is missing
    venue: str           # same | different | ""
    volume: str          # same | conflict | garbled (one looks cut or mangled) | ""
    pages: str           # same | loose | conflict | ""
    issue: bool          # another issue of the same volume (not a supplement)
    shifted: bool        # one database moved volume and issue down a field
    weights: Weights = DEFAULT_WEIGHTS
    exact: bool = field(init=False)    # the same title
    high: bool = field(init=False)     # near-identical titles, no word substituted
    similar: bool = field(init=False)  # alike titles (``Weights.similar``), or contained
    located: bool = field(init=False)  # the same volume and first page

    def __post_init__(self) -> None:
        self.exact = self.title == 100
        self.high = self.title >= 93 and not self.replaced
        self.similar = self.title >= self.weights.similar or self.contained
        self.located = self.volume == "same" and self.pages == "same"

    @property
    def ranged(self) -> bool:
        return self.a.page_end == self.b.page_end and self.a.page_end not in ("",
                                                                              self.a.page_start)

    @property
    def same_id(self) -> bool:
        """One DOI, or one article number in one journal."""
        a, b = self.a, self.b
        return self.doi == "same" or (a.page_token == b.page_token and len(a.page_token) >= 6
                                      and a.pages_loose and self.venue == "same")

    @property
    def sure_place(self) -> bool:
        return self.located and self.gap == 0 and self.high

    @property
    def kinds_differ(self) -> bool:
        """A conference paper and a journal article, in venues not known to be one, without
        a shared DOI."""
        a, b = self.a, self.b
        return bool(a.kind and b.kind and a.kind != b.kind and self.venue != "same"
                    and self.doi != "same")


def compare(a: Keys, b: Keys, ratio: float | None = None,
            weights: Weights = DEFAULT_WEIGHTS) -> Pair:
    """Each field of two records compared once (``ratio``: of the full titles, if known)."""
    title, contained, replaced = title_similarity(a.title, b.title, ratio)
    doi = ("same" if a.doi_base == b.doi_base else "conflict") if a.doi and b.doi else ""
    # "high" needs the first authors to match and "low" rules it out: one match at most
    authors = author_relation(a.authors, b.authors)
    first = authors == "high" or (
        authors == "mid" and a.authors.names[0].matches(b.authors.names[0]))
    pages = ""
    if a.page_start and b.page_start:
        if a.page_start == b.page_start:
            pages = "same"  # last pages differ by typing more often than by work
        elif (a.pages_loose or b.pages_loose or _overlap(a, b)
              or (a.page_end and a.page_end == b.page_end)):
            pages = "loose"
        else:
            pages = "conflict"
    volume = "same" if a.volume and a.volume == b.volume else volume_relation(a, b)
    shifted = (not a.volume and _shifted(a, b)) or (not b.volume and _shifted(b, a))
    if shifted:
        volume, pages = "same", ""
    # Another issue of the same volume is another item, unless the pages say otherwise.
    issue = a.issue != b.issue and not shifted and _issues_differ(a.issue, b.issue, pages)
    return Pair(a, b, title, contained, replaced, doi, authors,
                first, abs(a.year - b.year) if a.year and b.year else -1,
                venue_relation(a.venue, b.venue), volume, pages, issue, shifted, weights)


def _issues_differ(a: str, b: str, pages: str) -> bool:
    """Two issues of one volume, unless the first pages agree. Numbers above 99 are
    whole-numbering or record numbers, filled unevenly. A supplement ("s1") belongs to an
    issue another database may give instead: against a plain issue only pages that differ
    tell them apart (an abstract in the supplement, the article in an issue)."""
    if not (a and b) or a == b or pages == "same":
        return False
    if a.startswith("s") != b.startswith("s"):
        return bool(pages)
    return len(a) < 3 and len(b) < 3 and "s" not in (a, b)


def volume_relation(a: Keys, b: Keys) -> str:
    """``garbled`` when one volume is the other cut short ("6" or "1" for "61"), was
    exported mangled ("1)") or is the other record's issue in the volume's place: a
    disagreement that says little."""
    if not (a.volume and b.volume):
        return ""
    if a.volume == b.volume:
        return "same"
    short, long = sorted((a.volume, b.volume), key=len)
    if a.volume_odd or b.volume_odd or (len(short) < len(long) and (
            long.startswith(short) or long.endswith(short))) \
            or a.volume == b.issue or b.volume == a.issue:
        return "garbled"
    return "conflict"


def _shifted(a: Keys, b: Keys) -> bool:
    """``a`` is ``b`` with its fields moved up one place: no volume, ``b``'s volume as the
    issue and ``b``'s issue as a single page ("v i26 p9" for "v26 i9 p1746")."""
    return bool(not a.volume and a.issue and b.issue and a.issue == b.volume
                and a.page_start == b.issue and a.page_end in ("", a.page_start))


def _overlap(a: Keys, b: Keys) -> bool:
    """Page ranges that overlap: a letter and the reply printed on its last page."""
    try:
        a0, b0 = int(a.page_start), int(b.page_start)
        a1, b1 = int(a.page_end or a0), int(b.page_end or b0)
    except ValueError:
        return False
    return a0 <= b1 and b0 <= a1


# --- evidence: each field's points --------------------------------------------------

def _doi_points(p: Pair) -> tuple[float, str]:
    return (4.0, "DOI") if p.doi == "same" else (0.0, "")


def _title_points(p: Pair) -> tuple[float, str]:
    if p.exact:
        return 3.0, "title"
    if p.high:
        return 2.0, "title"
    if p.replaced:
        return -2.0, "a word of the title"
    return (1.0, "title") if p.similar else (0.0, "")


def _author_points(p: Pair) -> tuple[float, str]:
    if p.authors == "low":
        return -3.0, "authors"
    points = 2.0 * p.first_author + (p.authors == "high")
    return (points, "first author") if points else (0.0, "")


def _year_points(p: Pair) -> tuple[float, str]:
    if p.gap == 0:
        return 1.0, "year"
    return (-1.0, "year") if p.gap > 0 else (0.0, "")


def _venue_points(p: Pair) -> tuple[float, str]:
    if p.venue == "same":
        return 1.0, "journal"
    return (-2.0, "journal") if p.venue == "different" else (0.0, "")


def _volume_points(p: Pair) -> tuple[float, str]:
    return {"same": (1.0, "volume"), "garbled": (p.weights.garbled, "volume"),
            "conflict": (-3.0, "volume")}.get(p.volume, (0.0, ""))


def _issue_points(p: Pair) -> tuple[float, str]:
    return (-3.0, "issue") if p.issue else (0.0, "")


def _pages_points(p: Pair) -> tuple[float, str]:
    if p.pages == "same":
        return (1.0 if p.a.page_start == "1" else 2.0), "pages"
    return (-3.0, "pages") if p.pages == "conflict" else (0.0, "")


def _kind_points(p: Pair) -> tuple[float, str]:
    return (-2.0, "kind of venue") if p.kinds_differ else (0.0, "")


EVIDENCE = (_doi_points, _title_points, _author_points, _year_points, _venue_points,
            _volume_points, _issue_points, _pages_points, _kind_points)


@dataclass(frozen=True, slots=True)
class Score:
    points: float
    agree: tuple[str, ...]     # fields that agree
    disagree: tuple[str, ...]  # fields that disagree


def weigh(p: Pair) -> Score:
    """The sum of every field's points, with the names of the fields for and against."""
    total, agree, disagree = 0.0, [], []
    for evidence in EVIDENCE:
        points, name = evidence(p)
        total += points
        if points > 0:
            agree.append(name)
        elif points < 0:
            disagree.append(name)
    return Score(total, tuple(agree), tuple(disagree))

