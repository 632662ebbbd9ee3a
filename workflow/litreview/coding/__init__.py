"""Coding the studies: the review's coding form (fields, which records are coded, tables,
typologies), the coders' sheets and their agreement, the typology levels and the tables.

:mod:`~litreview.coding.form` reads and checks the form; ready-made forms live in
``coding/forms/``.
"""

from __future__ import annotations

from litreview.coding.form import (
    CONDITIONS,
    Condition,
    Field,
    Form,
    Level,
    Table,
    Typology,
    load_form,
    text_of,
)

__all__ = ["CONDITIONS", "Condition", "Field", "Form", "Level", "Table", "Typology",
           "load_form", "text_of"]
