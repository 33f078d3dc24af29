"""pandera models of the figure and source tables as a pipeline publishes them.

A pipeline can check its own output before handing it to statcheck::

    from statcheck.published_tables import PublishedFigureTable, PublishedSourceTable
    PublishedFigureTable.validate(df, lazy=True)   # every problem at once, as pandera reports them

(``statcheck.schemas.FigureTable`` and ``SourceTable`` are the same models under their
old names.) These describe the tables *as published*, before statcheck reads them; the
table the rules check once every cell is parsed is :class:`statcheck.prepare.ParsedFigureTable`.

The models describe the tables as published: every cell text, because the value's
printing carries its precision ("60,000" is not 60000.0). Importing this module imports
pandera and pandas, so statcheck's own command line does not.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from statcheck.model.figure import FigureStatus, SourceKind
from statcheck.model.value import QUALIFIER_WORDS, Qualifier

_DATE = r"^\d{4}-\d{2}-\d{2}$"
_QUALIFIERS = sorted({*QUALIFIER_WORDS, *(q.value for q in Qualifier)} - {""})


class PublishedFigureTable(pa.DataFrameModel):
    """One row per reported figure; any column not named here is a dimension."""

    figure_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    metric: Series[str] = pa.Field(str_length={"min_value": 1})
    value: Series[str] = pa.Field(str_length={"min_value": 1}, description="the value as printed")
    unit: Series[str] = pa.Field(str_length={"min_value": 1})
    qualifier: Series[str] | None = pa.Field(nullable=True, isin=_QUALIFIERS)
    precision: Series[str] | None = pa.Field(nullable=True, str_matches=r"^[0-9]*\.?[0-9]+$")
    period_start: Series[str] = pa.Field(str_matches=_DATE)
    period_end: Series[str] = pa.Field(str_matches=_DATE)
    source_id: Series[str] = pa.Field(str_length={"min_value": 1})
    cites: Series[str] | None = pa.Field(nullable=True, description="';'-separated source ids")
    published_at: Series[str] | None = pa.Field(nullable=True, str_matches=_DATE)
    status: Series[str] | None = pa.Field(nullable=True, isin=[s.value for s in FigureStatus])
    note: Series[str] | None = pa.Field(nullable=True)

    class Config:
        strict = False  # dimension columns are the table's own
        coerce = False  # never turn text into something else silently


class PublishedSourceTable(pa.DataFrameModel):
    """Who reports figures: one row per source."""

    source_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    kind: Series[str] = pa.Field(isin=[k.value for k in SourceKind])
    url: Series[str] | None = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False


__all__ = ["PublishedFigureTable", "PublishedSourceTable"]
