"""Apply a suite's ``table:`` mapping: a publisher's table, as printed, into figure rows.

Vectorized: a wide table is melted with one ``unpivot``; ids, periods and per-series
units, scales and precisions are column expressions. Every value cell is accounted for:
it becomes a figure, or it is empty and counted as no figure (:class:`MappedTable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import narwhals as nw

from statcheck.contract.mapping import TableMapping
from statcheck.errors import INEXACT_NUMBER, MISSING_COLUMN, UNSUPPORTED_COLUMN_TYPE, Location
from statcheck.prepare._periods import printed_periods

EMPTY_CELL = "empty-cell"
_MAX_EXACT_INT = 2**53


@dataclass(frozen=True)
class MappedTable:
    """A publisher's table as figure rows, and how its value cells were counted."""

    figures: nw.DataFrame[Any]  # text cells, canonical columns, one row per figure
    source: nw.DataFrame[Any]  # one row: the mapping's source
    cells: int  # value cells read: one per row (a long table) or per row and series (wide)
    empty: int  # of those, empty: no figure

    @property
    def reasons(self) -> tuple[tuple[str, int], ...]:
        """The cells that are no figure, by reason."""
        return ((EMPTY_CELL, self.empty),)


def map_table(raw: nw.DataFrame[Any], m: TableMapping, file: str | None) -> MappedTable:
    """The figure rows of a publisher's table, with the count of its value cells."""
    missing = [c for c in m.source_columns if c not in raw.columns]
    if missing:
        raise MISSING_COLUMN(
            f"the table lacks the column(s) the suite's `table:` mapping reads: {', '.join(missing)}",
            location=Location(file=file),
            hint=f"the file's columns are: {', '.join(raw.columns)}",
        )
    frame = _value_cells(raw, m, file)
    if frame.schema["value"].is_numeric():  # typed numbers stay numbers
        empty = nw.col("value").is_null()
    else:
        value = nw.col("value").cast(nw.String).str.strip_chars()
        frame = frame.with_columns(value.alias("value"))
        empty = nw.col("value").is_null() | (nw.col("value") == "")
    # An empty cell in a publisher's table is no figure (the first day has no growth rate).
    cells, empty_cells = frame.select(nw.len().alias("cells"), empty.sum().alias("empty")).row(0)
    frame = _identified(frame.filter(~empty), m, file)
    keep = [
        "figure_id",
        "metric",
        "value",
        "unit",
        "scale",
        "precision",
        "period",
        "source_id",
        "_source_row",
    ]
    if m.series:
        keep.append("qualifier")
    frame = frame.select(*keep, *(name for name, _ in m.dimensions)).sort(
        "_source_row", "figure_id"
    )
    source = nw.from_dict(
        {
            "source_id": [m.source.source_id],
            "name": [m.source.name],
            "kind": [m.source.kind.value],
            "url": [m.source.url or ""],
        },
        backend=raw.implementation,
    )
    return MappedTable(frame, source, int(cells), int(empty_cells or 0))


def _value_cells(raw: nw.DataFrame[Any], m: TableMapping, file: str | None) -> nw.DataFrame[Any]:
    """One row per value cell, numbered by its row in the file, with what the mapping
    says of it: a wide table melted (one row per row and series), a long one as it is."""
    index = [*m.period.columns, *(src for _, src in m.dimensions)]
    base = raw.with_row_index("_source_row").with_columns(nw.col("_source_row") + 2)
    if m.series:
        base = typed_series(base, [s.column for s in m.series], file)
    if not m.series:
        return base.select(
            "_source_row", *index, nw.col(m.value or "").alias("value")
        ).with_columns(
            nw.lit(m.metric).alias("metric"),
            nw.lit(m.unit).alias("unit"),
            nw.lit(_num(m.scale)).alias("scale"),
            nw.lit(_num(m.precision), dtype=nw.String).alias("precision"),
        )
    long = base.unpivot(
        on=[s.column for s in m.series],
        index=["_source_row", *index],
        variable_name="_series",
        value_name="value",
    )
    per_series: dict[str, dict[str, str | None]] = {
        "metric": {s.column: s.metric for s in m.series},
        "unit": {s.column: s.unit for s in m.series},
        "scale": {s.column: _num(s.scale) for s in m.series},
        "precision": {s.column: _num(s.precision) for s in m.series},
        "qualifier": {s.column: s.qualifier for s in m.series},
    }
    return long.with_columns(
        [
            nw.col("_series").replace_strict(v, return_dtype=nw.String).alias(k)
            for k, v in per_series.items()
        ]
    )


def typed_series(
    frame: nw.DataFrame[Any], columns: list[str], file: str | None
) -> nw.DataFrame[Any]:
    """A wide table's series columns made one type to melt: all numbers (as floats) when
    the file typed them, else all text. A file that types some series and prints others
    is refused: melting would turn its numbers into text."""
    schema = frame.schema
    numbers = [c for c in columns if schema[c].is_numeric()]
    printed = [c for c in columns if schema[c] == nw.String]
    if not numbers:
        return frame
    if printed:
        raise UNSUPPORTED_COLUMN_TYPE(
            f"the series {', '.join(map(repr, printed))} hold text but "
            f"{', '.join(map(repr, numbers))} hold typed numbers",
            location=Location(file=file, column=printed[0]),
            hint="map the typed and the printed columns with two suites, or give the file "
            "one kind of cell in every series",
        )
    for c in numbers:
        if schema[c].is_integer():
            _refuse_inexact_integers(frame, c, file)
    return frame.with_columns([nw.col(c).cast(nw.Float64) for c in columns])


def _refuse_inexact_integers(frame: nw.DataFrame[Any], column: str, file: str | None) -> None:
    """An integer beyond 2**53 has no exact float (9007199254740993 would become ...992):
    refused before the melt makes it one, naming the publisher's column."""
    too_large = frame.filter(nw.col(column).abs() > _MAX_EXACT_INT)
    if too_large.is_empty():
        return
    row, cell = too_large.select("_source_row", column).row(0)
    raise INEXACT_NUMBER(
        f"{cell} is an integer too large to compute with exactly (beyond 2**53)",
        location=Location(file=file, row=int(row), column=column),
        hint="store it as a number in a larger unit, with a scale",
    )


def _identified(frame: nw.DataFrame[Any], m: TableMapping, file: str | None) -> nw.DataFrame[Any]:
    """Period, dimensions, source and a figure id (metric|dimensions|period) per row."""
    period = printed_periods(frame, m.period, file)
    dims = [nw.col(src).cast(nw.String).str.strip_chars().alias(name) for name, src in m.dimensions]
    frame = frame.with_columns(period.alias("period"), *dims)
    id_parts: list[nw.Expr] = [nw.col("metric")]
    for name, _ in m.dimensions:
        id_parts += [nw.lit("|"), nw.col(name).fill_null("")]
    id_parts += [nw.lit("|"), nw.col("period")]
    frame = frame.with_columns(
        nw.concat_str(id_parts).alias("figure_id"), nw.lit(m.source.source_id).alias("source_id")
    )
    # A publisher that prints the same thing twice (1947 on two age bases) keeps both
    # rows: their ids name the source row, and rules report them instead of merging.
    return frame.with_columns(
        nw.when(nw.col("figure_id").is_duplicated())
        .then(
            nw.concat_str(
                [nw.col("figure_id"), nw.lit("@row"), nw.col("_source_row").cast(nw.String)]
            )
        )
        .otherwise(nw.col("figure_id"))
        .alias("figure_id")
    )


def _num(x: float | None) -> str | None:
    if x is None:
        return None
    return str(int(x)) if float(x).is_integer() else repr(x)
