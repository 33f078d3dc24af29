"""Shared pieces of the drop tests: one small figure table, written in every format."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import polars as pl

from statcheck.contract import suite_from_yaml
from statcheck.contract.suite import Suite
from statcheck.report import Report

SUITE = suite_from_yaml(
    "suite: t\nrules:\n"
    "  - {id: total-is-sum, kind: sum, over: region, total: T, parts: [A, B]}\n"
    "  - {id: t-above-a, kind: compare, left: t-2024, op: '>', right: a-2024}\n"
)

# Printed as a publisher prints: "about", thousands separators; 2023 does not add up.
TEXT_FIGURES = pl.DataFrame(
    {
        "figure_id": ["t-2024", "a-2024", "b-2024", "t-2023", "a-2023", "b-2023"],
        "metric": ["cases"] * 6,
        "value": ["about 10,000", "4,000", "6,000", "13,000", "4,000", "6,000"],
        "unit": ["cases"] * 6,
        "period": ["2024", "2024", "2024", "2023", "2023", "2023"],
        "source_id": ["stats"] * 6,
        "region": ["T", "A", "B", "T", "A", "B"],
    }
)


def encode(frame: pl.DataFrame, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "csv":
        frame.write_csv(buf)
    elif fmt == "parquet":
        frame.write_parquet(buf)
    elif fmt == "json":
        frame.write_json(buf)
    elif fmt == "jsonl":
        frame.write_ndjson(buf)
    else:  # pragma: no cover
        raise ValueError(fmt)
    return buf.getvalue()


def outcome(report: Report) -> dict[str, Any]:
    """What a report says about the figures: everything but where they came from."""
    data = report.to_dict()
    for key in ("drop", "generated_at", "cache_key"):
        data.pop(key, None)
    return data


def only_error(report: Report) -> dict[str, Any]:
    assert not report.results, report.results
    [error] = report.errors
    return error.to_dict()


def with_printed_precision(suite: Suite) -> Suite:
    """The suite with the precision its CSV printed stated for each percent series that
    states none (BLS's percentages, printed with one decimal): a typed copy of the table
    (Parquet, JSON, a database) holds the float 56.0, exactly 56 unless a precision says
    it stands for 55.95..56.05, as the printed "56.0" does."""
    table = suite.table
    if table is None:
        return suite
    series = tuple(
        replace(s, precision=0.1) if s.unit == "percent" and s.precision is None else s
        for s in table.series
    )
    return replace(suite, table=replace(table, series=series))
