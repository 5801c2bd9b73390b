"""The cyclic collector paused around a bulk read (ecomops.memory)."""

from __future__ import annotations

import gc

import pytest

from ecomops.memory import paused_gc


def test_paused_within_and_running_again_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_caller_that_had_paused_it_keeps_it_paused():
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
