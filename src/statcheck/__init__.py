"""statcheck: check whether reported figures agree with each other.

The public surface. Heavy parts (the engine, dataframe libraries) load on first use, so
``import statcheck`` stays fast.

- ``validate(data, suite)``: a drop folder, a figures file or a DataFrame -> a ``Report``;
  ``report.raise_for_failures()`` raises ``ValidationFailed`` with the report attached.
- ``check_output(suite)``: a decorator validating the figure table a function returns.
- ``suggest(data)``: the suite a wide table's own figures support (its sums and shares,
  each with its evidence), as a ``Suggestion`` with ``.suite`` and ``.to_yaml()``.
- ``load_suite(path)`` reads a suite file; ``suite(id, rules)`` with ``rules.sum(...)``,
  ``rules.compare(...)``, ... builds the same suite in Python.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
    from collections.abc import Sequence
    from pathlib import Path

    from statcheck.api import ExactNumbersWarning, UnsupportedInput, check_output, validate
    from statcheck.contract import build as rules
    from statcheck.contract.build import suite
    from statcheck.contract.suite import Suite
    from statcheck.contract.tolerance import Tolerance
    from statcheck.localisation import locate
    from statcheck.report import Report, ValidationFailed
    from statcheck.suggest import Suggestion, suggest

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "DropNotReady",
    "ExactNumbersWarning",
    "ExitCode",
    "PeriodParseError",
    "Report",
    "StatcheckError",
    "Suggestion",
    "Suite",
    "SuiteError",
    "Tolerance",
    "UnsupportedInput",
    "ValidationFailed",
    "ValueParseError",
    "__version__",
    "check_output",
    "load_suite",
    "locate",
    "rules",
    "suggest",
    "suite",
    "validate",
    "validate_drop",
]

# Loaded on first use: name -> (module, attribute; None for the module itself).
_LAZY: dict[str, tuple[str, str | None]] = {
    "validate": ("statcheck.api", "validate"),
    "locate": ("statcheck.localisation", "locate"),
    "check_output": ("statcheck.api", "check_output"),
    "UnsupportedInput": ("statcheck.api", "UnsupportedInput"),
    "ExactNumbersWarning": ("statcheck.api", "ExactNumbersWarning"),
    "suite": ("statcheck.contract.build", "suite"),
    "rules": ("statcheck.contract.build", None),
    "Suite": ("statcheck.contract.suite", "Suite"),
    "Tolerance": ("statcheck.contract.tolerance", "Tolerance"),
    "Report": ("statcheck.report", "Report"),
    "ValidationFailed": ("statcheck.report", "ValidationFailed"),
    "suggest": ("statcheck.suggest", "suggest"),
    "Suggestion": ("statcheck.suggest", "Suggestion"),
}


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'statcheck' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)  # the public API only, not this module's own imports


def load_suite(path: str | Path) -> Suite:
    """Read and check a suite file (YAML); mistakes raise SuiteError with file and line."""
    from statcheck.contract.suite import load_suite as _load

    return _load(path)


def validate_drop(
    folder: str | Path,
    suite: Suite | str | Path,
    engine: str = "polars",
    earlier: Sequence[str | Path] = (),
) -> Report:
    """Validate a drop folder against a suite (a Suite or the path of a suite file);
    ``earlier`` lists earlier drops of the same suite, oldest first, for revision rules."""
    from statcheck import checking
    from statcheck.api import as_suite

    return checking.validate_drop(folder, as_suite(suite), engine, earlier)
