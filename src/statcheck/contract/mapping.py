"""How to read a publisher's own table as figures: declared in a suite's ``table:`` section.

Publishers rarely print the canonical long table. A mapping says where the period is,
which columns are dimensions, and either which single column holds the value (a long
table) or which columns are each a series (a wide table, melted into one figure per row
and column). Each series has its metric, unit, scale (a table in thousands has scale
1000) and precision (in printed units). Every figure gets the mapping's source, and an id
made from metric, dimensions and period. An empty cell is no figure, and so is a cell
holding one of the markers the publisher prints for a figure it does not give
(``missing_values``: each marker with its reason, or a list whose reasons are the markers;
a series may declare markers of its own besides).

    table:
      source: {source_id: bls, name: US Bureau of Labor Statistics, kind: official}
      period: {year: year}                  # see PeriodSpec for every form
      series:
        labor_force: {unit: persons, scale: 1000, precision: 1}
        population_percent: {metric: participation_rate, unit: percent}
      missing_values: {"..": not-available, "(D)": suppressed}
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any

from statcheck.contract.yamlio import Mapping
from statcheck.errors import INVALID_TABLE_MAPPING, Location, StatcheckError
from statcheck.model.figure import SourceKind
from statcheck.model.period import month_number, parse_period

_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9,]*)?\.?[0-9]+%?")
# What one period column may hold; `month` and `quarter` may also come with a `year` column.
PERIOD_KINDS = ("year", "date", "month", "quarter", "label")
FISCAL_YEAR = "fiscal_year"
CONSTANT = "constant"  # the kind of a period the mapping states for the whole table
PERIOD_FORMS = (
    "use {year: COLUMN}, {month: ...}, {quarter: ...}, {date: ...} or {label: ...}; "
    "{year: YEAR_COLUMN, month: MONTH_COLUMN} or {year: ..., quarter: ...}; "
    '{fiscal_year: COLUMN, starts: April}; or one label for the whole table, period: "2000"'
)
# Names a dimension cannot take: they are the figure table's own columns.
RESERVED = (
    "figure_id", "metric", "value", "unit", "qualifier", "precision", "scale", "period",
    "period_start", "period_end", "source_id", "cites", "published_at", "status", "note",
)  # fmt: skip


@dataclass(frozen=True)
class SeriesSpec:
    column: str
    metric: str
    unit: str
    scale: float = 1.0
    precision: float | None = None
    qualifier: str | None = None
    # (marker, reason) of this column only, besides the table's (its reason wins).
    missing_values: tuple[tuple[str, str], ...] = ()

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.metric != self.column:
            out["metric"] = self.metric
        out["unit"] = self.unit
        if self.scale != 1.0:
            out["scale"] = self.scale
        if self.precision is not None:
            out["precision"] = self.precision
        if self.qualifier:
            out["qualifier"] = self.qualifier
        if self.missing_values:
            out["missing_values"] = dict(self.missing_values)
        return out


@dataclass(frozen=True)
class SourceSpec:
    source_id: str
    name: str
    kind: SourceKind
    url: str | None = None

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source_id": self.source_id,
            "name": self.name,
            "kind": self.kind.value,
        }
        if self.url:
            out["url"] = self.url
        return out


@dataclass(frozen=True)
class PeriodSpec:
    """Where each figure's period comes from. ``kind`` is what ``column`` holds: ``year``,
    ``date``, ``month``, ``quarter``, ``label`` (any period label), or ``fiscal_year``
    (starting on the 1st of month ``starts``). A ``month`` or ``quarter`` may be printed
    beside the year, in ``year_column``. A ``constant`` period is ``label``, for every row."""

    kind: str
    column: str | None = None
    year_column: str | None = None
    starts: int | None = None
    label: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The publisher's columns the period is read from."""
        return tuple(c for c in (self.year_column, self.column) if c is not None)

    def to_mapping(self) -> Any:
        if self.kind == CONSTANT:
            return self.label
        if self.kind == FISCAL_YEAR:
            assert self.starts is not None
            return {FISCAL_YEAR: self.column, "starts": calendar.month_name[self.starts]}
        if self.year_column is not None:
            return {"year": self.year_column, self.kind: self.column}
        return {self.kind: self.column}


@dataclass(frozen=True)
class TableMapping:
    source: SourceSpec
    period: PeriodSpec
    series: tuple[SeriesSpec, ...] = ()
    value: str | None = None  # the value column of a long table
    metric: str | None = None
    unit: str | None = None
    scale: float = 1.0
    precision: float | None = None
    dimensions: tuple[tuple[str, str], ...] = ()  # (figure column, publisher's column)
    # (marker, reason): a cell that holds the marker, spaces stripped, is no figure.
    missing_values: tuple[tuple[str, str], ...] = ()

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source.to_mapping(),
            "period": self.period.to_mapping(),
        }
        if self.dimensions:
            out["dimensions"] = dict(self.dimensions)
        if self.missing_values:
            out["missing_values"] = dict(self.missing_values)
        if self.series:
            out["series"] = {s.column: s.to_mapping() for s in self.series}
        else:
            out["value"] = self.value
            out["metric"] = self.metric
            out["unit"] = self.unit
            if self.scale != 1.0:
                out["scale"] = self.scale
            if self.precision is not None:
                out["precision"] = self.precision
        return out

    def markers(self) -> dict[str, dict[str, str]]:
        """The markers for no figure of each value column (the publisher's name), with
        their reasons: the table's, and a series' own."""
        table = dict(self.missing_values)
        if not self.series:
            return {self.value or "": table} if table else {}
        columns = {s.column: {**table, **dict(s.missing_values)} for s in self.series}
        return {c: markers for c, markers in columns.items() if markers}

    @property
    def source_columns(self) -> list[str]:
        """The publisher's columns the mapping reads."""
        cols = [*self.period.columns, *(c for _, c in self.dimensions)]
        cols += [s.column for s in self.series] if self.series else [self.value or ""]
        return cols


LONG_FIELDS = (
    "source", "period", "dimensions", "value", "metric", "unit", "scale", "precision",
    "missing_values",
)  # fmt: skip
WIDE_FIELDS = ("source", "period", "dimensions", "series", "missing_values")
SERIES_FIELDS = ("metric", "unit", "scale", "precision", "qualifier", "missing_values")


_COLUMN = {"type": "string", "minLength": 1}
# The JSON Schema of `period`, for suite.schema.json: the forms _period reads.
PERIOD_SCHEMA: dict[str, Any] = {
    "description": "Where each figure's period is: " + PERIOD_FORMS,
    "oneOf": [
        {"type": "string", "minLength": 1, "description": "one period label for every row"},
        {"type": "integer", "description": "one year for every row"},
        *(
            {"type": "object", "required": [kind], "properties": {kind: _COLUMN},
             "additionalProperties": False}
            for kind in PERIOD_KINDS
        ),
        *(
            {"type": "object", "required": ["year", kind],
             "properties": {"year": _COLUMN, kind: _COLUMN}, "additionalProperties": False}
            for kind in ("month", "quarter")
        ),
        {
            "type": "object",
            "required": [FISCAL_YEAR, "starts"],
            "properties": {
                FISCAL_YEAR: _COLUMN,
                "starts": {"type": ["string", "integer"], "description": "the month it starts in"},
            },
            "additionalProperties": False,
        },
    ],
}  # fmt: skip


def read_mapping(m: Any, file: str, line: int | None) -> TableMapping:
    place = _Place(file, line)
    if not isinstance(m, Mapping):
        raise place.error("must be a mapping with source, period and value or series")
    wide = "series" in m
    allowed = WIDE_FIELDS if wide else LONG_FIELDS
    for key in m:
        if key not in allowed:
            raise place.error(
                f"unknown field {key!r}",
                m,
                key,
                f"a {'wide' if wide else 'long'} table has: {', '.join(allowed)}",
            )
    source = _source(m, place)
    period = _period(m, place)
    dims = _dimensions(m, place)
    markers = _missing_values(m, place)
    if wide:
        series = _series(m, place)
        return TableMapping(source, period, series=series, dimensions=dims, missing_values=markers)
    for key in ("value", "metric", "unit"):
        if not isinstance(m.get(key), str):
            raise place.error(f"a long table needs `{key}` (or use `series:` for a wide one)", m)
    return TableMapping(
        source, period, value=m["value"], metric=m["metric"], unit=m["unit"],
        scale=_number(m, "scale", 1.0, place) or 1.0, precision=_number(m, "precision", None, place),
        dimensions=dims, missing_values=markers,
    )  # fmt: skip


@dataclass(frozen=True)
class _Place:
    """Where the ``table:`` section is: an error points at the line of the key (or the
    mapping) it is about, else at the section."""

    file: str
    line: int | None

    def error(
        self,
        message: str,
        where: Mapping | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> StatcheckError:
        at = (
            where.line_of(key)
            if (where is not None and key)
            else (where.line if where is not None else self.line)
        )
        return INVALID_TABLE_MAPPING(
            f"table: {message}",
            location=Location(file=self.file, line=at),
            hint=hint,
        )


def _source(m: Mapping, place: _Place) -> SourceSpec:
    """The source every figure of the table is given."""
    src = m.get("source")
    if not isinstance(src, Mapping) or not all(
        isinstance(src.get(k), str) for k in ("source_id", "name", "kind")
    ):
        raise place.error("`source` needs source_id, name and kind", m, "source")
    try:
        kind = SourceKind(src["kind"])
    except ValueError:
        raise place.error(
            f"source kind {src['kind']!r}",
            m,
            "source",
            f"use one of: {', '.join(k.value for k in SourceKind)}",
        ) from None
    return SourceSpec(src["source_id"], src["name"], kind, src.get("url") or None)


def _period(m: Mapping, place: _Place) -> PeriodSpec:
    """Where the period is: one column and what it holds, a year column beside a month or
    quarter column, a fiscal-year column and the month it starts, or one label for all."""
    period = m.get("period")
    if isinstance(period, str | int) and not isinstance(period, bool):
        return _constant_period(str(period), m, place)
    if not isinstance(period, Mapping) or not all(
        isinstance(c, str) for k, c in period.items() if k != "starts"
    ):
        raise place.error(f"`period` is {period!r}", m, "period", PERIOD_FORMS)
    if FISCAL_YEAR in period:
        return _fiscal_period(period, place)
    if len(period) == 2 and "year" in period:
        [(kind, column)] = [(k, c) for k, c in period.items() if k != "year"]
        if kind in ("month", "quarter"):
            return PeriodSpec(kind, column, year_column=period["year"])
    if len(period) == 1:
        [(kind, column)] = period.items()
        if kind in PERIOD_KINDS:
            return PeriodSpec(kind, column)
    raise place.error(f"`period` reads {dict(period)!r}", m, "period", PERIOD_FORMS)


def _constant_period(text: str, m: Mapping, place: _Place) -> PeriodSpec:
    """One period for every figure of the table, as its canonical label."""
    try:
        label = parse_period(text).label()
    except StatcheckError as exc:
        raise place.error(
            f"`period` {text!r}: {exc.message}",
            m,
            "period",
            exc.hint or "one label for the whole table: 2000, 2024-Q3, 2024-10 ...",
        ) from None
    return PeriodSpec(CONSTANT, label=label)


def _fiscal_period(period: Mapping, place: _Place) -> PeriodSpec:
    """``{fiscal_year: COLUMN, starts: MONTH}``: the month is required, never assumed."""
    extra = [k for k in period if k not in (FISCAL_YEAR, "starts")]
    if extra or "starts" not in period:
        raise place.error(
            f"a fiscal-year period has `{FISCAL_YEAR}` and `starts`"
            + (f", not {', '.join(map(repr, extra))}" if extra else ""),
            period,
            extra[0] if extra else FISCAL_YEAR,
            "e.g. period: {fiscal_year: FY, starts: October} (US federal), starts: April (UK)",
        )
    written = period["starts"]
    try:
        if isinstance(written, bool) or not isinstance(written, str | int):
            raise TypeError
        starts = month_number(str(written))
    except (StatcheckError, TypeError):
        raise place.error(
            f"`starts` is {written!r}, not a month",
            period,
            "starts",
            "a month's English name (April), abbreviation (Apr) or number (4)",
        ) from None
    return PeriodSpec(FISCAL_YEAR, period[FISCAL_YEAR], starts=starts)


def _dimensions(m: Mapping, place: _Place) -> tuple[tuple[str, str], ...]:
    """(figure column, publisher's column) pairs; a figure column may not take the name of
    one of the figure table's own columns."""
    dims_raw = m.get("dimensions") or {}
    if not isinstance(dims_raw, dict) or not all(isinstance(v, str) for v in dims_raw.values()):
        raise place.error(
            "`dimensions` maps a figure column to the publisher's column", m, "dimensions"
        )
    for name in dims_raw:
        if name in RESERVED:
            raise place.error(
                f"dimension {name!r} would replace the figure column of that name", m, "dimensions"
            )
    return tuple((str(k), v) for k, v in dims_raw.items())


def _missing_values(m: Mapping, place: _Place) -> tuple[tuple[str, str], ...]:
    """The markers a publisher prints where it gives no figure, each with its reason: a
    mapping ``{"..": not-available, "(D)": suppressed}``, or a list (each its own reason).
    A marker is compared with the cell as printed, spaces around it stripped, case and all:
    a marker is text, and never a number (a quoted ``"0"`` would hide real zeros)."""
    raw = m.get("missing_values")
    if raw is None:
        return ()
    if isinstance(raw, Mapping):
        pairs = list(raw.items())
    elif isinstance(raw, list):
        pairs = [(marker, marker) for marker in raw]
    else:
        raise place.error(
            "`missing_values` is a mapping of each marker to its reason, or a list of markers",
            m,
            "missing_values",
            'e.g. missing_values: {"..": not-available, "x": suppressed}',
        )
    out: dict[str, str] = {}
    for marker, reason in pairs:
        problem = _marker_problem(marker, reason, out)
        if problem:
            raise place.error(
                f"missing_values: {problem}",
                m,
                "missing_values",
                "a marker is what the publisher prints instead of a figure, written as quoted "
                'text with its reason: {"NA": not-available, "..": confidential, "(D)": suppressed}',
            )
        out[marker.strip()] = reason.strip()
    return tuple(out.items())


def _marker_problem(marker: Any, reason: Any, seen: dict[str, str]) -> str | None:
    """What is wrong with one marker and its reason, or None."""
    if not isinstance(marker, str) or not marker.strip():
        return f"the marker {marker!r} is not text (an empty cell is no figure already)"
    if _reads_as_number(marker.strip()):
        return f"the marker {marker!r} is a number: a cell holding it is a figure"
    if not isinstance(reason, str) or not reason.strip():
        return f"the marker {marker!r} needs its reason as text, e.g. suppressed"
    if marker.strip() in seen:
        return f"the marker {marker!r} is given twice"
    return None


def _reads_as_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def _series(m: Mapping, place: _Place) -> tuple[SeriesSpec, ...]:
    """A wide table's value columns, each a series with its metric, unit, scale and precision."""
    series_raw = m["series"]
    if not isinstance(series_raw, Mapping) or not series_raw:
        raise place.error(
            "`series` maps each value column to its metric, unit, scale and precision",
            m,
            "series",
        )
    return tuple(_one_series(col, spec, series_raw, place) for col, spec in series_raw.items())


def _one_series(col: str, spec: Any, series_raw: Mapping, place: _Place) -> SeriesSpec:
    """One value column's series (an empty entry: only its unit is missing)."""
    spec = spec if spec is not None else Mapping()
    if not isinstance(spec, Mapping):
        raise place.error(f"series {col!r} must be a mapping", series_raw, col)
    for key in spec:
        if key not in SERIES_FIELDS:
            raise place.error(
                f"series {col!r}: unknown field {key!r}",
                spec,
                key,
                f"a series has: {', '.join(SERIES_FIELDS)}",
            )
    unit = spec.get("unit")
    if not isinstance(unit, str):
        raise place.error(f"series {col!r} needs a unit", series_raw, col)
    return SeriesSpec(
        column=col, metric=str(spec.get("metric", col)), unit=unit,
        scale=_number(spec, "scale", 1.0, place) or 1.0,
        precision=_number(spec, "precision", None, place), qualifier=spec.get("qualifier"),
        missing_values=_missing_values(spec, place),
    )  # fmt: skip


def _number(where: Mapping, key: str, default: float | None, place: _Place) -> float | None:
    """A scale or precision: a number not below 0 (a scale not 0 either), or None."""
    v = where.get(key, default)
    if v is None:
        return None
    if (
        isinstance(v, bool)
        or not isinstance(v, int | float)
        or v < 0
        or (key == "scale" and v == 0)
    ):
        raise place.error(f"{key} must be a positive number, not {v!r}", where, key)
    return float(v)
