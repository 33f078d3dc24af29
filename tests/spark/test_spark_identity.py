"""The real-data suites give identical reports on pandas, polars and Spark: every bundled
suite against every drop it targets, as the CI job runs them (`statcheck run`, earlier
drops for the revision rules included), compared report by report."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from statcheck import runner
from tests.conftest import REPO
from tests.spark.conftest import needs_spark

pytestmark = needs_spark

EXPECTATIONS = REPO / "expectations"
# The only fields that may differ between two runs on the same inputs.
VARYING = ("generated_at", "cache_key")


@cache
def reports(engine: str, out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every (suite, drop) report of a full run on ``engine``, without its varying fields."""
    result = runner.run(EXPECTATIONS, out / engine, engine=engine, force=True)
    return {
        (d.suite, d.drop): {k: v for k, v in d.report.items() if k not in VARYING}
        for d in result.drops
    }


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.mark.parametrize("other", ["polars", "pandas"])
def test_every_bundled_suite_and_drop_gives_the_same_report_on_spark(out: Path, other: str) -> None:
    on_spark = reports("spark", out)
    expected = reports(other, out)
    assert sorted(on_spark) == sorted(expected)
    assert len(on_spark) >= 9  # every bundled drop, under each suite that targets it
    for key, report in expected.items():
        assert on_spark[key] == report, f"{key}: the Spark report differs from {other}'s"


def test_the_spark_reports_checked_something(out: Path) -> None:
    on_spark = reports("spark", out)
    assert all(not r["errors"] for r in on_spark.values())
    statuses = {res["status"] for r in on_spark.values() for res in r["results"]}
    assert {"pass", "fail"} <= statuses
