"""Two sides per group, on the figure table: what table-form ``compare`` and ``agreement``
set against each other.

Every row of either side (a value of ``over``, or an operand over several columns) is
labelled with its side, and one group-by over the key and the operands' variables adds
up each side's bounds and printed values, counts its rows, and counts the rows printed
twice for the same thing, so that every group is judged in the same pass: checked, or
skipped for a side lacking a value (``missing-side``) or a duplicate (``duplicate``).
A side given as a number is that number in every group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import narwhals as nw

from statcheck.contract.rules.base import Selector
from statcheck.contract.rules.pattern import Operand
from statcheck.engine.context import Context
from statcheck.engine.groups import group_keys, with_blank_dims
from statcheck.engine.native import collect_all, python_rows, to_lazy
from statcheck.engine.patterns import as_operand, over_columns, rows_of, var_columns

DUPLICATE, MISSING_SIDE = "duplicate", "missing-side"  # skip reasons (SKIP_REASONS)


@dataclass(frozen=True)
class Side:
    """One side: the operands whose figures are added up, or a number (``constant``)."""

    name: str
    operands: tuple[Operand, ...] = ()
    constant: float | None = None

    @staticmethod
    def of(name: str, values: Any, over: str | tuple[str, ...]) -> Side:
        """A side from a rule's field: a number, or values of ``over`` / operands."""
        if isinstance(values, float):
            return Side(name, constant=values)
        column = over if isinstance(over, str) else ""
        return Side(name, tuple(as_operand(v, column) for v in values))

    def describe(self) -> str:
        """The side as a finding names what matches it: ``metric=males``, ``0``."""
        if self.constant is not None:
            return f"{self.constant:g}"
        return "; ".join(str(op) for op in self.operands)


@dataclass(frozen=True)
class Grouped:
    """Each group's two sides (``_s0_*``, ``_s1_*``: low, high, value, n) and its skip
    reason (``_reason``, null when it can be checked); ``group`` names its columns and
    ``rows`` are the sides' rows (``_side``), for naming the figures of a few groups."""

    frame: nw.LazyFrame[Any]
    group: list[str]
    rows: nw.LazyFrame[Any]


def grouped(
    ctx: Context,
    over: str | tuple[str, ...],
    sides: tuple[Side, Side],
    figures: Selector | None,
    missing_zero: bool = False,
) -> Grouped:
    """Every group with a row of either side, both sides added up, in one group-by."""
    table = ctx.figures
    columns = over_columns(over, table)
    over_cols = list(dict.fromkeys(columns.values()))
    keys = group_keys(table, over_cols)
    frame = ctx.lazy()
    if figures is not None:
        frame = frame.filter(ctx.selector_mask(figures))
    frame = with_blank_dims(frame, table.blank_dimensions()).select(
        *keys, *over_cols, "figure_id", "value", "low", "high", "_duplicate"
    )
    group = [*keys, *var_columns(_variables(sides))]
    rows = _side_rows(frame, sides, columns, group)
    sums = _sums(rows, sides, group)
    return Grouped(sums.with_columns(_reason(sides, missing_zero).alias("_reason")), group, rows)


def _side_rows(
    frame: nw.LazyFrame[Any], sides: tuple[Side, Side], columns: dict[str, str], group: list[str]
) -> nw.LazyFrame[Any]:
    """The rows of every operand of either side, with the side they are on (``_side``)."""
    pieces = [
        rows_of(frame, op, columns).select(
            *group, "figure_id", "value", "low", "high", "_duplicate", nw.lit(i).alias("_side")
        )
        for i, side in enumerate(sides)
        for op in side.operands
    ]
    return nw.concat(pieces) if len(pieces) > 1 else pieces[0]


def _sums(rows: nw.LazyFrame[Any], sides: tuple[Side, Side], group: list[str]) -> nw.LazyFrame[Any]:
    """Each group's sides added up (a number is itself), its rows printed twice counted
    (``_n_dup``) and its smallest figure id (``_witness``, which names it)."""
    # Each side's columns are made first, so that the group-by only adds up (a condition
    # inside an aggregation is a loop over groups on pandas).
    counted = [i for i, side in enumerate(sides) if side.constant is None]
    summed = rows.with_columns(
        *(e for i in counted for e in _side_columns(i)),
        nw.col("_duplicate").cast(nw.Int64).alias("_n_dup"),
    )
    totals = [f"_s{i}_{c}" for i in counted for c in ("low", "high", "value", "n")]
    sums = summed.group_by(*group).agg(
        *(nw.col(c).sum() for c in (*totals, "_n_dup")),
        nw.col("figure_id").min().alias("_witness"),
    )
    constants = [
        nw.lit(side.constant).alias(f"_s{i}_{c}")
        for i, side in enumerate(sides)
        if side.constant is not None
        for c in ("low", "high", "value")
    ]
    return sums.with_columns(*constants) if constants else sums


def _reason(sides: tuple[Side, Side], missing_zero: bool) -> nw.Expr:
    """Why a group is not checked: a row printed twice, else a side lacking a value (with
    ``missing: zero``, all of them); null when it is checked."""
    lacking = [
        (nw.col(f"_s{i}_n") == 0) if missing_zero else (nw.col(f"_s{i}_n") < len(side.operands))
        for i, side in enumerate(sides)
        if side.constant is None
    ]
    incomplete = lacking[0] if len(lacking) == 1 else lacking[0] | lacking[1]
    return (
        nw.when(nw.col("_n_dup") > 0)
        .then(nw.lit(DUPLICATE))
        .when(incomplete)
        .then(nw.lit(MISSING_SIDE))
        .otherwise(nw.lit(None, dtype=nw.String))
    )


def duplicated(found: Grouped) -> nw.LazyFrame[Any]:
    """The rows of either side printed twice for the same thing (figure_id, value), for
    the ``duplicate-figure`` finding; collected with the rule's own query."""
    return found.rows.filter(nw.col("_duplicate")).select("figure_id", "value").unique()


def ids_of_groups(
    found: Grouped, groups: nw.DataFrame[Any]
) -> dict[tuple[Any, ...], list[list[tuple[str, float]]]]:
    """The figures (id, printed value) of each side of a few collected ``groups``, in id
    order: one more query, and only when some group is to be explained."""
    if groups.is_empty():
        return {}
    wanted = to_lazy(groups.select(*found.group).unique(), found.rows)
    (rows,) = collect_all(
        [
            found.rows.filter(~nw.col("_duplicate"))
            .join(wanted, on=found.group, how="inner")
            .select(*found.group, "_side", "figure_id", "value")
            .sort("figure_id")
        ]
    )
    out: dict[tuple[Any, ...], list[list[tuple[str, float]]]] = {}
    n = len(found.group)
    for row in python_rows(rows):
        out.setdefault(row[:n], [[], []])[int(row[n])].append((row[n + 1], float(row[n + 2])))
    return out


def _variables(sides: tuple[Side, Side]) -> tuple[str, ...]:
    """The variables every operand binds (the contract checks they are the same)."""
    for side in sides:
        for op in side.operands:
            return op.variables
    return ()


def _side_columns(i: int) -> list[nw.Expr]:
    """A row's bounds and printed value where it is on side ``i``, else 0, and whether it
    is (``_s{i}_n``); rows printed twice count on no side (they make their group a
    ``duplicate``)."""
    on_side = (nw.col("_side") == i) & ~nw.col("_duplicate")
    return [
        nw.when(on_side).then(nw.col(c)).otherwise(nw.lit(0.0)).alias(f"_s{i}_{c}")
        for c in ("low", "high", "value")
    ] + [on_side.cast(nw.Int64).alias(f"_s{i}_n")]
