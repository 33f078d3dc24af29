"""Validation from a pipeline: one call for a drop folder, a figures file or a DataFrame.

``validate(data, suite)`` gives the same report as ``statcheck validate`` on the command
line, whatever form the figures come in; ``check_output(suite)`` validates what a
function returns. Problems with the data (a missing column, an unreadable value, a file
that is not there) are in the report, as on the command line (``report.errors``, exit
code 2 or 4); only an argument statcheck cannot use at all raises (``UnsupportedInput``).
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from statcheck.contract.suite import Suite, load_suite
from statcheck.errors import (
    FILE_MISSING,
    UNKNOWN_ENGINE,
    UNSUPPORTED_FORMAT,
    UNSUPPORTED_INPUT,
    ErrorEntry,
    Location,
    UnsupportedInput,
)
from statcheck.report import Report, Status, ValidationFailed

__all__ = ["DEFAULT_ENGINE", "ENGINES", "UnsupportedInput", "check_output", "validate"]

DEFAULT_ENGINE = "polars"  # for drop folders and files; a DataFrame is checked on its own library
# The engines a check runs on; the same rule implementations (narwhals) on each. Spark
# needs the `spark` extra and Java (statcheck.engine.spark).
ENGINES = ("polars", "pandas", "spark")
RAISE_ON = ("fail", "error", "undetermined")

P = ParamSpec("P")
T = TypeVar("T")


def validate(
    data: Any,
    suite: Suite | str | os.PathLike[str],
    *,
    sources: Any = None,
    engine: str | None = None,
    earlier: Sequence[str | os.PathLike[str]] = (),
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
    DataFrame is checked on its own library and a folder or file on polars. On ``spark``
    the session is the process's running one if there is one (a pipeline's), else one
    built for ``$STATCHECK_SPARK_MASTER`` or ``local[*]`` (``statcheck.engine.spark``).
    ``earlier`` lists
    earlier drop folders of the same suite, oldest first, for its revision rules.
    """
    checked = as_suite(suite)
    if engine is not None:
        _check_engine(engine)
    if isinstance(data, str | os.PathLike):
        path = Path(data)
        if not (path.is_file() or _looks_like_a_table(path)):
            if sources is not None:
                raise UNSUPPORTED_INPUT(
                    "a drop folder brings its own sources: `sources` is for a file or a DataFrame",
                    hint="list the sources file in the drop's drop.yml instead",
                )
            return _validate_folder(path, checked, engine or DEFAULT_ENGINE, earlier)
        _no_earlier(earlier)
        return _validate_file(path, checked, sources, engine or DEFAULT_ENGINE)
    library = frame_library(data)
    if library is None:
        raise UNSUPPORTED_INPUT(
            f"cannot validate a {type(data).__name__}: give a drop folder, a figures file, "
            "or a pandas or polars DataFrame",
        )
    _no_earlier(earlier)
    return _validate_frame(data, checked, sources, engine or library)


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
    statuses = _statuses(raise_on)
    if engine is not None:
        _check_engine(engine)

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


def frame_library(data: Any) -> str | None:
    """``pandas`` or ``polars`` for a DataFrame statcheck can check, else None. Looks only at
    libraries already imported: never imports one to find out."""
    import narwhals.dependencies as nwd

    if nwd.is_narwhals_dataframe(data) or nwd.is_narwhals_lazyframe(data):
        data = data.to_native()
    if nwd.is_polars_dataframe(data) or nwd.is_polars_lazyframe(data):
        return "polars"
    if nwd.is_pandas_dataframe(data):
        return "pandas"
    if nwd.is_pyspark_dataframe(data) or nwd.is_pyspark_connect_dataframe(data):
        return "spark"
    return None


# ---------------------------------------------------------------- the three kinds of data


def _validate_folder(
    folder: Path, suite: Suite, engine: str, earlier: Sequence[str | os.PathLike[str]]
) -> Report:
    from statcheck.engine import validate_drop

    if earlier:
        return validate_drop(folder, suite, backend=engine, earlier=[Path(e) for e in earlier])
    return validate_drop(folder, suite, backend=engine)


def _validate_file(path: Path, suite: Suite, sources: Any, engine: str) -> Report:
    from statcheck.drops.manifest import Drop
    from statcheck.engine import _check, _read_counted

    drop_info: dict[str, Any] = {"id": path.stem, "path": str(path)}

    def run() -> Report:
        files = [_file_spec(path, "figures")]
        if isinstance(sources, str | os.PathLike):
            files.append(_file_spec(Path(sources), "sources"))
        drop_info["files"] = {f.path: f.sha256 for f in files}
        figures, srcs, rows = _read_counted(
            Drop(folder=Path(), id=path.stem, files=tuple(files)), engine, suite.table
        )
        if sources is not None and not isinstance(sources, str | os.PathLike):
            srcs = _source_frame(sources, engine)
        return _check(figures, srcs, suite, drop_info, rows=rows)

    return _reporting(suite, drop_info, run)


def _validate_frame(data: Any, suite: Suite, sources: Any, engine: str) -> Report:
    from statcheck.engine import _check, row_count
    from statcheck.engine.mapping import map_table
    from statcheck.engine.native import as_text_frame
    from statcheck.engine.table import normalise_figures, normalise_sources

    drop_info: dict[str, Any] = {"id": "<frame>"}

    def run() -> Report:
        raw = as_text_frame(_on_engine(data, engine))
        mapped_source = None
        if suite.table is not None:
            mapped = map_table(raw, suite.table, None)
            read, cells = len(raw), mapped.cells
            reasons: tuple[tuple[str, int], ...] = mapped.reasons
            raw, mapped_source = mapped.figures, mapped.source
        else:
            read = cells = len(raw)
            reasons = ()
        figures = normalise_figures(raw)
        rows = row_count(figures, read, cells, reasons)  # before Spark takes the table
        if engine == "spark":  # built on the driver, checked on Spark
            from statcheck.engine.spark import distribute

            figures = distribute(figures)
        srcs = None
        if isinstance(sources, str | os.PathLike):
            srcs = _source_file(Path(sources), engine)
        elif sources is not None:
            srcs = _source_frame(sources, engine)
        elif mapped_source is not None:
            srcs = normalise_sources(mapped_source, "the suite's table mapping")
        return _check(figures, srcs, suite, drop_info, rows=rows)

    return _reporting(suite, drop_info, run)


def _reporting(suite: Suite, drop_info: dict[str, Any], run: Callable[[], Report]) -> Report:
    """Run a check; a problem with the data becomes the report's error, as for a drop."""
    try:
        return run()
    except UnsupportedInput:
        raise
    except Exception as exc:  # a bug too: still a report that says so
        entry = ErrorEntry.from_exception(exc)
    return Report(suite=suite.to_report(), drop=drop_info, results=(), errors=(entry,))


# ---------------------------------------------------------------- files and frames


def _file_spec(path: Path, role: str) -> Any:
    """A figures or sources file outside any drop, described as a manifest would."""
    from statcheck.drops import manifest

    suffix = path.suffix.lower()
    fmt = manifest.SUFFIXES.get(suffix) if suffix else "csv"  # as a manifest infers it
    if fmt is None:
        raise UNSUPPORTED_FORMAT(
            f"{path.name!r}: {suffix!r} names no format this version reads",
            location=Location(file=str(path)),
            hint=f"formats: {', '.join(manifest.FORMATS)}; or list the file in a drop's "
            "drop.yml with its `format:`",
        )
    if not path.is_file():
        raise FILE_MISSING(
            f"the {role} file {str(path)!r} does not exist",
            location=Location(file=str(path)),
        )
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return manifest.DropFile(path=str(path), role=role, sha256=sha, format=fmt)


def _source_file(path: Path, engine: str) -> Any:
    from statcheck.drops.reader import read_text_table
    from statcheck.engine.table import normalise_sources

    spec = _file_spec(path, "sources")
    return normalise_sources(read_text_table(path, spec, _reading_library(engine)), str(path))


def _source_frame(frame: Any, engine: str) -> Any:
    from statcheck.engine.native import as_text_frame
    from statcheck.engine.table import normalise_sources

    if frame_library(frame) is None:
        raise UNSUPPORTED_INPUT(
            f"cannot read sources from a {type(frame).__name__}: give a file or a pandas or "
            "polars DataFrame",
        )
    return normalise_sources(as_text_frame(_on_engine(frame, engine)))


def _on_engine(frame: Any, engine: str) -> Any:
    """The native frame on the library the engine builds its tables with (converted if it
    is on another one). A Spark DataFrame is collected to the driver: the figure table is
    built there, with polars, then handed back to Spark for the rules."""
    import narwhals.dependencies as nwd

    if nwd.is_narwhals_dataframe(frame) or nwd.is_narwhals_lazyframe(frame):
        frame = frame.to_native()
    if nwd.is_polars_lazyframe(frame):
        frame = frame.collect()
    library = frame_library(frame)
    if library == "spark":
        from statcheck.engine.spark import to_driver

        frame, library = to_driver(frame), "polars"
    engine = _reading_library(engine)
    if library == engine:
        return frame
    if engine == "polars":
        import polars as pl

        return pl.from_pandas(frame)
    return frame.to_pandas()


# A path with one of these suffixes that does not exist is a missing file, not a missing
# drop folder (the formats drops hold, and common ones they do not, reported as such).
OTHER_TABLE_SUFFIXES = (".tsv", ".txt", ".arrow", ".feather", ".xlsx", ".xls", ".ods")


def _looks_like_a_table(path: Path) -> bool:
    from statcheck.drops.manifest import SUFFIXES

    suffix = path.suffix.lower()
    return not path.is_dir() and (suffix in SUFFIXES or suffix in OTHER_TABLE_SUFFIXES)


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise UNKNOWN_ENGINE(
            f"unknown engine {engine!r}",
            hint=f"use one of: {', '.join(ENGINES)}",
        )


def _reading_library(engine: str) -> str:
    """The dataframe library files and frames are read and normalised with for ``engine``:
    its own, or polars on the driver for Spark."""
    if engine == "spark":
        from statcheck.engine.spark import READS_WITH

        return READS_WITH
    return engine


def _no_earlier(earlier: Sequence[Any]) -> None:
    if earlier:
        raise UNSUPPORTED_INPUT(
            "earlier vintages are compared for drop folders only",
            hint="validate the drop folder, with `earlier` listing the earlier drop folders",
        )


# ---------------------------------------------------------------- the decorator's parts


def _statuses(raise_on: Iterable[str]) -> frozenset[Status]:
    names = [raise_on] if isinstance(raise_on, str) else list(raise_on)
    unknown = [n for n in names if n not in RAISE_ON]
    if unknown:
        raise UNSUPPORTED_INPUT(
            f"raise_on has {', '.join(map(repr, unknown))}",
            hint=f"use any of: {', '.join(RAISE_ON)}",
        )
    return frozenset(Status(n) for n in names)


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
    exc = ValidationFailed(report)
    what = [f"{r.rule} ({r.status.value})" for r in failed]
    what += [f"{e.slug}: {e.message}" for e in errors]
    exc.message = f"the figures {func.__qualname__}() returned did not pass: {'; '.join(what)}"
    exc.args = (exc.message,)
    return exc
