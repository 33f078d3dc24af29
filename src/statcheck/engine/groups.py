"""Groups of comparable figures, for rules that run over a whole table.

A figure is identified by its metric, source, period and dimensions. A table-wide rule
relates figures that differ in exactly one of those columns (``over``: the region that
splits a total, the metric that makes a share, the period that makes a series) and agree
on all the others: those others are the group key. Units are not part of the key: a
share in percent and its counts in thousands belong to the same group.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import narwhals as nw

from statcheck.prepare import ParsedFigureTable
from statcheck.report import Finding

IDENTITY = ("metric", "source_id", "period_start", "period_end")

FrameT = TypeVar("FrameT", nw.DataFrame[Any], nw.LazyFrame[Any])


def identity_columns(table: ParsedFigureTable) -> list[str]:
    return [*IDENTITY, *table.dimensions]


def group_keys(table: ParsedFigureTable, without: str | Iterable[str]) -> list[str]:
    """The identity columns minus ``without`` (``period`` stands for start and end)."""
    drop = {without} if isinstance(without, str) else set(without)
    if "period" in drop:
        drop |= {"period_start", "period_end"}
    if "source" in drop:
        drop.add("source_id")
    return [c for c in identity_columns(table) if c not in drop]


def with_blank_dims(frame: FrameT, dims: Iterable[str]) -> FrameT:
    """Missing dimensions as empty text, so joins and group-bys match a missing value with
    a missing value on every backend (polars joins never match nulls; pandas merges do)."""
    columns = set(frame.collect_schema().names())
    dims = [d for d in dims if d in columns]
    return frame.with_columns([nw.col(d).fill_null("") for d in dims]) if dims else frame


def blank_filled(columns: Iterable[str], blank: Iterable[str]) -> list[nw.Expr]:
    """``columns`` to select, those in ``blank`` (dimensions with a missing cell) with
    missing cells as empty text (see ``with_blank_dims``)."""
    filled = set(blank)
    return [nw.col(c).fill_null("") if c in filled else nw.col(c) for c in columns]


def split_duplicates(frame: FrameT, table: ParsedFigureTable) -> tuple[FrameT, FrameT]:
    """Rows with a unique identity, and rows that share theirs with another row.

    Two figures for the same thing (1947 printed on two age bases) cannot both be the
    total or the part of a check; combining them would invent mismatches, so table-wide
    rules leave them out and report them (``duplicate_finding``). The mark is computed
    once, when the figure table is built (``_duplicate``), and a table without any
    needs no filtering.
    """
    if not table.has_duplicates:
        return frame, frame.head(0)
    return frame.filter(~nw.col("_duplicate")), frame.filter(nw.col("_duplicate"))


def duplicate_finding(dupes: nw.DataFrame[Any], shown: int = 6) -> list[Finding]:
    """The one finding for figures left out as duplicates (``dupes``: collected rows with
    figure_id and value)."""
    if dupes.is_empty():
        return []
    # Imported here: the rule implementations' package imports this module.
    from statcheck.engine.rules.explain import number

    rows = dupes.sort("figure_id").select("figure_id", "value").rows()
    # Each value with its own digits, whichever library the frame came from.
    listed = "; ".join(f"{fid} = {number(v, None)}" for fid, v in rows[:shown])
    more = f"; and {len(rows) - shown} more" if len(rows) > shown else ""
    return [
        Finding(
            "duplicate-figure",
            tuple(fid for fid, _ in rows),
            f"{len(rows)} figures share their metric, period, source and dimensions with another one "
            f"({listed}{more}): a break in coverage or a repeated row, so they are left out of this check.",
        )
    ]


# Findings that report figures left out of a check, not a failure of the data.
_LEFT_OUT = frozenset(("duplicate-figure", "missing-figure", "nothing-checked", "skipped-items"))


def failed(findings: list[Finding]) -> bool:
    """Whether findings include a failure, not only figures left out or missing."""
    return any(f.slug not in _LEFT_OUT for f in findings)


def flagged(frame: nw.LazyFrame[Any], flag: nw.Expr, witness: str) -> nw.LazyFrame[Any]:
    """The rows ``flag`` marks (``_flag`` true), and how many rows ``frame`` has
    (``_count``, on every row), in one query.

    So that the count comes back even when no row is flagged, one unflagged row rides
    along: the one with the smallest ``witness`` (a column with few ties, never null).
    """
    return frame.with_columns(
        flag.fill_null(False).alias("_flag"), nw.len().alias("_count")
    ).filter(nw.col("_flag") | (nw.col(witness) == nw.col(witness).min()))


def count_and_flagged(rows: nw.DataFrame[Any]) -> tuple[int, nw.DataFrame[Any]]:
    """A collected ``flagged`` query as (count, the flagged rows)."""
    if rows.is_empty():
        return 0, rows
    return int(rows.item(0, "_count")), rows.filter(nw.col("_flag"))
