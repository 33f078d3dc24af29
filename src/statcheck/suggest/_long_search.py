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
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from statcheck.suggest._evidence import MIN_SHARE, Support, Verdict, support
from statcheck.suggest._long import PERIOD, LongTable, as_array
from statcheck.suggest._shares import SCALES, _interval_ratio
from statcheck.suggest._sums import LET_OFF, SAMPLE_ROWS, FoundSum, _breakdowns, _without_expansions

Floats = npt.NDArray[np.float64]

NODES = 200  # search nodes per solve
SAFETY_SECONDS = 30.0  # per solve, should a node take unusually long
BREAKDOWNS = 4  # solutions asked of one total
LET_OFF_PARTS = 40  # a near-miss is searched for a total with at most this many parts
PRUNE_GROUPS = 400  # groups the magnitude pruning compares
PRUNE_CELLS = 50_000_000  # and at most this many (group, total, part) comparisons
SMALL_REST = 0.025  # what a failing candidate leaves out, at most, of its total
SMALL_PARTS = 2  # and in at most this many parts
# A share's whole is searched as the sum over each set of dimensions, fewest first, up to
# this many sets: every set for a table of up to six dimensions (all 2^d - 1 sets would
# grow exponentially with a table's text columns).
SHARE_WHOLES = 63
LARGE_PART = 0.1  # what each part a failing candidate keeps is, at least, of its total


@dataclass(frozen=True)
class LongSum:
    over: str  # the dimension (publisher's column)
    value: int  # the value column
    total: str
    parts: tuple[str, ...]
    zero_filled: bool  # a part has no row in some group the total has: `missing: zero`
    support: Support
    candidate: str = ""  # why a breakdown that fails is proposed (see _failing_candidates)


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


def find_long_sums(table: LongTable, value: int, stopped: list[str] | None = None) -> list[LongSum]:
    """The sums between the values of each dimension, in one value column. ``stopped``:
    where given, each total whose search stopped at its limit is added to it (``Africa
    (region)``)."""
    found: list[LongSum] = []
    for dim in table.searched:
        pivot = _pivot(table, dim, table.values[value])
        if pivot.matrix.shape[1] < 3:
            continue
        cut: list[int] = []
        sums = _sums_of_pivot(pivot, table.half(value), cut)
        if stopped is not None:
            stopped += [f"{pivot.names[t]} ({dim})" for t in cut]
        candidates = _failing_candidates(pivot, table.half(value), sums)
        for f, why in [*((s, "") for s in sums), *candidates]:
            present = ~np.isnan(pivot.matrix)
            total_rows = present[:, f.total] & present[:, list(f.parts)].any(axis=1)
            zero = bool((total_rows[:, None] & ~present[:, list(f.parts)]).any())
            names = tuple(pivot.names[p] for p in f.parts)
            total = pivot.names[f.total]
            found.append(LongSum(dim, value, total, names, zero, f.support, why))
    return found


def _failing_candidates(
    pivot: _Pivot, half: float, sums: tuple[FoundSum, ...]
) -> list[tuple[FoundSum, str]]:
    """Breakdowns into a few large groups that miss a few small values: the World Bank's
    world is its high-income and its low- and middle-income economies plus two economies
    it has not classified, so the income groups alone fail every year by those two. From
    each exact breakdown into parts each at least ``LARGE_PART`` of the total (one of them
    a total of another sum found) and at most ``SMALL_PARTS`` values that are no total,
    together at most ``SMALL_REST`` of it, the large parts alone are proposed, failing."""
    totals = {f.total for f in sums if f.support.verdict is Verdict.PROPOSED}
    filled, present = np.nan_to_num(pivot.matrix), ~np.isnan(pivot.matrix)
    out: list[tuple[FoundSum, str]] = []
    for f in (f for f in sums if f.support.verdict is Verdict.PROPOSED):
        rest = _small_rest(filled, pivot.matrix[:, f.total], f.parts, totals)
        share = filled[:, rest].sum(axis=1) / np.abs(pivot.matrix[:, f.total])
        aggregates = [p for p in f.parts if p not in rest]
        if len(aggregates) < 2 or not rest or not set(aggregates) & totals:
            continue
        large = np.nanmin(filled[:, aggregates] / np.abs(pivot.matrix[:, [f.total]]), axis=0)
        if not np.all(large >= LARGE_PART):
            continue  # a breakdown into many parts leaves out its smallest by chance
        (s,) = _verified(pivot, filled, present, half, f.total, [aggregates], 0, keep_all=True)
        left_out = ", ".join(pivot.names[p] for p in rest)
        why = f"without {left_out}, at most {np.nanmax(share):.1%} of the total"
        out.append((s, why))
    return out


def _pivot(table: LongTable, dim: str, value: str) -> _Pivot:
    others = [PERIOD, *(d for d in table.dimensions if d != dim)]
    # The group is its columns themselves, under names no printed value has: a label
    # joined with ", " would merge "a, b" + "c" with "a" + "b, c".
    keys = [f"\0{k}" for k in range(len(others))]
    wide = (
        table.frame.select(
            *(pl.col(c).alias(k) for c, k in zip(others, keys, strict=True)), dim, value
        )
        .pivot(on=dim, index=keys, values=value, aggregate_function="first")
        .sort(keys)
    )
    labels = wide.select(pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=", "))
    names = tuple(sorted(c for c in wide.columns if c not in keys))
    matrix = wide.select(pl.col(names).cast(pl.Float64)).to_numpy().astype(np.float64)
    return _Pivot(matrix, tuple(labels.to_series().to_list()), names)


def _sums_of_pivot(pivot: _Pivot, half: float, stopped: list[int]) -> tuple[FoundSum, ...]:
    present = ~np.isnan(pivot.matrix)
    filled = np.nan_to_num(pivot.matrix)
    distinct = _distinct_columns(pivot.matrix)
    with warnings.catch_warnings():  # a column with no figure has no median (NaN): no warning
        warnings.simplefilter("ignore", RuntimeWarning)
        magnitude = np.nanmedian(np.where(present, np.abs(pivot.matrix), np.nan), axis=0)
    possible = _possible_parts(filled, present, half, distinct)
    halves = np.full(filled.shape[1], half)
    found: list[FoundSum] = []
    for total in np.argsort(np.nan_to_num(magnitude), kind="stable"):  # smallest first
        rows = np.flatnonzero(present[:, total])
        parts = _seen_parts(filled, half, rows, possible[total])
        if len(parts) < 2:
            continue
        known = [f.parts for f in found if f.support.verdict is not Verdict.CANNOT_TELL]
        chosen = _disjoint_breakdowns(filled, halves, int(total), parts, rows, known, stopped)
        if not chosen and len(parts) <= LET_OFF_PARTS:
            args = (filled, halves, int(total), parts, rows, known, LET_OFF)
            chosen = _breakdowns(*args, SAFETY_SECONDS, BREAKDOWNS, nodes=NODES, stopped=stopped)
        found += _verified(pivot, filled, present, half, int(total), chosen, len(parts))
    return _without_expansions(found)


def _disjoint_breakdowns(
    filled: Floats,
    halves: Floats,
    total: int,
    parts: list[int],
    rows: npt.NDArray[np.intp],
    known: list[tuple[int, ...]],
    stopped: list[int],
) -> list[list[int]]:
    """Exact breakdowns of ``total`` that share no part (the world by region, and by
    income group), each searched with the parts of those found before left out (a search
    that stops at its limit adds ``total`` to ``stopped``).

    Each solve is bounded by search nodes, not seconds (the same breakdowns however busy
    the machine). HiGHS proves most values no total in a fraction of a second (the
    United Kingdom's population is no sum of other economies'); an aggregate of hundreds
    of candidate values (the World Bank's regions and lending groups) needs a few nodes
    of branching, and HiGHS's sub-MIP heuristics, off here, would spend seconds at the
    root without finding it."""
    chosen: list[list[int]] = []
    while len(chosen) < BREAKDOWNS and len(parts) >= 2:
        args = (filled, halves, total, parts, rows, known, 0.0)
        found = _breakdowns(*args, SAFETY_SECONDS, 1, nodes=NODES, sub_mips=False, stopped=stopped)
        if not found:
            break
        chosen += found
        parts = [p for p in parts if p not in found[0]]
    return chosen


def _seen_parts(
    filled: Floats, half: float, rows: npt.NDArray[np.intp], possible: npt.NDArray[np.bool_]
) -> list[int]:
    """The possible parts printed (not 0) on a row the integer program samples (the rows
    ``_breakdowns`` samples): one never seen there could be added to any breakdown."""
    if len(rows) == 0:
        return []
    size = min(SAMPLE_ROWS, len(rows))
    sample = rows[np.linspace(0, len(rows) - 1, size).astype(int)]
    seen = (np.abs(filled[sample]) > half).any(axis=0) & possible
    return [int(p) for p in np.flatnonzero(seen)]


def _distinct_columns(matrix: Floats) -> npt.NDArray[np.bool_]:
    """False for a value printed the same as an earlier one in every group: each column
    looked up by its bytes (``np.unique`` over whole columns sorts them as records, seconds
    for a long table's hundred thousand groups)."""
    coded = np.where(np.isnan(matrix), np.inf, matrix) + 0.0  # (+ 0.0: -0.0 is 0.0)
    keep = np.zeros(matrix.shape[1], dtype=bool)
    seen: set[bytes] = set()
    for j in range(coded.shape[1]):  # a dimension's values: bounded by PIVOT_CELLS_PER_ROW
        column = np.ascontiguousarray(coded[:, j]).tobytes()
        keep[j] = column not in seen
        seen.add(column)
    return keep


def _possible_parts(
    filled: Floats, present: npt.NDArray[np.bool_], half: float, distinct: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """totals × parts: a part is printed beside the total, is not all zero, and (among
    counts, never below zero) is not larger than the total in more than a few groups."""
    # groups × values × values compared at once: fewer groups when there are many values
    size = max(10, min(PRUNE_GROUPS, PRUNE_CELLS // max(filled.shape[1] ** 2, 1), len(filled)))
    sample = np.linspace(0, len(filled) - 1, min(size, len(filled))).astype(int)
    f, p = filled[sample], present[sample]
    t_rows = p[:, :, None]  # groups × total × 1
    larger = (f[:, None, :] > f[:, :, None] + 2 * half) & t_rows
    share_larger = larger.sum(axis=0) / np.maximum(t_rows.sum(axis=0), 1)
    nonzero = (np.abs(f) > half).any(axis=0)
    signed = bool((filled < 0).any())
    fits = np.ones_like(share_larger, dtype=bool) if signed else share_larger <= LET_OFF
    possible: npt.NDArray[np.bool_] = (
        fits & nonzero[None, :] & distinct[None, :] & distinct[:, None]
    )
    np.fill_diagonal(possible, False)
    return possible


def _small_rest(
    filled: Floats, total: Floats, parts: tuple[int, ...], totals: set[int]
) -> list[int]:
    """The smallest parts that are no total themselves, as many as together stay within
    ``SMALL_REST`` of the total in every group."""
    leaves = [p for p in parts if p not in totals]
    share = filled[:, leaves] / np.abs(total)[:, None]
    order = np.argsort(np.nanmax(share, axis=0), kind="stable")
    within = np.nanmax(np.cumsum(share[:, order], axis=1), axis=0) <= SMALL_REST
    return [leaves[i] for i, ok in zip(order, within, strict=True) if ok][:SMALL_PARTS]


def _verified(
    pivot: _Pivot,
    filled: Floats,
    present: npt.NDArray[np.bool_],
    half: float,
    total: int,
    chosen: list[list[int]],
    candidates: int,
    keep_all: bool = False,
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
        if keep_all or s.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS, Verdict.CANNOT_TELL):
            found.append(FoundSum(total, tuple(parts), s))
    return found


def find_long_shares(table: LongTable) -> list[LongShare]:
    """Each value column that is another's share of its sum over some dimensions: the
    best-supported reading of each."""
    best: dict[int, LongShare] = {}
    labels = _row_labels(table)
    dims = table.searched
    every = (c for k in range(1, len(dims) + 1) for c in itertools.combinations(dims, k))
    subsets = list(itertools.islice(every, SHARE_WHOLES))
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
