"""The operations each library answers its own way (``engine.native``) give the same rows
on every library."""

from __future__ import annotations

import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest

from statcheck.engine.native import among


def _rows(frame: nw.LazyFrame) -> list[tuple]:  # type: ignore[type-arg]
    return sorted(frame.collect().rows())


@pytest.mark.parametrize(
    "spread",
    [
        pytest.param(4, id="codes-of-small-span"),
        pytest.param(10**12, id="span-too-wide-for-an-array"),
    ],
)
def test_among_picks_the_rows_whose_combination_the_other_shows(spread: int) -> None:
    rng = np.random.default_rng(7)
    mine = {
        "a": rng.integers(0, 4, 400) * spread,
        "b": rng.integers(0, 5, 400),
        "row": np.arange(400),
    }
    theirs = {"a": rng.integers(0, 4, 30) * spread, "b": rng.integers(0, 5, 30)}
    shown = set(zip(theirs["a"].tolist(), theirs["b"].tolist(), strict=True))
    expected = sorted(
        (a, b, r)
        for a, b, r in zip(mine["a"].tolist(), mine["b"].tolist(), mine["row"], strict=True)
        if (a, b) in shown
    )
    assert 0 < len(expected) < 400
    for make in (pd.DataFrame, pl.DataFrame):
        got = among(
            nw.from_native(make(mine)).lazy(), nw.from_native(make(theirs)).lazy(), ["a", "b"]
        )
        assert _rows(got) == expected


def test_among_on_text_or_negative_codes_is_a_semi_join() -> None:
    mine = pd.DataFrame({"k": ["x", "y", "z"], "n": [-1, 0, 1], "row": [0, 1, 2]})
    theirs = pd.DataFrame({"k": ["y", "z", "w"], "n": [0, 1, 5]})
    for on in (["k"], ["n"], ["k", "n"]):
        got = among(nw.from_native(mine).lazy(), nw.from_native(theirs).lazy(), on)
        assert [r[-1] for r in _rows(got)] == [1, 2]
