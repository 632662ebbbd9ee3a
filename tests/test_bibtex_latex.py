"""The BibTeX reader skips pylatexenc for a value LaTeX decoding would leave as it is: the
skip must never change a value."""

from __future__ import annotations

from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import given
from hypothesis import strategies as st
from litreview.importers.bibtex_latex import _LATEX_ACTIVE

_DECODER = LatexDecodingMiddleware()._decoder


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=60))
def test_a_value_without_latex_is_its_own_decoding(value: str):
    if not _LATEX_ACTIVE.search(value):
        assert _DECODER.latex_to_text(value) == value


def test_what_latex_acts_on_is_decoded():
    for value, decoded in (("a -- b", "a – b"), ("``q''", "“q”"), ("a~b", "a\xa0b"),
                           (r"caf\'e", "café")):
        assert _LATEX_ACTIVE.search(value) and _DECODER.latex_to_text(value) == decoded
