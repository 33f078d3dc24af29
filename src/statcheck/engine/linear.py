"""The linear relations a suite's rules check, listed for reasoning across rules.

Error localisation (:mod:`statcheck.localisation`) asks which figures, changed, would let
every rule hold at once; it needs each rule as constraints over the figures it names,
not as a verdict. This module lists them, each found by the same lookups and group
shapes the rules' checks use (so a group the check skips is not a constraint either),
and solves nothing: the engine stays an evaluator.

A relation is ``lower <= Σ coefficient × figure <= upper``; it holds as reported when
some values inside the figures' own intervals (their rounding and qualifiers) satisfy
it. The bounds carry the rule's tolerance and floating-point noise as the check grants
them. Explicit and table-form ``sum`` and ``compare`` are linear; the other kinds are
listed as left out, each with the reason. Relations are arrays (one entry per
figure of a relation), built column by column from the table-form groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from statcheck.contract.rules import CompareRule, Rule, SumRule
from statcheck.contract.rules.pattern import Operand
from statcheck.contract.suite import Suite
from statcheck.contract.tolerance import Tolerance
from statcheck.engine.context import Context
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval
from statcheck.prepare import ParsedFigureTable

__all__ = ["LeftOut", "LinearRules", "figures_named", "linear_relations"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Texts = npt.NDArray[np.object_]

# Why a kind is not among the constraints (the localisation says so).
_NOT_LINEAR = {
    "ratio": "a ratio of two figures that may both be wrong is not linear in them: left out",
    "rate": "a rate is a ratio of two figures that may both be wrong, not linear: left out",
}
_NOT_NUMERIC = "relates no figures of this table by a linear equation or inequality"


@dataclass(frozen=True)
class LeftOut:
    """A rule that is no constraint of the problem, and why."""

    rule_id: str
    kind: str
    reason: str


@dataclass(frozen=True)
class LinearRules:
    """Relations ``lower[r] <= Σ coefficient[e] × figure[e] <= upper[r]`` over the entries
    ``e`` with ``relation[e] == r``; relation ``r`` comes from rule ``rules[rule[r]]``.
    Each entry carries its figure's reported value and interval (``low``, ``high``)."""

    rules: tuple[str, ...]
    rule: Ints  # per relation
    lower: Floats  # per relation (-inf: no lower bound)
    upper: Floats  # per relation (inf: no upper bound)
    relation: Ints  # per entry, ascending
    figure: Texts  # per entry: the figure id
    coefficient: Floats
    value: Floats
    low: Floats
    high: Floats
    left_out: tuple[LeftOut, ...] = ()

    @property
    def size(self) -> int:
        return int(self.rule.size)

    def failing(self) -> npt.NDArray[np.bool_]:
        """Per relation: no values inside the figures' intervals satisfy it (the rule
        fails there as reported)."""
        c = self.coefficient
        least = np.where(c > 0, c * self.low, c * self.high)
        most = np.where(c > 0, c * self.high, c * self.low)
        with np.errstate(invalid="ignore"):  # -inf + inf: unbounded both ways, never failing
            lo = np.bincount(self.relation, weights=least, minlength=self.size)
            hi = np.bincount(self.relation, weights=most, minlength=self.size)
        return np.asarray((lo > self.upper) | (hi < self.lower), dtype=bool)


def linear_relations(figures: ParsedFigureTable, suite: Suite) -> LinearRules:
    """Every linear relation the suite's rules check on the figure table, and the rules
    left out. A relation with a figure missing is not listed (its rule is undetermined)."""
    ctx = Context(figures=figures, sources=None, suite=suite)
    ctx.preload([ref for rule in suite.rules for ref in rule.refs()])
    pieces: list[_Piece] = []
    left_out: list[LeftOut] = []
    for index, rule in enumerate(suite.rules):
        found, reason = _relations_of(rule, ctx)
        pieces += [p.of_rule(index) for p in found]
        if reason is not None:
            left_out.append(LeftOut(rule.id, rule.KIND, reason))
    return _joined(tuple(r.id for r in suite.rules), pieces, tuple(left_out))


def figures_named(figures: ParsedFigureTable, suite: Suite, ids: list[str]) -> dict[str, Figure]:
    """The figures with these ids, in one filter."""
    return Context(figures=figures, sources=None, suite=suite).figures_by_id(ids)


@dataclass(frozen=True)
class _Piece:
    """Some relations of one rule, numbered from 0 (``relation`` per entry)."""

    lower: Floats
    upper: Floats
    relation: Ints
    figure: Texts
    coefficient: Floats
    value: Floats
    low: Floats
    high: Floats
    rule: int = -1

    def of_rule(self, index: int) -> _Piece:
        return _Piece(
            self.lower, self.upper, self.relation, self.figure, self.coefficient,
            self.value, self.low, self.high, index,
        )  # fmt: skip


def _joined(
    rules: tuple[str, ...], pieces: list[_Piece], left_out: tuple[LeftOut, ...]
) -> LinearRules:
    sizes = np.array([p.lower.size for p in pieces], dtype=np.int64)
    offsets = np.cumsum(sizes) - sizes  # each piece's first relation (none: no pieces)

    def cat(name: str, dtype: Any) -> Any:
        arrays = [np.asarray(getattr(p, name), dtype=dtype) for p in pieces]
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

    relation = [p.relation + off for p, off in zip(pieces, offsets, strict=True)]
    return LinearRules(
        rules=rules,
        rule=np.repeat(np.array([p.rule for p in pieces], dtype=np.int64), sizes),
        lower=cat("lower", np.float64),
        upper=cat("upper", np.float64),
        relation=np.concatenate(relation) if relation else np.zeros(0, dtype=np.int64),
        figure=cat("figure", object),
        coefficient=cat("coefficient", np.float64),
        value=cat("value", np.float64),
        low=cat("low", np.float64),
        high=cat("high", np.float64),
        left_out=left_out,
    )


def _relations_of(rule: Rule, ctx: Context) -> tuple[list[_Piece], str | None]:
    if isinstance(rule, SumRule):
        return (_sum_table(rule, ctx) if rule.over is not None else _sum(rule, ctx)), None
    if isinstance(rule, CompareRule):
        return (_compare_table(rule, ctx) if rule.over is not None else _compare(rule, ctx)), None
    return [], _NOT_LINEAR.get(rule.KIND, _NOT_NUMERIC)


def _sum(rule: SumRule, ctx: Context) -> list[_Piece]:
    refs = tuple(p for p in rule.parts if not isinstance(p, Operand))
    parts, absent = ctx.resolve_many(refs)
    if not parts or (absent and rule.missing == "undetermined"):
        return []
    allowed = _allowed(rule.tolerance, Interval.total(f.interval for f in parts))
    if rule.constant is not None:
        return [_one(parts, [1.0] * len(parts), rule.constant - allowed, rule.constant + allowed)]
    assert rule.total is not None and not isinstance(rule.total, Operand)
    total = ctx.resolve(rule.total)
    if total is None:
        return []
    return [_one([total, *parts], [1.0] + [-1.0] * len(parts), -allowed, allowed)]


def _compare(rule: CompareRule, ctx: Context) -> list[_Piece]:
    """``left op factor × right`` as ``Σ left − factor × Σ right op constant``; a strict
    claim (A > B) is held as its closure (A >= B): figures are intervals."""
    sides: list[tuple[list[Figure], float]] = []
    for side in (rule.left, rule.right):
        if isinstance(side, float):
            sides.append(([], side))
            continue
        found, missing = ctx.resolve_many(side)  # type: ignore[arg-type]
        if missing:
            return []
        sides.append((found, 0.0))
    (left, _), (right, right_number) = sides
    rhs = Interval.total(f.interval for f in right) if right else Interval.point(right_number)
    allowed = _allowed(rule.tolerance, rhs.scale(rule.factor))
    lower, upper = _compare_bounds(rule, allowed)
    coefficients = [1.0] * len(left) + [-rule.factor] * len(right)
    return [_one([*left, *right], coefficients, float(lower), float(upper))]


def _placed(size: int, *pieces: tuple[Any, Any]) -> Any:
    """One array of ``size`` with each piece's values at its positions."""
    first = np.asarray(pieces[0][1])
    out = np.empty(size, dtype=first.dtype if first.dtype != np.dtype("O") else object)
    for at, values in pieces:
        out[at] = values
    return out


def _compare_bounds(rule: CompareRule, allowed: Any) -> tuple[Any, Any]:
    """``Σ left − factor × Σ right`` against ``factor × right number − left number``,
    within ``allowed`` (per relation); one side open for an inequality."""
    numbers = [side if isinstance(side, float) else 0.0 for side in (rule.left, rule.right)]
    constant = rule.factor * numbers[1] - numbers[0]
    op = rule.op.value
    lower = -math.inf if op in ("<", "<=") else constant - allowed
    upper = math.inf if op in (">", ">=") else constant + allowed
    return lower + 0 * allowed, upper + 0 * allowed  # one shape: a number or an array


def _compare_table(rule: CompareRule, ctx: Context) -> list[_Piece]:
    """One relation per group the table-form check checks (both sides complete, nothing
    printed twice), found by the same group-by (:func:`statcheck.engine.sides.grouped`):
    the left side's figures with coefficient 1, the right side's with −factor, and the
    allowance the check grants the group's right side."""
    import narwhals as nw

    from statcheck.contract.tolerance import FLOAT_NOISE
    from statcheck.engine import intervals
    from statcheck.engine.native import collect_all
    from statcheck.engine.sides import Side, grouped

    assert rule.over is not None
    sides = (Side.of("left", rule.left, rule.over), Side.of("right", rule.right, rule.over))
    found = grouped(ctx, rule.over, sides, rule.figures)
    right = intervals.scale((nw.col("_s1_low"), nw.col("_s1_high")), rule.factor)
    allowed = intervals.tolerance_amount(right, rule.tolerance) + nw.lit(
        FLOAT_NOISE
    ) * intervals.magnitude(right)
    checked = found.frame.filter(nw.col("_reason").is_null()).select(
        *found.group, allowed.alias("_allowed")
    )
    rows = found.rows.filter(~nw.col("_duplicate")).select(
        *found.group, "_side", "figure_id", "value", "low", "high"
    )
    order = [*found.group, "_side", "figure_id"]
    (table,) = collect_all([checked.join(rows, on=found.group, how="inner").sort(order)])
    if table.is_empty():
        return []
    table = table.with_columns(_group_number(found.group).alias("_group"))
    col = {c: table.get_column(c).to_numpy() for c in ("_group", "_side", "_allowed")}
    group = col["_group"].astype(np.int64) - 1  # numbered from 1, in order
    first = np.flatnonzero(np.diff(group, prepend=-1))
    lower, upper = _compare_bounds(rule, col["_allowed"][first].astype(np.float64))
    return [
        _Piece(
            lower=np.asarray(lower, dtype=np.float64),
            upper=np.asarray(upper, dtype=np.float64),
            relation=group,
            figure=table.get_column("figure_id").to_numpy().astype(object),
            coefficient=np.where(col["_side"] == 0, 1.0, -rule.factor),
            value=table.get_column("value").to_numpy().astype(np.float64),
            low=table.get_column("low").to_numpy().astype(np.float64),
            high=table.get_column("high").to_numpy().astype(np.float64),
        )
    ]


def _group_number(group: list[str]) -> Any:
    """A number per group of rows sorted by it, counting up where the group changes."""
    import narwhals as nw

    changed = nw.lit(False)
    for column in group:
        value = nw.col(column).cast(nw.String).fill_null("\x00")
        changed = changed | (value != value.shift(1)).fill_null(True)
    return changed.cast(nw.Int64).cum_sum()


def _allowed(tolerance: Tolerance, expected: Interval) -> float:
    """What the check allows around ``expected``: the tolerance and float noise."""
    return tolerance.amount(expected) + tolerance.noise(expected)


def _one(figures: list[Figure], coefficients: list[float], lower: float, upper: float) -> _Piece:
    return _Piece(
        lower=np.array([lower]),
        upper=np.array([upper]),
        relation=np.zeros(len(figures), dtype=np.int64),
        figure=np.array([f.figure_id for f in figures], dtype=object),
        coefficient=np.array(coefficients, dtype=np.float64),
        value=np.array([f.reported.value for f in figures], dtype=np.float64),
        low=np.array([f.interval.low for f in figures], dtype=np.float64),
        high=np.array([f.interval.high for f in figures], dtype=np.float64),
    )


def _sum_table(rule: SumRule, ctx: Context) -> list[_Piece]:
    """One relation per group the table-form check checks, built column by column: the
    parts' entries (coefficient 1 against a number, −1 against a total row) and, for a
    total row, one entry per group (coefficient 1)."""
    from statcheck.engine.rules.sum_table import checked_groups

    rows = checked_groups(rule, ctx)
    if rows.is_empty():
        return []
    col = {c: rows.get_column(c).to_numpy() for c in rows.columns}
    group = col["_group"].astype(np.int64) - 1  # numbered from 1, in order
    first = np.flatnonzero(np.diff(group, prepend=-1))  # each group's first row
    allowed = col["_allowed"][first].astype(np.float64)
    parts = (col["figure_id"].astype(object), col["value"], col["low"], col["high"])
    entries: tuple[Any, ...]
    if rule.constant is not None:
        lower, upper = rule.constant - allowed, rule.constant + allowed
        entries = (group, *parts, np.ones(group.size))
    else:
        lower, upper = -allowed, allowed
        totals = (col["_total_id"][first].astype(object), col["_t_value"][first],
                  col["_t_low"][first], col["_t_high"][first])  # fmt: skip
        # Each relation's entries together, its total first: the totals go at each
        # group's first row plus the totals before it, the parts after them (no sort).
        at_total = first + np.arange(first.size)
        at_part = np.arange(group.size) + group + 1
        size = first.size + group.size
        ids, values, lows, highs = (
            _placed(size, (at_total, t), (at_part, p)) for t, p in zip(totals, parts, strict=True)
        )
        relation = _placed(size, (at_total, np.arange(first.size)), (at_part, group))
        coefficient = _placed(
            size, (at_total, np.ones(first.size)), (at_part, -np.ones(group.size))
        )
        entries = (relation, ids, values, lows, highs, coefficient)
    relation, ids, values, lows, highs, coefficient = entries
    return [
        _Piece(
            lower=np.asarray(lower, dtype=np.float64),
            upper=np.asarray(upper, dtype=np.float64),
            relation=np.asarray(relation, dtype=np.int64),
            figure=np.asarray(ids, dtype=object),
            coefficient=np.asarray(coefficient, dtype=np.float64),
            value=np.asarray(values, dtype=np.float64),
            low=np.asarray(lows, dtype=np.float64),
            high=np.asarray(highs, dtype=np.float64),
        )
    ]
