"""Prioritised screening: ranking, replay metrics, the stopping test, the plot, the CLI."""

from __future__ import annotations

import argparse
import csv
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from litreview.cli.simulate import add_parsers, metrics_table, read_labelled
from litreview.core.errors import InputError
from litreview.core.records import Record
from litreview.screening import (
    Model,
    choose_priors,
    features,
    rank,
    recall_at,
    recall_curve,
    recall_svg,
    records_to_recall,
    simulate,
    stopping,
    wss,
)

NAGTEGAAL = (Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "screening"
             / "Nagtegaal_2019.csv")

# Two topics a reviewer tells apart at a glance: nudges in public administration (relevant)
# and clinical surgery (irrelevant), each title varied so no two records are the same.
NUDGE = ["Nudging civil servants with default options", "Behavioural insights in public "
         "administration", "A field experiment on reminder letters and tax compliance",
         "Choice architecture in government services", "Social norm messages and citizen "
         "behaviour", "Defaults and framing in public sector decisions", "Nudges for "
         "public employees: a randomised trial", "Behavioural public policy and nudging"]
SURGERY = ["Outcomes of hip fracture surgery in older patients", "Laparoscopic versus open "
           "appendectomy", "Anaesthesia complications after knee replacement", "Wound "
           "infection after cardiac surgery", "Postoperative pain after spinal fusion",
           "Surgical site infection in colorectal resection", "Blood loss during hip "
           "arthroplasty", "Recovery after laparoscopic cholecystectomy"]


def topic_records() -> tuple[list[Record], dict[str, bool]]:
    """16 records alternating between the topics: n0 s0 n1 s1 ..."""
    records, truth = [], {}
    for i, (nudge, surgery) in enumerate(zip(NUDGE, SURGERY, strict=True)):
        for kind, title, relevant in (("n", nudge, True), ("s", surgery, False)):
            rid = f"{kind}{i}"
            abstract = (f"{title}. We study nudges, defaults and behavioural interventions "
                        "for public officials." if relevant else
                        f"{title}. We report surgical outcomes, complications and recovery "
                        "of patients.")
            records.append(Record(rid, "DB", "f.ris", len(records) + 1, title=title,
                                  abstract=abstract))
            truth[rid] = relevant
    return records, truth


# --- rank -------------------------------------------------------------------------------


def test_rank_puts_the_relevant_topic_first() -> None:
    records, truth = topic_records()
    labels = {"n0": True, "s0": False, "n1": True, "s1": False}
    order = rank(records, labels)
    assert sorted(order) == sorted(set(truth) - set(labels))  # undecided records only
    assert all(rid.startswith("n") for rid in order[:6])
    assert all(rid.startswith("s") for rid in order[6:])


def test_rank_is_deterministic_and_seeded() -> None:
    records, _ = topic_records()
    labels = {"n0": True, "s0": False}
    first = rank(records, labels, seed=3)
    assert rank(records, labels, seed=3) == first
    assert rank(list(records), dict(reversed(list(labels.items()))), seed=3) == first


@pytest.mark.parametrize("labels", [{}, {"n0": True, "n1": True}, {"s0": False}])
def test_rank_without_both_kinds_of_decision_keeps_input_order(labels: dict) -> None:
    records, _ = topic_records()
    expected = [r.record_id for r in records if r.record_id not in labels]
    assert rank(records, labels) == expected


def test_rank_breaks_ties_by_input_order() -> None:
    same = [Record(f"r{i}", "DB", "f", i, title="Identical title", abstract="same words")
            for i in range(5)]
    other = [Record("yes", "DB", "f", 9, title="Nudge default", abstract="nudge"),
             Record("no", "DB", "f", 10, title="Hip surgery", abstract="surgery")]
    assert rank(other + same, {"yes": True, "no": False}) == ["r0", "r1", "r2", "r3", "r4"]


def test_rank_of_records_without_text_keeps_input_order() -> None:
    empty = [Record(f"r{i}", "DB", "f", i) for i in range(4)]
    assert rank(empty, {"r0": True, "r1": False}) == ["r2", "r3"]
    assert features([]) is None


def test_features_read_words_and_character_ngrams() -> None:
    texts = ["nudging citizens", "nudges for citizens", "hip surgery"]
    words_only = features(texts, model=Model(char_ngrams=None))
    both = features(texts)
    assert words_only is not None and both is not None
    assert both.shape[1] > words_only.shape[1]
    # "nudging" and "nudges" share no word but share character n-grams
    assert (words_only[0] @ words_only[1].T).toarray()[0, 0] < (both[0] @ both[1].T).toarray()[0, 0]


# --- metrics on a hand-made order -------------------------------------------------------

# 20 records read in this order; relevant at positions 1, 2, 4 and 10 (R = 4)
HAND = [i in (1, 2, 4, 10) for i in range(1, 21)]


def test_metrics_by_hand() -> None:
    # 95% of 4 relevant is 3.8: all 4 must be found, at record 10
    assert records_to_recall(HAND, 0.95) == 10
    assert wss(HAND, 0.95) == pytest.approx((20 - 10) / 20 - 0.05)  # 0.45
    assert recall_at(HAND, 0.10) == pytest.approx(2 / 4)  # RRF@10: 2 records read, 2 found
    assert recall_at(HAND, 0.25) == pytest.approx(3 / 4)  # 5 read
    assert recall_at(HAND, 0.50) == pytest.approx(1.0)
    assert records_to_recall(HAND, 0.5) == 2
    assert recall_curve(HAND)[:4] == [0.25, 0.5, 0.5, 0.75]


def test_wss_of_perfect_random_and_empty_orders() -> None:
    # 20 relevant of 40; 95% of them (19) found at record 19
    perfect = [True] * 20 + [False] * 20
    assert wss(perfect) == pytest.approx((40 - 19) / 40 - 0.05)
    last = [False] * 20 + [True] * 20
    assert wss(last) == pytest.approx((40 - 39) / 40 - 0.05)
    assert wss([False] * 5) is None and recall_at([False] * 5, 0.1) is None
    assert records_to_recall([]) is None


# --- stopping -----------------------------------------------------------------------------


def _p_no_relevant_in_sample(urn: int, relevant_in_urn: int, sample: int) -> float:
    return math.comb(urn - relevant_in_urn, sample) / math.comb(urn, sample)


def test_stopping_against_a_hand_computed_hypergeometric_p() -> None:
    # 20 relevant found, then 40 irrelevant in a row; 10 records not screened.
    # Recall < 95% would need >= floor(20 / 0.95) + 1 - 20 = 2 relevant unseen. The lowest p
    # is for the last 40 records: no relevant one drawn from an urn of 50 holding 2.
    result = stopping([True] * 20 + [False] * 40, 70)
    expected = (10 * 9) / (50 * 49)
    assert expected == pytest.approx(_p_no_relevant_in_sample(50, 2, 40))
    assert result.p_value == pytest.approx(expected)  # 0.0367
    assert result.stop and result.screened == 60 and result.relevant_found == 20
    assert result.remaining == 10
    # one unseen relevant record is not rejected (p = 10/50), two are: the bound is 1
    assert result.missed_upper == 1
    assert result.recall_lower_bound == pytest.approx(20 / 21)
    assert result.missed_estimate == 0
    assert "may stop" in result.recommendation
    assert "Callaghan & Müller-Hansen (2020" in result.basis
    assert any("p = 0.0367" in line for line in result.lines())


def test_stopping_needs_enough_evidence() -> None:
    # one relevant unseen would break the target; p = 5 / (5 + run of irrelevant)
    keep = stopping([True] * 5 + [False] * 94, 104)
    assert keep.p_value == pytest.approx(5 / 99) and not keep.stop
    assert keep.recommendation.startswith("Keep screening")
    stop = stopping([True] * 5 + [False] * 96, 106)
    assert stop.p_value == pytest.approx(5 / 101) and stop.stop


def test_stopping_edge_cases() -> None:
    assert not stopping([], 50).stop and stopping([], 50).p_value == 1.0
    done = stopping([True, False], 2)
    assert done.stop and done.remaining == 0 and done.missed_upper == 0
    early = stopping([True, True], 1000)
    assert not early.stop and early.missed_upper > 0
    with pytest.raises(ValueError):
        stopping([True], 0)
    with pytest.raises(ValueError):
        stopping([True], 5, recall_target=1.0)


def test_stopping_is_conservative_under_random_order() -> None:
    """Screening in random order, the test claims 95% recall wrongly at most ~5% of times."""
    import numpy as np

    rng = np.random.default_rng(0)
    wrong = 0
    trials = 200
    for _ in range(trials):
        population = np.array([True] * 40 + [False] * 360)
        rng.shuffle(population)
        screened = population[:300]
        if screened.sum() / 40 < 0.95 and stopping(screened, 400).stop:
            wrong += 1
    assert wrong / trials <= 0.05


# --- simulate -----------------------------------------------------------------------------


def test_simulate_replays_every_record_deterministically() -> None:
    records, truth = topic_records()
    run = simulate(records, truth, seed=1, batch=2)
    assert sorted(run.order) == sorted(truth) and len(set(run.order)) == len(records)
    assert run.order[:2] == run.priors and truth[run.priors[0]] and not truth[run.priors[1]]
    assert len(run.found) == len(records) - 2
    assert list(run.found) == [truth[rid] for rid in run.order[2:]]
    assert run.found[:7] == (True,) * 7  # the learnt topic is read first
    assert run.wss95 == pytest.approx(wss(run.found)) and run.to_95 == 7
    assert run.rrf10 == recall_at(run.found, 0.10)
    again = simulate(records, truth, seed=1, batch=2)
    assert again.order == run.order and again.found == run.found


def test_simulate_batches_and_given_priors() -> None:
    records, truth = topic_records()
    one = simulate(records, truth, priors=("n3", "s5"), batch=1)
    assert one.priors == ("n3", "s5") and one.order[:2] == ("n3", "s5")
    assert simulate(records, truth, priors=("n3", "s5"), batch=100).found[:7] == (True,) * 7
    with pytest.raises(ValueError):
        simulate(records, truth, batch=0)


def test_choose_priors_is_seeded_and_checks_the_labels() -> None:
    ids = [f"r{i}" for i in range(10)]
    relevant = [i < 3 for i in range(10)]
    assert choose_priors(ids, relevant, 2, 7) == choose_priors(ids, relevant, 2, 7)
    chosen = choose_priors(ids, relevant, 2, 7)
    assert [relevant[ids.index(c)] for c in chosen] == [True, True, False, False]
    with pytest.raises(ValueError, match="at least 4 relevant"):
        choose_priors(ids, relevant, 4, 0)


# --- plot ---------------------------------------------------------------------------------


def test_recall_svg_is_a_self_contained_svg() -> None:
    svg = recall_svg({"ours": HAND, "random <order>": HAND[::-1]}, title="A & B")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    polylines = [e for e in root.iter() if e.tag.endswith("polyline")]
    assert len(polylines) == 2
    assert "random &lt;order&gt;" in svg and "A &amp; B" in svg
    assert "<image" not in svg and "href" not in svg


# --- CLI ----------------------------------------------------------------------------------


def write_labelled(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def labelled_rows() -> list[dict[str, str]]:
    records, truth = topic_records()
    rows = [{"record_id": r.record_id, "title": r.title, "abstract": r.abstract,
             "keywords": "nudge; default" if truth[r.record_id] else "surgery",
             "label_included": str(int(truth[r.record_id])), "duplicate_record_id": ""}
            for r in records]
    rows.append({**rows[0], "record_id": "dup", "duplicate_record_id": "n0"})
    return rows


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="litreview")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_simulate_prints_the_metrics_and_writes_the_plot(tmp_path: Path, capsys) -> None:
    data = write_labelled(tmp_path / "labelled.csv", labelled_rows())
    plot = tmp_path / "recall.svg"
    code = run_cli(["simulate", str(data), "--seed", "2", "--repeat", "2", "--batch", "3",
                    "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0
    assert "16 records, 8 relevant (label_included); 1 flagged duplicates" in out
    header = next(line for line in out.splitlines() if line.lstrip().startswith("seed"))
    for column in ("WSS@95", "RRF@10", "recall@10%", "recall@25%", "recall@50%", "to 95%"):
        assert column in header
    rows = [line.split() for line in out.splitlines()
            if line.split() and line.split()[0] in ("2", "3", "mean")]
    assert [row[0] for row in rows] == ["2", "3", "mean"]
    assert ET.fromstring(plot.read_text(encoding="utf-8")).tag.endswith("svg")


def test_cli_words_only_and_the_default_plot(tmp_path: Path, capsys, monkeypatch) -> None:
    data = write_labelled(tmp_path / "data" / "labelled.csv", labelled_rows())
    monkeypatch.chdir(tmp_path)
    assert run_cli(["simulate", str(data), "--words-only", "--batch", "4"]) == 0
    out = capsys.readouterr().out
    assert "words only" in out and "recall curve written to labelled.recall.svg" in out
    assert (tmp_path / "labelled.recall.svg").is_file()  # here, not beside someone's data


def test_cli_records_without_text_are_a_located_error(tmp_path: Path, monkeypatch) -> None:
    rows = [{**row, "title": "x", "abstract": "", "keywords": ""} for row in labelled_rows()]
    data = write_labelled(tmp_path / "empty.csv", rows)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"empty\.csv: .*text"):
        run_cli(["simulate", str(data)])


def test_cli_reads_keywords_and_rejects_bad_labels(tmp_path: Path) -> None:
    rows = labelled_rows()
    records, labels, duplicates = read_labelled(write_labelled(tmp_path / "ok.csv", rows))
    assert duplicates == 1 and len(records) == 16 and labels["n0"] and not labels["s0"]
    assert records[0].keywords == ("nudge", "default")
    rows[3]["label_included"] = "yes"
    bad = write_labelled(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as error:
        run_cli(["simulate", str(bad)])
    assert str(error.value) == f"{bad}:5: label_included is 'yes', not 0 or 1"
    with pytest.raises(InputError, match="missing column"):
        run_cli(["simulate", str(bad), "--label-column", "label_abstract"])
    only_relevant = write_labelled(tmp_path / "one.csv", [r for r in labelled_rows()
                                                          if r["label_included"] == "1"])
    with pytest.raises(InputError, match="too few"):
        run_cli(["simulate", str(only_relevant)])


def test_cli_is_wired_into_litreview(tmp_path: Path, capsys, monkeypatch) -> None:
    from litreview import cli

    monkeypatch.chdir(tmp_path)
    data = write_labelled(tmp_path / "labelled.csv", labelled_rows())
    assert cli.main(["simulate", str(data), "--batch", "4"]) == 0
    assert "WSS@95" in capsys.readouterr().out


def test_metrics_table_of_no_runs() -> None:
    assert metrics_table([]) == ""


# --- real data ----------------------------------------------------------------------------


def test_nagtegaal_replay_finds_the_relevant_records_early() -> None:
    """The whole review (2,008 records after the flagged duplicates), abstract-stage labels,
    in batches of 50 to stay fast: far better than reading in random order, and the
    stopping test says stop only once 95% of the relevant records have been found."""
    if not NAGTEGAAL.exists():
        pytest.skip(f"real data not available: {NAGTEGAAL} is absent")
    records, labels, duplicates = read_labelled(NAGTEGAAL, "label_abstract_screening")
    assert (len(records), sum(labels.values()), duplicates) == (2008, 389, 11)
    run = simulate(records, labels, seed=0, batch=50)  # its speed: benchmarks/prioritise.py
    assert run.wss95 is not None and run.wss95 > 0.35  # random order: 0
    assert run.rrf10 is not None and run.rrf10 > 0.30  # random order: 0.10
    assert dict(run.recall)[0.5] > 0.9
    total = sum(run.found)
    first_stop = next(n for n in range(100, len(run.found) + 1, 100)
                      if stopping(run.found[:n], len(run.found)).stop)
    assert sum(run.found[:first_stop]) / total >= 0.95


def test_the_lowest_p_is_met_at_the_end_of_a_run() -> None:
    """_min_p evaluates only the last sample of each run of irrelevant records: the same p
    as evaluating every sample, on screenings of every shape."""
    import random

    import numpy as np
    from litreview.screening.stopping_rule import _min_p
    from scipy.stats import hypergeom

    rng = random.Random(3)
    for _ in range(200):
        share = rng.choice((0.02, 0.1, 0.5, 0.9))
        found = np.array([rng.random() < share for _ in range(rng.randint(1, 250))],
                         dtype=np.int64)
        remaining, missed = rng.randint(1, 3000), rng.randint(0, 40)
        n = np.arange(1, len(found) + 1)
        k = np.cumsum(found)
        every = float(np.min(hypergeom.cdf(k, remaining + n, k + missed, n)))
        assert _min_p(found, remaining, missed) == pytest.approx(every, rel=1e-12, abs=0)
