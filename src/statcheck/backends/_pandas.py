"""pandas (and the libraries narwhals treats like it): text is Arrow-backed, as the CSV
reader gives it, so that narwhals' list operations work on it."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import narwhals as nw

from statcheck.backends._base import NarwhalsBackend


class PandasBackend(NarwhalsBackend):
    name = "pandas"

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
