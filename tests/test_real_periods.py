"""Real published tables whose periods are printed as publishers print them, read through
the suite's `table:` mapping: BLS CES monthly employment (each month printed as its first
day) and US quarterly macroeconomic data (a year column and a quarter column). statcheck
finds exactly the inconsistencies computed here independently with plain pandas."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

import statcheck
from statcheck.report import Report, Status
from tests.conftest import REPO

DROPS = REPO / "fixtures" / "drops"
SUITES = REPO / "expectations"
BLS = DROPS / "bls-ces-us-employment-2018"
BLS_CSV = BLS / "us-employment.csv"
BLS_SUITE = SUITES / "bls-ces-us-employment.yml"
MACRO = DROPS / "statsmodels-macrodata-2009"
MACRO_CSV = MACRO / "macrodata.csv"
MACRO_SUITE = SUITES / "statsmodels-macrodata.yml"


@cache
def report(drop: str, suite: str, engine: str = "polars") -> Report:
    return statcheck.validate(DROPS / drop, SUITES / f"{suite}.yml", engine=engine)


def bls(engine: str = "polars") -> Report:
    return report(BLS.name, BLS_SUITE.stem, engine)


def macro(engine: str = "polars") -> Report:
    return report(MACRO.name, MACRO_SUITE.stem, engine)


def without_timestamp(r: Report) -> str:
    return "".join(line for line in r.to_json().splitlines(True) if '"generated_at"' not in line)


# --- BLS CES: the industry hierarchy and the month-on-month change ---------------------

# Printed to a tenth of a thousand (a trailing zero dropped); every other column to the
# thousand. Half the rounding unit is what each printed figure may be off by.
TENTHS = {"wholesale_trade", "retail_trade", "transportation_and_warehousing", "utilities"}
HIERARCHY = {
    "nonfarm-is-goods-plus-services": ("nonfarm", ["goods_producing", "service_providing"]),
    "nonfarm-is-private-plus-government": ("nonfarm", ["private", "government"]),
    "private-is-goods-plus-private-services": (
        "private",
        ["goods_producing", "private_service_providing"],
    ),
    "services-are-private-services-plus-government": (
        "service_providing",
        ["private_service_providing", "government"],
    ),
    "goods-are-mining-construction-manufacturing": (
        "goods_producing",
        ["mining_and_logging", "construction", "manufacturing"],
    ),
    "manufacturing-is-durable-plus-nondurable": (
        "manufacturing",
        ["durable_goods", "nondurable_goods"],
    ),
    "trade-transportation-utilities-are-their-four-parts": (
        "trade_transportation_utilties",
        ["wholesale_trade", "retail_trade", "transportation_and_warehousing", "utilities"],
    ),
    "private-services-are-their-seven-supersectors": (
        "private_service_providing",
        [
            "trade_transportation_utilties",
            "information",
            "financial_activities",
            "professional_and_business_services",
            "education_and_health_services",
            "leisure_and_hospitality",
            "other_services",
        ],
    ),
}


def half_unit(column: str) -> float:
    return 0.05 if column in TENTHS else 0.5


def months_beyond_rounding(total: str, parts: list[str]) -> set[str]:
    table = pd.read_csv(BLS_CSV)
    slack = half_unit(total) + sum(half_unit(p) for p in parts)
    diff = (table[total] - table[parts].sum(axis=1)).abs()
    return set(table["month"][diff > slack + 1e-9].str[:7])


@pytest.mark.parametrize("rule", HIERARCHY)
def test_bls_hierarchy_holds_every_month_at_the_printed_precision(rule: str) -> None:
    total, parts = HIERARCHY[rule]
    assert months_beyond_rounding(total, parts) == set()  # pandas: no month off
    result = bls().result(rule)
    assert result.status is Status.PASS
    assert result.counts is not None
    assert (result.counts.checked, result.counts.failed) == (120, 0)  # every month


def test_bls_trade_sum_needs_the_tenths_its_parts_are_printed_to() -> None:
    """2006 to 2015 the four parts of trade, transportation and utilities add up to their
    total within 0.5 thousand, more than the total's own rounding (0.5) allows only once
    the parts' (0.05 each) are counted: the suite's precision: 0.1 matters."""
    table = pd.read_csv(BLS_CSV)
    _, parts = HIERARCHY["trade-transportation-utilities-are-their-four-parts"]
    diff = (table["trade_transportation_utilties"] - table[parts].sum(axis=1)).abs()
    assert diff.max() == pytest.approx(0.5)


def test_bls_nonfarm_change_is_checked_against_the_month_before() -> None:
    """Regression (issue 17): read as days, 2006-02-01 found no 2006-01-31 and the change
    rule checked nothing; read as months, every change but the first is checked."""
    table = pd.read_csv(BLS_CSV)
    assert (table["nonfarm_change"].iloc[1:] == table["nonfarm"].diff().iloc[1:]).all()
    result = bls().result("nonfarm-change-is-the-change-from-the-month-before")
    assert result.status is Status.PASS
    assert result.counts is not None
    assert (result.counts.checked, result.counts.failed) == (119, 0)
    assert result.counts.skipped == (("no-predecessor", 1),)  # Jan 2006: no Dec 2005


def test_bls_every_cell_is_a_figure() -> None:
    figures = statcheck.validate(BLS, BLS_SUITE).rows
    assert (figures.read, figures.cells, figures.figures) == (120, 120 * 23, 120 * 23)


@pytest.mark.parametrize("engine", ["polars", "pandas"])
def test_a_wrong_change_in_the_bls_table_is_found_in_its_month(engine: str) -> None:
    """The table as published with one change misprinted: the rule names that month, by
    the gap plain arithmetic gives."""
    table = pd.read_csv(BLS_CSV, dtype=str)
    march_2010 = table.index[table["month"] == "2010-03-01"][0]
    table.loc[march_2010, "nonfarm_change"] = "300"
    levels = pd.read_csv(BLS_CSV)
    actual = levels["nonfarm"].iloc[march_2010] - levels["nonfarm"].iloc[march_2010 - 1]
    r = statcheck.validate(table, BLS_SUITE, engine=engine)
    [finding] = r.result("nonfarm-change-is-the-change-from-the-month-before").findings
    assert finding.figures[0] == "nonfarm_change|2010-03"
    # 300 ± 0.5 against the difference of two levels ± 0.5 each, in thousands.
    assert finding.gap == pytest.approx((abs(300 - actual) - 1.5) * 1000)


# --- macrodata: a year column and a quarter column -------------------------------------


def quarters_beyond_rounding(table: pd.DataFrame) -> dict[str, float]:
    """realint is defined as tbilrate - infl; each printed to 0.01 (± 0.005)."""
    diff = (table["tbilrate"] - table["infl"] - table["realint"]).abs()
    off = table[diff > 0.015 + 1e-9]
    return {
        f"treasury_bill_rate|{int(y)}-Q{int(q)}": d - 0.015
        for y, q, d in zip(off["year"], off["quarter"], diff[off.index], strict=True)
    }


def test_macrodata_real_rate_is_bill_rate_less_inflation_but_in_the_first_quarter() -> None:
    expected = quarters_beyond_rounding(pd.read_csv(MACRO_CSV))
    assert expected == {"treasury_bill_rate|1959-Q1": pytest.approx(2.805)}
    result = macro().result("bill-rate-is-inflation-plus-real-rate")
    assert result.status is Status.FAIL
    assert result.counts is not None
    assert (result.counts.checked, result.counts.failed) == (203, 1)  # 1959-Q1 to 2009-Q3
    found = {f.figures[0]: f.gap for f in result.findings}
    assert found == pytest.approx(expected)


@pytest.mark.parametrize("engine", ["polars", "pandas"])
def test_macrodata_as_statsmodels_loads_it_every_column_a_float(engine: str) -> None:
    """statsmodels' load_pandas() gives year 1959.0 and quarter 1.0: the same quarters."""
    typed = pd.read_csv(MACRO_CSV).astype(float)
    r = statcheck.validate(typed, MACRO_SUITE, engine=engine)
    found = {f.figures[0] for f in r.result("bill-rate-is-inflation-plus-real-rate").findings}
    assert found == set(quarters_beyond_rounding(typed))


@pytest.mark.parametrize("drop", [bls, macro])
def test_reports_are_byte_identical_on_polars_and_pandas(drop: object) -> None:
    assert without_timestamp(drop("polars")) == without_timestamp(drop("pandas"))  # type: ignore[operator]
