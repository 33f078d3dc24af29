"""A publisher's wide table as suggest reads it: the period column, and each numeric
column as a series of values with the precision it is printed to.

Cells are read as text (a drop's CSV as the checking layer reads it) and parsed by
column expressions: a cell is a number when, spaces and thousands commas removed, it
is digits with at most one decimal point; a column is a series when every non-empty
cell is a number and at least half its cells are filled (a column of footnote marks
is not a series). Its precision is its last printed decimal: the decimals most of its
cells print (4420 beside 5840.4 is 4420.0 with its trailing zero dropped, and 165.85
among figures printed to one decimal is one more precise figure, not the column's
precision).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import narwhals as nw
import numpy as np
import numpy.typing as npt

from statcheck.errors import (
    EMPTY_FILE,
    FILE_MISSING,
    MISSING_COLUMN,
    UNSUPPORTED_FORMAT,
    UNSUPPORTED_INPUT,
    Location,
)
from statcheck.model.value import GROUP_SPACES, MINUS_SIGNS

Floats = npt.NDArray[np.float64]

_NUMBER = r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"
# A number whose thousands are set apart by spaces: 45 939, 1 234 567.5, 61 234%.
_SPACE_GROUPED = rf"^[-+]?[0-9]{{1,3}}(?:[{GROUP_SPACES} ][0-9]{{3}})+(?:\.[0-9]*)?%?$"
# A period column, by its text: the kind a `table:` mapping reads it as.
_PERIOD_TEXT = (
    ("year", r"^[12][0-9]{3}$"),
    ("month", r"^[12][0-9]{3}-[01][0-9](?:-01)?$"),  # 2006-01, or a month's first day
    ("date", r"^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$"),
    # years among months or quarters (a year and its months, each on its own row)
    ("label", r"^[12][0-9]{3}(?:-[01][0-9]|-Q[1-4])?$"),
)
# What publishers print for a figure they do not give: a cell holding one is no figure
# (and the mapping's `missing_values` says so), not text that makes a column no series.
MARKERS = ("NA", "N/A", "n/a", "NaN", "..", "...", "-", "–", "—", "(NA)", "(D)", "(X)", "x")
_PERIOD_NAMES = ("year", "month", "date", "period", "time", "quarter")


@dataclass(frozen=True)
class WideTable:
    """The numbers of a wide table: ``values`` is rows × series (NaN where a cell is
    empty), ``half`` each series' half printed unit (its rounding radius)."""

    name: str  # what the table is called: the drop's id or the file's stem
    publisher: str | None
    period_kind: str
    period_column: str
    period_year_column: str | None  # a quarter or month printed beside its year
    periods: tuple[str, ...]  # each row's period as printed
    series: tuple[str, ...]
    decimals: tuple[int, ...]
    values: Floats
    ignored: tuple[str, ...]  # the columns that are neither period nor series
    # Periods printed on more than one row (a break in coverage): their rows are NaN in
    # ``values``, as validate leaves duplicate figures out of every rule.
    repeated: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()  # the MARKERS the series print for no figure
    percent: tuple[bool, ...] = ()  # whether each series prints a % sign (its unit is percent)
    # Why the first few ``ignored`` columns are no series: the first cell no number, or
    # how few rows the column fills (``column (row 2: '6,662(r)' is ...)``).
    ignored_because: tuple[str, ...] = ()

    def prints_percent(self, series: int) -> bool:
        return series < len(self.percent) and self.percent[series]

    @property
    def half(self) -> Floats:
        return 0.5 * 10.0 ** -np.asarray(self.decimals, dtype=np.float64)

    @property
    def magnitude(self) -> Floats:
        """Each series' median absolute value (0 for one never printed)."""
        absolute = np.abs(self.values)
        filled = ~np.isnan(absolute)
        ordered = np.sort(np.where(filled, absolute, np.inf), axis=0)
        middle = np.maximum(filled.sum(axis=0) - 1, 0) // 2
        median = ordered[middle, np.arange(absolute.shape[1])]
        return np.where(filled.any(axis=0), median, 0.0)

    def precision(self, j: int) -> float:
        return float(10.0 ** -self.decimals[j]) if self.decimals[j] else 1.0


def read_table(data: Any) -> WideTable:
    """A drop folder, a CSV/Parquet/JSON file, or a pandas/polars DataFrame."""
    return wide_table(*read_text(data))


def read_text(data: Any) -> tuple[nw.DataFrame[Any], str, str | None, str]:
    """(the table's cells as text, its name, its publisher, the file it came from)."""
    if isinstance(data, str | Path):
        path = Path(data)
        if path.is_dir():
            return _from_drop(path)
        return _read_file(path), path.stem, None, str(path)
    from statcheck.checking import frame_library, text_frame_on

    if frame_library(data) not in ("pandas", "polars"):
        raise UNSUPPORTED_INPUT(
            f"cannot suggest a suite for a {type(data).__name__}: give a drop folder, a CSV, "
            "Parquet or JSON file, or a pandas or polars DataFrame",
        )
    # Read as validate reads a frame (its odd columns refused by name), then parsed on
    # polars whatever the frame's library: one parse, the same numbers.
    frame = text_frame_on(data, "polars")
    text = frame.select(nw.col(c).cast(nw.String) for c in frame.columns)
    return text, "table", None, "<frame>"


def _from_drop(folder: Path) -> tuple[nw.DataFrame[Any], str, str | None, str]:
    from statcheck.drops.manifest import read_drop
    from statcheck.drops.reader import read_drop_file

    drop = read_drop(folder)
    spec = drop.file("figures")
    assert spec is not None  # a manifest without a figures file is refused when read
    path = drop.folder / spec.path
    frame = read_drop_file(path, spec, "polars", columns=_named_columns(path, spec))
    return frame, drop.id, drop.publisher, str(path)


def _read_file(path: Path) -> nw.DataFrame[Any]:
    from statcheck.drops import manifest
    from statcheck.drops.reader import read_alone, read_drop_file

    fmt = manifest.SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UNSUPPORTED_FORMAT(
            f"{path.name!r}: {path.suffix!r} names no format suggest reads",
            location=Location(file=str(path)),
            hint=f"formats: {', '.join(manifest.FORMATS)}",
        )
    if not path.is_file():  # as validate says of a bare figures file that is not there
        raise FILE_MISSING(
            f"the figures file {str(path)!r} does not exist", location=Location(file=str(path))
        )
    spec = manifest.DropFile(path=str(path), role="figures", sha256=None, format=fmt)
    with read_alone():
        return read_drop_file(path, spec, "polars", columns=_named_columns(path, spec))


def _named_columns(path: Path, spec: Any) -> list[str] | None:
    """A CSV's named columns when its header leaves one blank (R's row names, written
    with a blank name): those are read, the unnamed one is not a series. None: all."""
    names = _header(path, spec)
    named = [n.strip() for n in names if n.strip()]
    return named if named and len(named) < len(names) else None


def _header(path: Path, spec: Any) -> list[str]:
    """A CSV's header row as the csv module reads it; [] for no CSV, or one it cannot
    read (the reader reports the problem, with its location)."""
    if spec.format != "csv" or spec.database is not None or not path.is_file():
        return []
    encoding = "utf-8-sig" if spec.encoding.lower().replace("_", "-") == "utf-8" else spec.encoding
    try:
        with path.open(encoding=encoding, newline="") as fh:
            for _ in range(spec.header - 1):
                fh.readline()
            return next(csv.reader(fh, delimiter=spec.delimiter), [])
    except (OSError, UnicodeError, LookupError, csv.Error):
        return []


def wide_table(frame: nw.DataFrame[Any], name: str, publisher: str | None, file: str) -> WideTable:
    """The period column and the series of a frame of text cells."""
    columns = frame.columns
    if len(frame) == 0:
        raise EMPTY_FILE(
            "the table names its columns but holds no rows", location=Location(file=file)
        )
    kind, period = _period_column(frame, file)
    year_column = None
    if kind == "year":  # a quarter or month column beside the year: {year: Y, quarter: Q}
        year_column, kind, period = _within_year(frame, period)
    in_period = {period, year_column}
    stripped = frame.select(nw.col(c).str.strip_chars() for c in columns)
    seen = stripped.select(
        nw.any_horizontal(*(nw.col(c) == m for c in columns), ignore_nulls=True).any().alias(m)
        for m in MARKERS
    ).row(0)
    markers = tuple(m for m, found in zip(MARKERS, seen, strict=True) if found)
    cleaned = stripped.select(
        nw.when(~nw.col(c).is_in(markers)).then(_plain_number(c)).alias(c) for c in columns
    )
    stats = cleaned.select(
        *(_filled(c).sum().alias(f"filled:{c}") for c in columns),
        *(_numeric(c).sum().alias(f"numeric:{c}") for c in columns),
    ).row(0)
    n = len(columns)
    filled, numeric = stats[:n], stats[n : 2 * n]
    names = [
        c
        for c, f, k in zip(columns, filled, numeric, strict=True)
        # a column filled on fewer than half the rows is notes or markers, not a series
        if c not in in_period and f == k and 2 * f >= len(frame)
    ]
    ignored = tuple(c for c in columns if c not in in_period and c not in names)
    filled_in = dict(zip(columns, filled, strict=True))
    if not names:
        raise MISSING_COLUMN(
            "no numeric column to suggest rules for",
            location=Location(file=file),
            hint=f"the columns: {', '.join(columns)}",
        )
    percent = stripped.select(
        nw.col(c).str.ends_with("%").fill_null(False).any().alias(c) for c in names
    ).row(0)
    decimals = _usual_decimals(
        cleaned.select(nw.when(_numeric(c)).then(_decimals(c)) for c in names).to_numpy()
    )
    values = cleaned.select(
        nw.when(_numeric(c)).then(nw.col(c)).otherwise(None).cast(nw.Float64) for c in names
    ).to_numpy()
    label = nw.col(period).cast(nw.String).str.strip_chars()
    if year_column is not None:  # `1959` and `1` beside it: 1959-Q1 (or 2006-01)
        within = nw.concat_str([nw.lit("Q"), label]) if kind == "quarter" else label.str.zfill(2)
        year = nw.col(year_column).cast(nw.String).str.strip_chars()
        label = nw.concat_str([year, nw.lit("-"), within])
    periods = frame.select(label.fill_null("").alias("_period")).get_column("_period").to_list()
    matrix = np.array(values, dtype=np.float64)  # a copy: repeated periods are blanked
    labels = np.asarray(periods, dtype=object)
    unique, counts = np.unique(labels, return_counts=True)
    repeated = unique[counts > 1]
    matrix[np.isin(labels, repeated)] = np.nan
    return WideTable(
        name=name,
        publisher=publisher,
        period_kind=kind,
        period_column=period,
        period_year_column=year_column,
        periods=tuple(periods),
        series=tuple(names),
        decimals=decimals,
        values=matrix,
        ignored=ignored,
        repeated=tuple(str(r) for r in repeated),
        markers=markers,
        percent=tuple(bool(p) for p in percent),
        ignored_because=_why_no_series(cleaned, stripped, ignored[:_EXPLAINED], filled_in),
    )


_EXPLAINED = 5  # the ignored columns whose reason a note gives (a wide table has many)


def _why_no_series(
    cleaned: nw.DataFrame[Any],
    stripped: nw.DataFrame[Any],
    columns: tuple[str, ...],
    filled: dict[str, int],
) -> tuple[str, ...]:
    """Why each of ``columns`` is no series, as validate would tell it: its first cell
    that is no number (a footnote mark, a number in parentheses, text), or how few of
    the rows it fills. Rows as validate counts them (the header is row 1)."""
    rows = len(cleaned)
    out = []
    for c in columns:
        if 2 * filled[c] < rows:
            out.append(f"{c} (filled on {filled[c]:,} of {rows:,} rows)")
            continue
        both = cleaned.select(nw.col(c).alias("_clean")).with_columns(
            stripped.get_column(c).alias("_cell")
        )
        odd = (
            both.with_row_index("_at")
            .filter(_filled("_clean") & ~_numeric("_clean"))
            .select((nw.col("_at") + 2).alias("_row"), "_cell")
            .head(1)
            .rows()
        )
        out.append(f"{c} (row {odd[0][0]}: {_no_number(odd[0][1])})" if odd else c)
    return tuple(out)


_QUOTED = 40  # the longest cell a note quotes whole


def _no_number(cell: str) -> str:
    """Why a cell is no number, in validate's words (``'6,662(r)' is the number '6,662'
    followed by '(r)', a footnote mark``), without its advice; a long cell (text, not a
    number with a mark) quoted by its start."""
    from statcheck.errors import StatcheckError
    from statcheck.model.value import parse_value

    if len(cell) > _QUOTED:
        return f"{cell[:_QUOTED]!r}... ({len(cell):,} characters) is text, not a number"
    try:
        parse_value(cell)
    except StatcheckError as exc:
        return str(exc).split(";")[0]
    return f"{cell!r} is no plain number"  # a qualifier or a scale word: validate reads it


def _plain_number(column: str) -> nw.Expr:
    """A cell as the plain number it prints, as validate reads it: thousands commas, and
    spaces (no-break and thin ones too) between groups of three digits, gone; a Unicode
    minus as ``-``; a trailing % sign dropped (the series' unit says it)."""
    cell = nw.col(column).str.replace_all(f"[{MINUS_SIGNS}]", "-")
    grouped = cell.str.contains(_SPACE_GROUPED).fill_null(False)
    cell = nw.when(grouped).then(cell.str.replace_all(f"[{GROUP_SPACES} ]", "")).otherwise(cell)
    return cell.str.replace_all(",", "", literal=True).str.replace(r"%$", "")


def _filled(column: str) -> nw.Expr:
    return (nw.col(column).str.len_chars() > 0).fill_null(False)


def _numeric(column: str) -> nw.Expr:
    return _filled(column) & nw.col(column).str.contains(_NUMBER)


def _usual_decimals(decimals: npt.NDArray[Any]) -> tuple[int, ...]:
    """Each column's precision: the decimals most of its number cells print (rows ×
    columns, NaN where a cell is no number)."""
    counts = [
        np.bincount(column[~np.isnan(column)].astype(np.int64), minlength=1)
        for column in np.asarray(decimals, dtype=np.float64).T
    ]
    return tuple(int(np.argmax(c)) for c in counts)


def _decimals(column: str) -> nw.Expr:
    """The decimals a number cell prints (0 for a whole number)."""
    has_point = _numeric(column) & nw.col(column).str.contains(".", literal=True)
    after = nw.col(column).str.replace(r"^[^.]*\.", "").str.len_chars()
    return nw.when(has_point).then(after).otherwise(0)


def _within_year(frame: nw.DataFrame[Any], year: str) -> tuple[str | None, str, str]:
    """(year column, kind, column): a column named quarter (1 to 4) or month (1 to 12)
    beside the year makes the period that quarter or month of the year."""
    for column in frame.columns:
        kind = column.strip().lower()
        pattern = {"quarter": r"^[1-4]$", "month": r"^(?:[1-9]|1[0-2])$"}.get(kind)
        text = nw.col(column).cast(nw.String).str.strip_chars()
        if pattern and frame.select(text.str.contains(pattern).fill_null(False).all()).item():
            return year, kind, column
    return None, "year", year


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
        "no period column: suggest reads a wide table with one column of years, months or dates"
        + (_why_no_period(frame, columns) or _unnamed(file)),
        location=Location(file=file),
        hint=f"the columns: {', '.join(repr(c) if not c.strip() else c for c in frame.columns)}",
    )


def _unnamed(file: str) -> str:
    """Where a CSV's header names no column (R writes its row names so, often the years):
    such a column is not read."""
    from statcheck.drops.manifest import DropFile

    path = Path(file)
    if path.suffix.lower() != ".csv":
        return ""
    names = _header(path, DropFile(path=file, role="figures", sha256=None))
    blank = [str(i) for i, n in enumerate(names, start=1) if not n.strip()]
    if not blank:
        return ""
    return (
        f"; column {', '.join(blank)} of the header has no name, and is not read (R writes its "
        "row names so): name it (`year`) if it holds the periods"
    )


def _why_no_period(frame: nw.DataFrame[Any], columns: list[str]) -> str:
    """What keeps the likeliest column (one named as a period, or the first) from being
    the period: the cells that read as no period where most cells do (a totals row, a
    footnote mark, notes below the table), or its first cells. Rows as validate counts
    them (the header is row 1)."""
    best: tuple[float, str, str] | None = None
    named = [c for c in columns if c.strip().lower() in _PERIOD_NAMES]
    for column in [*named, frame.columns[0]]:  # where a period is looked for first
        text = nw.col(column).cast(nw.String).str.strip_chars()
        for _, pattern in _PERIOD_TEXT:
            share = frame.select(text.str.contains(pattern).fill_null(False).mean()).item()
            if share >= 0.5 and (best is None or share > best[0]):
                best = (share, column, pattern)
    if best is None and not named:
        return ""
    column, pattern = (best[1], best[2]) if best else (named[0], "^$")
    text = nw.col(column).cast(nw.String).str.strip_chars()
    odd = (
        frame.with_row_index("_at")
        .filter(~text.str.contains(pattern).fill_null(False))
        .select((nw.col("_at") + 2).alias("_row"), text.alias("_cell"))
        .head(3)
        .rows()
    )
    cells = ", ".join(f"row {row}: {cell!r}" for row, cell in odd)
    if best is None:
        return (
            f"; {column!r} holds neither years (four digits), months (2006-01) nor dates ({cells})"
        )
    return (
        f"; {column!r} would be one, but some rows hold no period ({cells}): a totals row, "
        "a footnote mark or notes below the table (a drop's drop.yml skips lines below the "
        "table with `footer:`)"
    )
