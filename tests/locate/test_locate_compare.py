"""Table-form compare as constraints: one relation per group the check compares, with the
check's factor and tolerance, so localisation blames the figure the other rules clear."""

from __future__ import annotations

import pytest

from statcheck.contract import suite_from_yaml
from statcheck.engine.linear import linear_relations
from statcheck.localisation import adjust, locate
from tests.conftest import MakeDrop
from tests.engine.test_compare_table import year

SUITE = suite_from_yaml(
    """suite: t
rules:
  - {id: parts, kind: sum, over: metric, total: total, parts: [a, b]}
  - {id: a-within-limit, kind: compare, over: metric, left: a, op: '<=', factor: 0.5, right: total}
"""
)


def _drop(make_drop: MakeDrop) -> list[dict[str, str]]:
    # 2020: a = 40 <= 0.5 × 100 holds; 2021: a = 70 > 0.5 × 100 fails; total = a + b both years.
    return year(2020, total="100", a="40", b="60") + year(2021, total="100", a="70", b="30")


def test_each_compared_group_is_one_relation_with_the_checks_bounds(
    make_drop: MakeDrop, backend: str
) -> None:
    from statcheck import checking

    cache = checking.DropCache()
    drop = make_drop(_drop(make_drop))
    inputs = cache.inputs(cache.drop(drop), None, backend, None, SUITE.values)
    rules = linear_relations(inputs.figures, SUITE)
    assert rules.left_out == ()
    compare = rules.rule == 1
    assert compare.sum() == 2  # one relation per year
    entries = {
        str(f): c for f, c, r in zip(rules.figure, rules.coefficient, rules.relation, strict=True)
        if compare[r]
    }  # fmt: skip
    assert entries == {"a|2020": 1.0, "total|2020": -0.5, "a|2021": 1.0, "total|2021": -0.5}
    assert list(rules.failing()[compare]) == [False, True]
    assert (rules.lower[compare] == float("-inf")).all()
    assert rules.upper[compare] == pytest.approx([0.0, 0.0], abs=1e-6)


def test_localisation_blames_the_compared_figure_the_sum_does_not_clear(
    make_drop: MakeDrop, backend: str
) -> None:
    """Lowering a alone breaks total = a + b; raising total alone does too: every smallest
    set changes two figures, and the one in 2021's failing comparison is in each."""
    drop = make_drop(_drop(make_drop))
    found = locate(drop, SUITE, engine=backend)
    [component] = found.components
    assert component.failing == ("a-within-limit",)
    assert {s.ids for s in component.sets} == {("a|2021", "b|2021"), ("a|2021", "total|2021"),
                                                ("b|2021", "total|2021")}  # fmt: skip
    [finding] = found.findings
    assert finding.rule_id == "a-within-limit" and finding.component == component.number


def test_the_adjusted_table_satisfies_the_comparison_and_the_sum(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = make_drop(_drop(make_drop))
    found = adjust(drop, SUITE, engine=backend)
    new = {c.figure_id: c.new for c in found.changes}
    values = {"total": 100.0, "a": 70.0, "b": 30.0} | {
        k.split("|")[0]: v for k, v in new.items() if k.endswith("2021")
    }
    assert values["a"] <= 0.5 * values["total"] + 1e-6
    assert values["total"] == pytest.approx(values["a"] + values["b"], abs=1e-6)
    assert found.left_out == ()
