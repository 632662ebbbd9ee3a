"""Import speed and memory: a 100,000-record RIS file, our reader beside rispy's ``load``.

    python benchmarks/import_ris.py [--records 100000] [--keep DIR]

The file is generated deterministically from the RIS fixtures in tests/fixtures/exports
(every record between ``TY`` and ``ER``, cycled, each copy given its own id and title),
so it holds the dialects met in the wild: EBSCO, ProQuest, Ovid, Rayyan's one keyword per
line, Embase, Scopus, wrapped abstracts. Each contender runs in a fresh interpreter, so
its peak resident memory (``ru_maxrss``) is its own: the honest figure for "under 1 GB".
Times cover the import call only, not starting Python.

* ours: ``read_export`` (decode, parse with line numbers, normalise, stable ids, original
  fields as JSON), then also writing the records CSV as ``litreview import`` does;
* rispy: ``rispy.load`` of the same file: plain dicts, no normalisation.

Targets for ours: under 10 s and under 1 GB. Prints a table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "exports"
TARGET_SECONDS = 10.0
TARGET_MB = 1024.0
_BLOCK = re.compile(r"^TY  - .*?^ER  -[^\n]*$", re.MULTILINE | re.DOTALL)
_ID = re.compile(r"^(AN|ID|U2)  - .*$", re.MULTILINE)
_TITLE = re.compile(r"^(TI|T1)  - (.*)$", re.MULTILINE)


def fixture_blocks() -> list[str]:
    """Every RIS record of the fixtures, as text with LF line ends, in a fixed order."""
    blocks: list[str] = []
    for path in sorted(FIXTURES.glob("*.ris")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")  # the Latin-1 fixture, written out as UTF-8
        text = text.replace("\r\n", "\n")
        blocks += _BLOCK.findall(text)
    return blocks


def generate(path: Path, records: int) -> None:
    """Cycle the fixture records; copy n gets id ``bench-n`` and its title a ``[n]``."""
    blocks = fixture_blocks()
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for n in range(records):
            block = blocks[n % len(blocks)]
            block = _ID.sub("", block)
            block = _TITLE.sub(lambda m, n=n: f"{m.group(1)}  - {m.group(2)} [{n}]", block, 1)
            block = block.replace("\n", f"\nAN  - bench-{n}\n", 1)  # after the TY line
            handle.write(re.sub(r"\n{2,}", "\n", block))
            handle.write("\n\n")


def run_one(which: str, path: Path, out: Path) -> dict[str, float]:
    """In this (fresh) process: import ``path`` one way; time and peak RSS."""
    import resource

    if which == "ours":
        sys.path.insert(0, str(ROOT / "workflow"))
        from litreview.core.records import write_records
        from litreview.importers import read_export

        start = time.perf_counter()
        records = read_export(path, database="Bench")
        seconds = time.perf_counter() - start
        write_records(out, records)
        total = time.perf_counter() - start
        count = len(records)
    else:
        import rispy

        start = time.perf_counter()
        entries = rispy.load(path, encoding="utf-8")
        seconds = total = time.perf_counter() - start
        count = len(entries)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    return {"records": count, "seconds": seconds, "with_write": total, "peak_mb": peak_mb}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    parser.add_argument("--run", choices=["ours", "rispy"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_one(args.run, args.file, args.file.with_suffix(".csv"))))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench_{args.records}.ris"
        generate(path, args.records)
        size_mb = path.stat().st_size / 2**20
        print(f"{path.name}: {args.records:,} records, {size_mb:.1f} MB, "
              f"from {len(fixture_blocks())} fixture records")
        results = {}
        for which in ("ours", "rispy"):
            done = subprocess.run([sys.executable, __file__, "--run", which, "--file", str(path)],
                                  capture_output=True, text=True, check=False)
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 2
            results[which] = json.loads(done.stdout)
    print(f"{'':<18}{'records':>9}{'import s':>10}{'+ write s':>11}{'peak RSS MB':>13}")
    for which, label in (("ours", "litreview"), ("rispy", "rispy.load")):
        r = results[which]
        write = f"{r['with_write']:.2f}" if which == "ours" else "-"
        print(f"{label:<18}{r['records']:>9,}{r['seconds']:>10.2f}{write:>11}"
              f"{r['peak_mb']:>13.0f}")
    ours = results["ours"]
    ok = (ours["records"] == args.records and ours["with_write"] < TARGET_SECONDS
          and ours["peak_mb"] < TARGET_MB)
    print(f"target: {args.records:,} records in under {TARGET_SECONDS:.0f} s and "
          f"{TARGET_MB:.0f} MB: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
