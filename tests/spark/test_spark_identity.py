"""The real-data suites give identical reports on pandas, polars and Spark: every bundled
suite against every drop it targets, as the CI job runs them (`statcheck run`, earlier
drops for the revision rules included), compared report by report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from statcheck import runner
from tests.conftest import REPO
from tests.spark.conftest import needs_spark

pytestmark = needs_spark

EXPECTATIONS = REPO / "expectations"
# The only fields that may differ between two runs on the same inputs.
VARYING = ("generated_at", "cache_key")


def reports(engine: str, out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every (suite, drop) report of a full run on ``engine``, without its varying fields."""
    result = runner.run(EXPECTATIONS, out / engine, engine=engine, force=True)
    return {
        (d.suite, d.drop): {k: v for k, v in d.report.to_dict().items() if k not in VARYING}
        for d in result.drops
    }


def test_every_bundled_suite_and_drop_gives_the_same_report_on_spark_polars_and_pandas(
    tmp_path: Path,
) -> None:
    # One test, so that the Spark run (the costly part) happens once whichever pytest
    # worker runs it.
    on_spark = reports("spark", tmp_path)
    assert len(on_spark) >= 9  # every bundled drop, under each suite that targets it
    assert all(not r["errors"] for r in on_spark.values())
    statuses = {res["status"] for r in on_spark.values() for res in r["results"]}
    assert {"pass", "fail"} <= statuses  # the reports checked something
    for other in ("polars", "pandas"):
        expected = reports(other, tmp_path)
        assert sorted(on_spark) == sorted(expected)
        for key, report in expected.items():
            assert on_spark[key] == report, f"{key}: the Spark report differs from {other}'s"
