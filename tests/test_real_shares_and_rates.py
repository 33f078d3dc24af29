"""Shares of a total the table never prints, and rates per population per year, on two
real tables read as published; what statcheck finds is computed here again with plain
pandas.

- IPUMS USA occupations by sex, 1850-2000 (vega-datasets' ``jobs.json``): ``perc`` is each
  job and sex's share of the year's workers, over every job and both sexes. Checked with
  the right whole every share fits; shares of each sex's own total (the wrong grouping)
  fail wherever a job has workers.
- Florence Nightingale's monthly deaths in the army in the East, 1854-1856 (R's HistData
  ``Nightingale``): annual rates per 1,000 from a month's deaths and the army's strength,
  12 × 1,000 × deaths / army, to one decimal. Every one fits; read as per 1,000 a month,
  every rate of a month with deaths fails.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache

import pandas as pd
import pytest

from statcheck.checking import validate_drop
from statcheck.contract import load_suite, suite_from_yaml
from statcheck.contract.suite import Suite
from statcheck.report import Counts, Report, Status
from tests.conftest import REPO

DROPS = REPO / "fixtures" / "drops"
SUITES = REPO / "expectations"
JOBS = DROPS / "ipums-usa-jobs-1850-2000"
CRIMEA = DROPS / "nightingale-crimea-1854-1856"
ENGINES = ("polars", "pandas")


def suite(name: str, *extra_rules: str) -> Suite:
    """A bundled suite, with more rules when a test asks (the wrong grouping, the wrong
    time scale), read as a suite file would give them."""
    base = load_suite(SUITES / f"{name}.yml")
    if not extra_rules:
        return base
    extra = suite_from_yaml("suite: x\nrules:\n" + "".join(f"  - {r}\n" for r in extra_rules))
    return dataclasses.replace(base, rules=(*base.rules, *extra.rules))


@cache
def report(drop: str, *extra_rules: str, engine: str = "polars") -> Report:
    name = {JOBS.name: "ipums-usa-jobs", CRIMEA.name: "nightingale-crimea"}[drop]
    return validate_drop(DROPS / drop, suite(name, *extra_rules), engine=engine)


# ---------------------------------------------------------------- IPUMS jobs: shares

WITHIN_SEX = (
    "{id: shares-within-each-sex, kind: ratio, over: metric, part: workers, "
    "share: share_of_year, whole: {sum_over: [job]}}"
)
SHARE_RULE = "share-of-the-years-workers-over-every-job-and-sex"


@cache
def jobs() -> pd.DataFrame:
    table = pd.read_json(JOBS / "jobs.json")
    table["of_year"] = table["count"] / table.groupby("year")["count"].transform("sum")
    table["of_sex"] = table["count"] / table.groupby(["year", "sex"])["count"].transform("sum")
    return table


def _off(expected: pd.Series, printed: pd.Series) -> pd.Series:
    """Beyond floating-point noise: both sides are exact (a typed count and a typed share)."""
    return (expected - printed).abs() > 1e-9 * expected.abs()


def test_every_share_is_of_the_years_total_over_job_and_sex() -> None:
    table = jobs()
    assert not _off(table["of_year"], table["perc"]).any()  # no inconsistency to find
    result = report(JOBS.name).result(SHARE_RULE)
    assert result.status is Status.PASS, result.findings[:3]
    assert result.counts == Counts.of(len(table), 0)  # 7,650 shares: 255 jobs, 2 sexes, 15 years


def test_shares_checked_within_each_sex_fail_where_a_job_has_workers() -> None:
    table = jobs()
    wrong = table[_off(table["of_sex"], table["perc"])]
    assert len(wrong) == (table["count"] > 0).sum() == 5584  # a share of 0 is 0 either way
    result = report(JOBS.name, WITHIN_SEX).result("shares-within-each-sex")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(len(table), len(wrong))
    gaps = {f.figures[0]: f.gap for f in result.findings}
    expected = {  # a dimension's value is read stripped ("Professor - Agriculture ")
        f"share_of_year|{job.strip()}|{sex}|{year}": abs(of_sex - perc)
        for job, sex, year, of_sex, perc in wrong[
            ["job", "sex", "year", "of_sex", "perc"]
        ].itertuples(index=False)
    }
    assert gaps.keys() == expected.keys()
    assert all(gaps[k] == pytest.approx(v, rel=1e-9) for k, v in expected.items())


def test_a_wrong_grouping_says_what_it_summed() -> None:
    table = jobs()
    row = table[(table["job"] == "Farmer") & (table["sex"] == "men") & (table["year"] == 1850)]
    [(count, perc, of_sex)] = row[["count", "perc", "of_sex"]].itertuples(index=False)
    men = int(table[(table["year"] == 1850) & (table["sex"] == "men")]["count"].sum())
    [finding] = [
        f
        for f in report(JOBS.name, WITHIN_SEX).result("shares-within-each-sex").findings
        if f.figures[0] == "share_of_year|Farmer|men|1850"
    ]
    assert finding.figures == ("share_of_year|Farmer|men|1850", "workers|Farmer|men|1850")
    assert f"as a fraction of the sum of 255 figures over job, {men:,}, which is" in (
        finding.explanation
    )
    assert finding.gap == pytest.approx(of_sex - perc)
    assert count > 0


# ---------------------------------------------------------------- Nightingale: rates

CAUSES = ("Disease", "Wounds", "Other")
RATE_RULE = "annual-rate-per-1000-from-the-month"
PER_MONTH = (
    "{id: per-1000-a-month, kind: rate, over: [metric], rate: {metric: '{c}_rate'}, "
    "total: {metric: '{c}_deaths'}, of: {metric: army}, per: month, scale: 1000}"
)


@cache
def crimea() -> pd.DataFrame:
    """One row per month and cause: deaths, the army, the printed rate."""
    table = pd.read_csv(CRIMEA / "Nightingale.csv")
    return pd.concat(
        [
            table[["Date", "Army"]].assign(
                cause=c.lower(), deaths=table[c], rate=table[f"{c}.rate"]
            )
            for c in CAUSES
        ],
        ignore_index=True,
    )


def _beyond(expected: pd.Series, printed: pd.Series) -> pd.Series:
    """Outside what a rate printed to one decimal stands for (exact counts)."""
    return (expected - printed).abs() > 0.05 + 1e-9


def test_every_annual_rate_is_12_000_deaths_over_the_army() -> None:
    table = crimea()
    assert not _beyond(12_000 * table["deaths"] / table["Army"], table["rate"]).any()
    result = report(CRIMEA.name).result(RATE_RULE)
    assert result.status is Status.PASS, result.findings[:3]
    assert result.counts == Counts.of(72, 0)  # 24 months, 3 causes


def test_rates_read_as_per_1000_a_month_fail_in_every_month_with_deaths() -> None:
    table = crimea()
    expected = 1_000 * table["deaths"] / table["Army"]
    wrong = table[_beyond(expected, table["rate"])]
    assert len(wrong) == (table["deaths"] > 0).sum()
    result = report(CRIMEA.name, PER_MONTH).result("per-1000-a-month")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(72, len(wrong))
    gaps = {f.figures[0]: f.gap for f in result.findings}
    month = pd.to_datetime(wrong["Date"]).dt.strftime("%Y-%m")
    assert gaps == pytest.approx(
        {
            f"{cause}_rate|{m}": abs(e - r) - 0.05
            for cause, m, e, r in zip(
                wrong["cause"], month, expected[wrong.index], wrong["rate"], strict=True
            )
        }
    )


def test_a_rate_finding_is_one_plain_sentence_with_its_numbers() -> None:
    [finding] = [
        f
        for f in report(CRIMEA.name, PER_MONTH).result("per-1000-a-month").findings
        if f.figures[0] == "disease_rate|1855-01"
    ]
    assert finding.figures == ("disease_rate|1855-01", "disease_deaths|1855-01", "army|1855-01")
    assert finding.explanation == (
        "disease_rate|1855-01 (1,022.8, Jan 1855) should be disease_deaths|1855-01 (2,761, "
        "Jan 1855) per 1,000 of army|1855-01 (32,393, Jan 1855) a month (Jan 1855 being "
        "1 month), which is 85.234464, 937.515536 away from what 1,022.8 can stand for "
        "(1,022.75 to 1,022.85)."
    )


# ---------------------------------------------------------------- both engines


@pytest.mark.parametrize(
    ("drop", "rules"), [(JOBS.name, (WITHIN_SEX,)), (CRIMEA.name, (PER_MONTH,))]
)
def test_the_reports_are_the_same_on_every_engine(drop: str, rules: tuple[str, ...]) -> None:
    def as_json(engine: str) -> str:
        out = report(drop, *rules, engine=engine).to_dict()
        out.pop("generated_at")
        return json.dumps(out, sort_keys=True, default=str)

    assert as_json("polars") == as_json("pandas")
