"""CSV: every cell text, read by the backend's own parser after the rows above the header;
the header checked with Python's csv module (the parsers rename repeated names), and a
parser's refusal explained again with it, naming the line."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import IO, Any

import narwhals as nw

from statcheck.backends import Backend, backend_of
from statcheck.drops._columns import check_names, no_rows, select
from statcheck.drops._encoding import BLOCK
from statcheck.drops.manifest import DropFile
from statcheck.errors import (
    BAD_HEADER,
    EMPTY_FILE,
    UNREADABLE_CSV,
    Location,
    StatcheckError,
)


def _skip_lines(fh: IO[bytes], n: int) -> int:
    """Skip ``n`` lines of an open file, whatever they hold; the number actually skipped."""
    for i in range(n):
        if not fh.readline():
            return i
    return n


def _csv_header(path: Path, text_file: Path, spec: DropFile, wanted: list[str] | None) -> list[str]:
    """The header row's names, read by the csv module from line ``spec.header``: the
    parsers rename repeated names (``a_duplicated_0``, ``a.1``), so they are checked here
    (see check_names for ``wanted``)."""
    where = Location(file=str(path), line=spec.header, row=spec.header)
    with text_file.open("rb") as fh:
        skipped = _skip_lines(fh, spec.header - 1)
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        try:
            names = next(csv.reader(text, delimiter=spec.delimiter, strict=False), None)
        except csv.Error as exc:
            raise BAD_HEADER(f"cannot read the header row: {exc}", location=where) from None
    if names is None:  # nothing on or after the header's line
        if spec.header == 1:
            raise EMPTY_FILE("the file is empty", location=Location(file=str(path)))
        raise BAD_HEADER(
            f"the manifest puts the header on line {spec.header}, but the file has {skipped} line(s)",
            location=where,
            hint="set `header:` in drop.yml to the line of the column names",
        )
    if not "".join(names).strip():
        if spec.header == 1 and _only_whitespace(text_file):
            raise EMPTY_FILE("the file is empty", location=Location(file=str(path)))
        raise BAD_HEADER(
            f"the header row (line {spec.header}) is blank",
            location=where,
            hint="set `header:` in drop.yml to the line of the column names",
        )
    if len(names) == 1:
        other = next((d for d in ";\t|," if d != spec.delimiter and d in names[0]), None)
        if other is not None:
            raise UNREADABLE_CSV(
                f"the header row is one column, {names[0].strip()!r}: the file is not "
                f"separated by {spec.delimiter!r}",
                location=where,
                hint=f"declare delimiter: {other!r} in drop.yml"
                + (" (and decimal: ',' for decimal commas)" if other == ";" else ""),
            )
    return check_names(names, path, where, wanted)


def _only_whitespace(text_file: Path) -> bool:
    if text_file.stat().st_size > BLOCK:
        return False
    return not text_file.read_bytes().lstrip(codecs.BOM_UTF8).strip()


def read_csv(
    path: Path, text_file: Path, spec: DropFile, library: Backend, wanted: list[str] | None
) -> nw.DataFrame[Any]:
    """Every column is parsed (a parser asked for some columns drops a row's extra cells
    without a word), then the wanted ones are kept."""
    names = _csv_header(path, text_file, spec, wanted)
    positions = select(names, wanted, path)
    frame: Any
    try:
        frame = library.read_csv(text_file, spec.delimiter, spec.header - 1)
    except Exception as exc:  # the CSV parsers' own errors: say which file, line and why
        raise _csv_problem(path, text_file, spec, len(names), exc) from None
    table: nw.DataFrame[Any] = nw.from_native(frame, eager_only=True)
    if len(table.columns) != len(names):
        raise UNREADABLE_CSV(
            f"the parser found {len(table.columns)} column(s) where the header names {len(names)}",
            location=Location(file=str(path), line=spec.header),
            hint="check `delimiter:` and quoting in the header row",
        )
    table = table.rename(dict(zip(table.columns, names, strict=True)))
    if positions is not None:
        # A publisher's table read through a mapping: a row without figures is no figure.
        return table.select([names[i] for i in positions])
    return _records(table, path, spec)


def _records(table: nw.DataFrame[Any], path: Path, spec: DropFile) -> nw.DataFrame[Any]:
    """The rows of a figure or source table, numbered as lines of the file.

    A row whose every cell is empty (a blank line, or only delimiters) is left out. When
    such rows are dropped or a quoted cell holds a line break, each row carries its line
    in ``_source_row`` (counted as if the header were line 1; ``with_file_rows`` adds the
    lines above the header)."""
    if "_source_row" in table.columns:
        raise BAD_HEADER(
            "the file has a column named _source_row, a name statcheck keeps for itself",
            location=Location(file=str(path), line=spec.header, row=spec.header),
        )
    blank_row, line_breaks = backend_of(table).blank_rows_and_line_breaks(table)
    any_blank, any_break = bool(blank_row.any()), bool((line_breaks > 0).any())
    if not (any_blank or any_break):
        return table
    numbered = table.with_row_index("_source_row").with_columns(nw.col("_source_row") + 2)
    if any_break:
        earlier = line_breaks.cum_sum() - line_breaks  # line breaks in the rows before
        numbered = numbered.with_columns(nw.col("_source_row") + earlier)
    if any_blank:
        numbered = numbered.filter(~blank_row)
        if numbered.is_empty():
            raise no_rows(path, spec)
    return numbered


def _csv_problem(
    path: Path, text_file: Path, spec: DropFile, columns: int, exc: Exception
) -> StatcheckError:
    """Why the parser refused the file, found again with Python's csv module (an error
    path only) to name the line: a row with more cells than the header, or a quoted cell
    that never closes."""
    where = Location(file=str(path))
    try:
        with text_file.open(encoding="utf-8-sig", newline="") as fh:
            for _ in range(spec.header - 1):
                fh.readline()
            reader = csv.reader(fh, delimiter=spec.delimiter, strict=True)
            start = spec.header
            for cells in reader:
                if len(cells) > columns:
                    return UNREADABLE_CSV(
                        f"line {start} has {len(cells)} cells where the header names {columns}",
                        location=Location(file=str(path), line=start, row=start),
                        hint='a value with a thousands separator must be quoted ("60,000"); '
                        "otherwise check `delimiter:` in drop.yml",
                    )
                start = reader.line_num + spec.header
    except csv.Error as bad:
        unclosed = "end of data" in str(bad)
        return UNREADABLE_CSV(
            f"a quoted cell opened on line {start} is never closed"
            if unclosed
            else f"line {start} cannot be read: {bad}",
            location=Location(file=str(path), line=start, row=start),
            hint='a quote inside a quoted cell is written twice (""); check the quoting on that line',
        )
    message = str(exc).strip()
    return UNREADABLE_CSV(
        f"cannot read the CSV: {message.splitlines()[0] if message else type(exc).__name__}",
        location=where,
        hint="check `delimiter:` and `header:` in drop.yml against the file",
    )
