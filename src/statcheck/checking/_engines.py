"""The engines a check runs on, declared once, and where a table is read for each.

Kept free of dataframe imports: the command line reads ``ENGINES`` for its options before
any table is touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statcheck.errors import UNKNOWN_ENGINE

if TYPE_CHECKING:
    from statcheck.prepare import ParsedFigureTable as FigureTable

SPARK = "spark"
# The dataframe libraries a check runs on: the same rule implementations (narwhals) on
# each. Spark needs the `spark` extra and Java (statcheck.engine.spark).
ENGINES = ("polars", "pandas", SPARK)
BUILDS_WITH = "polars"  # the library every figure table is built with
DEFAULT_ENGINE = "polars"  # for drop folders and files; a DataFrame runs on its own library


def check_engine(engine: str) -> None:
    """Raise ``unknown-engine`` for a name not in ``ENGINES``."""
    if engine not in ENGINES:
        raise UNKNOWN_ENGINE(f"unknown engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")


def reading_library(engine: str) -> str:
    """The library files and frames are read and normalised with, whatever ``engine``:
    polars. Building the figure table is the same work for every engine, and polars does
    it about ten times faster than pandas (its text kernels use both cores); the table is
    then handed to the engine's library, where the rules run."""
    check_engine(engine)
    return BUILDS_WITH


def on_engine(figures: FigureTable, engine: str, read: object = None) -> FigureTable:
    """The figure table where the rules run: as built (polars), or moved to pandas or Spark.
    ``read``: the pandas frame it was built from, row for row (``to_pandas_table``)."""
    if engine == "pandas":
        from statcheck.backends import to_pandas_table

        return to_pandas_table(figures, read)
    if engine != SPARK:
        return figures
    from statcheck.engine.spark import distribute

    return distribute(figures)
