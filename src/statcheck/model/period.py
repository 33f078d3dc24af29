"""Reporting periods: inclusive start and end dates, and the labels people give them.

Accepted labels (an unparseable label is an error, never today's date):

* a year ``2024``; a half ``2024-H1``; a quarter ``2024-Q3``; a month ``2024-10``;
* a day ``2024-10-31``; an ISO interval ``2024-01-01/2024-10-31`` (both ends inclusive),
  whose ends may themselves be any of the labels above (``2024-01/2024-10``).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from statcheck.errors import (
    INVALID_DATE,
    INVALID_PERIOD,
    MISSING_PERIOD,
    PERIOD_REVERSED,
)

# The units a rate can be given per, and their lengths (see ``Period.length_in``).
PERIOD_UNITS = ("day", "week", "month", "quarter", "year")
_MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
_MEAN_DAYS_IN = {
    "day": 1.0,
    "week": 7.0,
    "month": 365.25 / 12,
    "quarter": 365.25 / 4,
    "year": 365.25,
}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PERIOD_REVERSED(
                f"period starts {self.start.isoformat()} after it ends {self.end.isoformat()}",
            )

    @classmethod
    def as_printed(cls, start: date, end: date) -> Period:
        """A figure's period as its row gives it, even one that ends before it starts: the
        ``period`` rule reports that, and the other rules must still name the figure."""
        if start <= end:
            return cls(start, end)
        reversed_ = object.__new__(cls)
        object.__setattr__(reversed_, "start", start)
        object.__setattr__(reversed_, "end", end)
        return reversed_

    @property
    def days(self) -> int:
        """Length in days, both ends included."""
        return (self.end - self.start).days + 1

    def length_in(self, unit: str) -> float:
        """The length of the period in ``unit``: day, week, month, quarter or year.

        A period of whole calendar months (it starts on a 1st and ends on a month's last
        day) counts its months: ``2024`` is 12 months, 4 quarters, 1 year; Jan–Oct 2024 is
        10 months. Any other period, and weeks and days always, count days: a month is
        365.25 / 12 days, a quarter 365.25 / 4, a year 365.25, a week 7.
        """
        if unit not in PERIOD_UNITS:
            raise ValueError(f"unknown period unit {unit!r}; use one of: {', '.join(PERIOD_UNITS)}")
        months = self._whole_months()
        if unit in _MONTHS_IN and months is not None:
            return months / _MONTHS_IN[unit]
        return self.days / _MEAN_DAYS_IN[unit]

    def _whole_months(self) -> int | None:
        s, e = self.start, self.end
        if s.day != 1 or e.day != calendar.monthrange(e.year, e.month)[1]:
            return None
        return (e.year - s.year) * 12 + e.month - s.month + 1

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def label(self) -> str:
        """The shortest label that parses back to this period."""
        s, e = self.start, self.end
        if s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1] and s.year == e.year:
            # Years are zero-padded to the four digits the labels require (0999, not 999).
            if s.month == 1 and e.month == 12:
                return f"{s.year:04d}"
            if s.month == e.month:
                return f"{s.year:04d}-{s.month:02d}"
            if e.month - s.month == 2 and s.month % 3 == 1:
                return f"{s.year:04d}-Q{(s.month - 1) // 3 + 1}"
        if s == e:
            return s.isoformat()
        return f"{s.isoformat()}/{e.isoformat()}"

    def describe(self) -> str:
        """How a reader would say it: ``2024``, ``Oct 2024``, ``Q3 2024``, ``Jan–Oct 2024``."""
        return _describe(self.start, self.end)

    def __str__(self) -> str:
        return self.label()


@functools.lru_cache(maxsize=4096)  # explanations name the same few periods many times
def _describe(s: date, e: date) -> str:
    if s > e:
        return f"{s.isoformat()} to {e.isoformat()} (ends before it starts)"
    whole_months = s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]
    if whole_months and s.year == e.year:
        if s.month == 1 and e.month == 12:
            return str(s.year)
        first, last = calendar.month_abbr[s.month], calendar.month_abbr[e.month]
        if s.month == e.month:
            return f"{first} {s.year}"
        if e.month - s.month == 2 and s.month % 3 == 1:
            return f"Q{(s.month - 1) // 3 + 1} {s.year}"
        return f"{first}–{last} {s.year}"
    if s == e:
        return s.isoformat()
    return f"{s.isoformat()} to {e.isoformat()}"


_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_period(label: str) -> Period:
    """A period from its label (see the module docstring)."""
    if not isinstance(label, str) or not label.strip():
        raise MISSING_PERIOD("the period label is empty")
    text = label.strip()
    if "/" in text:
        first, _, last = text.partition("/")
        if "/" in last:
            raise INVALID_PERIOD(
                f"{label!r} has more than one '/' (a date such as 10/11/12 is read no way: "
                "day, month and year could be in any order)",
                hint="write dates as YYYY-MM-DD, periods as 2024-01-01/2024-10-31",
            )
        return Period(
            _parse_single(first.strip(), label).start, _parse_single(last.strip(), label).end
        )
    return _parse_single(text, label)


def parse_date(text: str) -> date:
    """An ISO calendar date ``YYYY-MM-DD``; anything else is an error."""
    m = _DAY.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise INVALID_DATE(f"{text!r} is not a date in the form YYYY-MM-DD")
    return _date(int(m[1]), int(m[2]), int(m[3]), text)


def _parse_single(text: str, original: str) -> Period:
    if m := _YEAR.match(text):
        y = int(m[1])
        return Period(_date(y, 1, 1, original), _date(y, 12, 31, original))
    if m := _HALF.match(text):
        y, h = int(m[1]), int(m[2])
        return Period(_date(y, 6 * h - 5, 1, original), _month_end(y, 6 * h, original))
    if m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        return Period(_date(y, 3 * q - 2, 1, original), _month_end(y, 3 * q, original))
    if m := _MONTH.match(text):
        y, mo = int(m[1]), int(m[2])
        return Period(_date(y, mo, 1, original), _month_end(y, mo, original))
    if m := _DAY.match(text):
        d = _date(int(m[1]), int(m[2]), int(m[3]), original)
        return Period(d, d)
    raise INVALID_PERIOD(
        f"{original!r} is not a period label statcheck understands",
        hint="use 2024, 2024-H1, 2024-Q3, 2024-10, 2024-10-31 or 2024-01-01/2024-10-31",
    )


def _date(y: int, m: int, d: int, original: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise INVALID_DATE(f"{original!r} names a date that does not exist") from None


def _month_end(y: int, m: int, original: str) -> date:
    if not 1 <= m <= 12:
        raise INVALID_DATE(f"{original!r} names month {m}, which does not exist")
    return _date(y, m, calendar.monthrange(y, m)[1], original)


@dataclass(frozen=True)
class Coverage:
    """How a set of periods covers a whole: the days missed and the days counted twice."""

    gaps: tuple[Period, ...]
    overlaps: tuple[Period, ...]
    outside: tuple[Period, ...]

    @property
    def exact(self) -> bool:
        return not (self.gaps or self.overlaps or self.outside)


def coverage(parts: Iterable[Period], whole: Period) -> Coverage:
    """Whether ``parts`` partition ``whole``: no gap, no overlap, nothing outside it."""
    ordered = sorted(parts)
    gaps: list[Period] = []
    overlaps: list[Period] = []
    outside: list[Period] = []
    for p in ordered:
        if p.start < whole.start:
            outside.append(Period(p.start, min(p.end, whole.start - timedelta(days=1))))
        if p.end > whole.end:
            outside.append(Period(max(p.start, whole.end + timedelta(days=1)), p.end))
    # First day not yet covered, as an ordinal: the day after 9999-12-31 is no date.
    cursor = whole.start.toordinal()
    for p in ordered:
        s, e = max(p.start, whole.start), min(p.end, whole.end)
        if s > e:
            continue
        if s.toordinal() > cursor:
            gaps.append(Period(date.fromordinal(cursor), s - timedelta(days=1)))
        elif s.toordinal() < cursor:
            overlaps.append(Period(s, min(e, date.fromordinal(cursor - 1))))
        cursor = max(cursor, e.toordinal() + 1)
    if cursor <= whole.end.toordinal():
        gaps.append(Period(date.fromordinal(cursor), whole.end))
    return Coverage(tuple(gaps), tuple(overlaps), tuple(outside))


def partitions(parts: Iterable[Period], whole: Period) -> bool:
    return coverage(parts, whole).exact
