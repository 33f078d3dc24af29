"""A drop beyond the memory statcheck may use ends in a documented error and a report,
before it is read: never an allocator abort with no report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from statcheck.drops.budget import BASELINE, PEAK_PER_BYTE
from tests.guarantees._drops import many_figures_drop

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures/drops/2025-01-06-kyivpost-desertion"
SEED_SUITE = ROOT / "expectations/kyivpost-desertion.yml"
SUITE = "suite: big\nrules:\n  - {id: ordered, kind: period, checks: [ordered]}\n"


def statcheck(*args: str, prlimit: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "statcheck", *args]
    if prlimit:
        command = ["prlimit", f"--as={prlimit}", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def mapped_with_polars() -> int:
    probe = (
        "import statcheck.checking, polars, resource; "
        "print(int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize())"
    )
    return int(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    )


def test_max_memory_refuses_a_drop_before_reading_it_and_writes_a_report(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = statcheck(
        "validate", str(SEED), "--suite", str(SEED_SUITE), "--max-memory", "100M", "--out", str(out)
    )
    assert done.returncode == 2, done.stderr
    [error] = json.loads(out.read_text())["errors"]
    assert (error["slug"], error["exit_code"]) == ("beyond-memory", 2)
    assert "allows 100 MB" in error["message"] and "beyond-memory" in done.stdout
    assert "Traceback" not in done.stderr


def test_an_amount_that_is_no_amount_is_a_usage_error() -> None:
    done = statcheck("validate", str(SEED), "--suite", str(SEED_SUITE), "--max-memory", "lots")
    assert done.returncode == 2
    assert "invalid-memory-limit" in done.stderr and "Traceback" not in done.stderr


def test_under_an_address_space_limit_a_large_file_is_refused_with_a_report(
    tmp_path: Path,
) -> None:
    drop, _ = many_figures_drop(tmp_path / "drop", 1_600_000)  # about 70 MB: near 1 GB to check
    (tmp_path / "suite.yml").write_text(SUITE)
    out = tmp_path / "report.json"
    need = (drop / "figures.csv").stat().st_size * PEAK_PER_BYTE["csv"] + BASELINE
    # What the interpreter and polars map before any data, plus half of what the file needs.
    limit = int(mapped_with_polars() + need // 2)
    done = statcheck(
        "validate", str(drop), "--suite", str(tmp_path / "suite.yml"), "--out", str(out),
        prlimit=str(limit),
    )  # fmt: skip
    assert done.returncode == 2, (done.stdout, done.stderr)
    [error] = json.loads(out.read_text())["errors"]
    assert error["slug"] == "beyond-memory"
    assert "address-space limit" in error["message"]
