"""Reporting periods: inclusive start and end dates, and the labels people give them.

Accepted labels (an unparseable label is an error, never today's date):

* a year ``2024``; a half ``2024-H1``; a quarter ``2024-Q3``; a month ``2024-10``;
* a day ``2024-10-31``; an ISO interval ``2024-01-01/2024-10-31`` (both ends inclusive),
  whose ends may themselves be any of the labels above (``2024-01/2024-10``).

A publisher's table prints periods in more ways; the ``printed_*`` readers below take one
cell of a column a suite says holds years, months, quarters, days or fiscal years.
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
    if whole_months:  # whole months over years: 2023–2024, a fiscal year Apr 2023–Mar 2024
        if s.month == 1 and e.month == 12:
            return f"{s.year}–{e.year}"
        return f"{calendar.month_abbr[s.month]} {s.year}–{calendar.month_abbr[e.month]} {e.year}"
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


# --------------------------------------------------------------------------------------
# Periods as tables print them: a cell of a column the suite says holds years, months,
# quarters or fiscal years. Each reader takes one cell's text and gives the period it
# names, or refuses it (INVALID_PERIOD) saying why: a reader never guesses.

MONTH_NAMES: dict[str, int] = {
    **{calendar.month_name[m].lower(): m for m in range(1, 13)},
    **{calendar.month_abbr[m].lower(): m for m in range(1, 13)},
    "sept": 9,  # as some English tables abbreviate September
}
# A whole number as a typed column prints it (1959.0 from a float column).
_WHOLE = re.compile(r"^(\d+)(?:\.0+)?$")
# A day, alone or as a timestamp at midnight (how a date-typed column prints a period).
_PRINTED_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_YEAR_MONTH = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$"),  # 2006-01
    re.compile(r"^(?P<y>\d{4})M(?P<m>\d{1,2})$", re.IGNORECASE),  # 2006M01 (Eurostat, IMF)
    re.compile(r"^(?P<name>[A-Za-z]+)[ -]?(?P<y>\d{4})$"),  # Jan 2006, January-2006
    re.compile(r"^(?P<y>\d{4})[ -](?P<name>[A-Za-z]+)$"),  # 2006 Jan, 2006-January
)
_YEAR_QUARTER = (
    re.compile(r"^(?P<y>\d{4})[ -]?Q(?P<q>[1-4])$", re.IGNORECASE),  # 2006Q1, 2006-Q1
    re.compile(r"^Q(?P<q>[1-4])[ -]?(?P<y>\d{4})$", re.IGNORECASE),  # Q1 2006, Q1-2006
)
_FISCAL = re.compile(r"^(?:FY ?)?(?P<y>\d{4})(?:\.0+)?$", re.IGNORECASE)  # 2024, FY2024
_FISCAL_SPAN = re.compile(
    r"^(?:FY ?)?(?P<a>\d{4}) ?[-/] ?(?P<b>\d{2}|\d{4})$", re.IGNORECASE
)  # 2023-24, 2023/24, 2023-2024, FY2023-24


def month_number(text: str) -> int:
    """A month printed alone: ``1`` to ``12`` (``01``, ``1.0``), or its English name or
    abbreviation in any case (``January``, ``jan``)."""
    cell = text.strip()
    if m := _WHOLE.match(cell):
        number = int(m[1])
        if 1 <= number <= 12:
            return number
    elif cell.lower() in MONTH_NAMES:
        return MONTH_NAMES[cell.lower()]
    raise INVALID_PERIOD(
        f"{text!r} is not a month",
        hint="a month is 1 to 12 or an English month name (January, Jan)",
    )


def quarter_number(text: str) -> int:
    """A quarter printed alone: ``1`` to ``4`` (``1.0``), or ``Q1`` to ``Q4``."""
    cell = text.strip()
    m = _WHOLE.match(cell[1:] if cell[:1] in ("Q", "q") else cell)
    if m is not None and 1 <= int(m[1]) <= 4:
        return int(m[1])
    raise INVALID_PERIOD(f"{text!r} is not a quarter", hint="a quarter is 1 to 4 or Q1 to Q4")


def year_number(text: str) -> int:
    """A year printed alone: four digits (``1959``, or ``1959.0`` from a float column)."""
    m = _WHOLE.match(text.strip())
    if m is None or len(m[1]) != 4:
        raise INVALID_PERIOD(f"{text!r} is not a year", hint="a year is four digits: 2006")
    return int(m[1])


def printed_year(text: str) -> Period:
    """A year column's cell: ``2001`` (``2001.0``), or the first or last day of the year
    as a date-typed column prints it (``2001-01-01``, ``2001-12-31``)."""
    if (day := _printed_day(text)) is None:
        y = year_number(text)
        return Period(date(y, 1, 1), date(y, 12, 31))
    return _period_at_an_end(day, Period(date(day.year, 1, 1), date(day.year, 12, 31)), text)


def printed_month(text: str) -> Period:
    """A month column's cell: ``2006-01``, ``2006M01``, ``Jan 2006``, ``2006 January``, or
    the first or last day of the month (``2006-01-01``, ``2006-01-31``)."""
    cell = text.strip()
    if (day := _printed_day(cell)) is not None:
        return _period_at_an_end(day, _month(day.year, day.month, text), text)
    for form in _YEAR_MONTH:
        if m := form.match(cell):
            parts = m.groupdict()
            month = int(parts["m"]) if parts.get("m") else MONTH_NAMES.get(parts["name"].lower())
            if month is not None and 1 <= month <= 12:
                return _month(int(parts["y"]), month, text)
    raise INVALID_PERIOD(
        f"{text!r} is not a month",
        hint="a month column holds 2006-01, 2006M01, Jan 2006, or a month's first or last day",
    )


def printed_quarter(text: str) -> Period:
    """A quarter column's cell: ``2006Q1``, ``2006-Q1``, ``Q1 2006``, or the first or last
    day of the quarter (``2006-01-01``, ``2006-03-31``)."""
    cell = text.strip()
    if (day := _printed_day(cell)) is not None:
        quarter = (day.month - 1) // 3 + 1
        return _period_at_an_end(day, _quarter(day.year, quarter), text)
    for form in _YEAR_QUARTER:
        if m := form.match(cell):
            return _quarter(int(m["y"]), int(m["q"]))
    raise INVALID_PERIOD(
        f"{text!r} is not a quarter",
        hint="a quarter column holds 2006Q1, 2006-Q1, Q1 2006, or a quarter's first or last day",
    )


def printed_day(text: str) -> Period:
    """A date column's cell: ``2020-01-22`` (or that day at midnight ``2020-01-22 00:00:00``)."""
    day = _printed_day(text)
    if day is None:
        raise INVALID_PERIOD(
            f"{text!r} is not a day", hint="a date column holds days as YYYY-MM-DD"
        )
    return Period(day, day)


def printed_fiscal_year(text: str, starts: int) -> Period:
    """A fiscal year starting on the 1st of month ``starts``, named as its publisher prints
    it: by the year it ends in (``2024`` or ``FY2024``: with ``starts`` 10, Oct 2023 to
    Sep 2024, as the US federal fiscal year), or by both its years (``2023-24``,
    ``2023/24``, ``2023-2024``: with ``starts`` 4, Apr 2023 to Mar 2024)."""
    cell = text.strip()
    if m := _FISCAL.match(cell):
        return fiscal_year_ending(int(m["y"]), starts)
    if (m := _FISCAL_SPAN.match(cell)) and starts != 1:
        first, second = int(m["a"]), m["b"]
        if int(second) == (first + 1 if len(second) == 4 else (first + 1) % 100):
            return fiscal_year_ending(first + 1, starts)
        raise INVALID_PERIOD(
            f"{text!r} does not name two consecutive years, as a fiscal year spans",
            hint="write a fiscal year as 2023-24, 2023/24, 2023-2024 or by its last year, 2024",
        )
    if m and starts == 1:
        raise INVALID_PERIOD(
            f"{text!r} spans two years, but a fiscal year starting in January is one calendar year",
            hint="check the mapping's `starts`, or print the year alone",
        )
    raise INVALID_PERIOD(
        f"{text!r} is not a fiscal year",
        hint="a fiscal year is printed 2024, FY2024 (the year it ends in), 2023-24 or 2023/24",
    )


def fiscal_year_ending(year: int, starts: int) -> Period:
    """The fiscal year that starts on the 1st of month ``starts`` and ends in ``year``."""
    if starts == 1:
        return Period(date(year, 1, 1), date(year, 12, 31))
    if not 1 <= year - 1 <= 9998:
        raise INVALID_PERIOD(f"a fiscal year ending in {year} starts before year 1")
    last = starts - 1
    return Period(date(year - 1, starts, 1), date(year, last, calendar.monthrange(year, last)[1]))


def _printed_day(text: str) -> date | None:
    m = _PRINTED_DAY.match(text.strip())
    return None if m is None else _date(int(m[1]), int(m[2]), int(m[3]), text)


def _period_at_an_end(day: date, period: Period, text: str) -> Period:
    """``period``, as named by its first or last day; any other day inside it is refused:
    whether a table dates a month by its 15th, or holds days, is not for a reader to guess."""
    if day in (period.start, period.end):
        return period
    raise INVALID_PERIOD(
        f"{text!r} is a day inside {period.describe()}, neither its first nor its last",
        hint="a period column dated by days holds each period's first or last day; "
        "map the column as `date` if the figures are for days",
    )


def _month(y: int, m: int, text: str) -> Period:
    return Period(_date(y, m, 1, text), _month_end(y, m, text))


def _quarter(y: int, q: int) -> Period:
    return Period(date(y, 3 * q - 2, 1), date(y, 3 * q, calendar.monthrange(y, 3 * q)[1]))
