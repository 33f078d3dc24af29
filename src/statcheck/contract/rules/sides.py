"""The sides of a table-form comparison: what ``compare`` and ``agreement`` set against
each other in every group of figures.

A side is one value of the ``over`` column, or a list of values whose figures are added
up (``[north, south]``); with ``over`` a list of columns, one mapping of each column to a
value or ``{name}`` template (see :mod:`.pattern`), or a list of them. A number is a side
too (``right: 0``): the same in every group. Every operand on every side binds the same
variables, so that the rows of one group are the rows that agree on the key and on them.

This module reads and checks; it knows no dataframe (see ``statcheck.engine.sides``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from statcheck.contract.rules.pattern import Operand, PatternError, as_error, read_operand

if TYPE_CHECKING:
    from statcheck.contract.rules.reader import RuleReader

# What a side holds: values of `over` (text), operands over several columns, or a number.
Values = tuple[str | Operand, ...]

SIDE_DOC = (
    "table form: a value of the `over` column or a list of values whose figures are added up "
    "(with `over` a list, a mapping of its columns to values or `{name}` templates, or a list "
    "of them)"
)


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def read_values(r: RuleReader, key: str, value: Any, over: str | tuple[str, ...]) -> Values:
    """One side of a table-form rule (not a number): ``value`` as written under ``key``."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise r.error(f"`{key}` lists no values", key)
    if isinstance(over, tuple):
        return tuple(_operand(r, key, item, over) for item in items)
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int) or item == "":
            raise r.error(
                f"`{key}` must be a value of the {over!r} column or a list of them, not {item!r}",
                key,
                "a number alone is a constant; quote a value that looks like one ('2014')",
            )
        out.append(str(item))
    if len(set(out)) != len(out):
        raise r.error(f"`{key}` lists a value twice", key)
    return tuple(out)


def read_number(r: RuleReader, key: str, value: Any) -> float:
    if not math.isfinite(value):
        raise r.error(f"`{key}` must be a finite number, not {value!r}", key)
    return float(value)


def check_variables(r: RuleReader, sides: dict[str, Values]) -> None:
    """Every operand on every side binds the same variables: a group is the rows that
    agree on the key and on them, one row per operand."""
    bound = {
        (key, op): frozenset(op.variables)
        for key, values in sides.items()
        for op in values
        if isinstance(op, Operand)
    }
    if not bound:
        return
    (first_key, first), variables = next(iter(bound.items()))
    for (key, op), names in bound.items():
        if names != variables:
            listed = ", ".join("{" + v + "}" for v in sorted(names ^ variables))
            raise r.error(
                f"`{key}` ({op}) and `{first_key}` ({first}) do not bind the same variables "
                f"({listed})",
                key,
                "every operand of every side names the same {name} placeholders: rows are "
                "grouped on them",
            )


def values_to_yaml(values: Values) -> Any:
    """A side as a suite writes it: one value or mapping as itself, several as a list."""
    written = [v.to_yaml() if isinstance(v, Operand) else v for v in values]
    return written[0] if len(written) == 1 else written


def number_to_yaml(x: float) -> int | float:
    # 0, not 0.0: the same text whether the rule was read or built in code.
    return int(x) if float(x).is_integer() else x


def _operand(r: RuleReader, key: str, item: Any, over: tuple[str, ...]) -> Operand:
    try:
        return read_operand(item, over)
    except PatternError as exc:
        raise as_error(r, exc, key, item) from None
