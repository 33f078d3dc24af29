"""Closed intervals of real numbers, and verdicts comparing them.

A reported figure stands for every value it could be rounding or qualifying, so figures
are compared as intervals. Bounds are closed and may be infinite ("more than 350,000" is
``[350000, inf]``): the threshold itself is usually a rounded number, so statcheck does
not rely on the strictness of "more than".
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def __init__(self, low: float, high: float) -> None:
        # Written out (explanations make thousands): the generated __init__ of a frozen
        # dataclass sets each field through object.__setattr__, several times slower.
        if not low <= high:  # also NaN
            if math.isnan(low) or math.isnan(high):
                raise ValueError("an interval bound cannot be NaN")
            raise ValueError(f"interval low {low} is above high {high}")
        if low == math.inf or high == -math.inf:
            raise ValueError("an interval must hold at least one finite value")
        self.__dict__.update(low=low, high=high)

    @classmethod
    def point(cls, value: float) -> Interval:
        return cls(value, value)

    @classmethod
    def total(cls, intervals: Iterable[Interval]) -> Interval:
        """The sum of several intervals (the point 0 for none)."""
        out = cls.point(0.0)
        for iv in intervals:
            out = out + iv
        return out

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def midpoint(self) -> float:
        if math.isinf(self.low) or math.isinf(self.high):
            return self.low if math.isinf(self.high) else self.high
        return (self.low + self.high) / 2

    def __contains__(self, x: float) -> bool:
        return self.low <= x <= self.high

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.low + other.low, self.high + other.high)

    def __neg__(self) -> Interval:
        return Interval(-self.high, -self.low)

    def __sub__(self, other: Interval) -> Interval:
        return self + (-other)

    def scale(self, k: float) -> Interval:
        """Multiply by a constant (a unit conversion, "k times", a period-length factor)."""
        if k == 0:
            return Interval(0.0, 0.0)
        a, b = self.low * k, self.high * k
        return _enclosing(min(a, b), max(a, b))

    def widen(self, by: float) -> Interval:
        """Grow by ``by`` on each side (an absolute tolerance)."""
        return Interval(self.low - by, self.high + by)

    def __truediv__(self, other: Interval) -> Interval:
        """Every ratio x/y for x in self and y in other; undefined when other holds 0."""
        if other.low <= 0 <= other.high:
            raise ZeroDivisionError(f"the divisor {other} contains zero")
        quotients = [_div(a, b) for a in (self.low, self.high) for b in (other.low, other.high)]
        return _enclosing(min(quotients), max(quotients))

    def gap(self, other: Interval) -> float:
        """Distance between the intervals: 0 when they overlap."""
        return max(0.0, self.low - other.high, other.low - self.high)

    def intersection(self, other: Interval) -> Interval | None:
        low, high = max(self.low, other.low), min(self.high, other.high)
        return Interval(low, high) if low <= high else None

    def to_list(self) -> list[float | None]:
        """JSON form: ``[low, high]``, infinite bounds as null."""
        return [None if math.isinf(b) else b for b in (self.low, self.high)]

    def __str__(self) -> str:
        return f"[{format_number(self.low)}, {format_number(self.high)}]"


def _enclosing(low: float, high: float) -> Interval:
    """The interval from ``low`` to ``high``, where both bounds may have overflowed to the
    same infinity (1e9 / 1e-311): the true values are finite, beyond the largest float,
    so the bound nearer zero becomes that largest float."""
    if low == math.inf:
        low = sys.float_info.max
    if high == -math.inf:
        high = -sys.float_info.max
    return Interval(low, high)


def _div(a: float, b: float) -> float:
    if math.isinf(a) and math.isinf(b):
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def format_number(x: float) -> str:
    """How statcheck prints a number in explanations: thousands separators, no float noise."""
    x = float(x)
    if x.is_integer():  # the usual case first: explanations print many counts
        return f"{int(x):,}"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:,.6f}".rstrip("0").rstrip(".")


class Relation(StrEnum):
    """What a rule claims about two intervals' true values."""

    EQUAL = "=="
    GREATER = ">"
    GREATER_EQUAL = ">="
    LESS = "<"
    LESS_EQUAL = "<="


class Outcome(StrEnum):
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Verdict:
    """Whether some true values inside both intervals satisfy a relation.

    ``gap`` is how far the intervals are from satisfying it (0 when consistent);
    ``witness`` is a pair of values, one from each interval, that satisfies it.
    """

    outcome: Outcome
    gap: float | None = None
    witness: tuple[float, float] | None = None

    @property
    def consistent(self) -> bool:
        return self.outcome is Outcome.CONSISTENT


def compare(left: Interval | None, relation: Relation, right: Interval | None) -> Verdict:
    """The verdict of ``left relation right`` for true values anywhere in the intervals.

    A missing input gives UNDETERMINED, never a pass.
    """
    relation = Relation(relation)  # accept the plain text of an operator too
    if left is None or right is None:
        return Verdict(Outcome.UNDETERMINED)
    if relation is Relation.EQUAL:
        common = left.intersection(right)
        if common is None:
            return Verdict(Outcome.INCONSISTENT, gap=left.gap(right))
        x = _finite_point(common)
        return Verdict(Outcome.CONSISTENT, gap=0.0, witness=(x, x))
    if relation in (Relation.LESS, Relation.LESS_EQUAL):
        flipped = Relation.GREATER if relation is Relation.LESS else Relation.GREATER_EQUAL
        v = compare(right, flipped, left)
        return Verdict(v.outcome, v.gap, (v.witness[1], v.witness[0]) if v.witness else None)
    # left > right (or >=): best case is left's high against right's low.
    shortfall = right.low - left.high
    strict = relation is Relation.GREATER
    holds = shortfall < 0 or (shortfall == 0 and not strict)
    if not holds:
        return Verdict(Outcome.INCONSISTENT, gap=shortfall)
    return Verdict(Outcome.CONSISTENT, gap=0.0, witness=_greater_witness(left, right, strict))


def _finite_point(iv: Interval) -> float:
    if math.isfinite(iv.low):
        return iv.low if not math.isfinite(iv.high) else (iv.low + iv.high) / 2
    return iv.high if math.isfinite(iv.high) else 0.0


def _greater_witness(left: Interval, right: Interval, strict: bool) -> tuple[float, float]:
    """Values l in left and r in right with l > r (l >= r when not strict); the caller
    has established that such values exist."""
    if math.isfinite(left.high):
        lo = left.high
        r = right.low if math.isfinite(right.low) else min(right.high, _step(lo, -1.0))
        return (lo, r)
    r = right.low if math.isfinite(right.low) else min(right.high, 0.0)
    return (max(left.low, _step(r, 1.0)), r)


def _step(x: float, by: float) -> float:
    """``x + by``, or the next float in that direction where ``by`` is lost to rounding
    (beyond 2**53, ``1e17 - 1 == 1e17`` and would not be a strict witness)."""
    y = x + by
    return y if y != x else math.nextafter(x, math.copysign(math.inf, by))
