"""Localisation on generated hierarchies: corrupt k figures of a consistent table, and the
smallest set found is never larger than k; one corrupted figure in two rules is found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import statcheck
from statcheck.localisation import locate

# total = a + b + c; a = a1 + a2; b = b1 + b2: a and b are in two rules each.
LEAVES = ("a1", "a2", "b1", "b2", "c")
SUITE = statcheck.suite(
    "hierarchy",
    [
        statcheck.rules.sum("total-is-a-b-c", total="total", parts=["a", "b", "c"]),
        statcheck.rules.sum("a-is-a1-a2", total="a", parts=["a1", "a2"]),
        statcheck.rules.sum("b-is-b1-b2", total="b", parts=["b1", "b2"]),
    ],
)


def _table(leaves: dict[str, int]) -> dict[str, int]:
    a, b = leaves["a1"] + leaves["a2"], leaves["b1"] + leaves["b2"]
    return {**leaves, "a": a, "b": b, "total": a + b + leaves["c"]}


def _frame(values: dict[str, int]) -> pd.DataFrame:
    ids = sorted(values)
    return pd.DataFrame(
        {
            "figure_id": ids,
            "metric": ids,
            "value": [str(values[i]) for i in ids],  # printed: each stands for ±0.5
            "unit": ["persons"] * len(ids),
            "source_id": ["stats"] * len(ids),
            "period": ["2024"] * len(ids),
        }
    )


@settings(max_examples=25, deadline=None)
@given(
    leaves=st.fixed_dictionaries({k: st.integers(0, 10**6) for k in LEAVES}),
    corrupted=st.sets(
        st.sampled_from(sorted(_table(dict.fromkeys(LEAVES, 0)))), min_size=1, max_size=3
    ),
    shift=st.integers(100, 10**5),
)
def test_the_smallest_set_is_no_larger_than_what_was_corrupted(
    leaves: dict[str, int], corrupted: set[str], shift: int
) -> None:
    values = _table(leaves)
    for k, figure in enumerate(sorted(corrupted)):
        values[figure] += shift * (k + 1)
    found = locate(_frame(values), SUITE)
    for component in found.components:
        assert component.sets, "a set of changes always exists"
        assert all(len(s.culprits) <= len(corrupted) for s in component.sets)


@settings(max_examples=15, deadline=None)
@given(
    leaves=st.fixed_dictionaries({k: st.integers(0, 10**6) for k in LEAVES}),
    figure=st.sampled_from(["a", "b"]),
    shift=st.integers(100, 10**5) | st.integers(-(10**5), -100),
)
def test_one_corrupted_figure_in_two_rules_is_found_exactly(
    leaves: dict[str, int], figure: str, shift: int
) -> None:
    values = _table(leaves)
    values[figure] += shift
    found = locate(_frame(values), SUITE)
    [component] = found.components
    [only] = component.sets  # unique: no other single figure mends both rules
    assert only.ids == (figure,)
    [culprit] = only.culprits
    assert culprit.low is not None and culprit.high is not None
    assert culprit.low <= values[figure] - shift <= culprit.high


def test_a_consistent_table_has_nothing_to_locate() -> None:
    found = locate(_frame(_table(dict.fromkeys(LEAVES, 7))), SUITE)
    assert found.components == () and found.findings == ()


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.integers(-(10**4), 10**4), min_size=2, max_size=6),
    widths=st.lists(st.integers(0, 50), min_size=6, max_size=6),
    coefficients=st.lists(st.sampled_from([-2.0, -1.0, 1.0, 3.0]), min_size=6, max_size=6),
    weights=st.lists(st.sampled_from([0.5, 1.0]), min_size=6, max_size=6),
    bounds=st.tuples(st.integers(-(10**4), 10**4), st.integers(0, 100)),
)
def test_one_relation_without_a_solver_gives_the_solvers_answer(
    values: list[int],
    widths: list[int],
    coefficients: list[float],
    weights: list[float],
    bounds: tuple[int, int],
) -> None:
    """A component of one relation is answered in closed form; the MILP agrees."""
    from statcheck.localisation._solve import Problem, solve, solve_milp

    n = len(values)
    v = np.array(values, dtype=float)
    w = np.array(widths[:n], dtype=float)
    start, width = bounds
    problem = Problem(
        values=v, lows=v - w, highs=v + w, weights=np.array(weights[:n]),
        matrix=np.array([coefficients[:n]]), lower=np.array([float(start)]),
        upper=np.array([float(start + width)]),
    )  # fmt: skip
    fast, slow = solve(problem), solve_milp(problem)
    assert fast is not None and slow is not None
    assert fast.weight == pytest.approx(slow.weight)
    if not fast.more:  # every tied set found both ways
        assert sorted(fast.sets) == sorted(slow.sets)
        by_set = dict(zip(slow.sets, slow.ranges, strict=True))
        for found, ranges in zip(fast.sets, fast.ranges, strict=True):
            for (lo, hi), (slo, shi) in zip(ranges, by_set[found], strict=True):
                assert lo == pytest.approx(slo, abs=1e-4) and hi == pytest.approx(shi, abs=1e-4)
