"""The dataframe libraries statcheck runs on (polars, pandas, Spark), behind one interface.

Everything else is written once against narwhals; what narwhals does not offer, or does
slowly on some library, is a method of :class:`Backend`, answered by each library in its
own private module. This package is the only place that asks which library a frame is
on: code elsewhere calls :func:`backend_of` (a frame's library) or :func:`backend_named`
(an engine's name) and uses what it returns.

Adding a library: a class in its own module, overriding what narwhals alone does not do
(:class:`~statcheck.backends._base.NarwhalsBackend`), and a line in ``_BY_IMPLEMENTATION``
and ``_BY_NAME``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import narwhals as nw
from narwhals import Implementation

from statcheck.backends._base import Backend, NarwhalsBackend
from statcheck.backends._pandas import PandasBackend
from statcheck.backends._polars import PolarsBackend
from statcheck.backends._spark import MAX_LITERALS, SparkBackend

if TYPE_CHECKING:
    from statcheck.prepare import ParsedFigureTable

__all__ = [
    "EAGER",
    "MAX_LITERALS",
    "Backend",
    "all_distinct",
    "backend_named",
    "backend_of",
    "collect_all",
    "to_pandas_table",
]

# The libraries a drop's files are read into (Spark gets its tables from polars).
EAGER = ("polars", "pandas")

_POLARS, _PANDAS, _SPARK, _NARWHALS = (
    PolarsBackend(),
    PandasBackend(),
    SparkBackend(),
    NarwhalsBackend(),
)
_BY_NAME: dict[str, Backend] = {"polars": _POLARS, "pandas": _PANDAS, "spark": _SPARK}
_BY_IMPLEMENTATION: dict[Implementation, Backend] = {
    Implementation.POLARS: _POLARS,
    Implementation.PANDAS: _PANDAS,
    Implementation.MODIN: _PANDAS,
    Implementation.CUDF: _PANDAS,
    Implementation.PYSPARK: _SPARK,
}


def backend_of(frame: nw.DataFrame[Any] | nw.LazyFrame[Any]) -> Backend:
    """The library ``frame`` is on (narwhals alone for one statcheck has no module for)."""
    return _BY_IMPLEMENTATION.get(frame.implementation, _NARWHALS)


def backend_named(name: str) -> Backend | None:
    """The library an engine name (``polars``, ``pandas``, ``spark``) stands for."""
    return _BY_NAME.get(name)


def collect_all(frames: Sequence[nw.LazyFrame[Any]]) -> list[nw.DataFrame[Any]]:
    """Collect several lazy queries, together where their library can (polars plans them
    as one); queries on different libraries are collected one by one."""
    if not frames:
        return []
    if len({f.implementation for f in frames}) == 1:
        return backend_of(frames[0]).collect_all(frames)
    return _NARWHALS.collect_all(frames)


def python_rows(frame: nw.DataFrame[Any], named: bool = False) -> list[Any]:
    """A collected (small) frame's rows as tuples, or as dicts with ``named``: a missing
    cell is None on every library."""
    return backend_of(frame).rows(frame, named)


def codes(
    frame: nw.DataFrame[Any],
    columns: Sequence[str],
    known: Mapping[str, Sequence[Any]] | None = None,
) -> dict[str, tuple[nw.Series[Any], list[Any]]]:
    """Each of ``columns`` (text or dates) as dense unsigned integer codes (0 to n - 1 for
    its n distinct values in sorted order, n for a missing cell), with those values (text
    columns only: a date's code is its day, counted from the first). ``known``: the
    distinct values of some text columns (None for a missing cell), every one of them,
    where already found."""
    return backend_of(frame).codes(frame, columns, known or {}) if columns else {}


def all_distinct(frame: nw.DataFrame[Any], columns: list[str]) -> bool:
    """True when no two rows agree on ``columns`` (each library's fastest way to tell)."""
    if len(frame) == 0:
        return True
    return backend_of(frame).all_distinct(frame, columns)


def to_pandas_table(table: ParsedFigureTable, read: Any = None) -> ParsedFigureTable:
    """A figure table built with polars, on pandas for the pandas engine's rules (with the
    cells it marks as no figure, which rules join with it, and the identity's codes, made
    by polars first: pandas factorises each column on one core, three times slower).
    ``read``: the pandas frame the table was built from, row for row, whose columns the
    table took as read (``as_read``) are lent as they are where pandas holds them as the
    engine does (Arrow text): not converted to polars' text and back."""
    from statcheck.prepare import identity_columns, key_codes

    marked = table.not_figures
    keyed = key_codes(table.frame, identity_columns(table.dimensions), table.known_values)
    if keyed is not None:  # numbers: numpy's own arrays, as narrow as polars made them
        codes = nw.from_native(keyed.frame.to_native().to_pandas(), eager_only=True)
        keyed = dataclasses.replace(keyed, frame=codes)
    return dataclasses.replace(
        table,
        frame=_PANDAS.table_from_polars(
            table.frame, _PANDAS.lent(read, table.as_read, len(table.frame))
        ),
        not_figures=None if marked is None else _PANDAS.table_from_polars(marked),
        codes=keyed,
    )
