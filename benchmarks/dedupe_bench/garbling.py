"""Garbled exports: one member of a share of the true groups rewritten the way real exports
garble a field, one kind at a time; each kind's garbled pairs are scored for the rules in
this tree and for an earlier revision's rules, each in its own process."""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from litreview.core.records import Record

from dedupe_bench import REPO
from dedupe_bench.data import Groups, load
from dedupe_bench.runners import extract_rules, run_rules
from dedupe_bench.scoring import score

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

