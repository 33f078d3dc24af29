"""Apply a suite's ``table:`` mapping: a publisher's table, as printed, into figure rows.

Vectorized: a wide table is melted with one ``unpivot``; ids, periods and per-series
units, scales and precisions are column expressions. Every value cell is accounted for:
it becomes a figure, or it is no figure, counted by reason (:class:`MappedTable`): empty,
or holding a marker the mapping declares (``missing_values``: ``NA``, ``..``, ``(D)``).
The marked cells are kept, with their ids, so that a rule that needs one can name it.

Each figure row keeps the publisher's column its value was printed in (``_column``): an
error in a value names that column, not the figure table's ``value``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import narwhals as nw

from statcheck.contract.mapping import TableMapping
from statcheck.errors import INEXACT_NUMBER, MISSING_COLUMN, UNSUPPORTED_COLUMN_TYPE, Location
from statcheck.model.figure import FigureStatus
from statcheck.prepare._figures import ParsedFigureTable
from statcheck.prepare._periods import parse_periods, printed_periods
from statcheck.prepare._problems import SOURCE_COLUMN
from statcheck.prepare._text import clean_text, text_columns

EMPTY_CELL = "empty-cell"
_MAX_EXACT_INT = 2**53


@dataclass(frozen=True)
class MappedTable:
    """A publisher's table as figure rows, and how its value cells were counted."""

    figures: nw.DataFrame[Any]  # text cells, canonical columns, one row per figure
    source: nw.DataFrame[Any]  # one row: the mapping's source
    cells: int  # value cells read: one per row (a long table) or per row and series (wide)
    empty: int  # of those, empty: no figure
    # The cells holding a declared marker: the figure rows' columns, ``value`` being the
    # marker as printed, and ``reason``; None when the mapping declares no marker.
    marked: nw.DataFrame[Any] | None = None
    marked_counts: tuple[tuple[str, int], ...] = ()  # (reason, cells), declared order

    @property
    def reasons(self) -> tuple[tuple[str, int], ...]:
        """The cells that are no figure, by reason: empty ones, then each declared
        reason (reasons with no cell are left out; an empty cell is always counted)."""
        return ((EMPTY_CELL, self.empty), *((r, n) for r, n in self.marked_counts if n))


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
    # Markers are text: a column of typed numbers holds none.
    key, reason_of = _marker_key(m) if frame.schema["value"] == nw.String else (None, {})
    reasons = _reasons(reason_of)
    is_marked = nw.lit(False) if key is None else key.is_in(list(reason_of)).fill_null(False)
    cells, empty_cells, *per_reason = frame.select(
        nw.len(),
        empty.sum(),
        *(
            (key if key is not None else nw.col("value")).is_in(keys).sum().alias(f"_{i}")
            for i, keys in enumerate(reasons.values())
        ),
    ).row(0)
    figures = _canonical(_identified(frame.filter(~empty & ~is_marked), m, file), m)
    marked = None
    if key is not None:
        marked = _canonical(_identified(frame.filter(is_marked), m, file), m)
        reason = key.replace_strict(reason_of, return_dtype=nw.String)
        marked = marked.with_columns(reason.alias("reason"))
    return MappedTable(
        figures,
        _source(m, raw.implementation),
        int(cells),
        int(empty_cells or 0),
        marked,
        tuple((r, int(n or 0)) for r, n in zip(reasons, per_reason, strict=True)),
    )


def _source(m: TableMapping, implementation: Any) -> nw.DataFrame[Any]:
    """The source table of one row the mapping declares."""
    return nw.from_dict(
        {
            "source_id": [m.source.source_id],
            "name": [m.source.name],
            "kind": [m.source.kind.value],
            "url": [m.source.url or ""],
        },
        backend=implementation,
    )


def _marker_key(m: TableMapping) -> tuple[nw.Expr | None, dict[str, str]]:
    """How a cell is looked up among the declared markers, and the reason of each key:
    the cell's text, or, where a series has markers of its own, its column and its text
    (``units\x1fNA``); None when nothing is declared. Cells are in the figure rows'
    columns: ``value`` as printed, stripped, and the publisher's column."""
    per_column = m.markers()
    if not per_column:
        return None, {}
    if not any(s.missing_values for s in m.series):
        return nw.col("value"), dict(m.missing_values)
    key = nw.concat_str([nw.col(SOURCE_COLUMN), nw.lit("\x1f"), nw.col("value")])
    reason_of = {
        f"{column}\x1f{marker}": reason
        for column, markers in per_column.items()
        for marker, reason in markers.items()
    }
    return key, reason_of


def _reasons(reason_of: dict[str, str]) -> dict[str, list[str]]:
    """Each declared reason and the lookup keys that give it, in the mapping's order."""
    out: dict[str, list[str]] = {}
    for key, reason in reason_of.items():
        out.setdefault(reason, []).append(key)
    return out


def _canonical(frame: nw.DataFrame[Any], m: TableMapping) -> nw.DataFrame[Any]:
    """The figure table's columns, rows in the file's order."""
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
        SOURCE_COLUMN,
    ]
    if m.series:
        keep.append("qualifier")
    return frame.select(*keep, *(name for name, _ in m.dimensions)).sort("_source_row", "figure_id")


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
            nw.lit(m.value).alias(SOURCE_COLUMN),
            nw.lit(m.metric).alias("metric"),
            nw.lit(m.unit).alias("unit"),
            nw.lit(_num(m.scale)).alias("scale"),
            nw.lit(_num(m.precision), dtype=nw.String).alias("precision"),
        )
    # Melted under a name of its own: a series column may well be called ``value``.
    long = base.unpivot(
        on=[s.column for s in m.series],
        index=["_source_row", *index],
        variable_name=SOURCE_COLUMN,
        value_name="_cell",
    ).rename({"_cell": "value"})
    per_series: dict[str, dict[str, str | None]] = {
        "metric": {s.column: s.metric for s in m.series},
        "unit": {s.column: s.unit for s in m.series},
        "scale": {s.column: _num(s.scale) for s in m.series},
        "precision": {s.column: _num(s.precision) for s in m.series},
        "qualifier": {s.column: s.qualifier for s in m.series},
    }
    return long.with_columns(
        [
            nw.col(SOURCE_COLUMN).replace_strict(v, return_dtype=nw.String).alias(k)
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


def with_not_figures(
    table: ParsedFigureTable, marked: nw.DataFrame[Any] | None, file: str | None
) -> ParsedFigureTable:
    """The figure table with the cells a publisher marked as no figure (``map_table``'s
    ``marked``), their periods and dimensions read as the figures' are, so that a rule
    can find the cell a figure it needs would have come from."""
    if marked is None or marked.is_empty():
        return table
    frame = marked.rename({"_source_row": "_row", "value": "marker"})
    frame, distinct = clean_text(frame, [c for c in text_columns(frame) if c != "marker"])
    frame = parse_periods(frame, file, distinct)
    columns = ["figure_id", "metric", "unit", "source_id", "period_start", "period_end"]
    return replace(
        table,
        not_figures=frame.select(
            *columns,
            nw.lit(FigureStatus.FINAL.value).alias("status"),
            *(d for d in table.dimensions if d in frame.columns),
            "marker",
            "reason",
            "_row",
            SOURCE_COLUMN,
        ),
    )
