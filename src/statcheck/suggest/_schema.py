"""The column-level facts of a wide table, as far as the suite language's ``schema:``
section can state them, and the rest as notes for the reviewer.

The ``schema:`` section states facts of the whole figure table: the metrics and units
allowed (those the mapping gives), that no two figures share a metric, period and source (true
when every period is printed on one row), and a range for every value (``min: 0`` when no
series prints a value below zero). Ranges of one column (a percentage within 0 to 100,
a column that is never negative in a table with others that are) have no place there:
they are notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from statcheck.contract.schema import TableSchema
from statcheck.suggest._evidence import MIN_ROWS, Support, Verdict, support
from statcheck.suggest._table import WideTable

_PERCENT_UNITS = ("percent",)


def table_schema(table: WideTable, units: Iterable[str]) -> TableSchema:
    """The schema the table satisfies: its metrics and units, unique figures (no period
    printed twice), and no value below 0 when none is."""
    values = table.values
    printed = ~np.isnan(values)
    never_negative = bool(printed.any()) and not bool(np.any(values[printed] < 0))
    return TableSchema(
        metrics=table.series,  # each series' metric is its column's name until reviewed
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


@dataclass(frozen=True)
class FoundPartition:
    """Years printed beside their months (or quarters): ``columns`` partition every year
    they print (all its months printed); ``adds_up`` the columns whose months also add
    up to the year, each with its support."""

    parts: str  # month or quarter
    columns: tuple[int, ...]
    years: int  # the years the columns are printed for, each fully partitioned
    adds_up: tuple[tuple[int, Support], ...]


_PARTS_A_YEAR = {"month": 12, "quarter": 4}


def find_partition(table: WideTable) -> FoundPartition | None:
    """In a table of years among months (or quarters): the columns whose every printed
    year has all its months printed (a partition), and those whose months add up to it
    at printed precision, weighed against chance as a sum is."""
    if table.period_kind != "label":
        return None
    labels = np.asarray(table.periods, dtype=str)
    length = np.char.str_len(labels)
    is_year = length == 4
    is_quarter = (length == 7) & (np.char.find(labels, "-Q") == 4)
    rows = {"month": (length == 7) & ~is_quarter, "quarter": is_quarter}
    year_of = np.where(length >= 4, np.char.ljust(labels, 4).astype("U4"), "0").astype(np.int64)
    for parts, is_part in rows.items():
        if is_part.any() and is_year.any():
            return _partition(table, parts, _PARTS_A_YEAR[parts], is_year, is_part, year_of)
    return None


def _partition(
    table: WideTable,
    parts: str,
    count: int,
    is_year: npt.NDArray[np.bool_],
    is_part: npt.NDArray[np.bool_],
    year_of: npt.NDArray[np.int64],
) -> FoundPartition | None:
    values, half = table.values, table.half
    years = np.unique(year_of[is_year])
    index = np.searchsorted(years, year_of)  # each row's year among the printed years
    known = is_part & (index < len(years)) & (years[np.minimum(index, len(years) - 1)] == year_of)
    printed = ~np.isnan(values) & known[:, None]
    counts = np.zeros((len(years), values.shape[1]))
    sums = np.zeros((len(years), values.shape[1]))
    np.add.at(counts, index[known], printed[known])
    np.add.at(sums, index[known], np.nan_to_num(values[known]))
    whole = np.full((len(years), values.shape[1]), np.nan)
    whole[index[is_year]] = values[is_year]
    has_whole = ~np.isnan(whole)
    covered = np.all(~has_whole | (counts == count), axis=0) & has_whole.any(axis=0)
    columns = tuple(int(j) for j in np.flatnonzero(covered))
    if not columns or int(has_whole[:, list(columns)].any(axis=1).sum()) < MIN_ROWS:
        return None
    labels = tuple(str(y) for y in years)
    adds_up = []
    for j in columns:  # over the columns: each one vectorized over its years
        gap = np.where(has_whole[:, j], whole[:, j] - sums[:, j], np.nan)
        tolerance = np.full(len(years), half[j] * (1 + count))
        spread = float(np.nanmax(whole[:, j]) - np.nanmin(whole[:, j]))
        s = support(gap, tolerance, spread, labels, len(table.series))
        if s.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS):
            adds_up.append((j, s))
    years_covered = int(has_whole[:, list(columns)].any(axis=1).sum())
    return FoundPartition(parts, columns, years_covered, tuple(adds_up))


def partition_notes(table: WideTable, p: FoundPartition | None) -> tuple[str, ...]:
    """The columns whose months cover every year they print but do not add up to it."""
    if p is None:
        return ()
    adding = {j for j, _ in p.adds_up}
    levels = [table.series[j] for j in p.columns if j not in adding]
    if not levels:
        return ()
    return (
        f"schema (note only): every year of {', '.join(levels)} has all its {p.parts}s "
        "printed, but they do not add up to it (a level or a rate: the year is no sum)",
    )
