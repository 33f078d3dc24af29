"""The few operations narwhals does not offer, as the rules call them.

Each is answered by the frame's library (:mod:`statcheck.backends`): nothing here asks
which library is underneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw

from statcheck.backends import all_distinct as all_distinct
from statcheck.backends import backend_of
from statcheck.backends import collect_all as collect_all
from statcheck.backends import python_rows as python_rows


def extract_groups(
    frame: nw.DataFrame[Any], column: str, pattern: str, prefix: str
) -> nw.DataFrame[Any]:
    """Add one text column per named group of ``pattern`` matched against ``column``.

    Non-matching rows get nulls in every group column. ``pattern`` uses only syntax shared
    by Python's ``re`` and Rust's ``regex`` (named groups, no look-arounds).
    """
    return backend_of(frame).extract_groups(frame, column, pattern, prefix)


def join_in_order(frame: nw.DataFrame[Any], other: nw.DataFrame[Any], on: str) -> nw.DataFrame[Any]:
    """``frame`` with the columns of ``other`` for its value of ``on`` (a left join; ``other``
    has one row per value), rows in ``frame``'s order (narwhals promises no order for a
    join's rows)."""
    return backend_of(frame).join_in_order(frame, other, on)


def small_frame(
    data: dict[str, list[Any]], schema: dict[str, Any], like: nw.LazyFrame[Any]
) -> nw.LazyFrame[Any]:
    """A few rows built in Python (a rule's hierarchy, a handful of collected rows) as a
    lazy frame of ``like``'s backend, to join with it; ``schema`` holds narwhals dtypes."""
    return backend_of(like).small_frame(data, schema, like)


def to_lazy(frame: nw.DataFrame[Any], like: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """A collected (small) frame back as a lazy frame of ``like``'s backend."""
    if frame.implementation == like.implementation:
        return frame.lazy()
    return small_frame(frame.to_dict(as_series=False), dict(frame.schema), like)


def split_explode(frame: nw.LazyFrame[Any], column: str, sep: str, alias: str) -> nw.LazyFrame[Any]:
    """One row per ``sep``-separated item of ``column`` (as ``alias``); null or blank items dropped.

    Most cells hold a single item: only the cells that contain ``sep`` are split (building
    a list per cell costs more than the rest of the work together). Rows come out in no
    promised order.
    """
    several = nw.col(column).str.contains(sep, literal=True).fill_null(False)
    single = frame.filter(~several).with_columns(nw.col(column).str.strip_chars().alias(alias))
    multi = backend_of(frame).split_explode(frame.filter(several), column, sep, alias)
    out = nw.concat([single, multi.select(single.collect_schema().names())])
    return out.filter(~nw.col(alias).is_null() & (nw.col(alias) != ""))


def reused(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """A lazy query that several later queries read. Polars plans them together and
    computes shared parts once, so it stays a plan; on Spark it is computed now and kept,
    so that each later query neither recomputes it nor analyses its whole lineage again."""
    return backend_of(frame).reused(frame)


def kept(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """``frame`` computed now and kept (in memory; on Spark, by the executors), for
    queries that read it more than once: a few rows one query joins twice, or rows a rule
    reads in two rounds (``reused`` is for several queries of one round: a lazy library
    plans those together)."""
    return backend_of(frame).kept(frame)


def computed(frame: nw.LazyFrame[Any]) -> bool:
    """Whether ``frame`` was computed as it was written (pandas computes every step at
    once): reading it again then costs nothing, where a lazy library would compute it
    again or keep it in memory."""
    return backend_of(frame).eager


def rows_with(frame: nw.LazyFrame[Any], column: str, values: Sequence[Any]) -> nw.LazyFrame[Any]:
    """The rows of ``frame`` whose ``column`` is one of ``values``: an ``is_in`` filter, or
    what the library does faster for many values (a semi join on Spark)."""
    return backend_of(frame).rows_with(frame, column, values)


def day_number(day: nw.Expr) -> nw.Expr:
    """A date as the number yyyymmdd: in the same order as the dates, and a number on
    every library (pandas has no running maximum of dates, Spark no date as a key of all)."""
    # Cast first: polars gives the month and day as 8-bit integers. (32 bits hold year 9999's
    # last day, 99991231: half the memory of 64 through a rule's joins and sorts.)
    year, month, day_ = (e.cast(nw.Int32) for e in (day.dt.year(), day.dt.month(), day.dt.day()))
    return year * 10_000 + month * 100 + day_


def joined_to_few(few: nw.LazyFrame[Any], many: nw.LazyFrame[Any], on: str) -> nw.LazyFrame[Any]:
    """``few`` (rows of a few keys) inner-joined on ``on`` with ``many`` (a whole table,
    each key in a row or two), as fast as the library joins a few keys with many."""
    return backend_of(few).joined_to_few(few, many, on)


def narrowed(
    frame: nw.LazyFrame[Any], other: nw.LazyFrame[Any], on: Sequence[str]
) -> nw.LazyFrame[Any]:
    """``frame`` about to be joined with rows of ``other`` on ``on`` (codes, small
    integers): as it is, or without the rows whose values of ``on`` no row of ``other``
    shows, where dropping them first makes the join cheaper (pandas: a merge hashes every
    row of both sides; a lazy library's join reads no more than it must, and a semi join
    first measured slower on polars)."""
    return backend_of(frame).narrowed(frame, other, on)


def plain_numbers(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """``frame`` (a few rows, to be joined onto many) with its numbers in the library's
    plainest form, the fastest to copy row by row."""
    return backend_of(frame).plain_numbers(frame)


def with_previous(
    frame: nw.LazyFrame[Any], group: str, order: str, columns: dict[str, str]
) -> nw.LazyFrame[Any]:
    """``frame`` with, for each ``column: alias``, the value of the row before in its
    ``group`` in ``order`` (null for a group's first row). ``order`` is one column that
    sorts the whole frame with each group's rows together (one sort key, not the group and
    then the order: a sort on several keys costs half as much again). Among rows tied in
    ``order`` "the row before" is any of them, whichever the library puts first."""
    return backend_of(frame).with_previous(frame, group, order, columns)
