"""The few operations narwhals does not offer, done natively per backend.

Everything else in the engine is written once against narwhals; this module is the only
place that knows which dataframe library is underneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw


def extract_groups(
    frame: nw.DataFrame[Any], column: str, pattern: str, prefix: str
) -> nw.DataFrame[Any]:
    """Add one text column per named group of ``pattern`` matched against ``column``.

    Non-matching rows get nulls in every group column. ``pattern`` uses only syntax shared
    by Python's ``re`` and Rust's ``regex`` (named groups, no look-arounds).
    """
    native = frame.to_native()
    impl = frame.implementation
    if impl.is_polars():
        import polars as pl

        extracted = native.select(pl.col(column).str.extract_groups(pattern).alias("_g")).unnest(
            "_g"
        )
        renamed = extracted.rename({c: prefix + c for c in extracted.columns})
        return nw.from_native(native.hstack(renamed), eager_only=True)
    if impl.is_pandas_like():
        extracted = native[column].str.extract(pattern, expand=True)
        extracted = extracted.rename(columns={c: prefix + str(c) for c in extracted.columns})
        extracted = extracted.astype("object").where(extracted.notna(), None)
        out = native.assign(**{c: extracted[c] for c in extracted.columns})
        return nw.from_native(out, eager_only=True)
    raise NotImplementedError(f"no regex extraction for {impl}")  # pragma: no cover


def join_in_order(frame: nw.DataFrame[Any], other: nw.DataFrame[Any], on: str) -> nw.DataFrame[Any]:
    """``frame`` with the columns of ``other`` for its value of ``on`` (a left join), rows in
    ``frame``'s order (narwhals promises no order for a join's rows)."""
    native, impl = frame.to_native(), frame.implementation
    if impl.is_polars():
        out = native.join(other.to_native(), on=on, how="left", maintain_order="left")
        return nw.from_native(out, eager_only=True)
    if impl.is_pandas_like():  # pandas keeps the left frame's order
        out = native.merge(other.to_native(), on=on, how="left")
        out.index = native.index
        return nw.from_native(out, eager_only=True)
    raise NotImplementedError(f"no ordered join for {impl}")  # pragma: no cover


NUMERIC_COLUMNS = ("value", "precision", "scale")
DATE_COLUMNS = ("period_start", "period_end", "published_at")


def as_text_frame(native: Any) -> nw.DataFrame[Any]:
    """A frame from a pipeline: text columns stay text, numbers in value, precision and
    scale stay numbers (exact unless a precision says otherwise), dates stay dates; the
    rest becomes text."""
    frame: nw.DataFrame[Any] = nw.from_native(native, eager_only=True)
    schema = frame.schema
    convert = [
        c
        for c in frame.columns
        if schema[c] != nw.String
        and not (c in NUMERIC_COLUMNS and schema[c].is_numeric())
        and not (c in DATE_COLUMNS and schema[c] in (nw.Date, nw.Datetime))
    ]
    return frame.with_columns([nw.col(c).cast(nw.String) for c in convert]) if convert else frame


def collect_all(frames: Sequence[nw.LazyFrame[Any]]) -> list[nw.DataFrame[Any]]:
    """Collect several lazy queries, together where the backend can: polars plans them as
    one (``pl.collect_all``: shared parts computed once, the queries run in parallel);
    other backends collect them one by one."""
    if not frames:
        return []
    if all(f.implementation.is_polars() for f in frames):
        import polars as pl

        return [
            nw.from_native(df, eager_only=True)
            for df in pl.collect_all([f.to_native() for f in frames])
        ]
    if all(f.implementation.is_pyspark() for f in frames):
        from statcheck.engine import spark_native

        return spark_native.collect(frames)
    return [f.collect() for f in frames]


def small_frame(
    data: dict[str, list[Any]], schema: dict[str, Any], like: nw.LazyFrame[Any]
) -> nw.LazyFrame[Any]:
    """A few rows built in Python (a rule's hierarchy, a handful of collected rows) as a
    lazy frame of ``like``'s backend, to join with it; ``schema`` holds narwhals dtypes."""
    # Eager backends build it and hand it on lazily; a SQL engine (Spark) would need its
    # session here.
    if like.implementation.is_pyspark():
        from statcheck.engine import spark_native

        return spark_native.small_frame(data, schema)
    return nw.from_dict(data, schema=schema, backend=like.implementation).lazy()


def to_lazy(frame: nw.DataFrame[Any], like: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """A collected (small) frame back as a lazy frame of ``like``'s backend."""
    if frame.implementation == like.implementation:
        return frame.lazy()
    return small_frame(frame.to_dict(as_series=False), dict(frame.schema), like)


def split_explode(frame: nw.LazyFrame[Any], column: str, sep: str, alias: str) -> nw.LazyFrame[Any]:
    """One row per ``sep``-separated item of ``column`` (as ``alias``); null or blank items dropped.

    Most cells hold a single item: only the cells that contain ``sep`` are split (building
    a list per cell costs more than the rest of the work together). Rows come out in no
    promised order.
    """
    several = nw.col(column).str.contains(sep, literal=True).fill_null(False)
    single = frame.filter(~several).with_columns(nw.col(column).str.strip_chars().alias(alias))
    multi = _split_explode(frame.filter(several), column, sep, alias)
    out = nw.concat([single, multi.select(single.collect_schema().names())])
    return out.filter(~nw.col(alias).is_null() & (nw.col(alias) != ""))


def _split_explode(
    frame: nw.LazyFrame[Any], column: str, sep: str, alias: str
) -> nw.LazyFrame[Any]:
    # narwhals splits lists for polars, pyarrow-backed pandas and the SQL engines; text
    # columns built by expressions on pandas are object dtype, so pandas does it natively.
    impl = frame.implementation
    if impl.is_pandas_like():
        native = frame.to_native()
        items = native[column].astype(object).str.split(sep, regex=False)
        out = native.assign(**{alias: items}).explode(alias, ignore_index=True)
        out[alias] = out[alias].astype(object).str.strip()
        out = out[out[alias].notna() & (out[alias] != "")]
        split: nw.DataFrame[Any] = nw.from_native(out.reset_index(drop=True), eager_only=True)
        return split.lazy()
    out = frame.with_columns(nw.col(column).str.split(sep).alias(alias)).explode(alias)
    return out.with_columns(nw.col(alias).str.strip_chars())


def all_distinct(frame: nw.DataFrame[Any], columns: list[str]) -> bool:
    """True when no two rows agree on ``columns``. On polars one 64-bit hash per row and a
    count of distinct hashes, far cheaper than comparing text (a hash collision only
    answers False, and the caller then compares the columns themselves); pandas factorizes
    the columns (hashing its pyarrow dates goes through Python objects)."""
    if len(frame) == 0:
        return True
    impl = frame.implementation
    native = frame.to_native()
    if impl.is_polars():
        return bool(native.select(columns).hash_rows().n_unique() == native.height)
    if impl.is_pandas_like():
        return not bool(native[columns].duplicated().any())
    return bool(frame.select(columns).is_unique().all())  # pragma: no cover


def reused(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """A lazy query that several later queries read. Polars plans them together and
    computes shared parts once, so it stays a plan; on Spark it is computed now and kept
    (a local checkpoint), so that each later query neither recomputes it nor makes Spark
    analyse its whole lineage again: Spark's analyser time grows with the plan's size,
    and self-joins of the figure table make it grow fast."""
    if frame.implementation.is_pyspark():
        from statcheck.engine import spark_native

        return spark_native.checkpoint(frame)
    return frame
