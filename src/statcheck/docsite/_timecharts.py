"""Charts on a time axis: numbers only, drawn by the templates as inline SVG.

* ``period_timeline``: each figure's period as a bar on a calendar, the total's period a
  band behind them, the days a part has outside it marked; what a ``period-mismatch``
  is about, which two value bars cannot show (they overlap when the values agree).
* ``gap_over_time``: the gap of many findings of one form, one mark per period, so 65
  sums that fail the same way are one picture, not 65.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from statcheck.docsite._charts import Tick, _nice_ticks
from statcheck.model.interval import format_number

WIDTH = 680
LABEL_W = 190
PLOT_X0, PLOT_X1 = LABEL_W + 20, WIDTH - 30
ROW_H, BAR_H, TOP = 34, 14, 12


@dataclass(frozen=True)
class Span:
    """A stretch of the time axis, in pixels."""

    x: float
    w: float


@dataclass(frozen=True)
class PeriodBar:
    label: str  # the figure's id
    role: str  # total | part
    x: float
    w: float
    y: float
    text: str  # the period as people write it
    outside: tuple[Span, ...]  # a part's days outside the total's period


@dataclass(frozen=True)
class Timeline:
    title: str
    width: int
    height: int
    bars: tuple[PeriodBar, ...]
    ticks: tuple[Tick, ...]
    axis_y: float
    band: Span | None  # the total's period, behind every row
    x0: float = PLOT_X0
    x1: float = PLOT_X1


@dataclass(frozen=True)
class PeriodRow:
    """One figure on a timeline: (label, role, first day, last day, period as text)."""

    label: str
    role: str
    start: date
    end: date
    text: str


class _TimeAxis:
    """Days to pixels; a period covers its last day too, so it ends at the next midnight."""

    def __init__(self, first: date, last: date, x0: float, x1: float) -> None:
        pad = max(2, ((last - first).days + 1) // 25)
        self.d0, self.d1 = first - timedelta(days=pad), last + timedelta(days=pad + 1)
        self.x0, self.x1 = x0, x1

    def x(self, day: date) -> float:
        return self.x0 + (day - self.d0).days / (self.d1 - self.d0).days * (self.x1 - self.x0)

    def span(self, start: date, end: date) -> Span:
        a, b = self.x(start), self.x(end + timedelta(days=1))
        return Span(a, max(b - a, 1.0))

    def ticks(self) -> tuple[Tick, ...]:
        return tuple(Tick(self.x(d), text) for d, text in _calendar_ticks(self.d0, self.d1))


def _calendar_ticks(d0: date, d1: date, most: int = 8) -> list[tuple[date, str]]:
    """Years when the axis spans three or more (every 1, 2, 5, 10 … of them), else months."""
    years = d1.year - d0.year
    if (d1 - d0).days > 3 * 365:
        step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100) if years / s <= most), 500)
        first = math.ceil(d0.year / step) * step
        return [(date(y, 1, 1), str(y)) for y in range(first, d1.year + 1, step)
                if d0 <= date(y, 1, 1) <= d1]  # fmt: skip
    months = (d1.year - d0.year) * 12 + d1.month - d0.month
    step = next((s for s in (1, 2, 3, 6) if months / s <= most), 12)
    out = []
    y, m = d0.year, d0.month
    while date(y, m, 1) <= d1:
        if (m - 1) % step == 0 and date(y, m, 1) >= d0:
            out.append((date(y, m, 1), date(y, m, 1).strftime("%b %Y")))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out or [(d0, d0.isoformat())]


def period_timeline(title: str, rows: Sequence[PeriodRow]) -> Timeline | None:
    """The first row with role ``total`` is the period the others are measured against.
    None without rows."""
    if not rows:
        return None
    axis = _TimeAxis(min(r.start for r in rows), max(r.end for r in rows), PLOT_X0, PLOT_X1)
    total = next((r for r in rows if r.role == "total"), None)
    bars = []
    for i, r in enumerate(rows):
        span = axis.span(r.start, r.end)
        outside: tuple[Span, ...] = ()
        if total is not None and r is not total:
            outside = tuple(axis.span(a, b) for a, b in _days_outside(r, total))
        bars.append(PeriodBar(r.label, r.role, span.x, span.w, TOP + i * ROW_H, r.text, outside))
    axis_y = TOP + len(rows) * ROW_H + 4
    band = axis.span(total.start, total.end) if total is not None else None
    return Timeline(title, WIDTH, int(axis_y + 30), tuple(bars), axis.ticks(), axis_y, band)


def _days_outside(part: PeriodRow, total: PeriodRow) -> list[tuple[date, date]]:
    """The stretches of a part's period before the total's starts and after it ends."""
    out = []
    if part.start < total.start:
        out.append((part.start, min(part.end, total.start - timedelta(days=1))))
    if part.end > total.end:
        out.append((max(part.start, total.end + timedelta(days=1)), part.end))
    return out


# ---------------------------------------------------------------- gap over time

GAP_TOP, GAP_PLOT_H = 16, 180
GAP_X0, GAP_X1 = 90, WIDTH - 20


@dataclass(frozen=True)
class GapMark:
    """The findings of one period: a dot for one, a line from the smallest to the largest
    gap for several."""

    x: float
    y_low: float
    y_high: float
    count: int
    tooltip: str
    culprit: bool = False  # with --locate: its tooltip names the figure most likely wrong


@dataclass(frozen=True)
class GapChart:
    title: str
    width: int
    height: int
    marks: tuple[GapMark, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]  # Tick.x holds the y position here
    zero_y: float
    plot_top: float
    plot_bottom: float
    larger: str = "the reported figure"  # what is the larger above zero
    mark_w: float = 5.0  # thinner when periods are many, so marks do not merge
    x0: float = GAP_X0
    x1: float = GAP_X1


@dataclass(frozen=True)
class PeriodGaps:
    """The signed gaps of the findings of one period (reported minus expected: above zero,
    the reported figure is the larger)."""

    start: date
    end: date
    label: str
    low: float
    high: float
    count: int
    culprits: str = ""  # with --locate: the most likely wrong figures of its largest gap


def gap_over_time(
    title: str, periods: Sequence[PeriodGaps], larger: str = "the reported figure"
) -> GapChart | None:
    """None for fewer than two periods: one period is a table row, not a picture."""
    if len(periods) < 2:
        return None
    axis = _TimeAxis(min(p.start for p in periods), max(p.end for p in periods), GAP_X0, GAP_X1)
    lo = min(0.0, *(p.low for p in periods))
    hi = max(0.0, *(p.high for p in periods))
    if hi == lo:
        hi = lo + 1.0
    ticks_at = _nice_ticks(lo, hi)
    if len(ticks_at) > 1:  # a tick beyond the largest gap each way, so every mark is under a label
        step = ticks_at[1] - ticks_at[0]
        ticks_at = ([ticks_at[0] - step] if ticks_at[0] > lo else []) + ticks_at
        ticks_at += [ticks_at[-1] + step] if ticks_at[-1] < hi else []
    v0, v1 = min(ticks_at[0], lo), max(ticks_at[-1], hi)
    bottom = GAP_TOP + GAP_PLOT_H

    def y(v: float) -> float:
        return bottom - (v - v0) / (v1 - v0) * GAP_PLOT_H

    marks = []
    for p in periods:
        mid = p.start + (p.end - p.start) / 2
        x = axis.x(mid) + (axis.x(mid + timedelta(days=1)) - axis.x(mid)) / 2
        gaps = _signed(p.low) if p.low == p.high else f"{_signed(p.low)} to {_signed(p.high)}"
        tip = f"{p.label}: {p.count} finding{'s' if p.count != 1 else ''}, gap {gaps}"
        if p.culprits:
            tip += f"; most likely wrong: {p.culprits}"
        marks.append(GapMark(x, y(p.low), y(p.high), p.count, tip, bool(p.culprits)))
    y_ticks = tuple(Tick(y(t), _signed(t)) for t in ticks_at if v0 <= t <= v1)
    return GapChart(title, WIDTH, int(bottom + 34), tuple(marks), axis.ticks(), y_ticks, y(0.0),
                    GAP_TOP, bottom, larger, _mark_width(len(periods)))  # fmt: skip


def _mark_width(periods: int) -> float:
    return round(max(1.5, min(5.0, (GAP_X1 - GAP_X0) / periods * 0.6)), 1)


def _signed(v: float) -> str:
    return ("+" if v > 0 else "") + format_number(v).replace("-", "−")
