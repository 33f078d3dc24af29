"""Operands over several columns, on the figure table: which rows match, what they bind.

An operand (``statcheck.contract.rules.pattern.Operand``) maps each ``over`` column to a
literal or to a template ``prefix{name}suffix``. On a frame it becomes one boolean
expression (the rows it matches) and one text column per variable (``var_column``), so
a rule joins its operands on the group key and the variables they share, as narwhals
joins, on every engine. Only operations narwhals has on polars, pandas and PySpark are
used: equality, ``starts_with``, ``ends_with``, ``len_chars``, ``slice`` and one anchored
regular expression that removes the suffix (its literal text escaped for the three regex
dialects: Rust's, Python's and Java's).

Where the table has integer codes for its identity columns (``Context.code_keys``), what
each template matches and binds is worked out once, in Python, on each column's distinct
values (``OverCodes``): rows are then matched by their codes and each variable is a
small integer, so that rules join on integers, not text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw

from statcheck.contract.rules.pattern import Operand, Template, literal
from statcheck.engine.context import SELECTOR_COLUMNS, Context
from statcheck.engine.groups import blank_filled
from statcheck.errors import UNKNOWN_COLUMN
from statcheck.prepare import CODE_PREFIX, ParsedFigureTable

# Characters with a meaning outside a character class in any of the three dialects;
# others are escaped by none of them (Rust reads ``\<`` as a word boundary).
_SPECIAL = frozenset("\\.^$|?*+()[]{}")


@dataclass(frozen=True)
class OverCodes:
    """The ``over`` columns by their identity codes: each column's code column
    (``code_columns``) and the value each code stands for (``values``, by position), and
    each variable's values with codes of its own (``variables``, shared by every operand
    that binds it, so that operands join on them)."""

    code_columns: dict[str, str]
    values: dict[str, list[Any]]
    variables: dict[str, dict[str, int]]

    @staticmethod
    def of(ctx: Context, columns: dict[str, str], operands: Sequence[Operand]) -> OverCodes | None:
        """The codes for ``operands`` over ``columns``; None where a column has no codes
        (a table on a cluster, a date) or too many distinct values (``Context.values_coded``)."""
        values: dict[str, list[Any]] = {}
        for column in dict.fromkeys(columns.values()):
            coded = ctx.values_coded(column)
            if coded is None:
                return None
            values[column] = coded
        bound: dict[str, set[str]] = {}
        for op in operands:
            for name, t in op.columns:
                if t.variable is not None:
                    fitting = (_taken(v, t) for v in values[columns[name]] if _fits_text(v, t))
                    bound.setdefault(t.variable, set()).update(fitting)
        variables = {
            var: {v: i for i, v in enumerate(sorted(found))} for var, found in bound.items()
        }
        return OverCodes({c: CODE_PREFIX + c for c in values}, values, variables)

    def fits(self, column: str, t: Template) -> nw.Expr:
        """Whether a row's value of ``column`` matches ``t``, by its code."""
        fit = self._fitting(column, t)
        code = nw.col(self.code_columns[column])
        if len(fit) == 1:  # a literal: one comparison, where a set lookup hashes each row
            return code == fit[0]
        return code.is_in(fit) if fit else nw.lit(False)

    def value(self, column: str, t: Template) -> nw.Expr:
        """The code of what ``t``'s placeholder matches in a row that fits (-1 elsewhere)."""
        assert t.variable is not None
        fit = self._fitting(column, t)
        if not fit:
            return nw.lit(-1, dtype=nw.Int64)
        codes = self.variables[t.variable]
        values = self.values[column]
        new = [codes[_taken(values[i], t)] for i in fit]
        return nw.col(self.code_columns[column]).replace_strict(
            fit, new, default=-1, return_dtype=nw.Int64
        )

    def _fitting(self, column: str, t: Template) -> list[int]:
        values = self.values[column]
        if t.variable is None:
            return [i for i, v in enumerate(values) if v == t.prefix]
        return [i for i, v in enumerate(values) if _fits_text(v, t)]


def var_column(name: str) -> str:
    """The column a variable's value is put in (kept apart from the table's columns)."""
    return f"_var_{name}"


def var_columns(names: Sequence[str]) -> list[str]:
    return [var_column(n) for n in names]


def over_columns(over: str | tuple[str, ...], table: ParsedFigureTable) -> dict[str, str]:
    """Each ``over`` column as the figure table names it (``source`` is ``source_id``):
    metric, source or a dimension, else an error naming the columns there are."""
    names = (over,) if isinstance(over, str) else over
    out = {name: SELECTOR_COLUMNS.get(name, name) for name in names}
    for name, column in out.items():
        if column not in ("metric", "source_id", *table.dimensions):
            raise UNKNOWN_COLUMN(
                f"`over: {name}` is not a column that tells figures apart",
                hint="use metric, source or a dimension: "
                + (", ".join(table.dimensions) or "none here"),
            )
    return out


def as_operand(value: str | Operand, over: str) -> Operand:
    """A one-column form's value as the operand it stands for (``over`` equal to it)."""
    return value if isinstance(value, Operand) else literal(over, value)


def matches(operand: Operand, columns: dict[str, str], codes: OverCodes | None = None) -> nw.Expr:
    """Whether a row's ``over`` values match the operand: each literal equal, each template
    a full match, and a variable named twice bound to the same text."""
    mask = nw.lit(True)
    first: dict[str, nw.Expr] = {}
    for name, template in operand.columns:
        column = columns[name]
        if codes is not None:
            mask = mask & codes.fits(column, template)
        elif template.variable is None:
            mask = mask & (nw.col(column) == template.prefix)
        else:
            mask = mask & _fits(nw.col(column), template)
        if template.variable is None:
            continue
        value = _bound_value(column, template, codes)
        if template.variable in first:
            mask = mask & (value == first[template.variable])
        first.setdefault(template.variable, value)
    return mask


def bound(
    operand: Operand, columns: dict[str, str], codes: OverCodes | None = None
) -> list[nw.Expr]:
    """The values the operand's variables take on a matching row, one column each (their
    codes, with ``codes``)."""
    out: dict[str, nw.Expr] = {}
    for name, template in operand.columns:
        if template.variable is not None and template.variable not in out:
            out[template.variable] = _bound_value(columns[name], template, codes)
    return [value.alias(var_column(v)) for v, value in out.items()]


def rows_of(
    frame: nw.LazyFrame[Any],
    operand: Operand,
    columns: dict[str, str],
    codes: OverCodes | None = None,
    matched_by: str | None = None,
) -> nw.LazyFrame[Any]:
    """The rows of ``frame`` the operand matches, with its variables' columns.
    ``matched_by``: a column of ``frame`` that holds ``matches`` already."""
    mask = matches(operand, columns, codes) if matched_by is None else nw.col(matched_by)
    matched = frame.filter(mask)
    values = bound(operand, columns, codes)
    return matched.with_columns(*values) if values else matched


def over_selected(
    columns: dict[str, str], codes: OverCodes | None, blank: Sequence[str]
) -> list[nw.Expr]:
    """What a rule selects of the ``over`` columns to match its operands: their codes, or
    their text with a missing dimension (``blank``) as blank text."""
    if codes is not None:
        return [nw.col(c) for c in dict.fromkeys(codes.code_columns.values())]
    return blank_filled(dict.fromkeys(columns.values()), blank)


def _bound_value(column: str, t: Template, codes: OverCodes | None) -> nw.Expr:
    return _value(nw.col(column), t) if codes is None else codes.value(column, t)


def _fits_text(value: str, t: Template) -> bool:
    """``_fits`` on one value, in Python."""
    return (
        len(value) > len(t.prefix) + len(t.suffix)
        and value.startswith(t.prefix)
        and value.endswith(t.suffix)
    )


def _taken(value: str, t: Template) -> str:
    """``_value`` on one value that fits, in Python."""
    return value[len(t.prefix) : len(value) - len(t.suffix)]


def _fits(col: nw.Expr, t: Template) -> nw.Expr:
    """prefix + at least one character + suffix (null never fits)."""
    fits = col.str.len_chars() > len(t.prefix) + len(t.suffix)
    if t.prefix:
        fits = fits & col.str.starts_with(t.prefix)
    if t.suffix:
        fits = fits & col.str.ends_with(t.suffix)
    return fits.fill_null(False)


def _value(col: nw.Expr, t: Template) -> nw.Expr:
    """What the placeholder matches in a row that fits: the text between prefix and suffix."""
    value = col.str.slice(len(t.prefix)) if t.prefix else col
    if t.suffix:
        value = value.str.replace_all(_escape(t.suffix) + "$", "", literal=False)
    return value


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _SPECIAL else c for c in text)
