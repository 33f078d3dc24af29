"""Periods as publishers print them, read through a suite's `table:` mapping: a month
printed as its first day is that month (so a month-on-month change finds the month
before), a year and a month or quarter in two columns, one period for a whole table, and
fiscal years; a cell that names no such period stops the drop at its row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

import statcheck
from statcheck.contract import suite_from_yaml
from statcheck.model.period import printed_day, printed_month, printed_quarter, printed_year
from statcheck.report import Report, Status

READERS = {
    "year": printed_year,
    "month": printed_month,
    "quarter": printed_quarter,
    "date": printed_day,
}
SOURCE = "  source: {source_id: bls, name: BLS, kind: official}\n"


def suite(period: str, series: str, rules: str) -> statcheck.Suite:
    return suite_from_yaml(
        f"suite: s\ntable:\n{SOURCE}  period: {period}\n  series:\n{series}rules:\n{rules}",
        "suite.yml",
    )


LEVEL_AND_CHANGE = (
    "    level: {unit: persons, precision: 1}\n    change: {unit: persons, precision: 1}\n"
)
CHANGE_RULE = (
    "  - id: change-is-the-change\n"
    "    kind: series\n"
    "    change: {metric: change, of: level, as: absolute}\n"
)


def check(tmp_path: Path, text: str, period: str, backend: str) -> Report:
    path = tmp_path / "table.csv"
    path.write_text(text)
    return statcheck.validate(path, suite(period, LEVEL_AND_CHANGE, CHANGE_RULE), engine=backend)


def mismatches(report: Report) -> dict[str, float]:
    result = report.result("change-is-the-change")
    return {f.figures[0]: f.gap or 0.0 for f in result.findings if f.slug == "change-mismatch"}


# --- one column ------------------------------------------------------------------------

MONTHS_BY_FIRST_DAY = (
    "month,level,change\n"
    "2006-01-01,100,\n"
    "2006-02-01,90,-10\n"
    "2006-03-01,95,10\n"  # wrong: 90 to 95 is +5
)


def test_a_month_printed_as_its_first_day_finds_the_month_before(
    tmp_path: Path, backend: str
) -> None:
    """Regression (issue 17): the month column was read as days, so no change found its
    predecessor and the rule checked nothing."""
    report = check(tmp_path, MONTHS_BY_FIRST_DAY, "{month: month}", backend)
    result = report.result("change-is-the-change")
    assert result.status is Status.FAIL
    assert mismatches(report) == {
        "change|2006-03": 3.5
    }  # 10 (9.5 to 10.5) against 95 - 90 (4 to 6)
    assert result.counts is not None
    assert (result.counts.checked, result.counts.failed) == (2, 1)


@pytest.mark.parametrize(
    ("column", "cells"),
    [
        ("month", ("2006-01-31", "2006-02-28", "2006-03-31")),  # by the last day
        ("month", ("Jan 2006", "Feb 2006", "Mar 2006")),
        ("month", ("2006M01", "2006M02", "2006M03")),
        ("quarter", ("2006Q1", "2006Q2", "2006Q3")),
        ("quarter", ("2006-01-01", "2006-04-01", "2006-07-01")),  # FRED's quarters
        ("year", ("2001-01-01", "2002-01-01", "2003-01-01")),  # vega's iowa-electricity
        ("year", ("2001", "2002", "2003.0")),
        ("date", ("2020-01-22", "2020-01-23", "2020-01-24 00:00:00")),
    ],
)
def test_each_kind_of_period_column(
    tmp_path: Path, backend: str, column: str, cells: tuple[str, ...]
) -> None:
    rows = "".join(
        f"{c},{v},{d}\n" for c, v, d in zip(cells, (100, 90, 95), ("", -10, 10), strict=True)
    )
    report = check(tmp_path, f"p,level,change\n{rows}", f"{{{column}: p}}", backend)
    third = READERS[column](cells[2]).label()
    assert mismatches(report) == {f"change|{third}": 3.5}


@pytest.mark.parametrize(
    ("period", "cell", "slug", "message"),
    [
        ("{month: p}", "2006-01-15", "invalid-period", "a day inside Jan 2006"),
        ("{month: p}", "2006", "invalid-period", "is not a month"),
        ("{quarter: p}", "2006-02-01", "invalid-period", "a day inside Q1 2006"),
        ("{year: p}", "2006-07-01", "invalid-period", "a day inside 2006"),
        ("{date: p}", "2006-07", "invalid-period", "is not a day"),
        ("{month: p}", "  ", "missing-period", "the period column 'p' is empty"),
    ],
)
def test_a_cell_that_names_no_such_period_is_refused_at_its_row_and_column(
    tmp_path: Path, backend: str, period: str, cell: str, slug: str, message: str
) -> None:
    text = f"p,level,change\n2006-01-01,100,\n{cell},90,-10\n"
    if period == "{year: p}":
        text = f"p,level,change\n2005-01-01,100,\n{cell},90,-10\n"
    report = check(tmp_path, text, period, backend)
    assert report.exit_code == 2
    [error] = report.errors
    assert error.slug == slug
    assert message in error.message
    assert (error.location.row, error.location.column) == (3, "p")
    assert error.location.file is not None and error.location.file.endswith("table.csv")
    assert error.hint


def test_a_row_without_figures_needs_no_period(tmp_path: Path, backend: str) -> None:
    """Only cells that become figures are read: a row of empty cells is no figure."""
    text = "p,level,change\n2006-01-01,100,\nnot a month,,\n2006-02-01,90,-10\n"
    report = check(tmp_path, text, "{month: p}", backend)
    assert not report.errors
    assert mismatches(report) == {}
    assert report.result("change-is-the-change").status is Status.PASS


def test_a_table_of_no_figures_checks_nothing_and_breaks_no_rule(
    tmp_path: Path, backend: str
) -> None:
    """A table whose every value cell is empty has no figure, and no period to read: its
    periods are still dates, so every rule is undetermined (nothing checked), none in
    error (a series read the day of an empty text column on pandas)."""
    rules = (
        CHANGE_RULE
        + "  - {id: running, kind: series, figures: {metric: level}, cumulative: true}\n"
    )
    path = tmp_path / "table.csv"
    path.write_text("p,level,change\n2006-01-01,,\n")
    report = statcheck.validate(path, suite("{month: p}", LEVEL_AND_CHANGE, rules), engine=backend)
    assert not report.errors
    assert report.rows is not None and report.rows.figures == 0
    assert {r.rule: r.status for r in report.results} == {
        "change-is-the-change": Status.UNDETERMINED,
        "running": Status.UNDETERMINED,
    }


# --- two columns: a year and a month or quarter ----------------------------------------


@pytest.mark.parametrize(
    ("period", "header", "first", "second", "third", "label"),
    [
        ("{year: Year, month: Month}", "Year,Month", "2006,January", "2006,feb", "2006,MAR", "2006-03"),
        ("{year: Year, month: Month}", "Year,Month", "2006,12", "2007,1", "2007,02", "2007-02"),
        ("{year: Year, quarter: Qtr}", "Year,Qtr", "1959.0,3.0", "1959.0,4.0", "1960.0,1.0", "1960-Q1"),
        ("{year: Year, quarter: Qtr}", "Year,Qtr", "2006,Q2", "2006,Q3", "2006,Q4", "2006-Q4"),
    ],
)  # fmt: skip
def test_a_year_and_a_month_or_quarter_in_two_columns(
    tmp_path: Path,
    backend: str,
    period: str,
    header: str,
    first: str,
    second: str,
    third: str,
    label: str,
) -> None:
    text = f"{header},level,change\n{first},100,\n{second},90,-10\n{third},95,10\n"
    report = check(tmp_path, text, period, backend)
    assert mismatches(report) == {f"change|{label}": 3.5}
    assert report.result("change-is-the-change").counts.checked == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("2006,Janvier", "Month", "'Janvier' is not a month"),
        ("2006,13", "Month", "'13' is not a month"),
        ("06,1", "Year", "'06' is not a year"),
        ("2006,", "Month", "the period column 'Month' is empty"),
    ],
)
def test_a_bad_year_or_month_names_its_own_column(
    tmp_path: Path, backend: str, cells: str, column: str, message: str
) -> None:
    text = f"Year,Month,level,change\n2006,1,100,\n{cells},90,-10\n"
    report = check(tmp_path, text, "{year: Year, month: Month}", backend)
    [error] = report.errors
    assert message in error.message
    assert (error.location.row, error.location.column) == (3, column)


# --- one period for the whole table ----------------------------------------------------


def test_a_table_with_one_period_states_it_once(backend: str) -> None:
    import polars as pl

    frame = pl.DataFrame({"region": ["North", "South", "All"], "people": ["60", "40", "103"]})
    rules = "  - {id: all-is-north-plus-south, kind: sum, over: region, total: All, parts: [North, South]}\n"
    checked = suite_from_yaml(
        f'suite: s\ntable:\n{SOURCE}  period: "2000"\n  dimensions: {{region: region}}\n'
        "  series:\n    people: {unit: persons, precision: 1}\n"
        f"rules:\n{rules}",
        "suite.yml",
    )
    report = statcheck.validate(frame, checked, engine=backend)
    [finding] = report.result("all-is-north-plus-south").findings
    assert finding.figures[0] == "people|All|2000"
    assert finding.gap == pytest.approx(1.5)  # 102.5 to 103.5 against 99 to 101


# --- fiscal years ----------------------------------------------------------------------


def test_fiscal_years_follow_one_another(tmp_path: Path, backend: str) -> None:
    text = "FY,level,change\n2021-22,100,\n2022-23,90,-10\n2023/24,95,10\n"
    report = check(tmp_path, text, "{fiscal_year: FY, starts: April}", backend)
    assert mismatches(report) == {"change|2023-04-01/2024-03-31": 3.5}
    [finding] = report.result("change-is-the-change").findings
    assert "Apr 2023–Mar 2024" in finding.explanation


def test_us_federal_fiscal_years_are_named_by_the_year_they_end(
    tmp_path: Path, backend: str
) -> None:
    text = "FY,level,change\nFY2022,100,\nFY2023,90,-10\nFY2024,95,10\n"
    report = check(tmp_path, text, "{fiscal_year: FY, starts: October}", backend)
    assert mismatches(report) == {"change|2023-10-01/2024-09-30": 3.5}


def test_reports_are_the_same_on_every_engine(tmp_path: Path) -> None:
    text = "Year,Month,level,change\n2006,Jan,100,\n2006,Feb,90,-10\n2006,Mar,95,10\n"
    path = tmp_path / "table.csv"
    path.write_text(text)
    checked = suite("{year: Year, month: Month}", LEVEL_AND_CHANGE, CHANGE_RULE)
    polars, pandas = (statcheck.validate(path, checked, engine=e) for e in ("polars", "pandas"))
    assert _untimed(polars) == _untimed(pandas)


def _untimed(report: Report) -> str:
    """The JSON report without the moment it was made."""
    return "".join(x for x in report.to_json().splitlines(True) if '"generated_at"' not in x)


# --- typed dates: a frame whose month column is a date type ----------------------------


@pytest.mark.parametrize("library", ["pandas-datetime", "polars-date", "polars-datetime"])
def test_a_typed_date_column_names_its_months(backend: str, library: str) -> None:
    import pandas as pd
    import polars as pl

    months = pd.to_datetime(["2006-01-01", "2006-02-01", "2006-03-01"])
    frame: object = pd.DataFrame(
        {"m": months, "level": ["100", "90", "95"], "change": [None, "-10", "10"]}
    )
    if library.startswith("polars"):
        frame = pl.from_pandas(frame)
        if library == "polars-date":
            frame = frame.with_columns(pl.col("m").dt.date())
    report = statcheck.validate(
        frame, suite("{month: m}", LEVEL_AND_CHANGE, CHANGE_RULE), engine=backend
    )
    assert mismatches(report) == {"change|2006-03": 3.5}


def test_a_typed_timestamp_inside_a_month_is_refused(backend: str) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "m": [pd.Timestamp("2006-01-01"), pd.Timestamp("2006-02-15 10:00")],
            "level": ["100", "90"],
            "change": [None, "-10"],
        }
    )
    report = statcheck.validate(
        frame, suite("{month: m}", LEVEL_AND_CHANGE, CHANGE_RULE), engine=backend
    )
    [error] = report.errors
    assert error.slug == "invalid-period"
    assert "'2006-02-15 10:00:00' is not a month" in error.message
    assert (error.location.row, error.location.column) == (3, "m")
