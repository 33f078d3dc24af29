"""rate: a rate per period agrees with a total over a period of another length.

"About 12 a month" and a total for 2024 agree when the total is within what 12 months
of the rate can add up to: the rate's interval times the length of the total's period
in the rate's unit (``Period.length_in``: whole calendar months where it is made of them).
"""

from __future__ import annotations

from statcheck.contract.rules import RateRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.rules import concluded, explain, undetermined
from statcheck.report import Counts, Finding, RuleResult


def check_rate(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, RateRule)
    rate = ctx.resolve(rule.rate)
    total = ctx.resolve(rule.total)
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
