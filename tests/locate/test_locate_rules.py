"""Localisation's small cases: weights, compare rules, and one answer on every engine."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import statcheck
from statcheck.localisation import Weights, locate
from tests.conftest import REPO

BLS = REPO / "fixtures" / "drops" / "bls-cps-aat1-2025"
BLS_SUITE = REPO / "expectations" / "bls-cps-aat1.yml"


def _frame(values: dict[str, str], status: dict[str, str] | None = None) -> pd.DataFrame:
    ids = sorted(values)
    return pd.DataFrame(
        {
            "figure_id": ids,
            "metric": ids,
            "value": [values[i] for i in ids],
            "unit": ["persons"] * len(ids),
            "source_id": ["stats"] * len(ids),
            "period": ["2024"] * len(ids),
            "status": [(status or {}).get(i, "final") for i in ids],
        }
    )


SUM = statcheck.suite("s", [statcheck.rules.sum("t", total="total", parts=["a", "b"])])


def test_a_provisional_figure_is_cheaper_to_doubt_and_breaks_the_tie() -> None:
    frame = _frame({"total": "250", "a": "120", "b": "100"})
    assert len(locate(frame, SUM).components[0].sets) == 3  # three single fixes: a tie
    provisional = _frame({"total": "250", "a": "120", "b": "100"}, {"b": "provisional"})
    [component] = locate(provisional, SUM).components
    [only] = component.sets
    assert only.ids == ("b",) and only.weight == 0.5
    # 250 and 120 as printed stand for ±0.5 each (and a billionth for float noise).
    assert only.culprits[0].low == pytest.approx(129.0, abs=1e-6)
    assert only.culprits[0].high == pytest.approx(131.0, abs=1e-6)


def test_weights_are_a_mapping_the_caller_sets() -> None:
    frame = _frame({"total": "250", "a": "120", "b": "100"}, {"b": "provisional"})
    even = Weights(status=())
    assert len(locate(frame, SUM, weights=even).components[0].sets) == 3
    with pytest.raises(ValueError, match="above 0"):
        Weights(base=0)


def test_a_compare_rule_is_a_constraint_too() -> None:
    """a <= 100 fails and total = a + b holds: changing a alone would break the sum, so
    every smallest set changes a and one figure of the sum."""
    suite = statcheck.suite(
        "s",
        [
            statcheck.rules.sum("t", total="total", parts=["a", "b"]),
            statcheck.rules.compare("a-at-most-100", left="a", op="<=", right=100),
        ],
    )
    found = locate(_frame({"total": "250", "a": "150", "b": "100"}), suite)
    [component] = found.components
    assert component.failing == ("a-at-most-100",)
    assert {s.ids for s in component.sets} == {("a", "b"), ("a", "total")}
    [finding] = found.findings
    assert finding.slug == "comparison-mismatch" and finding.component == 0


def test_the_same_localisation_on_polars_and_pandas() -> None:
    polars = locate(BLS, BLS_SUITE, engine="polars").to_dict()
    pandas = locate(BLS, BLS_SUITE, engine="pandas").to_dict()
    assert json.dumps(polars, sort_keys=True) == json.dumps(pandas, sort_keys=True)


def test_data_that_cannot_be_read_is_the_reports_error_not_a_crash() -> None:
    found = locate(REPO / "no-such-drop", BLS_SUITE)
    assert found.report.errors and found.components == () and found.findings == ()


def test_components_of_one_relation_get_the_solvers_answer() -> None:
    """The components of one relation are answered all at once in closed form: on a
    table of totals and parts with some corrupted, the same sets, weights and ranges as
    the mixed-integer program of each component."""
    from statcheck.engine.linear import linear_relations
    from statcheck.localisation import failing_parts
    from statcheck.localisation._solve import solve_milp

    codes = ["T", "A", "B", "C"]
    rows = []
    for group in range(12):
        parts = [100 * group + k for k in (3, 5, 7)]
        values = [sum(parts), *parts]
        values[group % 4] += 50 * (group % 3)  # every third group consistent
        rows += [
            (f"{c}|{group}", c, str(v), str(group)) for c, v in zip(codes, values, strict=True)
        ]
    frame = pd.DataFrame(rows, columns=["figure_id", "code", "value", "region"]).assign(
        metric="pop", unit="persons", source_id="stats", period="2024",
        status=["provisional" if i % 5 == 0 else "final" for i in range(len(rows))],
    )  # fmt: skip
    suite = statcheck.suite(
        "s", [statcheck.rules.sum("t", over="code", total="T", parts=["A", "B", "C"])]
    )
    found = locate(frame, suite)
    assert len(found.components) == 8
    # The solver, component by component, on the same figure table.
    from statcheck import checking

    inputs = checking.frame_inputs(frame, None, "polars", None)
    parts = failing_parts(linear_relations(inputs.figures, suite), inputs.figures, suite, Weights())
    assert len(parts) == len(found.components)
    for component, part in zip(found.components, parts, strict=True):
        solved = solve_milp(part.problem)
        assert solved is not None
        assert component.sets[0].weight == pytest.approx(solved.weight)
        by_ids = {
            tuple(part.ids[i] for i in chosen): ranges
            for chosen, ranges in zip(solved.sets, solved.ranges, strict=True)
        }
        assert {s.ids for s in component.sets} == set(by_ids)
        for found_set in component.sets:
            [(low, high)] = by_ids[found_set.ids]
            [culprit] = found_set.culprits
            assert culprit.low == pytest.approx(low, abs=1e-6)
            assert culprit.high == pytest.approx(high, abs=1e-6)
