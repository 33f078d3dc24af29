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
KEY_COLUMNS = ("metric", "unit", "period", "source", "status")


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
    def err(message: str, key: str | None = None, hint: str | None = None) -> StatcheckError:
        at = m.line_of(key) if isinstance(m, Mapping) and key else line
        return INVALID_SCHEMA(
            f"schema: {message}",
            location=Location(file=file, line=at),
            hint=hint,
        )

    if not isinstance(m, Mapping):
        raise err("must be a mapping", hint=f"fields: {', '.join(FIELDS)}")
    for key in m:
        if key not in FIELDS:
            raise err(f"unknown field {key!r}", key, f"fields: {', '.join(FIELDS)}")

    def texts(key: str) -> tuple[str, ...] | None:
        v = m.get(key)
        if v is None:
            return None
        if (
            not isinstance(v, list)
            or not v
            or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in v)
        ):
            raise err(f"`{key}` must be a non-empty list of values", key)
        return tuple(str(x) for x in v)

    dims_raw = m.get("dimensions") or {}
    if not isinstance(dims_raw, dict):
        raise err(
            "`dimensions` maps each required dimension to its allowed values (or null)",
            "dimensions",
        )
    dims = []
    for name, allowed in dims_raw.items():
        if allowed is not None and (not isinstance(allowed, list) or not allowed):
            raise err(
                f"dimension {name!r}: give a list of allowed values, or null for any", "dimensions"
            )
        dims.append((str(name), tuple(str(a) for a in allowed) if allowed is not None else None))
    value = m.get("value") or {}
    if not isinstance(value, dict) or not set(value) <= {"min", "max"}:
        raise err("`value` takes min and/or max", "value")
    bounds: dict[str, float | None] = {}
    for k in ("min", "max"):
        v = value.get(k)
        if v is not None and (
            isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
        ):
            raise err(f"value {k} must be a finite number, not {v!r}", "value")
        bounds[k] = float(v) if v is not None else None
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        raise err("value min is above max", "value")
    unique = texts("unique") or ()
    return TableSchema(
        metrics=texts("metrics"),
        units=texts("units"),
        dimensions=tuple(dims),
        value_min=bounds["min"],
        value_max=bounds["max"],
        unique=unique,
    )
