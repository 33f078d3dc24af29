"""JSON records (an array of objects) and JSON Lines, parsed by polars for every backend so
that both see the same types; a refusal explained again with Python's parser, naming line
and column."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import narwhals as nw

from statcheck.backends import Backend
from statcheck.drops._columns import check_names, first_line, select
from statcheck.drops._encoding import BLOCK
from statcheck.errors import (
    EMPTY_FILE,
    UNREADABLE_JSON,
    DataError,
    Location,
    StatcheckError,
)


def read_json(
    path: Path, text_file: Path, fmt: str, library: Backend, wanted: list[str] | None
) -> nw.DataFrame[Any]:
    """JSON records (an array of objects) or JSON Lines (one object per line), parsed by
    polars for every backend so that both see the same types."""
    import polars as pl

    if fmt == "json":
        with text_file.open("rb") as fh:
            start = fh.read(BLOCK).lstrip(codecs.BOM_UTF8).lstrip()
        if not start:
            raise EMPTY_FILE("the file is empty", location=Location(file=str(path)))
        if not start.startswith(b"["):
            kind = "an object" if start.startswith(b"{") else "not an array"
            raise UNREADABLE_JSON(
                f"the JSON is {kind}: a table is an array of records, [{{...}}, {{...}}]",
                location=Location(file=str(path), line=1),
                hint="for one object per line, declare `format: jsonl` in drop.yml",
            )
    where = Location(file=str(path))
    try:
        if fmt == "json":
            native = pl.read_json(text_file, infer_schema_length=None)
            raw_names = list(native.columns)
        else:
            lazy = pl.scan_ndjson(text_file, infer_schema_length=None)
            raw_names = lazy.collect_schema().names()
        names = check_names(raw_names, path, where)
        positions = select(names, wanted, path)
        chosen = raw_names if positions is None else [raw_names[i] for i in positions]
        native = native.select(chosen) if fmt == "json" else lazy.select(chosen).collect()
    except DataError:
        raise
    except Exception as exc:
        raise _json_error(path, text_file, fmt, exc) from None
    final = names if positions is None else [names[i] for i in positions]
    native = native.rename(dict(zip(native.columns, final, strict=True)))

    return nw.from_native(library.from_polars(native), eager_only=True)


def _json_error(path: Path, text_file: Path, fmt: str, exc: Exception) -> StatcheckError:
    """Why polars refused the JSON, found again with Python's parser (an error path only:
    a JSON array is parsed whole here too) to give line and column."""
    where = Location(file=str(path))
    if fmt == "jsonl":
        with text_file.open(encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as bad:
                    return _bad_json(path, bad.msg, number, bad.colno)
                if not isinstance(record, dict):
                    return UNREADABLE_JSON(
                        f"line {number} is a JSON {type(record).__name__}, not an object",
                        location=Location(file=str(path), line=number),
                        hint="JSON Lines hold one object per line",
                    )
    else:
        try:
            records = json.loads(text_file.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as bad:
            return _bad_json(path, bad.msg, bad.lineno, bad.colno)
        for i, record in enumerate(records):
            if not isinstance(record, dict):
                return UNREADABLE_JSON(
                    f"element {i + 1} of the array is a JSON {type(record).__name__}, not an object",
                    location=Location(file=str(path), row=i + 2),
                    hint="a table is an array of records, [{...}, {...}]",
                )
    return UNREADABLE_JSON(
        f"cannot read the JSON: {first_line(exc)}",
        location=where,
        hint="cells must be text, numbers, true/false or null, and a column one kind of them",
    )


def _bad_json(path: Path, message: str, line: int, column: int) -> StatcheckError:
    return UNREADABLE_JSON(
        f"the JSON is not well formed: {message} (line {line}, column {column})",
        location=Location(file=str(path), line=line),
    )
