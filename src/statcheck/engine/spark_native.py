"""The few operations :mod:`statcheck.engine.native` needs done differently on Spark.

narwhals' PySpark backend runs every rule's plan; what it does not do, or does slowly on
Spark, is here, called from ``native`` (and ``context``) when a frame's implementation is
PySpark, so that the rules themselves never ask which backend they run on:

- a few rows built in Python (a rule's hierarchy, a handful of collected rows) become a
  Spark frame only through a session: ``nw.from_dict`` has no Spark backend;
- collected results come back as polars frames, so everything after a collect (the
  explanations, the report) runs on exactly the code and types of the default engine;
- a result several queries read is computed once and kept (a local checkpoint): Spark
  would otherwise recompute it in each, and analyse its whole plan each time;
- a filter on many values (the figures a table-wide rule's findings name: thousands) is
  a semi join with a frame of those values, sent once as Arrow: ``is_in`` would make one
  Spark literal per value through py4j, and Spark's optimiser slows down on an ``IN``
  list of thousands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw

__all__ = ["MAX_LITERALS", "checkpoint", "collect", "rows_with", "small_frame"]

# Up to this many values a filter is an IN list; beyond it, a semi join.
MAX_LITERALS = 200


def small_frame(data: dict[str, list[Any]], schema: dict[str, Any]) -> nw.LazyFrame[Any]:
    """A few rows built in Python as a Spark frame (``schema`` holds narwhals dtypes)."""
    from statcheck.engine.spark import to_spark

    return to_spark(nw.from_dict(data, schema=schema, backend="polars"))


def collect(frames: Sequence[nw.LazyFrame[Any]]) -> list[nw.DataFrame[Any]]:
    """Collect Spark queries to the driver, each as a polars-backed narwhals frame (through
    Arrow). One Spark job at a time: the session's executors are shared by the stages of
    each job."""
    return [f.collect(backend="polars") for f in frames]


def checkpoint(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """The frame computed once and kept by the executors, its plan cut to that result."""
    kept: nw.LazyFrame[Any] = nw.from_native(frame.to_native().localCheckpoint(eager=True))
    return kept


def rows_with(frame: nw.LazyFrame[Any], column: str, values: Sequence[Any]) -> nw.LazyFrame[Any]:
    """The rows of ``frame`` whose ``column`` is one of ``values`` (text): an ``is_in`` filter
    for a few values or another backend, a semi join for many on Spark."""
    if not frame.implementation.is_pyspark() or len(values) <= MAX_LITERALS:
        return frame.filter(nw.col(column).is_in(list(values)))
    wanted = small_frame({column: sorted(set(values))}, {column: nw.String})
    return frame.join(wanted, on=column, how="semi")
