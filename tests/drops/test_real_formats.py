"""Real published tables in Parquet and JSON: the bundled CSV drops, converted here with
their cells typed (numbers as numbers), give the same report as the CSV on every backend
once the suite states the precision the CSV printed (a typed number is exact unless a
precision is given)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl
import pytest

from statcheck.checking import validate_drop
from statcheck.contract import load_suite
from statcheck.contract.suite import Suite
from statcheck.drops.manifest import DropFile
from statcheck.drops.reader import read_drop_file
from tests.conftest import REPO
from tests.drops.conftest import WriteDrop
from tests.drops.helpers import encode, outcome, with_printed_precision

DROPS = REPO / "fixtures" / "drops"
REAL = {
    "bls-cps-aat1": ("bls-cps-aat1-2025", "aat1.csv"),
    "worldbank-population": ("worldbank-population-2026-03-06", "population.csv"),
}
CASES = [
    ("bls-cps-aat1", "parquet"),
    ("bls-cps-aat1", "json"),
    ("bls-cps-aat1", "jsonl"),
    ("worldbank-population", "parquet"),
    ("worldbank-population", "jsonl"),
]


@cache
def suite(name: str) -> Suite:
    return load_suite(REPO / "expectations" / f"{name}.yml")


@cache
def typed_suite(name: str) -> Suite:
    return with_printed_precision(suite(name))


@cache
def csv_outcome(name: str) -> dict[str, object]:
    drop, _ = REAL[name]
    report = validate_drop(DROPS / drop, suite(name))
    assert report.errors == () and report.exit_code <= 1
    return outcome(report)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_typed_copies_of_real_tables_give_the_csv_report(
    name: str, fmt: str, backend: str, write_drop: WriteDrop
) -> None:
    drop, file = REAL[name]
    table = pl.read_csv(DROPS / drop / file)  # polars infers: years and counts are integers,
    assert any(dtype.is_numeric() for dtype in table.schema.values())  # percentages floats
    copy = write_drop((Path(file).with_suffix(f".{fmt}").name, encode(table, fmt), {}))
    report = validate_drop(copy, typed_suite(name), engine=backend)
    assert report.errors == ()
    assert outcome(report) == csv_outcome(name)


def test_typed_percentages_without_a_stated_precision_are_exact(
    backend: str, write_drop: WriteDrop
) -> None:
    """BLS prints 56.0 for 55.95..56.05; the same table in Parquet holds the float 56.0,
    exact: the printed ratios' rounding is no longer allowed for, and they fail."""
    table = pl.read_csv(DROPS / "bls-cps-aat1-2025" / "aat1.csv")
    copy = write_drop(("aat1.parquet", encode(table, "parquet"), {}))
    typed = {r.rule: r for r in validate_drop(copy, suite("bls-cps-aat1"), engine=backend).results}
    printed = {
        r.rule: r for r in validate_drop(DROPS / "bls-cps-aat1-2025", suite("bls-cps-aat1")).results
    }
    rule = "participation-rate-is-labor-force-over-population"
    assert typed[rule].counts is not None and printed[rule].counts is not None
    assert typed[rule].counts.failed > printed[rule].counts.failed


def test_bls_percentages_printed_with_a_zero_keep_their_decimal(
    backend: str, tmp_path: Path
) -> None:
    # 56.0 is a float in Parquet: read as "56.0" (precision 0.1, as printed in the CSV) on
    # every backend; pyarrow alone prints "56", which would widen the rate checks on pandas.
    path = tmp_path / "aat1.parquet"
    pl.read_csv(DROPS / "bls-cps-aat1-2025" / "aat1.csv").write_parquet(path)
    spec = DropFile(path="aat1.parquet", role="figures", sha256=None, format="parquet")
    frame = read_drop_file(path, spec, backend, columns=["year", "population_percent"])
    assert frame.columns == ["year", "population_percent"]
    assert frame.row(0) == ("1941", "56.0")
