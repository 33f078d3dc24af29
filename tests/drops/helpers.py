"""Shared pieces of the drop tests: one small figure table, written in every format."""

from __future__ import annotations

import io
from typing import Any

import polars as pl

from statcheck.contract import suite_from_yaml
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
