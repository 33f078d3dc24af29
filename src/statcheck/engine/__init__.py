"""The engine: read a drop, build the canonical tables, run every rule of a suite.

Written once against narwhals; ``backend`` picks the dataframe library underneath
(polars by default, pandas on request). Results are identical on every backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from statcheck.contract.mapping import TableMapping
from statcheck.contract.suite import Suite
from statcheck.drops.manifest import Drop, read_drop
from statcheck.drops.reader import BACKENDS, read_text_table
from statcheck.engine.context import Context
from statcheck.engine.mapping import apply_mapping
from statcheck.engine.native import as_text_frame
from statcheck.engine.rules import run_rule
from statcheck.engine.table import normalise_figures, normalise_sources
from statcheck.errors import DataError, ExitCode, StatcheckError
from statcheck.report import Report, RuleResult, Status

__all__ = ["BACKENDS", "check_frames", "validate_drop"]


def _suite_info(suite: Suite) -> dict[str, Any]:
    out: dict[str, Any] = {"id": suite.id}
    if suite.file:
        out["file"] = suite.file
    if suite.sha256:
        out["sha256"] = suite.sha256
    return out


def error_entry(exc: StatcheckError) -> dict[str, Any]:
    out: dict[str, Any] = {
        "slug": exc.slug,
        "message": exc.message,
        "exit_code": int(exc.exit_code),
    }
    loc = exc.location.to_dict()
    if loc:
        out["location"] = loc
    if exc.hint:
        out["hint"] = exc.hint
    return out


def validate_drop(folder: str | Path, suite: Suite, backend: str = "polars") -> Report:
    """Validate one drop folder against a suite. Never raises for bad input: problems
    are in the report (``report.errors``), with the exit code they imply."""
    folder = Path(folder)
    drop_info: dict[str, Any] = {"id": folder.name, "path": str(folder)}
    try:
        drop = read_drop(folder)
        drop_info = drop.to_report()
        figures, sources = _read(drop, backend, suite.table)
        return _check(figures, sources, suite, drop_info)
    except StatcheckError as exc:
        return Report(
            suite=_suite_info(suite), drop=drop_info, results=(), errors=(error_entry(exc),)
        )
    except Exception as exc:  # a bug: still write a report that says so
        entry = {
            "slug": "internal-error",
            "message": f"{type(exc).__name__}: {exc}",
            "exit_code": int(ExitCode.INTERNAL),
        }
        return Report(suite=_suite_info(suite), drop=drop_info, results=(), errors=(entry,))


def _read(drop: Drop, backend: str, mapping: TableMapping | None) -> tuple[Any, Any]:
    if backend not in BACKENDS:
        raise DataError(
            f"unknown engine {backend!r}",
            slug="unknown-engine",
            hint=f"use one of: {', '.join(BACKENDS)}",
        )
    fig_spec = drop.file("figures")
    assert fig_spec is not None  # read_drop guarantees a figures file
    fig_path = drop.folder / fig_spec.path
    raw = read_text_table(fig_path, fig_spec, backend)
    mapped_source = None
    if mapping is not None:
        raw, mapped_source = apply_mapping(raw, mapping, str(fig_path))
    figures = normalise_figures(raw, str(fig_path), fig_spec.decimal)
    src_spec = drop.file("sources")
    sources = None
    if src_spec is not None:
        src_path = drop.folder / src_spec.path
        sources = normalise_sources(read_text_table(src_path, src_spec, backend), str(src_path))
    elif mapped_source is not None:
        sources = normalise_sources(mapped_source, "the suite's table mapping")
    return figures, sources


def check_frames(
    figures: Any, suite: Suite, sources: Any = None, drop_id: str = "<frame>"
) -> Report:
    """Validate figure (and source) tables already in memory: any narwhals-supported frame
    whose cells are text as published, or already numbers."""
    table = normalise_figures(as_text_frame(figures))
    src = normalise_sources(as_text_frame(sources)) if sources is not None else None
    return _check(table, src, suite, {"id": drop_id})


def _check(figures: Any, sources: Any, suite: Suite, drop_info: dict[str, Any]) -> Report:
    ctx = Context(figures=figures, sources=sources, suite=suite)
    ctx.preload([ref for rule in suite.rules for ref in rule.refs()])
    results = tuple(run_rule(rule, ctx) for rule in suite.rules)
    if suite.schema is not None:
        from statcheck.engine.schema import check_schema  # imports pandera: only when asked

        try:
            schema_result = check_schema(suite.schema, figures)
        except Exception as exc:  # as for any rule: recorded, never a crash
            internal = not isinstance(exc, StatcheckError)
            schema_result = RuleResult(
                "schema", "schema", Status.ERROR, error=f"{type(exc).__name__}: {exc}",
                error_slug="internal-error" if internal else getattr(exc, "slug", None), internal=internal,
            )  # fmt: skip
        results = (schema_result, *results)
    return Report(suite=_suite_info(suite), drop=drop_info, results=results)
