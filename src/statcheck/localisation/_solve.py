"""The Fellegi-Holt problem of one connected set of rules, as a mixed-integer program.

Variables, per figure ``f``: its change ``d_f`` (free) and whether it is changed
(``z_f``, 0 or 1). Unchanged, a figure keeps a value inside its own interval
(``low_f - v_f <= d_f <= high_f - v_f``); changed, it may take any value within a bound
``M`` (big-M). Every relation holds within its tolerance. The objective is the total
weight of the changed figures. The problem is written in changes, not values, and
scaled by ``M``: populations of billions would otherwise leave HiGHS's feasibility
tolerance wider than the figures' rounding.

``M`` is several times everything the relations are off by, plus every interval's width:
no smallest fix moves a figure further than the relations' residuals ask, so a bound of
that size never cuts off a smallest set. A change that reaches the bound is reported as
unbounded (any value works).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

MAX_ALTERNATIVES = 5  # minimum sets reported per component, the first included
SAME = 1e-7  # objectives this close (relative) are a tie


@dataclass(frozen=True)
class Problem:
    """One component: ``n`` figures, relations as rows of ``matrix`` (dense; a component
    is small) with bounds ``lower <= matrix @ x <= upper`` on the figures' values."""

    values: Floats
    lows: Floats
    highs: Floats
    weights: Floats
    matrix: Floats
    lower: Floats
    upper: Floats

    @property
    def n(self) -> int:
        return int(self.values.size)

    def bound(self) -> float:
        """``M``: how far a changed figure may move."""
        residual = self.matrix @ self.values
        off = np.maximum(self.lower - residual, 0) + np.maximum(residual - self.upper, 0)
        widths = np.where(np.isfinite(self.highs - self.lows), self.highs - self.lows, 0.0)
        coefficient = float(np.abs(self.matrix[self.matrix != 0]).min(initial=1.0))
        scale = float(off.sum() + widths.sum()) / max(coefficient, 1e-12)
        return 4.0 * scale + 1.0


@dataclass(frozen=True)
class Solution:
    """The minimum-weight sets (indices of figures), the first the solver's, and each
    culprit's range of values with the set fixed (None: unbounded that way)."""

    sets: tuple[tuple[int, ...], ...]
    weight: float
    ranges: tuple[tuple[tuple[float | None, float | None], ...], ...]  # per set, per culprit
    more: bool  # the bound on alternatives was reached: there may be more


def solve(problem: Problem) -> Solution | None:
    """The minimum sets of figures to change, or None when no set makes every relation
    hold (contradictory rules, as an inequality and an equation can be)."""
    if _one_relation(problem):
        return _single(problem)
    return solve_milp(problem)


def _one_relation(problem: Problem) -> bool:
    """A component of one relation with finite intervals: solved without a solver."""
    finite = np.isfinite(problem.lows).all() and np.isfinite(problem.highs).all()
    return problem.matrix.shape[0] == 1 and bool(finite) and bool((problem.matrix != 0).all())


def _single(problem: Problem) -> Solution:
    """One failing relation: any one figure, moved, mends it (its coefficient is not
    0), so the smallest sets are the single figures of least weight; each one's range is
    what the relation leaves it with every other figure inside its interval."""
    c = problem.matrix[0]
    least = np.where(c > 0, c * problem.lows, c * problem.highs)
    most = np.where(c > 0, c * problem.highs, c * problem.lows)
    if least.sum() <= problem.upper[0] and most.sum() >= problem.lower[0]:
        return Solution(((),), 0.0, ((),), False)  # it holds as reported: nothing to change
    others_least, others_most = least.sum() - least, most.sum() - most
    # c × x within [lower − others' most, upper − others' least], then divided by c.
    a = (problem.lower[0] - others_most) / c
    b = (problem.upper[0] - others_least) / c
    low, high = np.minimum(a, b), np.maximum(a, b)
    weight = problem.weights.min()
    tied = np.flatnonzero(problem.weights <= weight * (1 + SAME))
    chosen = tied[:MAX_ALTERNATIVES]
    ranges = tuple(((_end(low[i]), _end(high[i])),) for i in chosen)
    return Solution(
        tuple((int(i),) for i in chosen), float(weight), ranges, tied.size > chosen.size
    )


def _end(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def solve_milp(problem: Problem) -> Solution | None:
    """``solve`` by the mixed-integer program, whatever the component's shape."""
    from scipy.optimize import Bounds, milp

    n, big = problem.n, problem.bound()
    cost = np.concatenate([np.zeros(n), problem.weights])
    integrality = np.concatenate([np.zeros(n), np.ones(n)])
    bounds = Bounds(np.concatenate([-np.ones(n), np.zeros(n)]), np.ones(n + n))
    base = _constraints(problem, big)
    cuts: list[tuple[int, ...]] = []
    sets: list[tuple[int, ...]] = []
    best = None
    while len(sets) < MAX_ALTERNATIVES:
        constraints = [*base, *(_cut(found, n) for found in cuts)]
        result = milp(cost, integrality=integrality, bounds=bounds, constraints=constraints)
        if result.status != 0 or result.x is None:
            break
        if best is not None and result.fun > best * (1 + SAME) + SAME:
            break
        best = float(result.fun) if best is None else best
        chosen = tuple(int(i) for i in np.flatnonzero(result.x[n:] > 0.5))
        sets.append(chosen)
        cuts.append(chosen)
    if not sets:
        return None
    more = len(sets) == MAX_ALTERNATIVES
    ranges = tuple(_ranges(problem, chosen) for chosen in sets)
    return Solution(tuple(sets), float(best or 0.0), ranges, more)


def _constraints(problem: Problem, big: float) -> list[object]:
    """The relations, and each figure inside its interval unless changed, in changes
    scaled by ``big``: ``d' = (x - v) / big``."""
    from scipy.optimize import LinearConstraint

    n = problem.n
    a = problem.matrix
    at_reported = a @ problem.values
    zeros = np.zeros_like(a)
    relations = LinearConstraint(
        np.hstack([a, zeros]),
        (problem.lower - at_reported) / big,
        (problem.upper - at_reported) / big,
    )
    eye = np.eye(n)
    # d' - z <= (high - v) / big and d' + z >= (low - v) / big (an infinite side: none).
    above = LinearConstraint(
        np.hstack([eye, -eye]), -np.inf, (problem.highs - problem.values) / big
    )
    below = LinearConstraint(np.hstack([eye, eye]), (problem.lows - problem.values) / big, np.inf)
    return [relations, above, below]


def _cut(found: tuple[int, ...], n: int) -> object:
    """No-good cut: not every figure of ``found`` changed again."""
    from scipy.optimize import LinearConstraint

    row = np.zeros(n + n)
    row[[n + i for i in found]] = 1.0
    return LinearConstraint(row.reshape(1, -1), -np.inf, len(found) - 1)


def _ranges(
    problem: Problem, chosen: tuple[int, ...]
) -> tuple[tuple[float | None, float | None], ...]:
    """Each culprit's lowest and highest value that lets every relation hold, the other
    culprits free and every other figure inside its interval: two linear programs per
    culprit, in changes from the reported values, without the big-M bound (an end that
    does not exist is None)."""
    from scipy.optimize import linprog

    n = problem.n
    free = np.zeros(n, dtype=bool)
    free[list(chosen)] = True
    lower = np.where(free, -np.inf, problem.lows - problem.values)
    upper = np.where(free, np.inf, problem.highs - problem.values)
    at_reported = problem.matrix @ problem.values
    rows = np.vstack([problem.matrix, -problem.matrix])
    limits = np.concatenate([problem.upper - at_reported, at_reported - problem.lower])
    keep = np.isfinite(limits)
    out = []
    for i in chosen:
        ends: list[float | None] = []
        for sign in (1.0, -1.0):
            cost = np.zeros(n)
            cost[i] = sign
            result = linprog(
                cost, A_ub=rows[keep], b_ub=limits[keep], bounds=list(zip(lower, upper, strict=True)),
                method="highs",
            )  # fmt: skip
            ends.append(None if result.status != 0 else float(problem.values[i] + result.x[i]))
        out.append((ends[0], ends[1]))
    return tuple(out)


def inner_bounds(problem: Problem) -> tuple[Floats, Floats]:
    """The relations' bounds a quarter of their width inside: a new value aimed there,
    not at an edge, still holds printed and read back or summed in another order. A
    relation that holds as reported keeps that room: staying put stays a solution."""
    with np.errstate(invalid="ignore"):
        width = problem.upper - problem.lower
    inner = np.where(np.isfinite(width), width / 4, 0.0)
    at = problem.matrix @ problem.values
    held = (at >= problem.lower) & (at <= problem.upper)
    lower, upper = problem.lower + inner, problem.upper - inner
    return np.where(held, np.minimum(lower, at), lower), np.where(
        held, np.maximum(upper, at), upper
    )


def least_change(problem: Problem) -> Floats | None:
    """New values that let every relation hold with the least weighted change beyond
    the figures' own intervals (an L1 norm: a figure moved within its rounding costs
    nothing, so a solution inside the intervals is taken whenever one exists); among
    those, the least change from the reported values (a much smaller second term). One
    linear program, in changes scaled by the component's size; None when the relations
    contradict each other."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, scale = problem.n, problem.bound()
    a, eye, none = problem.matrix, np.eye(problem.n), np.zeros((problem.n, problem.n))
    at_reported = a @ problem.values
    lower, upper = inner_bounds(problem)
    # Variables: change d, excess beyond the interval e >= 0, size of the change s >= |d|.
    constraints = [
        LinearConstraint(
            np.hstack([a, np.zeros_like(a), np.zeros_like(a)]),
            (lower - at_reported) / scale,
            (upper - at_reported) / scale,
        ),
        LinearConstraint(
            np.hstack([eye, -eye, none]), -np.inf, (problem.highs - problem.values) / scale
        ),
        LinearConstraint(
            np.hstack([eye, eye, none]), (problem.lows - problem.values) / scale, np.inf
        ),
        LinearConstraint(np.hstack([eye, none, eye]), 0, np.inf),
        LinearConstraint(np.hstack([-eye, none, eye]), 0, np.inf),
    ]
    cost = np.concatenate([np.zeros(n), problem.weights, np.full(n, 1e-6)])
    bounds = Bounds(np.concatenate([-np.ones(n), np.zeros(n + n)]), np.ones(3 * n))
    result = milp(cost, bounds=bounds, constraints=constraints)
    if result.status != 0 or result.x is None:
        return None
    return np.asarray(problem.values + result.x[:n] * scale, dtype=np.float64)
