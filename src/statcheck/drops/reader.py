"""Reading a drop's files into a dataframe on the chosen backend: CSV, Parquet or JSON.

What a cell is follows from the file:

- **CSV** cells are text: the figure model decides what a number is (thousands
  separators, qualifiers, precision), never the CSV reader's type inference. Read by the
  backend's own native parser (no loop over rows), after the rows above the header
  (``header: N``) are skipped.
- **Parquet** and **JSON** cells that are typed (numbers, dates) stay typed where the
  caller asks for it (``keep_numbers``, ``keep_dates``: a figure table's ``value`` and its
  dates, a ``table:`` mapping's value columns): a typed number is never printed and read
  back; every other typed column becomes text in one way on every backend (integers as
  digits, other numbers as the shortest text that reads back as the same number, with
  ``.0`` when whole, dates as ISO dates), so both backends see the same cells.

What is read is no more than needed: Parquet and JSON Lines read only ``columns``
(CSV too, after parsing); a UTF-8 file is checked in one streaming pass of 1 MiB blocks
(blocks of plain ASCII are only scanned) and then handed to the parser as it is; a file in
another declared encoding is transcoded once, block by block, to a temporary UTF-8 copy
(disk: about the file's size; memory: one block) that is deleted after reading. A JSON
array is parsed whole (polars cannot stream one); use JSON Lines or Parquet for large
files. Input files are only ever opened for reading.

A manifest entry that reads a **database** (a DuckDB file in the drop, or a PostgreSQL
table or query: :mod:`statcheck.drops.database`) arrives as Arrow and is then read as a
Parquet file is: the same column checks, the same typed cells, only the wanted columns
asked of the database.

Each format has its own private module: ``_encoding`` (text to UTF-8), ``_csv``,
``_parquet`` (Parquet files and database tables, both Arrow), ``_json``, ``_typed``
(typed cells to text) and ``_columns`` (header checks every format shares). The library
a frame is read into answers through :mod:`statcheck.backends`.

Every problem is a :class:`~statcheck.errors.DataError` with a stable slug, the file, and
the line or row where known: ``invalid-encoding`` (byte offset and line),
``unsupported-encoding``, ``empty-file``, ``bad-header``, ``missing-column``,
``unreadable-csv``, ``unreadable-parquet``, ``unreadable-json``,
``unsupported-column-type``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import narwhals as nw

from statcheck.backends import EAGER, backend_named
from statcheck.drops._columns import no_rows
from statcheck.drops._csv import read_csv
from statcheck.drops._encoding import as_utf8
from statcheck.drops._json import read_json
from statcheck.drops._parquet import read_database, read_parquet
from statcheck.drops._typed import typed_as_text
from statcheck.drops.manifest import DropFile
from statcheck.errors import (
    EMPTY_FILE,
    UNKNOWN_ENGINE,
    Location,
    StatcheckError,
)

__all__ = ["BACKENDS", "read_drop_file", "read_text_table", "source_name", "with_file_rows"]


BACKENDS = EAGER


def read_drop_file(
    path: Path,
    spec: DropFile,
    backend: str = "polars",
    columns: Sequence[str] | None = None,
    keep_numbers: Collection[str] = (),
    keep_dates: Collection[str] = (),
    database_url: str | None = None,
) -> nw.DataFrame[Any]:
    """One file of a drop as a narwhals frame on ``backend``, read as ``spec`` says.

    ``columns``: read only these (by header name); a file that lacks any of them is an
    error (``missing-column``) naming the file's columns. ``keep_numbers`` and
    ``keep_dates``: typed columns (Parquet, JSON, a database) of these names stay numbers
    or dates; every other column is text. Column names are stripped of spaces and
    byte-order marks. ``database_url``: the server a PostgreSQL entry reads instead of
    its manifest's ``url``.
    """
    if backend not in BACKENDS:
        raise UNKNOWN_ENGINE(
            f"unknown engine {backend!r}", hint=f"use one of: {', '.join(BACKENDS)}"
        )
    library = backend_named(backend)
    assert library is not None  # every name in BACKENDS is a library
    wanted = list(dict.fromkeys(columns)) if columns is not None else None
    if spec.database is not None:
        frame, where = read_database(path, spec, library, wanted, database_url)
        return typed_as_text(frame, set(keep_numbers), set(keep_dates), where)
    if path.stat().st_size == 0:
        raise EMPTY_FILE("the file is empty", location=Location(file=str(path)))
    if spec.format == "parquet":
        frame = read_parquet(path, library, wanted)
    else:
        with as_utf8(path, spec) as text_file:
            if spec.format == "csv":
                frame = read_csv(path, text_file, spec, library, wanted)
            else:
                frame = read_json(path, text_file, spec.format, library, wanted)
    if frame.columns and len(frame) == 0:
        raise no_rows(path, spec)
    return typed_as_text(frame, set(keep_numbers), set(keep_dates), path)


# The name from before drops could hold Parquet and JSON.
read_text_table = read_drop_file


def source_name(path: Path, spec: DropFile, database_url: str | None = None) -> str:
    """What messages call the entry's source: the file's path, or for a database entry
    the file or the server (without its password) and the table, or "query"."""
    if spec.database is None:
        return str(path)
    from statcheck.drops.database import describe

    return describe(spec, path, database_url)


def with_file_rows(frame: nw.DataFrame[Any], spec: DropFile) -> nw.DataFrame[Any]:
    """Number rows as the file does when rows above the header were skipped (``header: N``
    puts the first record on row N + 1): shifts a ``_source_row`` column the caller made,
    or adds one. A file read from row 1 is returned as it is."""
    if spec.header == 1:
        return frame
    if "_source_row" in frame.columns:
        return frame.with_columns(nw.col("_source_row") + (spec.header - 1))
    return frame.with_row_index("_source_row").with_columns(
        nw.col("_source_row") + (spec.header + 1)
    )


@contextmanager
def read_alone() -> Iterator[None]:
    """Reading a file given alone, outside a drop: an error whose hint says to set a field
    in drop.yml also says how to get one (the file has none)."""
    try:
        yield
    except StatcheckError as exc:
        if exc.hint and "drop.yml" in exc.hint:
            exc.hint += (
                "; a file given alone has no drop.yml: put it in a folder and run "
                "`statcheck init FOLDER` to write one"
            )
        raise
