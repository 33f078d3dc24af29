"""The column-level contract of a figure table: a suite's ``schema:`` section.

    schema:
      metrics: [population]              # allowed metrics
      units: [persons]                   # allowed units
      dimensions:                        # required dimension columns,
        economy: null                    #   any value
        sex: [F, M, ALL]                 #   or one of these
      value: {min: 0}                    # range of every value
      unique: [metric, economy, period, source]   # no two figures share these

figure_id is always unique. The engine compiles this to a pandera schema for the
backend in use (``statcheck.engine.column_checks.to_pandera``) and reports what fails as
findings of a ``schema`` result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from statcheck.contract.yamlio import Mapping
from statcheck.errors import INVALID_SCHEMA, Location, StatcheckError

FIELDS = ("metrics", "units", "dimensions", "value", "unique")


@dataclass(frozen=True)
class TableSchema:
    metrics: tuple[str, ...] | None = None
    units: tuple[str, ...] | None = None
    dimensions: tuple[tuple[str, tuple[str, ...] | None], ...] = ()
    value_min: float | None = None
    value_max: float | None = None
    unique: tuple[str, ...] = ()

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.metrics is not None:
            out["metrics"] = list(self.metrics)
        if self.units is not None:
            out["units"] = list(self.units)
        if self.dimensions:
            out["dimensions"] = {
                d: (list(v) if v is not None else None) for d, v in self.dimensions
            }
        bounds = {
            k: v for k, v in (("min", self.value_min), ("max", self.value_max)) if v is not None
        }
        if bounds:
            out["value"] = bounds
        if self.unique:
            out["unique"] = list(self.unique)
        return out


def read_schema(m: Any, file: str, line: int | None) -> TableSchema:
    section = _Section(m, file, line)
    if not isinstance(m, Mapping):
        raise section.error("must be a mapping", hint=f"fields: {', '.join(FIELDS)}")
    for key in m:
        if key not in FIELDS:
            raise section.error(f"unknown field {key!r}", key, f"fields: {', '.join(FIELDS)}")
    dims = _dimensions(m, section)
    low, high = _value_bounds(m, section)
    unique = _texts(m, "unique", section) or ()
    return TableSchema(
        metrics=_texts(m, "metrics", section),
        units=_texts(m, "units", section),
        dimensions=dims,
        value_min=low,
        value_max=high,
        unique=unique,
    )


@dataclass(frozen=True)
class _Section:
    """The ``schema:`` section being read, and where: an error points at its key's line."""

    m: Any
    file: str
    line: int | None

    def error(
        self, message: str, key: str | None = None, hint: str | None = None
    ) -> StatcheckError:
        at = self.m.line_of(key) if isinstance(self.m, Mapping) and key else self.line
        return INVALID_SCHEMA(
            f"schema: {message}",
            location=Location(file=self.file, line=at),
            hint=hint,
        )


def _texts(m: Mapping, key: str, section: _Section) -> tuple[str, ...] | None:
    """A list of values (metrics, units, unique columns) as text; None when not given."""
    v = m.get(key)
    if v is None:
        return None
    if (
        not isinstance(v, list)
        or not v
        or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in v)
    ):
        raise section.error(f"`{key}` must be a non-empty list of values", key)
    return tuple(str(x) for x in v)


def _dimensions(m: Mapping, section: _Section) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """Each required dimension with its allowed values, or None for any."""
    dims_raw = m.get("dimensions") or {}
    if not isinstance(dims_raw, dict):
        raise section.error(
            "`dimensions` maps each required dimension to its allowed values (or null)",
            "dimensions",
        )
    dims = []
    for name, allowed in dims_raw.items():
        if allowed is not None and (not isinstance(allowed, list) or not allowed):
            raise section.error(
                f"dimension {name!r}: give a list of allowed values, or null for any", "dimensions"
            )
        dims.append((str(name), tuple(str(a) for a in allowed) if allowed is not None else None))
    return tuple(dims)


def _value_bounds(m: Mapping, section: _Section) -> tuple[float | None, float | None]:
    """The range every value lies in: finite numbers, min not above max."""
    value = m.get("value") or {}
    if not isinstance(value, dict) or not set(value) <= {"min", "max"}:
        raise section.error("`value` takes min and/or max", "value")
    bounds: dict[str, float | None] = {}
    for k in ("min", "max"):
        v = value.get(k)
        if v is not None and (
            isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
        ):
            raise section.error(f"value {k} must be a finite number, not {v!r}", "value")
        bounds[k] = float(v) if v is not None else None
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        raise section.error("value min is above max", "value")
    return bounds["min"], bounds["max"]
