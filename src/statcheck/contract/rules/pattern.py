"""Operands over several columns: a mapping from each ``over`` column to a template.

A table-form ``ratio`` or ``sum`` whose ``over`` is a list of columns names each operand
by a mapping, ``{metric: "{m}_share", category: "{c}"}``: every value is a literal, which
a row's value must equal, or a template holding one ``{name}`` placeholder between a
literal prefix and suffix. A placeholder matches any non-empty text such that the whole
value is prefix + text + suffix (an anchored full match, so ``{m}_share`` takes
``deaths`` from ``deaths_share`` and ``deaths_share`` from ``deaths_share_share``) and
binds the variable ``name`` to that text. ``{{`` and ``}}`` are literal braces.

One placeholder per value, on purpose: prefix and suffix are found with the string
operations every engine has (starts with, ends with, slice), while two placeholders in
one value (``{m}_{c}``) could split ``a_b_c`` two ways and would need regular-expression
capture groups that the engines do not share. Such a value is refused when the suite is
read. A variable named twice in one operand (in two columns) means the two values are
equal.

This module parses and checks; it knows no dataframe (see ``statcheck.engine.patterns``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from statcheck.contract.yamlio import Mapping

if TYPE_CHECKING:
    from statcheck.contract.rules.reader import RuleReader
    from statcheck.errors import StatcheckError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PatternError(ValueError):
    """A template or operand that cannot be read: ``message``, a ``hint``, and the
    ``column`` of the operand it is about (None: the operand as a whole)."""

    def __init__(self, message: str, hint: str | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.column = column


@dataclass(frozen=True)
class Template:
    """One value of an operand: ``prefix`` alone (a literal), or ``prefix``, a placeholder
    binding ``variable``, and ``suffix``. ``text`` is the value as written."""

    text: str
    prefix: str
    variable: str | None = None
    suffix: str = ""

    @property
    def is_literal(self) -> bool:
        return self.variable is None


@dataclass(frozen=True)
class Operand:
    """A part, whole, share or total over several columns: each ``over`` column (in the
    order of ``over``) and the template its value must match."""

    columns: tuple[tuple[str, Template], ...]

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables the operand binds, each once, in the order they first appear."""
        seen = (t.variable for _, t in self.columns if t.variable is not None)
        return tuple(dict.fromkeys(seen))

    def to_yaml(self) -> dict[str, str]:
        return {column: t.text for column, t in self.columns}

    def __str__(self) -> str:
        return ", ".join(f"{column}={t.text}" for column, t in self.columns)


def literal(column: str, value: str) -> Operand:
    """The operand of a one-column table form: ``column`` equal to ``value``."""
    return Operand(((column, Template(value.replace("{", "{{").replace("}", "}}"), value)),))


def parse_template(text: str) -> Template:
    """A value as written, read: literal text with at most one ``{name}`` placeholder."""
    pieces: list[str] = [""]  # literal text before, and after, the placeholder
    variable: str | None = None
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in ("{{", "}}"):
            pieces[-1] += pair[0]
            i += 2
        elif text[i] == "{":
            end = text.find("}", i)
            if end < 0:
                raise PatternError(
                    f"{text!r} opens a placeholder with '{{' that no '}}' closes",
                    "write {{ for a literal brace",
                )
            name = text[i + 1 : end]
            if not _NAME.fullmatch(name):
                raise PatternError(
                    f"{text!r}: {{{name}}} is not a placeholder",
                    "a placeholder names a variable: letters, digits and _ ({m}, {category})",
                )
            if variable is not None:
                raise PatternError(
                    f"{text!r} holds two placeholders; a value may hold one",
                    "split the value over two columns, or write one of them out",
                )
            variable = name
            pieces.append("")
            i = end + 1
        elif text[i] == "}":
            raise PatternError(
                f"{text!r} has a '}}' that closes no placeholder", "write }} for a literal brace"
            )
        else:
            pieces[-1] += text[i]
            i += 1
    return Template(text, pieces[0], variable, pieces[1] if variable is not None else "")


def read_operand(value: Any, over: tuple[str, ...]) -> Operand:
    """A mapping naming exactly the ``over`` columns, each a literal or a template
    (numbers are read as their text); a mistake is a PatternError naming the column."""
    if not isinstance(value, dict) or not value:
        raise PatternError(
            f"must be a mapping of each `over` column ({', '.join(over)}) to a value or "
            f"template, not {value!r}",
            'e.g. {metric: "{m}_share", category: "{c}"}',
        )
    extra = [str(k) for k in value if k not in over]
    if extra:
        raise PatternError(
            f"names {', '.join(map(repr, extra))}, not in `over` ({', '.join(over)})",
            "add the column to `over`, or select on it with `figures:`",
        )
    absent = [c for c in over if c not in value]
    if absent:
        raise PatternError(
            f"does not name {', '.join(map(repr, absent))}: every `over` column needs a value",
            'a template such as "{x}" matches any value and binds it',
        )
    columns = []
    for column in over:
        v = value[column]
        if isinstance(v, bool) or not isinstance(v, str | int) or v == "":
            raise PatternError(
                f"must be a value or a template, not {v!r}",
                'a literal (ALL), or a template with one placeholder ("{m}_share")',
                column,
            )
        try:
            columns.append((column, parse_template(str(v))))
        except PatternError as exc:
            raise PatternError(exc.message, exc.hint, column) from None
    return Operand(tuple(columns))


def check_bound(operand: Operand, by: Operand, names: tuple[str, str]) -> None:
    """Every variable of ``operand`` is bound by ``by``; ``names`` are the two fields' names
    (the operand's first), for the message."""
    free = [v for v in operand.variables if v not in by.variables]
    if free:
        listed = ", ".join("{" + v + "}" for v in free)
        raise PatternError(
            f"`{names[0]}` uses {listed}, which `{names[1]}` does not bind",
            f"rows are matched on the variables they share: name {listed} in `{names[1]}` too, "
            "or write a literal value",
        )


def read_over(value: Any) -> tuple[str, ...]:
    """``over`` as a list of distinct column names."""
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(c, str) and c.strip() for c in value)
    ):
        raise PatternError(f"`over` must name a column or list columns, not {value!r}")
    if len(set(value)) != len(value):
        raise PatternError(f"`over` lists a column twice: {value!r}")
    return tuple(value)


# ---------------------------------------------------------------- read from a rule


def operand(r: RuleReader, key: str, over: tuple[str, ...]) -> Operand:
    """The operand under ``key`` of the rule ``r`` reads; a mistake points to its line."""
    return _operand(r, r.required(key), key, over)


def operands(r: RuleReader, key: str, over: tuple[str, ...]) -> tuple[Operand, ...]:
    """A list of operands under ``key`` (each listed once)."""
    items = r.required(key)
    if not isinstance(items, list) or not items:
        raise r.error(f"`{key}` must be a mapping or a non-empty list of mappings", key)
    found = tuple(_operand(r, item, key, over) for item in items)
    if len(set(found)) != len(found):
        raise r.error(f"`{key}` lists the same part twice", key)
    return found


def over_columns(r: RuleReader) -> tuple[str, ...]:
    try:
        return read_over(r.m["over"])
    except PatternError as exc:
        raise as_error(r, exc, "over") from None


def as_error(r: RuleReader, exc: PatternError, key: str, value: Any = None) -> StatcheckError:
    """A PatternError about ``key`` as the suite's error, at the line of the column it names."""
    line = value.line_of(exc.column) if exc.column and isinstance(value, Mapping) else None
    where = f"`{key}.{exc.column}`:" if exc.column else f"`{key}`"
    message = exc.message if exc.message.startswith("`") else f"{where} {exc.message}"
    return r.error(message, key, exc.hint, line=line)


def _operand(r: RuleReader, value: Any, key: str, over: tuple[str, ...]) -> Operand:
    try:
        return read_operand(value, over)
    except PatternError as exc:
        raise as_error(r, exc, key, value) from None


# ---------------------------------------------------------------- a whole the table never printed


@dataclass(frozen=True)
class SumOver:
    """A whole the publisher never printed: the sum of the part's figures over ``columns``
    (dimensions, ``source`` or ``metric``; never an ``over`` column). A share's whole is
    then the interval sum of every part row that agrees with its own part on all other
    columns (and on the variables the part binds): ``{sum_over: [sex, occupation]}`` is
    the year's total over every sex and occupation."""

    columns: tuple[str, ...]

    def to_yaml(self) -> dict[str, list[str]]:
        return {"sum_over": list(self.columns)}

    def __str__(self) -> str:
        return f"the sum over {', '.join(self.columns)}"


SUM_OVER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "a whole the table never printed: the sum of the part's figures over "
    "these columns",
    "properties": {
        "sum_over": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "minLength": 1},
        }
    },
    "required": ["sum_over"],
    "additionalProperties": False,
}


def is_sum_over(value: Any) -> bool:
    """Whether a value as written is a ``{sum_over: ...}`` mapping (rather than an operand
    or a selector)."""
    return isinstance(value, dict) and "sum_over" in value


def read_sum_over(value: Any, over: tuple[str, ...]) -> SumOver:
    """``{sum_over: [columns]}``: distinct column names, none of them an ``over`` column
    (a PatternError otherwise)."""
    extra = [str(k) for k in value if k != "sum_over"]
    if extra:
        raise PatternError(
            f"holds {', '.join(map(repr, extra))} beside `sum_over`, which stands alone",
            "select the rows with `figures:`",
        )
    columns = value["sum_over"]
    if isinstance(columns, str):
        columns = [columns]
    if (
        not isinstance(columns, list)
        or not columns
        or not all(isinstance(c, str) and c.strip() for c in columns)
    ):
        raise PatternError(
            f"must list under `sum_over` the columns the whole is summed over, not {columns!r}",
            "e.g. {sum_over: [sex, occupation]}",
        )
    if len(set(columns)) != len(columns):
        raise PatternError(f"lists a column twice under `sum_over`: {columns!r}")
    inside = [c for c in columns if c in over]
    if inside:
        raise PatternError(
            f"sums over {', '.join(map(repr, inside))}, which `over` uses to tell the part "
            "from the share",
            "sum over other columns: the dimensions the shares are broken down by",
        )
    return SumOver(tuple(columns))
