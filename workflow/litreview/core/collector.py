"""The cycle collector paused while a job builds millions of small acyclic objects.

Each collection of the oldest generation walks every object alive, and Python starts one
whenever a quarter as many objects again have survived: a job that reads a million
records and makes their keys and blocks would walk the heap over and over (a sixth of a
million records' deduplication plan). The records, keys and rows hold no cycles; the
collector runs again when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection within the block (as it was after it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
