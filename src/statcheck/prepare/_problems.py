"""Refusing a table: the first offending rows of a check, as one error naming them."""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.backends import collect_all
from statcheck.errors import (
    ErrorKind,
    Location,
)

MAX_EXAMPLES = 5


def scan(frame: nw.DataFrame[Any], exprs: list[nw.Expr]) -> tuple[Any, ...]:
    """The one row of aggregates ``exprs`` over ``frame``. Run as a lazy query: polars
    then reads the column in chunks on every core, where an eager select uses one."""
    (row,) = collect_all([frame.lazy().select(exprs)])
    return row.row(0)


def problem(
    frame: nw.DataFrame[Any],
    mask: nw.Expr,
    column: str,
    message: str,
    kind: ErrorKind,
    file: str | None,
    hint: str | None = None,
    probe: nw.DataFrame[Any] | None = None,
) -> None:
    """Raise a DataError naming the first offending rows, if any row matches ``mask``.

    ``probe``: the distinct values of the one column ``mask`` reads, when known; a row
    matches only if one of them does, so they are looked at instead of every row."""
    if not scan(frame if probe is None else probe, [mask.fill_null(False).any()])[0]:
        return
    raise_problem(frame, mask, column, message, kind, file, hint)


def refuse_empty(
    frame: nw.DataFrame[Any], columns: list[str], kind: ErrorKind, file: str | None
) -> None:
    """The empty-cell checks of several columns in one pass; the first column with an
    empty cell is reported."""
    if not columns:
        return
    flags = scan(frame, [nw.col(c).is_null().any().alias(c) for c in columns])
    for c, flagged in zip(columns, flags, strict=True):
        if flagged:
            raise_problem(frame, nw.col(c).is_null(), c, f"{c} is empty", kind, file)


def raise_problem(
    frame: nw.DataFrame[Any],
    mask: nw.Expr,
    column: str,
    message: str,
    kind: ErrorKind,
    file: str | None,
    hint: str | None = None,
) -> None:
    bad = frame.filter(mask)
    examples = bad.head(MAX_EXAMPLES).select("_row", column).rows()
    first_row = examples[0][0]
    shown = "; ".join(f"row {r}: {v!r}" for r, v in examples)
    more = f" (and {len(bad) - len(examples)} more)" if len(bad) > len(examples) else ""
    raise kind(
        f"{message} in {len(bad)} row(s): {shown}{more}",
        location=Location(file=file, row=int(first_row), column=column),
        hint=hint,
    )
