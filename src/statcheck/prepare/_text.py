"""Text cells cleaned (stripped, blanks made missing), and a table taken in: its required
columns and values there, its rows numbered as the file's.

A text column with few distinct values (metric, unit, status, a dimension) is cleaned and
checked on those values: every cell is rewritten only when some value needs it, which in
most tables none does."""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.backends import backend_of, collect_all
from statcheck.errors import (
    BAD_HEADER,
    MISSING_COLUMN,
    MISSING_VALUE,
    Location,
)
from statcheck.prepare._problems import refuse_empty

# A text column whose first _SAMPLE_ROWS rows hold at most _FEW_DISTINCT values is worked
# on through its distinct values (finding them costs less than stripping every cell);
# printed values are read that way when at most half of the sample is distinct.
_SAMPLE_ROWS = 10_000


_FEW_DISTINCT = 1_000


# Text columns with few distinct values: column -> a one-column frame of those values.
Distinct = dict[str, nw.DataFrame[Any]]


def distinct_values(frame: nw.DataFrame[Any], columns: list[str], at_most: int) -> Distinct:
    """The distinct values of each of ``columns`` whose first _SAMPLE_ROWS rows hold at
    most ``at_most`` of them. None for a table no longer than the sample: there working
    on every cell costs no more, and a wide table of few rows would otherwise pay one
    query per column."""
    if not columns or len(frame) <= _SAMPLE_ROWS:
        return {}
    counts = frame.head(_SAMPLE_ROWS).select([nw.col(c).n_unique() for c in columns]).row(0)
    few = [c for c, n in zip(columns, counts, strict=True) if n <= at_most]
    # Collected together: polars finds each column's values on its own core.
    found = collect_all([frame.lazy().select(c).unique() for c in few])
    return dict(zip(few, found, strict=True))


def clean_text(frame: nw.DataFrame[Any], columns: list[str]) -> tuple[nw.DataFrame[Any], Distinct]:
    """Strip every text cell and turn blank ones into nulls, rewriting only the columns
    where that changes something. Also returns the cleaned distinct values of the
    columns that have few, for the checks and parsing that depend on a cell alone."""
    cleaned, distinct, _ = clean_text_as_read(frame, columns)
    return cleaned, distinct


def clean_text_as_read(
    frame: nw.DataFrame[Any], columns: list[str]
) -> tuple[nw.DataFrame[Any], Distinct, list[str]]:
    """``clean_text``, and which of ``columns`` it left as they were read (text already
    tidy: no cell rewritten)."""
    schema = frame.schema
    distinct = distinct_values(frame, [c for c in columns if schema[c] == nw.String], _FEW_DISTINCT)
    untidy = _untidy_columns(frame, columns, distinct)
    library = backend_of(frame)
    rewritten = set(untidy)
    for c in rewritten & set(distinct):
        distinct[c] = library.blank_to_null(distinct[c], [c]).unique()
    as_read = [c for c in columns if c not in rewritten]
    return library.blank_to_null(frame, untidy), distinct, as_read


def _untidy_columns(frame: nw.DataFrame[Any], columns: list[str], distinct: Distinct) -> list[str]:
    """The columns that cleaning changes: those with a cell that has spaces around it or
    is empty (found on the distinct values where known, else in one pass over the rest),
    and those not text yet (cleaning casts them)."""
    library = backend_of(frame)
    if not library.one_text_dtype:
        # pandas holds text in several dtypes (object, str, pyarrow), and cleaning also
        # makes them one: there every column is rewritten.
        return columns
    schema = frame.schema
    untidy = [c for c in columns if schema[c] != nw.String]
    untidy += [c for c, values in distinct.items() if library.untidy_columns(values, [c])]
    rest = [c for c in columns if schema[c] == nw.String and c not in distinct]
    return untidy + library.untidy_columns(frame, rest)


def text_columns(frame: nw.DataFrame[Any]) -> list[str]:
    """The columns cleaning works on: all but numbers, dates and the file's row numbers."""
    schema = frame.schema
    return [
        c
        for c, dtype in schema.items()
        if c != "_source_row" and not (dtype.is_numeric() or dtype.is_temporal())
    ]


def unchanged(values: nw.DataFrame[Any], column: str, expr: nw.Expr) -> bool:
    """Whether ``expr`` gives back each of the distinct values of ``column`` as it is
    (then applying it to every cell changes nothing)."""
    same = (expr == nw.col(column)) | (expr.is_null() & nw.col(column).is_null())
    return bool(values.select(same.fill_null(False).all()).item())


def intake(
    raw: nw.DataFrame[Any],
    what: str,
    required: tuple[str, ...],
    absent: list[str],
    hint: str,
    file: str | None,
    derived: tuple[str, ...] = ("_row",),
) -> tuple[nw.DataFrame[Any], Distinct, list[str]]:
    """Refuse a table without its required columns or values, or with a column named as
    one statcheck works out for each row (``derived``: it would be overwritten or clash);
    number the rows (the header is row 1) and turn blank cells into nulls. Returns the
    distinct values of the text columns that have few (see clean_text), and the text
    columns left as read."""
    if absent:
        raise MISSING_COLUMN(
            f"the {what} table lacks required column(s): {', '.join(absent)}",
            location=Location(file=file),
            hint=hint,
        )
    clash = [c for c in raw.columns if c in derived]
    if clash:
        raise BAD_HEADER(
            f"the {what} table has a column named {clash[0]}, a name statcheck keeps for itself",
            location=Location(file=file, column=clash[0]),
            hint=f"rename the column: statcheck works out {', '.join(derived)} for each row",
        )
    if "_source_row" in raw.columns:  # rows melted from a publisher's table keep their row
        frame = raw.rename({"_source_row": "_row"})
    else:
        frame = raw.with_row_index("_row").with_columns(nw.col("_row") + 2)
    frame, distinct, as_read = clean_text_as_read(frame, text_columns(raw))
    refuse_empty(frame, list(required), MISSING_VALUE, file)
    return frame, distinct, as_read
