"""Validation from a pipeline: one call for a drop folder, a figures file or a DataFrame.

``validate(data, suite)`` gives the same report as ``statcheck validate`` on the command
line, whatever form the figures come in; ``check_output(suite)`` validates what a
function returns. Problems with the data (a missing column, an unreadable value, a file
that is not there) are in the report, as on the command line (``report.errors``, exit
code 2 or 4); only an argument statcheck cannot use at all raises (``UnsupportedInput``).
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from statcheck import checking
from statcheck.checking import DEFAULT_ENGINE, ENGINES, check_engine
from statcheck.contract.suite import Suite, load_suite
from statcheck.errors import UNSUPPORTED_INPUT, ErrorEntry, UnsupportedInput
from statcheck.report import Report, Status, ValidationFailed, statuses_named

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "ExactNumbersWarning",
    "UnsupportedInput",
    "check_output",
    "validate",
]


P = ParamSpec("P")
T = TypeVar("T")


def validate(
    data: Any,
    suite: Suite | str | os.PathLike[str],
    *,
    sources: Any = None,
    engine: str | None = None,
    earlier: Sequence[str | os.PathLike[str]] = (),
    locate: bool = False,
) -> Report:
    """Check figures against a suite and return the report (``report.to_json()`` is the
    JSON the command line writes).

    ``data`` is one of:

    - a drop folder (with its ``drop.yml``): read as ``statcheck validate`` reads it;
    - a figures file without a manifest (``figures.csv``; other formats by suffix as far
      as drops support them), read with the suite's ``table:`` mapping if it has one;
    - a pandas or polars DataFrame (a polars LazyFrame is collected), cells as printed
      (``"60,000"``) or already numbers; or a PySpark DataFrame, collected to the driver
      (where the figure table is built) and checked on Spark.

    ``sources`` is the source table, for attribution rules: a file or a DataFrame (a drop
    folder brings its own). ``engine`` is ``polars``, ``pandas`` or ``spark``; by default a
    Spark DataFrame is checked on Spark and anything else on polars (a pandas frame gives
    the same report on either, several times sooner on polars). On ``spark``
    the session is the process's running one if there is one (a pipeline's), else one
    built for ``$STATCHECK_SPARK_MASTER`` or ``local[*]`` (``statcheck.engine.spark``).
    ``earlier`` lists
    earlier drop folders of the same suite, oldest first, for its revision rules.

    ``locate=True`` also says which figures are most likely wrong: each finding of a
    failing rule gets its ``culprits`` (``statcheck.report.Culprits``), found on the
    figures this validation read (as ``statcheck validate --locate``; docs/locate.md).
    """
    checked = as_suite(suite)
    report, inputs = _validated(data, checked, sources, engine, earlier)
    if not locate or report.errors:
        return report
    from statcheck.localisation import locate_report

    return locate_report(report, inputs(), checked)


def _validated(
    data: Any,
    checked: Suite,
    sources: Any,
    engine: str | None,
    earlier: Sequence[str | os.PathLike[str]],
) -> tuple[Report, Callable[[], Any]]:
    """The report, and how to have the tables it was made from (``checking.Inputs``: a
    drop's from the validation's cache; a file or a frame read once more, only when asked)."""
    if engine is not None:
        check_engine(engine)
    if isinstance(data, str | os.PathLike):
        path = Path(data)
        if not (path.is_file() or _looks_like_a_table(path)):
            if sources is not None:
                raise UNSUPPORTED_INPUT(
                    "a drop folder brings its own sources: `sources` is for a file or a DataFrame",
                    hint="list the sources file in the drop's drop.yml instead",
                )
            cache = checking.DropCache()  # the figures the validation read, for localisation
            on = engine or DEFAULT_ENGINE
            report = checking.validate_drop(path, checked, on, earlier, cache=cache)
            return (
                report,
                lambda: cache.inputs(cache.drop(path), checked.table, on, None, checked.values),
            )
        _no_earlier(earlier)
        on = engine or DEFAULT_ENGINE
        report = checking.validate_file(path, checked, on, sources)
        return (
            report,
            lambda: checking.file_inputs(path, checked.table, on, sources, values=checked.values),
        )
    library = frame_library(data)
    if library is None:
        raise UNSUPPORTED_INPUT(
            f"cannot validate a {type(data).__name__}: give a drop folder, a figures file, "
            "or a pandas or polars DataFrame",
        )
    _no_earlier(earlier)
    _warn_if_numbers_taken_as_exact(data, library, checked)
    # A pandas frame runs on polars unless asked: the same report, several times sooner
    # (the table is built with polars for every engine). Spark stays on its cluster.
    default = library if library == "spark" else DEFAULT_ENGINE
    on = engine or default
    report = checking.validate_frame(data, checked, on, sources)
    return (
        report,
        lambda: checking.frame_inputs(data, checked.table, on, sources, values=checked.values),
    )


def check_output(
    suite: Suite | str | os.PathLike[str],
    *,
    sources: Any = None,
    engine: str | None = None,
    raise_on: Iterable[str] = ("fail", "error"),
    on_report: Callable[[Report], object] | None = None,
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Decorate a function that returns a figure table: each call validates the table and
    raises ``ValidationFailed`` (the report attached as ``.report``) if a rule ends in one
    of the ``raise_on`` statuses (``fail``, ``error``, ``undetermined``); otherwise the
    function's result is returned unchanged.

    A function may return ``(figures, sources)``; the pair is returned as it came. The
    suite is read once, when the function is decorated. ``on_report`` is called with
    every report before anything is raised (to write it, log it, count it).
    """
    checked = as_suite(suite)
    statuses = statuses_named(raise_on)
    if engine is not None:
        check_engine(engine)

    def decorate(func: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            out = func(*args, **kwargs)
            figures, srcs = _figures_and_sources(out, sources, func)
            report = validate(figures, checked, sources=srcs, engine=engine)
            if on_report is not None:
                on_report(report)
            failed = [r for r in report.results if r.status in statuses]
            errors = list(report.errors) if Status.ERROR in statuses else []
            if failed or errors:
                raise _failure(report, failed, errors, func)
            return out

        return wrapper

    return decorate


def as_suite(suite: Suite | str | os.PathLike[str]) -> Suite:
    """A Suite as given, or read from a suite file."""
    if isinstance(suite, Suite):
        return suite
    if isinstance(suite, str | os.PathLike):
        return load_suite(Path(suite))
    raise UNSUPPORTED_INPUT(
        f"`suite` must be a Suite or the path of a suite file, not a {type(suite).__name__}",
        hint="statcheck.load_suite(path) or statcheck.suite(id, rules)",
    )


class ExactNumbersWarning(UserWarning):
    """A frame's values are numbers and nothing gives their precision: each is taken as
    exact, where the same figures printed as text would stand for their last digit."""


def _warn_if_numbers_taken_as_exact(data: Any, library: str, suite: Suite) -> None:
    if library == "spark" or suite.table is not None:  # a mapping states its own precision
        return
    import narwhals as nw

    try:
        schema = nw.from_native(data).collect_schema()
    except ValueError:  # not a table of plain cells (a repeated name): validate says which
        return
    if "value" in schema and schema["value"].is_numeric() and "precision" not in schema:
        warnings.warn(
            "the frame's `value` column holds numbers and it has no `precision` column: "
            "every figure is taken as exact (4420.0 is 4,420 and nothing else), where the "
            "same figures printed as text stand for their last digit (4,419.5 to 4,420.5). "
            "Add a `precision` column (0 for exact counts) to say which.",
            ExactNumbersWarning,
            stacklevel=4,  # the caller of validate (past _validated and validate)
        )


def frame_library(data: Any) -> str | None:
    """``pandas``, ``polars`` or ``spark`` for a DataFrame statcheck can check, else None.
    Looks only at libraries already imported: never imports one to find out."""
    return checking.frame_library(data)


# A path with one of these suffixes that does not exist is a missing file, not a missing
# drop folder (the formats drops hold, and common ones they do not, reported as such).
OTHER_TABLE_SUFFIXES = (".tsv", ".txt", ".arrow", ".feather", ".xlsx", ".xls", ".ods")


def _looks_like_a_table(path: Path) -> bool:
    from statcheck.drops.manifest import SUFFIXES

    suffix = path.suffix.lower()
    return not path.is_dir() and (suffix in SUFFIXES or suffix in OTHER_TABLE_SUFFIXES)


def _no_earlier(earlier: Sequence[Any]) -> None:
    if earlier:
        raise UNSUPPORTED_INPUT(
            "earlier vintages are compared for drop folders only",
            hint="validate the drop folder, with `earlier` listing the earlier drop folders",
        )


# ---------------------------------------------------------------- the decorator's parts


def _figures_and_sources(out: Any, sources: Any, func: Callable[..., Any]) -> tuple[Any, Any]:
    if isinstance(out, tuple) and len(out) == 2 and frame_library(out[0]) is not None:
        if sources is not None:
            raise UNSUPPORTED_INPUT(
                f"{func.__qualname__}() returns (figures, sources) and check_output was given "
                "`sources` too",
                hint="give the sources one way only",
            )
        return out
    if frame_library(out) is None:
        raise UNSUPPORTED_INPUT(
            f"{func.__qualname__}() returned a {type(out).__name__}; check_output validates a "
            "pandas or polars DataFrame of figures, or a (figures, sources) pair",
        )
    return out, sources


def _failure(
    report: Report,
    failed: list[Any],
    errors: list[ErrorEntry],
    func: Callable[..., Any],
) -> ValidationFailed:
    exc = ValidationFailed(report, failed, errors)
    exc.message = f"the figures {func.__qualname__}() returned did not pass: {exc.message}"
    exc.args = (exc.message,)
    return exc
