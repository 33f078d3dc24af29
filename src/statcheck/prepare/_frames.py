"""A pipeline's frame taken as a table of cells: what stays typed and what becomes text,
and what a frame may not hold (column names that are not one level of distinct text,
cells that hold lists, mappings or other nested values)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import narwhals as nw

from statcheck.errors import BAD_HEADER, UNSUPPORTED_COLUMN_TYPE, Location

NUMERIC_COLUMNS = ("value", "precision", "scale")
DATE_COLUMNS = ("period_start", "period_end", "published_at")
_NESTED = (nw.List, nw.Struct, nw.Array)
# What pandas' own type inference calls an object column of plain cells (text, numbers,
# booleans, dates, or a mix of text and whole numbers); anything else is looked into.
_PLAIN_OBJECTS = {
    "string", "empty", "integer", "floating", "mixed-integer", "mixed-integer-float",
    "boolean", "decimal", "date", "datetime", "datetime64",
}  # fmt: skip


def as_text_frame(native: Any) -> nw.DataFrame[Any]:
    """A frame from a pipeline: text columns stay text, numbers in value, precision and
    scale stay numbers (exact unless a precision says otherwise), dates stay dates; the
    rest becomes text. A frame whose columns or cells are not a table of plain cells is
    refused, naming the column (and the first row) at fault."""
    _refuse_labels(native)
    frame: nw.DataFrame[Any] = nw.from_native(native, eager_only=True)
    _refuse_nested(frame, native)
    schema = frame.schema
    convert = [
        c
        for c in frame.columns
        if schema[c] != nw.String
        and not (c in NUMERIC_COLUMNS and schema[c].is_numeric())
        and not (c in DATE_COLUMNS and schema[c] in (nw.Date, nw.Datetime))
    ]
    return frame.with_columns([_as_text(frame, c) for c in convert]) if convert else frame


def _as_text(frame: nw.DataFrame[Any], column: str) -> nw.Expr:
    """A column as text; timestamps that are all at midnight as their dates (``2020-01-31``,
    as pandas prints them and a CSV would: a frame often holds its dates as timestamps;
    polars would print ``2020-01-31 00:00:00.000000``)."""
    cell = nw.col(column)
    if frame.schema[column] == nw.Datetime and frame.implementation.is_polars():
        clock = cell.dt.hour() * 3600 + cell.dt.minute() * 60 + cell.dt.second()
        at_midnight = ((clock == 0) & (cell.dt.nanosecond() == 0)).all()
        every = frame.select(at_midnight).item()  # None: every cell is missing
        if every is None or bool(every):
            return cell.cast(nw.Date).cast(nw.String)
    return cell.cast(nw.String)


def _refuse_labels(native: Any) -> None:
    """Column names must be one level of distinct text (pandas allows levels, repeats and
    numbers; polars only the last)."""
    columns = getattr(native, "columns", None)
    if columns is None or not hasattr(columns, "nlevels"):
        return
    if columns.nlevels > 1:
        raise BAD_HEADER(
            f"the frame's columns have {columns.nlevels} levels",
            hint="flatten them to one level of names first (e.g. '_'.join of each tuple)",
        )
    names = list(columns)
    times = Counter(names)
    repeated = sorted({str(n) for n in names if times[n] > 1})
    if repeated:
        raise BAD_HEADER(
            f"the frame names column(s) {', '.join(map(repr, repeated))} more than once",
            location=Location(column=repeated[0]),
            hint="give each column its own name",
        )
    not_text = [n for n in names if not isinstance(n, str)]
    if not_text:
        raise BAD_HEADER(
            f"the frame has column names that are not text: {not_text[:5]!r}",
            hint="name every column with text (df.columns = df.columns.astype(str))",
        )


def _refuse_nested(frame: nw.DataFrame[Any], native: Any) -> None:
    schema = frame.schema
    for name, dtype in schema.items():
        nested = isinstance(dtype, _NESTED) or dtype in _NESTED
        if nested or (dtype == nw.Object and not _plain_objects(native[name])):
            row = _first_nested_row(native[name]) if not nested else 2
            raise UNSUPPORTED_COLUMN_TYPE(
                f"column {name!r} holds {dtype} values (lists, mappings or other nested "
                "values), which cannot be read as figures",
                location=Location(row=row, column=name),
                hint="cells must be text, numbers, true/false, dates or empty",
            )


def _plain_objects(series: Any) -> bool:
    from pandas.api.types import infer_dtype

    if infer_dtype(series, skipna=True) in _PLAIN_OBJECTS:
        return True
    return _first_nested_row(series) is None


def _first_nested_row(series: Any) -> int | None:
    """The row (the header is row 1) of the first list, mapping, set, tuple or bytes in an
    object column whose cells pandas calls mixed: looked for only in such columns."""
    for i, cell in enumerate(series.array):
        if isinstance(cell, dict | list | set | tuple | bytes | frozenset):
            return i + 2
    return None
