"""polars: the default library. Lazy queries are planned together (``pl.collect_all``)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import narwhals as nw

from statcheck.backends._base import NarwhalsBackend

# polars' streaming engine (its default) passes data between operators in morsels of
# about 100,000 rows; on a table of a few morsels its setup costs more than it saves, and
# the in-memory engine runs a rule's queries a tenth to a fifth faster (grid benchmark,
# 10^4 to 3 * 10^5 rows; from 5 * 10^5 rows streaming is the faster).
IN_MEMORY_BELOW = 200_000
_planned = threading.local()  # the engine this thread's queries run on (``sized_for``)
Engine = Literal["auto", "in-memory"]


def _engine() -> Engine:
    engine: Engine = getattr(_planned, "engine", "auto")
    return engine


class PolarsBackend(NarwhalsBackend):
    name = "polars"
    missing_is_none = True
    one_text_dtype = True

    @contextlib.contextmanager
    def sized_for(self, frame: nw.DataFrame[Any]) -> Iterator[None]:
        before = _engine()
        _planned.engine = "in-memory" if len(frame) < IN_MEMORY_BELOW else "auto"
        try:
            yield
        finally:
            _planned.engine = before

    def collect_all(self, frames: Sequence[nw.LazyFrame[Any]]) -> list[nw.DataFrame[Any]]:
        """Planned as one: shared parts computed once, the queries run in parallel."""
        import polars as pl

        return [
            nw.from_native(df, eager_only=True)
            for df in pl.collect_all([f.to_native() for f in frames], engine=_engine())
        ]

    def kept(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        # Within one plan polars may compute a part that two branches read once per
        # branch (and order its joins so that the part is the whole table's).
        return frame.collect(engine=_engine()).lazy()

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
        # Only the key goes through the join, and what it finds is set beside the frame:
        # a join carries every column of its side through, and a table's text columns
        # are most of it (a 10^6-row CSV: 137 to 52 ms).
        native = frame.to_native()
        keys = native.select(on).join(other.to_native(), on=on, how="left", maintain_order="left")
        return nw.from_native(native.hstack(keys.drop(on).get_columns()), eager_only=True)

    def with_previous(
        self, frame: nw.LazyFrame[Any], group: str, order: str, columns: dict[str, str]
    ) -> nw.LazyFrame[Any]:
        # One sort of the whole frame and a shift, the rows left in that order: a window
        # with an ordering sorts for each column it shifts and puts the rows back, twice
        # the time.
        import polars as pl

        ordered = frame.to_native().sort(order)
        same = pl.col(group).shift(1) == pl.col(group)
        previous = [pl.when(same).then(pl.col(c).shift(1)).alias(a) for c, a in columns.items()]
        shifted: nw.LazyFrame[Any] = nw.from_native(ordered.with_columns(previous))
        return shifted

    def all_distinct(self, frame: nw.DataFrame[Any], columns: list[str]) -> bool:
        """One 64-bit hash per row and a count of distinct hashes, far cheaper than
        comparing text (a collision only answers False, and the caller then compares the
        columns themselves)."""
        native = frame.to_native()
        return bool(native.select(columns).hash_rows().n_unique() == native.height)

    def codes(
        self,
        frame: nw.DataFrame[Any],
        columns: Sequence[str],
        known: Mapping[str, Sequence[Any]],
    ) -> dict[str, tuple[nw.Series[Any], list[Any]]]:
        """Text as an enumeration of its distinct values (one hash per cell, where they
        are ``known`` and few); a column with many, by its rank among them (a sort: an
        enumeration of a million values is several times slower to make and to apply);
        dates as days from the first. Each in the narrowest unsigned integers that hold
        its codes; every column at once. Codes follow the values' order as polars sorts
        text: by UTF-8 bytes, the order of code points, as Python's ``sorted``."""
        import polars as pl

        native = frame.to_native()
        dates = {c for c in columns if native.schema[c] == pl.Date}
        text = {c: pl.col(c).cast(pl.String) for c in columns if c not in dates}
        values = {c: sorted(v for v in known[c] if v is not None) for c in text if c in known}
        many = [c for c in text if c not in known]
        # Sorted, then each value where it first comes (three times faster than unique
        # values sorted, on a million of them).
        first = pl.col("_v").ne_missing(pl.col("_v").shift(1))
        found = pl.collect_all(
            [
                native.lazy().select(text[c].drop_nulls().sort().alias("_v")).filter(first)
                for c in many
            ]
        )
        values |= {c: got.get_column("_v").to_list() for c, got in zip(many, found, strict=True)}
        days = {c: pl.col(c).cast(pl.Int32) for c in dates}
        coded = native.select(
            *(t.cast(pl.Enum(values[c])).to_physical() for c, t in text.items() if c in known),
            *((text[c].rank("dense") - 1).alias(c) for c in many),
            *((d - d.min()).alias(c) for c, d in days.items()),
        )
        out = {}
        for c in columns:
            n = len(values[c]) if c in values else int(coded.get_column(c).max() or 0) + 1
            narrow = pl.UInt8 if n < 2**8 else pl.UInt16 if n < 2**16 else pl.UInt32
            codes = coded.get_column(c).fill_null(n).cast(narrow)
            out[c] = (nw.from_native(codes, series_only=True), values.get(c, []))
        return out

    # Text over many columns: one expression over all of them, expanded by polars itself.

    def blank_rows_and_line_breaks(
        self, frame: nw.DataFrame[Any]
    ) -> tuple[nw.Series[Any], nw.Series[Any]]:
        # Each question asked of every cell only where it can have a yes (a CSV of 10^6
        # rows and 13 columns: 232 ms for both over every cell, 80 ms so).
        native = frame.to_native()
        return (
            nw.from_native(_blank_rows(native), series_only=True),
            nw.from_native(_line_breaks(native), series_only=True),
        )

    def untidy_columns(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> list[str]:
        import polars as pl

        if not columns:
            return []
        # A cell is untidy iff stripping changes it, or it is empty. Stripping copies no
        # cell (the stripped text is a view of the same bytes; a cell may be hundreds of
        # megabytes) and takes a third of the time of the search ``^\s|\s$|^$``.
        cells = pl.col(*columns)
        untidy = (cells.str.strip_chars() != cells) | (cells.str.len_bytes() == 0)
        flags = untidy.fill_null(False).any()
        row = frame.to_native().lazy().select(flags).collect().row(0)
        return [c for c, flag in zip(columns, row, strict=True) if flag]

    def blank_to_null(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> nw.DataFrame[Any]:
        import polars as pl

        if not columns:
            return frame
        cleaned = pl.col(*columns).cast(pl.String).str.strip_chars().replace("", None)
        return nw.from_native(frame.to_native().with_columns(cleaned), eager_only=True)

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


def _blank_cells(cells: Any) -> Any:
    """Missing or only whitespace (stripping copies no cell: it is a view of its bytes)."""
    return (cells.str.strip_chars().str.len_bytes() == 0).fill_null(True)


def _blank_rows(native: Any) -> Any:
    """Whether each row's every cell is blank: only the rows whose first cell is are
    looked at further (in a table of figures, next to none)."""
    import polars as pl

    maybe = native.select(_blank_cells(pl.col(native.columns[0])).alias("blank")).to_series()
    if not maybe.any():
        return maybe
    blank = native.filter(maybe).select(pl.all_horizontal(_blank_cells(pl.all())))
    return maybe.scatter(maybe.arg_true(), blank.to_series())


def _line_breaks(native: Any) -> Any:
    """How many line breaks each row's cells hold together, counted only in the columns
    that have one (finding one is a third of the cost of counting them)."""
    import polars as pl

    found = native.select(
        pl.col(c).str.find("\n", literal=True).is_not_null().any() for c in native.columns
    )
    broken = [c for c, has in zip(native.columns, found.row(0), strict=True) if has]
    if not broken:
        return pl.repeat(0, native.height, dtype=pl.Int64, eager=True).alias("breaks")
    counts = pl.col(*broken).str.count_matches("\n", literal=True).cast(pl.Int64).fill_null(0)
    return native.select(pl.sum_horizontal(counts).alias("breaks")).to_series()
