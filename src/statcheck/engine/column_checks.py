"""The suite's column checks (its ``schema:`` section), compiled to pandera and run on the
parsed figure table.

pandera (and with it pandas) is imported only here, and only for suites that have a
``schema:`` section, so the default command line stays fast. Each backend gets pandera's
own schema for it (``pandera.polars`` or ``pandera.pandas``); every failure pandera
collects (lazy validation) becomes part of a finding naming the figures.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import narwhals as nw

from statcheck.backends import backend_named, backend_of
from statcheck.contract.schema import TableSchema
from statcheck.errors import UNKNOWN_ENGINE
from statcheck.model.interval import format_number
from statcheck.prepare import ParsedFigureTable
from statcheck.report import Finding, RuleResult, Status

SHOWN = 6
_KEY_COLUMNS = {"period": ("period_start", "period_end"), "source": ("source_id",)}


def key_columns(schema: TableSchema) -> list[str]:
    cols: list[str] = []
    for k in schema.unique:
        cols.extend(_KEY_COLUMNS.get(k, (k,)))
    return cols


def to_pandera(schema: TableSchema, backend: str = "polars") -> Any:
    """A pandera DataFrameSchema for the canonical figure table on ``backend``."""
    library = backend_named(backend)
    pa: Any = library.pandera() if library is not None else None
    if pa is None:
        raise UNKNOWN_ENGINE(f"no pandera schema for backend {backend!r}")
    columns: dict[str, Any] = {"figure_id": pa.Column(unique=True, nullable=False)}
    if schema.metrics is not None:
        columns["metric"] = pa.Column(checks=pa.Check.isin(list(schema.metrics)))
    if schema.units is not None:
        columns["unit"] = pa.Column(checks=pa.Check.isin(list(schema.units)))
    if schema.value_min is not None or schema.value_max is not None:
        lo = schema.value_min if schema.value_min is not None else float("-inf")
        hi = schema.value_max if schema.value_max is not None else float("inf")
        columns["value"] = pa.Column(float, checks=pa.Check.in_range(lo, hi))
    for name, allowed in schema.dimensions:
        checks = [pa.Check.isin(list(allowed))] if allowed is not None else []
        columns[name] = pa.Column(checks=checks, required=True, nullable=allowed is None)
    unique = key_columns(schema) or None
    return pa.DataFrameSchema(columns, unique=unique, strict=False, name="figure table")


def check_schema(schema: TableSchema, table: ParsedFigureTable) -> RuleResult:
    """Run the compiled schema; one finding per failed check, naming the figures."""
    import pandera.errors

    if not isinstance(table.frame, nw.DataFrame):  # a lazy table (Spark): checked on the driver
        import dataclasses

        table = dataclasses.replace(table, frame=table.frame.collect(backend="polars"))

    library = backend_of(table.frame)
    missing = [name for name, _ in schema.dimensions if name not in table.frame.columns]
    if missing:
        finding = Finding(
            "missing-column",
            (),
            f"The figure table has no column {', '.join(map(repr, missing))}, which the suite requires.",
        )
        return RuleResult(
            "schema", "schema", Status.FAIL, (finding,), description="column-level schema (pandera)"
        )
    frame = table.frame.drop(*(c for c in ("_row", "_position") if c in table.frame.columns))
    native = library.positional(frame.to_native())  # failure cases name the row's position
    try:
        to_pandera(schema, library.name).validate(native, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = (
            nw.from_native(exc.failure_cases, eager_only=True)
            .select("column", "check", "index")
            .rows()
        )
    else:
        return RuleResult(
            "schema", "schema", Status.PASS, description="column-level schema (pandera)"
        )
    by_check: dict[tuple[str, str], set[int]] = defaultdict(set)
    for column, check, index in cases:
        # pandas reports a failed key once per key column, polars once per row: one finding.
        where = "" if "unique" in str(check) and column != "figure_id" else str(column or "")
        by_check[(where, str(check))].add(int(index))
    ids = frame.get_column("figure_id").to_list()
    findings = [
        _finding(column, check, sorted(rows), ids, frame, schema)
        for (column, check), rows in sorted(by_check.items())
    ]
    return RuleResult(
        "schema",
        "schema",
        Status.FAIL,
        tuple(findings),
        description="column-level schema (pandera)",
    )


def _finding(
    column: str,
    check: str,
    rows: list[int],
    ids: list[str],
    frame: nw.DataFrame[Any],
    schema: TableSchema,
) -> Finding:
    figures = tuple(sorted({ids[i] for i in rows}))
    shown = ", ".join(figures[:SHOWN]) + (
        f" and {len(figures) - SHOWN} more" if len(figures) > SHOWN else ""
    )
    if "unique" in check:
        what = "figure_id" if column == "figure_id" else " + ".join(schema.unique)
        return Finding(
            "duplicate-key",
            figures,
            f"{len(figures)} figures share their {what} with another figure: {shown}.",
        )
    values = sorted({str(frame.item(i, column)) for i in rows})
    listed = ", ".join(values[:SHOWN]) + (" …" if len(values) > SHOWN else "")
    if check.startswith("isin"):
        return Finding(
            "not-allowed",
            figures,
            f"{len(figures)} figures have a {column} the suite does not allow ({listed}): {shown}.",
        )
    if check.startswith("in_range"):
        low = format_number(schema.value_min) if schema.value_min is not None else "−∞"
        high = format_number(schema.value_max) if schema.value_max is not None else "∞"
        bounds = f"{low} to {high}"
        return Finding(
            "out-of-range",
            figures,
            f"{len(figures)} figures have a value outside {bounds} ({listed}): {shown}.",
        )
    return Finding(
        "schema-check",
        figures,
        f"{len(figures)} figures fail {check} on {column or 'the table'}: {shown}.",
    )
