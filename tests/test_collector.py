"""The cycle collector paused over a block, as a context and as a decorator."""

from __future__ import annotations

import gc

import pytest
from litreview.core.collector import collector_paused


def test_the_collector_is_paused_within_and_as_it_was_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left off, as it was
    finally:
        gc.enable()


def test_a_decorated_function_runs_with_the_collector_paused():
    @collector_paused()
    def running() -> bool:
        return gc.isenabled()

    assert running() is False and running() is False
    assert gc.isenabled()
