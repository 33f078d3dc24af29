"""The suite's column-level schema, compiled to pandera, on every backend."""

from __future__ import annotations

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.report import Status
from tests.conftest import MakeDrop, figure

SCHEMA = """suite: t
schema:
  metrics: [cases, deaths]
  units: [cases]
  dimensions: {region: [N, S]}
  value: {min: 0, max: 1000}
  unique: [metric, region, period, source]
rules:
  - id: p
    kind: period
"""


def test_a_conforming_table_passes(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [figure("a", "1", region="N"), figure("b", "2", region="S")], extra_columns=["region"]
    )
    report = validate_drop(drop, suite_from_yaml(SCHEMA), engine=backend)
    assert report.result("schema").status is Status.PASS
    assert report.results[0].rule == "schema"  # reported first, before the rules


def test_every_failed_check_names_its_figures(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        figure("ok", "1", region="N"),
        figure("bad-metric", "1", region="S", metric="births"),
        figure("bad-unit", "1", region="S", metric="deaths", unit="people"),
        figure("bad-region", "1", region="W"),
        figure(
            "too-big",
            "5,000",
            region="S",
            metric="deaths",
            period_start="2023-01-01",
            period_end="2023-12-31",
        ),
        figure("dup-1", "1", region="N", metric="deaths"),
        figure("dup-2", "2", region="N", metric="deaths"),
    ]
    report = validate_drop(
        make_drop(rows, extra_columns=["region"]), suite_from_yaml(SCHEMA), engine=backend
    )
    result = report.result("schema")
    assert result.status is Status.FAIL
    got = {(f.slug, f.figures) for f in result.findings}
    assert got == {
        ("not-allowed", ("bad-metric",)),
        ("not-allowed", ("bad-unit",)),
        ("not-allowed", ("bad-region",)),
        ("out-of-range", ("too-big",)),
        ("duplicate-key", ("dup-1", "dup-2")),
    }
    by_slug = {f.figures: f.explanation for f in result.findings}
    assert "births" in by_slug[("bad-metric",)] and "5000" in by_slug[("too-big",)]


def test_a_required_dimension_missing_is_a_failure(make_drop: MakeDrop, backend: str) -> None:
    report = validate_drop(make_drop([figure("a", "1")]), suite_from_yaml(SCHEMA), engine=backend)
    [f] = report.result("schema").findings
    assert f.slug == "missing-column" and "'region'" in f.explanation


def test_backends_agree(make_drop: MakeDrop) -> None:
    rows = [figure("a", "1", region="W"), figure("b", "1", region="W")]
    drop = make_drop(rows, extra_columns=["region"])
    a, b = (
        validate_drop(drop, suite_from_yaml(SCHEMA), engine=be).to_dict()
        for be in ("polars", "pandas")
    )
    assert a["results"] == b["results"]


def test_schema_compiles_to_a_pandera_schema() -> None:
    from statcheck.engine.column_checks import to_pandera

    schema = suite_from_yaml(SCHEMA).schema
    assert schema is not None
    compiled = to_pandera(schema, "polars")
    assert set(compiled.columns) == {"figure_id", "metric", "unit", "value", "region"}
    assert compiled.unique == ["metric", "region", "period_start", "period_end", "source_id"]
