"""Python's cyclic garbage collector held while many small objects are made.

A large table yields tens of thousands of findings, each a handful of small objects that
live until the report is written, and turning the report into data makes as many dicts
again; the collector would otherwise walk the whole heap again and again while they are
made (a tenth of a run's time; a third of writing a million sentences), and they form no
cycles.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Hold the collector while findings are made (the rules run, a batch's sentences are
    written) or a report is turned into data; reentrant."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        # The findings now fill the youngest generation, which the collector's next pass
        # would walk whole (a few hundredths of a second for a large table). Frozen and
        # thawed, every object lands in the oldest generation instead, left for the next
        # full collection, as long-lived objects are.
        gc.freeze()
        gc.unfreeze()
        gc.enable()
