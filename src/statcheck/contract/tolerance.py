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
        scale = (
            max(abs(b) for b in (expected.low, expected.high) if math.isfinite(b))
            if any(math.isfinite(b) for b in (expected.low, expected.high))
            else 0.0
        )
        return self.absolute + self.relative * scale

    def apply(self, expected: Interval) -> Interval:
        return expected.widen(self.amount(expected))

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.absolute:
            out["absolute"] = self.absolute
        if self.relative:
            out["relative"] = self.relative
        return out


NO_TOLERANCE = Tolerance()
