"""Writing an adjustment as a drop: ``statcheck adjust --out DIR``.

The adjusted drop is the input drop copied into ``DIR`` (its manifest and every file it
lists, nothing else read or written), with each changed figure's cell rewritten in the
figures file, the manifest's checksums brought up to date and its ``id`` marked
``-adjusted``, and the changes as a table (``adjustments.csv``, a file the manifest does
not list, so statcheck never reads it as data). Only the changed cells are rewritten:
every other byte of the figures file is the publisher's.

A new value is printed rounded to the figure's own precision (in the file's scale): the
interval of the rounded value then holds the exact new value, so every linear rule that
holds with the exact values holds with the printed ones. A figure with no rounding (an
exact figure) is printed with every digit it needs.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statcheck.errors import ADJUST_REFUSED, Location

if TYPE_CHECKING:
    from statcheck.contract.suite import Suite
    from statcheck.drops.manifest import Drop, DropFile
    from statcheck.localisation._adjust import Adjustment
    from statcheck.prepare import ParsedFigureTable

CHANGES_FILE = "adjustments.csv"
ADJUSTED_SUFFIX = "-adjusted"
_REWRITTEN_FORMATS = ("csv", "parquet")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# A written file's mode, as a file opened for writing gets (mkstemp's are private: 0600).
_FILE_MODE = 0o666 & ~_umask()


@dataclass(frozen=True)
class Cell:
    """Where a figure is printed: the figures file's row (the header is row 1) and column,
    as printed, and the scale and precision (in the figure's units; 0: exact) to print a
    new value with."""

    figure_id: str
    row: int
    column: str
    printed: str
    scale: float
    precision: float

    def text(self, new: float, decimal: str = ".") -> str:
        """``new`` (in the figure's units) as the file prints it: in its scale, rounded
        to its precision, whose interval then holds ``new`` itself."""
        x = new / self.scale
        unit = self.precision / self.scale
        if unit > 0 and math.isfinite(unit):
            decimals = max(0, -math.floor(math.log10(unit) + 1e-9))
            out = f"{round(x / unit) * unit:.{decimals}f}"
        elif x.is_integer() and abs(x) < 2**53:
            out = str(int(x))
        else:
            out = repr(x)
        return out.replace(".", decimal) if decimal != "." else out


@dataclass(frozen=True)
class WrittenDrop:
    """The adjusted drop: its folder, manifest, figures file and the changes table."""

    folder: Path
    manifest: Path
    figures: Path
    changes: Path


def cells_of(figures: ParsedFigureTable, suite: Suite, ids: list[str]) -> dict[str, Cell]:
    """The cells of the figures ``ids``, in one filter of the figure table."""
    import narwhals as nw

    if not ids:
        return {}
    frame: Any = figures.frame.filter(nw.col("figure_id").is_in(ids))
    have = set(frame.columns)
    frame = frame.select(
        "figure_id", "_row", "metric", "value_text",
        *(nw.col(c) if c in have else nw.lit(None).alias(c) for c in ("scale", "precision")),
    )  # fmt: skip
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    column_of = _columns(suite)
    out = {}
    for figure_id, row, metric, printed, scale, precision in frame.rows():
        out[str(figure_id)] = Cell(
            str(figure_id),
            int(row),
            column_of.get(str(metric), column_of[""]),
            "" if printed is None else str(printed),
            float(scale or 1.0),
            float(precision or 0.0),
        )
    return out


def _columns(suite: Suite) -> dict[str, str]:
    """The column each metric is printed in ("" for any other): a series' own column,
    a long table's value column, or a figure table's ``value``."""
    table = suite.table
    if table is None:
        return {"": "value"}
    return {"": table.value or "value", **{s.metric: s.column for s in table.series}}


def write_adjusted(adjustment: Adjustment, out: str | Path, *, force: bool = False) -> WrittenDrop:
    """Write ``adjustment`` (of a drop folder) as a drop in ``out``: refused when ``out``
    holds files already, unless ``force`` (then the files written replace theirs and any
    other file is left as it is)."""
    from statcheck.drops.manifest import MANIFEST, read_drop

    if adjustment.report.errors:
        first = adjustment.report.errors[0]
        raise ADJUST_REFUSED(
            f"the data could not be read, so nothing was adjusted: [{first.slug}] {first.message}",
            hint="fix what the report's error says, then adjust again",
        )
    if adjustment.drop_folder is None:
        raise ADJUST_REFUSED(
            "adjust --out writes a drop, and the data adjusted is not a drop folder",
            hint="give a drop folder (with its drop.yml); `statcheck init` writes one",
        )
    source = Path(adjustment.drop_folder)
    drop = read_drop(source)  # ready, as when it was read: checksums match
    spec = drop.file("figures")
    assert spec is not None  # read_drop guarantees a figures file
    _refuse_unwritable(spec, drop, bool(adjustment.changes))
    folder = _prepared(Path(out), source, force)
    for f in drop.files:
        if not f.on_server and f is not spec:
            _copy(source / f.path, _inside(folder, f.path))
    figures = _inside(folder, spec.path)
    new = {c.figure_id: c.new for c in adjustment.changes}
    cells = [(cell, cell.text(new[cell.figure_id], spec.decimal)) for cell in adjustment.cells]
    _write_figures(source / spec.path, spec, cells, figures)
    manifest = _inside(folder, MANIFEST)
    _write_manifest(source / MANIFEST, manifest, drop.id)
    changes = _inside(folder, CHANGES_FILE)
    _atomic(changes, _changes_csv(adjustment).encode("utf-8"))
    return WrittenDrop(folder, manifest, figures, changes)


def _refuse_unwritable(spec: DropFile, drop: Drop, changed: bool) -> None:
    if spec.database is not None or (changed and spec.format not in _REWRITTEN_FORMATS):
        what = f"a {spec.database} table" if spec.database else f"a {spec.format} file"
        raise ADJUST_REFUSED(
            f"the figures of {drop.id!r} are {what}: adjust --out rewrites CSV and Parquet "
            "files only",
            location=Location(file=str(drop.folder / spec.path) if spec.path else None),
            hint="run adjust without --out (or with --json) for the changes as a table",
        )


def _prepared(out: Path, source: Path, force: bool) -> Path:
    """``out``, created: refused when it is the drop or inside it, when it is a file, or
    when it holds anything and ``force`` is not given."""
    from statcheck.checking import refuse_output_on_inputs

    refuse_output_on_inputs(out, [source])
    if out.exists() and not out.is_dir():
        raise ADJUST_REFUSED(
            f"{str(out)!r} is a file, not a folder", location=Location(file=str(out))
        )
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ADJUST_REFUSED(
            f"{str(out)!r} holds files already: adjust --out never writes over them unasked",
            location=Location(file=str(out)),
            hint="give an empty or new folder, or --force to replace the files it writes",
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def _inside(folder: Path, relative: str) -> Path:
    """``folder / relative``, refused when links or ``..`` would take it outside."""
    path = folder / relative
    if not path.parent.resolve().is_relative_to(folder.resolve()):
        raise ADJUST_REFUSED(
            f"{relative!r} would be written outside {str(folder)!r}",
            location=Location(file=str(path)),
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it: a link at ``path``
    is replaced, never followed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".statcheck-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _copy(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".statcheck-", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_figures(
    source: Path, spec: DropFile, cells: list[tuple[Cell, str]], target: Path
) -> None:
    if not cells:
        _copy(source, target)
    elif spec.format == "csv":
        _atomic(target, _rewritten_csv(source, spec, cells))
    else:
        _write_parquet(source, spec, cells, target)


def _rewritten_csv(source: Path, spec: DropFile, cells: list[tuple[Cell, str]]) -> bytes:
    """The CSV file with each cell's text replaced; every other line as it was (only the
    changed lines are parsed and written again, with the file's delimiter)."""
    raw = source.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8) and codecs.lookup(spec.encoding).name == "utf-8"
    text = raw.decode("utf-8-sig" if bom else spec.encoding)
    lines = io.StringIO(text, newline="").readlines()
    header = [h.strip() for h in _fields(lines[spec.header - 1], spec)]
    for cell, new in cells:
        at = cell.row - 1
        fields = _fields(lines[at], spec) if at < len(lines) else []
        col = header.index(cell.column) if cell.column in header else -1
        if col < 0 or col >= len(fields) or not _same(fields[col], cell.printed, spec):
            raise ADJUST_REFUSED(
                f"row {cell.row} of {source.name!r} does not hold {cell.figure_id!r} as it "
                f"was read ({cell.printed!r} in column {cell.column!r})",
                location=Location(file=str(source), row=cell.row, column=cell.column),
                hint="a cell with a line break inside shifts the lines; save the file without them",
            )
        fields[col] = new
        ending = lines[at][len(lines[at].rstrip("\r\n")) :]
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=spec.delimiter, lineterminator=ending).writerow(fields)
        lines[at] = buffer.getvalue()
    data = "".join(lines).encode(spec.encoding)
    return codecs.BOM_UTF8 + data if bom else data


def _fields(line: str, spec: DropFile) -> list[str]:
    return next(csv.reader([line.rstrip("\r\n")], delimiter=spec.delimiter), [])


def _same(cell: str, printed: str, spec: DropFile) -> bool:
    """The cell holds the value as it was read (spaces and thousands separators aside)."""

    def bare(s: str) -> str:
        thousands = "." if spec.decimal == "," else ","
        return s.strip().replace(thousands, "").replace(" ", "").replace("\u00a0", "")

    return bare(cell) == bare(printed)


def _write_parquet(
    source: Path, spec: DropFile, cells: list[tuple[Cell, str]], target: Path
) -> None:
    """The Parquet file with the changed cells set: typed numbers as numbers, text as
    text; rows are numbered from 2 (the header is row 1)."""
    import polars as pl

    frame = pl.read_parquet(source)
    for column in {cell.column for cell, _ in cells}:
        mine = [(cell.row - 2, new) for cell, new in cells if cell.column == column]
        rows = pl.DataFrame(
            {"_at": [r for r, _ in mine], "_new": [n for _, n in mine]},
            schema={"_at": pl.UInt32, "_new": pl.String},
        )
        typed = frame.schema[column].is_numeric()
        new = pl.col("_new").str.replace(",", ".").cast(pl.Float64) if typed else pl.col("_new")
        base = pl.col(column).cast(pl.Float64) if typed else pl.col(column)
        frame = (
            frame.with_row_index("_at")
            .join(rows, on="_at", how="left")
            .with_columns(pl.when(pl.col("_new").is_null()).then(base).otherwise(new).alias(column))
            .drop("_at", "_new")
        )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    _atomic(target, buffer.getvalue())


def _write_manifest(source: Path, target: Path, drop_id: str) -> None:
    """The manifest with its ``id`` marked as adjusted, then its checksums made current
    (``statcheck init --refresh``, which edits only their lines)."""
    import json
    import re

    from statcheck.drops.describe import init_drop

    text = source.read_text(encoding="utf-8-sig")
    new_id = json.dumps(drop_id + ADJUSTED_SUFFIX)  # a YAML double-quoted string
    text = re.sub(r"(?m)^(id\s*:\s*).*$", lambda m: m.group(1) + new_id, text, count=1)
    _atomic(target, text.encode("utf-8"))
    init_drop(target.parent, refresh=True)


def _changes_csv(adjustment: Adjustment) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["figure", "old", "new", "printed", "rules"])
    for c in adjustment.changes:
        writer.writerow([c.figure_id, repr(c.old), repr(c.new), c.printed or "", ";".join(c.rules)])
    return buffer.getvalue()
