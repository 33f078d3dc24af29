"""A drop too large for the memory statcheck may use is refused before it is read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from statcheck.drops.budget import CELL_BYTES, PEAK_PER_BYTE, MemoryBudget, parse_size
from statcheck.errors import ExitCode, StatcheckError


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("8G", 8 << 30),
        ("512MB", 512 << 20),
        ("1.5GiB", 3 << 29),
        ("1000", 1000),
        (" 2 g ", 2 << 30),
    ],
)
def test_an_amount_of_memory_is_read_as_people_write_it(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "-1G", "8 X", ""])
def test_an_amount_that_is_none_is_a_usage_error(text: str) -> None:
    with pytest.raises(StatcheckError) as caught:
        parse_size(text)
    assert (caught.value.slug, caught.value.exit_code) == (
        "invalid-memory-limit",
        ExitCode.CONTRACT,
    )


def test_files_beyond_the_limit_are_refused_with_both_numbers(tmp_path: Path) -> None:
    big = tmp_path / "figures.csv"
    big.write_bytes(b"x" * (10 << 20))  # 10 MB of CSV: about 90 MB to check
    MemoryBudget(1 << 30, "--max-memory").check([(big, "csv")])  # fits in 1 GB
    with pytest.raises(StatcheckError) as caught:
        MemoryBudget(200 << 20, "--max-memory").check([(big, "csv")])
    exc = caught.value
    assert (exc.slug, exc.exit_code, exc.location.file) == ("beyond-memory", 2, str(big))
    assert "needs about 490 MB" in exc.message and "allows 200 MB" in exc.message


def test_parquet_is_weighed_by_its_uncompressed_size(tmp_path: Path) -> None:
    path = tmp_path / "figures.parquet"
    pl.DataFrame({"value": ["60,000"] * 1_000_000}).write_parquet(path)  # compresses to little
    assert path.stat().st_size < 10_000
    decoded = 1_000_000 * CELL_BYTES * PEAK_PER_BYTE["parquet"]  # 120 MB to check
    MemoryBudget(int(decoded) + (401 << 20), "test").check([(path, "parquet")])
    with pytest.raises(StatcheckError):
        MemoryBudget(int(decoded) + (399 << 20), "test").check([(path, "parquet")])


def test_the_address_space_limit_is_what_the_machine_allows() -> None:
    code = (
        "from statcheck.drops.budget import MemoryBudget; b = MemoryBudget.of_machine(); "
        "print(b.limit < 3 << 30, b.source)"
    )
    out = subprocess.run(
        ["prlimit", "--as=3000000000", sys.executable, "-c", code],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert out.strip() == "True the process's address-space limit (ulimit -v)"
