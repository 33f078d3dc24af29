"""The checking layer: inputs (a drop folder, a figures file, a DataFrame) to a report.

Every front end (the command line, ``statcheck.validate``, ``statcheck run``, Great
Expectations, the results site) calls only these functions; the engine below evaluates
rules on tables and knows nothing of drops.

- ``validate_drop``, ``validate_file``, ``validate_frame``: one input to a ``Report``,
  never raising for bad data (the problem is the report's error).
- ``drop_inputs``, ``file_inputs``, ``frame_inputs``: one input to an ``Inputs`` value
  (figure table, source table, row accounting, drop info); ``check(inputs, suite,
  earlier)`` evaluates a suite on it; ``read_earlier`` reads the earlier vintages
  revision rules compare with.
- ``DropCache``: the drops of a run, each hashed and read once however many later drops
  compare with it.
- ``ENGINES``: the engines a check runs on, declared here once; ``report_path``: where a
  report is written, whatever its ids hold.

Dataframe libraries load on first use: importing this package is cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from statcheck.checking._engines import DEFAULT_ENGINE, ENGINES, check_engine
from statcheck.checking._paths import file_name, refuse_output_on_inputs, report_path

if TYPE_CHECKING:
    from statcheck.checking._cache import DropCache, has_revision_rules, read_earlier
    from statcheck.checking._check import (
        check,
        check_frames,
        error_report,
        validate_drop,
        validate_file,
        validate_frame,
    )
    from statcheck.checking._figures import DropFigures, read_drop_figures
    from statcheck.checking._inputs import (
        Inputs,
        drop_inputs,
        file_inputs,
        frame_inputs,
        frame_library,
        text_frame_on,
    )
    from statcheck.engine.context import Vintage
    from statcheck.report import RowCount

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "DropCache",
    "DropFigures",
    "Inputs",
    "RowCount",
    "Vintage",
    "check",
    "check_engine",
    "check_frames",
    "drop_inputs",
    "error_report",
    "file_inputs",
    "file_name",
    "frame_inputs",
    "frame_library",
    "has_revision_rules",
    "read_drop_figures",
    "read_earlier",
    "refuse_output_on_inputs",
    "report_path",
    "text_frame_on",
    "validate_drop",
    "validate_file",
    "validate_frame",
]

# Loaded on first use: name -> module.
_LAZY = {
    "DropCache": "statcheck.checking._cache",
    "has_revision_rules": "statcheck.checking._cache",
    "read_earlier": "statcheck.checking._cache",
    "check": "statcheck.checking._check",
    "check_frames": "statcheck.checking._check",
    "error_report": "statcheck.checking._check",
    "validate_drop": "statcheck.checking._check",
    "validate_file": "statcheck.checking._check",
    "validate_frame": "statcheck.checking._check",
    "DropFigures": "statcheck.checking._figures",
    "read_drop_figures": "statcheck.checking._figures",
    "Inputs": "statcheck.checking._inputs",
    "drop_inputs": "statcheck.checking._inputs",
    "file_inputs": "statcheck.checking._inputs",
    "frame_inputs": "statcheck.checking._inputs",
    "frame_library": "statcheck.checking._inputs",
    "text_frame_on": "statcheck.checking._inputs",
    "Vintage": "statcheck.engine.context",
    "RowCount": "statcheck.report",
}


def __getattr__(name: str) -> Any:
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
