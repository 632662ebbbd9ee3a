"""How fast does a full strategy evaluate locally? Prints figures; it is not a test.

Evaluates the BEI strategy of the example review (76 lines) over 100,000 records made
from the example's own exports (titles, abstracts, keywords and headings recombined
with a fixed seed), on one core. In the same run, when the ``search-query`` package
(PyPI) can be imported — here, or by the Python named in $SEARCH_QUERY_PYTHON — it
evaluates the same final line, compiled by litreview for Web of Science, over the same
records, and the two times are printed side by side.

    python benchmarks/search_hits.py [--records 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow"))

from litreview.core.records import Record  # noqa: E402
from litreview.core.review import load_review  # noqa: E402
from litreview.importers import read_export  # noqa: E402
from litreview.search import Evaluator, Limits, compile_strategy, read_strategy  # noqa: E402


def make_records(n: int, seed: int = 2008) -> list[Record]:
    """``n`` records whose fields are recombined from the example's real-looking exports."""
    review = load_review(REPO)
    pool: list[Record] = []
    for source in review.sources:
        for export in source.exports:
            pool += read_export(REPO / export, database=source.name)
    titles = [r.title for r in pool if r.title]
    sentences = [s.strip() for r in pool for s in r.abstract.split(". ") if s.strip()]
    keywords = sorted({k for r in pool for k in r.keywords})
    subjects = sorted({s for r in pool for s in r.subjects})
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(Record(
            f"bench-{i}", "BEI", "bench.ris", i,
            title=rng.choice(titles),
            abstract=". ".join(rng.sample(sentences, 6)),
            keywords=tuple(rng.sample(keywords, 4)),
            subjects=tuple(rng.sample(subjects, 3)),
        ))
    return out


SEARCH_QUERY_WORKER = """
import contextlib, io, json, sys, time
from search_query.parser import parse
from search_query.translator_base import QueryTranslator
query_text, path = sys.argv[1], sys.argv[2]
records = [json.loads(line) for line in open(path, encoding="utf-8")]
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):  # its linter prints to stdout
    query = parse(query_text, platform="wos").translate("generic")
QueryTranslator.move_fields_to_terms(query)
hits = sum(1 for r in records if query.selects_record(r))
print(json.dumps({"hits": hits, "seconds": time.perf_counter() - start}))
"""


def search_query_python() -> str | None:
    candidate = os.environ.get("SEARCH_QUERY_PYTHON")
    if candidate:
        return candidate
    try:
        import search_query  # noqa: F401
    except ImportError:
        return None
    return sys.executable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    strategy = read_strategy(REPO / "search_strategies" / "bei.txt")
    strategy = replace(strategy, finals=())  # the last line, #76
    records = make_records(args.records)
    print(f"BEI strategy: {len(strategy.lines)} lines; {len(records):,} records")

    start = time.perf_counter()
    evaluator = Evaluator(records)
    built = time.perf_counter()
    done = evaluator.masks(strategy)
    finished = time.perf_counter()
    final = int(done[strategy.final.number].sum())
    print(f"litreview: corpus built in {built - start:.2f} s, 76 lines evaluated in "
          f"{finished - built:.2f} s; total {finished - start:.2f} s; final line #76 hits "
          f"{final:,}")

    python = search_query_python()
    if python is None:
        print("search-query: not installed here (pip install search-query, or set "
              "SEARCH_QUERY_PYTHON to a Python that has it); skipped")
        return
    query = compile_strategy(strategy, "wos", limits=Limits()).queries[0][1]
    # search-query evaluates title and abstract only: TS= (topic) becomes TI= or AB=
    query = re.sub(r"TS=\(([^()]*)\)", r"(TI=(\1) OR AB=(\1))", query)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for r in records:
                handle.write(json.dumps({"title": r.title, "abstract": r.abstract}) + "\n")
        run = subprocess.run([python, "-c", SEARCH_QUERY_WORKER, query, str(path)],
                             capture_output=True, text=True, timeout=3600)
    if run.returncode != 0:
        print(f"search-query: failed: {run.stderr.strip().splitlines()[-1:]}")
        return
    result = json.loads(run.stdout)
    print(f"search-query {search_query_version(python)}: the same final line (compiled for "
          f"Web of Science, {len(query):,} characters) evaluated in {result['seconds']:.2f} s; "
          f"hits {result['hits']:,} (its evaluation: substrings of title and abstract)")
    print(f"ratio: search-query / litreview = {result['seconds'] / (finished - start):.1f}x")


def search_query_version(python: str) -> str:
    run = subprocess.run([python, "-c", "import search_query; print(search_query.__version__)"],
                         capture_output=True, text=True)
    return run.stdout.strip()


if __name__ == "__main__":
    main()
