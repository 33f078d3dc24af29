"""A check: inputs and a suite to a report, and the three ways in (a drop folder, a
figures file, a DataFrame) that never raise for bad data: a problem is the report's error.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statcheck.checking._cache import DropCache, read_earlier
from statcheck.checking._engines import DEFAULT_ENGINE
from statcheck.checking._inputs import (
    FRAME_ID,
    Inputs,
    file_drop,
    file_drop_info,
    file_inputs,
    frame_inputs,
)
from statcheck.errors import ErrorEntry, UnsupportedInput
from statcheck.report import Report

if TYPE_CHECKING:
    from statcheck.contract.suite import Suite
    from statcheck.engine.context import Vintage


def check(inputs: Inputs, suite: Suite, earlier: Sequence[Vintage] = ()) -> Report:
    """Every rule of ``suite`` on ``inputs``; ``earlier``: the earlier drops revision
    rules compare with, oldest first (``read_earlier``)."""
    from statcheck.engine import evaluate

    results = evaluate(inputs.figures, inputs.sources, suite, inputs.drop_id, tuple(earlier))
    return Report(suite=suite.to_report(), drop=inputs.drop, results=results, rows=inputs.rows)


def error_report(suite: Suite, drop: dict[str, Any], exc: BaseException) -> Report:
    """The report on inputs that could not be checked at all: the problem as its error
    (a statcheck bug too, as an internal error)."""
    entry = ErrorEntry.from_exception(exc)
    return Report(suite=suite.to_report(), drop=drop, results=(), errors=(entry,))


def validate_drop(
    folder: str | os.PathLike[str],
    suite: Suite,
    engine: str = DEFAULT_ENGINE,
    earlier: Sequence[str | os.PathLike[str]] = (),
    *,
    database_url: str | None = None,
    cache: DropCache | None = None,
) -> Report:
    """Validate one drop folder against a suite. Never raises for bad input: problems
    are in the report (``report.errors``), with the exit code they imply.

    ``database_url``: the PostgreSQL server the drop's database entries read instead of
    their manifest's ``url`` (default: ``$STATCHECK_DATABASE_URL``, else the manifest's);
    shown in the report without its password.

    ``earlier``: earlier drop folders of the same suite, oldest first, for the suite's
    revision rules. They are read (with the suite's table mapping) only when the suite has
    a revision rule; one that is not ready or cannot be read leaves the revision rules
    undetermined or in error, and every other rule still runs on this drop.

    ``cache``: the drops already read in this run (``DropCache``); each drop, this one or
    an earlier one, is hashed and read once however often it is asked for.
    """
    from statcheck.drops.manifest import folder_name

    folder = Path(folder)
    cache = cache or DropCache()
    drop_info: dict[str, Any] = {"id": folder_name(folder), "path": str(folder)}
    try:
        drop = cache.drop(folder)
        drop_info = drop.to_report(database_url)
        inputs = cache.inputs(drop, suite.table, engine, database_url, suite.values)
        vintages = read_earlier([Path(e) for e in earlier], suite, engine, cache, database_url)
        return check(inputs, suite, vintages)
    except Exception as exc:  # a bug too is written as a report that says so
        return error_report(suite, drop_info, exc)


def validate_file(
    path: str | os.PathLike[str], suite: Suite, engine: str = DEFAULT_ENGINE, sources: Any = None
) -> Report:
    """Validate a figures file outside any drop (``sources``: a file or a DataFrame)."""
    path = Path(path)
    drop_info = file_drop_info(path)
    try:
        drop = file_drop(path, sources)  # hashed once, for the report and the reading
        drop_info = file_drop_info(path, drop)
        inputs = file_inputs(path, suite.table, engine, sources, drop=drop, values=suite.values)
        return check(inputs, suite)
    except UnsupportedInput:
        raise
    except Exception as exc:
        return error_report(suite, drop_info, exc)


def validate_frame(
    data: Any, suite: Suite, engine: str | None = None, sources: Any = None
) -> Report:
    """Validate a DataFrame of figures (``sources``: a file or a DataFrame)."""
    try:
        return check(frame_inputs(data, suite.table, engine, sources, values=suite.values), suite)
    except UnsupportedInput:
        raise
    except Exception as exc:
        return error_report(suite, {"id": FRAME_ID}, exc)


def check_frames(
    figures: Any, suite: Suite, sources: Any = None, drop_id: str = FRAME_ID
) -> Report:
    """Validate figure (and source) tables already in memory, on their own library, as
    they are (no table mapping); unlike ``validate_frame``, a problem raises."""
    return check(frame_inputs(figures, None, None, sources, drop_id, suite.values), suite)
