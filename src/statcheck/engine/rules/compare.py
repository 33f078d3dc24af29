"""compare: an ordering claim between figures (A > B, A > B + C, A at least k times B)."""

from __future__ import annotations

from statcheck.contract.rules import CompareRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.rules import concluded, explain, undetermined
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval, Outcome, compare, format_number
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
    times = f"{format_number(rule.factor)} times " if rule.factor != 1 else ""
    explanation = (
        f"{_describe(left)} should be {_SAYS[rule.op.value]} {times}{_describe(right)}, but "
        f"{explain.span(lhs)} against {explain.span(rhs)} falls short by {format_number(verdict.gap or 0.0)}."
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
