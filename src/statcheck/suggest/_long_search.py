"""Sums and shares in a long table.

**Sums**, per dimension and value column: the table is pivoted (one polars pivot) to a
matrix of groups (the period and the other dimensions) × the dimension's values, and the
wide search runs on it: for each value as a candidate total (whatever it is called), the
values that can be its parts are pruned by magnitude (all pairs at once, as arrays), 0/1
coefficients are solved for on sampled groups by integer programming, and each breakdown
found is verified on every group at once. A value with no row in a group counts as 0 there
(a disaster type with no deaths that year has no row), and the rule then says
``missing: zero``. Values printed the same in every group (a region under two codes) are
searched once. A breakdown that only expands a part by that part's own sum is left out: a
hierarchy is a sum per level.

**Shares**: a value column equal to another over its sum over some dimensions, × 100,
1,000, 100,000 or 1 (``whole: {sum_over: [...]}``): each sum is one window expression, the
rounding intervals compared as arrays.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from statcheck.suggest._evidence import MIN_SHARE, Support, Verdict, support
from statcheck.suggest._long import PERIOD, LongTable, as_array
from statcheck.suggest._shares import SCALES, _interval_ratio
from statcheck.suggest._sums import LET_OFF, FoundSum, _breakdowns, _without_expansions

Floats = npt.NDArray[np.float64]

MILP_SECONDS = 0.5  # per solve: a long table has a candidate total per value
BREAKDOWNS = 8  # solutions asked of one total
LET_OFF_PARTS = 40  # a near-miss is searched for a total with at most this many parts
PRUNE_GROUPS = 400  # groups the magnitude pruning compares


@dataclass(frozen=True)
class LongSum:
    over: str  # the dimension (publisher's column)
    value: int  # the value column
    total: str
    parts: tuple[str, ...]
    zero_filled: bool  # a part has no row in some group the total has: `missing: zero`
    support: Support


@dataclass(frozen=True)
class LongShare:
    share: int
    part: int
    over: tuple[str, ...]  # the dimensions the whole sums over
    scale: float
    support: Support

    @property
    def unit(self) -> str:
        return SCALES[self.scale]


@dataclass(frozen=True)
class _Pivot:
    matrix: Floats  # groups × values, NaN where a value has no row
    labels: tuple[str, ...]  # each group, as printed: "1960", "1850, men"
    names: tuple[str, ...]  # the dimension's values


def find_long_sums(table: LongTable, value: int) -> list[LongSum]:
    """The sums between the values of each dimension, in one value column."""
    found: list[LongSum] = []
    for dim in table.dimensions:
        pivot = _pivot(table, dim, table.values[value])
        if pivot.matrix.shape[1] < 3:
            continue
        for f in _sums_of_pivot(pivot, table.half(value)):
            present = ~np.isnan(pivot.matrix)
            total_rows = present[:, f.total] & present[:, list(f.parts)].any(axis=1)
            zero = bool((total_rows[:, None] & ~present[:, list(f.parts)]).any())
            names = tuple(pivot.names[p] for p in f.parts)
            found.append(LongSum(dim, value, pivot.names[f.total], names, zero, f.support))
    return found


def _pivot(table: LongTable, dim: str, value: str) -> _Pivot:
    others = [PERIOD, *(d for d in table.dimensions if d != dim)]
    group = pl.concat_str(others, separator=", ").alias("_group")
    wide = (
        table.frame.select(group, pl.col(dim), pl.col(value))
        .pivot(on=dim, index="_group", values=value, aggregate_function="first")
        .sort("_group")
    )
    names = tuple(sorted(c for c in wide.columns if c != "_group"))
    matrix = wide.select(pl.col(names).cast(pl.Float64)).to_numpy().astype(np.float64)
    return _Pivot(matrix, tuple(wide["_group"].to_list()), names)


def _sums_of_pivot(pivot: _Pivot, half: float) -> tuple[FoundSum, ...]:
    present = ~np.isnan(pivot.matrix)
    filled = np.nan_to_num(pivot.matrix)
    distinct = _distinct_columns(pivot.matrix)
    magnitude = np.nanmedian(np.where(present, np.abs(pivot.matrix), np.nan), axis=0)
    possible = _possible_parts(filled, present, half, distinct)
    halves = np.full(filled.shape[1], half)
    found: list[FoundSum] = []
    for total in np.argsort(np.nan_to_num(magnitude), kind="stable"):  # smallest first
        parts = [int(p) for p in np.flatnonzero(possible[total])]
        rows = np.flatnonzero(present[:, total])
        if len(parts) < 2 or len(rows) == 0:
            continue
        known = [f.parts for f in found if f.support.verdict is not Verdict.CANNOT_TELL]
        args = (filled, halves, int(total), parts, rows, known)
        chosen = _breakdowns(*args, 0.0, MILP_SECONDS, BREAKDOWNS)
        if not chosen and len(parts) <= LET_OFF_PARTS:
            chosen = _breakdowns(*args, LET_OFF, MILP_SECONDS, BREAKDOWNS)
        found += _verified(pivot, filled, present, half, int(total), chosen, len(parts))
    return _without_expansions(found)


def _distinct_columns(matrix: Floats) -> npt.NDArray[np.bool_]:
    """False for a value printed the same as an earlier one in every group."""
    coded = np.where(np.isnan(matrix), np.inf, matrix).T
    _, first = np.unique(coded, axis=0, return_index=True)
    keep = np.zeros(matrix.shape[1], dtype=bool)
    keep[first] = True
    return keep


def _possible_parts(
    filled: Floats, present: npt.NDArray[np.bool_], half: float, distinct: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """totals × parts: a part is printed beside the total, is not all zero, and (among
    counts, never below zero) is not larger than the total in more than a few groups."""
    sample = np.linspace(0, len(filled) - 1, min(PRUNE_GROUPS, len(filled))).astype(int)
    f, p = filled[sample], present[sample]
    t_rows = p[:, :, None]  # groups × total × 1
    larger = (f[:, None, :] > f[:, :, None] + 2 * half) & t_rows
    share_larger = larger.sum(axis=0) / np.maximum(t_rows.sum(axis=0), 1)
    nonzero = (np.abs(f) > half).any(axis=0)
    signed = bool((filled < 0).any())
    fits = np.ones_like(share_larger, dtype=bool) if signed else share_larger <= LET_OFF
    possible = fits & nonzero[None, :] & distinct[None, :] & distinct[:, None]
    np.fill_diagonal(possible, False)
    return possible


def _verified(
    pivot: _Pivot,
    filled: Floats,
    present: npt.NDArray[np.bool_],
    half: float,
    total: int,
    chosen: list[list[int]],
    candidates: int,
) -> list[FoundSum]:
    t = pivot.matrix[:, total]
    spread = float(np.nanmax(t) - np.nanmin(t))
    hypotheses = pivot.matrix.shape[1] * 2.0 ** min(candidates, 1000)
    found = []
    for parts in chosen:
        printed = present[:, parts].sum(axis=1)
        gap = np.where(printed > 0, t - filled[:, parts].sum(axis=1), np.nan)
        tolerance = half * (1.0 + printed)
        s = support(gap, tolerance, spread, pivot.labels, hypotheses)
        if s.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS, Verdict.CANNOT_TELL):
            found.append(FoundSum(total, tuple(parts), s))
    return found


def find_long_shares(table: LongTable) -> list[LongShare]:
    """Each value column that is another's share of its sum over some dimensions: the
    best-supported reading of each."""
    best: dict[int, LongShare] = {}
    labels = _row_labels(table)
    dims = table.dimensions
    subsets = [c for k in range(1, len(dims) + 1) for c in itertools.combinations(dims, k)]
    for part, over in itertools.product(range(len(table.values)), subsets):
        whole, count = _wholes(table, part, over)
        for share, scale in itertools.product(range(len(table.values)), SCALES):
            if share == part:
                continue
            s = _share_support(table, (share, part), whole, count, scale, labels, len(subsets))
            kept = best.get(share)
            if s is not None and (kept is None or _rank(s) > _rank(kept.support)):
                best[share] = LongShare(share, part, over, scale, s)
    parts = {s.part for s in best.values()}
    return [s for s in best.values() if s.share not in parts]


def _rank(s: Support) -> tuple[int, float]:
    return (s.holds, -s.log10_chance)


def _wholes(table: LongTable, part: int, over: tuple[str, ...]) -> tuple[Floats, Floats]:
    """Each row's whole (the part's sum over ``over`` in its group) and how many figures
    it sums."""
    name = table.values[part]
    keys = [PERIOD, *(d for d in table.dimensions if d not in over)]
    sums = table.frame.select(
        pl.col(name).sum().over(keys).alias("whole"), pl.col(name).count().over(keys).alias("n")
    )
    return as_array(sums["whole"]), as_array(sums["n"])


def _share_support(
    table: LongTable,
    columns: tuple[int, int],
    whole: Floats,
    count: Floats,
    scale: float,
    labels: tuple[str, ...],
    subsets: int,
) -> Support | None:
    share, part = columns
    frame = table.frame
    p, s = as_array(frame[table.values[part]]), as_array(frame[table.values[share]])
    hp, hs = table.half(part), table.half(share)
    lo_whole, hi_whole = whole - count * hp, whole + count * hp
    if np.any((lo_whole <= 0) & (hi_whole >= 0) & ~np.isnan(s)):
        return None  # a whole that can be 0: validate would find zero-denominator there
    low, high = _interval_ratio(p - hp, p + hp, lo_whole, hi_whole)
    low, high = low * scale, high * scale
    gap = np.where(s - hs > high, s - hs - high, 0.0)
    gap = np.where(s + hs < low, s + hs - low, gap)
    gap = np.where(np.isnan(low) | np.isnan(high) | np.isnan(s), np.nan, gap)
    checked = ~np.isnan(gap)
    if not checked.any() or np.mean(gap[checked] == 0) < MIN_SHARE:
        return None  # cheap: the failures are listed only for a relation that mostly holds
    spread = float(np.nanmax(s) - np.nanmin(s))
    hypotheses = len(table.values) ** 2 * subsets * len(SCALES)
    width = np.nan_to_num(high - low) + 2 * hs
    result = support(gap, np.zeros_like(gap), spread, labels, hypotheses, width)
    return result if result.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS) else None


def _row_labels(table: LongTable) -> tuple[str, ...]:
    keys = [PERIOD, *table.dimensions]
    label = table.frame.select(pl.concat_str(keys, separator=", ").alias("label"))["label"]
    return tuple(label.to_list())
