"""Which rows of a table-form sum are totals, and which are the parts of which total.

A shape answers, on the rows in scope: the total rows (``parents``), the part rows each
with the group of the total it belongs to (``children``), how many parts a total expects
(``with_expected``), and which rows it involves at all. A group is the key (every column
not in ``over``) plus the shape's ``group`` columns: ``_parent``, the parent's value of
the ``over`` column, for a hierarchy (:class:`Hierarchy`); the total's variables for
operands over several columns (:class:`Patterns`, whose ``_parent`` is constant).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import narwhals as nw

from statcheck.contract.rules import SumRule
from statcheck.contract.rules.pattern import Operand
from statcheck.engine.native import small_frame
from statcheck.engine.patterns import OverCodes, matches, rows_of, var_columns


class Shape(Protocol):
    group: list[str]  # the group columns besides the key
    frame: nw.LazyFrame[Any]  # the rows in scope, before duplicates go

    def parents(self, frame: nw.LazyFrame[Any], keys: list[str]) -> nw.LazyFrame[Any]: ...

    def children(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]: ...

    def with_expected(self, checked: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]: ...

    def is_total(self) -> nw.Expr: ...

    def involved(self) -> nw.Expr | None: ...


def _total_columns(keys: list[str], group: list[nw.Expr | str]) -> list[nw.Expr | str]:
    """A total row's columns, as ``parents`` hands them on to be set against its parts."""
    return [
        *keys,
        *group,
        nw.col("_position").alias("_total_at"),  # its id read for the few collected
        nw.col("low").alias("_t_low"),
        nw.col("high").alias("_t_high"),
        nw.col("value").alias("_t_value"),
    ]


class Hierarchy:
    """One ``over`` column: a parent value and its children, on any number of levels.

    A parent listed without children has every other value of the column, counted before
    duplicates go. When every child has one parent (a total and its parts, a tree of
    codes) each child row is given its parent by a lookup of its value; otherwise (a
    value under several parents) the rows join a small table of (parent, child) pairs.

    ``codes``: the column's identity codes (``Context.codes_of``), when ``frame`` has them
    as ``over_col`` (Int64): values are then compared as their codes, a value the table
    lacks as a negative number of its own.
    """

    def __init__(
        self,
        rule: SumRule,
        frame: nw.LazyFrame[Any],
        over_col: str,
        codes: dict[Any, int] | None = None,
    ) -> None:
        self.over = over_col
        self.frame = frame  # before duplicates go
        self.dtype = nw.String if codes is None else nw.Int64
        named = [p for p, _ in rule.hierarchy] + [c for _, cs in rule.hierarchy for c in cs]
        as_ = _as_codes(named, codes)
        parents = [as_(p) for p, _ in rule.hierarchy]
        self.parent_values = parents if rule.constant is None else []
        self.listed = [(as_(p), as_(c)) for p, children in rule.hierarchy for c in children]
        self.others = [as_(p) for p, children in rule.hierarchy if not children]
        kids = [c for _, c in self.listed]
        self.involved_values = None if self.others else [*parents, *kids]
        self.expected = {as_(p): len(children) for p, children in rule.hierarchy}
        if not self.others and len(set(kids)) == len(kids):
            self.kind = "tree"
        elif not self.listed and len(self.others) == 1:
            self.kind = "all-others"
        else:
            self.kind = "pairs"
        # What tells groups apart besides the key: the parent, except where there is one
        # (all others): a column of one value would make the key one of several columns.
        self.group = [] if self.kind == "all-others" else ["_parent"]

    def parents(self, frame: nw.LazyFrame[Any], keys: list[str]) -> nw.LazyFrame[Any]:
        return frame.filter(self.is_total()).select(
            *_total_columns(keys, [nw.col(self.over).alias("_parent")])
        )

    def is_total(self) -> nw.Expr:
        if not self.parent_values:  # a numeric total: no row is one
            return nw.lit(False)
        return nw.col(self.over).is_in(self.parent_values)

    def involved(self) -> nw.Expr | None:
        if self.involved_values is None:
            return None
        return nw.col(self.over).is_in(self.involved_values)

    def children(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """The child rows of ``frame``, each with its parent (``_parent``)."""
        over = nw.col(self.over)
        if self.kind == "tree":
            parent_of = {c: p for p, c in self.listed}
            # Only listed children get here; the default is only there because Spark needs one.
            lookup = over.replace_strict(parent_of, default=None, return_dtype=self.dtype)
            return frame.filter(over.is_in(list(parent_of))).with_columns(lookup.alias("_parent"))
        if self.kind == "all-others":
            (parent,) = self.others
            parent_lit = nw.lit(parent, dtype=self.dtype)
            return frame.filter(over != parent).with_columns(parent_lit.alias("_parent"))
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
            # The one column first: an eager library would copy every column it filters.
            count = (
                self.frame.select(self.over)
                .filter(nw.col(self.over) != parent)
                .select(nw.col(self.over).n_unique().alias("_expected"))
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
            .select(nw.lit(parent, dtype=self.dtype).alias("_parent"), self.over)
            for parent in self.others
        ]
        if self.listed:
            data = {"_parent": [p for p, _ in self.listed], self.over: [c for _, c in self.listed]}
            types = {"_parent": self.dtype, self.over: self.dtype}
            pieces.append(small_frame(data, types, self.frame))
        return nw.concat(pieces) if len(pieces) > 1 else pieces[0]


def _as_codes(values: list[Any], codes: dict[Any, int] | None) -> Callable[[Any], Any]:
    """How a hierarchy compares each of ``values``: itself, or its code (a value the
    table lacks: a negative number, one per value)."""
    if codes is None:
        return lambda v: v
    absent = {v: -1 - i for i, v in enumerate(dict.fromkeys(v for v in values if v not in codes))}
    return lambda v: codes[v] if v in codes else absent[v]


class Patterns:
    """Several ``over`` columns: a total operand (none for a numeric total) and its parts,
    one operand matching every part (``matching``) or a list, each one part of each total.

    A part row belongs to the total that agrees with it on the key and the total's
    variables; its other variables are summed over. One pattern expects, for each value
    of the total's variables, every combination of the other variables that the parts
    show with it anywhere in scope (as ``total: WLD`` alone expects every other value of
    its column), counted before duplicates go; a list expects each listed part.
    """

    def __init__(
        self,
        rule: SumRule,
        frame: nw.LazyFrame[Any],
        columns: dict[str, str],
        codes: OverCodes | None = None,
    ) -> None:
        assert rule.total is None or isinstance(rule.total, Operand)
        self.codes = codes  # the over columns' codes, when frame has them
        self.total = rule.total
        self.parts = [p for p in rule.parts if isinstance(p, Operand)]
        self.matching = rule.matching
        self.columns = columns
        self.frame = frame  # before duplicates go
        self.variables = var_columns(self.total.variables if self.total else ())
        self.summed = [v for v in var_columns(self.parts[0].variables) if v not in self.variables]
        self.group = [*self.variables, "_parent"]

    def parents(self, frame: nw.LazyFrame[Any], keys: list[str]) -> nw.LazyFrame[Any]:
        assert self.total is not None
        found = rows_of(frame, self.total, self.columns, self.codes)
        return found.select(*_total_columns(keys, [*self.variables, nw.lit("").alias("_parent")]))

    def is_total(self) -> nw.Expr:
        if self.total is None:
            return nw.lit(False)
        return matches(self.total, self.columns, self.codes)

    def involved(self) -> nw.Expr:
        operands = [op for op in (self.total, *self.parts) if op is not None]
        masks = [matches(op, self.columns, self.codes) for op in operands]
        mask = masks[0]
        for each in masks[1:]:
            mask = mask | each
        return mask

    def children(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """The part rows, with the total's variables and a constant ``_parent``."""
        names = frame.collect_schema().names()
        if self.matching and self.total is not None:
            # A row that matches the total is never one of its parts.
            frame = frame.filter(~self.is_total())
        pieces = [
            rows_of(frame, part, self.columns, self.codes).select(
                *names, *self.variables, *(self.summed if self.matching else ())
            )
            for part in self.parts
        ]
        rows = nw.concat(pieces) if len(pieces) > 1 else pieces[0]
        return rows.with_columns(nw.lit("").alias("_parent"))

    def with_expected(self, checked: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """``checked`` with the number of parts each total expects (``_expected``)."""
        if not self.matching or not self.summed:
            return checked.with_columns(nw.lit(len(self.parts)).alias("_expected"))
        seen = self.children(self.frame).select(*self.variables, *self.summed).unique()
        if not self.variables:
            return checked.join(seen.select(nw.len().alias("_expected")), how="cross")
        counts = seen.group_by(*self.variables).agg(nw.len().alias("_expected"))
        return checked.join(counts, on=self.variables, how="left").with_columns(
            nw.col("_expected").fill_null(0)
        )
