"""sum over a whole table: in every group, each parent equals the sum of its children.

The hierarchy (one parent with its parts, or a code list on several levels) becomes a
small edge table; the figures join it, group-by adds each parent's children, and a second
join sets the sums against the parents. Every level and every group in one pass.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.contract.rules import SumRule
from statcheck.contract.tolerance import FLOAT_NOISE
from statcheck.engine.context import Context
from statcheck.engine.groups import duplicate_finding, group_keys, split_duplicates, with_blank_dims
from statcheck.errors import StatcheckError
from statcheck.model.interval import Interval, format_number
from statcheck.report import Finding, RuleResult, Status

MAX_IDS = 6  # part ids named in one explanation


def check_sum_table(rule: SumRule, ctx: Context) -> RuleResult:
    table = ctx.figures
    over = rule.over or ""
    over_col = "source_id" if over == "source" else over
    if over_col not in ("metric", "source_id", *table.dimensions):
        raise StatcheckError(
            f"`over: {over}` is not a column of the figure table",
            slug="unknown-column",
            hint=f"use metric, source or a dimension: {', '.join(table.dimensions) or '(none)'}",
        )
    keys = group_keys(table, over)
    frame = (
        table.frame if rule.figures is None else table.frame.filter(ctx.selector_mask(rule.figures))
    )
    frame = with_blank_dims(frame, table.dimensions).select(
        "figure_id", "value", "low", "high", *keys, over_col, "_duplicate"
    )
    # "All others" are counted before duplicates go; two figures for the same thing (a
    # coverage break printed twice) are then left out and reported, never added up.
    edges, expected_counts = _edges(rule, frame, over_col)
    frame, dupes = split_duplicates(frame)
    involved = [*expected_counts, *edges.get_column(over_col).to_list()]
    dupes = dupes.filter(nw.col(over_col).is_in(involved))
    children = frame.join(edges, on=over_col, how="inner")
    sums = children.group_by(*keys, "_parent").agg(
        nw.col("low").sum().alias("_sum_low"),
        nw.col("high").sum().alias("_sum_high"),
        nw.col("value").sum().alias("_sum_value"),
        nw.len().alias("_n"),
    )
    counts = nw.from_dict(
        {"_parent": list(expected_counts), "_expected": list(expected_counts.values())},
        backend=frame.implementation,
    )
    if rule.constant is not None:
        checked = sums.with_columns(
            nw.lit(None, dtype=nw.String).alias("_total_id"),
            nw.lit(rule.constant).alias("_t_low"),
            nw.lit(rule.constant).alias("_t_high"),
            nw.lit(rule.constant).alias("_t_value"),
        )
    else:
        parents = frame.filter(nw.col(over_col).is_in(list(expected_counts))).select(
            *keys,
            nw.col(over_col).alias("_parent"),
            nw.col("figure_id").alias("_total_id"),
            nw.col("low").alias("_t_low"),
            nw.col("high").alias("_t_high"),
            nw.col("value").alias("_t_value"),
        )
        checked = parents.join(sums, on=[*keys, "_parent"], how="left")
    checked = checked.join(counts, on="_parent", how="left").with_columns(nw.col("_n").fill_null(0))
    complete = nw.col("_n") >= nw.col("_expected")
    if rule.missing == "zero":
        checked = checked.with_columns(
            nw.col("_sum_low").fill_null(0.0),
            nw.col("_sum_high").fill_null(0.0),
            nw.col("_sum_value").fill_null(0.0),
        )
        incomplete = checked.head(0)
    else:
        incomplete = checked.filter(~complete)
        checked = checked.filter(complete)
    rel, absolute = rule.tolerance.relative, rule.tolerance.absolute
    scale = nw.max_horizontal(nw.col("_sum_low").abs(), nw.col("_sum_high").abs())
    checked = checked.with_columns(
        nw.max_horizontal(
            nw.lit(0.0),
            nw.col("_t_low") - nw.col("_sum_high"),
            nw.col("_sum_low") - nw.col("_t_high"),
        ).alias("_gap"),
        (nw.lit(absolute) + nw.lit(rel) * scale).alias("_allowed"),
    )
    noise = nw.lit(FLOAT_NOISE) * scale  # see contract.tolerance.FLOAT_NOISE
    failing = checked.filter(nw.col("_gap") > nw.col("_allowed") + noise)

    findings = _mismatches(rule, failing, children, keys)
    findings += _incomplete(rule, incomplete, children, keys)
    findings += duplicate_finding(dupes)
    if not failing.is_empty():
        status = Status.FAIL
    elif findings or checked.is_empty():
        status = Status.UNDETERMINED
    else:
        status = Status.PASS
    return RuleResult(rule.id, rule.KIND, status, tuple(findings), description=rule.description)


def _edges(
    rule: SumRule, frame: nw.DataFrame[Any], over_col: str
) -> tuple[nw.DataFrame[Any], dict[str, int]]:
    """(parent, child) pairs; a parent listed without children has every other value."""
    parents: list[str] = []
    kids: list[str] = []
    counts: dict[str, int] = {}
    values: list[str] | None = None
    for parent, children in rule.hierarchy:
        if not children:
            if values is None:  # distinct values of one column: a short list
                values = sorted(frame.get_column(over_col).unique().to_list())
            children = tuple(v for v in values if v != parent)
        parents += [parent] * len(children)
        kids += list(children)
        counts[parent] = len(children)
    edges = nw.from_dict({"_parent": parents, over_col: kids}, backend=frame.implementation)
    return edges, counts


def _ids_by_group(
    children: nw.DataFrame[Any], groups: nw.DataFrame[Any], keys: list[str]
) -> dict[tuple[Any, ...], list[str]]:
    """The part ids of a few groups (the failing ones), for their explanations."""
    rows = children.join(groups.select(*keys, "_parent"), on=[*keys, "_parent"], how="inner")
    out: dict[tuple[Any, ...], list[str]] = {}
    for row in rows.sort("figure_id").select(*keys, "_parent", "figure_id").rows():
        out.setdefault(tuple(row[:-1]), []).append(row[-1])
    return out


def _mismatches(
    rule: SumRule, failing: nw.DataFrame[Any], children: nw.DataFrame[Any], keys: list[str]
) -> list[Finding]:
    if failing.is_empty():
        return []
    ids = _ids_by_group(children, failing, keys)
    findings = []
    for row in failing.sort("_total_id" if rule.constant is None else "_parent").rows(named=True):
        parts = ids.get(tuple(row[k] for k in [*keys, "_parent"]), [])
        reported = Interval(row["_t_low"], row["_t_high"])
        expected = Interval(row["_sum_low"], row["_sum_high"])
        total = row["_total_id"] or format_number(row["_t_value"])
        tolerance = (
            f" and the tolerance of {format_number(row['_allowed'])}" if row["_allowed"] else ""
        )
        direction = (
            "the total is larger: something it counts is in none of the parts"
            if row["_t_low"] > row["_sum_high"]
            else "the parts add up to more: something is counted twice, or outside the total"
        )
        findings.append(
            Finding(
                "sum-mismatch",
                tuple(x for x in (row["_total_id"], *parts) if x),
                f"{total} is {format_number(row['_t_value'])} but its {len(parts)} parts ({_list(parts)}) add up to "
                f"{format_number(row['_sum_value'])}, {format_number(row['_gap'])} apart beyond their rounding"
                f"{tolerance}; {direction}.",
                reported=reported,
                expected=expected,
                gap=row["_gap"],
                tolerance=row["_allowed"],
            )
        )
    return findings


def _incomplete(
    rule: SumRule, incomplete: nw.DataFrame[Any], children: nw.DataFrame[Any], keys: list[str]
) -> list[Finding]:
    if incomplete.is_empty():
        return []
    ids = _ids_by_group(children, incomplete, keys)
    findings = []
    for row in incomplete.sort("_total_id" if rule.constant is None else "_parent").rows(
        named=True
    ):
        parts = ids.get(tuple(row[k] for k in [*keys, "_parent"]), [])
        total = row["_total_id"] or format_number(row["_t_value"])
        findings.append(
            Finding(
                "missing-figure",
                tuple(x for x in (row["_total_id"], *parts) if x),
                f"{total} cannot be checked: only {row['_n']} of its {row['_expected']} parts are in the drop"
                + (f" ({_list(parts)})." if parts else "."),
            )
        )
    return findings


def _list(ids: list[str]) -> str:
    if len(ids) <= MAX_IDS:
        return ", ".join(ids)
    return ", ".join(ids[:MAX_IDS]) + f" and {len(ids) - MAX_IDS} more"
