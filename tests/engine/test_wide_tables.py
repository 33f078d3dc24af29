"""The operations over every column of a table (statcheck.backends: blank rows, line breaks,
untidy columns, blank cells to missing, missing counts) give, on each library's native
path, exactly what the narwhals path gives: values and dtypes. And a figure table of
thousands of dimension columns is prepared like a narrow one."""

from __future__ import annotations

import io
from typing import Any

import narwhals as nw
import pandas as pd
import polars as pl
import pytest

from statcheck.backends import backend_named
from statcheck.backends._base import NarwhalsBackend
from statcheck.prepare import normalise_figures

# Cells that stress whitespace and line breaks: Unicode spaces, a lone break, control
# characters polars and Arrow do not agree are whitespace (each engine keeps its own).
CELLS = ["x", " x", "x ", "", "  ", "\u00a0", "\u2003y\u3000", "a\nb", "\n", "\r\n", "\x1c", None]
NARWHALS = NarwhalsBackend()


def text_frame(backend: str, columns: int = 5) -> nw.DataFrame[Any]:
    data = {
        f"c{j}": [CELLS[(i + j) % len(CELLS)] for i in range(len(CELLS))] for j in range(columns)
    }
    data["blank"] = [None if i % 2 else " " for i in range(len(CELLS))]
    native: Any = pl.DataFrame(data)
    native = pl.concat([native, pl.DataFrame({c: [" \u2003"] for c in native.columns})])
    if backend == "pandas":
        native = native.to_pandas().astype("string[pyarrow]")
    return nw.from_native(native, eager_only=True)


def same(a: nw.DataFrame[Any] | nw.Series[Any], b: nw.DataFrame[Any] | nw.Series[Any]) -> None:
    left, right = a.to_native(), b.to_native()
    if isinstance(left, pd.DataFrame | pd.Series):
        assert str(getattr(left, "dtypes", getattr(left, "dtype", None))) == str(
            getattr(right, "dtypes", getattr(right, "dtype", None))
        )
        (pd.testing.assert_frame_equal if isinstance(left, pd.DataFrame) else _series_equal)(
            left, right
        )
    else:
        assert left.equals(right), (left, right)


def _series_equal(left: pd.Series, right: pd.Series) -> None:
    assert left.tolist() == right.tolist()


def test_blank_rows_and_line_breaks_as_narwhals(backend: str) -> None:
    frame = text_frame(backend)
    library = backend_named(backend)
    assert library is not None
    blank, breaks = library.blank_rows_and_line_breaks(frame)
    want_blank, want_breaks = NARWHALS.blank_rows_and_line_breaks(frame)
    assert blank.to_list() == want_blank.to_list()
    assert breaks.to_list() == want_breaks.to_list()
    assert sum(breaks.to_list()) > 0 and any(blank.to_list())


def test_untidy_columns_and_cleaning_as_narwhals(backend: str) -> None:
    frame = text_frame(backend)
    library = backend_named(backend)
    assert library is not None
    columns = frame.columns
    assert library.untidy_columns(frame, columns) == NARWHALS.untidy_columns(frame, columns)
    same(library.blank_to_null(frame, columns), NARWHALS.blank_to_null(frame, columns))
    cleaned = library.blank_to_null(frame, columns)
    assert library.null_counts(cleaned, columns) == NARWHALS.null_counts(cleaned, columns)


def test_pandas_cleaning_of_other_dtypes_as_narwhals() -> None:
    """Object, python-backed and numeric columns go through narwhals; the result is one."""
    native = pd.DataFrame(
        {
            "arrow": pd.array([" a", "", None], dtype="string[pyarrow]"),
            "python": pd.array([" a", "", None], dtype="string[python]"),
            "object": pd.Series([" a", "", None], dtype=object),
            "number": [1.5, None, 2.0],
        }
    )
    frame = nw.from_native(native, eager_only=True)
    library = backend_named("pandas")
    assert library is not None
    same(library.blank_to_null(frame, frame.columns), NARWHALS.blank_to_null(frame, frame.columns))


def figures(dimensions: int, cell: str, rows: int = 3) -> bytes:
    head = ["figure_id", "metric", "value", "unit", "period", "source_id"]
    head += [f"d{j}" for j in range(dimensions)]
    lines = [",".join(head)]
    for i in range(rows):
        lines.append(
            ",".join([f"f{i}", "cases", str(i + 1), "cases", "2024", "stats"] + [cell] * dimensions)
        )
    return ("\n".join(lines) + "\n").encode()


def read(data: bytes, backend: str) -> Any:
    native: Any = pl.read_csv(io.BytesIO(data), infer_schema=False)
    if backend == "pandas":
        native = native.to_pandas().astype("string[pyarrow]")
    return nw.from_native(native, eager_only=True)


@pytest.mark.parametrize("cell", ["", "x", " x "])
def test_a_wide_table_is_prepared_like_a_narrow_one(backend: str, cell: str) -> None:
    """Thousands of dimensions: the same figure columns, the dimensions cleaned and in
    their place, blanks and duplicates found."""
    wide = normalise_figures(read(figures(3_000, cell), backend))
    narrow = normalise_figures(read(figures(1, cell), backend))
    assert wide.dimensions == tuple(f"d{j}" for j in range(3_000))
    start = narrow.frame.columns.index("d0")
    assert wide.frame.columns[start : start + 3_000] == list(wide.dimensions)
    assert [c for c in wide.frame.columns if c not in wide.dimensions[1:]] == narrow.frame.columns
    assert wide.frame.drop(list(wide.dimensions[1:])).rows() == narrow.frame.rows()
    assert wide.has_duplicates and narrow.has_duplicates  # one metric, source and period
    assert wide.frame["_duplicate"].to_list() == [True] * 3
    assert wide.dimensions_with_blanks == (wide.dimensions if cell == "" else ())
    last = wide.frame["d2999"].to_list()[0]
    assert (last if last == last else None) == (cell.strip() or None)  # pandas: NaN
