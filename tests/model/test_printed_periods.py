"""Periods as tables print them (``statcheck.model.period``'s printed readers): a year,
month, quarter or fiscal-year cell names one period, or is refused saying why."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statcheck.errors import PeriodParseError
from statcheck.model.period import (
    Period,
    month_number,
    parse_period,
    printed_day,
    printed_fiscal_year,
    printed_month,
    printed_quarter,
    printed_year,
    quarter_number,
    year_number,
)


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        ("2006-01-01", "2006-01"),  # vega's us-employment: a month by its first day
        ("2006-01-31", "2006-01"),  # ... or by its last
        ("2006-02-28 00:00:00", "2006-02"),  # a timestamp at midnight
        ("2006-02-01T00:00:00", "2006-02"),
        ("2006-01", "2006-01"),
        ("2006M01", "2006-01"),  # Eurostat, IMF
        ("2006m1", "2006-01"),
        ("Jan 2006", "2006-01"),
        ("January 2006", "2006-01"),
        ("SEPT-2006", "2006-09"),
        ("2006 December", "2006-12"),
        (" 2006-01 ", "2006-01"),
    ],
)
def test_a_month_cell_names_its_month(cell: str, label: str) -> None:
    assert printed_month(cell).label() == label


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        ("2006Q1", "2006-Q1"),  # pandas' quarterly periods
        ("2006-Q2", "2006-Q2"),
        ("2006 q3", "2006-Q3"),
        ("Q4 2006", "2006-Q4"),
        ("2006-04-01", "2006-Q2"),  # FRED: a quarter by its first day
        ("2006-12-31", "2006-Q4"),
    ],
)
def test_a_quarter_cell_names_its_quarter(cell: str, label: str) -> None:
    assert printed_quarter(cell).label() == label


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        ("2001", "2001"),
        ("2001.0", "2001"),  # a year from a float column
        ("2001-01-01", "2001"),  # vega's iowa-electricity: a year by its first day
        ("2001-12-31", "2001"),
    ],
)
def test_a_year_cell_names_its_year(cell: str, label: str) -> None:
    assert printed_year(cell).label() == label


@pytest.mark.parametrize(
    ("reader", "cell", "why"),
    [
        (printed_month, "2006-01-15", "a day inside Jan 2006, neither its first nor its last"),
        (printed_month, "2006-13", "not a month"),
        (printed_month, "Janvier 2006", "not a month"),
        (printed_month, "Jan 06", "not a month"),  # which century: not for a reader to guess
        (printed_month, "2006", "not a month"),
        (printed_month, "2006-02-30", "does not exist"),
        (printed_month, "2006-01-01 12:00:00", "not a month"),
        (printed_quarter, "2006-02-01", "a day inside Q1 2006"),
        (printed_quarter, "2006-01", "not a quarter"),  # a month is no quarter
        (printed_quarter, "2006Q5", "not a quarter"),
        (printed_year, "2001-07-01", "a day inside 2001"),
        (printed_year, "2001-01", "not a year"),
        (printed_year, "01", "not a year"),
        (printed_year, "2001.5", "not a year"),
        (printed_day, "2020-01", "not a day"),
    ],
)
def test_a_cell_naming_no_such_period_is_refused(reader: object, cell: str, why: str) -> None:
    with pytest.raises(PeriodParseError, match=why):
        reader(cell)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("cell", "number"),
    [("1", 1), ("01", 1), ("12", 12), ("3.0", 3), ("January", 1), ("jan", 1), ("SEP", 9)],
)
def test_month_numbers_and_names(cell: str, number: int) -> None:
    assert month_number(cell) == number


@pytest.mark.parametrize("cell", ["0", "13", "1.5", "Janvier", "", "M1"])
def test_not_a_month(cell: str) -> None:
    with pytest.raises(PeriodParseError, match="not a month"):
        month_number(cell)


@pytest.mark.parametrize(("cell", "number"), [("1", 1), ("4", 4), ("Q2", 2), ("q3", 3), ("1.0", 1)])
def test_quarter_numbers(cell: str, number: int) -> None:
    assert quarter_number(cell) == number


@pytest.mark.parametrize("cell", ["0", "5", "Q0", "2.5", "first"])
def test_not_a_quarter(cell: str) -> None:
    with pytest.raises(PeriodParseError, match="not a quarter"):
        quarter_number(cell)


def test_years_from_float_columns() -> None:
    assert year_number("1959.0") == 1959
    with pytest.raises(PeriodParseError, match="not a year"):
        year_number("59")


# --- fiscal years: named by the year they end in, or by both their years ---------------

US_FY2024 = Period(date(2023, 10, 1), date(2024, 9, 30))
UK_2023_24 = Period(date(2023, 4, 1), date(2024, 3, 31))


@pytest.mark.parametrize("cell", ["2024", "FY2024", "fy 2024", "2023-24", "2023/24", "2023-2024"])
def test_us_federal_fiscal_year(cell: str) -> None:
    assert printed_fiscal_year(cell, starts=10) == US_FY2024


@pytest.mark.parametrize("cell", ["2023-24", "2023/24", "2023/2024", "FY2023-24", "2024"])
def test_uk_fiscal_year(cell: str) -> None:
    assert printed_fiscal_year(cell, starts=4) == UK_2023_24
    assert UK_2023_24.describe() == "Apr 2023–Mar 2024"


def test_a_fiscal_year_starting_in_january_is_the_calendar_year() -> None:
    assert printed_fiscal_year("2024", starts=1) == parse_period("2024")
    with pytest.raises(PeriodParseError, match="one calendar year"):
        printed_fiscal_year("2023-24", starts=1)


@pytest.mark.parametrize("cell", ["2023-25", "2023/23", "2023-2025", "1999-00x"])
def test_a_fiscal_year_spans_two_consecutive_years(cell: str) -> None:
    with pytest.raises(PeriodParseError, match=r"consecutive|not a fiscal year"):
        printed_fiscal_year(cell, starts=7)


def test_a_fiscal_year_across_the_century() -> None:
    assert printed_fiscal_year("1999-00", starts=7) == Period(date(1999, 7, 1), date(2000, 6, 30))


def test_whole_calendar_years_describe_as_years() -> None:
    assert parse_period("2023/2024").describe() == "2023–2024"


# --- properties: a period's own label, first and last day all read back to it ----------

months = st.builds(
    lambda y, m: parse_period(f"{y:04d}-{m:02d}"),
    st.integers(1000, 9999),
    st.integers(1, 12),
)


@given(months)
def test_a_month_reads_back_from_its_label_and_both_its_ends(month: Period) -> None:
    for cell in (month.label(), month.start.isoformat(), month.end.isoformat()):
        assert printed_month(cell) == month


@given(st.integers(1000, 9999), st.integers(1, 4))
def test_a_quarter_reads_back_from_its_label_and_both_its_ends(year: int, q: int) -> None:
    quarter = parse_period(f"{year}-Q{q}")
    for cell in (f"{year}Q{q}", quarter.start.isoformat(), quarter.end.isoformat()):
        assert printed_quarter(cell) == quarter


@given(st.integers(2, 9999), st.integers(1, 12))
def test_a_fiscal_year_is_twelve_months_ending_in_its_year(year: int, starts: int) -> None:
    fy = printed_fiscal_year(str(year).zfill(4), starts)
    assert fy.length_in("month") == 12
    assert fy.end.year == year
    assert fy.start.month == starts
