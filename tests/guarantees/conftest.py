"""The bundled suites run over their drops by `statcheck run`, in separate processes, once
per test session: three runs that differ in engine and string-hash seed, for the
determinism and row-accounting guarantees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

# (name, engine, PYTHONHASHSEED): the first two differ only in the hash seed.
RUNS = (("polars-a", "polars", "1"), ("polars-b", "polars", "2024"), ("pandas", "pandas", "7"))


def statcheck(*args: str, seed: str = "0") -> subprocess.Popen[bytes]:
    """``python -m statcheck ARGS`` from the repository root, in a process of its own."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "CI": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "statcheck", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="session")
def bundled_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every bundled suite against its drops, validated from scratch (``--all``) once per
    entry of RUNS, the runs side by side; the report folders by run name."""
    base = tmp_path_factory.mktemp("bundled")
    procs = {
        name: statcheck("run", "--all", "--out", str(base / name), "--engine", engine, seed=seed)
        for name, engine, seed in RUNS
    }
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=600)
        assert proc.returncode in (0, 1), f"{name}: exit {proc.returncode}\n{err.decode()}"
    return {name: base / name for name in procs}
