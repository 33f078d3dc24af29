"""The engine: read a drop, build the canonical tables, run every rule of a suite.

Written once against narwhals; ``backend`` picks the dataframe library underneath
(polars by default, pandas on request). Results are identical on every backend.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import narwhals as nw

from statcheck.contract.mapping import TableMapping
from statcheck.contract.suite import Suite
from statcheck.drops.manifest import Drop, read_drop
from statcheck.drops.reader import BACKENDS, read_drop_file, source_name, with_file_rows
from statcheck.engine.context import Context, Vintage
from statcheck.engine.mapping import map_table
from statcheck.engine.native import DATE_COLUMNS, NUMERIC_COLUMNS, as_text_frame
from statcheck.engine.rules import run_rule
from statcheck.engine.table import FigureTable, normalise_figures, normalise_sources
from statcheck.errors import (
    INTERNAL_ERROR,
    INVALID_MANIFEST,
    UNKNOWN_ENGINE,
    ErrorEntry,
    Location,
    StatcheckError,
)
from statcheck.report import Report, RowCount, RuleResult, Status

__all__ = ["BACKENDS", "check_frames", "validate_drop"]


def validate_drop(
    folder: str | Path,
    suite: Suite,
    backend: str = "polars",
    earlier: Sequence[str | Path] = (),
    *,
    database_url: str | None = None,
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
    """
    folder = Path(folder)
    drop_info: dict[str, Any] = {"id": folder.name, "path": str(folder)}
    try:
        drop = read_drop(folder)
        drop_info = drop.to_report(database_url)
        figures, sources, rows = _read_counted(drop, backend, suite.table, database_url)
        vintages = _read_earlier(earlier, backend, suite, database_url)
        return _check(figures, sources, suite, drop_info, vintages, rows)
    except Exception as exc:  # a bug too is written as a report that says so
        entry = ErrorEntry.from_exception(exc)
        return Report(suite=suite.to_report(), drop=drop_info, results=(), errors=(entry,))


def _read_earlier(
    folders: Sequence[str | Path], backend: str, suite: Suite, database_url: str | None = None
) -> tuple[Vintage, ...]:
    """The earlier drops a suite's revision rules compare with, oldest first; each read
    as this drop is, or holding the problem that kept it from being read."""
    if not any(rule.KIND == "revision" for rule in suite.rules):
        return ()
    vintages = []
    for folder in map(Path, folders):
        drop_id = folder.name
        try:
            drop = read_drop(folder)
            drop_id = drop.id
            published = _published(drop)
            figures, _ = _read(drop, backend, suite.table, database_url)
            vintages.append(Vintage(drop_id, published, figures))
        except Exception as exc:  # recorded for the revision rules; the drop itself still runs
            vintages.append(Vintage(drop_id, problem=exc))
    return tuple(vintages)


def _published(drop: Drop) -> date | None:
    """The manifest's ``published_at`` as a date (revision rules ask which periods were open)."""
    from statcheck.model.period import parse_date

    if not drop.published_at:
        return None
    try:
        return parse_date(drop.published_at)
    except StatcheckError as exc:
        raise INVALID_MANIFEST(
            f"published_at: {exc.message}",
            location=Location(file=str(drop.folder / "drop.yml")),
        ) from None


def _read(
    drop: Drop, backend: str, mapping: TableMapping | None, database_url: str | None = None
) -> tuple[Any, Any]:
    figures, sources, _ = _read_counted(drop, backend, mapping, database_url)
    return figures, sources


def _read_counted(
    drop: Drop, backend: str, mapping: TableMapping | None, database_url: str | None = None
) -> tuple[Any, Any, RowCount]:
    """The canonical figure and source tables, and where the figures file's rows went."""
    if backend == "spark":  # read and normalised on the driver, checked on Spark
        from statcheck.engine import spark

        figures, sources, rows = _read_counted(drop, spark.READS_WITH, mapping, database_url)
        return spark.distribute(figures), sources, rows
    if backend not in BACKENDS:
        raise UNKNOWN_ENGINE(
            f"unknown engine {backend!r}", hint=f"use one of: {', '.join(BACKENDS)}, spark"
        )
    fig_spec = drop.file("figures")
    assert fig_spec is not None  # read_drop guarantees a figures file
    fig_path = drop.folder / fig_spec.path
    fig_name = source_name(fig_path, fig_spec, database_url)  # a file, or a database table
    mapped_source = None
    if mapping is not None:
        # Only the columns the mapping reads; typed cells become text, read as printed.
        raw = read_drop_file(
            fig_path, fig_spec, backend, columns=mapping.source_columns, database_url=database_url
        )
        mapped = map_table(raw, mapping, fig_name)
        read, cells = len(raw), mapped.cells
        reasons: tuple[tuple[str, int], ...] = mapped.reasons
        raw, mapped_source = mapped.figures, mapped.source
    else:
        # Numbers and dates of a typed file (Parquet, JSON, a database) are handed on as they are.
        raw = read_drop_file(
            fig_path,
            fig_spec,
            backend,
            keep_numbers=NUMERIC_COLUMNS,
            keep_dates=DATE_COLUMNS,
            database_url=database_url,
        )
        read = cells = len(raw)  # one value cell per row, and every row a figure or an error
        reasons = ()
    figures = normalise_figures(with_file_rows(raw, fig_spec), fig_name, fig_spec.decimal)
    rows = row_count(figures, read, cells, reasons)
    src_spec = drop.file("sources")
    sources = None
    if src_spec is not None:
        src_path = drop.folder / src_spec.path
        src_raw = read_drop_file(src_path, src_spec, backend, database_url=database_url)
        src_raw = with_file_rows(src_raw, src_spec)
        sources = normalise_sources(src_raw, source_name(src_path, src_spec, database_url))
    elif mapped_source is not None:
        sources = normalise_sources(mapped_source, "the suite's table mapping")
    return figures, sources, rows


def row_count(
    figures: FigureTable, read: int, cells: int, reasons: tuple[tuple[str, int], ...] = ()
) -> RowCount:
    """Where the ``read`` rows of a figures table went: ``cells`` value cells (one per row,
    or per row and series of a wide table), the figures made of them, and the cells that
    are no figure, by reason."""
    return RowCount(
        read=read,
        cells=cells,
        figures=len(figures.frame),
        duplicates=int(figures.frame.select(nw.col("_duplicate").sum()).item() or 0),
        reasons=reasons,
    )


def check_frames(
    figures: Any, suite: Suite, sources: Any = None, drop_id: str = "<frame>"
) -> Report:
    """Validate figure (and source) tables already in memory: any narwhals-supported frame
    whose cells are text as published, or already numbers."""
    raw = as_text_frame(figures)
    table = normalise_figures(raw)
    src = normalise_sources(as_text_frame(sources)) if sources is not None else None
    return _check(table, src, suite, {"id": drop_id}, rows=row_count(table, len(raw), len(raw)))


def _run_rules(suite: Suite, ctx: Context) -> tuple[RuleResult, ...]:
    """Every rule of the suite; on polars, two at a time (each rule's queries run in the
    engine's own threads, the explanations of one rule in Python while another queries).
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    workers = min(os.cpu_count() or 1, 4)
    with _collector_paused():
        if workers < 2 or len(suite.rules) < 2 or not ctx.figures.frame.implementation.is_polars():
            return tuple(run_rule(rule, ctx) for rule in suite.rules)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return tuple(pool.map(lambda rule: run_rule(rule, ctx), suite.rules))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector while the rules run. A large table yields
    tens of thousands of findings, each a handful of small objects that live until the
    report is written; the collector would otherwise walk the whole heap again and again
    while they are made (a tenth of a run's time), and they form no cycles to collect."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        # The findings now fill the youngest generation, which the collector's next pass
        # would walk whole (a few hundredths of a second for a large table). Frozen and
        # thawed, every object lands in the oldest generation instead, left for the next
        # full collection, as long-lived objects are.
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def _check(
    figures: Any,
    sources: Any,
    suite: Suite,
    drop_info: dict[str, Any],
    earlier: tuple[Vintage, ...] = (),
    rows: RowCount | None = None,
) -> Report:
    ctx = Context(
        figures=figures, sources=sources, suite=suite, drop_id=drop_info["id"], earlier=earlier
    )
    ctx.preload([ref for rule in suite.rules for ref in rule.refs()])
    results = _run_rules(suite, ctx)
    if suite.schema is not None:
        from statcheck.engine.schema import check_schema  # imports pandera: only when asked

        try:
            schema_result = check_schema(suite.schema, figures)
        except Exception as exc:  # as for any rule: recorded, never a crash
            internal = not isinstance(exc, StatcheckError)
            schema_result = RuleResult(
                "schema", "schema", Status.ERROR, error=f"{type(exc).__name__}: {exc}",
                error_slug=INTERNAL_ERROR.slug if internal else getattr(exc, "slug", None), internal=internal,
            )  # fmt: skip
        results = (schema_result, *results)
    return Report(suite=suite.to_report(), drop=drop_info, results=results, rows=rows)
