"""pandas (and the libraries narwhals treats like it): text is Arrow-backed, as the CSV
reader gives it, so that narwhals' list operations work on it."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import narwhals as nw

from statcheck.backends._base import NarwhalsBackend


@cache
def _text() -> Any:
    """How the pandas engine holds text: as pandas' own readers give it (Arrow-backed
    ``str``). (pandas imported only when asked.)"""
    import pandas as pd

    return pd.StringDtype("pyarrow", na_value=float("nan"))


# Rows are picked by their codes' place in an array (``narrowed``) while the codes span at
# most this many times the rows read: the array's memory grows with the data.
_DENSE = 4
# One side of a join is "few" (``joined_to_few``) when it is under this part of the other.
_FEW = 8


class PandasBackend(NarwhalsBackend):
    name = "pandas"
    eager = True

    def rows(self, frame: nw.DataFrame[Any], named: bool) -> list[Any]:
        # narwhals hands pandas' Arrow-backed cells over one Python object at a time;
        # Arrow hands over whole columns (six times as fast), a missing cell as None.
        import pyarrow as pa  # type: ignore[import-untyped]

        table = pa.Table.from_pandas(frame.to_native(), preserve_index=False)
        if named:
            return list(table.to_pylist())
        if table.num_columns == 0:
            return [()] * table.num_rows
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))

    def codes(
        self,
        frame: nw.DataFrame[Any],
        columns: Sequence[str],
        known: Mapping[str, Sequence[Any]],
    ) -> dict[str, tuple[nw.Series[Any], list[Any]]]:
        import numpy as np
        import pandas as pd

        native = frame.to_native()
        out = {}
        for c in columns:
            cells = native[c].array
            if _arrow_backed_text(cells.dtype):
                codes, values = _ranked(_arrow(cells))
            else:
                codes, found = pd.factorize(native[c], sort=True)
                codes[codes < 0] = len(found)  # a missing cell: a code of its own
                values = list(found)
            narrow = np.min_scalar_type(len(values))  # the narrowest that holds every code
            coded = pd.Series(codes.astype(narrow), index=native.index, name=c)
            out[c] = (nw.from_native(coded, series_only=True), values)
        return out

    def rows_with(
        self, frame: nw.LazyFrame[Any], column: str, values: Sequence[Any]
    ) -> nw.LazyFrame[Any]:
        """Arrow-backed text looked up by pyarrow's own hash set (twice as fast as
        ``Series.isin`` on a large table, which rules do to explain a few rows)."""
        import pyarrow as pa
        import pyarrow.compute as pc  # type: ignore[import-untyped]

        native = frame.to_native()
        cells = native[column].array
        if not _arrow_backed_text(cells.dtype) or not all(isinstance(v, str) for v in values):
            return frame.filter(nw.col(column).is_in(list(values)))
        arrow = _arrow(cells)
        found = pc.is_in(arrow, value_set=pa.array(values, type=arrow.type))
        mask = found.to_numpy(zero_copy_only=False)
        chosen: nw.DataFrame[Any] = nw.from_native(native[mask], eager_only=True)
        return chosen.lazy()

    def joined_to_few(
        self, few: nw.LazyFrame[Any], many: nw.LazyFrame[Any], on: str
    ) -> nw.LazyFrame[Any]:
        """``many``'s rows picked by a set look-up of ``few``'s keys first: a merge hashes
        every key of both sides, and on ten million distinct keys that is ten times the
        look-up, which hashes only the few. (Where they are not few, just the merge.)"""
        keys, native = few.to_native()[on].unique(), many.to_native()
        if len(keys) * _FEW > len(native):
            return few.join(many, on=on, how="inner")
        picked: nw.DataFrame[Any] = nw.from_native(native[native[on].isin(keys)], eager_only=True)
        return few.join(picked.lazy(), on=on, how="inner")

    def narrowed(
        self, frame: nw.LazyFrame[Any], other: nw.LazyFrame[Any], on: Sequence[str]
    ) -> nw.LazyFrame[Any]:
        """The rows whose codes ``other`` shows, found by their place in an array of the
        combinations it shows, as the numpy floor does (10^7 rows: the ratio's merges
        1.8 s to 0.5 s); where ``on`` are not integers of a small span, ``frame``."""
        mine = frame.to_native()
        picked = _shared_codes(mine, other.to_native(), on)
        if picked is None:
            return frame
        chosen: nw.DataFrame[Any] = nw.from_native(mine[picked], eager_only=True)
        return chosen.lazy()

    def plain_numbers(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """Arrow-backed numbers and booleans with no missing value as numpy's (worked out
        from Arrow dates, they are Arrow's): a column joined onto millions of rows is
        then copied by numpy, several times faster than by Arrow."""
        import pandas as pd

        native = frame.to_native()
        plain = {
            c: native[c].to_numpy(dtype=native[c].dtype.numpy_dtype)
            for c in native.columns
            if isinstance(native[c].dtype, pd.ArrowDtype)
            and native[c].dtype.kind in "biuf"
            and not native[c].hasnans
        }
        if not plain:
            return frame
        out: nw.DataFrame[Any] = nw.from_native(native.assign(**plain), eager_only=True)
        return out.lazy()

    def with_previous(
        self, frame: nw.LazyFrame[Any], group: str, order: str, columns: dict[str, str]
    ) -> nw.LazyFrame[Any]:
        # Sorted once and shifted: narwhals' window with an ordering sorts, shifts and
        # puts the rows back for each column.
        ordered = frame.to_native().sort_values(order)
        same = ordered[group].shift(1) == ordered[group]
        previous = {alias: ordered[c].shift(1).where(same) for c, alias in columns.items()}
        out = ordered.assign(**previous).reset_index(drop=True)
        shifted: nw.DataFrame[Any] = nw.from_native(out, eager_only=True)
        return shifted.lazy()

    def split_explode(
        self, frame: nw.LazyFrame[Any], column: str, sep: str, alias: str
    ) -> nw.LazyFrame[Any]:
        # Text columns built by expressions on pandas are object dtype, which narwhals
        # cannot split: done natively.
        native = frame.to_native()
        items = native[column].astype(object).str.split(sep, regex=False)
        out = native.assign(**{alias: items}).explode(alias, ignore_index=True)
        out[alias] = out[alias].astype(object).str.strip()
        out = out[out[alias].notna() & (out[alias] != "")]
        split: nw.DataFrame[Any] = nw.from_native(out.reset_index(drop=True), eager_only=True)
        return split.lazy()

    def extract_groups(
        self, frame: nw.DataFrame[Any], column: str, pattern: str, prefix: str
    ) -> nw.DataFrame[Any]:
        native = frame.to_native()
        extracted = native[column].str.extract(pattern, expand=True)
        extracted = extracted.rename(columns={c: prefix + str(c) for c in extracted.columns})
        extracted = extracted.astype("object").where(extracted.notna(), None)
        out = native.assign(**{c: extracted[c] for c in extracted.columns})
        return nw.from_native(out, eager_only=True)

    def table_from_polars(
        self, frame: nw.DataFrame[Any], lent: Mapping[str, Any] | None = None
    ) -> nw.DataFrame[Any]:
        """A polars frame with the dtypes pandas' own readers give: text as pandas' ``str``
        (Arrow-backed), dates as Arrow dates (not nanosecond timestamps), integers int64.
        ``lent``: pandas arrays that stand for some of its columns as they are."""
        import pandas as pd
        import polars as pl
        import pyarrow as pa

        lent = lent or {}
        native = frame.to_native()
        wanted = {
            pa.string(): _text(),
            pa.large_string(): _text(),
            pa.date32(): pd.ArrowDtype(pa.date32()),
        }
        # Through Arrow with the dtypes named: no detour through nanosecond timestamps or
        # Python objects (a third of the time of polars' own to_pandas). Column by column,
        # on every core: polars converts a whole frame's text on one, three times slower
        # at 10^7 rows.
        oldest = pl.CompatLevel.oldest()
        converted = [c for c in native.columns if c not in lent]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            arrays = list(
                pool.map(lambda c: native.get_column(c).to_arrow(compat_level=oldest), converted)
            )
        table = pa.Table.from_arrays(arrays, names=converted)
        out = table.to_pandas(types_mapper=wanted.get)
        for name, dtype in native.schema.items():
            if dtype.is_integer():
                out[name] = out[name].astype("int64")
        if lent:
            columns = {c: lent[c] if c in lent else out[c] for c in native.columns}
            out = pd.DataFrame(columns, index=out.index, copy=False)
        return nw.from_native(out, eager_only=True)

    def lent(self, read: Any, columns: Sequence[str], rows: int) -> dict[str, Any]:
        """The ``columns`` of ``read`` (a pandas frame of ``rows`` rows, or None) that it
        holds as the engine holds text (``_text``), as arrays: a table built from ``read``
        row for row may take them as they are."""
        import pandas as pd

        # (a frame naming a column twice was refused when it was read)
        if not isinstance(read, pd.DataFrame) or len(read) != rows:
            return {}
        mine = set(read.columns)
        return {c: read[c].array for c in columns if c in mine and read[c].dtype == _text()}

    def join_in_order(
        self, frame: nw.DataFrame[Any], other: nw.DataFrame[Any], on: str
    ) -> nw.DataFrame[Any]:
        native = frame.to_native()  # pandas keeps the left frame's order
        out = native.merge(other.to_native(), on=on, how="left")
        out.index = native.index
        return nw.from_native(out, eager_only=True)

    def all_distinct(self, frame: nw.DataFrame[Any], columns: list[str]) -> bool:
        """Factorizes the columns (hashing pyarrow dates goes through Python objects)."""
        return not bool(frame.to_native()[columns].duplicated().any())

    # Text over many columns: pyarrow's kernels on each column's Arrow array (a pandas
    # operation per column costs tens of microseconds of bookkeeping; these a few). They
    # strip what pandas' own .str.strip() of Arrow-backed text strips (the same kernel).

    def blank_rows_and_line_breaks(
        self, frame: nw.DataFrame[Any]
    ) -> tuple[nw.Series[Any], nw.Series[Any]]:
        import pyarrow.compute as pc

        native = frame.to_native()
        blank: Any = True
        breaks: Any = 0
        for text in _arrow_text(native, native.columns):
            blank = pc.and_(blank, pc.equal(pc.utf8_trim_whitespace(text), "").fill_null(True))
            breaks = pc.add(breaks, pc.count_substring(text, "\n").fill_null(0))
        return (
            _series(native, "blank", blank, len(native)),
            _series(native, "breaks", pc.cast(breaks, "int64"), len(native)),
        )

    def blank_to_null(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> nw.DataFrame[Any]:
        """As narwhals does it (cast to pandas' ``str``, strip, blank to missing), but on
        the Arrow arrays of text columns; other columns go through narwhals."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        native = frame.to_native()
        dtypes, asked = native.dtypes.to_dict(), set(columns)
        text = [c for c in native.columns if c in asked and _arrow_backed_text(dtypes[c])]
        if len(text) < len(columns):
            chosen = set(text)
            frame = super().blank_to_null(frame, [c for c in columns if c not in chosen])
            native = frame.to_native()
        if not text:
            return frame
        result = pd.StringDtype("pyarrow", na_value=np.nan)
        cleaned = {}
        for c, cells in zip(text, _arrow_text(native, text), strict=True):
            stripped = pc.utf8_trim_whitespace(cells)
            missing = pa.scalar(None, stripped.type)
            cleaned[c] = pd.array(
                pc.if_else(pc.equal(stripped, ""), missing, stripped), dtype=result
            )
        columns_out = {c: cleaned.get(c, series) for c, series in native.items()}
        out = pd.DataFrame(columns_out, index=native.index, copy=False)
        return nw.from_native(out, eager_only=True)

    def null_counts(self, frame: nw.DataFrame[Any], columns: Sequence[str]) -> list[int]:
        """Arrow-backed columns know their count; others count NaN, None and NA."""
        import pandas as pd

        native = frame.to_native()
        counts = {}
        for name, series in native.items():
            cells = series.array
            arrow = isinstance(cells.dtype, pd.ArrowDtype) or _arrow_backed_text(cells.dtype)
            counts[name] = _arrow(cells).null_count if arrow else int(cells.isna().sum())
        return [counts[c] for c in columns]

    def pandera(self) -> ModuleType | None:
        import pandera.pandas as pa

        return pa

    def positional(self, native: Any) -> Any:
        """Failure cases name an index: made the row's position."""
        return native.reset_index(drop=True)

    def read_csv(self, text_file: Path, separator: str, skip_lines: int) -> Any:
        import warnings

        import pandas as pd

        with text_file.open("rb") as fh, warnings.catch_warnings():
            # "Length of header ... does not match": a row with extra cells.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            for _ in range(skip_lines):
                if not fh.readline():
                    break
            # pyarrow-backed text: narwhals needs it for list operations (split, explode).
            return pd.read_csv(
                fh,
                dtype="string[pyarrow]",
                keep_default_na=False,
                sep=separator,
                encoding="utf-8-sig",
                index_col=False,  # never take a row's extra first cell as an index
                skip_blank_lines=False,  # rows keep their line numbers
            )

    def read_parquet(self, path: Path, columns: list[str]) -> Any:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        return self.from_arrow(pq.read_table(path, columns=columns))

    def from_arrow(self, table: Any) -> Any:
        """A pyarrow table with Arrow-backed columns: integers with gaps stay integers,
        text is ``string[pyarrow]`` as from the CSV reader."""
        import pandas as pd
        import pyarrow as pa

        fields = [
            f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
            for f in table.schema
        ]
        table = table.cast(pa.schema(fields))

        def pandas_type(t: Any) -> Any:
            if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
                return pd.StringDtype("pyarrow")
            return pd.ArrowDtype(t)

        return table.to_pandas(types_mapper=pandas_type, ignore_metadata=True)

    def from_polars(self, native: Any) -> Any:
        import polars as pl

        return self.from_arrow(native.to_arrow(compat_level=pl.CompatLevel.oldest()))


def _shared_codes(mine: Any, theirs: Any, on: Sequence[str]) -> Any:
    """Whether each row of ``mine`` has a combination of ``on`` that ``theirs`` has
    (numpy booleans), each combination a place in one array (mixed radix); None where a
    column is not plain non-negative integers, or the combinations span more than
    ``_DENSE`` times the rows."""
    import numpy as np

    span, places = 1, [np.zeros(len(mine), np.int64), np.zeros(len(theirs), np.int64)]
    for c in on:
        columns = [mine[c], theirs[c]]
        if not all(isinstance(k.dtype, np.dtype) and k.dtype.kind in "iu" for k in columns):
            return None
        values = [k.to_numpy() for k in columns]
        if any(len(v) and v.min() < 0 for v in values):
            return None
        size = 1 + max((int(v.max()) for v in values if len(v)), default=0)
        if span * size > _DENSE * (len(mine) + len(theirs)) + 1024:
            return None
        places = [p * size + v for p, v in zip(places, values, strict=True)]
        span *= size
    seen = np.zeros(span, dtype=bool)
    seen[places[1]] = True
    return seen[places[0]]


def _arrow_backed_text(dtype: Any) -> bool:
    import pandas as pd

    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _arrow_text(native: Any, columns: Sequence[str]) -> Iterator[Any]:
    """The Arrow array of each text column (copied into Arrow only if not Arrow-backed),
    in the frame's order (walked once: looking up each name costs pandas far more)."""
    import pyarrow as pa

    for cells in _arrays(native, columns):
        yield (
            _arrow(cells) if _arrow_backed_text(cells.dtype) else pa.array(cells, from_pandas=True)
        )


def _arrays(native: Any, columns: Sequence[str]) -> Iterator[Any]:
    """The pandas arrays of ``columns``, in the frame's order."""
    wanted = set(columns)
    for name, series in native.items():
        if name in wanted:
            yield series.array


def _ranked(arrow: Any) -> tuple[Any, list[Any]]:
    """Arrow text as dense codes in the order of its values (by UTF-8 bytes, the order of
    code points), a missing cell after them, and those values: pyarrow's dense rank, four
    times faster than ``pandas.factorize`` on a million distinct values, which also hands
    them back as an array slow to read into Python."""
    import pyarrow.compute as pc

    ranks = pc.rank(arrow, sort_keys="ascending", tiebreaker="dense")  # a missing cell last
    distinct = pc.unique(arrow.drop_null())
    values = distinct.take(pc.sort_indices(distinct)).to_pylist()
    return ranks.to_numpy() - 1, values


def _arrow(cells: Any) -> Any:
    """The Arrow array an Arrow-backed pandas array holds (no copy)."""
    import pyarrow as pa

    return pa.array(cells)


def _series(native: Any, name: str, values: Any, rows: int) -> nw.Series[Any]:
    """A pandas series on ``native``'s index from an Arrow array, or a scalar for a table
    without columns."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if isinstance(values, pa.Array | pa.ChunkedArray):
        data = values.to_numpy(zero_copy_only=False)
    else:
        data = np.full(rows, values.as_py() if isinstance(values, pa.Scalar) else values)
    return nw.from_native(pd.Series(data, index=native.index, name=name), series_only=True)
