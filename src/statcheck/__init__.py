"""statcheck: check whether reported figures agree with each other.

The public surface. Heavy parts (the engine, dataframe libraries) load on first use, so
``import statcheck`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statcheck.errors import (
    DataError,
    DropNotReady,
    ExitCode,
    PeriodParseError,
    StatcheckError,
    SuiteError,
    ValueParseError,
)

if TYPE_CHECKING:
    from pathlib import Path

    from statcheck.contract.suite import Suite
    from statcheck.report import Report

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "DropNotReady",
    "ExitCode",
    "PeriodParseError",
    "StatcheckError",
    "SuiteError",
    "ValueParseError",
    "__version__",
    "load_suite",
    "validate_drop",
]


def load_suite(path: str | Path) -> Suite:
    """Read and check a suite file (YAML); mistakes raise SuiteError with file and line."""
    from statcheck.contract.suite import load_suite as _load

    return _load(path)


def validate_drop(folder: str | Path, suite: Suite | str | Path, engine: str = "polars") -> Report:
    """Validate a drop folder against a suite (a Suite or the path of a suite file)."""
    from statcheck.contract.suite import Suite as _Suite
    from statcheck.engine import validate_drop as _validate

    if not isinstance(suite, _Suite):
        suite = load_suite(suite)
    return _validate(folder, suite, backend=engine)
