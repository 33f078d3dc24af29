"""Inputs of a check: a drop, a figures file or a DataFrame, read into one ``Inputs``.

Every form goes the same way: read the figures (with the suite's ``table:`` mapping when
it has one), build the canonical figure table, count where the rows went, read the
sources, then move the figure table to the engine the rules run on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statcheck.checking._engines import check_engine, on_engine, reading_library
from statcheck.errors import FILE_MISSING, UNSUPPORTED_FORMAT, UNSUPPORTED_INPUT, Location
from statcheck.model.value import ValueReading
from statcheck.report import RowCount

if TYPE_CHECKING:
    import narwhals as nw

    from statcheck.contract.mapping import TableMapping
    from statcheck.drops.manifest import Drop, DropFile, FileStamp
    from statcheck.prepare import ParsedFigureTable as FigureTable

FRAME_ID = "<frame>"  # the drop id a report on a DataFrame carries
MAPPING_SOURCE = "the suite's table mapping"  # what messages call sources a mapping gives


@dataclass(frozen=True)
class Inputs:
    """What a check runs on: the canonical figure table (on the engine's library), the
    source table if there is one, where the figures' rows went, and the drop as a report
    names it."""

    figures: FigureTable
    sources: nw.DataFrame[Any] | None
    rows: RowCount
    drop: dict[str, Any]

    @property
    def drop_id(self) -> str:
        return str(self.drop["id"])


@dataclass(frozen=True)
class _Figures:
    """A figures table as read, before it becomes the canonical table."""

    raw: nw.DataFrame[Any]
    read: int  # data rows read
    cells: int  # value cells in them (more than rows for a wide table)
    reasons: tuple[tuple[str, int], ...] = ()  # cells that are no figure, by reason
    mapped_source: nw.DataFrame[Any] | None = None  # sources a table mapping declares
    marked: nw.DataFrame[Any] | None = None  # cells a table mapping marks as no figure


def row_count(
    figures: FigureTable, read: int, cells: int, reasons: tuple[tuple[str, int], ...] = ()
) -> RowCount:
    """Where the ``read`` rows of a figures table went: ``cells`` value cells (one per row,
    or per row and series of a wide table), the figures made of them, and the cells that
    are no figure, by reason."""
    import narwhals as nw

    return RowCount(
        read=read,
        cells=cells,
        figures=len(figures.frame),
        duplicates=int(figures.frame.select(nw.col("_duplicate").sum()).item() or 0),
        reasons=reasons,
    )


def _mapped(raw: nw.DataFrame[Any], mapping: TableMapping | None, name: str | None) -> _Figures:
    """The figures of a table as read: through the suite's mapping, or as they are (one
    value cell per row, and every row a figure or an error)."""
    if mapping is None:
        return _Figures(raw, len(raw), len(raw))
    from statcheck.prepare import map_table

    mapped = map_table(raw, mapping, name)
    return _Figures(
        mapped.figures, len(raw), mapped.cells, mapped.reasons, mapped.source, mapped.marked
    )


# ---------------------------------------------------------------- a drop


def drop_inputs(
    drop: Drop,
    mapping: TableMapping | None,
    engine: str,
    database_url: str | None = None,
    values: ValueReading = ValueReading.TABLE,
) -> Inputs:
    """A drop that passed the readiness check, read for ``engine``. ``database_url``: the
    server the drop's PostgreSQL entries read instead of their manifest's ``url``;
    ``values``: how printed numbers are read (the suite's ``values:``)."""
    figures, sources, rows = _read_drop_tables(drop, mapping, engine, database_url, values)
    return Inputs(figures, sources, rows, drop.to_report(database_url))


def _read_drop_tables(
    drop: Drop,
    mapping: TableMapping | None,
    engine: str,
    database_url: str | None,
    values: ValueReading = ValueReading.TABLE,
) -> tuple[FigureTable, nw.DataFrame[Any] | None, RowCount]:
    """The canonical figure and source tables of a drop, and where the figures' rows went:
    read from the bytes that were hashed, or refused as not ready (checksum-mismatch)."""
    check_engine(engine)
    library = reading_library(engine)  # Spark: read and normalised on the driver
    _weigh(drop, library)
    try:
        figures, sources, rows = _parse_drop_tables(drop, mapping, library, database_url, values)
    except Exception:
        drop.verify_unchanged()  # a file written to since its hash explains any problem
        raise
    drop.verify_unchanged()
    return on_engine(figures, engine), sources, rows


def _parse_drop_tables(
    drop: Drop,
    mapping: TableMapping | None,
    library: str,
    database_url: str | None,
    values: ValueReading,
) -> tuple[FigureTable, nw.DataFrame[Any] | None, RowCount]:
    from statcheck.drops.reader import source_name, with_file_rows
    from statcheck.prepare import normalise_figures, normalise_sources, with_not_figures

    fig_spec = drop.file("figures")
    assert fig_spec is not None  # read_drop guarantees a figures file
    fig_path = drop.folder / fig_spec.path
    fig_name = source_name(fig_path, fig_spec, database_url)  # a file, or a database table
    read = _mapped(
        _read_figures_file(fig_path, fig_spec, library, mapping, database_url), mapping, fig_name
    )
    figures = normalise_figures(
        with_file_rows(read.raw, fig_spec), fig_name, fig_spec.decimal, values
    )
    if read.marked is not None:
        figures = with_not_figures(figures, with_file_rows(read.marked, fig_spec), fig_name)
    rows = row_count(figures, read.read, read.cells, read.reasons)
    sources = None
    src_spec = drop.file("sources")
    if src_spec is not None:
        src_path = drop.folder / src_spec.path
        src_raw = _read_file(src_path, src_spec, library, database_url=database_url)
        src_raw = with_file_rows(src_raw, src_spec)
        sources = normalise_sources(src_raw, source_name(src_path, src_spec, database_url))
    elif read.mapped_source is not None:
        sources = normalise_sources(read.mapped_source, MAPPING_SOURCE)
    return figures, sources, rows


def _weigh(drop: Drop, library: str) -> None:
    """Refuse, before reading anything, a drop whose files would not fit in memory. The
    library that reads them is loaded first: under an address-space limit, what it maps
    is no longer there for the data."""
    import importlib

    from statcheck.drops.budget import MemoryBudget

    importlib.import_module(library)
    files = [(drop.folder / f.path, f.format) for f in drop.files if not f.on_server]
    if files:
        MemoryBudget.from_setting().check(files)


def _read_figures_file(
    path: Path,
    spec: DropFile,
    library: str,
    mapping: TableMapping | None,
    database_url: str | None,
) -> nw.DataFrame[Any]:
    if mapping is not None:
        # Only the columns the mapping reads; typed numbers in its value columns stay
        # numbers (exact), every other typed cell becomes text.
        values = [s.column for s in mapping.series] if mapping.series else [mapping.value or ""]
        return _read_file(
            path,
            spec,
            library,
            columns=mapping.source_columns,
            keep_numbers=values,
            database_url=database_url,
        )
    from statcheck.prepare import DATE_COLUMNS, NUMERIC_COLUMNS

    # Numbers and dates of a typed file (Parquet, JSON, a database) are handed on as they are.
    return _read_file(
        path,
        spec,
        library,
        keep_numbers=NUMERIC_COLUMNS,
        keep_dates=DATE_COLUMNS,
        database_url=database_url,
    )


def _read_file(path: Path, spec: DropFile, library: str, **options: Any) -> nw.DataFrame[Any]:
    """Parse one file of a drop: the one place a check reads a table from disk."""
    from statcheck.drops.reader import read_drop_file

    return read_drop_file(path, spec, library, **options)


# ---------------------------------------------------------------- a figures file


def file_drop(path: Path, sources: Any = None) -> Drop:
    """A figures file (and a sources file, when ``sources`` is a path) outside any drop,
    described as a manifest would: each file hashed for the report."""
    from statcheck.drops.manifest import Drop

    specs = [_file_spec(path, "figures")]
    if isinstance(sources, str | os.PathLike):
        specs.append(_file_spec(Path(sources), "sources"))
    files = tuple(spec for spec, _ in specs)
    stamps = tuple((spec.path, stamp) for spec, stamp in specs)
    return Drop(folder=Path(), id=path.stem, files=files, stamps=stamps)


def file_drop_info(path: Path, drop: Drop | None = None) -> dict[str, Any]:
    """A figures file as a report names it (its files once they are hashed)."""
    info: dict[str, Any] = {"id": path.stem, "path": str(path)}
    if drop is not None:
        info["files"] = {f.path: f.sha256 for f in drop.files}
    return info


def file_inputs(
    path: Path,
    mapping: TableMapping | None,
    engine: str,
    sources: Any = None,
    *,
    drop: Drop | None = None,
    values: ValueReading = ValueReading.TABLE,
) -> Inputs:
    """A figures file read as a drop holding it would be; ``sources`` is a file or a
    DataFrame (a DataFrame replaces any sources the suite's mapping declares). ``drop``:
    the file already described by ``file_drop`` (not hashed again)."""
    drop = drop or file_drop(path, sources)
    from statcheck.drops.reader import read_alone

    with read_alone():
        figures, srcs, rows = _read_drop_tables(drop, mapping, engine, None, values)
    if sources is not None and not isinstance(sources, str | os.PathLike):
        srcs = _source_frame(sources, engine)
    return Inputs(figures, srcs, rows, file_drop_info(path, drop))


def _file_spec(path: Path, role: str) -> tuple[DropFile, FileStamp]:
    """The file described as a manifest entry, hashed; and its stamp from before the hash."""
    from statcheck.drops import manifest

    suffix = path.suffix.lower()
    fmt = manifest.SUFFIXES.get(suffix) if suffix else "csv"  # as a manifest infers it
    if fmt is None:
        raise UNSUPPORTED_FORMAT(
            f"{path.name!r}: {suffix!r} names no format this version reads",
            location=Location(file=str(path)),
            hint=f"formats: {', '.join(manifest.FORMATS)}; or list the file in a drop's "
            "drop.yml with its `format:`",
        )
    if not path.is_file():
        raise FILE_MISSING(
            f"the {role} file {str(path)!r} does not exist",
            location=Location(file=str(path)),
        )
    stamp = manifest.FileStamp.of(path)
    sha = manifest.sha256_of(path)
    return manifest.DropFile(path=str(path), role=role, sha256=sha, format=fmt), stamp


# ---------------------------------------------------------------- a DataFrame


def frame_library(data: Any) -> str | None:
    """The engine a DataFrame statcheck can check is on (``pandas``, ``polars`` or
    ``spark``), else None. Looks only at libraries already imported: never imports one
    to find out."""
    import narwhals.dependencies as nwd

    if nwd.is_narwhals_dataframe(data) or nwd.is_narwhals_lazyframe(data):
        data = data.to_native()
    if nwd.is_polars_dataframe(data) or nwd.is_polars_lazyframe(data):
        return "polars"
    if nwd.is_pandas_dataframe(data):
        return "pandas"
    if nwd.is_pyspark_dataframe(data) or nwd.is_pyspark_connect_dataframe(data):
        return "spark"
    return None


def frame_inputs(
    data: Any,
    mapping: TableMapping | None,
    engine: str | None = None,
    sources: Any = None,
    drop_id: str = FRAME_ID,
    values: ValueReading = ValueReading.TABLE,
) -> Inputs:
    """A figure table already in memory, cells as printed or already numbers; ``engine``
    by default the frame's own library. ``sources``: a file or a DataFrame."""
    from statcheck.prepare import normalise_figures, normalise_sources, with_not_figures

    engine = engine or ("spark" if frame_library(data) == "spark" else "polars")
    check_engine(engine)
    read = _mapped(text_frame_on(data, engine), mapping, None)
    figures = with_not_figures(normalise_figures(read.raw, values=values), read.marked, None)
    rows = row_count(figures, read.read, read.cells, read.reasons)  # before Spark takes it
    srcs = None
    if isinstance(sources, str | os.PathLike):
        srcs = _source_file(Path(sources), engine)
    elif sources is not None:
        srcs = _source_frame(sources, engine)
    elif read.mapped_source is not None:
        srcs = normalise_sources(read.mapped_source, MAPPING_SOURCE)
    # A frame read as it is holds the table's rows in order: its text columns may be lent.
    read_as_is = _native(data) if mapping is None else None
    return Inputs(on_engine(figures, engine, read_as_is), srcs, rows, {"id": drop_id})


def _native(frame: Any) -> Any:
    """A frame as its own library holds it (a narwhals frame unwrapped)."""
    import narwhals.dependencies as nwd

    if nwd.is_narwhals_dataframe(frame) or nwd.is_narwhals_lazyframe(frame):
        return frame.to_native()
    return frame


def _source_file(path: Path, engine: str) -> nw.DataFrame[Any]:
    from statcheck.prepare import normalise_sources

    spec, _ = _file_spec(path, "sources")
    return normalise_sources(_read_file(path, spec, reading_library(engine)), str(path))


def _source_frame(frame: Any, engine: str) -> nw.DataFrame[Any]:
    from statcheck.prepare import normalise_sources

    if frame_library(frame) is None:
        raise UNSUPPORTED_INPUT(
            f"cannot read sources from a {type(frame).__name__}: give a file or a pandas or "
            "polars DataFrame",
        )
    return normalise_sources(text_frame_on(frame, engine))


def text_frame_on(frame: Any, engine: str) -> nw.DataFrame[Any]:
    """The frame as text cells (``as_text_frame``, on the frame's own library, which knows
    its own odd columns best), on the library the engine builds its tables with. A Spark
    DataFrame is collected to the driver first."""
    import narwhals.dependencies as nwd

    from statcheck.prepare import as_text_frame

    frame = _native(frame)
    if nwd.is_polars_lazyframe(frame):
        frame = frame.collect()
    if frame_library(frame) == "spark":
        from statcheck.engine.spark import to_driver

        frame = to_driver(frame)
    text = as_text_frame(frame)
    if frame_library(frame) == reading_library(engine):
        return text
    import narwhals as nw
    import polars as pl

    return nw.from_native(pl.from_pandas(text.to_native()), eager_only=True)
