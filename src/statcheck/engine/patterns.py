"""Operands over several columns, on the figure table: which rows match, what they bind.

An operand (``statcheck.contract.rules.pattern.Operand``) maps each ``over`` column to a
literal or to a template ``prefix{name}suffix``. On a frame it becomes one boolean
expression (the rows it matches) and one text column per variable (``var_column``), so
a rule joins its operands on the group key and the variables they share, as narwhals
joins, on every engine. Only operations narwhals has on polars, pandas and PySpark are
used: equality, ``starts_with``, ``ends_with``, ``len_chars``, ``slice`` and one anchored
regular expression that removes the suffix (its literal text escaped for the three regex
dialects: Rust's, Python's and Java's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw

from statcheck.contract.rules.pattern import Operand, Template, literal
from statcheck.engine.context import SELECTOR_COLUMNS
from statcheck.errors import UNKNOWN_COLUMN
from statcheck.prepare import ParsedFigureTable

# Characters with a meaning outside a character class in any of the three dialects;
# others are escaped by none of them (Rust reads ``\<`` as a word boundary).
_SPECIAL = frozenset("\\.^$|?*+()[]{}")


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


def matches(operand: Operand, columns: dict[str, str]) -> nw.Expr:
    """Whether a row's ``over`` values match the operand: each literal equal, each template
    a full match, and a variable named twice bound to the same text."""
    mask = nw.lit(True)
    first: dict[str, nw.Expr] = {}
    for name, template in operand.columns:
        col = nw.col(columns[name])
        if template.variable is None:
            mask = mask & (col == template.prefix)
            continue
        mask = mask & _fits(col, template)
        value = _value(col, template)
        if template.variable in first:
            mask = mask & (value == first[template.variable])
        first.setdefault(template.variable, value)
    return mask


def bound(operand: Operand, columns: dict[str, str]) -> list[nw.Expr]:
    """The values the operand's variables take on a matching row, one column each."""
    out: dict[str, nw.Expr] = {}
    for name, template in operand.columns:
        if template.variable is not None and template.variable not in out:
            out[template.variable] = _value(nw.col(columns[name]), template)
    return [value.alias(var_column(v)) for v, value in out.items()]


def rows_of(
    frame: nw.LazyFrame[Any], operand: Operand, columns: dict[str, str]
) -> nw.LazyFrame[Any]:
    """The rows of ``frame`` the operand matches, with its variables' columns."""
    matched = frame.filter(matches(operand, columns))
    values = bound(operand, columns)
    return matched.with_columns(*values) if values else matched


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
