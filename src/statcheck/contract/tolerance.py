"""Tolerance: how far apart two intervals may be and still agree.

By default the tolerance *is* the figures' own intervals (their rounding and qualifiers):
a total rounded to thousands and two parts rounded to thousands may differ by up to 1.5
thousand, because each interval is half a thousand wide on either side. A suite may widen
that per rule with an absolute amount, a relative share of the expected value, or both
(they add). Every verdict reports the tolerance it used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from statcheck.model.interval import Interval


@dataclass(frozen=True)
class Tolerance:
    absolute: float = 0.0
    relative: float = 0.0

    def __post_init__(self) -> None:
        for name in ("absolute", "relative"):
            v = getattr(self, name)
            number = isinstance(v, int | float) and not isinstance(v, bool)
            if not (number and math.isfinite(v) and v >= 0):
                raise ValueError(f"tolerance {name} must be a finite number >= 0, not {v!r}")

    @property
    def is_zero(self) -> bool:
        return self.absolute == 0 and self.relative == 0

    def amount(self, expected: Interval) -> float:
        """The extra width allowed on each side of ``expected``."""
        if self.relative == 0:
            return self.absolute
        return self.absolute + self.relative * _magnitude(expected)

    def allows(self, gap: float, expected: Interval) -> bool:
        """Whether a gap is within the tolerance, ignoring the last digits of binary floating
        point (a rate printed as 43.88379204892966 is its own quotient, to the last bit)."""
        return gap <= self.amount(expected) + self.noise(expected)

    @staticmethod
    def noise(expected: Interval) -> float:
        """How much of a gap near ``expected`` is floating-point noise (FLOAT_NOISE)."""
        return FLOAT_NOISE * _magnitude(expected)

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.absolute:
            out["absolute"] = self.absolute
        if self.relative:
            out["relative"] = self.relative
        return out


NO_TOLERANCE = Tolerance()

# Arithmetic in binary floating point is exact to about 1e-16 of the numbers involved; a
# gap below 1e-9 of them is rounding noise of the computation, not of the figures.
FLOAT_NOISE = 1e-9


def _magnitude(iv: Interval) -> float:
    finite = [abs(b) for b in (iv.low, iv.high) if math.isfinite(b)]
    return max(finite) if finite else 0.0
