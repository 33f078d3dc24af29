"""Input faults are the input's: each has its slug, location and exit code 2, never
"a bug in statcheck" (exit 3)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest

import statcheck

SUITE = statcheck.suite("s", [statcheck.rules.period(id="o", checks=["ordered"])])
RECORD = {
    "figure_id": "a", "metric": "m", "value": "1", "unit": "cases", "period": "2024",
    "source_id": "s",
}  # fmt: skip


def json_drop(folder: Path, data: bytes, name: str = "figures.json") -> Path:
    folder.mkdir()
    (folder / name).write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    (folder / "drop.yml").write_text(f"id: d\nfiles:\n  - {{path: {name}, sha256: {sha}}}\n")
    return folder


def only_error(report: statcheck.Report) -> tuple[str, int, dict[str, Any]]:
    [error] = report.errors
    return error.slug, int(error.exit_code), error.location.to_dict()


@pytest.mark.parametrize("engine", ["polars", "pandas"])
@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        ("figures.json", b"[" * 200_000 + b"]" * 200_000, {}),
        ("figures.jsonl", b"[" * 200_000 + b"]" * 200_000 + b"\n", {"line": 1}),
        (
            "figures.json",
            b'[{"figure_id":"a","metric":"m","value":"1","value":"2","unit":"cases",'
            b'"period":"2024","source_id":"s"}]',
            {"row": 2, "column": "value"},
        ),
        (
            "figures.jsonl",
            (json.dumps(RECORD) + "\n").encode()
            + b'{"figure_id":"b","metric":"m","metric":"n","value":"1","unit":"cases",'
            b'"period":"2024","source_id":"s"}\n',
            {"row": 3, "column": "metric"},
        ),
    ],
    ids=["nested-200000-deep", "jsonl-nested-deep", "duplicate-key", "jsonl-duplicate-key"],
)
def test_a_json_file_no_table_could_be_is_unreadable_json(
    tmp_path: Path, engine: str, name: str, data: bytes, where: dict[str, Any]
) -> None:
    report = statcheck.validate(json_drop(tmp_path / "d", data, name), SUITE, engine=engine)
    slug, code, location = only_error(report)
    assert (slug, code) == ("unreadable-json", 2)
    assert {k: location[k] for k in where} == where


def _with(**extra: Any) -> dict[str, list[Any]]:
    return {**{k: [v] for k, v in RECORD.items()}, **extra}


@pytest.mark.parametrize(
    ("frame", "slug", "where"),
    [
        (
            pd.DataFrame([[*RECORD.values(), "x"]], columns=[*RECORD, "metric"]),
            "bad-header",
            {"column": "metric"},
        ),
        (
            pd.DataFrame(
                [list(RECORD.values())],
                columns=pd.MultiIndex.from_tuples([(k, "") for k in RECORD]),
            ),
            "bad-header",
            {},
        ),
        (pd.DataFrame(_with(**{"5": ["x"]})).rename(columns={"5": 5}), "bad-header", {}),
        (
            pd.DataFrame(_with(region=[{"a": 1}])),
            "unsupported-column-type",
            {"column": "region", "row": 2},
        ),
        (
            pd.DataFrame(_with(region=[[1, 2]])),
            "unsupported-column-type",
            {"column": "region", "row": 2},
        ),
        (pl.DataFrame(_with(region=[[1, 2]])), "unsupported-column-type", {"column": "region"}),
        (pl.DataFrame(_with(region=[{"a": 1}])), "unsupported-column-type", {"column": "region"}),
    ],
    ids=[
        "repeated-name",
        "multiindex",
        "number-as-name",
        "dict-cell",
        "list-cell",
        "polars-list",
        "polars-struct",
    ],
)
def test_a_frame_that_is_no_table_of_plain_cells_is_refused_by_name(
    frame: Any, slug: str, where: dict[str, Any]
) -> None:
    got_slug, code, location = only_error(statcheck.validate(frame, SUITE))
    assert (got_slug, code) == (slug, 2)
    assert {k: location.get(k) for k in where} == where


def test_an_object_column_of_text_and_numbers_is_read_as_text() -> None:
    frame = pd.DataFrame(
        {**{k: [v, v] for k, v in RECORD.items()}, "figure_id": ["a", "b"], "region": [1.5, "x"]}
    )
    report = statcheck.validate(frame, SUITE)
    assert report.errors == () and report.summary["pass"] == 1
