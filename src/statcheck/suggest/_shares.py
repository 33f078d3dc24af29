"""Shares in a wide table: a column equal to part / whole × k, k a percent (100), per
thousand (1,000), per 100,000 (a rate) or a fraction (1), for what the rounded figures
can stand for.

Every (part, whole) pair is tried at once on a sample of rows, as arrays: the interval
(part ± half) / (whole ∓ half) × k must overlap the share's own interval. The pairs that
fit the sample are verified on every row and weighed for evidence; each share keeps its
best-supported part and whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from statcheck.suggest._evidence import MIN_SHARE, Support, Verdict, support
from statcheck.suggest._table import WideTable

Floats = npt.NDArray[np.float64]

# Each k, and the unit a share printed at that scale is in (statcheck.model.units).
SCALES = {100.0: "percent", 1000.0: "per 1000", 100000.0: "per 100000", 1.0: "ratio"}
SAMPLE_ROWS = 40


@dataclass(frozen=True)
class FoundShare:
    share: int
    part: int
    whole: int
    scale: float
    support: Support

    @property
    def unit(self) -> str:
        return SCALES[self.scale]


def find_shares(table: WideTable) -> tuple[FoundShare, ...]:
    """The best-supported share relation of each column that is one."""
    values = table.values
    rows = np.flatnonzero(~np.isnan(values).all(axis=1))
    sample = rows[np.linspace(0, len(rows) - 1, min(SAMPLE_ROWS, len(rows))).astype(int)]
    low, high = _ratio_bounds(values[sample], table.half)
    found = []
    for share in range(values.shape[1]):
        best = None
        for scale in SCALES:
            for part, whole in _fitting_pairs(values[sample], table.half, low, high, share, scale):
                candidate = _verified(table, share, part, whole, scale)
                if candidate is not None and (best is None or _better(candidate, best)):
                    best = candidate
        if best is not None:
            found.append(best)
    return tuple(found)


def _ratio_bounds(values: Floats, half: Floats) -> tuple[Floats, Floats]:
    """rows × part × whole: the lowest and highest part / whole the rounding allows (NaN
    where a whole can be zero)."""
    low, high = _interval_ratio(
        (values - half)[:, :, None],
        (values + half)[:, :, None],
        (values - half)[:, None, :],
        (values + half)[:, None, :],
    )
    return low, high


def _interval_ratio(
    lo_part: Floats, hi_part: Floats, lo_whole: Floats, hi_whole: Floats
) -> tuple[Floats, Floats]:
    """[lo_part, hi_part] / [lo_whole, hi_whole], the least and greatest of the four
    quotients of the ends; NaN where the whole's interval holds 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ends = np.stack(
            np.broadcast_arrays(
                lo_part / lo_whole, lo_part / hi_whole, hi_part / lo_whole, hi_part / hi_whole
            )
        )
    holds_zero = (lo_whole <= 0) & (hi_whole >= 0)
    low = np.where(holds_zero, np.nan, ends.min(axis=0))
    high = np.where(holds_zero, np.nan, ends.max(axis=0))
    return low, high


def _fitting_pairs(
    values: Floats, half: Floats, low: Floats, high: Floats, share: int, scale: float
) -> list[tuple[int, int]]:
    s = values[:, share][:, None, None]
    fits = (low * scale <= s + half[share]) & (high * scale >= s - half[share])
    checked = ~np.isnan(low) & ~np.isnan(s)
    count = checked.sum(axis=0)
    fit_share = np.where(count > 0, (fits & checked).sum(axis=0) / np.maximum(count, 1), 0.0)
    pairs = np.argwhere(fit_share >= MIN_SHARE)
    return [(int(p), int(w)) for p, w in pairs if len({int(p), int(w), share}) == 3]


def _verified(
    table: WideTable, share: int, part: int, whole: int, scale: float
) -> FoundShare | None:
    hypotheses = table.values.shape[1] ** 3 * len(SCALES)
    result = share_support(table, share, part, whole, scale, hypotheses)
    return None if result is None else FoundShare(share, part, whole, scale, result)


def share_support(
    table: WideTable, share: int, part: int, whole: int, scale: float, hypotheses: float
) -> Support | None:
    """The support of share = part / whole × scale on every row, when it is proposed or a
    near-miss (None otherwise, or when the whole can be 0)."""
    v, h = table.values, table.half
    lo_whole, hi_whole = v[:, whole] - h[whole], v[:, whole] + h[whole]
    if np.any((lo_whole <= 0) & (hi_whole >= 0)):
        return None  # a whole that can be 0: validate would find zero-denominator there
    low, high = _interval_ratio(v[:, part] - h[part], v[:, part] + h[part], lo_whole, hi_whole)
    low, high = low * scale, high * scale
    s = v[:, share]
    # The gap: how far the share lies outside the ratio's interval (0 inside it).
    gap = np.where(s - h[share] > high, s - h[share] - high, 0.0)
    gap = np.where(s + h[share] < low, s + h[share] - low, gap)
    gap = np.where(np.isnan(low) | np.isnan(high) | np.isnan(s), np.nan, gap)
    spread = float(np.nanmax(s) - np.nanmin(s)) if np.any(~np.isnan(s)) else 0.0
    # A row holds when the share's interval meets the ratio's (gap 0); a random share
    # would, with the width of both intervals over the share's spread.
    width = np.nan_to_num(high - low) + 2 * h[share]
    result = support(gap, np.zeros_like(gap), spread, table.periods, hypotheses, width)
    if result.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS):
        return result
    return None


def _better(a: FoundShare, b: FoundShare) -> bool:
    return (a.support.holds, -a.support.log10_chance) > (b.support.holds, -b.support.log10_chance)
