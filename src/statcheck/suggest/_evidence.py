"""Whether a relation seen in a table is evidence or coincidence.

A relation (a total and its parts, a share and its part and whole) is checked on every
row where all its columns are printed: it holds on a row when the gap between the two
sides is within the rounding of the figures (the half units summed, as the engine
compares intervals). The test against chance: a column of random values spread over the
same range as the checked column would land within the tolerance on one row with
probability ``2 × tolerance / range``; on all the rows it holds on, with the product of
those; times the number of ways to choose those rows among the checked ones, and times
the number of relations the search could have tried (the hypotheses). A relation is
evident when that probability is below ``ALPHA``.

- **proposed**: evident, and holds on every checked row;
- **near-miss**: evident, and holds on at least ``MIN_SHARE`` of the rows: the rows it
  fails on are candidate findings, and the rule is proposed with them;
- **cannot tell**: fewer than ``MIN_ROWS`` rows, or holds but not evidently (a sum that
  holds on 2 rows of 3 is never proposed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

MIN_ROWS = 5
MIN_SHARE = 0.8
ALPHA = 1e-3
# Float noise in summing printed decimals (0.1 + 0.2): far below any printed unit.
_NOISE = 1e-9


class Verdict(StrEnum):
    PROPOSED = "proposed"
    NEAR_MISS = "near-miss"
    CANNOT_TELL = "cannot tell"
    NONE = "none"  # holds on too few rows to be anything


@dataclass(frozen=True)
class Failure:
    """A row where the relation fails: its period, and the gap beyond the rounding."""

    period: str
    gap: float
    tolerance: float


@dataclass(frozen=True)
class Support:
    rows: int  # rows where every column of the relation is printed
    holds: int
    failures: tuple[Failure, ...]
    log10_chance: float  # of random columns agreeing this well, all hypotheses counted
    verdict: Verdict

    def describe(self, unit: str) -> str:
        """``holds in 77 of 85 years; fails in 1948 by 2, ...``, and the test."""
        text = f"holds in {self.holds} of {self.rows} {unit}"
        if self.failures:
            fails = ", ".join(f"{f.period} by {_number(f.gap)}" for f in self.failures)
            text += f"; fails in {fails}"
        return text

    @property
    def chance(self) -> str:
        return f"chance of a coincidence: 1e{math.floor(self.log10_chance)}"


def support(
    gap: Floats,
    tolerance: Floats,
    spread: float,
    periods: tuple[str, ...],
    hypotheses: float,
    width: Floats | None = None,
) -> Support:
    """The support of a relation whose two sides differ by ``gap`` on each row (NaN where
    a column is not printed), within ``tolerance``; ``spread``: the range of the checked
    column; ``hypotheses``: how many relations the search could have tried; ``width``:
    the width of the window a random value must fall in on each row (``2 × tolerance``
    unless given)."""
    checked = ~np.isnan(gap)
    rows = int(checked.sum())
    scale = np.nanmax(np.abs(gap)) if rows else 0.0
    holds_at = checked & (np.abs(np.nan_to_num(gap)) <= tolerance + _NOISE * (1 + scale))
    holds = int(holds_at.sum())
    fails_at = checked & ~holds_at
    failures = tuple(
        Failure(periods[i], float(gap[i]), float(tolerance[i])) for i in np.flatnonzero(fails_at)
    )
    window = 2 * tolerance if width is None else width
    log10_chance = _log10_chance(window[holds_at], spread, rows, holds, hypotheses)
    return Support(rows, holds, failures, log10_chance, _verdict(rows, holds, log10_chance))


def _log10_chance(window: Floats, spread: float, rows: int, holds: int, hypotheses: float) -> float:
    if spread <= 0:  # a constant column: any constant agrees with it
        return 0.0
    per_row = np.log10(np.clip(window / spread, 1e-300, 1.0))
    choose = math.lgamma(rows + 1) - math.lgamma(holds + 1) - math.lgamma(rows - holds + 1)
    return min(0.0, float(per_row.sum()) + choose / math.log(10) + math.log10(hypotheses))


def _verdict(rows: int, holds: int, log10_chance: float) -> Verdict:
    if holds < MIN_SHARE * rows or holds == 0:
        return Verdict.NONE
    if rows < MIN_ROWS or log10_chance >= math.log10(ALPHA):
        return Verdict.CANNOT_TELL
    return Verdict.PROPOSED if holds == rows else Verdict.NEAR_MISS


def _number(x: float) -> str:
    """A gap to a few digits: 500, -2, 0.027."""
    return f"{x:.8g}" if abs(x) >= 1 else f"{x:.2g}"
