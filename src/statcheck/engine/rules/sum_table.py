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
from statcheck.engine.groups import (
    count_and_flagged,
    duplicate_finding,
    flagged,
    group_keys,
    split_duplicates,
    with_blank_dims,
)
from statcheck.engine.native import collect_all, small_frame, to_lazy
from statcheck.errors import UNKNOWN_COLUMN
from statcheck.model.interval import Interval, format_number
from statcheck.prepare import ParsedFigureTable
from statcheck.report import Finding, RuleResult, Status

MAX_IDS = 6  # part ids named in one explanation


def check_sum_table(rule: SumRule, ctx: Context) -> RuleResult:
    table = ctx.figures
    over_col = _over_column(rule, table)
    keys = group_keys(table, rule.over or "")
    frame = _in_scope(rule, ctx, keys, over_col)
    # "All others" are counted before duplicates go; two figures for the same thing (a
    # coverage break printed twice) are then left out and reported, never added up.
    hierarchy = _Hierarchy(rule, frame, over_col)
    frame, dupes = split_duplicates(frame, table)
    if hierarchy.involved is not None:
        dupes = dupes.filter(nw.col(over_col).is_in(hierarchy.involved))
    children = hierarchy.children(frame)
    checked = _judged(rule, hierarchy, _against_totals(rule, frame, children, keys, over_col))
    order = ["_total_id"] if rule.constant is None else ["_parent", *keys]
    # Only the flagged groups leave the engine, with the number of groups checked.
    query = flagged(
        checked.with_columns(nw.col("_complete").cast(nw.Int64).sum().alias("_n_checked")),
        ~nw.col("_state").is_null(),
        witness="_total_id" if rule.constant is None else "_first_id",
    )
    rows, dupe_rows = collect_all([query.sort(order), dupes.select("figure_id", "value")])
    _, flagged_rows = count_and_flagged(rows)
    n_checked = int(rows.item(0, "_n_checked")) if not rows.is_empty() else 0
    ids = _parts_of_flagged(flagged_rows, children, frame, keys)
    failing = flagged_rows.filter(nw.col("_state") == _FAILING)
    findings = _mismatches(rule, failing, ids, keys)
    findings += _incomplete(rule, flagged_rows.filter(nw.col("_state") == _INCOMPLETE), ids, keys)
    findings += duplicate_finding(dupe_rows)
    if not failing.is_empty():
        status = Status.FAIL
    elif findings or n_checked == 0:
        status = Status.UNDETERMINED
    else:
        status = Status.PASS
    return RuleResult(rule.id, rule.KIND, status, tuple(findings), description=rule.description)


def _over_column(rule: SumRule, table: ParsedFigureTable) -> str:
    """The figure-table column the hierarchy's codes are in: metric, source or a dimension."""
    over = rule.over or ""
    over_col = "source_id" if over == "source" else over
    if over_col not in ("metric", "source_id", *table.dimensions):
        raise UNKNOWN_COLUMN(
            f"`over: {over}` is not a column of the figure table",
            hint=f"use metric, source or a dimension: {', '.join(table.dimensions) or '(none)'}",
        )
    return over_col


def _in_scope(rule: SumRule, ctx: Context, keys: list[str], over_col: str) -> nw.LazyFrame[Any]:
    """The rows the rule reads, with only the columns a sum needs."""
    frame = ctx.lazy()
    if rule.figures is not None:
        frame = frame.filter(ctx.selector_mask(rule.figures))
    return with_blank_dims(frame, ctx.figures.blank_dimensions()).select(
        "figure_id", "value", "low", "high", *keys, over_col, "_duplicate"
    )


def _against_totals(
    rule: SumRule,
    frame: nw.LazyFrame[Any],
    children: nw.LazyFrame[Any],
    keys: list[str],
    over_col: str,
) -> nw.LazyFrame[Any]:
    """Each group's parts added up, next to the total they should equal (``_t_*``): the
    rule's constant, or the parent's own row (a parent with no parts has no sums)."""
    sums = children.group_by(*keys, "_parent").agg(
        nw.col("low").sum().alias("_sum_low"),
        nw.col("high").sum().alias("_sum_high"),
        nw.col("value").sum().alias("_sum_value"),
        nw.len().alias("_n"),
        # a child's id names its group, where no total's id does (see `flagged`)
        *([nw.col("figure_id").min().alias("_first_id")] if rule.constant is not None else []),
    )
    if rule.constant is not None:
        return sums.with_columns(
            nw.lit(None, dtype=nw.String).alias("_total_id"),
            nw.lit(rule.constant).alias("_t_low"),
            nw.lit(rule.constant).alias("_t_high"),
            nw.lit(rule.constant).alias("_t_value"),
        )
    parents = frame.filter(nw.col(over_col).is_in([p for p, _ in rule.hierarchy])).select(
        *keys,
        nw.col(over_col).alias("_parent"),
        nw.col("figure_id").alias("_total_id"),
        nw.col("low").alias("_t_low"),
        nw.col("high").alias("_t_high"),
        nw.col("value").alias("_t_value"),
    )
    return parents.join(sums, on=[*keys, "_parent"], how="left")


def _judged(rule: SumRule, hierarchy: _Hierarchy, checked: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Every group in one pass: incomplete (too few parts to check), failing (apart beyond
    rounding and tolerance) or passing (``_state`` null), with its gap and allowance."""
    checked = hierarchy.with_expected(checked).with_columns(nw.col("_n").fill_null(0))
    complete = nw.col("_n") >= nw.col("_expected")
    if rule.missing == "zero":  # an absent part is 0, so every group can be checked
        checked = checked.with_columns(
            nw.col("_sum_low").fill_null(0.0),
            nw.col("_sum_high").fill_null(0.0),
            nw.col("_sum_value").fill_null(0.0),
        )
        complete = nw.lit(True)
    rel, absolute = rule.tolerance.relative, rule.tolerance.absolute
    scale = nw.max_horizontal(nw.col("_sum_low").abs(), nw.col("_sum_high").abs())
    gap = nw.max_horizontal(
        nw.lit(0.0),
        nw.col("_t_low") - nw.col("_sum_high"),
        nw.col("_sum_low") - nw.col("_t_high"),
    )
    allowed = nw.lit(absolute) + nw.lit(rel) * scale
    noise = nw.lit(FLOAT_NOISE) * scale  # see contract.tolerance.FLOAT_NOISE
    return checked.with_columns(
        gap.alias("_gap"),
        allowed.alias("_allowed"),
        complete.alias("_complete"),
    ).with_columns(
        nw.when(~nw.col("_complete"))
        .then(nw.lit(_INCOMPLETE))
        .when(nw.col("_gap") > nw.col("_allowed") + noise)
        .then(nw.lit(_FAILING))
        .otherwise(nw.lit(None, dtype=nw.String))
        .alias("_state")
    )


def _parts_of_flagged(
    flagged_rows: nw.DataFrame[Any],
    children: nw.LazyFrame[Any],
    frame: nw.LazyFrame[Any],
    keys: list[str],
) -> dict[tuple[Any, ...], list[str]]:
    """The part ids of each flagged group, for their explanations: one more query, and
    only when some group is flagged."""
    if flagged_rows.is_empty():
        return {}
    groups = to_lazy(flagged_rows.select(*keys, "_parent"), frame)
    (part_rows,) = collect_all(
        [
            children.join(groups, on=[*keys, "_parent"], how="inner")
            .select(*keys, "_parent", "figure_id")
            .sort("figure_id")
        ]
    )
    return _ids_by_group(part_rows, len(keys))


_FAILING, _INCOMPLETE = "failing", "incomplete"


class _Hierarchy:
    """Which rows are the children of which parent, and how many each parent expects.

    A parent listed without children has every other value of the column, counted before
    duplicates go. When every child has one parent (a total and its parts, a tree of
    codes) each child row is given its parent by a lookup of its value; otherwise (a
    value under several parents) the rows join a small table of (parent, child) pairs.
    """

    def __init__(self, rule: SumRule, frame: nw.LazyFrame[Any], over_col: str) -> None:
        self.over = over_col
        self.frame = frame  # before duplicates go
        self.listed = [(p, c) for p, children in rule.hierarchy for c in children]
        self.others = [p for p, children in rule.hierarchy if not children]
        kids = [c for _, c in self.listed]
        self.involved = None if self.others else [*(p for p, _ in rule.hierarchy), *kids]
        self.expected = {p: len(children) for p, children in rule.hierarchy}
        if not self.others and len(set(kids)) == len(kids):
            self.kind = "tree"
        elif not self.listed and len(self.others) == 1:
            self.kind = "all-others"
        else:
            self.kind = "pairs"

    def children(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """The child rows of ``frame``, each with its parent (``_parent``)."""
        over = nw.col(self.over)
        if self.kind == "tree":
            parent_of = {c: p for p, c in self.listed}
            # Only listed children get here; the default is only there because Spark needs one.
            lookup = over.replace_strict(parent_of, default=None, return_dtype=nw.String)
            return frame.filter(over.is_in(list(parent_of))).with_columns(lookup.alias("_parent"))
        if self.kind == "all-others":
            (parent,) = self.others
            return frame.filter(over != parent).with_columns(nw.lit(parent).alias("_parent"))
        return frame.join(self._pairs(), on=self.over, how="inner")

    def with_expected(self, checked: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """``checked`` with the number of children each parent expects (``_expected``)."""
        if self.kind == "tree":
            # Every parent is listed; the default is only there because Spark needs one.
            expected = nw.col("_parent").replace_strict(
                self.expected, default=None, return_dtype=nw.Int64
            )
            return checked.with_columns(expected.alias("_expected"))
        if self.kind == "all-others":
            (parent,) = self.others
            count = self.frame.filter(nw.col(self.over) != parent).select(
                nw.col(self.over).n_unique().alias("_expected")
            )
            return checked.join(count, how="cross")
        counts = self._pairs().group_by("_parent").agg(nw.len().alias("_expected"))
        return checked.join(counts, on="_parent", how="left").with_columns(
            nw.col("_expected").fill_null(0)
        )

    def _pairs(self) -> nw.LazyFrame[Any]:
        """(parent, child) pairs: the listed ones, and every other value for the others."""
        pieces = [
            self.frame.select(self.over)
            .unique()
            .filter(nw.col(self.over) != parent)
            .select(nw.lit(parent).alias("_parent"), self.over)
            for parent in self.others
        ]
        if self.listed:
            data = {"_parent": [p for p, _ in self.listed], self.over: [c for _, c in self.listed]}
            types = {"_parent": nw.String, self.over: nw.String}
            pieces.append(small_frame(data, types, self.frame))
        return nw.concat(pieces) if len(pieces) > 1 else pieces[0]


def _ids_by_group(parts: nw.DataFrame[Any], n_keys: int) -> dict[tuple[Any, ...], list[str]]:
    """The part ids of each flagged group (rows sorted by id), for their explanations."""
    out: dict[tuple[Any, ...], list[str]] = {}
    for row in parts.iter_rows():
        out.setdefault(row[: n_keys + 1], []).append(row[-1])
    return out


def _mismatches(
    rule: SumRule,
    failing: nw.DataFrame[Any],
    ids: dict[tuple[Any, ...], list[str]],
    keys: list[str],
) -> list[Finding]:
    findings = []
    for row in failing.iter_rows(named=True):
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
    rule: SumRule,
    incomplete: nw.DataFrame[Any],
    ids: dict[tuple[Any, ...], list[str]],
    keys: list[str],
) -> list[Finding]:
    findings = []
    for row in incomplete.iter_rows(named=True):
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
