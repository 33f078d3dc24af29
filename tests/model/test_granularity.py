"""Calendar granularities: which periods are one calendar unit, and which unit a period
is nearest in length to."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statcheck.model.granularity import (
    CALENDAR_UNITS,
    GRANULARITIES,
    MONTHS_IN,
    bucket,
    is_calendar,
    length_range,
    nearest_unit,
)
from statcheck.model.period import Period, parse_period


@pytest.mark.parametrize(
    ("label", "unit"),
    [("2024", "year"), ("2024-H2", "half"), ("2024-Q3", "quarter"), ("2024-02", "month")],
)
def test_a_labelled_period_is_its_unit_and_no_other(label: str, unit: str) -> None:
    period = parse_period(label)
    assert [u for u in CALENDAR_UNITS if is_calendar(period, u)] == [unit]


@pytest.mark.parametrize(
    "label",
    ["2023-04-01/2024-03-31", "2024-02/2024-04", "2024-01-01/2024-12-30", "2024-07-02/2024-12-31"],
)
def test_shifted_or_cut_periods_are_no_calendar_unit(label: str) -> None:
    assert not any(is_calendar(parse_period(label), u) for u in CALENDAR_UNITS)


def test_lengths_are_split_at_the_midpoints_between_units() -> None:
    assert [length_range(u) for u in GRANULARITIES[1:]] == [
        (137, 273), (61, 136), (19, 60), (4, 18), (1, 3),
    ]  # fmt: skip
    assert length_range("year")[0] == 274
    # Every real quarter and month is of its own unit.
    assert length_range("quarter")[0] <= 90 and length_range("quarter")[1] >= 92
    assert length_range("month")[0] <= 28 and length_range("month")[1] >= 31
    # A quarter with a wrong end (2024-04-01 to 2024-07-15) is still a quarter.
    assert nearest_unit(Period(date(2024, 4, 1), date(2024, 7, 15)).days) == "quarter"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_day_falls_in_the_unit_that_contains_it(day: date) -> None:
    for unit in CALENDAR_UNITS:
        first = bucket(day, unit)  # the unit's first month, counted from year 0
        after = first + MONTHS_IN[unit]
        unit_period = Period(
            date(first // 12, first % 12 + 1, 1),
            date(after // 12, after % 12 + 1, 1) - timedelta(days=1),
        )
        assert is_calendar(unit_period, unit)
        assert unit_period.contains(Period(day, day))
