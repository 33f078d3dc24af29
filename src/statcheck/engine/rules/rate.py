"""rate: a rate per period agrees with a total over a period of another length, or with a
count and its denominator.

"About 12 a month" and a total for 2024 agree when the total is within what 12 months
of the rate can add up to: the rate's interval times the length of the total's period
in the rate's unit (``Period.length_in``: whole calendar months where it is made of them).

With a denominator (``of``) the rate is checked instead: deaths per 1,000 a year from a
month's deaths and the population is 1,000 × deaths / population ÷ (1/12 of a year), on
the figures' intervals, so rounded counts and a rate printed to one decimal are compared
for what they can stand for. Its table form is the ratio's (``ratio.table_form``): the
count is the part, the denominator the whole and the rate the share, each row's scale
divided by the length of its period.
"""

from __future__ import annotations

from dataclasses import fields
from functools import partial

from statcheck.contract.rules import RateRule, RatioRule, Rule
from statcheck.contract.rules.base import Ref
from statcheck.contract.rules.pattern import Operand
from statcheck.engine.context import Context
from statcheck.engine.rules import concluded, explain, undetermined
from statcheck.engine.rules.ratio import Spec, SummedWhole, table_form
from statcheck.model.figure import Figure
from statcheck.report import Counts, Finding, RuleResult


def check_rate(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, RateRule)
    if rule.of is None:
        return _over_a_period(rule, ctx)
    if rule.over is not None:
        spec = Spec(
            per=rule.per,
            judge=partial(_judge, rate_rule=rule),
            mismatch="rate-mismatch",
            name="The rate",
            kind=RateRule.KIND,
        )
        return table_form(_as_ratio(rule), ctx, spec)
    return _with_denominator(rule, ctx)


def _over_a_period(rule: RateRule, ctx: Context) -> RuleResult:
    """The rate times the length of the total's period against the total."""
    rate = ctx.resolve(_ref(rule.rate))
    total = ctx.resolve(_ref(rule.total))
    if rate is None or total is None:
        missing = [str(ref) for ref, f in ((rule.rate, rate), (rule.total, total)) if f is None]
        present = tuple(f.figure_id for f in (rate, total) if f is not None)
        return undetermined(rule, present, missing, "The rate")
    units = total.period.length_in(rule.per)
    expected = rate.interval.scale(units)
    reported = total.interval
    gap = reported.gap(expected)
    allowed = rule.tolerance.amount(expected)
    if rule.tolerance.allows(gap, expected):
        return concluded(rule, [], Counts.of(1, 0))
    places = explain.places_for(gap)
    count = f"{explain.number(units, 2)} {rule.per}{'' if units == 1 else 's'}"
    finding = Finding(
        "rate-mismatch",
        (total.figure_id, rate.figure_id),
        f"{rate.figure_id} ({explain.as_reported(rate)} a {rule.per}, {rate.period.describe()}) "
        f"over the {count} of {total.period.describe()} "
        f"comes to {explain.amount(rate.reported.value * units, expected, places)}, but "
        f"{explain.figure(total)} is {explain.number(gap, places)} away from that"
        f"{explain.beyond_tolerance(allowed)}.",
        reported=reported,
        expected=expected,
        gap=gap,
        tolerance=allowed,
    )
    return concluded(rule, [finding], Counts.of(1, 1))


def _with_denominator(rule: RateRule, ctx: Context) -> RuleResult:
    """The one rate the rule names against scale × total / of per ``per``."""
    refs = {"rate": rule.rate, "total": rule.total, "of": rule.of}
    found = {role: ctx.resolve(_ref(ref)) for role, ref in refs.items()}
    missing = [str(refs[role]) for role, f in found.items() if f is None]
    if missing:
        present = tuple(f.figure_id for f in found.values() if f is not None)
        return undetermined(rule, present, missing, "The rate")
    rate, total, of = (found[role] for role in ("rate", "total", "of"))
    assert rate is not None and total is not None and of is not None
    k = _scale(rule) / total.period.length_in(rule.per)
    finding = verdict(total, of, rate, k, rule)
    return concluded(rule, [finding] if finding else [], Counts.of(1, 1 if finding else 0))


def verdict(total: Figure, of: Figure, rate: Figure, k: float, rule: RateRule) -> Finding | None:
    """The finding for one count, denominator and rate (``k``: the scale per the count's
    period, 12,000 for per 1,000 a year from a month), or None when they agree."""
    ids = (rate.figure_id, total.figure_id, of.figure_id)
    if 0 in of.interval:
        return Finding(
            "zero-denominator",
            ids,
            f"{explain.figure(rate)} is given per {explain.figure(of)}, but "
            f"{explain.as_reported(of)} can stand for 0 ({explain.span(of.interval)}), and a "
            f"rate of 0 is not defined.",
            reported=rate.interval,
        )
    scale = _scale(rule)
    expected = (total.interval / of.interval).scale(k)
    point = total.reported.value / of.reported.value * k
    per = f"per {explain.number(scale)} of" if scale != 1 else "over"
    places = explain.places_for(rate.interval.gap(expected))
    claim = (
        f"{explain.figure(rate)} should be {explain.figure(total)} {per} "
        f"{explain.figure(of)} a {rule.per} ({total.period.describe()} being "
        f"{_length(total.period.length_in(rule.per), rule.per)}), which is "
        f"{explain.amount(point, expected, places)}"
    )
    return explain.mismatch("rate-mismatch", ids, claim, rate, expected, rule.tolerance)


def _judge(
    part: Figure,
    whole: Figure | SummedWhole,
    share: Figure,
    k: float,
    _: RatioRule,
    *,
    rate_rule: RateRule,
) -> Finding | None:
    """A table-form row, told as a rate (the ratio's part is the count, its whole the
    denominator, its share the rate)."""
    assert isinstance(whole, Figure)  # a rate's denominator is printed
    return verdict(part, whole, share, k, rate_rule)


def _as_ratio(rule: RateRule) -> RatioRule:
    """The table form as the ratio it is: count / denominator × scale = rate."""
    assert rule.of is not None
    common = {f.name: getattr(rule, f.name) for f in fields(Rule)}
    return RatioRule(
        **common,
        part=rule.total,
        whole=rule.of,
        share=rule.rate,
        scale=_scale(rule),
        over=rule.over,
        figures=rule.figures,
        tolerance=rule.tolerance,
    )


def _scale(rule: RateRule) -> float:
    return 1.0 if rule.scale is None else rule.scale


def _length(units: float, per: str) -> str:
    """``1/12 of a year``, ``1 month``, ``2.5 years``."""
    if 0 < units < 1 and abs(1 / units - round(1 / units)) < 1e-9:
        return f"1/{round(1 / units)} of a {per}"
    return f"{explain.number(units, 4)} {per}{'' if units == 1 else 's'}"


def _ref(value: Ref | str | Operand | None) -> Ref:
    """An explicit form's figure reference (the table form holds column values)."""
    assert value is not None and not isinstance(value, str | Operand)
    return value
