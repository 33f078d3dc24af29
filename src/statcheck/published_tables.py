"""pandera schemas of the figure and source tables a pipeline hands to statcheck, for
pandas and for polars: they accept exactly the frames ``statcheck.validate`` accepts.

A pipeline can check its own output before handing it over::

    from statcheck.published_tables import PublishedFigureTable   # pandas
    PublishedFigureTable.validate(df, lazy=True)   # every problem at once, as pandera reports them
    from statcheck.published_tables import figure_table
    figure_table("polars").validate(pl_df, lazy=True)

(``statcheck.schemas`` has the same schemas under shorter names.) Each column is declared
once (``FIGURE_COLUMNS``, ``SOURCE_COLUMNS``) and both libraries' schemas are built from
the declaration. A value, precision or scale is printed text (``"60,000"``, whose
printing carries its precision) or a number; a period is a label (``2024-Q3``) or start
and end dates, as ISO text or dates; ids and names are text (integers are read as their
digits); every other column is a dimension. ``figure_table(values="number",
dates="text", ids="text")`` narrows a column to one of its forms, which is what pandera's data
synthesis needs (``figure_table(...).example(size=5)``).

Importing this module imports pandera and pandas.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from typing import Any

from statcheck.model.figure import FigureStatus, SourceKind
from statcheck.model.value import QUALIFIER_WORDS, Qualifier

# What validate reads: a date as ISO text, a precision or scale as a plain number. Spaces
# around a cell are allowed where validate strips them; patterns stay within ASCII (no
# Unicode digits, spaces or case folding), so a cell they accept validate reads alike.
_PAD = "[ ]*"
_DAY = (  # a day of the calendar, 29 February only in leap years
    r"[1-9][0-9]{3}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)"
    r"|(0[13578]|1[02])-31)"
    r"|([1-9][0-9](0[48]|[2468][048]|[13579][26])|([2468][048]|[13579][26])00)-02-29"
)
_DATE = rf"^{_PAD}({_DAY}){_PAD}$"  # years 1000 to 9999
_PLAIN_NUMBER = rf"^{_PAD}[0-9]*\.?[0-9]+{_PAD}$"
_POSITIVE_NUMBER = rf"^{_PAD}([0-9]*[1-9][0-9]*(\.[0-9]+)?|[0-9]*\.[0-9]*[1-9][0-9]*){_PAD}$"
_NOT_BLANK = r"^[^\s](.*[^\s])?$"  # no spaces around: validate strips them (an id stays itself)


def _one_of(words: list[str]) -> str:
    """Any of the words, in any case, words apart by spaces or underscores."""

    def caseless(word: str) -> str:
        parts = (f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)
        return "".join(parts).replace(re.escape(" "), "[ _]+")

    return rf"^{_PAD}(" + "|".join(caseless(w) for w in words) + rf"){_PAD}$"


_QUALIFIERS = sorted({*QUALIFIER_WORDS, *(q.value for q in Qualifier)} - {""})


@dataclass(frozen=True)
class ColumnSpec:
    """One column as validate takes it: the forms it may have (``text``, ``integer``,
    ``number``, ``date``), whether it must be there and filled, and what its text says."""

    name: str
    forms: tuple[str, ...]
    required: bool = False
    filled: bool = False  # no empty cell
    unique: bool = False
    text: str | None = None  # a pattern every text cell matches
    at_least: float | None = None  # every number is at least this
    above_least: bool = False  # ... and not equal to it
    description: str = ""


_ID = ("text", "integer")
_TEXT_OR_NUMBER = ("text", "number")
_TEXT_OR_DATE = ("text", "date")

FIGURE_COLUMNS = (
    ColumnSpec("figure_id", _ID, True, True, True, _NOT_BLANK, description="the figure's own id"),
    ColumnSpec("metric", _ID, True, True, text=_NOT_BLANK),
    ColumnSpec("value", _TEXT_OR_NUMBER, True, True, text=_NOT_BLANK,
               description="the value as printed (60,000; about 1.2 million) or a number"),
    ColumnSpec("unit", _ID, True, True, text=_NOT_BLANK),
    ColumnSpec("source_id", _ID, True, True, text=_NOT_BLANK),
    ColumnSpec("qualifier", ("text",), text=_one_of(_QUALIFIERS)),
    ColumnSpec("precision", _TEXT_OR_NUMBER, text=_PLAIN_NUMBER, at_least=0),
    ColumnSpec("scale", _TEXT_OR_NUMBER, text=_POSITIVE_NUMBER, at_least=0, above_least=True),
    ColumnSpec("period", ("text",), text=_NOT_BLANK, description="a period label: 2024, 2024-Q3"),
    ColumnSpec("period_start", _TEXT_OR_DATE, text=_DATE),
    ColumnSpec("period_end", _TEXT_OR_DATE, text=_DATE),
    ColumnSpec("cites", ("text",), description="';'-separated source ids"),
    ColumnSpec("published_at", _TEXT_OR_DATE, text=_DATE),
    ColumnSpec("status", ("text",), text=_one_of([s.value for s in FigureStatus])),
    ColumnSpec("note", ("text",)),
)  # fmt: skip

SOURCE_COLUMNS = (
    ColumnSpec("source_id", _ID, True, True, True, _NOT_BLANK),
    ColumnSpec("name", ("text",), True, True, text=_NOT_BLANK),
    ColumnSpec("kind", ("text",), True, True, text=_one_of([k.value for k in SourceKind])),
    ColumnSpec("url", ("text",)),
    ColumnSpec("note", ("text",)),
)

LIBRARIES = ("pandas", "polars")


def figure_table(
    library: str = "pandas",
    *,
    values: str | None = None,
    dates: str | None = None,
    ids: str | None = None,
) -> Any:
    """The pandera schema of the figure tables ``validate`` accepts on ``library``.
    ``values`` (``text`` or ``number``), ``dates`` (``text`` or ``date``) and ``ids``
    (``text`` or ``integer``) narrow the value, precision and scale columns, the date
    columns, and the id columns to one form."""
    narrowed = {"value": values, "precision": values, "scale": values}
    narrowed |= dict.fromkeys(("figure_id", "metric", "unit", "source_id"), ids)
    narrowed |= {"period_start": dates, "period_end": dates, "published_at": dates}
    columns = tuple(_narrow(spec, narrowed.get(spec.name)) for spec in FIGURE_COLUMNS)
    if dates is not None:  # a synthesised table needs a period: the dates, then
        columns = tuple(
            replace(c, required=True, filled=True)
            if c.name in ("period_start", "period_end")
            else c
            for c in columns
            if c.name != "period"
        )
    return _schema(library, "FigureTable", columns, has_period=True)


def source_table(library: str = "pandas") -> Any:
    """The pandera schema of the source tables ``validate`` accepts on ``library``."""
    return _schema(library, "SourceTable", SOURCE_COLUMNS, has_period=False)


def _narrow(spec: ColumnSpec, form: str | None) -> ColumnSpec:
    if form is None:
        return spec
    if form not in spec.forms:
        raise ValueError(f"{spec.name} is {' or '.join(spec.forms)}, not {form}")
    return replace(spec, forms=(form,))


def _schema(library: str, name: str, columns: tuple[ColumnSpec, ...], has_period: bool) -> Any:
    if library == "pandas":
        return _pandas_schema(name, columns, has_period)
    if library == "polars":
        return _polars_schema(name, columns, has_period)
    raise ValueError(f"library {library!r}: use one of {', '.join(LIBRARIES)}")


_LARGEST = sys.float_info.max  # numbers are finite


def _least(spec: ColumnSpec) -> float:
    return -_LARGEST if spec.at_least is None else spec.at_least


_PERIOD_ERROR = "a figure table has a period column, or period_start and period_end"


def _has_period(names: list[str]) -> bool:
    return "period" in names or {"period_start", "period_end"} <= set(names)


def _forms_said(spec: ColumnSpec) -> str:
    return f"{spec.name} is {' or '.join(spec.forms)}"


# ---------------------------------------------------------------- pandas


def _pandas_schema(name: str, columns: tuple[ColumnSpec, ...], has_period: bool) -> Any:
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            c.name: pa.Column(
                _PANDAS_DTYPES[c.forms[0]] if len(c.forms) == 1 else None,
                checks=_pandas_checks(c),
                nullable=not c.filled,
                unique=c.unique,
                required=c.required,
                description=c.description or None,
            )
            for c in columns
        },
        checks=[pa.Check(lambda df: _has_period(list(df.columns)), error=_PERIOD_ERROR)]
        if has_period
        else [],
        strict=False,  # every other column is a dimension
        coerce=False,  # never turn one thing into another silently
        name=name,
    )


_PANDAS_DTYPES = {"text": "str", "integer": "int64", "number": "float64", "date": "datetime64[ns]"}


def _pandas_checks(spec: ColumnSpec) -> list[Any]:
    import pandera.pandas as pa

    if len(spec.forms) == 1:  # pandera's own checks, which its data synthesis knows
        form = spec.forms[0]
        if form == "text" and spec.text:
            return [pa.Check.str_matches(spec.text)]
        if form == "number":  # finite (validate refuses inf), and not below the least
            return [pa.Check.in_range(_least(spec), _LARGEST, include_min=not spec.above_least)]
        return []
    return [pa.Check(lambda s: _pandas_in_form(s, spec), error=_forms_said(spec))]


def _pandas_in_form(s: Any, spec: ColumnSpec) -> Any:
    """Per cell: whether it is one of the column's forms (text matching its pattern, a
    number not below its least, a date)."""
    import pandas as pd

    types = pd.api.types
    if types.is_bool_dtype(s):
        return False
    if types.is_string_dtype(s) or types.is_object_dtype(s):
        if "text" not in spec.forms:
            return False
        text = s.astype("str")
        return s.isna() | (text.str.match(spec.text) if spec.text else True)
    if types.is_integer_dtype(s) and "integer" in spec.forms:
        return True
    if types.is_numeric_dtype(s) and "number" in spec.forms:
        inclusive = "right" if spec.above_least else "both"
        return s.isna() | s.between(_least(spec), _LARGEST, inclusive=inclusive)
    return bool(types.is_datetime64_any_dtype(s) and "date" in spec.forms)


# ---------------------------------------------------------------- polars


def _polars_schema(name: str, columns: tuple[ColumnSpec, ...], has_period: bool) -> Any:
    import pandera.polars as pap

    def period(data: Any) -> bool:
        return _has_period(data.lazyframe.collect_schema().names())

    return pap.DataFrameSchema(
        {
            c.name: pap.Column(
                _polars_dtype(c.forms[0]) if len(c.forms) == 1 else None,
                checks=_polars_checks(c),
                nullable=not c.filled,
                unique=c.unique,
                required=c.required,
                description=c.description or None,
            )
            for c in columns
        },
        checks=[pap.Check(period, error=_PERIOD_ERROR)] if has_period else [],
        strict=False,
        coerce=False,
        name=name,
    )


def _polars_dtype(form: str) -> Any:
    import polars as pl

    return {"text": pl.String, "integer": pl.Int64, "number": pl.Float64, "date": pl.Date}[form]


def _polars_checks(spec: ColumnSpec) -> list[Any]:
    import pandera.polars as pap

    if len(spec.forms) == 1:
        form = spec.forms[0]
        if form == "text" and spec.text:
            return [pap.Check.str_matches(spec.text)]
        if form == "number":
            return [pap.Check.in_range(_least(spec), _LARGEST, include_min=not spec.above_least)]
        return []
    return [pap.Check(lambda data: _polars_in_form(data, spec), error=_forms_said(spec))]


def _polars_in_form(data: Any, spec: ColumnSpec) -> Any:
    """As :func:`_pandas_in_form`, as a polars expression over the column."""
    import polars as pl

    dtype = data.lazyframe.collect_schema()[data.key]
    column = pl.col(data.key)
    if dtype == pl.String and "text" in spec.forms:
        ok = column.is_null() | column.str.contains(spec.text) if spec.text else pl.lit(True)
    elif dtype.is_integer() and "integer" in spec.forms:
        ok = pl.lit(True)
    elif dtype.is_numeric() and "number" in spec.forms:
        ok = column.is_null() | column.is_between(
            _least(spec), _LARGEST, closed="right" if spec.above_least else "both"
        )
    elif dtype.is_temporal() and "date" in spec.forms:
        ok = pl.lit(True)
    else:
        ok = pl.lit(False)
    return data.lazyframe.select(ok.alias(data.key))


PublishedFigureTable = figure_table("pandas")
PublishedSourceTable = source_table("pandas")

__all__ = [
    "FIGURE_COLUMNS",
    "SOURCE_COLUMNS",
    "ColumnSpec",
    "PublishedFigureTable",
    "PublishedSourceTable",
    "figure_table",
    "source_table",
]
