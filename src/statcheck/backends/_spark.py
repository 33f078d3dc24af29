"""Spark, through narwhals' PySpark backend: what it does not do, or does slowly.

- a few rows built in Python (a rule's hierarchy, a handful of collected rows) become a
  Spark frame only through a session: ``nw.from_dict`` has no Spark backend;
- collected results come back as polars frames, so everything after a collect (the
  explanations, the report) runs on exactly the code and types of the default engine;
- a result several queries read is computed once and kept (a local checkpoint): Spark
  would otherwise recompute it in each, and analyse its whole plan each time (the
  analyser's time grows with the plan, and self-joins of the figure table make it grow
  fast);
- a filter on many values (the figures a table-wide rule's findings name: thousands) is
  a semi join with a frame of those values, sent once as Arrow: ``is_in`` would make one
  Spark literal per value through py4j, and Spark's optimiser slows down on an ``IN``
  list of thousands.

Tables are read and prepared on the driver (polars) and then moved to Spark, so Spark
reads no files and runs no pandera checks here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw

from statcheck.backends._base import NarwhalsBackend

# Up to this many values a filter is an IN list; beyond it, a semi join.
MAX_LITERALS = 200


class SparkBackend(NarwhalsBackend):
    name = "spark"

    def collect_all(self, frames: Sequence[nw.LazyFrame[Any]]) -> list[nw.DataFrame[Any]]:
        """Each query to the driver as a polars-backed frame (through Arrow). One Spark
        job at a time: the session's executors are shared by the stages of each job."""
        return [f.collect(backend="polars") for f in frames]

    def small_frame(
        self, data: dict[str, list[Any]], schema: dict[str, Any], like: nw.LazyFrame[Any]
    ) -> nw.LazyFrame[Any]:
        from statcheck.engine.spark import to_spark

        return to_spark(nw.from_dict(data, schema=schema, backend="polars"))

    def reused(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """The frame computed once and kept by the executors, its plan cut to that result."""
        kept: nw.LazyFrame[Any] = nw.from_native(frame.to_native().localCheckpoint(eager=True))
        return kept

    def with_previous(
        self, frame: nw.LazyFrame[Any], group: str, order: str, columns: dict[str, str]
    ) -> nw.LazyFrame[Any]:
        # A window per group: one ordering of every row would gather them in one task.
        return frame.with_columns(
            nw.col(c).shift(1).over(group, order_by=order).alias(alias)
            for c, alias in columns.items()
        )

    def rows_with(
        self, frame: nw.LazyFrame[Any], column: str, values: Sequence[Any]
    ) -> nw.LazyFrame[Any]:
        if len(values) <= MAX_LITERALS:
            return super().rows_with(frame, column, values)
        numbers = all(isinstance(v, int) for v in values)  # row numbers, else ids
        dtype = nw.Int64 if numbers else nw.String
        wanted = self.small_frame({column: sorted(set(values))}, {column: dtype}, frame)
        return frame.join(wanted, on=column, how="semi")
