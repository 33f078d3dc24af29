"""Dates and periods: each distinct text parsed once by the figure model's parser (a table
has few distinct dates, however many rows), then looked up for every row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import narwhals as nw

from statcheck.errors import (
    INVALID_PERIOD,
    MISSING_PERIOD,
    Location,
    StatcheckError,
    kind_of,
)
from statcheck.model.period import parse_date, parse_period
from statcheck.prepare._problems import problem, refuse_empty
from statcheck.prepare._text import Distinct

T = TypeVar("T")


def parse_each(
    frame: nw.DataFrame[Any],
    column: str,
    values: nw.DataFrame[Any] | None,
    parse: Callable[[str], T],
    file: str | None,
) -> dict[str, T]:
    """``parse`` applied once to each distinct text of ``column`` (``values``, when known).
    A text it refuses is reported at the first row holding one."""
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
        row, text = bad.select("_row", column).row(0)
        first = refused[text]
        raise (kind_of(first.slug) or INVALID_PERIOD)(
            first.message,
            location=Location(file=file, row=int(row), column=column),
            hint=first.hint,
        )
    return parsed


def parse_dates(
    frame: nw.DataFrame[Any], column: str, file: str | None, values: nw.DataFrame[Any] | None
) -> nw.DataFrame[Any]:
    if column not in frame.columns:
        return frame
    dtype = frame.schema[column]
    if dtype == nw.Date:  # a pipeline's frame with real dates: nothing to parse
        return frame
    if dtype == nw.Datetime:
        return frame.with_columns(nw.col(column).cast(nw.Date))
    mapping = parse_each(frame, column, values, parse_date, file)
    if not mapping:  # every cell empty (pandas cannot replace from an empty mapping)
        return frame.with_columns(nw.lit(None, dtype=nw.Date).alias(column))
    return frame.with_columns(
        nw.col(column).replace_strict(mapping, default=None, return_dtype=nw.Date).alias(column)
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
