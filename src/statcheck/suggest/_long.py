"""A publisher's long table as suggest reads it: a period column, dimension columns of
text (region, sex, job, entity) that with the period name one row each, and value columns.

The layout is read from the table itself: a table is long when most of its periods are
printed on several rows and it has text columns of few distinct values that, with the
period, tell those rows apart. Of two text columns that say the same thing (a country's
name and its code, one to one) the shorter is the dimension. A number may be printed in
scientific notation (``9.15e-7``), as JSON writers print small shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import numpy as np
import polars as pl

from statcheck.contract.mapping import RESERVED, PeriodSpec, SeriesSpec, SourceSpec, TableMapping
from statcheck.errors import StatcheckError
from statcheck.model.figure import SourceKind
from statcheck.suggest._table import MARKERS, _period_column, _usual_decimals

_NUMBER = r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
PERIOD = "_period"  # the period column of LongTable.frame
NUMBER_UNIT = "number"
# Sums over a dimension are searched in a matrix of its groups (the period and the other
# dimensions) x its values: at most this many cells a row read, or SMALL_PIVOT. A
# dimension whose values each come in a few groups only (a date of publication, an id
# printed beside the figures) holds no sum and is the whole of no share, and its matrix
# would grow with the square of the table (10^5 rows: 8.7 GB, 150 s). A county under its
# state, 60 of 3,000 in each group, is 50 cells a row.
PIVOT_CELLS_PER_ROW = 64
SMALL_PIVOT = 1_000_000


@dataclass(frozen=True)
class LongTable:
    """``frame``: the period (as printed), each dimension (text) and each value column
    (Float64, null where no figure), rows whose key is printed twice left out."""

    name: str
    publisher: str | None
    period_kind: str
    period_column: str
    dimensions: tuple[str, ...]  # the publisher's columns
    values: tuple[str, ...]
    decimals: tuple[int, ...]
    frame: pl.DataFrame
    ignored: tuple[str, ...]
    markers: tuple[str, ...]
    duplicates: int  # rows left out: their period and dimensions are printed twice
    # The dimensions searched for no sum or share (``too_sparse``): each with its number of
    # values and of groups.
    sparse: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def searched(self) -> tuple[str, ...]:
        """The dimensions sums and shares are searched over."""
        return tuple(d for d in self.dimensions if d not in self.sparse)

    def half(self, j: int) -> float:
        return 0.5 * 10.0 ** -self.decimals[j]

    def precision(self, j: int) -> float:
        return float(10.0 ** -self.decimals[j]) if self.decimals[j] else 1.0

    def dimension(self, column: str) -> str:
        """The figure column a dimension is mapped to: its name in snake case."""
        name = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_") or "dimension"
        return f"{name}_dimension" if name in RESERVED else name

    def metric(self, j: int) -> str:
        return self.values[j]


def _stripped(frame: nw.DataFrame[Any]) -> pl.DataFrame:
    native: pl.DataFrame = nw.to_native(frame)
    return native.select(pl.col(c).cast(pl.String).str.strip_chars() for c in native.columns)


def _number(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(",", "", literal=True).str.contains(_NUMBER)


def long_layout(frame: nw.DataFrame[Any], file: str) -> tuple[str, str, list[str]] | None:
    """(period kind, period column, dimension columns) when the table is long, else None."""
    try:
        kind, period = _period_column(frame, file)
    except StatcheckError:  # no period column: the wide reader says so, with its hint
        return None
    text = _stripped(frame)
    rows = len(text)
    if text[period].n_unique() * 2 > rows:
        return None  # most periods on one row: a wide table
    stats = text.select(
        *(pl.col(c).n_unique().alias(f"distinct:{c}") for c in text.columns),
        *(
            (pl.col(c).is_null() | (pl.col(c) == "") | pl.col(c).is_in(MARKERS) | _number(c))
            .all()
            .alias(f"numeric:{c}")
            for c in text.columns
        ),
    ).row(0, named=True)
    candidates = [
        c
        for c in text.columns
        if c != period and not stats[f"numeric:{c}"] and stats[f"distinct:{c}"] * 2 <= rows
    ]
    dims = _without_synonyms(text, candidates)
    return (kind, period, dims) if dims else None


def _without_synonyms(text: pl.DataFrame, columns: list[str]) -> list[str]:
    """Each group of columns that say the same thing (one to one) as its shortest one."""
    kept: list[str] = []
    for c in columns:  # a handful of columns: pairs compared by two n_unique each
        twin = next(
            (
                k
                for k in kept
                if text.select(pl.struct(k, c).n_unique()).item()
                == text[k].n_unique()
                == text[c].n_unique()
            ),
            None,
        )
        if twin is None:
            kept.append(c)
        elif text[c].str.len_chars().mean() < text[twin].str.len_chars().mean():  # type: ignore[operator]
            kept[kept.index(twin)] = c
    return kept


def long_table(
    frame: nw.DataFrame[Any],
    layout: tuple[str, str, list[str]],
    name: str,
    publisher: str | None,
) -> LongTable:
    kind, period, dims = layout
    text = _stripped(frame)
    rest = [c for c in text.columns if c != period and c not in dims]
    markers = tuple(
        m for m in MARKERS if text.select(pl.any_horizontal(pl.col(rest) == m).any()).item()
    )
    cleaned = text.select(
        pl.col(period).alias(PERIOD),
        *(pl.col(d).fill_null("") for d in dims),
        *(
            pl.when(~pl.col(c).is_in(markers) & (pl.col(c) != ""))
            .then(pl.col(c).str.replace_all(",", "", literal=True))
            .alias(c)
            for c in rest
        ),
    )
    numeric = cleaned.select(
        (
            (pl.col(c).is_null() | pl.col(c).str.contains(_NUMBER)).all()
            & pl.col(c).is_not_null().any()
        ).alias(c)
        for c in rest
    ).row(0, named=True)
    values = [c for c in rest if numeric[c]]
    decimals = _usual_decimals(cleaned.select(_decimals(c) for c in values).to_numpy())
    key = [PERIOD, *dims]
    twice = pl.len().over(key) > 1
    parsed = cleaned.select(*key, *(pl.col(c).cast(pl.Float64) for c in values))
    kept = parsed.filter(~twice).sort(key)
    return LongTable(
        name=name,
        publisher=publisher,
        period_kind=kind,
        period_column=period,
        dimensions=tuple(dims),
        values=tuple(values),
        decimals=decimals,
        frame=kept,
        ignored=tuple(c for c in rest if c not in values),
        markers=markers,
        duplicates=len(parsed) - len(kept),
        sparse=too_sparse(kept, dims),
    )


def _decimals(column: str) -> pl.Expr:
    """The decimals a number prints, its exponent counted (9.15e-7: 9)."""
    mantissa = pl.col(column).str.extract(r"^[-+]?[0-9]*\.?([0-9]*)", 1).str.len_chars()
    has_point = pl.col(column).str.contains(".", literal=True)
    exponent = pl.col(column).str.extract(r"[eE]([-+]?[0-9]+)$", 1).cast(pl.Int64).fill_null(0)
    places = pl.when(has_point).then(mantissa).otherwise(0).cast(pl.Int64) - exponent
    # A zero says nothing of the precision: 0 is printed `0` whatever the column's.
    nonzero = pl.col(column).cast(pl.Float64, strict=False) != 0
    return pl.when(pl.col(column).is_not_null() & nonzero).then(places.clip(0)).cast(pl.Float64)


def long_mapping(table: LongTable, units: dict[int, str]) -> TableMapping:
    """The long ``table:`` mapping: period, dimensions, and the one value column (or each
    value column as a series), at its printed precision."""
    publisher = table.publisher or table.name
    slug = re.sub(r"[^a-z0-9]+", "-", publisher.lower()).strip("-") or "table"
    common: dict[str, Any] = {
        "source": SourceSpec(source_id=slug, name=publisher, kind=SourceKind.OTHER),
        "period": PeriodSpec(kind=table.period_kind, column=table.period_column),
        "dimensions": tuple((table.dimension(d), d) for d in table.dimensions),
        "missing_values": tuple((m, "not-available") for m in table.markers),
    }
    if len(table.values) == 1 and not units:
        return TableMapping(
            **common,
            value=table.values[0],
            metric=table.metric(0),
            unit=NUMBER_UNIT,
            precision=table.precision(0),
        )
    series = tuple(
        SeriesSpec(
            column=c,
            metric=table.metric(j),
            unit=units.get(j, NUMBER_UNIT),
            precision=table.precision(j),
        )
        for j, c in enumerate(table.values)
    )
    return TableMapping(**common, series=series)


def long_notes(table: LongTable) -> tuple[str, ...]:
    groups = table.frame[PERIOD].n_unique()
    dims = ", ".join(repr(d) for d in table.dimensions)
    notes = [
        f"a long table: {len(table.frame)} rows, period column {table.period_column!r} "
        f"({table.period_kind}, {groups} periods), dimensions {dims}, values "
        + ", ".join(repr(v) for v in table.values)
    ]
    if table.duplicates:
        notes.append(
            f"{table.duplicates} rows print a period and dimensions another row prints: "
            "left out, as validate leaves duplicate figures out of every rule"
        )
    if table.ignored:
        notes.append(f"not dimensions or values: {', '.join(table.ignored)}")
    for dim, (values, groups) in table.sparse.items():
        notes.append(
            f"no sum or share searched over {dim!r}: its {values:,} values each come in few of "
            f"its {groups:,} groups (a matrix of {values * groups:,} cells for "
            f"{len(table.frame):,} rows)"
        )
    return tuple(notes)


def too_sparse(frame: pl.DataFrame, dims: list[str]) -> dict[str, tuple[int, int]]:
    """The dimensions whose matrix of groups x values would be too large to search
    (``PIVOT_CELLS_PER_ROW``), each with its number of values and of groups."""
    budget = max(PIVOT_CELLS_PER_ROW * len(frame), SMALL_PIVOT)
    out: dict[str, tuple[int, int]] = {}
    for dim in dims:
        others = [PERIOD, *(d for d in dims if d != dim)]
        counts = frame.select(pl.struct(others).n_unique(), pl.col(dim).n_unique())
        groups, values = counts.row(0)
        if groups * values > budget:
            out[dim] = (values, groups)
    return out


def group_words(table: LongTable, over: str) -> str:
    """What one checked group is, said in the comments: years, or groups (year, sex)."""
    others = [d for d in table.dimensions if d != over]
    periods = {"year": "years", "month": "months", "date": "dates"}.get(
        table.period_kind, "periods"
    )
    return periods if not others else f"groups ({table.period_kind}, {', '.join(others)})"


def as_array(series: pl.Series) -> np.ndarray[Any, Any]:
    return series.to_numpy().astype(np.float64)
