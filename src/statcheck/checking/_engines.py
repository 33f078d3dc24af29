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
DEFAULT_ENGINE = "polars"  # for drop folders and files; a DataFrame runs on its own library


def check_engine(engine: str) -> None:
    """Raise ``unknown-engine`` for a name not in ``ENGINES``."""
    if engine not in ENGINES:
        raise UNKNOWN_ENGINE(f"unknown engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")


def reading_library(engine: str) -> str:
    """The library files and frames are read and normalised with for ``engine``: its own,
    or, for Spark, polars on the driver (the figure table is handed to Spark after)."""
    if engine == SPARK:
        from statcheck.engine.spark import READS_WITH

        return READS_WITH
    return engine


def on_engine(figures: FigureTable, engine: str) -> FigureTable:
    """The figure table where the rules run: as built, or moved to Spark."""
    if engine != SPARK:
        return figures
    from statcheck.engine.spark import distribute

    return distribute(figures)
