"""Real published tables, read as published: statcheck finds exactly the failures the data
contains, computed here independently with plain pandas."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from statcheck.checking import validate_drop
from statcheck.contract import load_suite
from statcheck.report import Report, Status
from tests.conftest import REPO

DROPS = REPO / "fixtures" / "drops"
SUITES = REPO / "expectations"


@cache
def report(suite: str, drop: str, backend: str = "polars") -> Report:
    return validate_drop(DROPS / drop, load_suite(SUITES / f"{suite}.yml"), engine=backend)


def failing_totals(r: Report, rule: str) -> dict[str, float]:
    return {f.figures[0]: f.gap or 0.0 for f in r.result(rule).findings if f.slug == "sum-mismatch"}


# --- BLS CPS aat1: counts in thousands, each rounded to the nearest thousand ----------

BLS_RULES = {
    "labor-force-is-employed-plus-unemployed": ("labor_force", "employed_total", "unemployed"),
    "population-is-labor-force-plus-not-in-labor-force": (
        "population",
        "labor_force",
        "not_in_labor",
    ),
    "employed-is-agriculture-plus-non-agriculture": (
        "employed_total",
        "agrictulture_ratio",
        "nonagriculture_ratio",
    ),
}
BLS_METRIC = {"employed_total": "employed", "agrictulture_ratio": "employed_agriculture"}


@pytest.mark.parametrize("rule", BLS_RULES)
def test_bls_finds_exactly_the_years_beyond_rounding(rule: str) -> None:
    table = pd.read_csv(DROPS / "bls-cps-aat1-2025" / "aat1.csv")
    single = table[~table["year"].duplicated(keep=False)]  # 1947 is printed twice
    total, a, b = BLS_RULES[rule]
    # Three numbers each rounded to the nearest thousand can disagree by 1.5 thousand.
    diff = (single[total] - single[a] - single[b]).abs()
    beyond = single[diff > 1.5]
    expected = {
        f"{BLS_METRIC.get(total, total)}|{y}": (d - 1.5) * 1000
        for y, d in zip(beyond["year"], diff[diff > 1.5], strict=True)
    }
    r = report("bls-cps-aat1", "bls-cps-aat1-2025")
    assert r.result(rule).status is Status.FAIL
    assert failing_totals(r, rule) == pytest.approx(expected)
    assert len(expected) >= 1


def test_bls_1947_coverage_break_is_surfaced_not_merged() -> None:
    r = report("bls-cps-aat1", "bls-cps-aat1-2025")
    for rule in BLS_RULES:
        [dup] = [f for f in r.result(rule).findings if f.slug == "duplicate-figure"]
        assert all("|1947@row" in fid for fid in dup.figures)
        assert len(dup.figures) == 6  # three metrics, two rows each
        assert not any(
            "|1947" in f.figures[0] for f in r.result(rule).findings if f.slug == "sum-mismatch"
        )


# --- World Bank population, two vintages -----------------------------------------------

REGIONS = ["EAS", "ECS", "LCN", "MEA", "NAC", "SAS", "SSF"]
INCOME = ["HIC", "UMC", "LMC", "LIC"]


def world_gaps(vintage: str, parts: list[str]) -> dict[str, float]:
    t = pd.read_csv(DROPS / f"worldbank-population-{vintage}" / "population.csv")
    wide = t.pivot_table(index="Year", columns="Country Code", values="Value", aggfunc="sum")
    gap = (wide["WLD"] - wide[parts].sum(axis=1)).abs()
    return {f"population|WLD|{y}": float(g) for y, g in gap.items() if g > 0}


@pytest.mark.parametrize("vintage", ["2020-04-14", "2026-03-06"])
def test_world_is_the_sum_of_the_regions_in_both_vintages(vintage: str) -> None:
    r = report("worldbank-population", f"worldbank-population-{vintage}")
    assert world_gaps(vintage, REGIONS) == {}
    assert r.result("world-is-the-sum-of-the-seven-regions").status is Status.PASS


def test_income_groups_hold_in_2020_and_fail_in_2026_by_the_unclassified_population() -> None:
    old = report("worldbank-population", "worldbank-population-2020-04-14")
    assert old.result("world-is-the-sum-of-the-four-income-groups").status is Status.PASS
    new = report("worldbank-population", "worldbank-population-2026-03-06")
    rule = "world-is-the-sum-of-the-four-income-groups"
    expected = world_gaps("2026-03-06", INCOME)
    assert len(expected) == 65  # every year 1960-2024
    # Why: Ethiopia and Venezuela are in no income group in the 2026 vintage; the gap is
    # their population, to the person, in every year.
    assert world_gaps("2026-03-06", [*INCOME, "ETH", "VEN"]) == {}
    assert failing_totals(new, rule) == pytest.approx(expected)
    # The World is larger than its income groups: the explanation points at what is missing.
    assert all(
        "something it counts is in none of the parts" in f.explanation
        for f in new.result(rule).findings
    )


def test_real_data_reports_are_identical_on_pandas() -> None:
    for suite, drop in [
        ("bls-cps-aat1", "bls-cps-aat1-2025"),
        ("worldbank-population", "worldbank-population-2026-03-06"),
    ]:
        a, b = report(suite, drop).to_dict(), report(suite, drop, "pandas").to_dict()
        a.pop("generated_at")
        b.pop("generated_at")
        assert a == b, (suite, drop)


# --- BLS percentages against their counts (rounding-aware, GRIM-style) -------------------

BLS_RATIOS = {
    "participation-rate-is-labor-force-over-population": (
        "labor_force",
        "population",
        "population_percent",
        "participation_rate",
    ),
    "employment-ratio-is-employed-over-population": (
        "employed_total",
        "population",
        "employed_percent",
        "employment_population_ratio",
    ),
    "unemployment-rate-is-unemployed-over-labor-force": (
        "unemployed",
        "labor_force",
        "unemployed_percent",
        "unemployment_rate",
    ),
}


@pytest.mark.parametrize("rule", BLS_RATIOS)
def test_bls_percentages_unreachable_from_their_rounded_counts(rule: str) -> None:
    part, whole, share, metric = BLS_RATIOS[rule]
    raw = pd.read_csv(DROPS / "bls-cps-aat1-2025" / "aat1.csv", dtype=str)
    single = raw[~raw["year"].duplicated(keep=False)]
    p, w = single[part].astype(float), single[whole].astype(float)
    s = single[share].astype(float)
    half = 0.5 * 10.0 ** -single[share].str.split(".").str[1].str.len()  # printed decimals
    low, high = (p - 0.5) / (w + 0.5) * 100, (p + 0.5) / (w - 0.5) * 100
    off = (s + half < low) | (s - half > high)
    expected = {f"{metric}|{y}" for y in single.loc[off, "year"]}
    r = report("bls-cps-aat1", "bls-cps-aat1-2025")
    mismatches = [f for f in r.result(rule).findings if f.slug == "ratio-mismatch"]
    got = {fid for f in mismatches for fid in f.figures if fid.startswith(metric + "|")}
    assert got == expected
    assert r.result(rule).status is (
        Status.FAIL if expected else Status.UNDETERMINED
    )  # 1947 stays unchecked


# --- JHU: five vintages of one cumulative series ---------------------------------------

JHU_VINTAGES = ["2020-12-01", "2021-01-01", "2021-02-01", "2021-03-01", "2021-04-01"]


@pytest.mark.parametrize("vintage", JHU_VINTAGES)
def test_jhu_cumulative_counts_that_fall(vintage: str) -> None:
    t = pd.read_csv(
        DROPS / f"jhu-covid-worldwide-{vintage}" / "worldwide-aggregate.csv"
    ).sort_values("Date")
    r = report("jhu-covid-worldwide", f"jhu-covid-worldwide-{vintage}")
    for column, rule in [("Confirmed", "cumulative-counts-never-fall"), ("Recovered", "cumulative-recovered-never-falls"),
                         ("Deaths", "cumulative-deaths-never-fall")]:  # fmt: skip
        falls = t[t[column] < t[column].shift(1)]
        expected = {f"{column.lower()}|{d}" for d in falls["Date"]}
        got = {f.figures[0] for f in r.result(rule).findings}
        assert got == expected, (vintage, column)
        assert r.result(rule).status is (Status.FAIL if expected else Status.PASS)


@pytest.mark.parametrize("vintage", JHU_VINTAGES)
def test_jhu_increase_rate_is_the_growth_of_confirmed(vintage: str) -> None:
    t = pd.read_csv(
        DROPS / f"jhu-covid-worldwide-{vintage}" / "worldwide-aggregate.csv"
    ).sort_values("Date")
    growth = (t["Confirmed"] / t["Confirmed"].shift(1) - 1) * 100
    printed = t["Increase rate"]
    assert ((growth - printed).abs().dropna() < 1e-9).all()  # the data holds it exactly
    r = report("jhu-covid-worldwide", f"jhu-covid-worldwide-{vintage}")
    assert r.result("increase-rate-is-the-growth-of-confirmed").status is Status.PASS
