"""Dates and periods: each distinct text parsed once by the figure model's parser (a table
has few distinct dates, however many rows), then looked up for every row. A publisher's
table gives its periods as the suite's ``table:`` mapping says (``printed_periods``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import narwhals as nw

from statcheck.contract.mapping import CONSTANT, FISCAL_YEAR, PeriodSpec
from statcheck.errors import (
    INVALID_DATE,
    INVALID_PERIOD,
    MISSING_PERIOD,
    Location,
    StatcheckError,
    kind_of,
)
from statcheck.model.period import (
    Period,
    month_number,
    parse_date,
    parse_period,
    printed_day,
    printed_fiscal_year,
    printed_month,
    printed_quarter,
    printed_year,
    quarter_number,
    year_number,
)
from statcheck.prepare._problems import problem, raise_problem, refuse_empty, scan
from statcheck.prepare._text import Distinct

T = TypeVar("T")


def parse_each(
    frame: nw.DataFrame[Any],
    column: str,
    values: nw.DataFrame[Any] | None,
    parse: Callable[[str], T],
    file: str | None,
    row: str = "_row",
) -> dict[str, T]:
    """``parse`` applied once to each distinct text of ``column`` (``values``, when known).
    A text it refuses is reported at the first row holding one (its number in ``row``)."""
    texts = (frame if values is None else values).get_column(column).drop_nulls().unique()
    parsed: dict[str, T] = {}
    refused: dict[str, StatcheckError] = {}
    for text in texts.to_list():
        try:
            parsed[text] = parse(text)
        except StatcheckError as exc:
            refused[text] = exc
    if refused:
        bad = frame.filter(nw.col(column).is_in(list(refused)))
        at, text = bad.select(row, column).row(0)
        first = refused[text]
        raise (kind_of(first.slug) or INVALID_PERIOD)(
            first.message,
            location=Location(file=file, row=int(at), column=column),
            hint=first.hint,
        )
    return parsed


def parse_dates(
    frame: nw.DataFrame[Any], column: str, file: str | None, values: nw.DataFrame[Any] | None
) -> nw.DataFrame[Any]:
    if column not in frame.columns:
        return frame
    dtype = frame.schema[column]
    if dtype in (nw.Date, nw.Datetime):  # a pipeline's frame with real dates: nothing to parse
        if dtype == nw.Datetime:
            frame = frame.with_columns(nw.col(column).cast(nw.Date))
        _refuse_far_dates(frame, column, file)
        return frame
    mapping = parse_each(frame, column, values, parse_date, file)
    if not mapping:  # every cell empty (pandas cannot replace from an empty mapping)
        return frame.with_columns(nw.lit(None, dtype=nw.Date).alias(column))
    return frame.with_columns(
        nw.col(column).replace_strict(mapping, default=None, return_dtype=nw.Date).alias(column)
    )


def _refuse_far_dates(frame: nw.DataFrame[Any], column: str, file: str | None) -> None:
    """Refuse a real date outside the years 1 to 9999 (dataframe libraries hold far more):
    a figure's period is a calendar date of those years, as a printed date is."""
    date = nw.col(column)
    # The first and last dates' years: a year per cell costs a calendar conversion each.
    if all(
        y is None or 1 <= y <= 9999
        for y in scan(
            frame, [date.min().dt.year().alias("first"), date.max().dt.year().alias("last")]
        )
    ):
        return
    far = (~date.dt.year().is_between(1, 9999)).fill_null(False)
    # Shown as text: such a date has no Python value.
    shown = frame.with_columns(far.alias("_far"), nw.col(column).cast(nw.String))
    raise_problem(
        shown,
        nw.col("_far"),
        column,
        f"{column} is not a date of the years 1 to 9999",
        INVALID_DATE,
        file,
        hint="statcheck reads calendar dates from 0001-01-01 to 9999-12-31",
    )


def parse_periods(
    frame: nw.DataFrame[Any], file: str | None, distinct: Distinct
) -> nw.DataFrame[Any]:
    if "period_start" not in frame.columns:
        # A period label column: each distinct label is parsed once.
        problem(
            frame, nw.col("period").is_null(), "period", "period is empty", MISSING_PERIOD, file
        )
        periods = parse_each(frame, "period", distinct.get("period"), parse_period, file)
        if not periods:  # no row (an empty cell is refused above): dates all the same
            no_date = nw.lit(None, dtype=nw.Date)
            dates = [no_date.alias("period_start"), no_date.alias("period_end")]
            return frame.with_columns(*dates).drop("period")
        starts = {text: p.start for text, p in periods.items()}
        ends = {text: p.end for text, p in periods.items()}
        return frame.with_columns(
            nw.col("period").replace_strict(starts, return_dtype=nw.Date).alias("period_start"),
            nw.col("period").replace_strict(ends, return_dtype=nw.Date).alias("period_end"),
        ).drop("period")
    refuse_empty(frame, ["period_start", "period_end"], MISSING_PERIOD, file)
    for c in ("period_start", "period_end"):
        frame = parse_dates(frame, c, file, distinct.get(c))
    return frame


# What a period column of each kind holds, read cell by cell (``label``: any period label,
# parsed later with the figure table's own periods).
_READERS: dict[str, Callable[[str], Period]] = {
    "year": printed_year,
    "month": printed_month,
    "quarter": printed_quarter,
    "date": printed_day,
}
# A month or quarter printed beside the year: its number, and the label it makes.
_PARTS: dict[str, tuple[Callable[[str], int], Callable[[int], str]]] = {
    "month": (month_number, lambda n: f"-{n:02d}"),
    "quarter": (quarter_number, lambda n: f"-Q{n}"),
}


def printed_periods(
    frame: nw.DataFrame[Any], spec: PeriodSpec, file: str | None, row: str = "_source_row"
) -> nw.Expr:
    """Each row's period, as the canonical label of the period the publisher's cells name
    (``2006-01`` for a month printed ``2006-01-01``), read as ``spec`` says. A cell that
    names no period of its kind is refused at its row and the publisher's column."""
    if spec.kind == CONSTANT:
        return nw.lit(spec.label, dtype=nw.String)
    for column in spec.columns:
        _refuse_empty(frame, column, file, row)
    if spec.year_column is not None:
        assert spec.column is not None
        number, suffix = _PARTS[spec.kind]
        years = _labels(frame, spec.year_column, lambda t: f"{year_number(t):04d}", file, row)
        parts = _labels(frame, spec.column, lambda t: suffix(number(t)), file, row)
        return nw.concat_str([years, parts])
    assert spec.column is not None
    if spec.kind == "label":  # any period label: the figure table parses it
        return _text(spec.column)
    if spec.kind == FISCAL_YEAR:
        assert spec.starts is not None
        starts = spec.starts
        fiscal = lambda t: printed_fiscal_year(t, starts).label()  # noqa: E731
        return _labels(frame, spec.column, fiscal, file, row)
    read = _READERS[spec.kind]
    return _labels(frame, spec.column, lambda t: read(t).label(), file, row)


def _labels(
    frame: nw.DataFrame[Any],
    column: str,
    label: Callable[[str], str],
    file: str | None,
    row: str,
) -> nw.Expr:
    """``column``'s cells as labels: each distinct text read once, then looked up."""
    texts = frame.select(row, _text(column).alias(column))
    mapping = parse_each(texts, column, None, label, file, row)
    if not mapping:  # no row (pandas cannot replace from an empty mapping)
        return nw.lit(None, dtype=nw.String)
    return _text(column).replace_strict(mapping, return_dtype=nw.String)


def _text(column: str) -> nw.Expr:
    """A period cell as text: a typed date prints as ``YYYY-MM-DD``, a timestamp with its
    time (the readers accept only midnight), a typed number as it casts (``1959.0``)."""
    return nw.col(column).cast(nw.String).str.strip_chars()


def _refuse_empty(frame: nw.DataFrame[Any], column: str, file: str | None, row: str) -> None:
    """A row whose period cell is empty has no period: refused at its row."""
    text = nw.col(column).cast(nw.String).str.strip_chars()
    empty = frame.filter(text.is_null() | (text == ""))
    if len(empty):
        raise MISSING_PERIOD(
            f"the period column {column!r} is empty in {len(empty)} row(s)",
            location=Location(file=file, row=int(empty.item(0, row)), column=column),
            hint="every row with a figure needs its period",
        )
