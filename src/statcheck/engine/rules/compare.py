"""compare: an ordering claim between figures (A > B, A > B + C, A at least k times B)."""

from __future__ import annotations

from statcheck.contract.rules import CompareRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.rules import concluded, explain, undetermined
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval, Outcome, compare
from statcheck.report import Counts, Finding, RuleResult

_SAYS = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most", "==": "equal to"}


def check_compare(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, CompareRule)
    left, left_missing = ctx.resolve_many(rule.left)
    right, right_missing = ctx.resolve_many(rule.right)
    missing = left_missing + right_missing
    present = tuple(f.figure_id for f in left + right)
    if missing:
        return undetermined(rule, present, missing, "The claim")
    lhs = Interval.total(f.interval for f in left)
    rhs = Interval.total(f.interval for f in right).scale(rule.factor)
    allowed = rule.tolerance.amount(rhs)
    verdict = compare(lhs, rule.op, rhs.widen(allowed))
    # The last bits of binary arithmetic are not evidence against a claim.
    within_noise = compare(lhs, rule.op, rhs.widen(allowed + rule.tolerance.noise(rhs))).consistent
    if verdict.outcome is Outcome.CONSISTENT or within_noise:
        return concluded(rule, [], Counts.of(1, 0))
    times = f"{explain.number(rule.factor)} times " if rule.factor != 1 else ""
    gap = verdict.gap or 0.0
    places = explain.places_for(gap)
    explanation = (
        f"{_describe(left)} should be {_SAYS[rule.op.value]} {times}{_describe(right)}, but "
        f"{explain.span(lhs, places)} against {explain.span(rhs, places)} "
        f"{_short(rule.op.value, lhs, rhs, explain.number(gap, places))}."
    )
    finding = Finding(
        "comparison-mismatch",
        present,
        explanation,
        reported=lhs,
        expected=rhs,
        gap=verdict.gap,
        tolerance=allowed,
    )
    return concluded(rule, [finding], Counts.of(1, 1))


def _describe(figures: list[Figure]) -> str:
    if len(figures) == 1:
        return explain.figure(figures[0])
    return "the sum of " + explain.join([explain.figure(f) for f in figures])


def _short(op: str, lhs: Interval, rhs: Interval, gap: str) -> str:
    """How the left side misses: short of a lower bound, over an upper one, or, for an
    equality, apart and on which side the larger is."""
    if op in (">", ">="):
        return f"falls short by {gap}"
    if op in ("<", "<="):
        return f"is over by {gap}"
    larger = "left" if lhs.low > rhs.high else "right"
    return f"are {gap} apart: the {larger} side is larger"
