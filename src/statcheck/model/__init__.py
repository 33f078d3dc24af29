"""The figure model: values, intervals, periods, figures and sources. Pure Python.

Nothing here imports a dataframe library; engines build on it, not the other way round.
"""

from statcheck.model.figure import Figure, FigureStatus, Source, SourceKind
from statcheck.model.interval import Interval, Outcome, Relation, Verdict, compare, format_number
from statcheck.model.period import Coverage, Period, coverage, parse_date, parse_period, partitions
from statcheck.model.value import (
    QUALIFIER_BOUNDS,
    Qualifier,
    ReportedValue,
    ValueReading,
    infer_precision,
    parse_value,
)

__all__ = [
    "QUALIFIER_BOUNDS",
    "Coverage",
    "Figure",
    "FigureStatus",
    "Interval",
    "Outcome",
    "Period",
    "Qualifier",
    "Relation",
    "ReportedValue",
    "Source",
    "SourceKind",
    "ValueReading",
    "Verdict",
    "compare",
    "coverage",
    "format_number",
    "infer_precision",
    "parse_date",
    "parse_period",
    "parse_value",
    "partitions",
]
