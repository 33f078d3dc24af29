"""partition: the sub-periods inside each calendar whole cover it with no gap and no overlap.

Every test runs on every backend; each asserts which wholes fail, with which finding,
explanation and counts.
"""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import statcheck
from statcheck.checking import check_frames, validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.contract.suite import Suite
from statcheck.model.interval import Interval
from statcheck.model.period import Period, coverage
from statcheck.report import Counts, Report, RuleResult, Status
from tests.conftest import BACKENDS, MakeDrop, figure

QUARTER_ENDS = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}


def suite(rule: str, skipped: str = "count") -> Suite:
    s = suite_from_yaml("suite: t\nrules:\n  - " + rule + "\n")
    return dataclasses.replace(s, rules=(dataclasses.replace(s.rules[0], skipped=skipped),))


def run(drop: Path, rule: str, backend: str, skipped: str = "count") -> RuleResult:
    report: Report = validate_drop(drop, suite(rule, skipped), engine=backend)
    return report.result("r")


def year(fid: str, y: int, value: str, **kw: str) -> dict[str, str]:
    return span(fid, f"{y}-01-01", f"{y}-12-31", value, **kw)


def quarter(fid: str, y: int, q: int, value: str, **kw: str) -> dict[str, str]:
    return span(fid, f"{y}-{3 * q - 2:02d}-01", f"{y}-{QUARTER_ENDS[q]}", value, **kw)


def month(fid: str, y: int, m: int, value: str, **kw: str) -> dict[str, str]:
    last = calendar.monthrange(y, m)[1]
    return span(fid, f"{y}-{m:02d}-01", f"{y}-{m:02d}-{last}", value, **kw)


def span(fid: str, start: str, end: str, value: str, **kw: str) -> dict[str, str]:
    return figure(fid, value, **{"precision": "0", "period_start": start, "period_end": end, **kw})


def quarters(prefix: str, y: int, values: tuple[str, ...] = ("1", "2", "3", "4"), **kw: str):
    return [quarter(f"{prefix}-q{q}", y, q, v, **kw) for q, v in enumerate(values, start=1)]


QUARTERS = "{id: r, kind: partition, whole: year, parts: quarter}"


@pytest.fixture
def regional(make_drop: MakeDrop) -> Path:
    """Years and quarters for two regions and a newspaper, months in another metric."""
    rows = [
        # north 2024: four quarters, a partition.
        year("n24", 2024, "10", region="north"),
        *quarters("n24", 2024, region="north"),
        # south 2024: Q3 missing.
        year("s24", 2024, "10", region="south"),
        quarter("s24-q1", 2024, 1, "1", region="south"),
        quarter("s24-q2", 2024, 2, "2", region="south"),
        quarter("s24-q4", 2024, 4, "4", region="south"),
        # north 2023: Q2 printed with a wrong end, running into Q3.
        year("n23", 2023, "10", region="north"),
        quarter("n23-q1", 2023, 1, "1", region="north"),
        span("n23-q2", "2023-04-01", "2023-07-15", "2", region="north"),
        quarter("n23-q3", 2023, 3, "3", region="north"),
        quarter("n23-q4", 2023, 4, "4", region="north"),
        # south 2023: a year with no quarter at all.
        year("s23", 2023, "10", region="south"),
        # the newspaper's north 2024 is a group of its own, and a partition.
        year("p24", 2024, "10", region="north", source_id="paper"),
        *quarters("p24", 2024, source_id="paper", region="north"),
        # deaths: a year and its months; months are no quarters.
        year("d24", 2024, "78", metric="deaths", region="north"),
        *[
            month(f"d24-m{m}", 2024, m, str(m), metric="deaths", region="north")
            for m in range(1, 13)
        ],
        # quarters of a year not in the drop are parts of nothing: no items.
        *quarters("n22", 2022, region="north"),
    ]
    return make_drop(rows, extra_columns=["region"])


def test_each_year_is_checked_in_its_group(regional: Path, backend: str) -> None:
    result = run(regional, QUARTERS, backend)
    assert result.status is Status.FAIL
    assert [(f.slug, f.figures) for f in result.findings] == [
        ("partition-overlap", ("n23", "n23-q2", "n23-q3")),
        ("partition-gap", ("s24", "s24-q1", "s24-q2", "s24-q4")),
    ]
    overlap, gap = result.findings
    assert overlap.explanation == (
        "n23 (10, 2023) is split into quarters that overlap: n23-q2 (2023-04-01 to "
        "2023-07-15) and n23-q3 (Q3 2023) both cover 2023-07-01 to 2023-07-15."
    )
    assert gap.explanation == (
        "s24 (10, 2024) is not covered by its 3 quarters (s24-q1, s24-q2, s24-q4): no quarter "
        "covers Q3 2024 (2024-07-01 to 2024-09-30)."
    )
    # n24, p24 pass; n23, s24 fail; s23 and d24 (months only) have no quarter.
    assert result.counts == Counts.of(4, 2, {"missing-parts": 2})
    assert result.counts.items == 6


def test_months_make_the_year_in_their_own_metric(regional: Path, backend: str) -> None:
    rule = "{id: r, kind: partition, whole: year, parts: month, figures: {metric: deaths}}"
    result = run(regional, rule, backend)
    assert (result.status, result.findings) == (Status.PASS, ())
    assert result.counts == Counts.of(1, 0)


def test_without_parts_every_shorter_period_inside_is_a_part(
    make_drop: MakeDrop, backend: str
) -> None:
    # Quarters and months of one year together: each month lies in a quarter.
    drop = make_drop(
        [
            year("y", 2024, "10"),
            *quarters("y", 2024),
            month("jan", 2024, 1, "1"),
            month("feb", 2024, 2, "1"),
        ]
    )
    result = run(drop, "{id: r, kind: partition, whole: year}", backend)
    [f] = result.findings
    assert f.slug == "partition-overlap"
    assert f.figures == ("y", "jan", "y-q1", "feb")
    assert f.explanation == (
        "y (10, 2024) is split into parts that overlap: jan (Jan 2024) and y-q1 (Q1 2024) "
        "both cover Jan 2024 (2024-01-01 to 2024-01-31) and y-q1 (Q1 2024) and feb (Feb 2024) "
        "both cover Feb 2024 (2024-02-01 to 2024-02-29)."
    )
    # Naming the parts leaves the months out.
    assert run(drop, QUARTERS, backend).status is Status.PASS


def test_a_part_overlaps_the_earlier_part_that_reaches_furthest(
    make_drop: MakeDrop, backend: str
) -> None:
    # H1 contains Q1 and Q2: Q2 starts after Q1 ends, but not after H1 does.
    drop = make_drop(
        [
            year("y", 2024, "10"),
            span("h1", "2024-01-01", "2024-06-30", "5"),
            quarter("q1", 2024, 1, "2"),
            quarter("q2", 2024, 2, "3"),
            span("h2", "2024-07-01", "2024-12-31", "5"),
        ]
    )
    [f] = run(drop, "{id: r, kind: partition, whole: year}", backend).findings
    assert f.figures == ("y", "q1", "h1", "q2")
    assert f.explanation.endswith(
        "q1 (Q1 2024) and h1 (Jan–Jun 2024) both cover Q1 2024 (2024-01-01 to 2024-03-31) "
        "and h1 (Jan–Jun 2024) and q2 (Q2 2024) both cover Q2 2024 (2024-04-01 to 2024-06-30)."
    )


def test_gaps_at_the_start_between_parts_and_at_the_end(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            year("y", 2024, "10"),
            span("q2", "2024-04-01", "2024-06-15", "2"),  # 76 days: a quarter ending early
            quarter("q3", 2024, 3, "3"),
        ]
    )
    result = run(drop, QUARTERS, backend)
    [f] = result.findings
    assert f.slug == "partition-gap"
    assert f.explanation == (
        "y (10, 2024) is not covered by its 2 quarters (q2, q3): no quarter covers Q1 2024 "
        "(2024-01-01 to 2024-03-31), 2024-06-16 to 2024-06-30 and Q4 2024 "
        "(2024-10-01 to 2024-12-31)."
    )
    assert result.counts == Counts.of(1, 1)


def test_a_part_reaching_past_its_whole_is_no_part_of_it(make_drop: MakeDrop, backend: str) -> None:
    # Dec 2024 to Jan 2025 lies inside no year: December 2024 is then covered by nothing.
    drop = make_drop(
        [
            year("y", 2024, "12"),
            *[month(f"m{m}", 2024, m, "1") for m in range(1, 12)],
            span("dec-jan", "2024-12-01", "2025-01-31", "2"),
        ]
    )
    [f] = run(drop, "{id: r, kind: partition, whole: year, parts: month}", backend).findings
    assert f.slug == "partition-gap"
    assert f.explanation.endswith("no month covers Dec 2024 (2024-12-01 to 2024-12-31).")


def test_a_misaligned_quarter_longer_than_a_quarter_is_still_caught(
    make_drop: MakeDrop, backend: str
) -> None:
    # 2024-04-01 to 2024-09-30 is nearer a half than a quarter: no part, so Q2 and Q3
    # show as a gap rather than disappearing.
    drop = make_drop(
        [
            year("y", 2024, "10"),
            quarter("q1", 2024, 1, "1"),
            span("q2", "2024-04-01", "2024-09-30", "5"),
            quarter("q4", 2024, 4, "4"),
        ]
    )
    [f] = run(drop, QUARTERS, backend).findings
    assert f.slug == "partition-gap"
    assert f.explanation.endswith("no quarter covers Apr–Sep 2024 (2024-04-01 to 2024-09-30).")


def test_add_up_is_off_by_default_and_checks_the_sum_when_on(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = make_drop(
        [
            year("y", 2024, "12"),
            *quarters("y", 2024, ("1", "2", "3", "4")),  # 10
            year("z", 2024, "10", region="south"),
            *quarters("z", 2024, ("1", "2", "3", "4"), region="south"),
            year("w", 2024, "8", region="west"),
            *quarters("w", 2024, ("1", "2", "3", "4"), region="west"),
        ],
        extra_columns=["region"],
    )
    assert run(drop, QUARTERS, backend).status is Status.PASS
    result = run(drop, QUARTERS.replace("}", ", add_up: true}"), backend)
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(3, 2)
    w, y = result.findings
    assert (y.slug, y.figures) == ("partition-sum-mismatch", ("y", "y-q1", "y-q2", "y-q3", "y-q4"))
    assert (y.reported, y.expected, y.gap, y.tolerance) == (
        Interval(12, 12),
        Interval(10, 10),
        2,
        0,
    )
    assert y.explanation == (
        "y (12, 2024) should equal the sum of its 4 quarters (y-q1, y-q2, y-q3, y-q4), which "
        "cover it exactly, but they add up to 10, 2 away from what 12 can stand for (12); the "
        "whole is larger: it counts something none of its parts does."
    )
    assert w.figures[0] == "w" and w.explanation.endswith(
        "the parts add up to more: they count something the whole does not."
    )
    tolerant = QUARTERS.replace("}", ", add_up: true, tolerance: {absolute: 2}}")
    assert run(drop, tolerant, backend).status is Status.PASS


def test_add_up_allows_for_rounding(make_drop: MakeDrop, backend: str) -> None:
    # "1,000" to hundreds is 950 to 1,050; four quarters of 240 (to tens) 940 to 980.
    drop = make_drop(
        [
            year("y", 2024, "1,000", precision="100"),
            *[quarter(f"q{q}", 2024, q, "240", precision="10") for q in range(1, 5)],
        ]
    )
    assert run(drop, QUARTERS.replace("}", ", add_up: true}"), backend).status is Status.PASS


def test_a_gap_is_reported_and_its_sum_not_checked(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([year("y", 2024, "10"), *quarters("y", 2024)[:3]])
    result = run(drop, QUARTERS.replace("}", ", add_up: true}"), backend)
    assert [f.slug for f in result.findings] == ["partition-gap"]


def test_a_year_with_no_parts_is_skipped_and_counted(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            year("y24", 2024, "10"),
            *quarters("y24", 2024),
            year("y23", 2023, "10"),
            year("y22", 2022, "10"),
        ]
    )
    counted = run(drop, QUARTERS, backend)
    assert (counted.status, counted.findings) == (Status.PASS, ())
    assert counted.counts == Counts.of(1, 0, {"missing-parts": 2})
    reported = run(drop, QUARTERS, backend, skipped="report")
    assert reported.status is Status.UNDETERMINED
    [f] = reported.findings
    assert (f.slug, f.figures, f.details) == (
        "skipped-items",
        ("y22", "y23"),
        (("reason", "missing-parts"),),
    )


def test_nothing_to_check_is_undetermined(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([year("y", 2024, "10"), *quarters("q", 2023)])
    result = run(drop, QUARTERS, backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts == Counts.of(0, 0, {"missing-parts": 1})
    [f] = result.findings
    assert f.slug == "missing-figure"
    assert f.explanation == (
        "The partition cannot be checked: of the 1 year in scope, 1 has no quarter inside."
    )
    quarters_only = run(drop, "{id: r, kind: partition, whole: half}", backend)
    assert quarters_only.findings[0].explanation == (
        "The partition cannot be checked: no figure covers one calendar half."
    )
    nothing = run(drop, QUARTERS.replace("}", ", figures: {metric: deaths}}"), backend)
    assert nothing.status is Status.UNDETERMINED
    assert nothing.findings[0].explanation == (
        "The partition cannot be checked: no figure matches 'metric=deaths'."
    )


def test_a_part_printed_twice_skips_its_whole(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            year("y24", 2024, "10"),
            *quarters("y24", 2024),
            quarter("y24-q3-again", 2024, 3, "3"),  # same metric, source and period as y24-q3
            year("y23", 2023, "10"),
            *quarters("y23", 2023),
        ]
    )
    result = run(drop, QUARTERS, backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts == Counts.of(1, 0, {"duplicate": 1})
    [f] = result.findings
    assert (f.slug, f.figures) == ("duplicate-figure", ("y24-q3", "y24-q3-again"))


def test_a_publishers_row_of_several_series_holds_a_whole_for_each(
    tmp_path: Path, backend: str
) -> None:
    # One row per period, a column per series: the year row holds two wholes (a and b),
    # each partitioned by its own quarters; only b's do not add up.
    table = tmp_path / "table.csv"
    table.write_text(
        "period,a,b\n2024,10,100\n2024-Q1,1,25\n2024-Q2,2,25\n2024-Q3,3,25\n2024-Q4,4,24\n"
    )
    wide = suite_from_yaml(
        "suite: t\ntable:\n  source: {source_id: s, name: S, kind: official}\n"
        "  period: {label: period}\n  series:\n"
        "    a: {unit: persons, precision: 0}\n    b: {unit: persons, precision: 0}\n"
        "rules:\n  - {id: r, kind: partition, whole: year, parts: quarter, add_up: true}\n"
    )
    result = statcheck.validate(table, wide, engine=backend).result("r")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(2, 1)
    [f] = result.findings
    assert f.slug == "partition-sum-mismatch"
    assert f.figures[0].startswith("b") and len(f.figures) == 5
    assert f.gap == 1
    assert "b" in f.explanation and "add up to 99" in f.explanation


def test_days_make_a_month_and_months_a_half(make_drop: MakeDrop, backend: str) -> None:
    days = [
        span(f"d{d}", f"2024-02-{d:02d}", f"2024-02-{d:02d}", "1") for d in range(1, 30) if d != 17
    ]
    drop = make_drop([month("feb", 2024, 2, "29"), *days])
    [f] = run(drop, "{id: r, kind: partition, whole: month, parts: day}", backend).findings
    assert f.explanation.startswith(
        "feb (29, Feb 2024) is not covered by its 28 days (d1, d2, d3, d4, d5, d6 and 22 more)"
    )
    assert f.explanation.endswith("no day covers 2024-02-17.")

    halves = make_drop(
        [
            span("h2", "2024-07-01", "2024-12-31", "6"),
            *[month(f"m{m}", 2024, m, "1") for m in range(7, 13)],
        ],
        name="halves",
    )
    rule = "{id: r, kind: partition, whole: half, parts: month, add_up: true}"
    assert run(halves, rule, backend).counts == Counts.of(1, 0)


def test_a_fiscal_year_is_no_whole(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            span("fy", "2023-04-01", "2024-03-31", "10"),
            quarter("q", 2024, 1, "1"),
        ]
    )
    result = run(drop, QUARTERS, backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts == Counts.of(0, 0)


# ---------------------------------------------------------------- against the model


def _random_parts(draw: st.DrawFn) -> list[tuple[int, int]]:
    """Up to 8 periods inside 2024 (day offsets from Jan 1, both ends included)."""
    n = draw(st.integers(0, 8))
    out = []
    for _ in range(n):
        a = draw(st.integers(0, 365))
        b = draw(st.integers(a, min(a + 120, 365)))
        out.append((a, b))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_findings_agree_with_the_models_coverage(data: st.DataObject) -> None:
    """Whatever parts a year has, it fails exactly when the model's ``coverage`` says the
    parts do not partition it, naming the days the model finds missing."""
    parts = data.draw(st.composite(_random_parts)())
    jan1 = date(2024, 1, 1)
    periods = [Period(jan1 + timedelta(a), jan1 + timedelta(b)) for a, b in parts]
    inside = [p for p in set(periods) if p != Period(jan1, date(2024, 12, 31))]
    rows = [year("y", 2024, "1")] + [
        span(f"p{i}", p.start.isoformat(), p.end.isoformat(), "1") for i, p in enumerate(inside)
    ]
    expected = coverage(inside, Period(jan1, date(2024, 12, 31)))
    for backend in BACKENDS:
        if backend == "spark":
            continue  # a Spark job per example: the backend tests cover Spark
        result = _check_rows(rows, backend)
        if not inside:
            assert result.counts == Counts.of(0, 0, {"missing-parts": 1})
            continue
        assert result.counts == Counts.of(1, 0 if expected.exact else 1)
        slugs = {f.slug for f in result.findings}
        assert ("partition-gap" in slugs) == bool(expected.gaps)
        assert ("partition-overlap" in slugs) == bool(expected.overlaps)
        for gap in expected.gaps:
            gap_finding = next(f for f in result.findings if f.slug == "partition-gap")
            assert gap.start.isoformat() in gap_finding.explanation


def _check_rows(rows: list[dict[str, str]], backend: str) -> RuleResult:
    frame = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})
    if backend == "pandas":
        frame = frame.to_pandas()
    rule = suite("{id: r, kind: partition, whole: year}")
    return check_frames(frame, rule).result("r")
