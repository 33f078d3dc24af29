"""ratio: a share equals part / whole times its scale (100 for a percent).

Rounding-aware by construction: the expected share is the interval part / whole (every
ratio the two rounded counts can stand for), scaled, and it must overlap the share's own
interval, which already encodes its printed decimals (58.6 stands for 58.55 to 58.65).
Like a GRIM test, this catches a share no pair of counts behind the printed ones can give.

The table form finds its failing groups with one join of the part, whole and share rows
on the group key and column arithmetic (``engine.intervals``); only the failing rows are
turned into figures, and explained with the same code as the explicit form.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.contract.rules import RatioRule, Rule
from statcheck.engine import intervals
from statcheck.engine.context import SELECTOR_COLUMNS, Context
from statcheck.engine.groups import (
    duplicate_finding,
    failed,
    group_keys,
    split_duplicates,
    with_blank_dims,
)
from statcheck.engine.rules import explain, implements, undetermined
from statcheck.errors import StatcheckError, SuiteError
from statcheck.model.figure import Figure
from statcheck.model.interval import format_number
from statcheck.model.units import share_scale
from statcheck.report import Finding, RuleResult, Status

_ROLES = ("part", "whole", "share")


@implements("ratio")
def check_ratio(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, RatioRule)
    findings = _explicit(rule, ctx) if rule.over is None else _table(rule, ctx)
    if isinstance(findings, RuleResult):
        return findings
    status = Status.FAIL if failed(findings) else Status.UNDETERMINED if findings else Status.PASS
    return RuleResult(rule.id, rule.KIND, status, tuple(findings), description=rule.description)


def _explicit(rule: RatioRule, ctx: Context) -> list[Finding] | RuleResult:
    found: dict[str, Figure] = {}
    missing: list[str] = []
    for role, ref in zip(_ROLES, (rule.part, rule.whole, rule.share), strict=True):
        assert not isinstance(ref, str)  # the explicit form holds references
        f = ctx.resolve(ref)
        if f is None:
            missing.append(str(ref))
        else:
            found[role] = f
    if missing:
        present = tuple(f.figure_id for f in found.values())
        return undetermined(rule, present, missing, "The ratio")
    share = found["share"]
    finding = verdict(found["part"], found["whole"], share, _scale(rule, share.unit), rule)
    return [finding] if finding else []


def _table(rule: RatioRule, ctx: Context) -> list[Finding] | RuleResult:
    assert rule.over is not None
    table = ctx.figures
    column = _over_column(rule.over, ctx)
    keys = group_keys(table, without=column)
    frame = table.frame
    if rule.figures is not None:
        frame = frame.filter(ctx.selector_mask(rule.figures))
    frame = with_blank_dims(frame, table.dimensions)
    values = dict(zip(_ROLES, (rule.part, rule.whole, rule.share), strict=True))
    frame = frame.filter(nw.col(column).is_in([str(v) for v in values.values()]))
    frame, dupes = split_duplicates(frame)
    rows: dict[str, nw.DataFrame[Any]] = {}
    for role, value in values.items():
        extra = [nw.col("unit").alias("share_unit")] if role == "share" else []
        rows[role] = frame.filter(nw.col(column) == str(value)).select(
            *keys,
            nw.col("figure_id").alias(f"{role}_id"),
            nw.col("low").alias(f"{role}_low"),
            nw.col("high").alias(f"{role}_high"),
            *extra,
        )
    absent = [f"{rule.over}={values[role]}" for role in _ROLES if rows[role].is_empty()]
    if absent:
        return undetermined(rule, (), absent, "The ratio")
    joined = rows["part"].join(rows["whole"], on=keys).join(rows["share"], on=keys)
    if joined.is_empty():
        what = ", ".join(f"{rule.over}={values[r]}" for r in _ROLES)
        finding = Finding(
            "missing-figure",
            (),
            f"The ratio cannot be checked: no group of figures has all of {what} "
            f"(groups are figures that agree on {', '.join(keys)}).",
        )
        return RuleResult(
            rule.id, rule.KIND, Status.UNDETERMINED, (finding,), description=rule.description
        )
    joined = joined.with_columns(_scale_column(rule, joined).alias("scale"))
    part = (nw.col("part_low"), nw.col("part_high"))
    whole = (nw.col("whole_low"), nw.col("whole_high"))
    share = (nw.col("share_low"), nw.col("share_high"))
    zero = joined.filter(intervals.contains_zero(whole))
    # Division is only defined, and only evaluated, where the whole excludes 0.
    expected = intervals.scale(intervals.divide(part, whole), nw.col("scale"))
    off = joined.filter(~intervals.contains_zero(whole)).filter(intervals.gap(share, expected) > 0)
    # Any row that fails has a gap above 0; the tolerance is then decided per row, by the
    # same code as the explicit form, which also writes the finding.
    suspects = nw.concat([zero, off]).sort("share_id", "part_id", "whole_id")
    triples = suspects.select("part_id", "whole_id", "share_id", "scale").rows()
    figures = ctx.figures_by_id(i for t in triples for i in t[:3])
    findings = duplicate_finding(dupes)
    for part_id, whole_id, share_id, k in triples:
        f = verdict(figures[part_id], figures[whole_id], figures[share_id], float(k), rule)
        if f is not None:
            findings.append(f)
    return findings


def verdict(
    part: Figure, whole: Figure, share: Figure, k: float, rule: RatioRule
) -> Finding | None:
    """The finding for one part, whole and share, or None when they agree."""
    ids = (share.figure_id, part.figure_id, whole.figure_id)
    reported = share.interval
    if 0 in whole.interval:
        return Finding(
            "zero-denominator",
            ids,
            f"{explain.figure(share)} is given as a share of {explain.figure(whole)}, but "
            f"{explain.as_reported(whole)} can stand for 0 ({explain.span(whole.interval)}), "
            f"and a share of 0 is not defined.",
            reported=reported,
        )
    expected = (part.interval / whole.interval).scale(k)
    point = part.reported.value / whole.reported.value * k
    claim = (
        f"{explain.figure(share)} should be {explain.figure(part)} {_per(k)} "
        f"{explain.figure(whole)}, which is {explain.amount(point, expected)}"
    )
    return explain.mismatch("ratio-mismatch", ids, claim, share, expected, rule.tolerance)


def _per(k: float) -> str:
    if k == 100:
        return "as a percentage of"
    if k == 1:
        return "as a fraction of"
    return f"per {format_number(k)} of"


def _scale(rule: RatioRule, unit: str) -> float:
    if rule.scale is not None:
        return rule.scale
    k = share_scale(unit)
    if k is None:
        raise _unknown_unit([unit])
    return k


def _scale_column(rule: RatioRule, joined: nw.DataFrame[Any]) -> nw.Expr:
    """The scale of each row: the rule's, or from the share's unit (each distinct unit
    looked up once, as the table's dates are)."""
    if rule.scale is not None:
        return nw.lit(rule.scale)
    units = joined.get_column("share_unit").unique().to_list()
    scales = {u: share_scale(u) for u in units}
    unknown = sorted(u for u, k in scales.items() if k is None)
    if unknown:
        raise _unknown_unit(unknown)
    return nw.col("share_unit").replace_strict(scales, return_dtype=nw.Float64)


def _unknown_unit(units: list[str]) -> StatcheckError:
    return StatcheckError(
        f"the share's unit {', '.join(map(repr, units))} does not say what part / whole is "
        f"multiplied by",
        slug="unknown-share-unit",
        hint="give the rule a `scale:` (100 for percent, 1000 per thousand, 1 for a fraction), "
        "or use unit percent, per_1000, per_100000 or fraction",
    )


def _over_column(over: str, ctx: Context) -> str:
    """The figure-table column ``over`` names: metric, source or a dimension."""
    column = SELECTOR_COLUMNS.get(over, over)
    if column in ("metric", "source_id", *ctx.figures.dimensions):
        return column
    raise SuiteError(
        f"`over: {over}` is not a column that tells figures apart",
        slug="unknown-column",
        hint=f"use metric, source or a dimension: {', '.join(ctx.figures.dimensions) or 'none here'}",
    )
