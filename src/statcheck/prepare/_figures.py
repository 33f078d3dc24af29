"""The figure table: one row per reported figure, every cell parsed, each figure's
interval computed, duplicates and blank dimensions found once for the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import narwhals as nw

from statcheck.backends import all_distinct, backend_of
from statcheck.errors import (
    DUPLICATE_FIGURE_ID,
    UNKNOWN_STATUS,
)
from statcheck.model.figure import FigureStatus
from statcheck.model.value import ValueReading
from statcheck.prepare._codes import KeyCodes
from statcheck.prepare._periods import parse_dates, parse_periods
from statcheck.prepare._problems import SOURCE_COLUMN, problem, scan
from statcheck.prepare._text import Distinct, clean_text_as_read, intake, text_columns, unchanged
from statcheck.prepare._values import parse_values

FIGURE_REQUIRED = ("figure_id", "metric", "value", "unit", "source_id")


FIGURE_OPTIONAL = (
    "qualifier",
    "precision",
    "period",
    "period_start",
    "period_end",
    "cites",
    "published_at",
    "status",
    "note",
    "scale",
)


FIGURE_DERIVED = ("low", "high", "percent", "_row", "_duplicate", "_position")


# Text columns whose distinct values the figure table keeps (FigureTable.known_values), as
# every dimension's: cleaned once, never rewritten afterwards.
_KNOWN_VALUES = ("metric", "unit", "source_id", "cites")
# Text columns that building the table only cleans (as the dimensions): where cleaning
# rewrites no cell, the table's column is the one read (ParsedFigureTable.as_read).
_ONLY_CLEANED = ("figure_id", *_KNOWN_VALUES, "note")


@dataclass(frozen=True)
class ParsedFigureTable:
    """The figure table parsed: typed columns the rules read (see :mod:`statcheck.prepare`),
    its dimensions, and facts found while building it that spare the rules a scan."""

    frame: nw.DataFrame[Any]
    dimensions: tuple[str, ...]
    file: str | None = None
    # What the table-wide rules may skip, found once when the table is built: filling
    # the missing cells of dimensions that have none, and setting apart duplicates in a
    # table without any. The defaults assume the worst.
    dimensions_with_blanks: tuple[str, ...] | None = None
    has_duplicates: bool = True
    # The distinct values (None for a missing cell) of the text columns that have few and
    # that building the table leaves as they are (``_KNOWN_VALUES``, the dimensions): a
    # rule asking which sources, citations or units occur, or the identity's codes, need
    # not scan the table again.
    known_values: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    # The cells of a publisher's table that hold a marker it declares for no figure
    # (``missing_values``): each with the id, metric, unit, source, period and dimensions
    # its figure would have, the marker as printed (``marker``) and its ``reason``. A rule
    # that needs one says so. None when the table has none (or is no mapped table).
    not_figures: nw.DataFrame[Any] | None = None
    # The identity's codes (``Context.code_keys``), where they were made with the table:
    # the pandas engine's, made by polars before the table moved (several times faster).
    codes: KeyCodes | None = None
    # The text columns whose cells are the table's as read, row for row (cleaning found
    # none to rewrite, and nothing else rewrites them): a table handed over as a pandas
    # frame lends them to the pandas engine as they are, not converted there and back.
    as_read: tuple[str, ...] = ()

    def blank_dimensions(self) -> tuple[str, ...]:
        """The dimensions with a missing cell (to fill before a join or a group-by)."""
        if self.dimensions_with_blanks is None:
            return self.dimensions
        return self.dimensions_with_blanks


def normalise_figures(
    raw: nw.DataFrame[Any],
    file: str | None = None,
    decimal_mark: str = ".",
    values: ValueReading = ValueReading.TABLE,
) -> ParsedFigureTable:
    """The figure table parsed; ``values``: how printed whole numbers' precision is read
    (a table's last printed digit, or prose's last non-zero digit)."""
    columns = list(raw.columns)
    missing = [c for c in FIGURE_REQUIRED if c not in columns]
    dates = {"period_start", "period_end"} & set(columns)
    if len(dates) == 1:  # half a period, whether or not a label is there too
        missing.append(({"period_start", "period_end"} - dates).pop() + f" (beside {dates.pop()})")
    elif "period" not in columns and not dates:
        missing.append("period_start, period_end (or period)")
    hint = f"a figure table has {', '.join(FIGURE_REQUIRED)}, a period, and optionally {', '.join(FIGURE_OPTIONAL)}"
    known = set(FIGURE_REQUIRED) | set(FIGURE_OPTIONAL) | set(FIGURE_DERIVED)
    known |= {"_source_row", SOURCE_COLUMN}
    dims = tuple(c for c in columns if c not in known)
    # The figure's own columns are parsed step by step; the dimensions are only cleaned,
    # once, and joined back at the end: a table of thousands of dimensions is not carried
    # through every step (each of which costs pandas time per column).
    dim_set = set(dims)
    figure_columns = raw.select([c for c in columns if c not in dim_set]) if dims else raw
    frame, distinct, as_read = intake(
        figure_columns, "figure", FIGURE_REQUIRED, missing, hint, file, FIGURE_DERIVED
    )
    # Counting distinct ids is much cheaper than marking duplicates: mark only if needed.
    if not all_distinct(frame, ["figure_id"]):
        problem(
            frame,
            nw.col("figure_id").is_duplicated(),
            "figure_id",
            "figure_id is not unique",
            DUPLICATE_FIGURE_ID,
            file,
            "every figure needs its own id",
        )
    frame = parse_values(frame, file, decimal_mark, distinct, values)
    frame = parse_periods(frame, file, distinct)
    frame = parse_dates(frame, "published_at", file, distinct.get("published_at"))
    frame = _parse_status(frame, file, distinct.get("status"))
    for c in ("cites", "note", "published_at"):
        if c not in frame.columns:
            frame = frame.with_columns(nw.lit(None, dtype=nw.String).alias(c))
    frame, dims_distinct, dims_as_read = _with_dimensions(frame, raw, dims)
    if SOURCE_COLUMN in frame.columns:  # only errors while reading values name it
        frame = frame.drop(SOURCE_COLUMN)
    # Figures that share metric, source, period and dimensions with another: marked once
    # here, left out and reported by every table-wide rule (see engine.groups). A
    # dimension missing in every row tells no two figures apart and is not compared.
    nulls = dict(zip(dims, backend_of(frame).null_counts(frame, dims), strict=True))
    identity = ["metric", "source_id", "period_start", "period_end"]
    identity += [d for d in dims if nulls[d] < len(frame)]
    if all_distinct(frame, identity):  # the usual case, found with one hash per row
        frame = frame.with_columns(nw.lit(False).alias("_duplicate"))
        duplicates = False
    else:
        frame = frame.with_columns(frame.select(*identity).is_duplicated().alias("_duplicate"))
        duplicates = bool(scan(frame, [nw.col("_duplicate").any()])[0])
    # Each figure's number, 0 to n - 1: one key per figure where ``_row`` is not one (a
    # publisher's row holds a figure for each of its series).
    frame = frame.with_row_index("_position").select(*frame.columns, "_position")
    return ParsedFigureTable(
        frame=frame,
        dimensions=dims,
        file=file,
        dimensions_with_blanks=tuple(d for d in dims if nulls[d]),
        has_duplicates=duplicates,
        as_read=(*(c for c in as_read if c in _ONLY_CLEANED), *dims_as_read),
        known_values={
            c: tuple(None if v is None or v != v else v for v in values.get_column(c).to_list())
            for c, values in [*distinct.items(), *dims_distinct.items()]
            if c in _KNOWN_VALUES or c in dims_distinct
        },  # (pandas may give NaN for a missing cell)
    )


def _with_dimensions(
    frame: nw.DataFrame[Any], raw: nw.DataFrame[Any], dims: tuple[str, ...]
) -> tuple[nw.DataFrame[Any], Distinct, list[str]]:
    """The parsed figure columns and the dimensions, cleaned, in the order of the table
    as read (the row numbers first unless the table brought its own), then the columns
    parsing added; the cleaned distinct values of the dimensions that have few, and the
    dimensions left as read."""
    if not dims:
        return frame, {}, []
    parsed, wanted = set(frame.columns), set(dims)
    # (a dimension named like a column parsing adds is that column, as it always was)
    dimensions = raw.select([d for d in dims if d not in parsed])
    dimensions, distinct, as_read = clean_text_as_read(dimensions, text_columns(dimensions))
    whole = nw.concat([frame, dimensions], how="horizontal")
    start = [c if c != "_source_row" else "_row" for c in raw.columns]
    if "_row" not in start:
        start.insert(0, "_row")
    kept = [c for c in start if c in parsed or c in wanted]
    started = set(start)
    ordered = whole.select([*kept, *(c for c in frame.columns if c not in started)])
    return ordered, distinct, as_read


def _parse_status(
    frame: nw.DataFrame[Any], file: str | None, values: nw.DataFrame[Any] | None
) -> nw.DataFrame[Any]:
    if "status" not in frame.columns:
        return frame.with_columns(nw.lit(FigureStatus.FINAL.value).alias("status"))
    lowered = nw.col("status").str.to_lowercase()
    probe = None
    if values is not None:
        probe = values.select(lowered.fill_null(FigureStatus.FINAL.value))
        if unchanged(values, "status", lowered):  # the usual case: no cell to rewrite
            lowered = nw.col("status")
    frame = frame.with_columns(lowered.fill_null(FigureStatus.FINAL.value))
    allowed = [s.value for s in FigureStatus]
    problem(
        frame,
        ~nw.col("status").is_in(allowed),
        "status",
        "unknown status",
        UNKNOWN_STATUS,
        file,
        f"use one of: {', '.join(allowed)}",
        probe,
    )
    return frame
