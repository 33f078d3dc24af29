"""rate with a denominator and a time scale: deaths per 1,000 a year from a month's deaths
and the army's strength that month (Nightingale's rates: 12 × 1,000 × deaths / army)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.model.interval import Interval
from statcheck.report import Counts, Report, Status
from tests.conftest import MakeDrop, figure

JULY = {"period_start": "1854-07-01", "period_end": "1854-07-31"}
AUGUST = {"period_start": "1854-08-01", "period_end": "1854-08-31"}


def month(fid: str, value: str, period: dict[str, str], **kw: str) -> dict[str, str]:
    return figure(fid, value, **period, **kw)


def crimea(july_rate: str = "150", august_rate: str = "287.2") -> list[dict[str, str]]:
    """Deaths from disease and the army's strength, exact counts, and the rates printed
    to one decimal (Nightingale's table: July and August 1854)."""
    return [
        month("deaths|1854-07", "359", JULY, metric="deaths", precision="0"),
        month("army|1854-07", "28722", JULY, metric="army", precision="0"),
        month("rate|1854-07", july_rate, JULY, metric="rate", unit="per_1000", precision="0.1"),
        month("deaths|1854-08", "828", AUGUST, metric="deaths", precision="0"),
        month("army|1854-08", "30246", AUGUST, metric="army", precision="0"),
        month("rate|1854-08", august_rate, AUGUST, metric="rate", unit="per_1000", precision="0.1"),
    ]


def run(drop: Path, rule: str, backend: str) -> Report:
    return validate_drop(drop, suite_from_yaml(f"suite: t\nrules:\n  - {rule}\n"), engine=backend)


EXPLICIT = (
    "{id: r, kind: rate, rate: rate|1854-07, total: deaths|1854-07, of: army|1854-07, "
    "per: year, scale: 1000}"
)
TABLE = (
    "{id: r, kind: rate, over: metric, rate: rate, total: deaths, of: army, per: year, scale: 1000}"
)


def make(make_drop: MakeDrop, rows: list[dict[str, str]], name: str = "drop") -> Path:
    return make_drop(rows, extra_columns=["precision"], name=name)


def test_a_monthly_count_per_1000_a_year_passes(make_drop: MakeDrop, backend: str) -> None:
    # 12 × 1,000 × 359 / 28,722 = 149.99: printed 150.0, it fits.
    result = run(make(make_drop, crimea()), EXPLICIT, backend).result("r")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts.of(1, 0)


def test_a_rate_per_1000_a_month_taken_for_a_year_fails(make_drop: MakeDrop, backend: str) -> None:
    # 12.5 is 1,000 × 359 / 28,722 per month: twelve times too small for a yearly rate.
    result = run(make(make_drop, crimea(july_rate="12.5")), EXPLICIT, backend).result("r")
    assert result.status is Status.FAIL
    assert result.kind == "rate"
    [finding] = result.findings
    assert finding.slug == "rate-mismatch"
    assert finding.figures == ("rate|1854-07", "deaths|1854-07", "army|1854-07")
    expected = 12_000 * 359 / 28_722
    assert finding.expected is not None  # computed bounds: 14 significant digits
    assert finding.expected.to_list() == pytest.approx([expected, expected], rel=1e-13)
    assert finding.reported == Interval(12.45, 12.55)
    assert finding.gap == pytest.approx(expected - 12.55)
    assert finding.explanation == (
        "rate|1854-07 (12.5, Jul 1854) should be deaths|1854-07 (359, Jul 1854) per 1,000 of "
        "army|1854-07 (28,722, Jul 1854) a year (Jul 1854 being 1/12 of a year), which is "
        "149.989555, 137.439555 away from what 12.5 can stand for (12.45 to 12.55)."
    )


def test_rounded_counts_widen_the_rate(make_drop: MakeDrop, backend: str) -> None:
    # The army rounded to thousands (28,000: 27,500 to 28,500): 359 deaths give
    # 12,000 × 359 / 28,500 = 151.2 to 12,000 × 359 / 27,500 = 156.7; 150 is below.
    rows = crimea(july_rate="155")
    rows[1] = month("army|1854-07", "28000", JULY, metric="army", precision="1000")
    assert run(make(make_drop, rows), EXPLICIT, backend).result("r").status is Status.PASS
    rows[2] = month("rate|1854-07", "150", JULY, metric="rate", unit="per_1000", precision="0.1")
    result = run(make(make_drop, rows, "rounded"), EXPLICIT, backend).result("r")
    assert result.status is Status.FAIL
    [finding] = result.findings
    assert finding.expected is not None  # computed bounds: 14 significant digits
    bounds = [12_000 * 359 / 28_500, 12_000 * 359 / 27_500]
    assert finding.expected.to_list() == pytest.approx(bounds, rel=1e-13)
    assert "(151.157895 to 156.654545 allowing for rounding)" in finding.explanation


def test_the_table_form_checks_every_month(make_drop: MakeDrop, backend: str) -> None:
    # August: 12,000 × 828 / 30,246 = 328.5; printed 287.2 it fails, July passes.
    result = run(make(make_drop, crimea()), TABLE, backend).result("r")
    assert result.status is Status.FAIL
    assert result.kind == "rate"
    assert result.counts == Counts.of(2, 1)
    [finding] = result.findings
    assert finding.slug == "rate-mismatch"
    assert finding.figures == ("rate|1854-08", "deaths|1854-08", "army|1854-08")
    assert finding.gap == pytest.approx(12_000 * 828 / 30_246 - 287.25)
    assert "(Aug 1854 being 1/12 of a year)" in finding.explanation


def test_the_table_form_passes_when_every_month_fits(make_drop: MakeDrop, backend: str) -> None:
    result = run(make(make_drop, crimea(august_rate="328.5")), TABLE, backend).result("r")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts.of(2, 0)


def test_a_quarter_and_a_part_month_are_measured(make_drop: MakeDrop, backend: str) -> None:
    # A quarter is 1/4 of a year; 1 to 15 January 15 days of 365.25.
    quarter = {"period_start": "2024-01-01", "period_end": "2024-03-31"}
    days = {"period_start": "2024-01-01", "period_end": "2024-01-15"}
    rows = [
        month("deaths|q", "30", quarter, metric="deaths", precision="0"),
        month("army|q", "12000", quarter, metric="army", precision="0"),
        month("rate|q", "10", quarter, metric="rate", precision="0.1"),
        month("deaths|d", "10", days, metric="deaths", precision="0"),
        month("army|d", "10000", days, metric="army", precision="0"),
        month("rate|d", "24.35", days, metric="rate", precision="0.01"),
    ]
    result = run(make(make_drop, rows), TABLE, backend).result("r")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts.of(2, 0)  # 10 and 1,000 × 10 / 10,000 × 365.25 / 15


def test_a_month_with_no_army_figure_is_skipped(make_drop: MakeDrop, backend: str) -> None:
    rows = [r for r in crimea(august_rate="328.5") if r["figure_id"] != "army|1854-08"]
    result = run(make(make_drop, rows), TABLE, backend).result("r")
    assert result.counts == Counts.of(1, 0, {"missing-whole": 1})


def test_an_army_that_can_be_zero_gives_no_rate(make_drop: MakeDrop, backend: str) -> None:
    rows = crimea()
    rows[1] = month("army|1854-07", "0", JULY, metric="army", precision="0")
    result = run(make(make_drop, rows), EXPLICIT, backend).result("r")
    assert result.status is Status.FAIL
    [finding] = result.findings
    assert finding.slug == "zero-denominator"
    assert "can stand for 0" in finding.explanation


def test_the_report_is_the_same_on_every_engine(make_drop: MakeDrop) -> None:
    drop = make(make_drop, crimea(july_rate="12.5"))

    def as_dict(engine: str) -> dict[str, object]:
        report = run(drop, TABLE, engine).to_dict()
        report.pop("generated_at")
        return json.loads(json.dumps(report, default=str))

    assert as_dict("polars") == as_dict("pandas")


def test_a_rate_with_a_denominator_reads_back_as_written() -> None:
    [rule] = suite_from_yaml(f"suite: t\nrules:\n  - {TABLE}\n").rules
    assert rule.to_mapping() == {
        "id": "r",
        "kind": "rate",
        "over": "metric",
        "rate": "rate",
        "total": "deaths",
        "of": "army",
        "per": "year",
        "scale": 1000,
    }
