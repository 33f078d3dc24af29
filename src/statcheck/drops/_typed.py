"""Typed cells (Parquet, JSON, a database) as text, the same on every backend: integers
as digits, other numbers as the shortest text that reads back as the same number (with
``.0`` when whole, printed by polars on every backend), dates as ISO dates; numbers and
dates kept where the caller asks (a figure's value is never printed and read back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import narwhals as nw

from statcheck.errors import (
    UNSUPPORTED_COLUMN_TYPE,
    Location,
)

# Whole floats below this print the same way on every backend once written as digits + ".0".
_WHOLE_LIMIT = 1e16


def typed_as_text(
    frame: nw.DataFrame[Any], keep_numbers: set[str], keep_dates: set[str], path: Path | str
) -> nw.DataFrame[Any]:
    """Text columns as they are; numbers and dates kept where asked; every other typed
    column as text, the same on every backend."""
    convert: list[nw.Expr | nw.Series[Any]] = []
    for name, dtype in frame.schema.items():
        if dtype == nw.String or name == "_source_row":  # row numbers stay numbers
            continue
        if name in keep_numbers and dtype.is_numeric():
            continue
        if name in keep_dates and (dtype == nw.Date or dtype == nw.Datetime):
            continue
        if dtype.is_float():
            convert.append(_float_text(frame, name))
        else:
            convert.append(_text_of(frame, name, dtype, path))
    return frame.with_columns(convert) if convert else frame


def _float_text(frame: nw.DataFrame[Any], name: str) -> nw.Series[Any]:
    """A float column as text, printed by polars whatever the frame's library: pyarrow
    prints 2.715830011867641e-06 as 0.000002715830011867641 and 1000000000000000.5 as
    1.0000000000000005e+15, polars the other way round, and the text of a dimension or
    period becomes a figure's id. Whole numbers are written here (polars prints 56.0 as
    "56.0", pyarrow as "56")."""
    import polars as pl

    numbers = nw.from_native(
        pl.DataFrame({name: pl.from_arrow(frame.get_column(name).to_arrow())}), eager_only=True
    )
    x = nw.col(name).cast(nw.Float64)
    whole = x.is_finite() & (x == x.floor()) & (x.abs() < _WHOLE_LIMIT)
    digits = nw.when(whole).then(x).otherwise(nw.lit(0.0)).cast(nw.Int64).cast(nw.String)
    printed = (
        nw.when(x.is_nan())
        .then(nw.lit("NaN"))
        .otherwise(
            nw.when(whole).then(nw.concat_str([digits, nw.lit(".0")])).otherwise(x.cast(nw.String))
        )
    )
    texts = numbers.select(printed.alias(name)).get_column(name).to_arrow()
    return nw.new_series(name, texts, nw.String, backend=frame.implementation)


def _text_of(frame: nw.DataFrame[Any], name: str, dtype: Any, path: Path | str) -> nw.Expr:
    col = nw.col(name)
    if dtype == nw.Datetime:
        midnight = (
            (col.dt.hour() == 0)
            & (col.dt.minute() == 0)
            & (col.dt.second() == 0)
            & (col.dt.nanosecond() == 0)
        )
        return (
            nw.when(midnight)
            .then(col.cast(nw.Date).cast(nw.String))
            .otherwise(col.cast(nw.String))
            .alias(name)
        )
    if (
        dtype.is_numeric()
        or dtype.is_boolean()
        or dtype == nw.Date
        or dtype in (nw.Categorical, nw.Enum, nw.Unknown)
    ):
        return col.cast(nw.String).alias(name)
    found = frame.with_row_index("_i").filter(~col.is_null())
    row = int(found.item(0, "_i")) + 2 if len(found) else None
    raise UNSUPPORTED_COLUMN_TYPE(
        f"column {name!r} holds {dtype} values, which cannot be read as figures",
        location=Location(file=str(path), row=row, column=name),
        hint="cells must be text, numbers, true/false, dates or empty",
    )
