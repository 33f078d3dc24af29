"""What statcheck asks of a dataframe library, and the answer narwhals alone gives.

:class:`Backend` is the one interface: every operation narwhals does not offer (or does
slowly on some library) is a method, and each library answers it in its own module
(``_polars``, ``_pandas``, ``_spark``). :class:`NarwhalsBackend` is the answer written
once against narwhals, for a library with no module of its own; the others inherit it and
override only what they do differently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import narwhals as nw


class Backend(Protocol):
    """One dataframe library, as statcheck uses it."""

    name: str
    # A missing cell comes back from the library as None (polars), not NaN or pd.NA.
    missing_is_none: bool
    # Text columns have one dtype, so a column already clean need not be rewritten.
    one_text_dtype: bool
    # Each step of a query is computed as it is written (pandas): a frame read twice
    # costs nothing more the second time.
    eager: bool

    # --- evaluating rules (lazy frames) and preparing tables (eager frames)

    # Queries collected in the block, on this thread, run as suits ``frame``'s size.
    def sized_for(self, frame: nw.DataFrame[Any]) -> contextlib.AbstractContextManager[None]: ...

    def collect_all(self, frames: Sequence[nw.LazyFrame[Any]]) -> list[nw.DataFrame[Any]]: ...

    def rows(self, frame: nw.DataFrame[Any], named: bool) -> list[Any]: ...

    def small_frame(
        self, data: dict[str, list[Any]], schema: dict[str, Any], like: nw.LazyFrame[Any]
    ) -> nw.LazyFrame[Any]: ...

    def reused(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]: ...

    def kept(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]: ...

    def rows_with(
        self, frame: nw.LazyFrame[Any], column: str, values: Sequence[Any]
    ) -> nw.LazyFrame[Any]: ...

    def joined_to_few(
        self, few: nw.LazyFrame[Any], many: nw.LazyFrame[Any], on: str
    ) -> nw.LazyFrame[Any]: ...

    def narrowed(
        self, frame: nw.LazyFrame[Any], other: nw.LazyFrame[Any], on: Sequence[str]
    ) -> nw.LazyFrame[Any]: ...

    def plain_numbers(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]: ...

    def with_previous(
        self, frame: nw.LazyFrame[Any], group: str, order: str, columns: dict[str, str]
    ) -> nw.LazyFrame[Any]: ...

    def split_explode(
        self, frame: nw.LazyFrame[Any], column: str, sep: str, alias: str
    ) -> nw.LazyFrame[Any]: ...

    def extract_groups(
        self, frame: nw.DataFrame[Any], column: str, pattern: str, prefix: str
    ) -> nw.DataFrame[Any]: ...

    def join_in_order(
        self, frame: nw.DataFrame[Any], other: nw.DataFrame[Any], on: str
    ) -> nw.DataFrame[Any]: ...

    def all_distinct(self, frame: nw.DataFrame[Any], columns: list[str]) -> bool: ...

    # --- text cells over every column of a table: one operation however many columns
    #     there are (narwhals alone builds and evaluates an expression per column, which
    #     dominates a table of a few rows and thousands of columns)

    def blank_rows_and_line_breaks(
        self, frame: nw.DataFrame[Any]
    ) -> tuple[nw.Series[Any], nw.Series[Any]]: ...

    def untidy_columns(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> list[str]: ...

    def blank_to_null(
        self, frame: nw.DataFrame[Any], columns: Sequence[str]
    ) -> nw.DataFrame[Any]: ...

    def null_counts(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> list[int]: ...

    def codes(
        self,
        frame: nw.DataFrame[Any],
        columns: Sequence[str],
        known: Mapping[str, Sequence[Any]],
    ) -> dict[str, tuple[nw.Series[Any], list[Any]]]: ...

    # --- pandera (the suite's column checks)

    def pandera(self) -> ModuleType | None: ...

    def positional(self, native: Any) -> Any: ...

    # --- reading files (eager libraries only)

    def read_csv(self, text_file: Path, separator: str, skip_lines: int) -> Any: ...

    def read_parquet(self, path: Path, columns: list[str]) -> Any: ...

    def from_arrow(self, table: Any) -> Any: ...

    def from_polars(self, native: Any) -> Any: ...


def blank_to_null(name: str) -> nw.Expr:
    """A column as text, stripped, a blank cell missing (narwhals: every library)."""
    stripped = nw.col(name).cast(nw.String).str.strip_chars()
    return (
        nw.when(stripped == "").then(nw.lit(None, dtype=nw.String)).otherwise(stripped).alias(name)
    )


def untidy(name: str) -> nw.Expr:
    """Whether any cell of a text column has whitespace around it or is empty (one value)."""
    cell = nw.col(name)
    return ((cell.str.strip_chars() != cell) | (cell == "")).fill_null(False).any()


class NarwhalsBackend:
    """The operations written once against narwhals: what a library without a module of
    its own gets (and what the others inherit)."""

    name = "narwhals"
    missing_is_none = False
    one_text_dtype = False
    eager = False

    def sized_for(self, frame: nw.DataFrame[Any]) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def collect_all(self, frames: Sequence[nw.LazyFrame[Any]]) -> list[nw.DataFrame[Any]]:
        return [f.collect() for f in frames]

    def rows(self, frame: nw.DataFrame[Any], named: bool) -> list[Any]:
        return frame.rows(named=named)

    def small_frame(
        self, data: dict[str, list[Any]], schema: dict[str, Any], like: nw.LazyFrame[Any]
    ) -> nw.LazyFrame[Any]:
        # Eager libraries build it and hand it on lazily.
        return nw.from_dict(data, schema=schema, backend=like.implementation).lazy()

    def reused(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return frame

    def kept(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return self.reused(frame)

    def rows_with(
        self, frame: nw.LazyFrame[Any], column: str, values: Sequence[Any]
    ) -> nw.LazyFrame[Any]:
        return frame.filter(nw.col(column).is_in(list(values)))

    def joined_to_few(
        self, few: nw.LazyFrame[Any], many: nw.LazyFrame[Any], on: str
    ) -> nw.LazyFrame[Any]:
        return few.join(many, on=on, how="inner")

    def narrowed(
        self, frame: nw.LazyFrame[Any], other: nw.LazyFrame[Any], on: Sequence[str]
    ) -> nw.LazyFrame[Any]:
        return frame

    def plain_numbers(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return frame

    def with_previous(
        self, frame: nw.LazyFrame[Any], group: str, order: str, columns: dict[str, str]
    ) -> nw.LazyFrame[Any]:
        # One ordering of the whole frame, the group first, and a shift: in one process
        # about twice as fast as a window per group (which sorts each group apart).
        same = nw.col(group).shift(1).over(order_by=order) == nw.col(group)
        return frame.with_columns(
            nw.when(same).then(nw.col(c).shift(1).over(order_by=order)).alias(alias)
            for c, alias in columns.items()
        )

    def split_explode(
        self, frame: nw.LazyFrame[Any], column: str, sep: str, alias: str
    ) -> nw.LazyFrame[Any]:
        # narwhals splits lists for polars, pyarrow-backed pandas and the SQL engines.
        out = frame.with_columns(nw.col(column).str.split(sep).alias(alias)).explode(alias)
        return out.with_columns(nw.col(alias).str.strip_chars())

    def extract_groups(
        self, frame: nw.DataFrame[Any], column: str, pattern: str, prefix: str
    ) -> nw.DataFrame[Any]:
        raise NotImplementedError(f"no regex extraction for {frame.implementation}")

    def join_in_order(
        self, frame: nw.DataFrame[Any], other: nw.DataFrame[Any], on: str
    ) -> nw.DataFrame[Any]:
        raise NotImplementedError(f"no ordered join for {frame.implementation}")

    def all_distinct(self, frame: nw.DataFrame[Any], columns: list[str]) -> bool:
        return bool(frame.select(columns).is_unique().all())

    def blank_rows_and_line_breaks(
        self, frame: nw.DataFrame[Any]
    ) -> tuple[nw.Series[Any], nw.Series[Any]]:
        """Per row of a table of text: whether every cell is missing or only whitespace,
        and how many line breaks its cells hold together."""
        blank = [(nw.col(c).str.strip_chars() == "").fill_null(True) for c in frame.columns]
        breaks = [
            (
                nw.col(c).str.len_chars()
                - nw.col(c).str.replace_all("\n", "", literal=True).str.len_chars()
            ).fill_null(0)
            for c in frame.columns
        ]
        found = frame.select(
            nw.all_horizontal(*blank, ignore_nulls=False).alias("blank"),
            nw.sum_horizontal(*breaks).cast(nw.Int64).alias("breaks"),
        )
        return found["blank"], found["breaks"]

    def untidy_columns(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> list[str]:
        """Those of the text ``columns`` with a cell that has whitespace around it or is
        empty: the ones :meth:`blank_to_null` changes."""
        if not columns:
            return []
        (flags,) = self.collect_all([frame.lazy().select([untidy(c).alias(c) for c in columns])])
        return [c for c, flag in zip(columns, flags.row(0), strict=True) if flag]

    def blank_to_null(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> nw.DataFrame[Any]:
        """``columns`` made text, every cell stripped of whitespace, blank cells missing."""
        if not columns:
            return frame
        return frame.with_columns([blank_to_null(c) for c in columns])

    def null_counts(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> list[int]:
        """How many missing cells each of ``columns`` has."""
        if not columns:
            return []
        return [int(n) for n in frame.select(list(columns)).null_count().row(0)]

    def codes(
        self,
        frame: nw.DataFrame[Any],
        columns: Sequence[str],
        known: Mapping[str, Sequence[Any]],
    ) -> dict[str, tuple[nw.Series[Any], list[Any]]]:
        """Each column as dense unsigned integer codes (0 to n - 1 for its n distinct
        values in sorted order, n for a missing cell), with those values."""
        out = {}
        for c in columns:
            values = frame.get_column(c).drop_nulls().unique().sort().to_list()
            codes = frame.get_column(c).replace_strict(
                values, list(range(len(values))), default=len(values), return_dtype=nw.UInt32
            )
            out[c] = (codes, values)
        return out

    def pandera(self) -> ModuleType | None:
        return None

    def positional(self, native: Any) -> Any:
        return native

    def read_csv(self, text_file: Path, separator: str, skip_lines: int) -> Any:
        raise NotImplementedError(f"{self.name} reads no files")

    def read_parquet(self, path: Path, columns: list[str]) -> Any:
        raise NotImplementedError(f"{self.name} reads no files")

    def from_arrow(self, table: Any) -> Any:
        raise NotImplementedError(f"{self.name} reads no files")

    def from_polars(self, native: Any) -> Any:
        raise NotImplementedError(f"{self.name} reads no files")
