"""The linear relations a suite's rules check, listed for reasoning across rules.

Error localisation (:mod:`statcheck.localisation`) asks which figures, changed, would let every
rule hold at once; it needs each rule as constraints over the figures it names, not as a
verdict. This module lists them, each found by the same lookups and group shapes the
rules' checks use (so a group the check skips is not a constraint either), and solves
nothing: the engine stays an evaluator.

A relation is ``Σ coefficient × figure  op  constant``, which holds when some values
inside the figures' own intervals (their rounding and qualifiers) make it true within
``tolerance``. Explicit and table-form ``sum`` and explicit ``compare`` are linear; the
other kinds are listed as left out, each with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from statcheck.contract.rules import CompareRule, Rule, SumRule
from statcheck.contract.rules.pattern import Operand
from statcheck.contract.suite import Suite
from statcheck.contract.tolerance import Tolerance
from statcheck.engine.context import Context
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval
from statcheck.prepare import ParsedFigureTable

__all__ = ["LeftOut", "LinearRelation", "LinearRules", "figures_named", "linear_relations"]

# Why a kind is not among the constraints (the localisation says so).
_NOT_LINEAR = {
    "ratio": "a ratio of two figures that may both be wrong is not linear in them: left out",
    "rate": "a rate is a ratio of two figures that may both be wrong, not linear: left out",
}
_NOT_NUMERIC = "relates no figures of this table by a linear equation or inequality"
_TABLE_COMPARE = "table-form compare is not yet turned into constraints: left out"

# A strict claim (A > B) is held as its closure (A >= B): figures are intervals.
_OPS = {"==": "==", ">": ">=", ">=": ">=", "<": "<=", "<=": "<="}


@dataclass(frozen=True)
class LinearRelation:
    """``Σ coefficients[i] × figures[i]  op  constant`` within ± ``tolerance``, each
    figure with its reported value and its interval (``lows``, ``highs``)."""

    rule_id: str
    kind: str
    figures: tuple[str, ...]
    coefficients: tuple[float, ...]
    values: tuple[float, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]
    op: str  # "==", "<=" or ">="
    constant: float
    tolerance: float

    def holds_as_reported(self) -> bool:
        """Whether values inside the figures' intervals satisfy it (as the rule judged)."""
        c = np.asarray(self.coefficients)
        lo = np.where(c > 0, c * np.asarray(self.lows), c * np.asarray(self.highs)).sum()
        hi = np.where(c > 0, c * np.asarray(self.highs), c * np.asarray(self.lows)).sum()
        below = self.constant - self.tolerance
        above = self.constant + self.tolerance
        if self.op == "<=":
            return bool(lo <= above)
        if self.op == ">=":
            return bool(hi >= below)
        return bool(lo <= above and hi >= below)


@dataclass(frozen=True)
class LeftOut:
    """A rule that is no constraint of the problem, and why."""

    rule_id: str
    kind: str
    reason: str


@dataclass(frozen=True)
class LinearRules:
    relations: tuple[LinearRelation, ...]
    left_out: tuple[LeftOut, ...]


def linear_relations(figures: ParsedFigureTable, suite: Suite) -> LinearRules:
    """Every linear relation the suite's rules check on the figure table, and the rules
    left out. A relation with a figure missing is not listed (its rule is undetermined)."""
    ctx = Context(figures=figures, sources=None, suite=suite)
    ctx.preload([ref for rule in suite.rules for ref in rule.refs()])
    relations: list[LinearRelation] = []
    left_out: list[LeftOut] = []
    for rule in suite.rules:
        found, reason = _relations_of(rule, ctx)
        relations += found
        if reason is not None:
            left_out.append(LeftOut(rule.id, rule.KIND, reason))
    return LinearRules(tuple(relations), tuple(left_out))


def figures_named(figures: ParsedFigureTable, suite: Suite, ids: list[str]) -> dict[str, Figure]:
    """The figures with these ids, in one filter."""
    return Context(figures=figures, sources=None, suite=suite).figures_by_id(ids)


def _relations_of(rule: Rule, ctx: Context) -> tuple[list[LinearRelation], str | None]:
    if isinstance(rule, SumRule):
        return (_sum_table(rule, ctx) if rule.over is not None else _sum(rule, ctx)), None
    if isinstance(rule, CompareRule):
        if rule.over is not None:
            return [], _TABLE_COMPARE
        return _compare(rule, ctx), None
    return [], _NOT_LINEAR.get(rule.KIND, _NOT_NUMERIC)


def _sum(rule: SumRule, ctx: Context) -> list[LinearRelation]:
    refs = tuple(p for p in rule.parts if not isinstance(p, Operand))
    parts, absent = ctx.resolve_many(refs)
    if not parts or (absent and rule.missing == "undetermined"):
        return []
    if rule.constant is not None:
        return [_relation(rule, parts, [1.0] * len(parts), "==", rule.constant, rule.tolerance)]
    assert rule.total is not None and not isinstance(rule.total, Operand)
    total = ctx.resolve(rule.total)
    if total is None:
        return []
    coefficients = [1.0] + [-1.0] * len(parts)
    return [_relation(rule, [total, *parts], coefficients, "==", 0.0, rule.tolerance, parts)]


def _compare(rule: CompareRule, ctx: Context) -> list[LinearRelation]:
    sides: list[tuple[list[Figure], float]] = []
    for side in (rule.left, rule.right):
        if isinstance(side, float):
            sides.append(([], side))
            continue
        found, missing = ctx.resolve_many(side)  # type: ignore[arg-type]
        if missing:
            return []
        sides.append((found, 0.0))
    (left, left_number), (right, right_number) = sides
    figures = [*left, *right]
    coefficients = [1.0] * len(left) + [-rule.factor] * len(right)
    constant = rule.factor * right_number - left_number
    return [
        _relation(rule, figures, coefficients, _OPS[rule.op.value], constant, rule.tolerance, right)
    ]


def _relation(
    rule: Rule,
    figures: list[Figure],
    coefficients: list[float],
    op: str,
    constant: float,
    tolerance: Tolerance,
    expected: list[Figure] | None = None,
) -> LinearRelation:
    """One relation; its tolerance the rule's, on the side the rule expects (``expected``:
    the parts of a sum, the right side of a compare; all figures when None)."""
    side = Interval.total(f.interval for f in (figures if expected is None else expected))
    if expected == [] and constant:
        side = Interval.point(abs(constant))
    return LinearRelation(
        rule_id=rule.id,
        kind=rule.KIND,
        figures=tuple(f.figure_id for f in figures),
        coefficients=tuple(coefficients),
        values=tuple(f.reported.value for f in figures),
        lows=tuple(f.interval.low for f in figures),
        highs=tuple(f.interval.high for f in figures),
        op=op,
        constant=constant,
        tolerance=tolerance.amount(side) + tolerance.noise(side),
    )


def _sum_table(rule: SumRule, ctx: Context) -> list[LinearRelation]:
    """One relation per group the table-form check checks."""
    from statcheck.engine.rules.sum_table import checked_groups

    rows = checked_groups(rule, ctx)
    if rows.is_empty():
        return []
    cols = {
        c: rows.get_column(c).to_numpy() for c in ("_group", "figure_id", "low", "high", "value")
    }
    starts = np.flatnonzero(np.diff(cols["_group"], prepend=-1))
    constant = rule.constant
    totals: dict[str, Any] = {}
    if constant is None:
        totals = {
            c: rows.get_column(c).to_numpy()[starts]
            for c in ("_total_id", "_t_low", "_t_high", "_t_value")
        }
    ends = np.append(starts[1:], len(rows))
    return [
        _group_relation(rule, cols, int(start), int(end), totals, i)
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]


def _group_relation(
    rule: SumRule,
    cols: dict[str, Any],
    start: int,
    end: int,
    totals: dict[str, Any],
    i: int,
) -> LinearRelation:
    """The relation of one group: its parts' rows ``start:end``, its total row ``i``."""
    ids = [str(x) for x in cols["figure_id"][start:end]]
    lows = [float(x) for x in cols["low"][start:end]]
    highs = [float(x) for x in cols["high"][start:end]]
    values = [float(x) for x in cols["value"][start:end]]
    side = Interval(sum(lows), sum(highs))
    allowed = rule.tolerance.amount(side) + rule.tolerance.noise(side)
    n = end - start
    if not totals:
        assert rule.constant is not None
        return LinearRelation(
            rule.id, rule.KIND, tuple(ids), (1.0,) * n, tuple(values), tuple(lows),
            tuple(highs), "==", rule.constant, allowed,
        )  # fmt: skip
    return LinearRelation(
        rule.id,
        rule.KIND,
        (str(totals["_total_id"][i]), *ids),
        (1.0, *([-1.0] * n)),
        (float(totals["_t_value"][i]), *values),
        (float(totals["_t_low"][i]), *lows),
        (float(totals["_t_high"][i]), *highs),
        "==",
        0.0,
        allowed,
    )
