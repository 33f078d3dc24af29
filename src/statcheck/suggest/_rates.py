"""Rates and constant factors in a wide table: a column equal to part / whole × k for a k
that ``_shares`` does not try (100, 1,000, 100,000 and 1 are its shares).

- **rates a year** in a table of months or quarters: a month's count per 1,000 of the
  population, as a yearly rate, is 12 × 1,000 × count / population (Florence
  Nightingale's death rates in the army in the East); a quarter's is 4 × 1,000 × ...
  Each is written as the suite language says it: ``kind: rate`` with ``of`` (the
  population), ``per: year`` and ``scale`` (per so many), which ``validate`` turns into
  the factor from each period's own length.
- **constant factors**: k of 0.001, 10^-6 or 10^6 (a count printed in thousands over one
  printed in units, a per-million figure), written as ``kind: ratio`` with that ``scale``.

The search is ``_shares``' own: every (part, whole) pair tried at once on a sample of
rows, the pairs that fit verified on every row and weighed against chance, with every
k tried counted among the hypotheses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from statcheck.suggest._evidence import Support, Verdict
from statcheck.suggest._shares import (
    SAMPLE_ROWS,
    SCALES,
    _fitting_pairs,
    _ratio_bounds,
    share_support,
)
from statcheck.suggest._table import WideTable

# Periods a year holds, for the kinds of period a rate a year can be printed over.
PER_YEAR = {"month": 12, "quarter": 4}
# Per so many: a rate a year per person (1), per cent, per 1,000, per 100,000.
RATE_SCALES = (1.0, 100.0, 1000.0, 100000.0)
CONSTANT_FACTORS = (0.001, 1e-6, 1e6)


@dataclass(frozen=True)
class FoundRate:
    """share = part / whole × factor: with ``per`` a rate a year per ``scale`` of the
    whole (factor = scale × periods a year), else a ratio with scale ``factor``."""

    share: int
    part: int
    whole: int
    factor: float
    scale: float
    per: str | None
    support: Support

    @property
    def unit(self) -> str:
        """The unit the share is printed in (what the mapping says of its column)."""
        if self.per is not None:
            return f"per {_number(self.scale)} a {self.per}" if self.scale != 1 else "per year"
        return f"{_number(self.factor)} × ratio"


def factors(period_kind: str) -> dict[float, tuple[float, str | None]]:
    """Each k to try on a table of ``period_kind`` periods: (scale, per)."""
    out: dict[float, tuple[float, str | None]] = {k: (k, None) for k in CONSTANT_FACTORS}
    per_year = PER_YEAR.get(period_kind)
    if per_year is not None:
        out |= {per_year * s: (s, "year") for s in RATE_SCALES}
    return out


def find_rates(table: WideTable) -> tuple[FoundRate, ...]:
    """The best-supported rate or constant-factor relation of each column that is one."""
    values = table.values
    rows = np.flatnonzero(~np.isnan(values).all(axis=1))
    if len(rows) == 0:
        return ()
    sample = rows[np.linspace(0, len(rows) - 1, min(SAMPLE_ROWS, len(rows))).astype(int)]
    low, high = _ratio_bounds(values[sample], table.half)
    tried = factors(table.period_kind)
    # every k tried, shares' included: the search could have found any of them
    hypotheses = values.shape[1] ** 3 * (len(tried) + len(SCALES))
    found = []
    for share in range(values.shape[1]):  # over the columns; each screen is one array
        best: FoundRate | None = None
        for factor, (scale, per) in tried.items():
            for part, whole in _fitting_pairs(values[sample], table.half, low, high, share, factor):
                result = share_support(table, share, part, whole, factor, hypotheses)
                if result is None:
                    continue
                candidate = FoundRate(share, part, whole, factor, scale, per, result)
                if best is None or _rank(candidate) > _rank(best):
                    best = candidate
        if best is not None:
            found.append(best)
    return tuple(found)


def _rank(f: FoundRate) -> tuple[int, float]:
    return f.support.holds, -f.support.log10_chance


def _number(x: float) -> str:
    return f"{x:,.0f}" if x >= 1 else f"{x:g}"


# A column printed to thousandths (or millionths) beside whole numbers: a count in
# thousands (millions) printed to the unit, as Arbuthnot's christenings (9.901 thousand
# = 5,218 males + 4,683 females). Its scale is 10 to the decimals it prints.
SCALED_DECIMALS = (3, 6)


def find_scaled_sums(table: WideTable, exclude: frozenset[int]) -> tuple[tuple[Any, float], ...]:
    """Sums whose total is printed in thousands (or millions) of the parts' unit: each
    (FoundSum, the total's scale). The total's values times its scale are searched as any
    total is (``_sums``), its rounding scaled with it. A column in ``exclude`` (in another
    relation, which its scale would change) is no such total."""
    from statcheck.suggest._sums import _sums_of

    whole_numbers = [j for j, d in enumerate(table.decimals) if d == 0]
    n = len(table.series)
    found = []
    for j, d in enumerate(table.decimals):  # over the columns, each one search
        if d not in SCALED_DECIMALS or j in exclude or len(whole_numbers) < 2:
            continue
        scale = 10.0**d
        extended = replace(
            table,
            series=(*table.series, table.series[j]),
            decimals=(*table.decimals, 0),
            values=np.column_stack([table.values, table.values[:, j] * scale]),
        )
        for f in _sums_of(extended, n, whole_numbers, []):
            if f.support.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS):
                found.append((replace(f, total=j), scale))
    return tuple(found)
