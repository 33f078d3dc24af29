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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import narwhals as nw

from statcheck.contract.rules import RatioRule, Rule
from statcheck.contract.rules.pattern import Operand, SumOver
from statcheck.contract.tolerance import Tolerance
from statcheck.engine import intervals
from statcheck.engine.context import Context, figures_from, place_of
from statcheck.engine.context import _period as period_of
from statcheck.engine.deferred import deferred
from statcheck.engine.groups import (
    duplicate_finding,
    flagged,
    group_keys,
    split_duplicates,
)
from statcheck.engine.native import collect_all, narrowed, python_rows, to_lazy
from statcheck.engine.patterns import (
    OverCodes,
    as_operand,
    matches,
    over_columns,
    over_selected,
    rows_of,
    var_column,
    var_columns,
)
from statcheck.engine.rules import concluded, explain, skipped_findings, undetermined
from statcheck.engine.rules.ratio_told import should_be, told, zero_whole
from statcheck.errors import UNKNOWN_COLUMN, UNKNOWN_SHARE_UNIT, StatcheckError
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval
from statcheck.model.units import share_scale
from statcheck.report import Counts, Finding, RuleResult

_ROLES = ("part", "whole", "share")
# Each role's figure by its _position (a number through the joins, where its id would be
# text); a whole summed over rows is no figure: SUMMED.
_AT = tuple(f"{role}_at" for role in _ROLES)
SUMMED = -1
# Whether a row is each role's (``patterns.matches``): worked out once, as columns.
_AS = {role: f"_as_{role}" for role in _ROLES}
_NO_SCALE = "_no_scale"  # whether a share's unit is one with no known scale
# Why a share row is not checked, in the order they are tried (see RatioRule).
_SKIPS = ("duplicate", "missing-part", "missing-whole")
_TALLIES = {"_n_checked": None, **{f"_n_{reason}": reason for reason in _SKIPS}}
# A share row's state as a small number (text on every row costs pandas a column of
# strings): 0 when it is checked, else its skip reason's place in _SKIPS, from 1.
_STATE: dict[str | None, int] = {None: 0, **{reason: i for i, reason in enumerate(_SKIPS, start=1)}}


def check_ratio(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, RatioRule)
    return _explicit(rule, ctx) if rule.over is None else table_form(rule, ctx)


def _explicit(rule: RatioRule, ctx: Context) -> RuleResult:
    """The one share the rule names: checked, or skipped for the first operand missing."""
    found: dict[str, Figure] = {}
    missing: dict[str, str] = {}
    for role, ref in zip(_ROLES, (rule.part, rule.whole, rule.share), strict=True):
        # The explicit form holds references (a whole summed over rows needs `over`).
        assert not isinstance(ref, str | Operand | SumOver)
        f = ctx.resolve(ref)
        if f is None:
            missing[role] = str(ref)
        else:
            found[role] = f
    if missing:
        reason = f"missing-{next(iter(missing))}"
        share_id = found["share"].figure_id if "share" in found else str(rule.share)
        result = undetermined(
            rule, tuple(f.figure_id for f in found.values()), list(missing.values()), "The ratio"
        )
        return replace(
            result,
            findings=(*result.findings, *skipped_findings(rule, {reason: [share_id]})),
            counts=Counts.of(0, 0, {reason: 1}),
        )
    share = found["share"]
    finding = verdict(found["part"], found["whole"], share, _scale(rule, share.unit), rule)
    findings = [finding] if finding else []
    return concluded(rule, findings, Counts.of(1, len(findings)))


def table_form(rule: RatioRule, ctx: Context, spec: Spec | None = None) -> RuleResult:
    """Every share row in scope, joined with its part and whole in one plan: checked, or
    counted as skipped with its reason; only the suspect rows (and, with ``skipped:
    report``, the skipped ones) are collected. ``spec`` says how a kind that shares this
    form (a rate with a denominator) scales and explains; by default, a ratio's way."""
    spec = spec or Spec()
    assert rule.over is not None
    table = ctx.figures
    columns = over_columns(rule.over, table)
    ops = _operands(rule)
    identity = group_keys(table, without=list(columns.values()))
    whole_keys = _whole_keys(rule, ctx, columns, identity)
    # Parts, wholes and shares are joined on the key as one integer, unless a whole is
    # summed over some of its columns or a rate reads the periods (_with_lengths).
    key_exprs, keys = ctx.key(identity, fold=whole_keys is None and spec.per is None)
    codes = OverCodes.of(ctx, columns, list(ops.values()))
    scope = _in_scope(rule, ctx, key_exprs, columns, ops, codes)
    frame, dupes = split_duplicates(scope, table)
    rows = {role: _role_rows(frame, role, ops[role], columns, keys, codes) for role in _ROLES}
    if whole_keys is not None:
        summed = [k for k in keys if k not in whole_keys]
        rows["whole"] = _summed_whole(frame, scope, ops, columns, whole_keys, summed, codes)
    scale, unknown = _scale_column(rule, _share_units(rule, ctx, rows["share"]))
    # Each share's scale before the joins, and whether its unit has none: its unit's text
    # does not go through them (it is read again for the few rows that need it named).
    no_scale = nw.col("share_unit").is_in(unknown).fill_null(False).alias(_NO_SCALE)
    kept = [scale.alias("scale"), *([no_scale] if unknown else [])]
    rows["share"] = rows["share"].with_columns(*kept).drop("share_unit")
    folds = _folds(ctx, identity, keys, ops, codes) if whole_keys is None else {}
    joined = _joined(
        rows, ops, keys, dupes, columns, table.has_duplicates, whole_keys, codes, folds
    )
    if spec.per is not None:  # a rate: the scale is per `per`, the figures per their period
        joined = _with_lengths(joined, rows["share"], spec.per)
        joined = joined.with_columns(nw.col("scale") / nw.col("_length"))
    judged = _judged(joined, unknown, rule.tolerance)
    report = rule.skipped == "report"
    flag = nw.col("_suspect") | (nw.lit(report) & (nw.col("_state") != _STATE[None]))
    query = flagged(judged, flag, witness="share_at")
    summed = ["whole_value", "whole_n"] if whole_keys is not None else []
    present, found, dupe_rows = collect_all(
        [
            frame.select(
                *(nw.col(_AS[r]).cast(nw.Int64).sum().alias(r) for r in _ROLES)
            ),
            query.select(
                *_AT, "scale", *([_NO_SCALE] if unknown else []), "_state", "_suspect",
                "_zero", "_flag", *_TALLIES, "whole_low", "whole_high", *summed,
            ),
            dupes.select("_position", "value", nw.col(_AS["share"]).alias("_is_share")),
        ]
    )  # fmt: skip
    dupe_rows = ctx.with_ids(dupe_rows)
    ids = _Ids(ctx, found.filter(nw.col("_flag")))
    checked, n_skipped, skipped = _counted(found, dupe_rows, report, ids)
    counts = Counts.of(checked, 0, n_skipped)  # failures are known once explained
    absent = [_describe(rule, r, ops[r]) for r in _ROLES if not present.item(0, r)]
    if absent:
        result = undetermined(rule, (), absent, spec.name)
        return spec.as_own(_with_counts(result, counts, rule, skipped))
    if counts.checked == 0:
        result = _no_whole_group(rule, ops, keys, spec.name)
        return spec.as_own(_with_counts(result, counts, rule, skipped))
    suspects = found.filter(nw.col("_flag") & nw.col("_suspect"))
    if unknown:
        _refuse_unknown_units(ctx, suspects.filter(nw.col(_NO_SCALE)))
    explained = _explained(rule, ctx, suspects, spec, ids)
    findings = duplicate_finding(dupe_rows.select("figure_id", "value")) + explained
    findings += skipped_findings(rule, skipped)
    return spec.as_own(concluded(rule, findings, Counts.of(checked, len(explained), n_skipped)))


def _with_lengths(
    joined: nw.LazyFrame[Any], shares: nw.LazyFrame[Any], per: str
) -> nw.LazyFrame[Any]:
    """Each row with the length of its period in ``per`` units (``_length``): the table's
    few distinct periods are collected once and measured by the model's own rule (whole
    calendar months where a period is made of them), then joined back."""
    periods = ["period_start", "period_end"]
    (distinct,) = collect_all([shares.select(*periods).unique()])
    lengths = [period_of(a, b).length_in(per) for a, b in python_rows(distinct)]
    measured = distinct.with_columns(
        nw.new_series("_length", lengths, nw.Float64, backend=distinct.implementation)
    )
    return joined.join(to_lazy(measured, joined), on=periods, how="left")


def _operands(rule: RatioRule) -> dict[str, Operand]:
    """Part, whole and share as operands (one-column values as literals of ``over``)."""
    over = rule.over if isinstance(rule.over, str) else ""
    values = (rule.part, rule.whole, rule.share)
    out = {}
    for role, value in zip(_ROLES, values, strict=True):
        if isinstance(value, SumOver):  # summed over the part's own rows
            continue
        assert isinstance(value, str | Operand)  # the table form holds values or operands
        out[role] = as_operand(value, over)
    out.setdefault("whole", out["part"])
    return out


def _whole_keys(
    rule: RatioRule, ctx: Context, columns: dict[str, str], keys: list[str]
) -> list[str] | None:
    """With ``whole: {sum_over: [...]}``, the columns a share's whole is grouped by (the
    key less the columns summed over); None when the whole is printed."""
    if not isinstance(rule.whole, SumOver):
        return None
    for name in rule.whole.columns:
        if not set(keys) - set(group_keys(ctx.figures, without=[name])):
            raise UNKNOWN_COLUMN(
                f"`whole: {{sum_over: [{name}]}}`: {name!r} is not a column that tells "
                "figures apart",
                hint="sum over a dimension, source, metric or period: "
                + (", ".join(ctx.figures.dimensions) or "no dimension here"),
            )
    summed = group_keys(ctx.figures, without=list(rule.whole.columns))
    return [k for k in keys if k in summed]


def _summed_whole(
    frame: nw.LazyFrame[Any],
    scope: nw.LazyFrame[Any],
    ops: dict[str, Operand],
    columns: dict[str, str],
    whole_keys: list[str],
    summed: list[str],
    codes: OverCodes | None,
) -> nw.LazyFrame[Any]:
    """Each whole the table never printed: its part rows added up, as intervals, per
    group of the whole's key and the part's variables (one group-by).

    A whole is only known when all its parts are there: it expects every combination of
    the summed columns that the parts or shares show anywhere in scope (for the same
    variables; a share stands for its part), as a table-form ``sum`` does, so a job
    missing from one year (or a suppressed cell) leaves that year's shares unchecked
    (``missing-whole``) rather than checked against too small a total. Duplicates count
    once, and are reported by the join."""
    part = ops["part"]
    variables = var_columns(part.variables)
    group = [*whole_keys, *variables]
    wholes = (
        rows_of(frame, part, columns, codes, _AS["part"])
        .group_by(*group)
        .agg(
            nw.col("low").sum().alias("whole_low"),
            nw.col("high").sum().alias("whole_high"),
            nw.col("value").sum().alias("whole_value"),
            nw.len().alias("whole_n"),
        )
    )
    seen = nw.concat(
        [
            rows_of(scope, ops[r], columns, codes, _AS[r]).select(*variables, *summed)
            for r in ("part", "share")
        ]
    ).unique()
    if variables:
        expected = seen.group_by(*variables).agg(nw.len().alias("_whole_expected"))
        wholes = wholes.join(expected, on=variables, how="left")
    else:
        wholes = wholes.join(seen.select(nw.len().alias("_whole_expected")), how="cross")
    # An incomplete whole has no id: its shares are skipped as having no whole.
    complete = nw.col("whole_n") >= nw.col("_whole_expected")
    whole_at = nw.when(complete).then(nw.lit(SUMMED, dtype=nw.Int64))
    return wholes.with_columns(whole_at.alias("whole_at")).drop("_whole_expected")


def _in_scope(
    rule: RatioRule,
    ctx: Context,
    keys: list[nw.Expr],
    columns: dict[str, str],
    ops: dict[str, Operand],
    codes: OverCodes | None,
) -> nw.LazyFrame[Any]:
    """The rows in scope that are a part, whole or share, with the columns the check reads
    (``keys``: the group key, as ``Context.key`` makes it) and which roles each is
    (``_AS``)."""
    frame = ctx.scope(
        rule.figures,
        *keys,
        *over_selected(columns, codes, ctx.figures.blank_dimensions()),
        "_position", "value", "low", "high", "unit", "_duplicate",
    )  # fmt: skip
    roles = [matches(ops[r], columns, codes).alias(_AS[r]) for r in _ROLES]
    any_role = nw.col(_AS["part"]) | nw.col(_AS["whole"]) | nw.col(_AS["share"])
    return frame.with_columns(*roles).filter(any_role)


def _role_rows(
    frame: nw.LazyFrame[Any],
    role: str,
    op: Operand,
    columns: dict[str, str],
    keys: list[str],
    codes: OverCodes | None,
) -> nw.LazyFrame[Any]:
    """The rows of one role, their columns named after it (the share's unit too, which
    decides its scale), with the variables they bind, ready to join on the group key."""
    extra = [nw.col("unit").alias("share_unit")] if role == "share" else []
    return rows_of(frame, op, columns, codes, _AS[role]).select(
        *keys,
        *var_columns(op.variables),
        nw.col("_position").cast(nw.Int64).alias(f"{role}_at"),
        nw.col("low").alias(f"{role}_low"),
        nw.col("high").alias(f"{role}_high"),
        *extra,
    )


def _joined(
    rows: dict[str, nw.LazyFrame[Any]],
    ops: dict[str, Operand],
    keys: list[str],
    dupes: nw.LazyFrame[Any],
    columns: dict[str, str],
    has_duplicates: bool,
    whole_keys: list[str] | None = None,
    codes: OverCodes | None = None,
    folds: dict[str, nw.Expr] | None = None,
) -> nw.LazyFrame[Any]:
    """Each share row with its part and whole where they are (a natural join on the key
    and the variables each shares with the share, or on those folded into one integer,
    ``folds``), and whether either is printed twice (a summed whole: whether any part it
    adds up is)."""
    on = {role: [*keys, *var_columns(ops[role].variables)] for role in ("part", "whole")}
    if whole_keys is not None:
        on["whole"] = [*whole_keys, *var_columns(ops["part"].variables)]
    joined = rows["share"]
    for role in ("part", "whole"):
        # Only the parts (wholes) whose variables' codes some share shows can join one:
        # where the library gains by it, the others go first (every row may be a part).
        shown = [c for c in on[role] if c not in keys and c not in (whole_keys or ())]
        theirs = rows[role]
        if codes is not None and shown:
            theirs = narrowed(theirs, rows["share"], shown)
        fold = (folds or {}).get(role)
        if fold is None:
            joined = joined.join(theirs, on=on[role], how="left")
            continue
        name = f"_on_{role}"
        theirs = theirs.with_columns(fold.alias(name)).drop(*on[role])
        joined = joined.with_columns(fold.alias(name)).join(theirs, on=name, how="left")
        joined = joined.drop(name)
    if not has_duplicates:
        return joined.with_columns(nw.lit(False).alias("_dup_operand"))
    for role in ("part", "whole"):
        twice = rows_of(dupes, ops[role], columns, codes, _AS[role]).select(*on[role]).unique()
        joined = joined.join(
            twice.with_columns(nw.lit(True).alias(f"_{role}_dup")), on=on[role], how="left"
        )
    dup = nw.col("_part_dup").fill_null(False) | nw.col("_whole_dup").fill_null(False)
    return joined.with_columns(dup.alias("_dup_operand"))


def _folds(
    ctx: Context,
    identity: list[str],
    keys: list[str],
    ops: dict[str, Operand],
    codes: OverCodes | None,
) -> dict[str, nw.Expr]:
    """For the part and the whole, the key (``keys``, folded from ``identity``) and the
    codes of the variables they share with the share as one integer, where they fit in
    one: a join on one column, where pandas would factorise each of several."""
    if codes is None or keys != ["_key0"]:
        return {}
    folds = {}
    for role in ("part", "whole"):
        variables = ops[role].variables
        more = [(nw.col(var_column(v)), len(codes.variables[v])) for v in variables]
        fold = ctx.key_with(identity, more)
        if fold is not None:
            folds[role] = fold
    return folds


def _judged(
    joined: nw.LazyFrame[Any], unknown: list[str], tolerance: Tolerance
) -> nw.LazyFrame[Any]:
    """Each share row's reason for being skipped (``_state``, 0 when it is checked),
    whether a checked one may fail (``_suspect``), and the tallies of both (``_n_*``, on
    every row: they come back with the few rows collected)."""
    state = (
        nw.when(nw.col("_dup_operand"))
        .then(nw.lit(_STATE["duplicate"]))
        .when(nw.col("part_at").is_null())
        .then(nw.lit(_STATE["missing-part"]))
        .when(nw.col("whole_at").is_null())
        .then(nw.lit(_STATE["missing-whole"]))
        .otherwise(nw.lit(_STATE[None]))
    )
    out = _with_suspect(joined.with_columns(state.alias("_state")), unknown, tolerance)
    out = out.with_columns(
        intervals.contains_zero((nw.col("whole_low"), nw.col("whole_high"))).alias("_zero"),
    )
    tallies = [
        (nw.col("_state") == _STATE[reason]).cast(nw.Int64).sum().alias(name)
        for name, reason in _TALLIES.items()
    ]
    return out.with_columns(*tallies)


def _counted(
    found: nw.DataFrame[Any], dupe_rows: nw.DataFrame[Any], report: bool, ids: _Ids
) -> tuple[int, dict[str, int], dict[str, list[str]]]:
    """The share rows checked, those skipped for each reason and, with ``skipped:
    report``, the ids of the skipped ones."""
    twice = dupe_rows.filter(nw.col("_is_share"))
    tally = {name: int(found.item(0, name)) if len(found) else 0 for name in _TALLIES}
    skipped_n = {reason: tally[f"_n_{reason}"] for reason in _SKIPS}
    skipped_n["duplicate"] += len(twice)
    named: dict[str, list[str]] = {}
    if report:
        for reason in _SKIPS:
            rows = found.filter(nw.col("_flag") & (nw.col("_state") == _STATE[reason]))
            shares = ids.of(rows.get_column("share_at").to_list())
            named[reason] = sorted(i for i in shares if i is not None)
        named["duplicate"] = sorted(named["duplicate"] + twice.get_column("figure_id").to_list())
    return tally["_n_checked"], skipped_n, named


class _Ids:
    """The ids of the figures that collected rows name, read once by their positions,
    with their cells (which explanations read)."""

    def __init__(self, ctx: Context, rows: nw.DataFrame[Any]) -> None:
        named = {p for c in _AT for p in map(place_of, rows.get_column(c).to_list())}
        self.cells = ctx.cells_at(p for p in named if p is not None and p != SUMMED)
        at, ids = (self.cells.get_column(c).to_list() for c in ("_position", "figure_id"))
        self._id: dict[int, str] = dict(zip(at, ids, strict=True))
        self._id[SUMMED] = ""  # a whole summed over rows: no figure's

    def of(self, positions: Iterable[Any]) -> list[str | None]:
        return [None if (p := place_of(v)) is None else self._id[p] for v in positions]


def _with_counts(
    result: RuleResult, counts: Counts, rule: RatioRule, skipped: dict[str, list[str]]
) -> RuleResult:
    findings = (*result.findings, *skipped_findings(rule, skipped))
    return replace(result, findings=findings, counts=counts)


def _describe(rule: RatioRule, role: str, op: Operand) -> str:
    """An operand as a finding names it: ``metric=deserters``, ``metric={m}, category=ALL``."""
    value = getattr(rule, role)
    if isinstance(value, SumOver):
        return f"{value} of {_describe(rule, 'part', op)}"
    return f"{rule.over}={value}" if isinstance(value, str) else str(op)


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


def _with_suspect(
    frame: nw.LazyFrame[Any], unknown: list[str], tolerance: Tolerance
) -> nw.LazyFrame[Any]:
    """Whether a checked row fails (``_suspect``): its share outside part / whole, scaled,
    beyond the tolerance (the same floats as the explicit form's ``verdict``, so every row
    flagged here is one of its findings). Division is only defined where the whole
    excludes 0: a whole that holds 0 fails whatever its quotient says. Rows whose share
    unit has no known scale are set apart. The quotients, the expected interval and the
    gap are made columns in turn: each is read several times, and pandas would otherwise
    compute it anew each time."""
    part = (nw.col("part_low"), nw.col("part_high"))
    whole = (nw.col("whole_low"), nw.col("whole_high"))
    share = (nw.col("share_low"), nw.col("share_high"))
    quotients = intervals.quotients(part, whole)
    names = [f"_q{i}" for i in range(len(quotients))]
    out = frame.with_columns(*(q.alias(n) for q, n in zip(quotients, names, strict=True)))
    low, high = intervals.scale(intervals.enclose([nw.col(n) for n in names]), nw.col("scale"))
    out = out.with_columns(low.alias("_exp_low"), high.alias("_exp_high")).drop(*names)
    expected = (nw.col("_exp_low"), nw.col("_exp_high"))
    out = out.with_columns(intervals.gap(share, expected).alias("_exp_gap"))
    beyond = intervals.beyond_tolerance(nw.col("_exp_gap"), expected, tolerance)
    suspect = intervals.contains_zero(whole) | beyond
    if unknown:
        suspect = suspect | nw.col(_NO_SCALE)
    checked = nw.col("_state") == _STATE[None]
    return out.with_columns((checked & suspect).alias("_suspect")).drop(
        "_exp_low", "_exp_high", "_exp_gap"
    )


def _no_whole_group(
    rule: RatioRule, ops: dict[str, Operand], keys: list[str], name: str
) -> RuleResult:
    """Every role has rows, but no share has both its part and its whole: nothing checked."""
    described = [_describe(rule, r, ops[r]) for r in _ROLES]
    what = ", ".join(described) if isinstance(rule.over, str) else "; ".join(described)
    finding = Finding(
        "missing-figure",
        (),
        f"{name} cannot be checked: no group of figures has all of {what} "
        f"(groups are figures that agree on {', '.join(keys)}).",
    )
    return concluded(rule, [finding], Counts())


@dataclass(frozen=True)
class SummedWhole:
    """A whole the table never printed: ``n`` part figures added up over ``columns``, their
    interval sum and the sum of their printed values."""

    interval: Interval
    value: float
    n: int
    columns: tuple[str, ...]

    def describe(self) -> str:
        """``the sum of 12 figures over sex and job, 1,234 (1,228 to 1,240 allowing for
        rounding)``."""
        figures = "1 figure" if self.n == 1 else f"{explain.number(self.n)} figures"
        return (
            f"the sum of {figures} over {explain.join(list(self.columns))}, "
            f"{explain.amount(self.value, self.interval)}"
        )


def _explained(
    rule: RatioRule, ctx: Context, suspects: nw.DataFrame[Any], spec: Spec, ids: _Ids
) -> list[Finding]:
    """The failing rows (collected), explained by the explicit form's code when a
    finding is first read (``engine.deferred``): slugs and figures are known now, in the
    order of the share's, the part's and the whole's ids."""
    summed = isinstance(rule.whole, SumOver)
    extra = ["whole_low", "whole_high", "whole_value", "whole_n"] if summed else []
    rows = [
        (*ids.of(row[:3]), *row[3:])
        for row in python_rows(suspects.select(*_AT, "scale", "_zero", *extra))
    ]
    if not rows:
        return []
    rows.sort(key=lambda row: (row[2], row[0], row[1]))
    dims = ctx.figures.dimensions
    cells = ids.cells  # read now, so that the table can go; the Python work later

    def whole_of(row: tuple[Any, ...], figures: dict[str, Figure]) -> Figure | SummedWhole:
        if not summed:
            return figures[row[1]]
        assert isinstance(rule.whole, SumOver)
        low, high, value, n = row[5:9]
        return SummedWhole(Interval(low, high), value, int(n), rule.whole.columns)

    def build() -> list[Finding | None]:
        if not summed and spec.judge is verdict:  # a ratio: each figure said once (ratio_told)
            return told(rows, cells, rule)
        figures = figures_from(cells, dims)
        return [
            spec.judge(
                figures[row[0]], whole_of(row, figures), figures[row[2]], float(row[3]), rule
            )
            for row in rows
        ]

    slugs = [
        (
            "zero-denominator" if row[4] else spec.mismatch,
            tuple(i for i in (row[2], row[0], row[1]) if i),
        )
        for row in rows
    ]
    return deferred(slugs, build)


def verdict(
    part: Figure, whole: Figure | SummedWhole, share: Figure, k: float, rule: RatioRule
) -> Finding | None:
    """The finding for one part, whole and share, or None when they agree."""
    if isinstance(whole, SummedWhole):
        ids: tuple[str, ...] = (share.figure_id, part.figure_id)
        whole_text, whole_value, whole_interval = whole.describe(), whole.value, whole.interval
    else:
        ids = (share.figure_id, part.figure_id, whole.figure_id)
        whole_text, whole_value = explain.figure(whole), whole.reported.value
        whole_interval = whole.interval
    reported = share.interval
    if 0 in whole_interval:
        said = "it" if isinstance(whole, SummedWhole) else explain.as_reported(whole)
        text = zero_whole(explain.figure(share), whole_text, said, whole_interval)
        return Finding("zero-denominator", ids, text, reported=reported)
    expected = (part.interval / whole_interval).scale(k)
    point = part.reported.value / whole_value * k
    places = explain.places_for(reported.gap(expected))
    claim = should_be(
        explain.figure(share), explain.figure(part), k, whole_text, point, expected, places
    )
    return explain.mismatch("ratio-mismatch", ids, claim, share, expected, rule.tolerance)


Judge = Callable[[Figure, "Figure | SummedWhole", Figure, float, RatioRule], "Finding | None"]


@dataclass(frozen=True)
class Spec:
    """How the table form of part / whole × scale = share judges and tells its findings:
    a ratio's way by default. A rate with a denominator shares the form: its scale is per
    ``per`` (each row's is divided by the length of its period in ``per`` units), its
    findings are its own (``judge``, ``mismatch``) and its result carries its ``kind``."""

    per: str | None = None
    judge: Judge = verdict
    mismatch: str = "ratio-mismatch"  # the finding a failing row is
    name: str = "The ratio"
    kind: str = RatioRule.KIND

    def as_own(self, result: RuleResult) -> RuleResult:
        return result if result.kind == self.kind else replace(result, kind=self.kind)


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
    unit = nw.col("share_unit")
    if len(known) > _FEW_UNITS:
        # Every unit is in `known`; the default is only there because Spark needs one.
        return unit.replace_strict(known, default=None, return_dtype=nw.Float64), unknown
    # A few units: a comparison each (polars replaces text by a join on it).
    (first, k), *rest = known.items()
    chain = nw.when(unit == first).then(nw.lit(k, dtype=nw.Float64))
    for u, k in rest:
        chain = chain.when(unit == u).then(nw.lit(k, dtype=nw.Float64))
    return chain.otherwise(nw.lit(None, dtype=nw.Float64)), unknown


_FEW_UNITS = 8


def _refuse_unknown_units(ctx: Context, shares: nw.DataFrame[Any]) -> None:
    """Raise naming the units of ``shares`` (rows collected with their ``share_at``) when
    there are any: a share whose unit says nothing of its scale cannot be checked."""
    if not shares.is_empty():
        units = ctx.cells_at(shares.get_column("share_at").to_list()).get_column("unit")
        raise _unknown_unit(sorted(set(units.to_list())))


def _unknown_unit(units: list[str]) -> StatcheckError:
    return UNKNOWN_SHARE_UNIT(
        f"the share's unit {', '.join(map(repr, units))} does not say what part / whole is "
        f"multiplied by",
        hint="give the rule a `scale:` (100 for percent, 1000 per thousand, 1 for a fraction), "
        "or use unit percent, per_1000, per_100000 or fraction",
    )
