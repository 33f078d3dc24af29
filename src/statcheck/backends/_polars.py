"""polars: the default library. Lazy queries are planned together (``pl.collect_all``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import narwhals as nw

from statcheck.backends._base import NarwhalsBackend


class PolarsBackend(NarwhalsBackend):
    name = "polars"
    missing_is_none = True
    one_text_dtype = True

    def collect_all(self, frames: Sequence[nw.LazyFrame[Any]]) -> list[nw.DataFrame[Any]]:
        """Planned as one: shared parts computed once, the queries run in parallel."""
        import polars as pl

        return [
            nw.from_native(df, eager_only=True)
            for df in pl.collect_all([f.to_native() for f in frames])
        ]

    def extract_groups(
        self, frame: nw.DataFrame[Any], column: str, pattern: str, prefix: str
    ) -> nw.DataFrame[Any]:
        import polars as pl

        native = frame.to_native()
        extracted = native.select(pl.col(column).str.extract_groups(pattern).alias("_g")).unnest(
            "_g"
        )
        renamed = extracted.rename({c: prefix + c for c in extracted.columns})
        return nw.from_native(native.hstack(renamed), eager_only=True)

    def join_in_order(
        self, frame: nw.DataFrame[Any], other: nw.DataFrame[Any], on: str
    ) -> nw.DataFrame[Any]:
        native = frame.to_native()
        out = native.join(other.to_native(), on=on, how="left", maintain_order="left")
        return nw.from_native(out, eager_only=True)

    def all_distinct(self, frame: nw.DataFrame[Any], columns: list[str]) -> bool:
        """One 64-bit hash per row and a count of distinct hashes, far cheaper than
        comparing text (a collision only answers False, and the caller then compares the
        columns themselves)."""
        native = frame.to_native()
        return bool(native.select(columns).hash_rows().n_unique() == native.height)

    def pandera(self) -> ModuleType | None:
        import pandera.polars as pa

        return pa

    def read_csv(self, text_file: Path, separator: str, skip_lines: int) -> Any:
        import polars as pl

        return pl.read_csv(
            text_file,
            infer_schema=False,
            separator=separator,
            encoding="utf8",
            skip_lines=skip_lines,
            truncate_ragged_lines=False,
        )

    def read_parquet(self, path: Path, columns: list[str]) -> Any:
        import polars as pl

        return pl.read_parquet(path, columns=columns, hive_partitioning=False)

    def from_arrow(self, table: Any) -> Any:
        import polars as pl

        return pl.from_arrow(table)

    def from_polars(self, native: Any) -> Any:
        return native
