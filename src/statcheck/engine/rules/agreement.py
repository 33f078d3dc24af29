"""agreement: the same thing reported twice agrees in every group, within tolerance.

Both sides are added up per group in one group-by (:mod:`statcheck.engine.sides`); the
gap between their intervals, the tolerance (of the larger side) and the differences of
their printed values are columns of the same query, and so are the tallies and the
summary of the differences over the groups checked (aggregates that ride along on every
row). Only the disagreeing groups (and, with ``skipped: report``, the skipped ones)
leave the engine, to be explained.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import narwhals as nw

from statcheck.contract.rules import AgreementRule, Rule
from statcheck.contract.tolerance import FLOAT_NOISE, Tolerance
from statcheck.engine import intervals
from statcheck.engine.context import Context
from statcheck.engine.groups import count_and_flagged, duplicate_finding, flagged
from statcheck.engine.native import collect_all, python_rows
from statcheck.engine.rules import concluded, explain, skipped_findings
from statcheck.engine.sides import (
    DUPLICATE,
    MISSING_SIDE,
    Grouped,
    Side,
    duplicated,
    grouped,
    ids_of_groups,
)
from statcheck.model.interval import Interval
from statcheck.report import Counts, Finding, RuleResult, Status

MAX_IDS = 6  # figures named per side in one explanation
_REASONS = (DUPLICATE, MISSING_SIDE)
_TALLIES: tuple[str, ...] = ("_n_checked", "_n_failing", "_n_first", "_n_second", "_n_even")
_TALLIES += tuple(f"_n_{r}" for r in _REASONS)
# The summary's statistics over the groups checked: (JSON name, column, aggregation).
_STATS = (
    ("mean_difference", "_diff", "mean"),
    ("mean_abs_difference", "_abs", "mean"),
    ("max_abs_difference", "_abs", "max"),
    ("mean_rel_difference", "_rel", "mean"),
    ("max_rel_difference", "_rel", "max"),
)
SIGNIFICANT = 10  # digits of the summary's means: the engines add up in different orders


def check_agreement(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, AgreementRule)
    sides = _sides(rule)
    found = grouped(ctx, rule.over, sides, rule.figures, rule.missing == "zero")
    report = rule.skipped == "report"
    judged = _summarised(_judged(found.frame, rule.tolerance))
    flag = nw.col("_fails") | (nw.lit(report) & ~nw.col("_reason").is_null())
    rows, dupe_rows = collect_all(
        [flagged(judged, flag, witness="_witness").sort("_witness"), duplicated(found)]
    )
    _, flagged_rows = count_and_flagged(rows)
    tally = {name: int(rows.item(0, name)) if len(rows) else 0 for name in ("_n_items", *_TALLIES)}
    if tally["_n_items"] == 0:
        return _nothing_in_scope(rule, sides)
    findings = _disagreements(found, sides, flagged_rows.filter(nw.col("_fails")), rule.tolerance)
    lacking = flagged_rows.filter(nw.col("_reason") == MISSING_SIDE)
    findings += duplicate_finding(dupe_rows)
    findings += skipped_findings(rule, {MISSING_SIDE: lacking.get_column("_witness").to_list()})
    counts = Counts.of(
        tally["_n_checked"], tally["_n_failing"], {r: tally[f"_n_{r}"] for r in _REASONS}
    )
    result = replace(concluded(rule, findings, counts), summary=_summary(rows, sides, tally))
    if counts.checked == 0 and result.status is Status.PASS:  # nothing checked is no pass
        return replace(result, status=Status.UNDETERMINED)
    return result


def _sides(rule: AgreementRule) -> tuple[Side, Side]:
    first, second = (Side.of(name, values, rule.over) for name, values in rule.sides)
    return first, second


def _judged(frame: nw.LazyFrame[Any], tolerance: Tolerance) -> nw.LazyFrame[Any]:
    """Each group's gap between the sides, the room it is allowed (the tolerance of the
    larger side, and float noise), whether it disagrees (``_fails``), and the difference
    of the printed values, absolute and relative to the larger (0 when both are 0)."""
    a, b = _bounds(0), _bounds(1)
    larger = nw.max_horizontal(intervals.magnitude(a), intervals.magnitude(b))
    allowed = nw.lit(tolerance.absolute) + nw.lit(tolerance.relative) * larger
    gap = intervals.gap(a, b)
    checked = nw.col("_reason").is_null()
    diff = nw.col("_s0_value") - nw.col("_s1_value")
    scale = nw.max_horizontal(nw.col("_s0_value").abs(), nw.col("_s1_value").abs())
    return frame.with_columns(
        gap.alias("_gap"),
        allowed.alias("_allowed"),
        (checked & ~(gap <= allowed + nw.lit(FLOAT_NOISE) * larger)).alias("_fails"),
        nw.when(checked).then(diff).alias("_diff"),
        nw.when(checked).then(diff.abs()).alias("_abs"),
        nw.when(checked & (scale > 0)).then(diff.abs() / scale)
        .when(checked).then(nw.lit(0.0)).alias("_rel"),
        (diff.abs() <= nw.lit(FLOAT_NOISE) * scale).alias("_even"),
    )  # fmt: skip


def _summarised(judged: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """The tallies and the summary's statistics, on every row (they come back with the
    few rows collected)."""
    checked, even = nw.col("_reason").is_null(), nw.col("_even")
    diff = nw.col("_diff")
    whether = (
        checked,
        nw.col("_fails"),
        checked & ~even & (diff > 0),
        checked & ~even & (diff < 0),
        checked & even,
        *(nw.col("_reason") == r for r in _REASONS),
    )
    stats = [getattr(nw.col(column), how)().alias(name) for name, column, how in _STATS]
    return judged.with_columns(
        nw.len().alias("_n_items"),
        *(w.cast(nw.Int64).sum().alias(n) for w, n in zip(whether, _TALLIES, strict=True)),
        *stats,
    )


def _summary(
    rows: nw.DataFrame[Any], sides: tuple[Side, Side], tally: dict[str, int]
) -> tuple[tuple[str, Any], ...]:
    """The result's summary: each statistic (null when no group was checked) and how often
    each side is the higher."""
    out: list[tuple[str, Any]] = []
    for name, _, _ in _STATS:
        value = rows.item(0, name) if len(rows) else None
        out.append((name, None if value is None else _significant(float(value))))
    higher = {sides[0].name: tally["_n_first"], sides[1].name: tally["_n_second"]}
    out.append(("higher", higher | {"neither": tally["_n_even"]}))
    return tuple(out)


def _significant(x: float) -> float:
    """``x`` to SIGNIFICANT digits, so that every engine writes the same number."""
    return float(f"{x:.{SIGNIFICANT}g}")


def _disagreements(
    found: Grouped, sides: tuple[Side, Side], failing: nw.DataFrame[Any], tolerance: Tolerance
) -> list[Finding]:
    """One finding per disagreeing group, naming both sides with their figures and values,
    which is higher, the difference and the gap beyond rounding."""
    ids = ids_of_groups(found, failing)
    findings = []
    for row in python_rows(failing, named=True):
        per_side = ids.get(tuple(row[k] for k in found.group), [[], []])
        values = (row["_s0_value"], row["_s1_value"])
        places = explain.places_for(abs(values[0] - values[1]) or row["_gap"])
        texts = [
            f"{side.name} {_describe(figures)} = {explain.number(v, places)}"
            for side, figures, v in zip(sides, per_side, values, strict=True)
        ]
        high = 0 if row["_s0_low"] > row["_s1_high"] else 1
        difference = abs(values[0] - values[1])
        larger = max(abs(values[0]), abs(values[1]))
        share = f" ({difference / larger * 100:.3g}% of the larger)" if larger else ""
        findings.append(
            Finding(
                "disagreement",
                tuple(fid for figures in per_side for fid, _ in figures),
                f"{texts[0]} and {texts[1]} disagree: {sides[high].name} is higher by "
                f"{explain.number(difference, places)}{share}{_beyond_rounding(row, places)}"
                f"{explain.beyond_tolerance(row['_allowed'])}.",
                reported=Interval(row["_s0_low"], row["_s0_high"]),
                expected=Interval(row["_s1_low"], row["_s1_high"]),
                gap=row["_gap"],
                tolerance=row["_allowed"],
            )
        )
    return findings


def _beyond_rounding(row: dict[str, Any], places: int) -> str:
    """``, 7.5 apart beyond their rounding``; nothing when every figure is exact (the
    difference is then the gap)."""
    if row["_s0_low"] == row["_s0_high"] and row["_s1_low"] == row["_s1_high"]:
        return ""
    return f", {explain.number(row['_gap'], places)} apart beyond their rounding"


def _describe(figures: list[tuple[str, float]]) -> str:
    """``(births|cdc|2001-01-01)``, or ``(the sum of a, b and 3 more)``."""
    names = [fid for fid, _ in figures]
    if len(names) == 1:
        return f"({names[0]})"
    shown = names[:MAX_IDS]
    more = len(names) - len(shown)
    listed = ", ".join(shown[:-1]) + " and " + shown[-1] if not more else ", ".join(shown)
    return f"(the sum of {listed}{f' and {more} more' if more else ''})"


def _bounds(i: int) -> intervals.Bounds:
    return nw.col(f"_s{i}_low"), nw.col(f"_s{i}_high")


def _nothing_in_scope(rule: AgreementRule, sides: tuple[Side, Side]) -> RuleResult:
    what = " and ".join(f"{s.name} ({s.describe()})" for s in sides)
    finding = Finding(
        "missing-figure",
        (),
        f"The agreement cannot be checked: no figure in scope is on either side: {what}.",
    )
    return concluded(rule, [finding], Counts())
