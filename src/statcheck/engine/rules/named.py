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
from statcheck.model.value import interval_of


class FigureWords:
    """By figure id: its value, its interval, its value as reported (``reported``) and the
    figure as a sentence names it (``named``)."""

    def __init__(self, cells: nw.DataFrame[Any]) -> None:
        wanted = ("figure_id", "value", "qualifier", "precision", "percent")
        columns = cells.select(*wanted, "period_start", "period_end").to_dict(as_series=False)
        ids = columns["figure_id"]
        # The table's values, already checked (finite, precision >= 0): no ReportedValue.
        values = [float(v) for v in columns["value"]]
        qualifiers = [_QUALIFIERS[q] for q in columns["qualifier"]]
        self.value = dict(zip(ids, values, strict=True))
        self.interval = {
            i: interval_of(v, q, float(p))
            for i, v, q, p in zip(ids, values, qualifiers, columns["precision"], strict=True)
        }
        self.reported = {
            i: explain.reported_as(q, explain.number(v, None), bool(pct))
            for i, v, q, pct in zip(ids, values, qualifiers, columns["percent"], strict=True)
        }
        periods = list(zip(columns["period_start"], columns["period_end"], strict=True))
        # A table has few periods: each said once, not once a figure.
        said = {p: period_of(*p).describe() for p in set(periods)}
        self.named = {
            i: explain.named(i, self.reported[i], said[p])
            for i, p in zip(ids, periods, strict=True)
        }
