"""Each lint check, with a strategy that triggers it and one that does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from litreview.lint import has_errors, lint_text
from litreview.review import Limits as ConfigLimits
from litreview.review import Source, load_review
from litreview.thesaurus import Thesaurus


def codes(text: str, **kw) -> list[str]:
    return [f.code for f in lint_text(text, "s.txt", **kw)[1]]


@pytest.mark.parametrize(("text", "code"), [
    ("#1 Leaders\n#2 (#1 or\n", "S001"),
    ("#1 Leaders\n#2 #1 or #7\n", "S002"),
    ("#1 #2 or #3\n#2 Leaders\n#3 Leadership\n", "S003"),
    ("#1 Leaders\n#2 Leadership\n#3 Directors\n#4 #1 or #2\n", "S004"),
    ("#1 Leaders\n#2 Leadership\n#3 #1 or #2\n#4 Directors\n#5 #1 or #3 ... or #4\n", "S005"),
    ("#1 Leaders\n#2 Leadership\n#3 #1 or #2\n#4 Directors\n#5 #1 or #2 ... or #4\n", "S005"),
    ("#1 Leaders\n#2 leaders\n#3 #1 or #2\n", "S006"),
    ("#1 ch* (ft)\n", "S007"),
    ("#1 Leaders\n#2 Leadership\n#3 Directors\n#4 #1 or #2 and #3\n", "S008"),
    ("#1 multi agency (ft)\n", "S009"),
    ("#1 Leaderz\n", "S010"),
    ("#1 Leader*\n", "S012"),
    ("#1 Director* and children* (ft)\n", "S013"),
    ("#1 Voluntary and community organisations\n", "S014"),
    ("#1 Leaders\n#2 Directors\n#3 #1 not #2\n", "S015"),
])
def test_each_check_fires(text, code):
    thesaurus = Thesaurus({"leaders": "Leaders"})
    assert code in codes(text, thesaurus=thesaurus)


def test_clean_strategy_has_no_findings():
    text = "Leadership set\n#1 Leaders\n#2 Leadership\n#3 #1 or #2\n#4 Multiagency (ft)\n" \
           "#5 #3 and #4\n"
    assert codes(text, thesaurus=Thesaurus({"leaders": "Leaders", "leadership": "Leadership"})) \
        == []


def test_final_header_declares_several_results():
    text = "final: #3, #4\n\n#1 Leaders\n#2 Directors\n#3 #1 or #2\n#4 #1 and #2\n"
    assert "S004" not in codes(text)
    assert "S004" in codes(text.replace("final: #3, #4", "final: #4"))


def test_findings_carry_line_severity_and_advice():
    _, findings = lint_text("database: X\n\n#1 Leaders\n#2 #1 or #9\n", "s.txt")
    finding = next(f for f in findings if f.code == "S002")
    assert (finding.line, finding.severity) == (4, "error")
    assert str(finding) == ("s.txt:4: error S002: #2 refers to #9, which is not defined — "
                            "check the line numbers")
    assert has_errors(findings)


def test_limits_contradicting_the_review_config():
    source = Source("ERIC", "eric", "database", (), searched="2008-09-12",
                    limits=ConfigLimits(years=(2002, 2008), language=("English",)))
    text = "searched: 2008-09-13\nlimits: years 2000-2008; language French\n\n#1 Leaders\n"
    _, findings = lint_text(text, "s.txt", source=source)
    messages = [f.message for f in findings if f.code == "S011"]
    assert messages == ["searched 2008-09-13 here but 2008-09-12 in review.yaml",
                        "years 2000-2008 here but 2002-2008 in review.yaml",
                        "language French here but English in review.yaml"]
    assert all(f.severity == "error" for f in findings if f.code == "S011")


def test_example_strategies_lint_without_errors():
    review = load_review(REPO)
    for source in review.databases:
        text = (REPO / source.strategy).read_text(encoding="utf-8")
        _, findings = lint_text(text, source.strategy, source=source)
        assert not has_errors(findings), [str(f) for f in findings]
        # the appendix's own quirks are the only warnings: ChildData's truncated heading
        warnings = [f.code for f in findings if f.severity == "warning"]
        assert warnings == (["S012"] if source.name == "ChildData" else []), source.name


def test_cli_exit_codes(tmp_path: Path):
    from litreview.cli import main

    good = tmp_path / "good.txt"
    good.write_text("#1 Leaders\n#2 Leadership\n#3 #1 or #2\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("#1 Leaders\n#2 #1 or #5\n")
    assert main(["query", "lint", str(good), "--review", str(tmp_path)]) == 0
    assert main(["query", "lint", str(bad), "--review", str(tmp_path)]) == 1
