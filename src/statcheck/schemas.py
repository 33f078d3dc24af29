"""The pandera schemas of the figure and source tables ``statcheck.validate`` accepts,
under short names: ``FigureTable`` and ``SourceTable`` for pandas, ``PolarsFigureTable``
and ``PolarsSourceTable`` for polars (see :mod:`statcheck.published_tables`, where each
column is declared once). Importing this module imports pandera and pandas.
"""

from __future__ import annotations

from statcheck.published_tables import PublishedFigureTable as FigureTable
from statcheck.published_tables import PublishedSourceTable as SourceTable
from statcheck.published_tables import figure_table, source_table

PolarsFigureTable = figure_table("polars")
PolarsSourceTable = source_table("polars")

__all__ = [
    "FigureTable",
    "PolarsFigureTable",
    "PolarsSourceTable",
    "SourceTable",
    "figure_table",
    "source_table",
]
