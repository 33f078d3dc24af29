"""partition: the parts inside each calendar whole cover it with no gap and no overlap.

The whole table in one plan:

1. **Wholes** are the figures whose period is exactly one calendar ``whole`` unit;
   candidate **parts** are the rows of the scope (with ``parts``, only those nearest in
   length to one such unit: a length window on start and end).
2. **Each part finds its whole by an equi-join** on the group key and the calendar unit
   its start falls in (``_bucket``, the unit's first month as a number): a whole is one
   unit, so a part can lie inside only the whole of its start's unit, and the join is
   linear in the rows however coarse the group key. A filter then keeps the parts that
   end inside the whole and are not the whole itself.
3. **Within each whole, parts in order of start**, each compared with the one before by
   one ``shift`` window: the parts partition the whole iff each starts the day after the
   one before ends (the first on the whole's first day) and the last ends on its last
   day. Sorted by start, an exact partition is such a chain, and a chain is one.
4. **Per whole**: breaks of the chain, the last day reached, the parts' sums; each
   whole gets a state (skipped for a reason, failed, passed). The counts per state and the
   failing wholes are all that is collected; the parts, sorted, are kept (in memory, or
   by Spark's executors) and the failing wholes' parts read from them
   (``_failing_parts``). On those parts only, a running
   maximum of the ends (the furthest day the parts before reach) tells each gap from each
   overlap and names the part overlapped (the same test as the model's ``coverage``);
   the figures they name are fetched to explain them.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import narwhals as nw

from statcheck.contract.rules import PartitionRule, Rule
from statcheck.engine import intervals
from statcheck.engine.context import Context, place_of
from statcheck.engine.deferred import deferred
from statcheck.engine.groups import duplicate_finding, group_keys
from statcheck.engine.native import (
    collect_all,
    day_number,
    kept,
    plain_numbers,
    python_rows,
    to_lazy,
    with_previous,
)
from statcheck.engine.rules import concluded, explain, skipped_findings
from statcheck.engine.rules.named import FigureWords
from statcheck.model.figure import Figure
from statcheck.model.granularity import MONTHS_IN, length_range
from statcheck.model.interval import Interval
from statcheck.model.period import Period
from statcheck.report import Counts, Finding, RuleResult

_start, _end = nw.col("period_start"), nw.col("period_end")
_PERIOD = ["period_start", "period_end"]
# A whole's parts in order of start (the day before it), end and place in the table (last,
# so that parts with the same period come out in the same order on every backend).
ORDER = ["_eve_n", "_end_n", "_position"]
PASSED, FAILED = "passed", "failed"
MISSING_PARTS, DUPLICATE = "missing-parts", "duplicate"  # skip reasons (SKIP_REASONS)
# A whole's state in the plan: its number here (a number is grouped and compared on every
# whole at a fraction of what text costs).
STATES = (PASSED, FAILED, MISSING_PARTS, DUPLICATE)
_STATE = {state: i for i, state in enumerate(STATES)}
PLURAL = {
    "year": "years", "half": "halves", "quarter": "quarters", "month": "months", "day": "days",
    "part": "parts",
}  # fmt: skip
MAX_IDS = 6  # part ids named in one explanation
# What the explanations read of a failing whole's parts. Figures are named by their place
# in the table (``_position``; the whole's ``_w``, the part overlapped ``_reacher``): their
# ids, text, are read for the few collected rows alone (``_Named``).
FAILING_COLUMNS = (
    "_w", "_position", "_reach", "_reacher", "_gap_before", "_overlap", "_last_end",
    "_tail_gap", "_sum_off", "_sum_low", "_sum_high", "_sum_value", "_gap", "_allowed",
)  # fmt: skip


def check_partition(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, PartitionRule)
    found = _collected(rule, ctx)
    if rule.figures is not None and found["in_scope"].item(0, 0) == 0:
        finding = Finding(
            "missing-figure",
            (),
            f"The partition cannot be checked: no figure matches {str(rule.figures)!r}.",
        )
        return concluded(rule, [finding], Counts.of(0, 0))
    states = {STATES[state]: n for state, n in python_rows(found["states"])}
    counts = Counts.of(
        states.get(PASSED, 0) + states.get(FAILED, 0),
        states.get(FAILED, 0),
        {MISSING_PARTS: states.get(MISSING_PARTS, 0), DUPLICATE: states.get(DUPLICATE, 0)},
    )
    findings = _explained(rule, ctx, found["failing"])
    if "missing" in found:
        missing = ctx.cells_at(found["missing"].get_column("_w").to_list())
        ids = sorted(str(i) for i in missing.get_column("figure_id").to_list())
        findings += skipped_findings(rule, {MISSING_PARTS: ids})
    if "dupes" in found:
        dupes = ctx.cells_at(found["dupes"].get_column("_position").to_list())
        findings += duplicate_finding(dupes.select("figure_id", "value"))
    if counts.checked == 0:
        findings.append(_nothing_checked(rule, counts))
    return concluded(rule, findings, counts)


def _collected(rule: PartitionRule, ctx: Context) -> dict[str, nw.DataFrame[Any]]:
    """Every question the rule asks of the table: how many wholes are in each state, the
    parts of the failing wholes, the wholes with no part (with ``skipped: report``), the
    duplicates left out, the rows the selector matches.

    Two rounds: the verdicts of every whole, then the parts of the few that failed, read
    from every whole's parts, kept between the rounds. Found again instead, among the
    rows of the failing wholes' groups, they cost another pass over the table and its
    periods (10^6 rows: a third of the rule). The sort puts every part in memory anyway;
    kept, a part is a few narrow columns (days as numbers, bounds, places).
    """
    key_exprs, keys = ctx.key(group_keys(ctx.figures, without="period"))
    period_exprs, period = ctx.key(_PERIOD, name="_period")
    coded = [e for e, name in zip(period_exprs, period, strict=True) if name not in _PERIOD]
    scope = _in_scope(rule, ctx, [*key_exprs, *coded])
    classified = _classified(rule, scope, period)
    wholes = _wholes(classified, keys)
    parts = kept(_ordered_parts(classified, wholes, keys))
    verdicts = _verdicts(rule, wholes, parts)
    queries: dict[str, nw.LazyFrame[Any]] = {
        "states": verdicts.group_by("_state").agg(nw.len().alias("_n")),
        "verdicts": verdicts.filter(nw.col("_state") == _STATE[FAILED]).select(
            "_w", *_VERDICT_COLUMNS
        ),
    }
    if rule.skipped == "report":
        queries["missing"] = verdicts.filter(nw.col("_state") == _STATE[MISSING_PARTS]).select("_w")
    if ctx.figures.has_duplicates:
        queries["dupes"] = nw.concat(
            [
                wholes.filter(nw.col("_w_dup")).select(nw.col("_w").alias("_position")),
                parts.filter(nw.col("_duplicate")).select("_position"),
            ]
        ).unique()
    if rule.figures is not None:
        queries["in_scope"] = scope.select(nw.len())
    found = dict(zip(queries, collect_all(list(queries.values())), strict=True))
    failing = found.pop("verdicts")
    found["failing"] = _failing_parts(failing, parts)
    return found


def _failing_parts(verdicts: nw.DataFrame[Any], parts: nw.LazyFrame[Any]) -> nw.DataFrame[Any]:
    """The parts of the failing wholes (``verdicts``: theirs, collected), in order, with
    what the explanations read, from ``parts`` (every whole's, kept)."""
    if verdicts.is_empty():
        return verdicts.select(*FAILING_COLUMNS[:1])
    failing = to_lazy(verdicts, parts)
    detailed = _detailed(parts.join(failing, on="_w", how="inner"))
    (out,) = collect_all([detailed.sort("_w", *ORDER).select(*FAILING_COLUMNS)])
    return out


def _in_scope(rule: PartitionRule, ctx: Context, keys: list[nw.Expr]) -> nw.LazyFrame[Any]:
    """The rows the rule reads, with only the columns a partition needs (``keys``: its
    group key and its period's, as ``Context.key`` makes them)."""
    return ctx.scope(
        rule.figures,
        "_position",
        "value",
        "low",
        "high",
        "period_start",
        "period_end",
        *keys,
        "_duplicate",
    )


def _bucket(unit: str) -> nw.Expr:
    """The calendar unit a period's start falls in: its first month, counted from year 0
    (``model.granularity.bucket``)."""
    months = MONTHS_IN[unit]
    return _start.dt.year() * 12 + (_start.dt.month() - 1) // months * months


def _classified(
    rule: PartitionRule, scope: nw.LazyFrame[Any], period: list[str]
) -> nw.LazyFrame[Any]:
    """``scope`` with what the rule asks of each row's period, worked out once for each
    distinct period (a table has few; date arithmetic on every row costs more than the
    join) and joined back: the calendar unit its start falls in (``_bucket``), whether it
    is exactly one ``whole`` unit (``_is_whole``), whether its length may be a part's
    (``_may_be_part``), its last day and the day before its first as numbers (``_end_n``,
    ``_eve_n``). ``period``: what stands for the period in the join (``Context.key``:
    the codes of its dates, where the table has them)."""
    periods = scope.select(*dict.fromkeys([*_PERIOD, *period])).unique(period)
    periods = periods.with_columns(
        _bucket(rule.whole).alias("_bucket"),
        _is_whole(rule.whole).alias("_is_whole"),
        _may_be_part(rule.parts).alias("_may_be_part"),
        # Days as numbers (yyyymmdd): pandas has no running maximum of dates (_detailed).
        day_number(_end).alias("_end_n"),
        day_number(_start.dt.offset_by("-1d")).alias("_eve_n"),
    )
    codes = [c for c in period if c not in _PERIOD]
    dates = [c for c in _PERIOD if c not in period]
    periods = kept(plain_numbers(periods.drop(*dates)))
    return scope.join(periods, on=period, how="inner").drop(*codes)


def _is_whole(unit: str) -> nw.Expr:
    """Whether a period is exactly one calendar ``unit``, first day to last
    (``model.granularity.is_calendar``)."""
    months = MONTHS_IN[unit]
    month0 = _start.dt.month() - 1  # narwhals has no modulo on pandas: floor division
    starts_a_unit = (_start.dt.day() == 1) & (month0 // months * months == month0)
    # The day after the end is the 1st of the month after the unit's last.
    ends_it = (
        (_end.dt.offset_by("1d").dt.day() == 1)
        & (_end.dt.year() == _start.dt.year())
        & (_end.dt.month() == _start.dt.month() + (months - 1))
    )
    return (starts_a_unit & ends_it).fill_null(False)


def _may_be_part(parts: str | None) -> nw.Expr:
    """Whether a period's length is within the ``parts`` unit's (any length without one)."""
    if parts is None:
        return nw.lit(True)
    shortest, longest = length_range(parts)
    fits = (_start.dt.offset_by(f"{shortest - 1}d") <= _end) & (
        _end < _start.dt.offset_by(f"{longest}d")
    )
    return fits.fill_null(False)


def _wholes(classified: nw.LazyFrame[Any], keys: list[str]) -> nw.LazyFrame[Any]:
    """The figures whose period is exactly one calendar ``whole`` unit (``_classified``)."""
    return classified.filter(nw.col("_is_whole")).select(
        *keys,
        "_bucket",
        nw.col("_position").alias("_w"),  # the whole's key in joins and windows: a number
        nw.col("_eve_n").alias("_w_eve_n"),
        nw.col("_end_n").alias("_w_end_n"),
        nw.col("low").alias("_w_low"),
        nw.col("high").alias("_w_high"),
        nw.col("value").alias("_w_value"),
        nw.col("_duplicate").alias("_w_dup"),
    )


def _ordered_parts(
    classified: nw.LazyFrame[Any], wholes: nw.LazyFrame[Any], keys: list[str]
) -> nw.LazyFrame[Any]:
    """Each whole's parts, each with whether it breaks the chain (``_break``): in order of
    start, a part must begin the day after the one before ends (the first, on the whole's
    first day). The parts partition the whole iff none breaks it and the last ends on the
    whole's last day; one window, on every part of the table. Days as numbers, and the
    parts' places in the table (to find their ids if they fail): the fewest columns
    through the join and sort."""
    candidates = classified.filter(nw.col("_may_be_part")).select(
        *keys, "_bucket", "_eve_n", "_end_n", "low", "high", "value", "_duplicate",
        "_position",
    )  # fmt: skip
    eve, end = nw.col("_eve_n"), nw.col("_end_n")
    parts = (
        wholes.select(*keys, "_bucket", "_w", "_w_eve_n", "_w_end_n")
        .join(candidates, on=[*keys, "_bucket"], how="inner")
        .filter(
            (end <= nw.col("_w_end_n"))
            & ((eve != nw.col("_w_eve_n")) | (end != nw.col("_w_end_n")))
        )
        .drop("_bucket", "_w_end_n", *keys)
    )
    # One sort key: the whole, then the start. Parts that start on the same day break the
    # chain in either order (the second starts on or before the first ends), so which
    # comes first changes how many breaks a whole has, never whether it has one.
    in_order = (nw.col("_w").cast(nw.Int64) * _DAY_NUMBERS + eve).alias("_in_order")
    parts = with_previous(parts.with_columns(in_order), "_w", "_in_order", {"_end_n": "_before"})
    before = nw.col("_before")
    breaks = nw.when(before.is_null()).then(eve > nw.col("_w_eve_n")).otherwise(eve != before)
    return parts.with_columns(
        breaks.fill_null(False).cast(nw.Int64).alias("_break"),  # 0 or 1, added up per whole
        nw.col("_duplicate").cast(nw.Int64).alias("_dup_n"),
    ).drop("_before", "_in_order")


def _detailed(parts: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """The parts of the failing wholes (a few rows), each with what comes before it: a gap
    (it starts after the day after the furthest day the parts before reach) or an overlap
    (it starts on or before that day) with the part that reaches it (``_reacher``, the
    latest to set the reach, carried forward)."""
    parts = parts.with_columns(_in_order(nw.col("_end_n").cum_max()).alias("_reach_incl"))
    top = nw.when(nw.col("_end_n") == nw.col("_reach_incl")).then(nw.col("_position"))
    parts = parts.with_columns(
        _in_order(nw.col("_reach_incl").shift(1)).alias("_reach"),
        _in_order(top.fill_null(strategy="forward")).alias("_top"),
    )
    reach, first = nw.col("_reach"), nw.col("_reach").is_null()
    return parts.with_columns(
        _in_order(nw.col("_top").shift(1)).alias("_reacher"),
        nw.when(first)
        .then(nw.col("_eve_n") > nw.col("_w_eve_n"))
        .otherwise(nw.col("_eve_n") > reach)
        .fill_null(False)
        .alias("_gap_before"),
        (~first & (nw.col("_eve_n") < reach)).fill_null(False).alias("_overlap"),
    )


def _from_day_number(number: float) -> date:
    """The date a day number (yyyymmdd, see ``native.day_number``) stands for (pandas hands
    back a column with a missing value as floats)."""
    n = int(number)
    return date(n // 10_000, n // 100 % 100, n % 100)


_DAY_NUMBERS = 100_000_000  # more than any day number (the model's dates end in year 9999)


def _in_order(e: nw.Expr) -> nw.Expr:
    """``e`` over each whole's parts in order of start."""
    return e.over("_w", order_by=ORDER)


# The verdict columns the failing parts carry.
_VERDICT_COLUMNS = (
    "_last_end", "_tail_gap", "_sum_off", "_sum_low", "_sum_high", "_sum_value", "_gap",
    "_allowed",
)  # fmt: skip


def _verdicts(
    rule: PartitionRule, wholes: nw.LazyFrame[Any], parts: nw.LazyFrame[Any]
) -> nw.LazyFrame[Any]:
    """One row per whole: its parts counted and added up, and its state."""
    per_whole = parts.group_by("_w").agg(
        nw.len().alias("_n"),
        nw.col("_break").sum().alias("_n_breaks"),
        nw.col("_dup_n").sum().alias("_n_dup_parts"),
        nw.col("_end_n").max().alias("_last_end"),
        nw.col("low").sum().alias("_sum_low"),
        nw.col("high").sum().alias("_sum_high"),
        nw.col("value").sum().alias("_sum_value"),
    )
    v = wholes.join(per_whole, on="_w", how="left").with_columns(
        nw.col("_n", "_n_breaks", "_n_dup_parts").fill_null(0)
    )
    has_parts = nw.col("_n") > 0
    tail_gap = (has_parts & (nw.col("_last_end") < nw.col("_w_end_n"))).fill_null(False)
    exact = (nw.col("_n_breaks") == 0) & ~nw.col("_tail_gap")
    v = v.with_columns(tail_gap.alias("_tail_gap"), *_sum_columns(rule))
    parts_sum = (nw.col("_sum_low"), nw.col("_sum_high"))
    sum_off = (nw.lit(rule.add_up) & has_parts & exact) & intervals.beyond_tolerance(
        nw.col("_gap"), parts_sum, rule.tolerance
    )
    v = v.with_columns(sum_off.fill_null(False).alias("_sum_off"))
    state = (
        nw.when(nw.col("_w_dup") | (nw.col("_n_dup_parts") > 0))
        .then(nw.lit(_STATE[DUPLICATE]))
        .when(~has_parts)
        .then(nw.lit(_STATE[MISSING_PARTS]))
        .when(~exact | nw.col("_sum_off"))
        .then(nw.lit(_STATE[FAILED]))
        .otherwise(nw.lit(_STATE[PASSED]))
    )
    return v.with_columns(state.alias("_state"))


def _sum_columns(rule: PartitionRule) -> list[nw.Expr]:
    """The gap between the whole and its parts' sum (``_gap``) and the tolerance on it
    (``_allowed``), as ``Tolerance`` computes them: relative to the sum."""
    parts_sum = (nw.col("_sum_low"), nw.col("_sum_high"))
    gap = intervals.gap((nw.col("_w_low"), nw.col("_w_high")), parts_sum)
    allowed = intervals.tolerance_amount(parts_sum, rule.tolerance)
    return [gap.alias("_gap"), allowed.alias("_allowed")]


# ---------------------------------------------------------------- explanations


def _explained(rule: PartitionRule, ctx: Context, failing: nw.DataFrame[Any]) -> list[Finding]:
    """The findings of the failing wholes (their parts' rows, collected in order): slugs
    and figures now, sentences when one is first read (``engine.deferred``)."""
    if failing.is_empty():
        return []
    named = _with_figure_ids(ctx, failing)
    places = [failing.select(nw.col(c).alias("_p")).drop_nulls() for c in _PLACES]
    at = nw.concat([p.select(nw.col("_p").cast(nw.Int64)) for p in places]).unique()
    cells = ctx.cells_at(at.get_column("_p").to_list())  # now, so that the table can go

    def build() -> list[Finding | None]:
        names = named.columns
        at = {c: i for i, c in enumerate(names)}
        by_whole = _by_whole(python_rows(named), at["_w_id"])
        # Whole Figures only where the parts leave a gap or overlap (their sentences print
        # periods): a whole whose parts only add up wrong is named in words (most failures).
        uncovered = {
            w: [dict(zip(names, r, strict=True)) for r in rows]
            for w, rows in by_whole
            if _uncovered(rows, at)
        }
        named_at = [
            r[c]
            for rows in uncovered.values()
            for r in rows
            for c in ("_position", "_reacher_at", "_w")
        ]
        wanted = {p for p in map(place_of, named_at) if p is not None}
        figures = ctx.figures_from(cells.filter(nw.col("_position").is_in(list(wanted))))
        summed = [place_of(rows[0][at["_w"]]) for _, rows in by_whole if rows[0][at["_sum_off"]]]
        words = FigureWords(cells.filter(nw.col("_position").is_in(summed)))
        findings: list[Finding | None] = []
        for whole_id, rows in by_whole:
            if whole_id in uncovered:
                dicts = uncovered[whole_id]
                parts = [figures[r["figure_id"]] for r in dicts]
                findings += _coverage_findings(rule, figures[whole_id], parts, dicts, figures)
            if rows[0][at["_sum_off"]]:
                sums = {c: rows[0][at[c]] for c in _SUMS}
                ids = [r[at["figure_id"]] for r in rows]
                findings.append(_sum_mismatch(rule, words, whole_id, ids, sums))
        return findings

    return deferred(_slugs_and_figures(named), build)


_PLACES = ("_w", "_position", "_reacher")  # the collected columns that name a figure


def _with_figure_ids(ctx: Context, failing: nw.DataFrame[Any]) -> nw.DataFrame[Any]:
    """The failing parts' rows with each figure named by its id where the plan named it by
    its place (the whole ``_w_id``, the part ``figure_id``, the part overlapped
    ``_reacher``), in order of whole id, each whole's parts in the plan's order."""
    named = ctx.with_ids(ctx.with_ids(failing, "_w", "_w_id"), "_position", "figure_id")
    named = ctx.with_ids(named.rename({"_reacher": "_reacher_at"}), "_reacher_at", "_reacher")
    return named.with_row_index("_in_plan").sort("_w_id", "_in_plan")


def _slugs_and_figures(named: nw.DataFrame[Any]) -> list[tuple[str, tuple[str, ...]]]:
    """The slug and figures of each finding of the failing wholes, in the order
    ``_coverage_findings`` and ``_sum_mismatch`` make them (read column by column)."""
    columns = ("_w_id", "figure_id", "_reacher", "_overlap", "_gap_before", "_tail_gap", "_sum_off")
    whole, part, reacher, overlap, gap_before, tail_gap, sum_off = (
        named.get_column(c).to_list() for c in columns
    )
    starts = [i for i in range(len(whole)) if i == 0 or whole[i] != whole[i - 1]]
    out: list[tuple[str, tuple[str, ...]]] = []
    for a, b in pairwise([*starts, len(whole)]):
        everyone = (whole[a], *part[a:b])
        if tail_gap[a] or any(gap_before[a:b]):
            out.append(("partition-gap", everyone))
        pairs = [(reacher[i], part[i]) for i in range(a, b) if overlap[i]]
        if pairs:
            out.append(
                ("partition-overlap", (whole[a], *dict.fromkeys(i for p in pairs for i in p)))
            )
        if sum_off[a]:
            out.append(("partition-sum-mismatch", everyone))
    return out


def _uncovered(rows: list[tuple[Any, ...]], at: dict[str, int]) -> bool:
    """Whether a failing whole's parts (its rows) leave a gap or overlap."""
    gap, overlap = at["_gap_before"], at["_overlap"]
    return bool(rows[0][at["_tail_gap"]]) or any(r[gap] or r[overlap] for r in rows)


def _by_whole(rows: list[tuple[Any, ...]], whole: int) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """The rows (in order of whole id) as (whole id, its parts' rows)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        out.setdefault(row[whole], []).append(row)
    return list(out.items())


def _coverage_findings(
    rule: PartitionRule,
    whole: Figure,
    parts: list[Figure],
    rows: list[dict[str, Any]],
    figures: dict[str, Figure],
) -> list[Finding]:
    """``partition-gap`` (every stretch of days no part covers) and ``partition-overlap``
    (each part that covers days a part before it covers, with that part)."""
    one, many = _words(rule)
    day = timedelta(days=1)
    gaps: list[Period] = []
    overlaps: list[tuple[Figure, Figure, Period]] = []
    for i, (part, row) in enumerate(zip(parts, rows, strict=True)):
        # The furthest day the parts before reach, as the plan found it (none: the first).
        reach = _from_day_number(row["_reach"]) if i else whole.period.start - day
        if row["_gap_before"]:
            gaps.append(Period(reach + day, part.period.start - day))
        if row["_overlap"]:
            other = figures[row["_reacher"]]
            overlaps.append((other, part, Period(part.period.start, min(part.period.end, reach))))
    if rows[0]["_tail_gap"]:
        gaps.append(Period(_from_day_number(rows[0]["_last_end"]) + day, whole.period.end))
    ids = (whole.figure_id, *(p.figure_id for p in parts))
    listed = f"its {_count(len(parts), one)} ({_listed([p.figure_id for p in parts])})"
    out = []
    if gaps:
        out.append(
            Finding(
                "partition-gap",
                ids,
                f"{explain.figure(whole)} is not covered by {listed}: no {one} covers "
                f"{explain.join([_days(g) for g in gaps])}.",
            )
        )
    if overlaps:
        pairs = [
            f"{a.figure_id} ({a.period.describe()}) and {b.figure_id} ({b.period.describe()}) "
            f"both cover {_days(p)}"
            for a, b, p in overlaps
        ]
        involved = dict.fromkeys(f.figure_id for a, b, _ in overlaps for f in (a, b))
        out.append(
            Finding(
                "partition-overlap",
                (whole.figure_id, *involved),
                f"{explain.figure(whole)} is split into {many} that overlap: "
                f"{explain.join(pairs)}.",
            )
        )
    return out


# What a failing whole's rows carry of its parts' sum (each of its rows the same).
_SUMS = ("_sum_low", "_sum_high", "_sum_value", "_gap", "_allowed")


def _sum_mismatch(
    rule: PartitionRule, words: FigureWords, whole: str, parts: list[str], sums: dict[str, Any]
) -> Finding:
    """The parts partition the whole but do not add up to it, beyond rounding and tolerance."""
    _, many = _words(rule)
    expected = Interval(sums["_sum_low"], sums["_sum_high"])
    reported = words.interval[whole]
    gap, allowed = sums["_gap"], sums["_allowed"]
    places = explain.places_for(gap)
    direction = (
        "the whole is larger: it counts something none of its parts does"
        if reported.low > expected.high
        else "the parts add up to more: they count something the whole does not"
    )
    return Finding(
        "partition-sum-mismatch",
        (whole, *parts),
        f"{words.named[whole]} should equal the sum of its {len(parts)} {many} "
        f"({_listed(parts)}), which cover it exactly, but they add up to "
        f"{explain.amount(sums['_sum_value'], expected, places)}, {explain.number(gap, places)} "
        f"away from what {words.reported[whole]} can stand for "
        f"({explain.span(reported, places)})"
        f"{explain.beyond_tolerance(allowed)}; {direction}.",
        reported=reported,
        expected=expected,
        gap=gap,
        tolerance=allowed,
    )


def _nothing_checked(rule: PartitionRule, counts: Counts) -> Finding:
    """Why no whole could be checked: the rule is then undetermined."""
    skipped = dict(counts.skipped)
    if not skipped:
        why = f"no figure covers one calendar {rule.whole}"
    else:
        reasons = [
            f"{n} {'has' if n == 1 else 'have'} {what}"
            for n, what in (
                (skipped.get(MISSING_PARTS, 0), f"no {_words(rule)[0]} inside"),
                (skipped.get(DUPLICATE, 0), "a figure printed twice"),
            )
            if n
        ]
        why = f"of the {_count(counts.items, rule.whole)} in scope, {explain.join(reasons)}"
    return Finding("missing-figure", (), f"The partition cannot be checked: {why}.")


def _count(n: int, unit: str) -> str:
    return f"{n} {unit if n == 1 else PLURAL[unit]}"


def _words(rule: PartitionRule) -> tuple[str, str]:
    """What one part and several are called: ``quarter``/``quarters``, or ``part``/``parts``."""
    one = rule.parts or "part"
    return one, PLURAL[one]


def _days(p: Period) -> str:
    """``Q3 2024 (2024-07-01 to 2024-09-30)``, ``2024-07-01 to 2024-07-15``, ``2024-07-04``."""
    iso = p.start.isoformat() if p.start == p.end else f"{p.start} to {p.end}"
    said = p.describe()
    return iso if said == iso else f"{said} ({iso})"


def _listed(ids: list[str]) -> str:
    if len(ids) <= MAX_IDS:
        return ", ".join(ids)
    return ", ".join(ids[:MAX_IDS]) + f" and {len(ids) - MAX_IDS} more"
