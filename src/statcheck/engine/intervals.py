"""Interval arithmetic on columns: the vectorized twin of ``statcheck.model.interval``.

Each interval is a pair of low/high expressions. The operations give the same floats as
the model's ``Interval`` methods (same operations in the same order), so a table-wide
rule can find its failing rows here and explain them with the model.
"""

from __future__ import annotations

import math
import sys

import narwhals as nw

from statcheck.contract.tolerance import FLOAT_NOISE, Tolerance

Bounds = tuple[nw.Expr, nw.Expr]


def contains_zero(iv: Bounds) -> nw.Expr:
    low, high = iv
    return (low <= 0) & (high >= 0)


def divide(numerator: Bounds, denominator: Bounds) -> Bounds:
    """Every ratio x/y for x in the numerator and y in the denominator, like
    ``Interval.__truediv__``. Rows whose denominator holds 0 must be filtered out first."""
    return enclose(quotients(numerator, denominator))


def quotients(numerator: Bounds, denominator: Bounds) -> list[nw.Expr]:
    """The quotients of the bounds, which ``divide`` encloses (a library that evaluates
    step by step, as pandas does, computes them once if they are made columns first)."""
    return [_quotient(a, b) for a in numerator for b in denominator]


def enclose(values: list[nw.Expr]) -> Bounds:
    """The interval from the smallest of ``values`` to the largest."""
    return _enclosing(nw.min_horizontal(*values), nw.max_horizontal(*values))


def _quotient(a: nw.Expr, b: nw.Expr) -> nw.Expr:
    # inf / inf is NaN in IEEE arithmetic; the model reads it as an infinity of the
    # quotient's sign, the limit the interval bound stands for.
    both_infinite = ~a.is_finite() & ~b.is_finite()
    signed = nw.when((a > 0) == (b > 0)).then(nw.lit(math.inf)).otherwise(nw.lit(-math.inf))
    return nw.when(both_infinite).then(signed).otherwise(a / b)


def scale(iv: Bounds, k: float | nw.Expr) -> Bounds:
    """Multiply by a positive constant (or a column of positive constants)."""
    low, high = iv
    return _enclosing(low * k, high * k)


def _enclosing(low: nw.Expr, high: nw.Expr) -> Bounds:
    # Bounds that overflowed to the same infinity stand for finite values beyond the
    # largest float, as in the model's ``_enclosing`` (a low bound is never +inf, nor a
    # high bound -inf, so clipping changes nothing else).
    biggest = sys.float_info.max
    return low.clip(upper_bound=biggest), high.clip(lower_bound=-biggest)


def gap(a: Bounds, b: Bounds) -> nw.Expr:
    """Distance between the intervals, 0 when they overlap (``Interval.gap``)."""
    return nw.max_horizontal(nw.lit(0.0), a[0] - b[1], b[0] - a[1])


def magnitude(iv: Bounds) -> nw.Expr:
    """The larger finite bound's size, 0 when neither is finite (``tolerance._magnitude``)."""
    return nw.max_horizontal(
        *(nw.when(b.is_finite()).then(b.abs()).otherwise(nw.lit(0.0)) for b in iv)
    )


def tolerance_amount(expected: Bounds, tolerance: Tolerance) -> nw.Expr:
    """How far from ``expected`` the tolerance allows (``Tolerance.amount``)."""
    if tolerance.relative == 0:
        return nw.lit(tolerance.absolute)
    return nw.lit(tolerance.absolute) + nw.lit(tolerance.relative) * magnitude(expected)


def beyond_tolerance(gap_: nw.Expr, expected: Bounds, tolerance: Tolerance) -> nw.Expr:
    """Whether a gap exceeds the tolerance and floating-point noise near ``expected``: the
    negation of ``Tolerance.allows``, with the same floats in the same order, so a row is
    flagged here exactly when its explanation finds it failing."""
    noise = nw.lit(FLOAT_NOISE) * magnitude(expected)
    return ~(gap_ <= tolerance_amount(expected, tolerance) + noise)
