"""Calendar granularities: the years, halves, quarters and months periods are reported in.

Two questions a partition of periods asks (see the ``partition`` rule kind):

* Is a period exactly one calendar unit? ``2024`` is a year, ``2024-H2`` a half,
  ``2024-Q3`` a quarter, ``2024-10`` a month: each starts on the unit's first day and ends
  on its last (:func:`is_calendar`). Fiscal years and other shifted periods are not.
* Which unit is a period *of*, when it is not exactly one? A period is of the unit whose
  mean length (in days) it is nearest to, ties going to the longer unit
  (:func:`nearest_unit`). So a quarter printed with a wrong end, 2024-04-01 to
  2024-07-15 (106 days), is still a quarter, while a half (182 days) or a month (30)
  is not. :func:`length_range` gives the lengths each unit takes in.

Weeks and days are on the scale of lengths (a 10-day period is no month), but are no
calendar unit here: weeks do not tile months or years.
"""

from __future__ import annotations

from datetime import date

from statcheck.model.period import Period

# Longest first. The mean lengths are those ``Period.length_in`` counts in (a year of
# 365.25 days, a month of 365.25 / 12), with the half between a year and a quarter.
GRANULARITIES = ("year", "half", "quarter", "month", "week", "day")
MEAN_DAYS = {
    "year": 365.25,
    "half": 365.25 / 2,
    "quarter": 365.25 / 4,
    "month": 365.25 / 12,
    "week": 7.0,
    "day": 1.0,
}
# The calendar units, as the number of months each is made of.
MONTHS_IN = {"year": 12, "half": 6, "quarter": 3, "month": 1}
CALENDAR_UNITS = tuple(MONTHS_IN)


def is_calendar(period: Period, unit: str) -> bool:
    """Whether ``period`` is exactly one calendar ``unit`` (year, half, quarter, month)."""
    months = MONTHS_IN[unit]
    first = period.start
    if first.day != 1 or (first.month - 1) % months:
        return False
    last_month = first.month + months - 1
    following = (
        date(first.year + 1, 1, 1) if last_month == 12 else date(first.year, last_month + 1, 1)
    )
    return period.end.toordinal() == following.toordinal() - 1


def bucket(day: date, unit: str) -> int:
    """The calendar ``unit`` a day falls in, as the number of its first month counted
    from January of year 0 (the engine joins a part to its whole on this number)."""
    months = MONTHS_IN[unit]
    return day.year * 12 + (day.month - 1) // months * months


def length_range(unit: str) -> tuple[int, int]:
    """The lengths in days, both ends included, of the periods nearest in length to one
    ``unit`` (ties go to the longer unit): a quarter is 61 to 136 days."""
    i = GRANULARITIES.index(unit)
    longer = GRANULARITIES[i - 1] if i > 0 else None
    shorter = GRANULARITIES[i + 1] if i + 1 < len(GRANULARITIES) else None
    # A length belongs to the longer of two units from their midpoint on.
    low = _first_length_from((MEAN_DAYS[unit] + MEAN_DAYS[shorter]) / 2) if shorter else 1
    high = (
        _first_length_from((MEAN_DAYS[unit] + MEAN_DAYS[longer]) / 2) - 1
        if longer
        else _LONGEST_PERIOD
    )
    return low, high


def nearest_unit(days: int) -> str:
    """The unit a period of ``days`` days is nearest in length to (see the module doc)."""
    return next(u for u in GRANULARITIES if length_range(u)[0] <= days)


def finer(a: str, b: str) -> bool:
    """Whether unit ``a`` is shorter than unit ``b``."""
    return GRANULARITIES.index(a) > GRANULARITIES.index(b)


def _first_length_from(midpoint: float) -> int:
    """The shortest whole number of days at or past ``midpoint``."""
    whole = int(midpoint)
    return whole if whole == midpoint else whole + 1


# No period is longer than 0001-01-01 to 9999-12-31.
_LONGEST_PERIOD = date.max.toordinal() - date.min.toordinal() + 1
