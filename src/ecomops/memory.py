"""Python's cyclic garbage collector, paused around a bulk read.

A read of a big department builds tens of thousands of short-lived objects (rows, people,
output models) that hold no reference cycles: reference counting frees them all. Each 700
allocations the cyclic collector still walks the young objects, and every tenth of those walks
the older ones too, the whole interpreter's: measured on the 10,000-person dashboard, a third
of the command's own work (~110 of ~360 ms). :func:`paused_gc` pauses it for the ``with``
block and collects nothing then; it runs again, as before, afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic collector paused within the block (as it was after it: a caller that had
    paused it keeps it paused)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
