"""Reading a drop's files into a dataframe of text cells, on the chosen backend.

Every cell is read as text: the figure model decides what a number is (thousands
separators, qualifiers, precision), not the CSV reader's type inference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import narwhals as nw

from statcheck.drops.manifest import DropFile
from statcheck.errors import DataError, Location

BACKENDS = ("polars", "pandas")


def read_text_table(path: Path, spec: DropFile, backend: str = "polars") -> nw.DataFrame[Any]:
    where = Location(file=str(path))
    if spec.encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        raise DataError(
            f"encoding {spec.encoding!r} is not supported yet",
            slug="unsupported-encoding",
            location=where,
        )
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"the file is not valid UTF-8 (byte {exc.start}, line {line})",
            slug="invalid-encoding",
            location=Location(file=str(path), line=line),
            hint="declare the file's encoding in the manifest, or re-save it as UTF-8",
        ) from None
    if not raw.strip():
        raise DataError("the file is empty", slug="empty-file", location=where)
    frame: Any
    try:
        if backend == "polars":
            import polars as pl

            frame = pl.read_csv(
                path,
                infer_schema=False,
                separator=spec.delimiter,
                encoding="utf8",
                truncate_ragged_lines=False,
            )
        elif backend == "pandas":
            import pandas as pd

            # pyarrow-backed text: narwhals needs it for list operations (split, explode).
            frame = pd.read_csv(
                path,
                dtype="string[pyarrow]",
                keep_default_na=False,
                sep=spec.delimiter,
                encoding="utf-8-sig",
            )
        else:
            raise DataError(
                f"unknown engine {backend!r}",
                slug="unknown-engine",
                hint=f"use one of: {', '.join(BACKENDS)}",
            )
    except DataError:
        raise
    except Exception as exc:  # the CSV parsers' own errors: say which file and why
        raise DataError(
            f"cannot read the CSV: {str(exc).splitlines()[0]}",
            slug="unreadable-csv",
            location=where,
        ) from None
    table: nw.DataFrame[Any] = nw.from_native(frame, eager_only=True)
    names = [str(c).lstrip("\ufeff").strip() for c in table.columns]
    if len(set(names)) != len(names) or any(not n for n in names):
        raise DataError(
            f"the header has blank or repeated column names: {names}",
            slug="bad-header",
            location=Location(file=str(path), row=1),
        )
    return table.rename(dict(zip(table.columns, names, strict=True)))
