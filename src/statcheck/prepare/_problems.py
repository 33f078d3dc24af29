"""Refusing a table: the first offending rows of a check, as one error naming them.

A row melted from a publisher's table (a suite's ``table:`` mapping) carries the
publisher's column its value was printed in (``SOURCE_COLUMN``): an error about a value
names that column, as the user sees it in the file, not the figure table's ``value``."""

from __future__ import annotations

import re
from typing import Any

import narwhals as nw

from statcheck.backends import collect_all
from statcheck.errors import (
    INVALID_NUMBER,
    MISSING_VALUE,
    ErrorKind,
    Location,
)

MAX_EXAMPLES = 5
_DIGIT = re.compile("[0-9]")
SOURCE_COLUMN = "_column"  # the publisher's column a mapped table's value was printed in


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
    shown: str | None = None,
) -> None:
    """Raise a DataError naming the first offending rows, if any row matches ``mask``.

    ``probe``: the distinct values of the one column ``mask`` reads, when known; a row
    matches only if one of them does, so they are looked at instead of every row.
    ``shown``: the column whose cells the error quotes, where not ``column`` (the text
    a value was printed as)."""
    if not scan(frame if probe is None else probe, [mask.fill_null(False).any()])[0]:
        return
    raise_problem(frame, mask, column, message, kind, file, hint, shown)


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
    shown: str | None = None,
) -> None:
    bad = frame.filter(mask)
    printed = column == "value" and SOURCE_COLUMN in frame.columns
    where = [SOURCE_COLUMN] if printed else []
    examples = bad.head(MAX_EXAMPLES).select("_row", shown or column, *where).rows()
    first_row = examples[0][0]
    shown = "; ".join(
        f"row {e[0]}{f' ({e[2]})' if printed else ''}: {_cell(e[1])}" for e in examples
    )
    more = f" (and {len(bad) - len(examples)} more)" if len(bad) > len(examples) else ""
    raise kind(
        f"{message} in {len(bad)} row(s): {shown}{more}",
        location=Location(
            file=file, row=int(first_row), column=examples[0][2] if printed else column
        ),
        hint=hint,
    )


def _cell(value: Any) -> str:
    """A cell as an error shows it: quoted, or ``empty``."""
    return "empty" if value is None else repr(value)


def value_cell(cells: nw.DataFrame[Any]) -> tuple[int, Any, str]:
    """The first of ``cells`` (rows of a figure table being built): its row in the file,
    its value as printed, and the column it was printed in (the publisher's, for a
    mapped table)."""
    printed = SOURCE_COLUMN in cells.columns
    first = cells.select("_row", "value", *([SOURCE_COLUMN] if printed else [])).row(0)
    return int(first[0]), first[1], str(first[2]) if printed else "value"


def marker_hint(
    cells: nw.DataFrame[Any], cell: Any, kind: ErrorKind, hint: str | None
) -> str | None:
    """For a value of a publisher's table (mapped by a suite's ``table:``) that marks a
    missing figure, or holds no digit at all (``(D)``, ``*``): the publisher's file stays
    as published, so the marker is declared."""
    marker = str(cell).strip()
    if SOURCE_COLUMN not in cells.columns:
        return hint
    if kind is not MISSING_VALUE and (kind is not INVALID_NUMBER or _DIGIT.search(marker)):
        return hint
    return (
        f"the publisher prints {marker!r} where it gives no figure: declare it in the "
        f"suite's `table:` mapping, e.g. missing_values: {{{marker!r}: not-available}}, "
        "and each such cell is no figure, counted by its reason"
    )
