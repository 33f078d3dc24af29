"""sum: a total equals the sum of its parts, over the same period."""

from __future__ import annotations

from dataclasses import replace

from statcheck.contract.rules import Rule, SumRule
from statcheck.contract.rules.pattern import Operand
from statcheck.engine.context import Context
from statcheck.engine.rules import concluded, explain, skipped_findings, undetermined
from statcheck.engine.rules.sum_table import check_sum_table
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval
from statcheck.model.period import coverage
from statcheck.report import Counts, Finding, RuleResult


def check_sum(rule: Rule, ctx: Context) -> RuleResult:
    """The explicit form's one total (or number) against its parts; the table form is
    :mod:`.sum_table`'s."""
    assert isinstance(rule, SumRule)
    if rule.over is not None:
        return check_sum_table(rule, ctx)
    refs = tuple(p for p in rule.parts if not isinstance(p, Operand))
    if rule.constant is not None:
        parts, absent = ctx.resolve_many(refs)
        return _check_constant(rule, rule.constant, parts, absent)
    assert rule.total is not None and not isinstance(rule.total, Operand)
    total = ctx.resolve(rule.total)
    parts, absent = ctx.resolve_many(refs)
    reason = "missing-total" if total is None else _missing_parts(rule, parts, absent)
    if total is None or reason:
        missing = ([str(rule.total)] if total is None else []) + absent
        result = undetermined(rule, tuple(f.figure_id for f in parts), missing, "The sum")
        item = total.figure_id if total is not None else str(rule.total)
        return _skipped(rule, result, reason or "missing-total", item)
    expected = Interval.total(f.interval for f in parts)
    reported = total.interval
    gap = reported.gap(expected)
    allowed = rule.tolerance.amount(expected)
    ids = (total.figure_id, *(f.figure_id for f in parts))
    parts_text = explain.join([explain.figure(f) for f in parts]) or "no parts"
    places = explain.places_for(gap)
    sum_text = explain.amount(sum(f.reported.value for f in parts), expected, places)
    claim = (
        f"{explain.figure(total)} should equal the sum of {parts_text}, but the parts add up to "
        f"{sum_text}"
    )
    mismatch = explain.mismatch("sum-mismatch", ids, claim, total, expected, rule.tolerance)
    numeric_ok = mismatch is None
    findings: list[Finding] = [] if mismatch is None else [mismatch]
    period_problem = _period_problem(rule, total, parts)
    if period_problem:
        agreement = (
            f"within what {explain.as_reported(total)} can stand for "
            f"({explain.span(reported, places)})"
            if numeric_ok
            else f"{explain.number(gap, places)} away from {explain.span(reported, places)}"
        )
        findings.append(
            Finding(
                "period-mismatch",
                ids,
                f"{explain.figure(total)} cannot be the sum of {parts_text}: the parts add up to {sum_text}, "
                f"{agreement}, but {period_problem}.",
                reported=reported,
                expected=expected,
                gap=gap,
                tolerance=allowed,
            )
        )
    return concluded(rule, findings, Counts.of(1, 1 if findings else 0))


def _missing_parts(rule: SumRule, parts: list[Figure], absent: list[str]) -> str | None:
    """``missing-parts`` when the total cannot be checked for its parts: none is there,
    or (without ``missing: zero``) one is not."""
    if not parts or (absent and rule.missing == "undetermined"):
        return "missing-parts"
    return None


def _skipped(rule: SumRule, result: RuleResult, reason: str, item: str) -> RuleResult:
    """The undetermined ``result`` of the one item, counted (and reported) as skipped."""
    findings = (*result.findings, *skipped_findings(rule, {reason: [item]}))
    return replace(result, findings=findings, counts=Counts.of(0, 0, {reason: 1}))


def _check_constant(
    rule: SumRule, constant: float, parts: list[Figure], absent: list[str]
) -> RuleResult:
    """Parts that must add up to a known number (shares of one whole: 100)."""
    if _missing_parts(rule, parts, absent):
        result = undetermined(rule, tuple(f.figure_id for f in parts), absent, "The sum")
        return _skipped(rule, result, "missing-parts", explain.number(constant))
    expected = Interval.total(f.interval for f in parts)
    gap = expected.gap(Interval.point(constant))
    allowed = rule.tolerance.amount(expected)
    if rule.tolerance.allows(gap, expected):
        return concluded(rule, [], Counts.of(1, 0))
    places = explain.places_for(gap)
    # Only rounded parts have rounding to allow for: exact ones are simply this far away.
    allowing = " even allowing for their rounding" if expected.width else ""
    finding = Finding(
        "sum-mismatch",
        tuple(f.figure_id for f in parts),
        f"{explain.join([explain.figure(f) for f in parts])} should add up to "
        f"{explain.number(constant, places)}, but they add up to "
        f"{explain.amount(sum(f.reported.value for f in parts), expected, places)}, "
        f"{explain.number(gap, places)} away{allowing}.",
        reported=Interval.point(constant),
        expected=expected,
        gap=gap,
        tolerance=allowed,
    )
    return concluded(rule, [finding], Counts.of(1, 1))


def _period_problem(rule: SumRule, total: Figure, parts: list[Figure]) -> str | None:
    """Why the parts' periods do not make up the total's, or None when they do."""
    if rule.across == "time":
        cov = coverage([p.period for p in parts], total.period)
        if cov.exact:
            return None
        bits = []
        if cov.gaps:
            bits.append("they miss " + explain.join([g.describe() for g in cov.gaps]))
        if cov.overlaps:
            bits.append(
                "they count " + explain.join([o.describe() for o in cov.overlaps]) + " twice"
            )
        if cov.outside:
            bits.append(
                "they reach outside the total's period into "
                + explain.join([o.describe() for o in cov.outside])
            )
        return f"the total covers {total.period.describe()} and " + explain.join(bits)
    off = [p for p in parts if p.period != total.period]
    if not off:
        return None
    return (
        explain.join([f"{p.figure_id} covers {p.period.describe()}" for p in off])
        + f" while the total covers {total.period.describe()}"
    )
