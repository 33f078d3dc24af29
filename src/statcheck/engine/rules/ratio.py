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

import math
from typing import Any

import narwhals as nw

from statcheck.contract.rules import RatioRule, Rule
from statcheck.engine import intervals
from statcheck.engine.context import SELECTOR_COLUMNS, Context
from statcheck.engine.groups import (
    count_and_flagged,
    duplicate_finding,
    failed,
    flagged,
    group_keys,
    split_duplicates,
    with_blank_dims,
)
from statcheck.engine.native import collect_all
from statcheck.engine.rules import explain, undetermined
from statcheck.errors import UNKNOWN_COLUMN, UNKNOWN_SHARE_UNIT, StatcheckError
from statcheck.model.figure import Figure
from statcheck.model.interval import format_number
from statcheck.model.units import share_scale
from statcheck.report import Finding, RuleResult, Status

_ROLES = ("part", "whole", "share")


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
    values = dict(zip(_ROLES, (rule.part, rule.whole, rule.share), strict=True))
    frame, dupes = split_duplicates(_role_rows(rule, ctx, column, keys, values), table)
    rows = _by_role(frame, column, keys, values)
    joined = rows["part"].join(rows["whole"], on=keys).join(rows["share"], on=keys)
    scale, unknown = _scale_column(rule, _share_units(rule, ctx, rows["share"]))
    query = flagged(
        joined.with_columns(scale.alias("scale")), _suspect(unknown), witness="share_id"
    )
    # Which roles have rows is asked in the same pass: a rule missing one is undetermined.
    roles, rows_found, dupe_rows = collect_all(
        [
            frame.group_by(column).agg(nw.len().alias("_n")),
            query.select(
                "part_id", "whole_id", "share_id", "scale", "share_unit", "_flag", "_count"
            ).sort("share_id", "part_id", "whole_id"),
            dupes.select("figure_id", "value"),
        ]
    )
    seen = set(roles.get_column(column).to_list())
    absent = [f"{rule.over}={values[role]}" for role in _ROLES if str(values[role]) not in seen]
    if absent:
        return undetermined(rule, (), absent, "The ratio")
    n_joined, suspects = count_and_flagged(rows_found)
    if n_joined == 0:
        return _no_whole_group(rule, values, keys)
    if unknown:
        found = set(suspects.get_column("share_unit").to_list()) & set(unknown)
        if found:
            raise _unknown_unit(sorted(found))
    return duplicate_finding(dupe_rows) + _explained(rule, ctx, suspects)


def _role_rows(
    rule: RatioRule, ctx: Context, column: str, keys: list[str], values: dict[str, Any]
) -> nw.LazyFrame[Any]:
    """The rows in scope that are a part, whole or share, with the columns the check reads."""
    frame = ctx.lazy()
    if rule.figures is not None:
        frame = frame.filter(ctx.selector_mask(rule.figures))
    frame = with_blank_dims(frame, ctx.figures.blank_dimensions())
    return frame.filter(nw.col(column).is_in([str(v) for v in values.values()])).select(
        *keys, column, "figure_id", "value", "low", "high", "unit", "_duplicate"
    )


def _by_role(
    frame: nw.LazyFrame[Any], column: str, keys: list[str], values: dict[str, Any]
) -> dict[str, nw.LazyFrame[Any]]:
    """The part, whole and share rows apart, their columns named after their role (the
    share's unit too, which decides its scale), ready to join on the group key."""
    rows: dict[str, nw.LazyFrame[Any]] = {}
    for role, value in values.items():
        extra = [nw.col("unit").alias("share_unit")] if role == "share" else []
        rows[role] = frame.filter(nw.col(column) == str(value)).select(
            *keys,
            nw.col("figure_id").alias(f"{role}_id"),
            nw.col("low").alias(f"{role}_low"),
            nw.col("high").alias(f"{role}_high"),
            *extra,
        )
    return rows


def _share_units(
    rule: RatioRule, ctx: Context, shares: nw.LazyFrame[Any]
) -> list[str | None] | None:
    """The units shares are printed in, which decide how the ratio is checked (each one's
    scale is looked up once): the table's units where it knows them, else the shares'
    (one query). None when the rule gives its own scale."""
    if rule.scale is not None:
        return None
    known_units = ctx.figures.known_values.get("unit")
    if known_units is None:
        (found_units,) = collect_all([shares.select("share_unit").unique()])
        known_units = tuple(found_units.get_column("share_unit").to_list())
    return list(known_units)


def _suspect(unknown: list[str]) -> nw.Expr:
    """Whether a joined row may fail: its share outside part / whole, scaled.

    Division is only defined where the whole excludes 0: a whole that holds 0 is a
    suspect whatever its quotient says. Any row that fails has a gap above 0; the
    tolerance is then decided per row, by the same code as the explicit form, which
    also writes the finding. Rows whose share unit has no known scale are set apart."""
    part = (nw.col("part_low"), nw.col("part_high"))
    whole = (nw.col("whole_low"), nw.col("whole_high"))
    share = (nw.col("share_low"), nw.col("share_high"))
    expected = intervals.scale(intervals.divide(part, whole), nw.col("scale"))
    suspect = intervals.contains_zero(whole) | (intervals.gap(share, expected) > 0)
    if unknown:
        suspect = suspect | nw.col("share_unit").is_in(unknown)
    return suspect


def _no_whole_group(rule: RatioRule, values: dict[str, Any], keys: list[str]) -> RuleResult:
    """Every role has rows, but no group has all three: nothing could be checked."""
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


def _explained(rule: RatioRule, ctx: Context, suspects: nw.DataFrame[Any]) -> list[Finding]:
    """The suspect rows (collected) as figures, explained by the explicit form's code;
    those within the tolerance drop out."""
    triples = suspects.select("part_id", "whole_id", "share_id", "scale").rows()
    figures = ctx.figures_by_id(i for t in triples for i in t[:3])
    found = (
        verdict(figures[part_id], figures[whole_id], figures[share_id], float(k), rule)
        for part_id, whole_id, share_id, k in triples
    )
    return [f for f in found if f is not None]


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


def _scale_column(rule: RatioRule, units: list[str | None] | None) -> tuple[nw.Expr, list[str]]:
    """The scale of each row: the rule's, or from the share's unit (each distinct unit,
    in ``units``, looked up once, as the table's dates are); and the units with no
    known scale (their rows get NaN)."""
    if rule.scale is not None or units is None:
        return nw.lit(rule.scale), []
    scales = {u: share_scale(u) for u in units if u is not None}
    unknown = sorted(u for u, k in scales.items() if k is None)
    known = {u: math.nan if k is None else k for u, k in scales.items()}
    if not known:  # no share in scope: nothing to scale (and Spark refuses an empty map)
        return nw.lit(math.nan, dtype=nw.Float64), []
    # Every unit is in `known`; the default is only there because Spark needs one.
    scale = nw.col("share_unit").replace_strict(known, default=None, return_dtype=nw.Float64)
    return scale, unknown


def _unknown_unit(units: list[str]) -> StatcheckError:
    return UNKNOWN_SHARE_UNIT(
        f"the share's unit {', '.join(map(repr, units))} does not say what part / whole is "
        f"multiplied by",
        hint="give the rule a `scale:` (100 for percent, 1000 per thousand, 1 for a fraction), "
        "or use unit percent, per_1000, per_100000 or fraction",
    )


def _over_column(over: str, ctx: Context) -> str:
    """The figure-table column ``over`` names: metric, source or a dimension."""
    column = SELECTOR_COLUMNS.get(over, over)
    if column in ("metric", "source_id", *ctx.figures.dimensions):
        return column
    raise UNKNOWN_COLUMN(
        f"`over: {over}` is not a column that tells figures apart",
        hint=f"use metric, source or a dimension: {', '.join(ctx.figures.dimensions) or 'none here'}",
    )
