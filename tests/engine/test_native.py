"""The operations each library answers its own way (``engine.native``)."""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest

from statcheck.engine.native import narrowed


def _rows(frame: nw.LazyFrame[Any]) -> list[tuple[Any, ...]]:
    return sorted(frame.collect().rows())


def _codes(spread: int) -> tuple[dict[str, Any], dict[str, Any]]:
    rng = np.random.default_rng(7)
    mine = {
        "a": rng.integers(0, 4, 400) * spread,
        "b": rng.integers(0, 5, 400),
        "row": np.arange(400),
    }
    theirs = {"a": rng.integers(0, 4, 30) * spread, "b": rng.integers(0, 5, 30), "x": range(30)}
    return mine, theirs


def test_narrowed_pandas_drops_the_rows_whose_codes_the_other_never_shows() -> None:
    mine, theirs = _codes(1)
    shown = set(zip(theirs["a"].tolist(), theirs["b"].tolist(), strict=True))
    expected = [
        r for a, b, r in zip(mine["a"], mine["b"], mine["row"], strict=True) if (a, b) in shown
    ]
    assert 0 < len(expected) < 400
    got = narrowed(
        nw.from_native(pd.DataFrame(mine)).lazy(),
        nw.from_native(pd.DataFrame(theirs)).lazy(),
        ["a", "b"],
    )
    assert sorted(r[-1] for r in _rows(got)) == sorted(expected)


@pytest.mark.parametrize("spread", [1, 10**12], ids=["codes", "codes-too-spread-for-an-array"])
@pytest.mark.parametrize("make", [pd.DataFrame, pl.DataFrame], ids=["pandas", "polars"])
def test_a_join_after_narrowing_finds_the_same_rows(spread: int, make: Any) -> None:
    mine, theirs = _codes(spread)
    left, right = nw.from_native(make(mine)).lazy(), nw.from_native(make(theirs)).lazy()
    joined = narrowed(left, right, ["a", "b"]).join(right, on=["a", "b"], how="inner")
    assert _rows(joined) == _rows(left.join(right, on=["a", "b"], how="inner"))
    assert len(_rows(joined)) > 0


def test_narrowing_text_or_negative_numbers_keeps_every_row() -> None:
    mine = pd.DataFrame({"k": ["x", "y", "z"], "n": [-1, 0, 1], "row": [0, 1, 2]})
    theirs = pd.DataFrame({"k": ["y", "z", "w"], "n": [0, 1, 5]})
    for on in (["k"], ["n"], ["k", "n"]):
        got = narrowed(nw.from_native(mine).lazy(), nw.from_native(theirs).lazy(), on)
        assert [r[-1] for r in _rows(got)] == [0, 1, 2]
