"""A real published table with a publisher's marker for no figure: BEA's corporate profits
by industry, 1929-2012, as the R package Ecdat prints them (``NA`` for the year not yet
published). Its invariants are verified here independently with plain pandas, and
statcheck finds exactly that: every printed year adds up, 2012 is no figure and is named
by the rule that needs it; the same report on every engine."""

from __future__ import annotations

from functools import cache

import pandas as pd

from statcheck.checking import validate_drop
from statcheck.contract import load_suite
from statcheck.report import Report, Status
from tests.conftest import REPO

DROP = REPO / "fixtures" / "drops" / "ecdat-us-finance-industry"
SUITE = REPO / "expectations" / "ecdat-us-finance-industry.yml"
ROUNDING = 0.05  # billions printed to one decimal


@cache
def report(backend: str = "polars") -> Report:
    return validate_drop(DROP, load_suite(SUITE), engine=backend)


def table() -> pd.DataFrame:
    return pd.read_csv(DROP / "USFinanceIndustry.csv")


def test_the_not_available_cells_are_no_figures_counted_by_reason() -> None:
    t = table()
    values = t.drop(columns=["Unnamed: 0", "year"])
    na_years = sorted(set(t.loc[values.isna().any(axis=1), "year"]))
    assert na_years == [2012] and int(values.isna().sum().sum()) == 6
    rows = report().rows
    assert rows is not None
    assert rows.to_dict() == {
        "read": len(t), "cells": 6 * len(t), "figures": 6 * len(t) - 6, "duplicates": 0,
        "not_figures": 6, "reasons": {"empty-cell": 0, "not-available": 6},
    }  # fmt: skip


def test_every_printed_year_adds_up_within_its_rounding() -> None:
    t = table().drop(columns=["Unnamed: 0"]).dropna()
    # Three figures rounded to 0.1 billion can be 0.15 apart; pandas finds none beyond.
    assert (t.CorporateProfitsAdj - t.Domestic - t.restOfWorld).abs().max() <= 3 * ROUNDING
    assert (t.Domestic - t.Financial - t.Nonfinancial).abs().max() <= 3 * ROUNDING
    r = report()
    for rule in (
        "profits-are-domestic-plus-rest-of-world",
        "domestic-is-financial-plus-nonfinancial",
    ):
        result = r.result(rule)
        assert result.status is Status.PASS
        # Every year printed is checked; 2012's total is no figure, skipped and counted.
        assert (result.counts.checked, dict(result.counts.skipped)) == (len(t), {"not-a-figure": 1})
    # The share is Ecdat's own quotient of the printed figures, to the last digit it prints.
    assert (t.FinanceProportion - t.Financial / t.Domestic).abs().max() < 1e-12
    share = r.result("finance-share-is-financial-over-domestic")
    assert (share.status, share.counts.checked) == (Status.PASS, len(t))


def test_a_claim_about_2012_names_the_cell_the_publisher_left_na() -> None:
    result = report().result("profits-rose-in-2012")
    assert result.status is Status.UNDETERMINED
    [finding] = result.findings
    assert finding.slug == "missing-figure"
    assert finding.explanation == (
        "The compare cannot be checked: corporate_profits|2012 is not a figure: the "
        "publisher printed 'NA' (not-available)."
    )
    assert finding.figures == ("corporate_profits|2011",)


def test_the_same_report_on_every_engine() -> None:
    def comparable(r: Report) -> dict[str, object]:
        data = r.to_dict()
        data.pop("generated_at", None)
        return data

    assert comparable(report("pandas")) == comparable(report("polars"))
