"""polars and pandas give the same report, byte for byte, on random small tables.

Each table holds monthly counts by region (a total and its parts), a quarter for the
months to partition, and shares of a population, printed with random values and
decimals and sometimes a declared precision (0: exact), some rows left out so that groups
lack a part or a whole. Every table-form kind runs over it; the two engines' JSON reports
must be the same bytes apart from ``generated_at``.
"""

from __future__ import annotations

from unittest import mock

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import statcheck
from statcheck.backends import _polars
from statcheck.contract import suite_from_yaml
from statcheck.report import Report

SUITE = suite_from_yaml(
    """\
suite: random
rules:
  - {id: regions, kind: sum, over: region, total: TOTAL}
  - {id: shares, kind: ratio, over: metric, part: cases, whole: pop, share: share}
  - {id: quarters, kind: partition, whole: quarter, add_up: true}
  - {id: rises, kind: series, cumulative: true, figures: {metric: pop}}
  - {id: months-sum, kind: compare, left: c-2024-01-N, op: '==', right: c-2024-01-S}
"""
)
REGIONS = ("TOTAL", "N", "S")
MONTHS = {1: ("01-01", "01-31"), 2: ("02-01", "02-29"), 3: ("03-01", "03-31")}


@st.composite
def printed(draw: st.DrawFn, high: int = 10**7) -> tuple[str, str]:
    """A value as a table prints it, and its precision cell (empty: from the digits)."""
    decimals = draw(st.integers(0, 4))
    whole = draw(st.integers(0, high))
    frac = draw(st.integers(0, 10**decimals - 1)) if decimals else 0
    text = f"{whole}.{frac:0{decimals}d}" if decimals else str(whole)
    precision = draw(st.sampled_from(["", "", "0", "1", "0.5"]))
    return text, precision


@st.composite
def tables(draw: st.DrawFn) -> pl.DataFrame:
    rows: list[dict[str, str]] = []

    def add(fid: str, metric: str, region: str, span: tuple[str, str], unit: str) -> None:
        if draw(st.integers(0, 9)) == 0:  # left out: a group lacks this figure
            return
        value, precision = draw(printed(100 if unit == "percent" else 10**7))
        rows.append(
            {
                "figure_id": fid,
                "metric": metric,
                "value": value,
                "unit": unit,
                "precision": precision,
                "period_start": f"2024-{span[0]}",
                "period_end": f"2024-{span[1]}",
                "source_id": "stats",
                "region": region,
            }
        )

    for month, span in MONTHS.items():
        for region in REGIONS:
            add(f"c-2024-{month:02d}-{region}", "cases", region, span, "cases")
            add(f"p-2024-{month:02d}-{region}", "pop", region, span, "persons")
            add(f"s-2024-{month:02d}-{region}", "share", region, span, "percent")
    for region in REGIONS:
        add(f"c-2024-Q1-{region}", "cases", region, ("01-01", "03-31"), "cases")
    return pl.DataFrame(rows, schema=dict.fromkeys(rows[0] if rows else ["figure_id"], pl.String))


def _json(report: Report) -> str:
    return report.to_json().replace(report.generated_at, "-")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_the_engines_agree_on_random_tables(table: pl.DataFrame) -> None:
    polars = statcheck.validate(table, SUITE, engine="polars")
    pandas = statcheck.validate(table.to_pandas(), SUITE, engine="pandas")
    assert _json(polars) == _json(pandas)
    # A table this short runs on polars' in-memory engine; a long one's on its streaming.
    with mock.patch.object(_polars, "IN_MEMORY_BELOW", 0):
        streaming = statcheck.validate(table, SUITE, engine="polars")
    assert _json(streaming) == _json(polars)
