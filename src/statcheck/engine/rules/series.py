"""series: figures over consecutive periods, checked against their predecessors.

A series is a group of figures that agree on everything but the period (and, for
``change``, the metric), ordered by period. Each figure's predecessor comes from one
``shift(1)`` over the group ordered by period, on every backend; the failing rows alone
are turned into figures and explained.

* ``cumulative``: a running total never falls: a figure whose interval lies entirely
  below its predecessor's is a ``series-decrease``. Figures that share their start with
  another of their series run from it (year to date): they are a series of their own
  (``_running_from``), so the total starts again with each start.
* ``change``: a figure of the change metric at period t equals of_t - of_t-1
  (``absolute``) or (of_t - of_t-1) / of_t-1 x 100 (``percent``), interval-wise
  (``change-mismatch``). The first period has no predecessor, nor does a period whose
  predecessor ends before the day before it starts (the period between is missing).

What the result counts: for ``cumulative`` each figure that has a predecessor (a step;
the first figure of a series is no item); for ``change`` each change figure, skipped as
``missing-level`` when ``of`` has no figure for its period and ``no-predecessor`` when it
has none for the period before. Figures printed twice are left out (``duplicate``). The
counts come with the same collect as the checks: the pairs' ``_count`` and one tally row.
"""

from __future__ import annotations

import math
from typing import Any

import narwhals as nw

from statcheck.contract.rules import Rule, SeriesChange, SeriesRule
from statcheck.engine import intervals
from statcheck.engine.context import Context
from statcheck.engine.groups import (
    count_and_flagged,
    duplicate_finding,
    flagged,
    group_keys,
    split_duplicates,
    with_blank_dims,
)
from statcheck.engine.native import collect_all, day_number, python_rows
from statcheck.engine.rules import concluded, explain, skipped_findings, undetermined
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval
from statcheck.report import Counts, Finding, RuleResult

PERIOD = ("period_start", "period_end")
# figure_id last: two figures for the same period (in different units, say) still come
# out in the same order on every backend.
ORDER = [*PERIOD, "figure_id"]


def check_series(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, SeriesRule)
    queries = _questions(rule, ctx)
    found = dict(zip(queries, collect_all(list(queries.values())), strict=True))
    if rule.figures is not None and found["in_scope"].item(0, 0) == 0:
        return undetermined(rule, (), [str(rule.figures)], "The series", counts=Counts())
    n_pairs, falls_rows = count_and_flagged(found["falls"]) if rule.cumulative else (0, None)
    n_changes, change_rows = (
        count_and_flagged(found["changes"]) if rule.change is not None else (0, None)
    )
    figures = _named_figures(ctx, falls_rows, change_rows)
    findings: list[Finding] = []
    unchecked: list[str] = []
    skipped = {"duplicate": len(found["dupes"])}
    if rule.cumulative:
        assert falls_rows is not None
        if n_pairs == 0:
            unchecked.append("no series has two periods to compare")
        findings += _decreases(rule, falls_rows, figures)
    if rule.change is not None:
        assert change_rows is not None
        findings += _changes(rule, rule.change, change_rows, figures)
        skipped |= _change_skips(found["change_tally"])
        if n_changes == 0:
            unchecked.append(
                f"no figure of {rule.change.metric!r} has figures of {rule.change.of!r} "
                f"for its period and the period before"
            )
    counts = Counts.of(n_pairs + n_changes, len(findings), skipped)
    findings += _left_out(rule, bool(findings), found, unchecked)
    return concluded(rule, findings, counts)


def _change_skips(tally: nw.DataFrame[Any]) -> dict[str, int]:
    """The change figures not checked, by reason, from their one-row tally."""
    # A sum over no rows is null on Spark.
    changes, with_level, paired = (
        int(tally.item(0, c) or 0) for c in ("changes", "with_level", "paired")
    )
    return {"missing-level": changes - with_level, "no-predecessor": with_level - paired}


def _left_out(
    rule: SeriesRule, failing: bool, found: dict[str, nw.DataFrame[Any]], unchecked: list[str]
) -> list[Finding]:
    """The findings for what the rule did not check: the duplicates; when nothing failed
    and none was left out as a duplicate, why nothing could be compared; and with
    `skipped: report`, the change figures skipped."""
    out = duplicate_finding(found["dupes"])
    if unchecked and not failing and not out:
        out.append(
            Finding("missing-figure", (), f"The series cannot be checked: {'; '.join(unchecked)}.")
        )
    if "change_skipped" in found:
        rows = python_rows(found["change_skipped"])
        by_reason: dict[str, list[str]] = {}
        for fid, reason in rows:
            by_reason.setdefault(reason, []).append(fid)
        out += skipped_findings(rule, by_reason)
    return out


def _questions(rule: SeriesRule, ctx: Context) -> dict[str, nw.LazyFrame[Any]]:
    """Every question the rule asks of the table, to be collected together: the
    duplicates left out, how many figures the selector matches, the falls, the changes."""
    table = ctx.figures
    scope = ctx.lazy()
    if rule.figures is not None:
        scope = scope.filter(ctx.selector_mask(rule.figures))
    if rule.change is not None:  # a change rule reads two metrics; the rest of the table can wait
        scope = scope.filter(nw.col("metric").is_in([rule.change.metric, rule.change.of]))
    scope = with_blank_dims(scope, table.blank_dimensions())
    scope, dupes = split_duplicates(scope, table)
    queries: dict[str, nw.LazyFrame[Any]] = {"dupes": dupes.select("figure_id", "value")}
    if rule.figures is not None:
        queries["in_scope"] = ctx.lazy().filter(ctx.selector_mask(rule.figures)).select(nw.len())
    if rule.cumulative:
        queries["falls"] = _falls(rule, scope, ctx)
    if rule.change is not None:
        queries.update(_change_questions(rule, rule.change, scope, ctx))
    return queries


def _falls(rule: SeriesRule, scope: nw.LazyFrame[Any], ctx: Context) -> nw.LazyFrame[Any]:
    """Each figure of a cumulative series entirely below its predecessor (figure_id,
    prev_id), flagged, with how many pairs there are (see ``groups.flagged``)."""
    rows = scope if rule.change is None else scope.filter(nw.col("metric") == rule.change.of)
    keys = group_keys(ctx.figures, without="period")
    rows = rows.with_columns(_running_from(keys).alias("_from"))
    pairs = _with_predecessor(rows, [*keys, "_from"]).filter(~nw.col("prev_id").is_null())
    falls = flagged(pairs, nw.col("high") < nw.col("prev_low"), witness="figure_id")
    return falls.select("figure_id", "prev_id", "_flag", "_count").sort("figure_id")


def _named_figures(
    ctx: Context, falls_rows: nw.DataFrame[Any] | None, change_rows: nw.DataFrame[Any] | None
) -> dict[str, Figure]:
    """The figures the failing rows name, fetched in one filter."""
    named = [
        *(python_rows(falls_rows.select("figure_id", "prev_id")) if falls_rows is not None else ()),
        *(
            python_rows(change_rows.select("change_id", "prev_id", "of_id"))
            if change_rows is not None
            else ()
        ),
    ]
    return ctx.figures_by_id(i for ids in named for i in ids)


def _decreases(
    rule: SeriesRule, falls_rows: nw.DataFrame[Any], figures: dict[str, Figure]
) -> list[Finding]:
    """The falls (collected) explained, unless the figures' rounding and tolerance allow them."""
    found = (
        _decrease(figures[fid], figures[prev_id], rule)
        for fid, prev_id in python_rows(falls_rows.select("figure_id", "prev_id"))
    )
    return [f for f in found if f is not None]


def _changes(
    rule: SeriesRule,
    change: SeriesChange,
    change_rows: nw.DataFrame[Any],
    figures: dict[str, Figure],
) -> list[Finding]:
    """The suspect changes (collected) explained; those within rounding and tolerance drop out."""
    found = (
        _change_verdict(figures[change_id], figures[prev_id], figures[of_id], change, rule)
        for change_id, prev_id, of_id in python_rows(
            change_rows.select("change_id", "prev_id", "of_id")
        )
    )
    return [f for f in found if f is not None]


def _running_from(keys: list[str]) -> nw.Expr:
    """Where a running total starts, for figures that share their start with another of
    their series (January to March and January to June of one year): those are compared
    only with each other, so a year-to-date series starts again each year. Figures that
    share no start (a count to date printed day by day) are one series, in order (0)."""
    end, by_start = nw.col("period_end"), [*keys, "period_start"]
    shared = end.max().over(*by_start) != end.min().over(*by_start)
    return nw.when(shared).then(day_number(nw.col("period_start"))).otherwise(nw.lit(0))


def _with_predecessor(rows: nw.LazyFrame[Any], keys: list[str]) -> nw.LazyFrame[Any]:
    """Each row with the id, interval and end of the row before it in its group."""
    return rows.with_columns(
        [
            nw.col(c).shift(1).over(*keys, order_by=ORDER).alias(f"prev_{c}")
            for c in ("figure_id", "low", "high", "period_end")
        ]
    ).rename({"prev_figure_id": "prev_id"})


def _decrease(cur: Figure, prev: Figure, rule: SeriesRule) -> Finding | None:
    expected = Interval(prev.interval.low, math.inf)  # at least what came before
    reported = cur.interval
    gap = reported.gap(expected)
    allowed = rule.tolerance.amount(expected)
    if rule.tolerance.allows(gap, expected):
        return None
    drop = prev.reported.value - cur.reported.value
    places = explain.places_for(gap)
    return Finding(
        "series-decrease",
        (cur.figure_id, prev.figure_id),
        f"{explain.figure(cur)} is below {explain.figure(prev)}, but a cumulative figure "
        f"cannot fall: it drops by {explain.number(drop, places)}"
        + (f", at least {explain.number(gap, places)} allowing for rounding" if gap != drop else "")
        + (f", more than the tolerance of {explain.number(allowed, places)}" if allowed else "")
        + ".",
        reported=reported,
        expected=expected,
        gap=gap,
        tolerance=allowed,
    )


def _change_questions(
    rule: SeriesRule, change: SeriesChange, scope: nw.LazyFrame[Any], ctx: Context
) -> dict[str, nw.LazyFrame[Any]]:
    """Each change figure with its level and the level before (the pairs): those whose
    intervals do not meet (change_id, prev_id, of_id), flagged, with how many there are
    (see ``groups.flagged``); a one-row tally of the change figures, those with a level
    for their period, and those paired; with `skipped: report`, the unpaired ones."""
    joined = _change_levels(change, scope, ctx)
    paired = nw.col("_paired").fill_null(False)
    pairs = joined.filter(paired)
    of = (nw.col("of_low"), nw.col("of_high"))
    prev = (nw.col("prev_low"), nw.col("prev_high"))
    reported = (nw.col("change_low"), nw.col("change_high"))
    if change.as_ == "absolute":
        off = intervals.gap(reported, (of[0] - prev[1], of[1] - prev[0])) > 0
    else:
        # A level before that can stand for 0 is a suspect whatever the quotient says.
        low, high = intervals.scale(intervals.divide(of, prev), 100.0)
        off = intervals.contains_zero(prev) | (
            intervals.gap(reported, (low - 100.0, high - 100.0)) > 0
        )
    queries = {
        "changes": flagged(pairs, off, witness="change_id")
        .select("change_id", "prev_id", "of_id", "_flag", "_count")
        .sort("change_id"),
        "change_tally": joined.select(
            nw.len().alias("changes"),
            nw.col("of_id").count().alias("with_level"),
            paired.cast(nw.Int64).sum().alias("paired"),
        ),
    }
    if rule.skipped == "report":
        reason = nw.when(nw.col("of_id").is_null()).then(nw.lit("missing-level"))
        queries["change_skipped"] = (
            joined.filter(~paired)
            .select("change_id", reason.otherwise(nw.lit("no-predecessor")).alias("reason"))
            .sort("change_id")
        )
    return queries


def _change_levels(
    change: SeriesChange, scope: nw.LazyFrame[Any], ctx: Context
) -> nw.LazyFrame[Any]:
    """Every change figure, with the level of ``of`` for its period and the level before
    (nulls where there is none), and whether it has both (``_paired``)."""
    keys = group_keys(ctx.figures, without=["period", "metric"])
    changes = scope.filter(nw.col("metric") == change.metric)
    # Only the series that have change figures need their levels lined up.
    levels = scope.filter(nw.col("metric") == change.of).join(
        changes.select(keys).unique(), on=keys, how="semi"
    )
    levels = _with_predecessor(levels, keys)
    # A predecessor counts when no period lies between it and this one.
    adjacent = ~nw.col("prev_id").is_null() & (
        nw.col("prev_period_end").dt.offset_by("1d") >= nw.col("period_start")
    )
    levels = levels.select(
        *keys,
        *PERIOD,
        nw.col("figure_id").alias("of_id"),
        nw.col("low").alias("of_low"),
        nw.col("high").alias("of_high"),
        "prev_id",
        "prev_low",
        "prev_high",
        adjacent.fill_null(False).alias("_paired"),
    )
    changes = changes.select(
        *keys,
        *PERIOD,
        nw.col("figure_id").alias("change_id"),
        nw.col("low").alias("change_low"),
        nw.col("high").alias("change_high"),
    )
    return changes.join(levels, on=[*keys, *PERIOD], how="left")


def _change_verdict(
    reported_change: Figure, prev: Figure, cur: Figure, change: SeriesChange, rule: SeriesRule
) -> Finding | None:
    ids = (reported_change.figure_id, prev.figure_id, cur.figure_id)
    reported = reported_change.interval
    if change.as_ == "percent":
        if 0 in prev.interval:
            return Finding(
                "zero-denominator",
                ids,
                f"{explain.figure(reported_change)} is given as the percentage change from "
                f"{explain.figure(prev)}, but {explain.as_reported(prev)} can stand for 0 "
                f"({explain.span(prev.interval)}), and a change from 0 has no percentage.",
                reported=reported,
            )
        expected = (cur.interval / prev.interval).scale(100.0) - Interval.point(100.0)
        point = (cur.reported.value / prev.reported.value - 1) * 100
        what = "percentage change"
    else:
        expected = cur.interval - prev.interval
        point = cur.reported.value - prev.reported.value
        what = "change"
    places = explain.places_for(reported.gap(expected))
    claim = (
        f"{explain.figure(reported_change)} should be the {what} in {change.of} from "
        f"{explain.figure(prev)} to {explain.figure(cur)}, which is "
        f"{explain.amount(point, expected, places)}"
    )
    return explain.mismatch(
        "change-mismatch", ids, claim, reported_change, expected, rule.tolerance
    )
