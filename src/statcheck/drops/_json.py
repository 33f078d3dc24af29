"""JSON records (an array of objects) and JSON Lines, parsed by polars for every backend so
that both see the same types; a refusal explained again with Python's parser, naming line
and column."""

from __future__ import annotations

import codecs
import json
import re
import sys
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
from statcheck.model.value import UNDERFLOW, UNDERFLOW_HINT


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
    _refuse_what_a_parser_hides(path, text_file, fmt)
    final = names if positions is None else [names[i] for i in positions]
    native = native.rename(dict(zip(native.columns, final, strict=True)))

    return nw.from_native(library.from_polars(native), eager_only=True)


class _DuplicateKey(Exception):
    def __init__(self, key: str, record: int) -> None:
        self.key, self.record = key, record


class _Underflow(Exception):
    def __init__(self, text: str, record: int) -> None:
        self.text, self.record = text, record


# The digits of a JSON number, before its exponent: one that is not 0 makes the number not 0.
_NONZERO_DIGIT = re.compile(r"^[^eE]*[1-9]")


def _refuse_what_a_parser_hides(path: Path, text_file: Path, fmt: str) -> None:
    """A record that names a key twice is refused: a parser keeps one of the two values
    without a word; so is a number too close to 0 for a float (``1e-400``), which a parser
    reads as 0. Python's parser calls a check for each object as it closes; objects
    are not kept, so this pass holds little more than the file's text."""
    text = text_file.read_text(encoding="utf-8-sig")
    if fmt == "jsonl":  # one array of the lines' objects, parsed in one call
        text = "[" + ",".join(line for line in text.splitlines() if line.strip()) + "]"
    count = 0

    def check(pairs: list[tuple[str, Any]]) -> None:
        nonlocal count
        count += 1
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise _DuplicateKey(next(k for k in keys if keys.count(k) > 1), count)

    def number(text: str) -> float:
        value = float(text)
        if abs(value) < sys.float_info.min and _NONZERO_DIGIT.match(text):
            raise _Underflow(text, count + 1)  # (count: the records closed before this one)
        return value

    try:
        json.loads(text, object_pairs_hook=check, parse_float=number)
    except _DuplicateKey as dup:
        raise UNREADABLE_JSON(
            f"record {dup.record} names the key {dup.key!r} twice",
            location=Location(file=str(path), row=dup.record + 1, column=dup.key),
            hint="a parser would keep one of the two values without a word: keep one key",
        ) from None
    except _Underflow as small:
        raise UNREADABLE_JSON(
            f"record {small.record} holds the number {small.text}, {UNDERFLOW}",
            location=Location(file=str(path), row=small.record + 1),
            hint=UNDERFLOW_HINT,
        ) from None
    except (ValueError, RecursionError):  # polars read it: its own reading stands
        return


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
                except RecursionError:
                    return _too_deep(path, number)
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
        except RecursionError:
            return _too_deep(path, None)
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


def _too_deep(path: Path, line: int | None) -> StatcheckError:
    return UNREADABLE_JSON(
        "the JSON nests arrays or objects too deeply to be a table of records",
        location=Location(file=str(path), line=line),
        hint="a table is an array of flat records, [{...}, {...}]",
    )
