"""Deduplication benchmark: accuracy and speed on the labelled sets, against bib-dedupe.

Reads ../shared/realdata/dedup/<dataset>/records_pre_merged.csv (one row per record) and
merged_record_ids.csv (one row per true duplicate group), runs ``litreview.dedupe.grouping`` and,
in the same run, bib-dedupe from PyPI; then times both on a 100,000-record scale set made
from the benchmark records with the perturbations databases introduce.

Counting follows bib-dedupe (``compare_dedupe_id``): for each true group with k members
kept, k = 0 is one false positive (a work lost) and |G|-1 true positives, k >= 1 is one
true negative, k-1 false negatives and |G|-k true positives; a unique record kept is a
true negative, removed a false positive. Pairwise precision, recall and F1 count every
pair of records put in one group.

bib-dedupe runs in its own environment: ``BIB_DEDUPE_PYTHON=/path/to/python`` (default
``/tmp/bibdedupe/bin/python`` if present, else this interpreter if it can import it).

    python benchmarks/dedupe.py                      # everything
    python benchmarks/dedupe.py --datasets stroke --no-bib-dedupe --scale 0

Garbled exports: one member of 30 % of the true groups of each set is rewritten the way
real exports garble a field (author lists run together, a volume cut or mangled, a
supplement issue, "S"-prefixed pages, a conference in the journal field, "Anonymous"
authors, a title in capitals or brackets, a DOI dropped), one kind at a time, seeded; the
garbled pairs found and the false merges are printed for these rules and for the rules of
``--against`` (a git revision, extracted to a temporary folder and run in a subprocess).

Leave one dataset out: the three parameters that trade found duplicates against false
merges (``Weights.same``, ``similar``, ``garbled``) are chosen on four sets, as exported and
garbled (see :func:`choose` for the objective), and the fifth is scored with them; the
chosen values are printed per fold. ``--extra DIR`` scores further sets in the same layout,
never tuned on, with the values chosen on all five.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow"))

from litreview.core.records import Record  # noqa: E402
from litreview.dedupe.grouping import deduplicate  # noqa: E402
from litreview.dedupe.rules import DEFAULT_WEIGHTS, Verdict, Weights, judge, keys  # noqa: E402
from litreview.importers.common import Context, build_record, type_from_name  # noqa: E402

DATA = REPO.parent / "shared" / "realdata" / "dedup"
DATASETS = ("respiratory", "haematology", "stroke", "cytology_screening", "digital_work")
SCALE_SEED = 20240601
#: The commit whose rules the garbled-exports table compares with: before issue 12.
RULES_BEFORE = "4d56a63"

Groups = list[list[str]]


# --- data ----------------------------------------------------------------------------

def record_from_row(row: dict[str, str], ctx: Context, position: int) -> Record:
    """A BibTeX-style CSV row as the importers would make it; ``ID`` is the record id."""
    raw = {
        "title": row.get("title") or "",
        "authors": row.get("author") or "",  # " and "-separated; split_authors splits it
        "year": row.get("year") or "",
        "journal": row.get("journal") or row.get("booktitle") or "",
        "volume": row.get("volume") or "",
        "issue": row.get("number") or "",
        "pages": row.get("pages") or "",
        "doi": row.get("doi") or "",
        "abstract": row.get("abstract") or "",
        "type": type_from_name(row.get("ENTRYTYPE")),
        "source_id": row.get("ID") or "",
    }
    return replace(build_record(ctx, position, position + 1, raw), record_id=row["ID"])


def load(name: str | Path) -> tuple[list[Record], Groups]:
    """A labelled set: a name under ``DATA`` or a folder in the same layout."""
    folder = DATA / name
    path = folder / "records_pre_merged.csv"
    ctx = Context(database=name, source_file=str(path))
    with open(path, newline="", encoding="utf-8") as handle:
        records = [record_from_row(row, ctx, n) for n, row in enumerate(csv.DictReader(handle))]
    with open(folder / "merged_record_ids.csv", newline="", encoding="utf-8") as handle:
        groups = [row["merged_ids"].split(";") for row in csv.DictReader(handle)]
    return records, groups


# --- counting --------------------------------------------------------------------------

@dataclass
class Score:
    records: int = 0
    true_groups: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    pair_tp: int = 0
    pairs_found: int = 0
    pairs_true: int = 0
    seconds: float = 0.0
    peak_mb: float = 0.0

    def __iadd__(self, other: Score) -> Score:
        for name in self.__dataclass_fields__:
            if name == "peak_mb":
                self.peak_mb = max(self.peak_mb, other.peak_mb)
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def sensitivity(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def specificity(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else 1.0

    @property
    def precision(self) -> float:
        return self.pair_tp / self.pairs_found if self.pairs_found else 1.0

    @property
    def recall(self) -> float:
        return self.pair_tp / self.pairs_true if self.pairs_true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(records: Sequence[Record], truth: Groups, found: Iterable[Sequence[str]]) -> Score:
    """Count the bib-dedupe way, plus pairwise; ``found`` are the predicted groups."""
    group_of = {r.record_id: r.record_id for r in records}
    order = {r.record_id: n for n, r in enumerate(records)}
    for group in found:
        keep = min(group, key=order.__getitem__)  # the first in input order is kept
        for member in group:
            group_of[member] = keep
    kept = {rid for rid, keep in group_of.items() if rid == keep}
    s = Score(records=len(records), true_groups=len(truth))
    true_of: dict[str, int] = {}
    for n, group in enumerate(truth):
        k = sum(member in kept for member in group)
        if k == 0:
            s.fp += 1
            s.tp += len(group) - 1
        else:
            s.tn += 1
            s.fn += k - 1
            s.tp += len(group) - k
        true_of.update((member, n) for member in group)
    for record in records:
        if record.record_id not in true_of:
            s.tn += record.record_id in kept
            s.fp += record.record_id not in kept
    members: dict[str, list[str]] = defaultdict(list)
    for rid, keep in group_of.items():
        members[keep].append(rid)
    for group in members.values():
        s.pairs_found += len(group) * (len(group) - 1) // 2
        s.pair_tp += sum(1 for a, b in combinations(group, 2)
                         if a in true_of and true_of[a] == true_of.get(b))
    s.pairs_true = sum(len(g) * (len(g) - 1) // 2 for g in truth)
    return s


# --- running -------------------------------------------------------------------------

def _ours_child(records: list[Record], connection: object) -> None:
    start = time.perf_counter()
    result = deduplicate(records)
    seconds = time.perf_counter() - start
    members: dict[str, list[str]] = defaultdict(list)
    for rid, group in result.groups.items():
        members[group].append(rid)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    connection.send((seconds, peak, [g for g in members.values() if len(g) > 1],  # type: ignore[attr-defined]
                     len(result.uncertain)))


def run_ours(records: list[Record]) -> tuple[float, float, Groups, int]:
    """Deduplicate in a fresh process, so its peak resident memory is this run's alone."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_ours_child, args=(records, child))
    process.start()
    child.close()
    seconds, peak, groups, uncertain = parent.recv()
    process.join()
    return seconds, peak, groups, uncertain


_BIB_DEDUPE = """
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep
records = pd.read_csv(sys.argv[1])
start = time.perf_counter()
matched = match(block(prep(records, verbosity_level=0), verbosity_level=0), verbosity_level=0)
groups = cluster(matched, verbosity_level=0)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "groups": groups}))
"""


def bib_dedupe_python() -> str | None:
    """A Python that can import bib_dedupe: $BIB_DEDUPE_PYTHON, /tmp/bibdedupe, or this one."""
    for candidate in (os.environ.get("BIB_DEDUPE_PYTHON"), "/tmp/bibdedupe/bin/python",
                      sys.executable):
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import bib_dedupe"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


def bib_dedupe_version(python: str) -> str:
    done = subprocess.run([python, "-c", "from importlib.metadata import version; "
                           "print(version('bib-dedupe'))"], capture_output=True, text=True)
    return done.stdout.strip() or "(version unknown)"


def run_bib_dedupe(python: str, csv_path: Path) -> tuple[float, float, Groups]:
    done = subprocess.run([python, "-c", _BIB_DEDUPE, str(csv_path)], capture_output=True,
                          text=True, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["seconds"], out["peak_mb"], out["groups"]


# --- the scale set ---------------------------------------------------------------------

_STOP = {"of", "the", "and", "in", "for", "on", "&"}


def _abbreviate_journal(name: str, rng: random.Random) -> str:
    words = [w for w in re.split(r"[\s,.:]+", name) if w and w.lower() not in _STOP]
    form = rng.choice(("iso", "upper", "lower"))
    if form == "iso":
        return " ".join(w[:rng.choice((3, 4, 5))] if len(w) > 5 else w for w in words)
    return name.upper() if form == "upper" else name.lower()


def _author_form(name: str, form: str) -> str:
    if "," not in name:
        return name
    surname, given = (p.strip() for p in name.split(",", 1))
    initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)
    if form == "initials":  # "Smith, J. K."
        return f"{surname}, {' '.join(c + '.' for c in initials)}"
    if form == "vancouver":  # "Smith JK"
        return f"{surname} {initials}"
    if form == "given-first":  # "J. K. Smith"
        return f"{' '.join(c + '.' for c in initials)} {surname}"
    return name


def _pages_form(pages: str, rng: random.Random) -> str:
    match = re.fullmatch(r"(\d+)-(\d+)", pages)
    if not match or rng.random() < 0.5:
        return pages
    first, last = match.groups()
    if len(first) == len(last) and rng.random() < 0.6:  # "1351-9"
        k = next((n for n in range(len(first)) if first[n] != last[n]), len(last) - 1)
        return f"{first}-{last[k:]}"
    return f"{first}--{last}"


def perturb(record: Record, rng: random.Random, copy: int) -> Record:
    """Another database's export of the same record: the differences met in the wild."""
    title = record.title
    roll = rng.random()
    if roll < 0.2:
        title = title.upper()
    elif roll < 0.35:
        title = title.lower()
    if rng.random() < 0.3:
        title = re.sub(r"[:;,.?!\"']", rng.choice(("", " ")), title)
    if rng.random() < 0.15:
        title = title.rstrip(".") + "."
    if rng.random() < 0.05 and len(title) > 20:  # one mistyped letter
        k = rng.randrange(1, len(title) - 1)
        title = title[:k] + title[k + 1] + title[k] + title[k + 2:]
    form = rng.choice(("as-is", "initials", "vancouver", "given-first"))
    authors = tuple(_author_form(a, form) for a in record.authors)
    if rng.random() < 0.1 and len(authors) > 3:
        authors = authors[:3]
    journal = _abbreviate_journal(record.journal, rng) if rng.random() < 0.4 else record.journal
    doi = record.doi
    if doi and rng.random() < 0.3:
        doi = "" if rng.random() < 0.5 else doi.upper()
    fields = {"volume": record.volume, "issue": record.issue, "abstract": record.abstract}
    for name in fields:
        if rng.random() < 0.15:
            fields[name] = ""
    pages = "" if rng.random() < 0.1 else _pages_form(record.pages, rng)
    return replace(record, record_id=f"{record.record_id}#{copy}", title=title,
                   authors=authors, journal=journal if rng.random() > 0.05 else "",
                   pages=pages, doi=doi, database=f"copy{copy % 6}", **fields)


def scale_set(size: int) -> tuple[list[Record], Groups]:
    """``size`` records: every benchmark record, then perturbed copies in turn; the truth
    is each original's true group with all the copies of its members."""
    base: list[Record] = []
    truth_of: dict[str, int] = {}
    truth: Groups = []
    for name in DATASETS:  # ids are unique within a dataset only
        records, groups = load(name)
        offset = len(truth)
        truth += [[f"{name}:{m}" for m in g] for g in groups]
        truth_of.update((f"{name}:{m}", offset + n) for n, g in enumerate(groups) for m in g)
        base += [replace(r, record_id=f"{name}:{r.record_id}") for r in records]
    rng = random.Random(SCALE_SEED)
    out = list(base)
    copy = 0
    while len(out) < size:
        copy += 1
        for record in base:
            if len(out) == size:
                break
            twin = perturb(record, rng, copy)
            out.append(twin)
            if record.record_id not in truth_of:
                truth_of[record.record_id] = len(truth)
                truth.append([record.record_id])
            truth[truth_of[record.record_id]].append(twin.record_id)
    return out, [g for g in truth if len(g) > 1]


# --- garbled exports -------------------------------------------------------------------
# One member of a share of the true groups rewritten the way real exports garble a field,
# one kind at a time; each kind's garbled pairs are scored for the rules in this tree and
# for an earlier revision's rules, each in its own process.

GARBLE_SEED = 20241206
GARBLE_SHARE = 0.3
_CONFERENCES = ("British Cardiovascular Society Annual Conference 2012. Manchester United "
                "Kingdom", "European Congress of Clinical Microbiology and Infectious "
                "Diseases 2015. Copenhagen Denmark", "Annual Scientific Meeting of the "
                "Society 2018. Melbourne VIC Australia")


def _run_together(r: Record, rng: random.Random) -> Record | None:
    """"Adeli K.Lewis G. F." (or in capitals): one string, no separator between names."""
    if len(r.authors) < 2:
        return None
    names = []
    for author in r.authors:
        surname, _, given = author.partition(",")
        initials = " ".join(w[0].upper() + "." for w in re.split(r"[\s.\-]+", given) if w)
        names.append(f"{surname.strip()} {initials}".strip())
    text = "".join(names)
    return replace(r, authors=(text.upper() if rng.random() < 0.5 else text,))


def _volume_mangled(r: Record, rng: random.Random) -> Record | None:
    """"61" exported as "1)", cut to "6", or the issue in its place."""
    volume = r.volume.strip()
    if not volume.isdigit():
        return None
    forms = [volume[1:] + ")", volume[:-1]] if len(volume) > 1 else []
    if re.fullmatch(r"\d{1,2}", r.issue.strip()) and r.issue.strip() != volume:
        forms.append(r.issue.strip())  # an issue, not a record number
    return replace(r, volume=rng.choice(forms)) if forms else None


def _issue_supplement(r: Record, rng: random.Random) -> Record | None:
    number = r.issue.strip() or "1"
    return replace(r, issue=rng.choice(("SUPPL. 1", "Suppl 1", f"{number} Suppl. 1")))


def _pages_supplement(r: Record, rng: random.Random) -> Record | None:
    """"S354" for "354" (and "S354-S356" for "354-356")."""
    if not re.match(r"\d", r.pages):
        return None
    return replace(r, pages=re.sub(r"(?<![\w])(\d+)", r"S\1", r.pages))


def _journal_conference(r: Record, rng: random.Random) -> Record | None:
    if not r.journal:
        return None
    return replace(r, journal=f"{r.journal}. Conference: {rng.choice(_CONFERENCES)}")


def _anonymous(r: Record, rng: random.Random) -> Record | None:
    return replace(r, authors=("Anonymous",)) if r.authors else None


def _title_form(r: Record, rng: random.Random) -> Record | None:
    """Upper case with a trailing period, or MEDLINE's translated title in brackets."""
    if not r.title:
        return None
    title = r.title.strip().rstrip(".")
    return replace(r, title=title.upper() + "." if rng.random() < 0.5 else f"[{title}]")


def _doi_dropped(r: Record, rng: random.Random) -> Record | None:
    return replace(r, doi="") if r.doi else None


GARBLES: dict[str, Callable[[Record, random.Random], Record | None]] = {
    "authors run together": _run_together,
    "volume mangled": _volume_mangled,
    "issue supplement": _issue_supplement,
    "pages S-prefixed": _pages_supplement,
    "journal + conference": _journal_conference,
    "authors Anonymous": _anonymous,
    "title upper/[bracketed]": _title_form,
    "DOI dropped": _doi_dropped,
}


@dataclass
class GarbledSet:
    records: list[Record]
    truth: Groups
    pairs: list[tuple[str, str]]  # (garbled record, another member of its true group)


def garbled(name: str, records: list[Record], truth: Groups, *kinds: str) -> GarbledSet:
    """``records`` with one member of a share of the true groups garbled by one of
    ``kinds`` (drawn per group; seeded by set and kinds), and the true pairs it touches."""
    rng = random.Random(f"{GARBLE_SEED}:{name}:{'+'.join(kinds)}")
    by_id = {r.record_id: n for n, r in enumerate(records)}
    out = list(records)
    pairs: list[tuple[str, str]] = []
    for group in truth:
        if rng.random() >= GARBLE_SHARE:
            continue
        rewrite = GARBLES[rng.choice(kinds)] if len(kinds) > 1 else GARBLES[kinds[0]]
        for member in rng.sample(group, len(group)):
            new = rewrite(records[by_id[member]], rng)
            if new is not None and new != records[by_id[member]]:
                out[by_id[member]] = new
                pairs += [(member, other) for other in group if other != member]
                break
    return GarbledSet(out, truth, pairs)


_RUN_RULES = """
import json, sys
from collections import defaultdict
try:  # the package by stage, or the flat package of older revisions
    from litreview.core.records import Record
    from litreview.dedupe.grouping import deduplicate
except ImportError:
    from litreview.dedupe import deduplicate
    from litreview.records import Record
out = []
for job in json.load(sys.stdin):
    result = deduplicate([Record(**{**r, "authors": tuple(r["authors"])}) for r in job])
    members = defaultdict(list)
    for rid, group in result.groups.items():
        members[group].append(rid)
    out.append([[g for g in members.values() if len(g) > 1], len(result.uncertain)])
print(json.dumps(out))
"""
_SHIPPED = ("record_id", "database", "source_file", "source_position", "type", "title",
            "authors", "year", "journal", "volume", "issue", "pages", "doi", "abstract")


def run_rules(package: Path, jobs: list[list[Record]]) -> list[tuple[Groups, int]]:
    """Deduplicate each job with the ``litreview`` package under ``package``, in a
    subprocess: its found groups and uncertain pairs."""
    payload = json.dumps([[{f: getattr(r, f) for f in _SHIPPED} for r in job]
                          for job in jobs])
    done = subprocess.run([sys.executable, "-c", _RUN_RULES], input=payload, text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(package)})
    if done.returncode:
        raise SystemExit(f"rules under {package} failed:\n{done.stderr}")
    return [(groups, uncertain) for groups, uncertain in json.loads(done.stdout)]


def extract_rules(revision: str, into: Path) -> Path | None:
    """The ``litreview`` package of ``revision``, extracted from git into ``into``."""
    listing = subprocess.run(["git", "-C", str(REPO), "ls-tree", "-r", "--name-only",
                              revision, "workflow/litreview"], capture_output=True, text=True)
    if listing.returncode:
        return None
    for path in listing.stdout.split():
        blob = subprocess.run(["git", "-C", str(REPO), "show", f"{revision}:{path}"],
                              capture_output=True, check=True).stdout
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    return into / "workflow"


GARBLE_HEADER = (f"{'garbled':<25}{'pairs':>6}  {'rules':<8}{'clean':>6}{'found':>6}"
                 f"{'sens':>8}{'lost':>6}{'FP':>4}{'uncertain':>10}")


def garbled_table(names: Sequence[str], against: str) -> list[tuple[str, bool]]:
    """Per kind of garbling, the garbled pairs found on the clean and on the garbled sets,
    and the false merges, for these rules and for the rules of ``against``; the target
    (garbling adds no false merge)."""
    sets = {name: load(name) for name in names}
    cases = [(kind, name, garbled(name, *sets[name], kind)) for kind in GARBLES
             for name in names]
    jobs = [sets[name][0] for name in names] + [c.records for _, _, c in cases]
    runs = {"now": run_rules(REPO / "workflow", jobs)}
    with tempfile.TemporaryDirectory() as tmp:
        package = extract_rules(against, Path(tmp))
        if package:
            runs["before"] = run_rules(package, jobs)
    print(f"\ngarbled exports: one member of {GARBLE_SHARE:.0%} of the true groups rewritten, "
          f"one kind at a time (seed {GARBLE_SEED}); pairs: the true pairs of a garbled "
          f"member; clean: of them found on the clean sets; lost: found clean, not garbled; "
          f"FP over the whole sets; before: the rules of {against}")
    print(GARBLE_HEADER)
    worst: dict[str, int] = {}
    for kind in GARBLES:
        rows = [(n, names.index(name), c) for n, (k, name, c) in enumerate(cases)
                if k == kind]
        pairs = sum(len(c.pairs) for _, _, c in rows)
        for label in ("before", "now") if "before" in runs else ("now",):
            run = runs[label]
            clean = [set(_found(c.pairs, run[k][0])) for _, k, c in rows]
            found = [set(_found(c.pairs, run[len(names) + n][0])) for n, _, c in rows]
            fps = sum(score(c.records, c.truth, run[len(names) + n][0]).fp
                      for n, _, c in rows)
            unsure = sum(run[len(names) + n][1] for n, _, _ in rows)
            got = sum(map(len, found))
            print(f"{kind:<25}{pairs:>6}  {label:<8}{sum(map(len, clean)):>6}{got:>6}"
                  f"{got / pairs if pairs else 1:>8.4f}"
                  f"{sum(len(x - y) for x, y in zip(clean, found, strict=True)):>6}"
                  f"{fps:>4}{unsure:>10}")
            if label == "now":
                worst[kind] = fps
    if "before" not in runs:
        print(f"(revision {against} not found: its rows are skipped)")
    clean_fp = sum(score(*sets[name], runs["now"][k][0]).fp for k, name in enumerate(names))
    return [(f"garbled exports: garbling adds no false merge (most {max(worst.values())}, "
             f"clean {clean_fp})", max(worst.values()) <= clean_fp)]


def _found(pairs: Sequence[tuple[str, str]], found: Groups) -> list[tuple[str, str]]:
    """The pairs put in one group."""
    group_of = {m: n for n, g in enumerate(found) for m in g}
    return [(a, b) for a, b in pairs if a in group_of and group_of[a] == group_of.get(b)]


# --- leave one dataset out ---------------------------------------------------------

#: The parameters that trade found duplicates against false merges, and the values tried:
#: the evidence score at which a pair is one work, the title similarity from which titles
#: are alike, and the points of a volume that looks garbled.
GRID: dict[str, tuple[float, ...]] = {"same": (3.0, 5.0, 7.0),
                                      "similar": (75.0, 80.0, 85.0),
                                      "garbled": (0.0, -1.0, -2.0)}
#: Each parameter's cautious end: what ties are broken towards.
_CAUTIOUS = {"same": 1, "similar": 1, "garbled": -1}
#: At most this share of the unique records wrongly merged, on the sets tuned on.
MAX_MERGED = 0.001


@dataclass
class Trial:
    score: Score
    uncertain: int
    garbled: Score  # the same set with one member of a share of its groups garbled


def _run(records: list[Record], truth: Groups, weights: Weights) -> tuple[Score, int]:
    start = time.perf_counter()
    result = deduplicate(records, weights=weights)
    seconds = time.perf_counter() - start
    members: dict[str, list[str]] = defaultdict(list)
    for rid, group in result.groups.items():
        members[group].append(rid)
    s = score(records, truth, [g for g in members.values() if len(g) > 1])
    s.seconds = seconds
    return s, len(result.uncertain)


def trial(clean: tuple[list[Record], Groups], garbled_set: GarbledSet,
          weights: Weights) -> Trial:
    """One in-process run with ``weights`` on a set as exported and as garbled."""
    s, uncertain = _run(*clean, weights)
    return Trial(s, uncertain, _run(garbled_set.records, garbled_set.truth, weights)[0])


def _grid() -> list[Weights]:
    return [replace(DEFAULT_WEIGHTS, same=same, similar=similar, garbled=garbled)
            for same in GRID["same"] for similar in GRID["similar"]
            for garbled in GRID["garbled"]]


def choose(trials: dict[Weights, list[Trial]]) -> Weights:
    """The objective, over the given sets as exported and garbled: no more than
    :data:`MAX_MERGED` of the unique records wrongly merged, and the fewest false merges
    (a record merged away is lost to screening, a missed duplicate costs a second look);
    then the most true positives, the fewest uncertain pairs, and the most cautious values
    (highest ``same`` and ``similar``, most negative ``garbled``)."""
    def key(w: Weights) -> tuple[bool, int, int, int, tuple[float, ...]]:
        runs = trials[w]
        scores = [t.score for t in runs] + [t.garbled for t in runs]
        fp, tp = sum(s.fp for s in scores), sum(s.tp for s in scores)
        unique = sum(s.tn + s.fp for s in scores)
        return (fp > unique * MAX_MERGED, fp, -tp, sum(t.uncertain for t in runs),
                tuple(-sign * getattr(w, name) for name, sign in _CAUTIOUS.items()))
    return min(trials, key=key)


LOO_HEADER = (f"{'held out':<20}{'same':>5}{'simil':>6}{'garbl':>6}{'records':>8}{'TP':>6}"
              f"{'FP':>4}{'FN':>5}{'sens':>8}{'merged %':>10}{'uncertain':>10}"
              f"{'garbled: sens':>14}{'FP':>4}{'time s':>8}")


def loo_row(name: str, w: Weights | None, t: Trial) -> str:
    s, g = t.score, t.garbled
    unique = s.tn + s.fp  # the works: what a false positive loses one of
    share = 100 * s.fp / unique if unique else 0.0
    chosen = (f"{w.same:>5.0f}{w.similar:>6.0f}{w.garbled:>6.0f}" if w else " " * 17)
    return (f"{name:<20}{chosen}{s.records:>8}{s.tp:>6}{s.fp:>4}{s.fn:>5}"
            f"{s.sensitivity:>8.4f}{share:>9.3f}%{t.uncertain:>10}{g.sensitivity:>14.4f}"
            f"{g.fp:>4}{s.seconds + g.seconds:>8.2f}")


def leave_one_out(names: Sequence[str], extra: Sequence[Path]) -> list[tuple[str, bool]]:
    """Print the held-out table; return the targets (sensitivity, false merges)."""
    sets = {name: load(name) for name in names}
    mixed = {name: garbled(name, *sets[name], *GARBLES) for name in names}
    trials = {w: [trial(sets[n], mixed[n], w) for n in names] for w in _grid()}
    print(f"\nleave one dataset out: same, similar and garbled (Weights) chosen on the other "
          f"sets, as exported and with one member of {GARBLE_SHARE:.0%} of their groups "
          f"garbled (a kind drawn per group), from {dict(GRID)}: at most {MAX_MERGED:.1%} of "
          f"unique records wrongly merged, the fewest false positives, then the most true "
          f"positives, fewest uncertain pairs, most cautious values; default "
          f"{DEFAULT_WEIGHTS.same:.0f}, {DEFAULT_WEIGHTS.similar:.0f}, "
          f"{DEFAULT_WEIGHTS.garbled:.0f}")
    print(LOO_HEADER)
    total = Trial(Score(), 0, Score())
    chosen = []
    for k, name in enumerate(names):
        rest = {w: [t for n, t in enumerate(runs) if n != k] for w, runs in trials.items()}
        w = choose(rest)
        chosen.append(w)
        held = trials[w][k]
        total.score += held.score
        total.garbled += held.garbled
        total.uncertain += held.uncertain
        print(loo_row(name, w, held))
    print(loo_row("TOTAL held out", None, total))
    if len(set(chosen)) == 1:
        print("the same values were chosen in every fold")
    unique = total.score.tn + total.score.fp
    met = [(f"held out: sensitivity >= 0.98 ({total.score.sensitivity:.4f})",
            total.score.sensitivity >= 0.98),
           (f"held out: <= 0.1% of unique records wrongly merged "
            f"({100 * total.score.fp / unique:.3f}%)", total.score.fp <= unique / 1000)]
    if extra:
        w = choose(trials)
        print(f"\nnever tuned on (same {w.same:.0f}, similar {w.similar:.0f}, garbled "
              f"{w.garbled:.0f}, chosen on all five)")
        print(LOO_HEADER)
        for folder in extra:
            records, truth = load(folder)
            print(loo_row(folder.name, w, trial((records, truth),
                                                garbled(folder.name, records, truth,
                                                        *GARBLES), w)))
    return met


# --- the report ----------------------------------------------------------------------

HEADER = (f"{'dataset':<20}{'tool':<11}{'records':>8}{'groups':>7}{'TP':>6}{'FP':>4}{'FN':>5}"
          f"{'TN':>7}{'sens':>8}{'spec':>8}{'prec':>8}{'recall':>8}{'F1':>8}{'time s':>9}"
          f"{'peak MB':>9}")


def row(dataset: str, tool: str, s: Score) -> str:
    return (f"{dataset:<20}{tool:<11}{s.records:>8}{s.true_groups:>7}{s.tp:>6}{s.fp:>4}"
            f"{s.fn:>5}{s.tn:>7}{s.sensitivity:>8.4f}{s.specificity:>8.4f}{s.precision:>8.4f}"
            f"{s.recall:>8.4f}{s.f1:>8.4f}{s.seconds:>9.2f}{s.peak_mb:>9.0f}")


def errors(records: Sequence[Record], truth: Groups, found: Groups) -> list[str]:
    """Each true group split by the run, and each found group joining true groups, with the
    verdict of the rules on the closest pair across the split: what to look at."""
    by_id = {r.record_id: r for r in records}
    group_of = {m: n for n, g in enumerate(found) for m in g}
    true_of = {m: n for n, g in enumerate(truth) for m in g}
    lines: list[str] = []

    def show(kind: str, parts: list[list[str]]) -> None:
        lines.append(f"-- {kind}")
        for part in parts:
            for rid in part:
                r = by_id[rid]
                lines.append(f"   {rid} | {r.title[:90]} | {r.year} | {r.journal[:30]} | "
                             f"v{r.volume} i{r.issue} p{r.pages} | {r.doi} | "
                             f"{'; '.join(r.authors)[:40]}")
            lines.append("   .")
        verdicts = [judge(keys(by_id[x]), keys(by_id[y]))
                    for n, part in enumerate(parts) for other in parts[n + 1:]
                    for x in part for y in other]
        best = max(verdicts, key=lambda v: (v.verdict, v.title))
        lines.append(f"   closest pair: {best.verdict.name}, title {best.title:.0f}: "
                     f"{best.reason}")
        if best.verdict is Verdict.SAME and (vetoed := [v for v in verdicts
                                                        if v.verdict is Verdict.DIFFERENT]):
            lines.append(f"   kept apart by a veto across the groups: {vetoed[0].reason}")

    for group in truth:
        parts: dict[object, list[str]] = defaultdict(list)
        for rid in group:
            parts[group_of.get(rid, rid)].append(rid)
        if len(parts) > 1:
            show("missed (one work, kept apart)", list(parts.values()))
    for group in found:
        parts = defaultdict(list)
        for rid in group:
            parts[true_of.get(rid, rid)].append(rid)
        if len(parts) > 1:
            show("joined (different works, one group)", list(parts.values()))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--no-bib-dedupe", action="store_true")
    parser.add_argument("--scale", type=int, default=100_000, help="0 to skip")
    parser.add_argument("--errors", action="store_true",
                        help="list every missed and every wrongly joined group")
    parser.add_argument("--no-leave-one-out", action="store_true",
                        help="skip the leave-one-dataset-out table")
    parser.add_argument("--no-garbled", action="store_true",
                        help="skip the garbled-exports table")
    parser.add_argument("--against", default=RULES_BEFORE,
                        help="git revision whose rules the garbled-exports table compares "
                             f"with (default {RULES_BEFORE}, the rules before issue 12)")
    parser.add_argument("--extra", type=Path, nargs="*", default=[],
                        help="further labelled sets (records_pre_merged.csv and "
                             "merged_record_ids.csv), scored without tuning")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"benchmark data not found: {DATA}", file=sys.stderr)
        return 2
    python = None if args.no_bib_dedupe else bib_dedupe_python()
    if not args.no_bib_dedupe and python is None:
        print("note: bib-dedupe is not installed; set BIB_DEDUPE_PYTHON to a Python that can "
              "import it (python3 -m venv /tmp/bibdedupe && /tmp/bibdedupe/bin/pip install "
              "bib-dedupe). Its rows and the time ratio are skipped.\n")
    elif python:
        print(f"bib-dedupe {bib_dedupe_version(python)} from {python}\n")
    print(HEADER)
    totals = {"litreview": Score(), "bib-dedupe": Score()}
    ratios: dict[str, float] = {}
    listing: list[str] = []
    for name in args.datasets:
        records, truth = load(name)
        seconds, peak, found, uncertain = run_ours(records)
        ours = score(records, truth, found)
        ours.seconds, ours.peak_mb = seconds, peak
        totals["litreview"] += ours
        print(row(name, "litreview", ours) + f"   ({uncertain} uncertain pairs listed)")
        if args.errors:
            listing += [f"== {name}", *errors(records, truth, found)]
        if python:
            seconds, peak, found = run_bib_dedupe(python, DATA / name / "records_pre_merged.csv")
            theirs = score(records, truth, found)
            theirs.seconds, theirs.peak_mb = seconds, peak
            totals["bib-dedupe"] += theirs
            ratios[name] = theirs.seconds / ours.seconds
            print(row(name, "bib-dedupe", theirs))
    ours = totals["litreview"]
    print(row("TOTAL", "litreview", ours))
    if python:
        print(row("TOTAL", "bib-dedupe", totals["bib-dedupe"]))
        print()
        for name, ratio in ratios.items():
            print(f"time ratio bib-dedupe / litreview on {name}: {ratio:.1f}x")
    met: list[tuple[str, bool]] = []
    if set(args.datasets) == set(DATASETS):
        met.append((f"sensitivity >= 0.99 with <= 5 false positives over the five sets "
                    f"({ours.sensitivity:.4f}, {ours.fp})",
                    ours.sensitivity >= 0.99 and ours.fp <= 5))
    if "digital_work" in ratios:
        met.append((f">= 5x faster than bib-dedupe on digital_work ({ratios['digital_work']:.1f}x)",
                    ratios["digital_work"] >= 5))
    if not args.no_leave_one_out and len(args.datasets) > 1:
        met += leave_one_out(args.datasets, args.extra)
    if not args.no_garbled:
        met += garbled_table(args.datasets, args.against)
    if args.scale:
        records, truth = scale_set(args.scale)
        print(f"\nscale set: {len(records)} records from the benchmark records with perturbed "
              f"copies (seed {SCALE_SEED}), {len(truth)} true groups")
        seconds, peak, found, uncertain = run_ours(records)
        s = score(records, truth, found)
        s.seconds, s.peak_mb = seconds, peak
        print(HEADER)
        print(row("scale", "litreview", s) + f"   ({uncertain} uncertain pairs listed)")
        if args.scale == 100_000:
            met.append((f"100,000 records in < 60 s and < 4 GB ({s.seconds:.1f} s, "
                        f"{s.peak_mb:.0f} MB)", s.seconds < 60 and s.peak_mb < 4096))
    if met:
        print()
    for target, ok in met:
        print(f"target {'met' if ok else 'MISSED'}: {target}")
    if listing:
        print("\n" + "\n".join(listing))
    return 0 if all(ok for _, ok in met) else 1


if __name__ == "__main__":
    raise SystemExit(main())
