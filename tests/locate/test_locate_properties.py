"""Localisation on generated hierarchies: corrupt k figures of a consistent table, and the
smallest set found is never larger than k; one corrupted figure in two rules is found."""

from __future__ import annotations

import pandas as pd
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
