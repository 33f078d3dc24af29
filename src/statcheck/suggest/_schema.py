"""The column-level facts of a wide table, as far as the suite language's ``schema:``
section can state them, and the rest as notes for the reviewer.

The ``schema:`` section states facts of the whole figure table: the units allowed (the
units the mapping gives), that no two figures share a metric, period and source (true
when every period is printed on one row), and a range for every value (``min: 0`` when no
series prints a value below zero). Ranges of one column (a percentage within 0 to 100,
a column that is never negative in a table with others that are) have no place there:
they are notes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from statcheck.contract.schema import TableSchema
from statcheck.suggest._table import WideTable

_PERCENT_UNITS = ("percent",)


def table_schema(table: WideTable, units: Iterable[str]) -> TableSchema:
    """The schema the table satisfies: allowed units, unique figures (no period printed
    twice), and no value below 0 when none is."""
    values = table.values
    printed = ~np.isnan(values)
    never_negative = bool(printed.any()) and not bool(np.any(values[printed] < 0))
    return TableSchema(
        units=tuple(sorted(set(units))),
        unique=() if table.repeated else ("metric", "period", "source"),
        value_min=0.0 if never_negative else None,
    )


def schema_notes(table: WideTable, units: dict[int, str]) -> tuple[str, ...]:
    """What the schema section cannot say: each column's range, the percentages within
    0 to 100, the periods printed more than once being no unique key."""
    values = table.values
    printed = ~np.isnan(values)
    low = np.where(printed.any(axis=0), np.nanmin(np.where(printed, values, np.inf), axis=0), 0)
    high = np.where(printed.any(axis=0), np.nanmax(np.where(printed, values, -np.inf), axis=0), 0)
    notes = []
    negative = [table.series[j] for j in np.flatnonzero(low < 0)]
    if negative:
        notes.append(
            "schema (note only): below zero in some rows, so no `value: {min: 0}`: "
            + ", ".join(negative)
        )
    percents = [j for j, u in units.items() if u in _PERCENT_UNITS]
    within = [table.series[j] for j in percents if low[j] >= 0 and high[j] <= 100]
    if within:
        notes.append(f"schema (note only): percentages within 0 to 100: {', '.join(within)}")
    if table.repeated:
        notes.append(
            "schema (note only): the period is no unique key (periods printed more than "
            "once), so no `unique:`"
        )
    return tuple(notes)
