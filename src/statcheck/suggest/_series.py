"""Series in a wide table: relations between a row and the period before it.

- **change**: a column equal to another's change from the period before, ``absolute``
  (o_t - o_t-1, as BLS prints the month's change in nonfarm employment) or ``percent``
  ((o_t - o_t-1) / o_t-1 × 100, as JHU prints the day's growth in confirmed cases), at
  printed precision: the change's interval must meet the interval the two rounded levels
  give. A period's predecessor is the period just before it (the year, quarter, month or
  day before), as ``validate`` pairs them: a period after a gap has none.
- **cumulative**: a column of counts that never falls from one printed period to the next
  (each compared with the last period printed before it, as ``validate`` does).

Every pair of columns is screened at once on a sample of rows, as arrays, and the pairs
that fit are verified on every row and weighed against chance (``_evidence``). A change
at a lag other than one period (year on year in a monthly table) has no rule in the
suite language: it is reported as a note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from statcheck.suggest._evidence import (
    ALPHA,
    MIN_ROWS,
    MIN_SHARE,
    Support,
    Verdict,
    support,
)
from statcheck.suggest._shares import _interval_ratio
from statcheck.suggest._table import WideTable

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

SAMPLE_ROWS = 60
MEASURES = ("absolute", "percent")
# Lags a publisher compares at besides the period before: the same month or quarter a
# year earlier. The suite language's change is from the period before only.
YEAR_LAGS = {"month": 12, "quarter": 4}


@dataclass(frozen=True)
class FoundChange:
    change: int  # column index of the change
    of: int  # column index of the level
    measure: str  # absolute or percent
    support: Support
    lag: int = 1


@dataclass(frozen=True)
class FoundCumulative:
    column: int
    support: Support


def period_ordinals(table: WideTable) -> Floats:
    """Each row's period as a count of periods of its kind (years, quarters, months or
    days since an origin), NaN for a row with no period: consecutive periods differ by 1.
    A table of years among months (``label``) has no one kind: all NaN, no series."""
    labels = np.asarray(table.periods, dtype=str)
    out = np.full(len(labels), np.nan)
    filled = np.char.str_len(labels) >= 4
    if not filled.any() or table.period_kind == "label":
        return out
    text = labels[filled]
    year = np.char.ljust(text, 4).astype("U4")
    if table.period_kind == "quarter":  # 1959-Q1
        quarter = np.char.rpartition(text, "Q")[:, 2]
        out[filled] = year.astype(np.float64) * 4 + quarter.astype(np.float64) - 1
    elif table.period_kind == "month":  # 2006-01 or 2006-01-01
        months = np.array(np.char.ljust(text, 7).astype("U7"), dtype="datetime64[M]")
        out[filled] = months.astype(np.int64).astype(np.float64)
    elif table.period_kind == "date":
        days = np.array(text, dtype="datetime64[D]")
        out[filled] = days.astype(np.int64).astype(np.float64)
    else:
        out[filled] = year.astype(np.float64)
    return out


def _ordered(table: WideTable) -> tuple[Ints, Floats]:
    """The rows in period order, and their ordinals in that order."""
    ordinal = period_ordinals(table)
    order = np.argsort(np.where(np.isnan(ordinal), np.inf, ordinal), kind="stable")
    return order.astype(np.int64), ordinal[order]


def _lagged(values: Floats, ordinal: Floats, lag: int) -> Floats:
    """Each row's values ``lag`` periods before (after, for a negative lag), rows in
    period order, one per period: NaN where that period is not printed."""
    if lag < 0:  # after is before, in the reversed order
        return _lagged(values[::-1], -ordinal[::-1], -lag)[::-1]
    out = np.full_like(values, np.nan)
    if len(values) <= lag:
        return out
    # One row per period, sorted: the row ``lag`` periods back is at most ``lag`` rows up.
    for back in range(1, lag + 1):  # over the lag, not the rows
        earlier = np.full_like(values, np.nan)
        earlier[back:] = values[:-back]
        steps = np.full(len(values), np.nan)
        steps[back:] = ordinal[back:] - ordinal[:-back]
        out = np.where((steps == lag)[:, None], earlier, out)
    return out


def _change_bounds(
    level: Floats, before: Floats, half: Floats, measure: str
) -> tuple[Floats, Floats]:
    """The lowest and highest change two rounded levels allow (rows × columns)."""
    if measure == "absolute":
        return level - before - 2 * half, level - before + 2 * half
    low, high = _interval_ratio(level - half, level + half, before - half, before + half)
    return (low - 1) * 100, (high - 1) * 100


def _gap(s: Floats, h: Floats | float, low: Floats, high: Floats) -> Floats:
    """How far a printed value's interval lies outside [low, high] (0 where they meet)."""
    gap = np.where(s - h > high, s - h - high, 0.0)
    gap = np.where(s + h < low, s + h - low, gap)
    return np.where(np.isnan(low) | np.isnan(high) | np.isnan(s), np.nan, gap)


def find_changes(table: WideTable, lag: int = 1) -> tuple[FoundChange, ...]:
    """The change columns: each column's best-supported (level, measure), the change from
    ``lag`` periods before; a lag of -1: the change to the period after (a stock at the
    start of each year, and the year's flow that changes it)."""
    order, ordinal = _ordered(table)
    values, half = table.values[order], table.half
    if lag == 0:
        return ()
    if lag > 0:
        level, before = values, _lagged(values, ordinal, lag)
    else:
        level, before = _lagged(values, ordinal, lag), values
    periods = tuple(np.asarray(table.periods, dtype=object)[order])
    n = values.shape[1]
    hypotheses = max(n * (n - 1), 1) * len(MEASURES) * (2 + len(YEAR_LAGS))
    rows = np.flatnonzero(~np.isnan(before).all(axis=1) & ~np.isnan(level).all(axis=1))
    if len(rows) < 2 or n < 2:
        return ()
    sample = rows[np.linspace(0, len(rows) - 1, min(SAMPLE_ROWS, len(rows))).astype(int)]
    found: dict[int, FoundChange] = {}
    for measure in MEASURES:
        bounds = _change_bounds(level[sample], before[sample], half, measure)
        for change, of in _fitting(values[sample], half, bounds):
            low, high = _change_bounds(level[:, of], before[:, of], half[of], measure)
            s = values[:, change]
            if measure == "percent" and np.any(
                ~np.isnan(s) & ~np.isnan(before[:, of]) & np.isnan(low)
            ):
                continue  # a level before that can be 0: validate finds zero-denominator
            gap = _gap(s, half[change], low, high)
            spread = float(np.nanmax(s) - np.nanmin(s)) if np.any(~np.isnan(s)) else 0.0
            width = np.nan_to_num(high - low) + 2 * half[change]
            result = support(gap, np.zeros_like(gap), spread, periods, hypotheses, width)
            if result.verdict is Verdict.NONE:
                continue  # too few rows hold; on too few rows at all, it cannot tell
            kept = found.get(change)
            if kept is None or result.log10_chance < kept.support.log10_chance:
                found[change] = FoundChange(change, of, measure, result, lag)
    return tuple(found[c] for c in sorted(found))


def _fitting(values: Floats, half: Floats, bounds: tuple[Floats, Floats]) -> list[tuple[int, int]]:
    """(change, of) pairs whose change fits on at least MIN_SHARE of the sampled rows:
    rows × change × of, as arrays; ``bounds``: the change each level allows (rows × of)."""
    low, high = bounds
    s = values[:, :, None]  # rows × change × 1
    h = half[None, :, None]
    fits = (low[:, None, :] <= s + h) & (high[:, None, :] >= s - h)
    checked = ~np.isnan(low)[:, None, :] & ~np.isnan(s)
    count = checked.sum(axis=0)
    share = np.where(count > 0, (fits & checked).sum(axis=0) / np.maximum(count, 1), 0.0)
    pairs = np.argwhere((share >= MIN_SHARE) & (count >= 2))
    return [(int(c), int(o)) for c, o in pairs if c != o]


def find_cumulative(
    table: WideTable, exclude: frozenset[int] = frozenset()
) -> tuple[FoundCumulative, ...]:
    """Columns of counts that never fall from one printed period to the next and rise
    at least once. The test: were the steps' directions a coin's toss, all of them rising
    has chance 2^-steps (times the columns tried); a column that falls once is a level,
    not a running total, and is not proposed."""
    order, ordinal = _ordered(table)
    # a row with no period of the table's kind is in no series
    values, half = np.where(np.isnan(ordinal)[:, None], np.nan, table.values[order]), table.half
    index = np.where(~np.isnan(values), np.arange(len(values))[:, None], -1)
    last = np.maximum.accumulate(index, axis=0)  # the last printed row up to each row
    prev_row = np.full_like(last, -1)
    prev_row[1:] = last[:-1]
    prev = np.where(prev_row >= 0, np.take_along_axis(values, np.maximum(prev_row, 0), 0), np.nan)
    # the gap: how far a figure's interval lies below its predecessor's (0 if it meets it)
    fall = (prev - half) - (values + half)
    gap = np.where(np.isnan(prev) | np.isnan(values), np.nan, np.maximum(fall, 0.0))
    n = values.shape[1]
    found = []
    for j in range(n):  # over the columns, each a vectorized check of its rows
        steps = int((~np.isnan(gap[:, j])).sum())
        if j in exclude or steps < MIN_ROWS or np.nanmin(values[:, j]) < 0:
            continue
        if np.nanmax(gap[:, j]) > 0 or not np.any(values[:, j] > prev[:, j] + 2 * half[j]):
            continue
        chance = -steps * math.log10(2) + math.log10(n)
        if chance < math.log10(ALPHA):  # every step holds: it never falls
            found.append(FoundCumulative(j, Support(steps, steps, (), chance, Verdict.PROPOSED)))
    return tuple(found)


def find_series(
    table: WideTable,
) -> tuple[list[FoundChange | FoundCumulative], tuple[str, ...]]:
    """The change and cumulative columns (a change column is no running total to propose
    as well), and the changes no rule states (at a year's lag, or to the period after):
    notes."""
    changes = find_changes(table)  # those it cannot tell from chance too: relations says so
    evident = [f for f in changes if f.support.verdict is not Verdict.CANNOT_TELL]
    used = {c for f in evident for c in (f.change, f.of)}
    cumulative = find_cumulative(table, exclude=frozenset(f.change for f in evident))
    others = [*find_changes(table, -1), *find_changes(table, YEAR_LAGS.get(table.period_kind, 0))]
    notes = []
    for f in others:
        if f.change in used or f.of in used or f.support.verdict is Verdict.CANNOT_TELL:
            continue
        used |= {f.change, f.of}
        when = (
            "to the period after (a level at the start of each period, the period's flow)"
            if f.lag < 0
            else f"from {f.lag} {table.period_kind}s before"
        )
        notes.append(
            f"series (note only): {table.series[f.change]} is the {f.measure} change of "
            f"{table.series[f.of]} {when}, {f.support.describe(table.period_kind + 's')} "
            f"({f.support.chance}): the suite language's change is from the period before only"
        )
    return [*changes, *cumulative], tuple(notes)
