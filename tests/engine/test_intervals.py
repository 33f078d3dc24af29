"""Column interval arithmetic gives the model's floats, on every backend."""

from __future__ import annotations

import math

import narwhals as nw
import pandas as pd
import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from statcheck.engine import intervals
from statcheck.model.interval import Interval

_BOUND = st.floats(-1e9, 1e9, allow_nan=False) | st.sampled_from([0.0, -0.5, 0.5])


@st.composite
def _intervals(draw: st.DrawFn) -> Interval:
    a, b = sorted((draw(_BOUND), draw(_BOUND)))
    low = -math.inf if draw(st.integers(0, 5)) == 0 else a
    high = math.inf if draw(st.integers(0, 5)) == 0 else b
    return Interval(low, high)


_PAIRS = st.lists(st.tuples(_intervals(), _intervals()), min_size=1, max_size=20)


def _frame(pairs: list[tuple[Interval, Interval]], backend: str) -> nw.DataFrame[object]:
    data = {
        "al": [a.low for a, _ in pairs],
        "ah": [a.high for a, _ in pairs],
        "bl": [b.low for _, b in pairs],
        "bh": [b.high for _, b in pairs],
    }
    native = pl.DataFrame(data) if backend == "polars" else pd.DataFrame(data)
    return nw.from_native(native, eager_only=True)


A = (nw.col("al"), nw.col("ah"))
B = (nw.col("bl"), nw.col("bh"))


@pytest.mark.parametrize("backend", ["polars", "pandas"])
@settings(max_examples=60, deadline=None)
@given(pairs=_PAIRS, k=st.sampled_from([1.0, 100.0, 1000.0, 0.37]))
# Found by hypothesis: -1 / 2.2e-311 overflows, so both bounds were -inf (no valid interval).
@example(
    pairs=[(Interval(-math.inf, -1.0), Interval(2.225073858507e-311, 2.225073858507e-311))], k=1.0
)
def test_divide_and_scale_match_the_model(
    backend: str, pairs: list[tuple[Interval, Interval]], k: float
) -> None:
    frame = _frame(pairs, backend).filter(~intervals.contains_zero(B))
    low, high = intervals.scale(intervals.divide(A, B), k)
    got = frame.select(low.alias("low"), high.alias("high")).rows()
    want = [((a / b).scale(k).low, (a / b).scale(k).high) for a, b in pairs if 0 not in b]
    assert got == want


@pytest.mark.parametrize("backend", ["polars", "pandas"])
@settings(max_examples=60, deadline=None)
@given(pairs=_PAIRS)
def test_gap_and_contains_zero_match_the_model(
    backend: str, pairs: list[tuple[Interval, Interval]]
) -> None:
    frame = _frame(pairs, backend)
    got = frame.select(
        intervals.gap(A, B).alias("gap"), intervals.contains_zero(B).alias("zero")
    ).rows()
    assert [(g, bool(z)) for g, z in got] == [(a.gap(b), 0 in b) for a, b in pairs]
