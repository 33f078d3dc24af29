"""The rule-shape benchmark cannot rot: on small tables of each shape
(benchmarks/rule_shapes.py) every rule checks the items the shape has and finds nothing
but the ring's two cycles and the dead chain's figure each, on both engines."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import rule_shapes  # noqa: E402


@pytest.mark.parametrize("engine", rule_shapes.ENGINES)
@pytest.mark.parametrize("shape", list(rule_shapes.SHAPES))
def test_each_shape_checks_what_it_has(shape: str, engine: str) -> None:
    run = rule_shapes.run_one(shape, 3_000, engine)
    assert run["items"] == run["expected_items"] > 0
    found = run["expected_findings"]
    assert (run["status"], run["findings"]) == ("fail" if found else "pass", found)
    if shape == "dead-chain":
        assert found == run["rows"]
