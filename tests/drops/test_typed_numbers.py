"""Numbers as typed: a JSON number or a Parquet float is the number it is, never printed
as text and read back; exact unless the mapping gives a precision; the same on polars and
pandas. A CSV's scientific notation is a number that stands for its mantissa's last digit.

Regression: typed floats were printed as text, which polars and pandas print differently:
``2.715830011867641e-6`` (polars: scientific notation, refused as invalid-number) and
``1000000000000000.5`` (pyarrow: ``1.0000000000000005e+15``, refused on pandas only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

import statcheck
from statcheck.checking import drop_inputs
from statcheck.drops.manifest import read_drop
from tests.drops.conftest import WriteDrop

ENGINES = ("polars", "pandas")

# Typed floats from 1e-9 to 1e15, each row a total and its two parts; 2021's total is
# off by 0.01, every other row adds up exactly.
ROWS = [
    {"year": "2018", "part_a": 1e-9, "part_b": 2e-9, "total": 3e-9},
    {"year": "2019", "part_a": 2.715830011867641e-6, "part_b": 2.84169988132359e-7, "total": 3e-6},
    {"year": "2020", "part_a": 1e15, "part_b": 0.5, "total": 1000000000000000.5},
    {"year": "2021", "part_a": 0.25, "part_b": 0.5, "total": 0.76},
    {"year": "2022", "part_a": 123456789.125, "part_b": 0.875, "total": 123456790.0},
]

SUITE = """\
suite: typed
table:
  source: {source_id: lab, name: A laboratory, kind: official}
  period: {year: year}
  series:
    part_a: {unit: grams}
    part_b: {unit: grams}
    total: {unit: grams}
rules:
  - id: total-is-a-plus-b
    kind: sum
    over: metric
    total: total
    parts: [part_a, part_b]
"""


def _json(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows).encode()


def _parquet(rows: list[dict[str, Any]], tmp_path: Path) -> bytes:
    path = tmp_path / "table.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path.read_bytes()


@pytest.fixture(params=["json", "parquet"])
def typed_drop(request: pytest.FixtureRequest, write_drop: WriteDrop, tmp_path: Path) -> Path:
    fmt = request.param
    data = _json(ROWS) if fmt == "json" else _parquet(ROWS, tmp_path)
    return write_drop((f"table.{fmt}", data, {}))


@pytest.fixture
def suite_file(tmp_path: Path) -> Path:
    path = tmp_path / "typed.yml"
    path.write_text(SUITE, encoding="utf-8")
    return path


def _figures(drop: Path, suite: Path, engine: str) -> dict[str, tuple[float, ...]]:
    loaded = statcheck.load_suite(suite)
    inputs = drop_inputs(read_drop(drop), loaded.table, engine, values=loaded.values)
    rows = inputs.figures.frame.select("figure_id", "value", "precision", "low", "high").rows()
    return {r[0]: tuple(float(x) for x in r[1:]) for r in rows}


@pytest.mark.parametrize("engine", ENGINES)
def test_typed_floats_are_read_exactly(typed_drop: Path, suite_file: Path, engine: str) -> None:
    figures = _figures(typed_drop, suite_file, engine)
    for row in ROWS:
        for column in ("part_a", "part_b", "total"):
            value = row[column]
            # The float itself, exact: precision 0, an interval of one point.
            assert figures[f"{column}|{row['year']}"] == (value, 0.0, value, value)


@pytest.mark.parametrize("engine", ENGINES)
def test_exact_totals_pass_and_the_one_off_by_a_hundredth_fails(
    typed_drop: Path, suite_file: Path, engine: str
) -> None:
    report = statcheck.validate(typed_drop, suite=suite_file, engine=engine)
    assert report.errors == ()
    [result] = report.results
    assert result.status == "fail"
    assert result.counts is not None
    assert (result.counts.checked, result.counts.passed, result.counts.failed) == (5, 4, 1)
    [finding] = result.findings
    assert finding.figures[0] == "total|2021"
    assert finding.gap == pytest.approx(0.01, rel=1e-9)


def test_polars_and_pandas_give_the_same_report(typed_drop: Path, suite_file: Path) -> None:
    reports = [
        statcheck.validate(typed_drop, suite=suite_file, engine=e).to_dict() for e in ENGINES
    ]
    for r in reports:
        r.pop("generated_at", None)
    assert reports[0] == reports[1]


def test_the_cells_the_engines_used_to_refuse_differently(
    write_drop: WriteDrop, suite_file: Path, tmp_path: Path
) -> None:
    """polars printed 2.715830011867641e-6 in scientific notation (refused), pyarrow
    1000000000000000.5 as 1.0000000000000005e+15 (refused on pandas only): now both are
    numbers on both engines."""
    rows = [
        {"year": "2000", "part_a": 2.715830011867641e-6, "part_b": 1e15 + 0.5, "total": 1.0},
    ]
    drop = write_drop(("table.parquet", _parquet(rows, tmp_path), {}))
    for engine in ENGINES:
        report = statcheck.validate(drop, suite=suite_file, engine=engine)
        assert report.errors == ()
        figures = _figures(drop, suite_file, engine)
        assert figures["part_a|2000"][0] == 2.715830011867641e-6
        assert figures["part_b|2000"][0] == 1e15 + 0.5


def test_a_precision_in_the_mapping_widens_a_typed_number(typed_drop: Path, tmp_path: Path) -> None:
    suite = tmp_path / "rounded.yml"
    suite.write_text(SUITE.replace("total: {unit: grams}", "total: {unit: grams, precision: 0.1}"))
    for engine in ENGINES:
        low, high = _figures(typed_drop, suite, engine)["total|2021"][2:]
        assert (low, high) == pytest.approx((0.71, 0.81))
        # 0.75 now fits the total's 0.71..0.81: every row passes.
        report = statcheck.validate(typed_drop, suite=suite, engine=engine)
        assert report.results[0].status == "pass"


def test_integers_too_large_for_a_float_are_refused_naming_the_column(
    write_drop: WriteDrop, suite_file: Path
) -> None:
    rows = [{"year": "2000", "part_a": 9007199254740993, "part_b": 1, "total": 2}]
    drop = write_drop(("table.json", _json(rows), {}))
    for engine in ENGINES:
        report = statcheck.validate(drop, suite=suite_file, engine=engine)
        [error] = report.errors
        assert error.slug == "inexact-number"
        assert (error.location.row, error.location.column) == (2, "part_a")


# --- scientific notation in a CSV ----------------------------------------------------------

FIGURES_CSV = """\
figure_id,metric,value,unit,period,source_id
a,concentration,1.5e-06,g/l,2020,lab
b,concentration,0.00000154,g/l,2021,lab
c,concentration,1.56E-06,g/l,2022,lab
"""

CSV_SUITE = """\
suite: scientific
rules:
  - id: a-equals-b
    kind: compare
    left: a
    op: "=="
    right: b
  - id: a-equals-c
    kind: compare
    left: a
    op: "=="
    right: c
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_scientific_notation_in_a_csv_stands_for_its_last_printed_digit(
    write_drop: WriteDrop, tmp_path: Path, engine: str
) -> None:
    drop = write_drop(("figures.csv", FIGURES_CSV.encode(), {}))
    suite = tmp_path / "scientific.yml"
    suite.write_text(CSV_SUITE, encoding="utf-8")
    figures = _figures(drop, suite, engine)
    value, precision, low, high = figures["a"]
    assert (value, precision) == (1.5e-6, 1e-7)
    assert (low, high) == pytest.approx((1.45e-6, 1.55e-6), rel=1e-12)
    report = statcheck.validate(drop, suite=suite, engine=engine)
    assert report.errors == ()
    status = {r.rule: r.status for r in report.results}
    # 1.54e-6 (1.535..1.545e-6) is within 1.5e-06's 1.45..1.55e-6; 1.56E-06 is not.
    assert status == {"a-equals-b": "pass", "a-equals-c": "fail"}


def test_a_float_dimension_is_the_same_text_on_both_engines(
    write_drop: WriteDrop, tmp_path: Path
) -> None:
    """A typed float that is not a figure (a dimension) becomes text for the figure's id:
    printed one way on every engine (pyarrow alone would print 0.000002715830011867641 and
    1.0000000000000005e+15)."""
    rows = [
        {"year": "2000", "dose": 2.715830011867641e-6, "deaths": 3},
        {"year": "2000", "dose": 1e15 + 0.5, "deaths": 4},
        {"year": "2000", "dose": 56.0, "deaths": 5},
    ]
    drop = write_drop(("table.json", _json(rows), {}))
    suite = tmp_path / "doses.yml"
    suite.write_text(
        "suite: doses\ntable:\n  source: {source_id: lab, name: A laboratory, kind: official}\n"
        "  period: {year: year}\n  dimensions: {dose: dose}\n  value: deaths\n"
        "  metric: deaths\n  unit: persons\nrules:\n  - {id: p, kind: period}\n"
    )
    ids = [sorted(_figures(drop, suite, engine)) for engine in ENGINES]
    assert (
        ids[0]
        == ids[1]
        == [
            "deaths|1000000000000000.5|2000",
            "deaths|2.715830011867641e-6|2000",
            "deaths|56.0|2000",
        ]
    )
