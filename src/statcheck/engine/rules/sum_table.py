"""sum over a whole table: in every group, each total equals the sum of its parts.

Which rows are totals and which are the parts of which total is the shape's to say
(:mod:`.sum_groups`: a hierarchy of values of one ``over`` column, or operands over
several). The part rows are added up per group with one group-by, a join sets the sums
against their totals, and every total is judged in the same pass: checked (passing or
failing) or skipped with its reason, the tallies of both riding along on every row. Only
the flagged totals leave the engine; groups of parts with no total are counted by one
anti join in the same collection.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.contract.rules import SumRule
from statcheck.contract.rules.pattern import Operand
from statcheck.contract.tolerance import FLOAT_NOISE
from statcheck.engine import intervals
from statcheck.engine.context import Context, NotFigure
from statcheck.engine.deferred import deferred
from statcheck.engine.groups import (
    blank_filled,
    count_and_flagged,
    duplicate_finding,
    flagged,
    group_keys,
    split_duplicates,
    with_blank_dims,
)
from statcheck.engine.native import collect_all, python_rows, to_lazy
from statcheck.engine.patterns import OverCodes, over_columns, over_selected
from statcheck.engine.rules import NOT_A_FIGURE, concluded, explain, skipped_findings
from statcheck.engine.rules.sum_groups import Hierarchy, Patterns, Shape
from statcheck.errors import UNKNOWN_COLUMN
from statcheck.model.interval import Interval
from statcheck.prepare import CODE_PREFIX, ParsedFigureTable
from statcheck.report import Counts, Finding, RuleResult

MAX_IDS = 6  # part ids named in one explanation

# A total's state: what its row says in the findings (null: it passes).
_FAILING, _INCOMPLETE, _DUPLICATE, _NO_PARTS = "failing", "incomplete", "duplicate", "no-parts"
_TALLIES = ("_n_checked", "_n_failed", "_n_duplicate", "_n_missing_parts", "_n_not_a_figure")


def check_sum_table(rule: SumRule, ctx: Context) -> RuleResult:
    table = ctx.figures
    report = rule.skipped == "report"
    keys, shape, frame = _shaped(rule, ctx, ids=rule.constant is not None or report)
    # "All others" are counted before duplicates go; two figures for the same thing (a
    # coverage break printed twice) are then left out and reported, never added up.
    frame, dupes = split_duplicates(frame, table)
    involved = shape.involved()
    if involved is not None:
        dupes = dupes.filter(involved)
    children = shape.children(frame)
    sums = _sums(rule, children, [*keys, *shape.group], report)
    totals = _against_totals(rule, shape, frame, sums, keys)
    totals = _with_duplicate_parts(totals, shape, dupes, keys, table.has_duplicates)
    marked_scope = _marked_in_scope(rule, ctx)
    marked = None if marked_scope is None else shape.children(marked_scope)
    totals = _with_marked_parts(totals, marked, [*keys, *shape.group])
    judged = _tallied(_judged(rule, shape, totals))
    constant = rule.constant is not None
    shown = nw.col("_state").is_in([_FAILING, _INCOMPLETE])
    query = flagged(
        judged,
        shown | (nw.lit(report) & ~nw.col("_reason").is_null()),
        witness="_first_id" if constant else "_total_at",
    )
    queries = [
        query.sort([*shape.group, *keys]) if constant else query,
        dupes.select("_position", "value", shape.is_total().alias("_is_total")),
    ]
    marked_totals = None
    if marked_scope is not None and not constant:
        # A total the publisher marked as no figure (NA, (D)) is skipped and counted.
        marked_totals = shape.parents(marked_scope, keys)
        queries.append(marked_scope.filter(shape.is_total()).select("figure_id"))
    if not constant:
        queries.append(
            _lonely_parts(shape, sums, dupes, keys, report, table.has_duplicates, marked_totals)
        )
    rows, dupe_rows, *rest = collect_all(queries)
    rows = ctx.with_ids(rows, "_total_at", "_total_id")
    rows = rows if constant else rows.sort("_total_id")
    dupe_rows = ctx.with_ids(dupe_rows)
    marked_total_rows = rest.pop(0) if marked_totals is not None else None
    lonely = rest
    _, flagged_rows = count_and_flagged(rows)
    group = [*keys, *shape.group]
    ids = _parts_of_flagged(ctx, flagged_rows.filter(shown), children, frame, group)
    incomplete = flagged_rows.filter(nw.col("_state") == _INCOMPLETE)
    cells = _marked_of_flagged(incomplete, marked, frame, group)
    findings = _mismatches(flagged_rows.filter(nw.col("_state") == _FAILING), ids, group)
    findings += _incomplete(incomplete, ids, group, cells, ctx.holder)
    findings += duplicate_finding(dupe_rows.select("figure_id", "value"))
    checked, failed, skipped, skipped_ids = _counted(
        rows, flagged_rows, dupe_rows, lonely, "_first_id" if constant else "_total_id", report
    )
    if marked_total_rows is not None:  # counted as a missing total would be
        skipped[NOT_A_FIGURE] += len(marked_total_rows)
        if report:
            named = marked_total_rows.get_column("figure_id").to_list()
            skipped_ids[NOT_A_FIGURE] = sorted(skipped_ids.get(NOT_A_FIGURE, []) + named)
    findings += skipped_findings(rule, skipped_ids)
    return concluded(rule, findings, Counts.of(checked, failed, skipped))


def _shaped(rule: SumRule, ctx: Context, ids: bool) -> tuple[list[str], Shape, nw.LazyFrame[Any]]:
    """The group key, the shape of totals and parts, and the rows in scope (with their
    ids only where asked: ``_position`` names a figure through the filters and joins,
    where its id, text, would be copied on every row). Where the table has codes, keys
    and ``over`` columns are compared by them; cells marked as no figure have none, and
    are matched to groups by the key's and over's own text."""
    table = ctx.figures
    coded = table.not_figures is None
    if isinstance(rule.over, tuple):
        columns = over_columns(rule.over, table)
        over = list(dict.fromkeys(columns.values()))
        key_exprs, keys = ctx.key(group_keys(table, over), fold=coded)
        operands = [op for op in (rule.total, *rule.parts) if isinstance(op, Operand)]
        codes = OverCodes.of(ctx, columns, operands) if coded else None
        selected = over_selected(columns, codes, table.blank_dimensions())
        frame = _in_scope(rule, ctx, key_exprs, selected, ids)
        return keys, Patterns(rule, frame, columns, codes), frame
    over_col = _over_column(rule, table)
    key_exprs, keys = ctx.key(group_keys(table, rule.over or ""), fold=coded)
    over_codes = ctx.codes_of(over_col) if coded else None
    if over_codes is None:
        over_expr = blank_filled([over_col], table.blank_dimensions())[0]
    else:  # the codes, under the column's name: the shape compares them as it would text
        over_expr = nw.col(CODE_PREFIX + over_col).cast(nw.Int64).alias(over_col)
    frame = _in_scope(rule, ctx, key_exprs, [over_expr], ids)
    return keys, Hierarchy(rule, frame, over_col, over_codes), frame


def _over_column(rule: SumRule, table: ParsedFigureTable) -> str:
    """The figure-table column the hierarchy's codes are in: metric, source or a dimension."""
    over = rule.over if isinstance(rule.over, str) else ""
    over_col = "source_id" if over == "source" else over
    if over_col not in ("metric", "source_id", *table.dimensions):
        raise UNKNOWN_COLUMN(
            f"`over: {over}` is not a column of the figure table",
            hint=f"use metric, source or a dimension: {', '.join(table.dimensions) or '(none)'}",
        )
    return over_col


def _in_scope(
    rule: SumRule, ctx: Context, keys: list[nw.Expr], over: list[nw.Expr], ids: bool
) -> nw.LazyFrame[Any]:
    """The rows the rule reads, with only the columns a sum needs (``keys``: the group
    key, as ``Context.key`` makes it; ``over``: what stands for the over columns)."""
    named = ["figure_id"] if ids else []
    return ctx.scope(
        rule.figures, "_position", *named, "value", "low", "high", *keys, *over, "_duplicate"
    )


def _sums(
    rule: SumRule, children: nw.LazyFrame[Any], group: list[str], report: bool
) -> nw.LazyFrame[Any]:
    """Each group's parts added up, how many there are (``_n``) and, where something
    must name the group (a numeric total's, or a group reported for having no total),
    its smallest part id (``_first_id``)."""
    named = rule.constant is not None or report
    return children.group_by(*group).agg(
        nw.col("low").sum().alias("_sum_low"),
        nw.col("high").sum().alias("_sum_high"),
        nw.col("value").sum().alias("_sum_value"),
        nw.len().alias("_n"),
        *([nw.col("figure_id").min().alias("_first_id")] if named else []),
    )


def _against_totals(
    rule: SumRule,
    shape: Shape,
    frame: nw.LazyFrame[Any],
    sums: nw.LazyFrame[Any],
    keys: list[str],
) -> nw.LazyFrame[Any]:
    """Each group's sums next to the total they should equal (``_t_*``): the rule's
    constant, or the total's own row (a total with no parts has no sums)."""
    if rule.constant is not None:
        return sums.with_columns(
            nw.lit(None, dtype=nw.Float64).alias("_total_at"),  # no figure (pandas: NaN)
            nw.lit(rule.constant).alias("_t_low"),
            nw.lit(rule.constant).alias("_t_high"),
            nw.lit(rule.constant).alias("_t_value"),
        )
    return shape.parents(frame, keys).join(sums, on=[*keys, *shape.group], how="left")


def _with_duplicate_parts(
    totals: nw.LazyFrame[Any],
    shape: Shape,
    dupes: nw.LazyFrame[Any],
    keys: list[str],
    has_duplicates: bool,
) -> nw.LazyFrame[Any]:
    """Whether one of a total's parts is printed twice for the same thing (``_dup_part``):
    the total cannot be checked (one table without duplicates asks nothing)."""
    if not has_duplicates:
        return totals.with_columns(nw.lit(False).alias("_dup_part"))
    group = [*keys, *shape.group]
    twice = shape.children(dupes).select(*group).unique()
    return totals.join(
        twice.with_columns(nw.lit(True).alias("_dup_part")), on=group, how="left"
    ).with_columns(nw.col("_dup_part").fill_null(False))


def _judged(rule: SumRule, shape: Shape, totals: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Every total in one pass, with its gap and allowance: incomplete (too few parts to
    check: without ``missing: zero`` fewer than it expects, with it none), or with no
    part where none is expected either, a part printed twice, failing (apart beyond
    rounding and tolerance) or passing (``_state`` null)."""
    checked = shape.with_expected(totals).with_columns(nw.col("_n").fill_null(0))
    n, expected, marked = nw.col("_n"), nw.col("_expected"), nw.col("_n_marked")
    complete = n > 0 if rule.missing == "zero" else (n > 0) & (n >= expected)
    # A part the publisher marked as no figure (NA, (D)) is not known, not zero.
    complete = complete & (marked == 0)
    parts_sum = (nw.col("_sum_low"), nw.col("_sum_high"))
    gap = intervals.gap((nw.col("_t_low"), nw.col("_t_high")), parts_sum)
    # The gap a column first: pandas would compute it anew where it is read again.
    return (
        checked.with_columns(gap.alias("_gap"))
        .with_columns(
            intervals.tolerance_amount(parts_sum, rule.tolerance).alias("_allowed"),
            intervals.beyond_tolerance(nw.col("_gap"), parts_sum, rule.tolerance).alias("_beyond"),
            complete.alias("_complete"),
        )
        .with_columns(
            nw.when(~nw.col("_complete") & ((expected > n) | (marked > 0)))
            .then(nw.lit(_INCOMPLETE))
            .when(~nw.col("_complete"))
            .then(nw.lit(_NO_PARTS))
            .when(nw.col("_dup_part"))
            .then(nw.lit(_DUPLICATE))
            .when(nw.col("_beyond"))
            .then(nw.lit(_FAILING))
            .otherwise(nw.lit(None, dtype=nw.String))
            .alias("_state")
        )
    )


def _tallied(judged: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Each total's skip reason (``_reason``, null when checked; a duplicate part comes
    first) and the tallies of the totals checked, failing and skipped (``_n_*``, on every
    row: they come back with the few rows collected)."""
    reason = (
        nw.when(nw.col("_dup_part"))
        .then(nw.lit("duplicate"))
        .when(nw.col("_n_marked") > 0)
        .then(nw.lit(NOT_A_FIGURE))
        .when(~nw.col("_complete"))
        .then(nw.lit("missing-parts"))
        .otherwise(nw.lit(None, dtype=nw.String))
    )
    out = judged.with_columns(reason.alias("_reason"))
    whether = (
        nw.col("_reason").is_null(),
        nw.col("_state") == _FAILING,
        nw.col("_reason") == "duplicate",
        nw.col("_reason") == "missing-parts",
        nw.col("_reason") == NOT_A_FIGURE,
    )
    return out.with_columns(
        *(w.cast(nw.Int64).sum().alias(name) for w, name in zip(whether, _TALLIES, strict=True))
    )


def _lonely_parts(
    shape: Shape,
    sums: nw.LazyFrame[Any],
    dupes: nw.LazyFrame[Any],
    keys: list[str],
    report: bool,
    has_duplicates: bool,
    marked_totals: nw.LazyFrame[Any] | None = None,
) -> nw.LazyFrame[Any]:
    """The groups of parts with no total row, duplicates included on both sides: how
    many, or with ``skipped: report`` the smallest part id of each. The groups are the
    sums already made (a plan shared with the check), and those of duplicated parts. A
    group whose total is a cell marked as no figure (``marked_totals``) has its total."""
    group = [*keys, *shape.group]
    named = ["_first_id"] if report else []
    groups = sums.select(*group, *named)
    if has_duplicates:
        twice = shape.children(dupes)
        if report:
            twice = twice.group_by(*group).agg(nw.col("figure_id").min().alias("_first_id"))
        both = nw.concat([groups, twice.select(*group, *named)])
        groups = both.group_by(*group).agg(nw.col("_first_id").min()) if report else both.unique()
    totals = shape.parents(shape.frame, keys).select(*group)
    lonely = groups.join(totals, on=group, how="anti")
    if marked_totals is not None:
        lonely = lonely.join(marked_totals.select(*group), on=group, how="anti")
    return lonely.select("_first_id") if report else lonely.select(nw.len().alias("_n"))


def _counted(
    rows: nw.DataFrame[Any],
    flagged_rows: nw.DataFrame[Any],
    dupe_rows: nw.DataFrame[Any],
    lonely: list[nw.DataFrame[Any]],
    witness: str,
    report: bool,
) -> tuple[int, int, dict[str, int], dict[str, list[str]]]:
    """Totals checked and failing, those skipped by reason and, with ``skipped: report``,
    the ids that name them (a total's own, a group's smallest part id)."""
    tally = {name: int(rows.item(0, name)) if len(rows) else 0 for name in _TALLIES}
    twice = dupe_rows.filter(nw.col("_is_total"))
    skipped = {
        "duplicate": tally["_n_duplicate"] + len(twice),
        "missing-parts": tally["_n_missing_parts"],
        NOT_A_FIGURE: tally["_n_not_a_figure"],
    }
    if lonely:
        skipped["missing-total"] = len(lonely[0]) if report else int(lonely[0].item(0, "_n"))
    ids: dict[str, list[str]] = {}
    if report:
        for reason in ("duplicate", "missing-parts", NOT_A_FIGURE):
            named = flagged_rows.filter(nw.col("_reason") == reason)
            ids[reason] = named.get_column(witness).to_list()
        ids["duplicate"] = sorted(ids["duplicate"] + twice.get_column("figure_id").to_list())
        if lonely:
            ids["missing-total"] = sorted(lonely[0].get_column("_first_id").to_list())
    return tally["_n_checked"], tally["_n_failed"], skipped, ids


def _parts_of_flagged(
    ctx: Context,
    flagged_rows: nw.DataFrame[Any],
    children: nw.LazyFrame[Any],
    frame: nw.LazyFrame[Any],
    group: list[str],
) -> dict[tuple[Any, ...], list[str]]:
    """The part ids of each flagged group, for their explanations: one more query, and
    only when some group is flagged."""
    if flagged_rows.is_empty():
        return {}
    groups = to_lazy(flagged_rows.select(*group).unique(), frame)
    (part_rows,) = collect_all(
        [children.join(groups, on=group, how="inner").select(*group, "_position")]
    )
    part_rows = ctx.with_ids(part_rows).sort("figure_id")
    return _ids_by_group(part_rows.select(*group, "figure_id"), len(group))


def _ids_by_group(parts: nw.DataFrame[Any], n_group: int) -> dict[tuple[Any, ...], list[str]]:
    """The part ids of each flagged group (rows sorted by id), for their explanations: a
    few parts a finding, read row by row (a group-by costs pandas more, polars as much)."""
    out: dict[tuple[Any, ...], list[str]] = {}
    for row in python_rows(parts):
        out.setdefault(row[:n_group], []).append(row[-1])
    return out


def _mismatches(
    failing: nw.DataFrame[Any], ids: dict[tuple[Any, ...], list[str]], group: list[str]
) -> list[Finding]:
    """One finding per failing total: slug and figures now, the sentence and its numbers
    when one is first read (``engine.deferred``: a report asked only whether it passed
    never writes them)."""
    rows = python_rows(failing, named=True)
    parts = [ids.get(tuple(row[k] for k in group), []) for row in rows]
    named = [
        ("sum-mismatch", tuple(x for x in (row["_total_id"], *each) if x))
        for row, each in zip(rows, parts, strict=True)
    ]

    def build() -> list[Finding]:
        return [_mismatch(*each) for each in zip(rows, parts, named, strict=True)]

    return deferred(named, build)


def _mismatch(row: dict[str, Any], parts: list[str], named: tuple[str, tuple[str, ...]]) -> Finding:
    """The finding of one failing total (``row``: its collected row), its ``parts``, and
    its slug and figures as named beforehand."""
    reported = Interval(row["_t_low"], row["_t_high"])
    expected = Interval(row["_sum_low"], row["_sum_high"])
    places = explain.places_for(row["_gap"])
    total = row["_total_id"] or explain.number(row["_t_value"], None)
    allowed = explain.number(row["_allowed"], places) if row["_allowed"] else ""
    # Rounding to go beyond only where some figure has it: exact ones are simply apart.
    if reported.width or expected.width:
        beyond = " beyond their rounding" + (f" and the tolerance of {allowed}" if allowed else "")
    else:
        beyond = f" beyond the tolerance of {allowed}" if allowed else ""
    direction = (
        "the total is larger: something it counts is in none of the parts"
        if row["_t_low"] > row["_sum_high"]
        else "the parts add up to more: something is counted twice, or outside the total"
    )
    slug, figures = named
    return Finding(
        slug,
        figures,
        f"{total} is {explain.number(row['_t_value'], None)} but its "
        f"{len(parts)} parts ({_list(parts)}) add up to "
        f"{explain.number(row['_sum_value'], places)}, {explain.number(row['_gap'], places)} "
        f"apart{beyond}; {direction}.",
        reported=reported,
        expected=expected,
        gap=row["_gap"],
        tolerance=row["_allowed"],
    )


def _incomplete(
    incomplete: nw.DataFrame[Any],
    ids: dict[tuple[Any, ...], list[str]],
    group: list[str],
    cells: dict[tuple[Any, ...], list[NotFigure]],
    holder: str,
) -> list[Finding]:
    findings = []
    for row in python_rows(incomplete, named=True):
        key = tuple(row[k] for k in group)
        parts, marked = ids.get(key, []), cells.get(key, [])
        total = row["_total_id"] or explain.number(row["_t_value"], None)
        # A part listed nowhere else but as a marked cell is one the total expects too.
        expected = max(int(row["_expected"]), int(row["_n"]) + len(marked))
        said = "".join(f"; {c.describe()}" for c in marked[:MAX_IDS])
        more = len(marked) - MAX_IDS
        said += f"; and {more} more cells marked as no figure" if more > 0 else ""
        findings.append(
            Finding(
                "missing-figure",
                tuple(x for x in (row["_total_id"], *parts) if x),
                f"{total} cannot be checked: only {int(row['_n'])} of its {expected} parts are in {holder}"
                + (f" ({_list(parts)})" if parts else "")
                + f"{said}.",
            )
        )
    return findings


def _marked_in_scope(rule: SumRule, ctx: Context) -> nw.LazyFrame[Any] | None:
    """The cells the publisher marked as no figure (``missing_values``) among the rows the
    rule reads, shaped as figure rows with no value (a shape finds the totals and parts
    among them as among figures); None when the table has none."""
    marked = ctx.marked_cells()
    if marked is None:
        return None
    if rule.figures is not None:
        marked = marked.filter(ctx.selector_mask(rule.figures))
    nothing = [nw.lit(None, dtype=nw.Float64).alias(c) for c in ("value", "low", "high")]
    # No figure's place (read by no one: a marked total is only counted, by its group).
    nothing.append(nw.lit(-1, dtype=nw.Int64).alias("_position"))
    return with_blank_dims(marked, ctx.figures.dimensions).with_columns(*nothing)


def _with_marked_parts(
    totals: nw.LazyFrame[Any], marked: nw.LazyFrame[Any] | None, group: list[str]
) -> nw.LazyFrame[Any]:
    """How many of each total's parts are cells marked as no figure (``_n_marked``)."""
    if marked is None:
        return totals.with_columns(nw.lit(0).alias("_n_marked"))
    counts = marked.group_by(*group).agg(nw.len().alias("_n_marked"))
    return totals.join(counts, on=group, how="left").with_columns(nw.col("_n_marked").fill_null(0))


def _marked_of_flagged(
    incomplete: nw.DataFrame[Any],
    marked: nw.LazyFrame[Any] | None,
    frame: nw.LazyFrame[Any],
    group: list[str],
) -> dict[tuple[Any, ...], list[NotFigure]]:
    """The marked cells among the parts of each incomplete total, for its explanation:
    one more query, only when some total lacks such a part."""
    if marked is None or incomplete.filter(nw.col("_n_marked") > 0).is_empty():
        return {}
    groups = to_lazy(incomplete.filter(nw.col("_n_marked") > 0).select(*group).unique(), frame)
    (rows,) = collect_all(
        [
            marked.join(groups, on=group, how="inner")
            .select(*group, "figure_id", "marker", "reason")
            .sort("figure_id")
        ]
    )
    out: dict[tuple[Any, ...], list[NotFigure]] = {}
    n = len(group)
    for row in python_rows(rows):
        out.setdefault(row[:n], []).append(NotFigure(*map(str, row[n:])))
    return out


def _list(ids: list[str]) -> str:
    if len(ids) <= MAX_IDS:
        return ", ".join(ids)
    return ", ".join(ids[:MAX_IDS]) + f" and {len(ids) - MAX_IDS} more"


def checked_groups(rule: SumRule, ctx: Context) -> nw.DataFrame[Any]:
    """Every group the rule checks (complete, no part printed twice, none marked as no
    figure), one row per part: the group's total (``_total_id``, ``_t_low``, ``_t_high``,
    ``_t_value``; null for a numeric total), the allowance the check grants it
    (``_allowed``), the part (``figure_id``, ``low``, ``high``, ``value``) and the group
    (``_group``, a number shared by its rows, counting up from 1). The same shapes
    and tests as the check, handed out for another layer to reason over (error
    localisation); nothing is judged here."""
    table = ctx.figures
    keys, shape, frame = _shaped(rule, ctx, ids=True)
    frame, dupes = split_duplicates(frame, table)
    group = [*keys, *shape.group]
    children = shape.children(frame)
    sums = _sums(rule, children, group, report=False)
    totals = _against_totals(rule, shape, frame, sums, keys)
    totals = _with_duplicate_parts(totals, shape, dupes, keys, table.has_duplicates)
    marked_scope = _marked_in_scope(rule, ctx)
    marked = None if marked_scope is None else shape.children(marked_scope)
    judged = _judged(rule, shape, _with_marked_parts(totals, marked, group))
    parts_sum = (nw.col("_sum_low"), nw.col("_sum_high"))
    # The allowance the check grants, floating-point noise included (``beyond_tolerance``).
    allowed = intervals.tolerance_amount(parts_sum, rule.tolerance) + nw.lit(
        FLOAT_NOISE
    ) * intervals.magnitude(parts_sum)
    checked = judged.filter(nw.col("_complete") & ~nw.col("_dup_part"))
    if rule.constant is None:  # each total's id, by its position
        ids = frame.select(
            nw.col("_position").alias("_total_at"), nw.col("figure_id").alias("_total_id")
        )
        checked = checked.join(ids, on="_total_at", how="left")
    else:
        checked = checked.with_columns(nw.lit(None, dtype=nw.String).alias("_total_id"))
    checked = checked.select(
        *group, "_total_id", "_t_low", "_t_high", "_t_value", allowed.alias("_allowed")
    )
    parts = children.select(*group, "figure_id", "low", "high", "value")
    (rows,) = collect_all([checked.join(parts, on=group, how="inner").sort([*group, "figure_id"])])
    return rows.with_columns(_group_number(group).alias("_group")).drop(*group)


def _group_number(group: list[str]) -> nw.Expr:
    """A number per group of rows sorted by it, counting up where the group changes."""
    changed = nw.lit(False)
    for column in group:
        col = nw.col(column).cast(nw.String).fill_null("\x00")
        changed = changed | (col != col.shift(1)).fill_null(True)
    return changed.cast(nw.Int64).cum_sum()
