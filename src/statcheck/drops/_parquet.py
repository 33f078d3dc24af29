"""Parquet files and database tables: typed columns arriving as Arrow, checked by name
first (from the footer or the database's description) and read only for the wanted
columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import narwhals as nw

from statcheck.backends import Backend
from statcheck.drops._columns import check_names, first_line, select
from statcheck.drops.manifest import DropFile
from statcheck.errors import (
    EMPTY_TABLE,
    UNREADABLE_PARQUET,
    Location,
)


def read_parquet(path: Path, library: Backend, wanted: list[str] | None) -> nw.DataFrame[Any]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    where = Location(file=str(path))
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    if head != b"PAR1":
        looks_like_text = head.isascii() and all(32 <= b < 127 or b in b"\t\r\n" for b in head)
        raise UNREADABLE_PARQUET(
            "the file is not Parquet (it does not start with the Parquet marker PAR1)",
            location=where,
            hint="if it is a CSV or JSON file, declare `format: csv` (or json) in drop.yml"
            if looks_like_text
            else "check that the manifest lists the right file",
        )
    if tail != b"PAR1":
        raise UNREADABLE_PARQUET(
            "the Parquet file is cut short: it has no footer",
            location=where,
            hint="the file may have been copied or written only in part; its checksum was taken of the cut file",
        )
    try:
        schema = pq.read_schema(path)
    except Exception as exc:
        raise UNREADABLE_PARQUET(
            f"cannot read the Parquet footer: {first_line(exc)}",
            location=where,
        ) from None
    raw_names = list(schema.names)
    names = check_names(raw_names, path, where)
    positions = select(names, wanted, path)
    chosen = raw_names if positions is None else [raw_names[i] for i in positions]
    frame: Any
    try:
        frame = library.read_parquet(path, chosen)
    except Exception as exc:
        raise UNREADABLE_PARQUET(
            f"cannot read the Parquet file: {first_line(exc)}",
            location=where,
        ) from None
    table: nw.DataFrame[Any] = nw.from_native(frame, eager_only=True)
    final = names if positions is None else [names[i] for i in positions]
    return table.rename(dict(zip(table.columns, final, strict=True)))


def read_database(
    path: Path, spec: DropFile, library: Backend, wanted: list[str] | None, database_url: str | None
) -> tuple[nw.DataFrame[Any], str]:
    """A database entry's table or query, with the same column checks as a Parquet file:
    the names first (described, not read), then only the wanted columns."""
    from statcheck.drops.database import open_source

    with open_source(spec, path, database_url) as source:
        where = Location(file=source.where)
        names = check_names(source.names, source.where, where)
        positions = select(names, wanted, source.where)
        chosen = None if positions is None else [source.names[i] for i in positions]
        table = source.read(chosen)
    if table.num_rows == 0:  # as for a file that names its columns but holds no rows
        raise EMPTY_TABLE(
            "the table names its columns but holds no rows",
            location=where,
            hint="a drop lists a table once it holds its figures (a query: check its WHERE)",
        )
    native: nw.DataFrame[Any] = nw.from_native(library.from_arrow(table), eager_only=True)
    final = names if positions is None else [names[i] for i in positions]
    return native.rename(dict(zip(native.columns, final, strict=True))), source.where
