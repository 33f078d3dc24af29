"""One figure table, any format: CSV, Parquet, JSON records and JSON Lines give the same
report on every backend; typed cells stay typed; only the needed columns are read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.drops.manifest import DropFile, sha256_of
from statcheck.drops.reader import read_drop_file
from statcheck.report import Status
from tests.drops.conftest import WriteDrop
from tests.drops.helpers import SUITE, TEXT_FIGURES, encode, only_error, outcome

FORMATS = ["csv", "parquet", "json", "jsonl"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_csv_report(fmt: str, backend: str, write_drop: WriteDrop) -> None:
    csv = write_drop(("figures.csv", encode(TEXT_FIGURES, "csv"), {}), name="csv")
    other = write_drop((f"figures.{fmt}", encode(TEXT_FIGURES, fmt), {}), name=f"as-{fmt}")
    expected = validate_drop(csv, SUITE, engine="polars")
    report = validate_drop(other, SUITE, engine=backend)
    assert report.errors == ()
    assert report.result("total-is-sum").status is Status.FAIL  # 2023 does not add up
    assert outcome(report) == outcome(expected)


@pytest.mark.parametrize("declared", ["parquet", "PARQUET"])
def test_a_declared_format_wins_over_the_suffix(declared: str, write_drop: WriteDrop) -> None:
    drop = write_drop(("figures.bin", encode(TEXT_FIGURES, "parquet"), {"format": declared}))
    assert validate_drop(drop, SUITE).errors == ()


def test_ndjson_is_json_lines(write_drop: WriteDrop) -> None:
    drop = write_drop(("figures.ndjson", encode(TEXT_FIGURES, "jsonl"), {}))
    also = write_drop(("f.txt", encode(TEXT_FIGURES, "jsonl"), {"format": "ndjson"}), name="d2")
    assert validate_drop(drop, SUITE).errors == () == validate_drop(also, SUITE).errors


TYPED = pl.DataFrame(
    {
        "figure_id": ["t", "a", "b"],
        "metric": ["m"] * 3,
        "value": [10.0, 4.0, 6.5],
        "unit": ["u"] * 3,
        "period_start": [dt.date(2024, 1, 1)] * 3,
        "period_end": [dt.date(2024, 12, 31)] * 3,
        "source_id": ["s"] * 3,
        "region": ["T", "A", "B"],
        "code": [7, 7, 7],  # a typed dimension: read as text
    }
)
SUM = suite_from_yaml("suite: t\nrules:\n  - {id: s, kind: sum, over: region, total: T}\n")


@pytest.mark.parametrize("fmt", ["parquet", "json", "jsonl"])
def test_typed_numbers_are_exact_and_typed_dates_are_dates(
    fmt: str, backend: str, write_drop: WriteDrop
) -> None:
    frame = (
        TYPED
        if fmt == "parquet"
        else TYPED.with_columns(pl.col("period_start", "period_end").cast(pl.String))
    )
    drop = write_drop((f"figures.{fmt}", encode(frame, fmt), {}))
    report = validate_drop(drop, SUM, engine=backend)
    # Numbers carry no printing to infer a precision from: 10 vs 4 + 6.5 is 0.5 apart.
    [finding] = report.result("s").findings
    assert finding.gap == 0.5
    assert finding.reported is not None and finding.reported.low == finding.reported.high == 10


def test_typed_cells_reach_the_figure_table_typed(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    TYPED.write_parquet(path)
    spec = DropFile(path="f.parquet", role="figures", sha256=None, format="parquet")
    frame = read_drop_file(
        path, spec, backend, keep_numbers=("value",), keep_dates=("period_start", "period_end")
    )
    schema = frame.schema
    assert schema["value"].is_numeric() and schema["period_start"].is_temporal()
    assert schema["code"] == schema["region"]  # text, like every other column
    assert frame["code"].to_list() == ["7", "7", "7"]


def test_typed_cells_as_text_are_the_same_on_every_backend(tmp_path: Path) -> None:
    floats = [56.0, -3.0, 0.1, 1e15, 1e16, 123456.789, 2.5e-5, float("nan"), None]
    path = tmp_path / "f.parquet"
    pl.DataFrame(
        {
            "f": floats,
            "i": [1, None, 3, 4, 5, 6, 7, 8, 9],
            "b": [True, False, None, True, True, True, True, True, True],
            "d": [dt.date(2024, 1, 2)] * 9,
            "ts": [dt.datetime(2024, 1, 2)] * 8 + [dt.datetime(2024, 1, 2, 3, 4, 5)],
            "cat": pl.Series(["x", "y", None, "x", "x", "x", "x", "x", "x"], dtype=pl.Categorical),
        }
    ).write_parquet(path)
    spec = DropFile(path="f.parquet", role="figures", sha256=None, format="parquet")
    polars_rows = read_drop_file(path, spec, "polars").rows()
    pandas_rows = read_drop_file(path, spec, "pandas").rows()
    missing = pd.isna  # pandas gives pd.NA where polars gives None
    assert polars_rows == [tuple(None if missing(v) else v for v in row) for row in pandas_rows]
    assert [r[0] for r in polars_rows][:7] == [
        "56.0", "-3.0", "0.1", "1000000000000000.0", "1e+16", "123456.789", "0.000025",
    ]  # fmt: skip
    assert polars_rows[7][0] == "NaN" and polars_rows[0][4] == "2024-01-02"


MAPPED = suite_from_yaml(
    """
suite: t
table:
  source: {source_id: office, name: Statistics office, kind: official}
  period: {year: year}
  series:
    total: {unit: cases}
    a: {unit: cases}
    b: {unit: cases}
rules:
  - {id: total, kind: sum, over: metric, total: total, parts: [a, b]}
"""
)


def wide_table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "year": [2023, 2024],
            "total": [10, 13],
            "a": [4, 4],
            "b": [6, 6],
            "comments": [{"by": "x"}, {"by": "y"}],  # a nested column the mapping never reads
        }
    )


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_only_the_columns_a_mapping_reads_are_read(
    fmt: str, backend: str, write_drop: WriteDrop
) -> None:
    data = encode(wide_table(), fmt)
    report = validate_drop(write_drop((f"t.{fmt}", data, {})), MAPPED, engine=backend)
    assert report.errors == ()
    assert report.result("total").status is Status.FAIL  # 2024: 13 is not 4 + 6
    # Without the mapping every column is read, and a nested one is refused.
    unmapped = validate_drop(write_drop((f"t.{fmt}", data, {}), name="all"), SUM, engine=backend)
    error = only_error(unmapped)
    assert error["slug"] == "unsupported-column-type"
    assert error["location"]["column"] == "comments" and error["location"]["row"] == 2


def test_parquet_reader_is_asked_for_the_mapped_columns_only(
    backend: str, write_drop: WriteDrop, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polars
    import pyarrow.parquet as pq

    asked: list[object] = []
    real_pl, real_pq = polars.read_parquet, pq.read_table

    def spy_pl(source: object, columns: object = None, **kw: object) -> object:
        asked.append(columns)
        return real_pl(source, columns=columns, **kw)  # type: ignore[arg-type]

    def spy_pq(source: object, columns: object = None, **kw: object) -> object:
        asked.append(columns)
        return real_pq(source, columns=columns, **kw)

    monkeypatch.setattr(polars, "read_parquet", spy_pl)
    monkeypatch.setattr(pq, "read_table", spy_pq)
    drop = write_drop(("t.parquet", encode(wide_table(), "parquet"), {}))
    assert validate_drop(drop, MAPPED, engine=backend).errors == ()
    assert asked == [["year", "total", "a", "b"]]


def test_a_missing_mapped_column_names_the_file_columns(
    backend: str, write_drop: WriteDrop
) -> None:
    data = encode(wide_table().drop("b"), "parquet")
    error = only_error(validate_drop(write_drop(("t.parquet", data, {})), MAPPED, engine=backend))
    assert error["slug"] == "missing-column" and "b" in error["message"]
    assert "year, total, a, comments" in error["hint"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_input_files_are_never_modified(fmt: str, backend: str, write_drop: WriteDrop) -> None:
    drop = write_drop(
        (
            f"figures.{fmt}",
            encode(TEXT_FIGURES, fmt),
            {"encoding": "cp1252"} if fmt == "csv" else {},
        )
    )
    before = {p.name: (sha256_of(p), p.stat().st_mtime_ns) for p in drop.iterdir()}
    validate_drop(drop, SUITE, engine=backend)
    assert {p.name: (sha256_of(p), p.stat().st_mtime_ns) for p in drop.iterdir()} == before
