"""compare: an ordering claim between figures (A > B, A > B + C, A at least k times B,
A above 0); the table form is :mod:`.compare_table`'s."""

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
    if rule.over is not None:
        from statcheck.engine.rules.compare_table import check_compare_table

        return check_compare_table(rule, ctx)
    left, left_missing = _resolved(ctx, rule.left)
    right, right_missing = _resolved(ctx, rule.right)
    missing = left_missing + right_missing
    present = tuple(f.figure_id for f in left + right)
    if missing:
        return undetermined(rule, present, missing, "The claim")
    finding = mismatch(
        rule,
        _interval(rule.left, left),
        _interval(rule.right, right),
        (_describe(rule.left, left), _describe(rule.right, right)),
        present,
    )
    return concluded(rule, [finding] if finding else [], Counts.of(1, 1 if finding else 0))


def mismatch(
    rule: CompareRule,
    lhs: Interval,
    right: Interval,
    described: tuple[str, str],
    figures: tuple[str, ...],
) -> Finding | None:
    """The finding when ``lhs op factor × right`` does not hold beyond the tolerance, else
    None; ``described`` says what each side is, as the sentence names it."""
    rhs = right.scale(rule.factor)
    allowed = rule.tolerance.amount(rhs)
    verdict = compare(lhs, rule.op, rhs.widen(allowed))
    # The last bits of binary arithmetic are not evidence against a claim.
    within_noise = compare(lhs, rule.op, rhs.widen(allowed + rule.tolerance.noise(rhs))).consistent
    if verdict.outcome is Outcome.CONSISTENT or within_noise:
        return None
    times = f"{explain.number(rule.factor)} times " if rule.factor != 1 else ""
    gap = verdict.gap or 0.0
    places = explain.places_for(gap)
    explanation = (
        f"{described[0]} should be {_SAYS[rule.op.value]} {times}{described[1]}, but "
        f"{explain.span(lhs, places)} against {explain.span(rhs, places)} "
        f"{_short(rule.op.value, lhs, rhs, explain.number(gap, places))}."
    )
    return Finding(
        "comparison-mismatch",
        figures,
        explanation,
        reported=lhs,
        expected=rhs,
        gap=verdict.gap,
        tolerance=allowed,
    )


def _resolved(ctx: Context, side: object) -> tuple[list[Figure], list[str]]:
    if isinstance(side, float):  # a number: nothing to look up
        return [], []
    assert isinstance(side, tuple)
    return ctx.resolve_many(side)


def _interval(side: object, figures: list[Figure]) -> Interval:
    if isinstance(side, float):
        return Interval.point(side)
    return Interval.total(f.interval for f in figures)


def _describe(side: object, figures: list[Figure]) -> str:
    if isinstance(side, float):
        return explain.number(side, None)
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
