"""revision: a later drop changes a figure an earlier drop reported.

The drop's figures are lined up with the earlier drops' (``Context.earlier``, oldest
first) on metric, dimensions, period and source (``same_source: false`` leaves the source
out). Each figure is compared with the **most recent earlier drop that reports the same
thing**: with monthly vintages, each vintage against the one before it. A figure whose
interval lies further from the earlier figure's than the tolerance is a ``revision``,
unless the rule allows it: ``open``, the earlier figure's period had not ended when it was
published (its end on or after its ``published_at``, or the earlier drop's when the figure
has none); ``provisional`` or ``forecast``, the earlier figure was marked so.

Everything up to the revised pairs is joins and window expressions over the stacked
earlier tables, on every backend; only the revised pairs are turned into figures and
explained. A figure printed twice for the same thing, in this drop or in the earlier
drop it is compared with, is left out and reported (``duplicate-figure``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import narwhals as nw

from statcheck.contract.rules import RevisionRule, Rule
from statcheck.engine import intervals
from statcheck.engine.context import Context, Vintage
from statcheck.engine.groups import (
    IDENTITY,
    count_and_flagged,
    duplicate_finding,
    flagged,
    with_blank_dims,
)
from statcheck.engine.native import collect_all, python_rows
from statcheck.engine.rules import concluded, explain
from statcheck.errors import INTERNAL_ERROR, DropNotReady, StatcheckError
from statcheck.model.figure import Figure
from statcheck.report import Counts, Finding, RuleResult, Status

SHOWN = 6  # figure ids named in a duplicate finding's sentence (all are in its figures)


def check_revision(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, RevisionRule)
    if not ctx.earlier:
        return _no_earlier_drop(rule)
    for vintage in ctx.earlier:
        if vintage.problem is not None:
            return _unreadable(rule, vintage)
    dims, keys = _dimensions_and_keys(rule, ctx)
    current = _scope(rule, ctx, ctx.lazy(), dims).select("figure_id", "value", "low", "high", *keys)
    current = current.with_columns(_duplicated(keys).alias("_dup"))
    pairs = current.join(_latest_earlier(rule, ctx, dims, keys), on=keys, how="inner")
    # A figure printed twice on either side is left out: in this drop it is a duplicate,
    # in the earlier one there is no one figure to compare it with.
    dupes = pairs.filter(nw.col("_dup")).select("figure_id", "value").unique()
    twice_before = pairs.filter(~nw.col("_dup") & nw.col("_prev_dup"))
    pairs = pairs.filter(~nw.col("_dup") & ~nw.col("_prev_dup"))
    n_current, suspect_rows, dupe_rows, twice_rows = collect_all(
        [
            current.select(nw.len()),
            _suspects(rule, pairs),
            dupes,
            twice_before.select("figure_id", "_vintage").unique().sort("figure_id"),
        ]
    )
    n_pairs, suspects = count_and_flagged(suspect_rows)
    if n_current.item(0, 0) == 0:
        return _nothing_in_scope(rule)
    findings = _revisions(rule, ctx, suspects)
    counts = Counts.of(n_pairs, len(findings), {"duplicate": len(dupe_rows) + len(twice_rows)})
    findings += duplicate_finding(dupe_rows)
    findings += _twice_before(ctx, twice_rows)
    return _outcome(rule, ctx, findings, counts)


def _no_earlier_drop(rule: RevisionRule) -> RuleResult:
    """Without an earlier drop there is nothing to compare with: undetermined, not a pass."""
    return _result(
        rule,
        Status.UNDETERMINED,
        Finding(
            "no-earlier-drop",
            (),
            "The revisions cannot be checked: no earlier drop of this suite was given to "
            "compare this drop with.",
        ),
    )


def _nothing_in_scope(rule: RevisionRule) -> RuleResult:
    """No figure of this drop is in the rule's scope: undetermined, not a pass."""
    what = _describe_scope(rule)
    return _result(
        rule,
        Status.UNDETERMINED,
        Finding(
            "missing-figure", (), f"The revisions cannot be checked: no figure matches {what}."
        ),
    )


def _dimensions_and_keys(rule: RevisionRule, ctx: Context) -> tuple[list[str], list[str]]:
    """Every dimension of this drop and the earlier ones, and the columns that say two
    figures report the same thing (the source only when ``same_source``)."""
    tables = [v.figures for v in ctx.earlier if v.figures is not None]
    dims = list(
        dict.fromkeys([*ctx.figures.dimensions, *(d for t in tables for d in t.dimensions)])
    )
    keys = [c for c in IDENTITY if rule.same_source or c != "source_id"] + dims
    return dims, keys


def _latest_earlier(
    rule: RevisionRule, ctx: Context, dims: list[str], keys: list[str]
) -> nw.LazyFrame[Any]:
    """For each thing reported before, the figure of the most recent earlier drop that
    reports it, and whether that drop printed it twice (``_prev_dup``)."""
    earlier = nw.concat(
        [
            _earlier_rows(rule, ctx, v, i, dims, keys)
            for i, v in enumerate(ctx.earlier)
            if v.figures is not None
        ],
        how="vertical",
    )
    latest = earlier.filter(nw.col("_vintage") == nw.col("_vintage").max().over(*keys))
    return latest.with_columns(_duplicated(keys).alias("_prev_dup"))


def _outcome(
    rule: RevisionRule, ctx: Context, findings: list[Finding], counts: Counts
) -> RuleResult:
    """Fail on a revision; undetermined on figures left out, or when no figure of this drop
    is reported in an earlier one; else pass."""
    if not findings and counts.checked == 0:
        drops = explain.join([v.drop_id for v in ctx.earlier])
        findings = [
            Finding(
                "missing-figure",
                (),
                f"The revisions cannot be checked: no figure of {ctx.drop_id} "
                f"({_describe_scope(rule)}) is reported in {drops}.",
            )
        ]
    return concluded(rule, findings, counts)


def _scope(
    rule: RevisionRule, ctx: Context, frame: nw.LazyFrame[Any], dims: list[str]
) -> nw.LazyFrame[Any]:
    """The rows the rule reads, with every dimension of every drop (missing: empty text)."""
    columns = frame.collect_schema().names()
    absent = [d for d in dims if d not in columns]
    if absent:
        frame = frame.with_columns([nw.lit(None, dtype=nw.String).alias(d) for d in absent])
    if rule.figures is not None:
        frame = frame.filter(ctx.selector_mask(rule.figures))
    if rule.metrics:
        frame = frame.filter(nw.col("metric").is_in(list(rule.metrics)))
    frame = frame.with_columns([nw.col(d).cast(nw.String) for d in dims])
    return with_blank_dims(frame, dims)


def _earlier_rows(
    rule: RevisionRule, ctx: Context, vintage: Vintage, index: int, dims: list[str], keys: list[str]
) -> nw.LazyFrame[Any]:
    """One earlier drop's figures in the rule's scope, tagged with its place in the order
    and whether each was allowed to change (open period, provisional or forecast)."""
    assert vintage.figures is not None
    frame = _scope(rule, ctx, vintage.figures.frame.lazy(), dims)
    allowed = nw.lit(False)
    if "open" in rule.allow:
        allowed = allowed | _open(
            vintage.figures.frame.collect_schema()["published_at"], vintage.published_at
        )
    statuses = [s for s in ("provisional", "forecast") if s in rule.allow]
    if statuses:
        allowed = allowed | nw.col("status").is_in(statuses)
    return frame.select(
        *keys,
        nw.col("figure_id").alias("prev_id"),
        nw.col("value").alias("prev_value"),
        nw.col("low").alias("prev_low"),
        nw.col("high").alias("prev_high"),
        allowed.fill_null(False).alias("_allowed_change"),
        nw.lit(index).cast(nw.Int64).alias("_vintage"),
    )


def _open(published_type: nw.dtypes.DType, published: date | None) -> nw.Expr:
    """The period had not ended when the figure was published: its own ``published_at``,
    else the drop's. A figure with neither date is not taken to be open."""
    when = nw.col("published_at") if published_type.is_temporal() else None
    if when is None:
        if published is None:
            return nw.lit(False)
        return nw.col("period_end") >= nw.lit(published)
    if published is not None:
        when = when.fill_null(nw.lit(published))
    return (nw.col("period_end") >= when).fill_null(False)


def _duplicated(keys: list[str]) -> nw.Expr:
    """Whether another row shares this row's keys."""
    return nw.len().over(*keys) > 1


def _suspects(rule: RevisionRule, pairs: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """The pairs further apart than the tolerance and not allowed to change, flagged,
    with how many pairs there are (see ``groups.flagged``)."""
    previous = (nw.col("prev_low"), nw.col("prev_high"))
    gap = intervals.gap((nw.col("low"), nw.col("high")), previous)
    suspect = ~nw.col("_allowed_change") & intervals.beyond_tolerance(gap, previous, rule.tolerance)
    return (
        flagged(pairs, suspect, witness="figure_id")
        .select("figure_id", "prev_id", "_vintage", "_flag", "_count")
        .sort("figure_id")
    )


def _revisions(rule: RevisionRule, ctx: Context, suspects: nw.DataFrame[Any]) -> list[Finding]:
    """The suspect pairs (collected) explained, unless the figures' own tolerance lets them be."""
    rows = python_rows(suspects.select("figure_id", "prev_id", "_vintage"))
    current = ctx.figures_by_id(fid for fid, _, _ in rows)
    before: dict[int, dict[str, Figure]] = {}
    for index in sorted({v for _, _, v in rows}):  # one lookup per earlier drop
        vintage = ctx.earlier[index]
        assert vintage.figures is not None
        lookup = Context(figures=vintage.figures, sources=None, suite=ctx.suite)
        before[index] = lookup.figures_by_id(p for _, p, v in rows if v == index)
    findings = []
    for fid, prev_id, index in rows:
        f = _revision(current[fid], before[index][prev_id], ctx.earlier[index].drop_id, ctx, rule)
        if f is not None:
            findings.append(f)
    return findings


def _revision(
    cur: Figure, prev: Figure, earlier_drop: str, ctx: Context, rule: RevisionRule
) -> Finding | None:
    reported, expected = cur.interval, prev.interval
    gap = reported.gap(expected)
    if rule.tolerance.allows(gap, expected):
        return None
    allowed = rule.tolerance.amount(expected)
    change = cur.reported.value - prev.reported.value
    places = explain.places_for(gap)
    points = " percentage points" if cur.reported.percent and prev.reported.percent else ""
    was = explain.as_reported(prev) + (
        f" ({prev.figure_id})" if prev.figure_id != cur.figure_id else ""
    )
    spans = (
        f" ({explain.span(expected, places)} and {explain.span(reported, places)})"
        if expected.low != expected.high or reported.low != reported.high
        else ""
    )
    ids = (cur.figure_id,) if prev.figure_id == cur.figure_id else (cur.figure_id, prev.figure_id)
    return Finding(
        "revision",
        ids,
        f"{cur.figure_id} ({cur.period.describe()}) was {was} in {earlier_drop} and is "
        f"{explain.as_reported(cur)} in {ctx.drop_id}: revised {'up' if change > 0 else 'down'} "
        f"by {explain.number(abs(change), places)}{points}, a gap of {explain.number(gap, places)} "
        f"between what the "
        f"two figures can stand for{spans}"
        + (f", more than the tolerance of {explain.number(allowed, places)}" if allowed else "")
        + ".",
        reported=reported,
        expected=expected,
        gap=gap,
        tolerance=allowed,
        details=(
            ("old", prev.reported.value),
            ("new", cur.reported.value),
            ("earlier_drop", earlier_drop),
            ("drop", ctx.drop_id),
            ("earlier_figure", prev.figure_id),
        ),
    )


def _twice_before(ctx: Context, rows: nw.DataFrame[Any]) -> list[Finding]:
    """Figures whose earlier counterpart was printed twice: which one was revised?
    (``rows``: their figure_id and _vintage, collected and sorted by id.)"""
    if rows.is_empty():
        return []
    found = python_rows(rows)
    ids = tuple(fid for fid, _ in found)
    drops = explain.join(sorted({ctx.earlier[v].drop_id for _, v in found}))
    listed = ", ".join(ids[:SHOWN]) + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")
    return [
        Finding(
            "duplicate-figure",
            ids,
            f"{len(ids)} figure(s) of {ctx.drop_id} ({listed}) were printed more than once "
            f"in {drops}, so there is no one earlier figure to compare them with; they are "
            "left out of this check.",
        )
    ]


def _unreadable(rule: RevisionRule, vintage: Vintage) -> RuleResult:
    """An earlier drop that is not ready leaves the rule undetermined; one that cannot be
    read (or a bug reading it) is an error. Either way the drop's other rules still run."""
    exc = vintage.problem
    if isinstance(exc, DropNotReady):
        return _result(
            rule,
            Status.UNDETERMINED,
            Finding(
                "earlier-drop-not-ready",
                (),
                f"The revisions cannot be checked: the earlier drop {vintage.drop_id} is not "
                f"ready ({exc.message}).",
            ),
        )
    if isinstance(exc, StatcheckError):
        loc = exc.location.to_dict()
        where = ", ".join(f"{k} {v}" for k, v in loc.items())
        return RuleResult(
            rule.id,
            rule.KIND,
            Status.ERROR,
            description=rule.description,
            error=f"the earlier drop {vintage.drop_id} cannot be read: {exc.message}"
            + (f" ({where})" if where else "")
            + (f"; {exc.hint}" if exc.hint else ""),
            error_slug=exc.slug,
        )
    return RuleResult(
        rule.id,
        rule.KIND,
        Status.ERROR,
        description=rule.description,
        error=f"internal error reading the earlier drop {vintage.drop_id}: "
        f"{type(exc).__name__}: {exc}",
        error_slug=INTERNAL_ERROR.slug,
        internal=True,
    )


def _describe_scope(rule: RevisionRule) -> str:
    parts = []
    if rule.metrics:
        parts.append("metric " + " or ".join(repr(m) for m in rule.metrics))
    if rule.figures is not None:
        parts.append(repr(str(rule.figures)))
    return " and ".join(parts) or "any figure"


def _result(rule: RevisionRule, status: Status, *findings: Finding) -> RuleResult:
    """A result that checked nothing: no earlier drop, none ready, no figure in scope."""
    return RuleResult(
        rule.id, rule.KIND, status, findings, description=rule.description, counts=Counts()
    )
