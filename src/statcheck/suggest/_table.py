"""A publisher's wide table as suggest reads it: the period column, and each numeric
column as a series of values with the precision it is printed to.

Cells are read as text (a drop's CSV as the checking layer reads it) and parsed by
column expressions: a cell is a number when, spaces and thousands commas removed, it
is digits with at most one decimal point; a column is a series when every non-empty
cell is a number and at least half its cells are filled (a column of footnote marks
is not a series). Its precision is its last printed decimal: the most decimals any of
its cells prints (4420 beside 5840.4 is 4420.0 with its trailing zero dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import narwhals as nw
import numpy as np
import numpy.typing as npt

from statcheck.errors import MISSING_COLUMN, UNSUPPORTED_FORMAT, Location

Floats = npt.NDArray[np.float64]

_NUMBER = r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"
# A period column, by its text: the kind a `table:` mapping reads it as.
_PERIOD_TEXT = (
    ("year", r"^[12][0-9]{3}$"),
    ("month", r"^[12][0-9]{3}-[01][0-9](?:-01)?$"),  # 2006-01, or a month's first day
    ("date", r"^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$"),
)
_PERIOD_NAMES = ("year", "month", "date", "period", "time", "quarter")


@dataclass(frozen=True)
class WideTable:
    """The numbers of a wide table: ``values`` is rows × series (NaN where a cell is
    empty), ``half`` each series' half printed unit (its rounding radius)."""

    name: str  # what the table is called: the drop's id or the file's stem
    publisher: str | None
    period_kind: str
    period_column: str
    periods: tuple[str, ...]  # each row's period as printed
    series: tuple[str, ...]
    decimals: tuple[int, ...]
    values: Floats
    ignored: tuple[str, ...]  # the columns that are neither period nor series
    # Periods printed on more than one row (a break in coverage): their rows are NaN in
    # ``values``, as validate leaves duplicate figures out of every rule.
    repeated: tuple[str, ...] = ()

    @property
    def half(self) -> Floats:
        return 0.5 * 10.0 ** -np.asarray(self.decimals, dtype=np.float64)

    def precision(self, j: int) -> float:
        return float(10.0 ** -self.decimals[j]) if self.decimals[j] else 1.0


def read_table(data: Any) -> WideTable:
    """A drop folder, a CSV/Parquet/JSON file, or a pandas/polars DataFrame."""
    if isinstance(data, str | Path):
        path = Path(data)
        if path.is_dir():
            return _from_drop(path)
        return wide_table(_read_file(path), path.stem, None, str(path))
    frame = nw.from_native(data, eager_only=True)
    text = frame.select(nw.col(c).cast(nw.String) for c in frame.columns)
    return wide_table(text, "table", None, "<frame>")


def _from_drop(folder: Path) -> WideTable:
    from statcheck.drops.manifest import read_drop
    from statcheck.drops.reader import read_drop_file

    drop = read_drop(folder)
    spec = drop.file("figures")
    assert spec is not None  # a manifest without a figures file is refused when read
    frame = read_drop_file(drop.folder / spec.path, spec, "polars")
    return wide_table(frame, drop.id, drop.publisher, str(drop.folder / spec.path))


def _read_file(path: Path) -> nw.DataFrame[Any]:
    from statcheck.drops import manifest
    from statcheck.drops.reader import read_drop_file

    fmt = manifest.SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UNSUPPORTED_FORMAT(
            f"{path.name!r}: {path.suffix!r} names no format suggest reads",
            location=Location(file=str(path)),
            hint=f"formats: {', '.join(manifest.FORMATS)}",
        )
    spec = manifest.DropFile(path=str(path), role="figures", sha256=None, format=fmt)
    return read_drop_file(path, spec, "polars")


def wide_table(frame: nw.DataFrame[Any], name: str, publisher: str | None, file: str) -> WideTable:
    """The period column and the series of a frame of text cells."""
    columns = frame.columns
    kind, period = _period_column(frame, file)
    cleaned = frame.select(
        nw.col(c).str.strip_chars().str.replace_all(",", "", literal=True).alias(c) for c in columns
    )
    stats = cleaned.select(
        *(_filled(c).sum().alias(f"filled:{c}") for c in columns),
        *(_numeric(c).sum().alias(f"numeric:{c}") for c in columns),
        *(_decimals(c).max().alias(f"decimals:{c}") for c in columns),
    ).row(0)
    n = len(columns)
    filled, numeric, decimals = stats[:n], stats[n : 2 * n], stats[2 * n :]
    series = [
        (c, int(d or 0))
        for c, f, k, d in zip(columns, filled, numeric, decimals, strict=True)
        # a column filled on fewer than half the rows is notes or markers, not a series
        if c != period and f == k and 2 * f >= len(frame)
    ]
    if not series:
        raise MISSING_COLUMN(
            "no numeric column to suggest rules for",
            location=Location(file=file),
            hint=f"the columns: {', '.join(columns)}",
        )
    names = [c for c, _ in series]
    values = cleaned.select(
        nw.when(_numeric(c)).then(nw.col(c)).otherwise(None).cast(nw.Float64) for c in names
    ).to_numpy()
    periods = [str(p).strip() for p in frame.get_column(period).cast(nw.String).to_list()]
    matrix = np.asarray(values, dtype=np.float64)
    labels = np.asarray(periods, dtype=object)
    unique, counts = np.unique(labels, return_counts=True)
    repeated = unique[counts > 1]
    matrix[np.isin(labels, repeated)] = np.nan
    return WideTable(
        name=name,
        publisher=publisher,
        period_kind=kind,
        period_column=period,
        periods=tuple(periods),
        series=tuple(names),
        decimals=tuple(d for _, d in series),
        values=matrix,
        ignored=tuple(c for c in columns if c != period and c not in names),
        repeated=tuple(str(r) for r in repeated),
    )


def _filled(column: str) -> nw.Expr:
    return (nw.col(column).str.len_chars() > 0).fill_null(False)


def _numeric(column: str) -> nw.Expr:
    return _filled(column) & nw.col(column).str.contains(_NUMBER)


def _decimals(column: str) -> nw.Expr:
    """The decimals a number cell prints (0 for a whole number)."""
    has_point = _numeric(column) & nw.col(column).str.contains(".", literal=True)
    after = nw.col(column).str.replace(r"^[^.]*\.", "").str.len_chars()
    return nw.when(has_point).then(after).otherwise(0)


def _period_column(frame: nw.DataFrame[Any], file: str) -> tuple[str, str]:
    """(kind, column) of the table's period: the first column whose every cell reads as a
    year, a month or a date, a column so named first."""
    columns = sorted(
        frame.columns, key=lambda c: c.strip().lower() not in _PERIOD_NAMES
    )  # named ones first, each group in the table's order (sorted is stable)
    for column in columns:
        text = nw.col(column).cast(nw.String).str.strip_chars()
        for kind, pattern in _PERIOD_TEXT:
            if frame.select(text.str.contains(pattern).fill_null(False).all()).item():
                return kind, column
    raise MISSING_COLUMN(
        "no period column: suggest reads a wide table with one column of years, months or dates",
        location=Location(file=file),
        hint=f"the columns: {', '.join(frame.columns)}",
    )
