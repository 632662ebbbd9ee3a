"""A linter finding: its code, severity, place and advice, and the checks' codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from litreview.search.strategies import Line, Strategy

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the linter points out, located in the strategy file."""

    code: str
    severity: Severity
    file: str
    line: int | None
    message: str
    advice: str = ""
    column: int | None = None

    def __str__(self) -> str:
        """``file:line:column: severity CODE: message — advice`` (column when known)."""
        where = self.file
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        advice = f" — {self.advice}" if self.advice else ""
        return f"{where}: {self.severity} {self.code}: {self.message}{advice}"


#: code -> (severity, what it checks); the README lists these.
CHECKS: dict[str, tuple[Severity, str]] = {
    "S001": ("error", "syntax error"),
    "S002": ("error", "reference to an undefined line"),
    "S003": ("error", "reference to a later line"),
    "S004": ("warning", "orphan line: used by no other line and not a final line"),
    "S005": ("warning", "range does not match the numbering"),
    "S006": ("warning", "duplicate term (in other lines or in the same line)"),
    "S007": ("warning", "truncation after fewer than 3 letters"),
    "S008": ("warning", "'and' and 'or' mixed without parentheses"),
    "S009": ("info", "multi-word free text that some platforms read as AND"),
    "S010": ("warning", "heading not in the database's thesaurus"),
    "S011": ("error", "limits or date contradict the review config"),
    "S012": ("warning", "truncated subject heading"),
    "S013": ("info", "one qualifier applies to every term of the line"),
    "S014": ("warning", "bare line with a lower-case operator word read as one heading"),
    "S015": ("info", "NOT may exclude relevant records"),
    "S016": ("warning", "operator words read as operators: the thesaurus has each part"),
    "S017": ("warning", "a limit set in only one of the strategy header and the review config"),
    "S018": ("info", "term already found by a truncated term OR-ed with it"),
}


def finding(code: str, strategy: Strategy, line: int | None, message: str,
            advice: str = "", column: int | None = None) -> Finding:
    """A finding of check ``code`` (its severity from :data:`CHECKS`) in ``strategy``."""
    return Finding(code, CHECKS[code][0], strategy.path, line, message, advice, column)


def start_of(line: Line) -> int:
    """The column where a line's expression starts."""
    return line.offset + 1
