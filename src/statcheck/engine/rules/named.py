"""Figures as a sentence names them, read from their cells without a ``Figure`` each.

The findings of a large table name tens of thousands of figures, many of them several
times (a whole shared by its shares, a year by its quarters' sum): each is read once here,
and said in words once, as ``explain.figure`` and ``explain.as_reported`` say it.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.engine.context import _QUALIFIERS
from statcheck.engine.context import _period as period_of
from statcheck.engine.rules import explain
from statcheck.model.value import ReportedValue


class FigureWords:
    """By figure id: its value, its interval, its value as reported (``reported``) and the
    figure as a sentence names it (``named``)."""

    def __init__(self, cells: nw.DataFrame[Any]) -> None:
        wanted = ("figure_id", "value", "qualifier", "precision", "percent")
        columns = cells.select(*wanted, "period_start", "period_end").to_dict(as_series=False)
        ids = columns["figure_id"]
        values = [
            ReportedValue(float(v), _QUALIFIERS[q], float(p), bool(pct))
            for v, q, p, pct in zip(*(columns[c] for c in wanted[1:]), strict=True)
        ]
        self.value = {i: v.value for i, v in zip(ids, values, strict=True)}
        self.interval = {i: v.interval() for i, v in zip(ids, values, strict=True)}
        self.reported = {
            i: explain.reported_as(v.qualifier, explain.number(v.value, None), v.percent)
            for i, v in zip(ids, values, strict=True)
        }
        periods = zip(columns["period_start"], columns["period_end"], strict=True)
        self.named = {
            i: explain.named(i, self.reported[i], period_of(start, end).describe())
            for i, (start, end) in zip(ids, periods, strict=True)
        }
