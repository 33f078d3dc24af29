"""Reading a drop's files into a dataframe on the chosen backend: CSV, Parquet or JSON.

What a cell is follows from the file:

- **CSV** cells are text: the figure model decides what a number is (thousands
  separators, qualifiers, precision), never the CSV reader's type inference. Read by the
  backend's own native parser (no loop over rows), after the rows above the header
  (``header: N``) are skipped.
- **Parquet** and **JSON** cells that are typed (numbers, dates) stay typed where the
  caller asks for it (``keep_numbers``, ``keep_dates``: a figure table's ``value`` and its
  dates); every other typed column becomes text in one way on every backend (integers as
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

Every problem is a :class:`~statcheck.errors.DataError` with a stable slug, the file, and
the line or row where known: ``invalid-encoding`` (byte offset and line),
``unsupported-encoding``, ``empty-file``, ``bad-header``, ``missing-column``,
``unreadable-csv``, ``unreadable-parquet``, ``unreadable-json``,
``unsupported-column-type``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO, Any

import narwhals as nw

from statcheck.drops.manifest import DropFile
from statcheck.errors import (
    BAD_HEADER,
    EMPTY_FILE,
    EMPTY_TABLE,
    INVALID_ENCODING,
    MISSING_COLUMN,
    UNKNOWN_ENGINE,
    UNREADABLE_CSV,
    UNREADABLE_JSON,
    UNREADABLE_PARQUET,
    UNSUPPORTED_COLUMN_TYPE,
    UNSUPPORTED_ENCODING,
    DataError,
    Location,
    StatcheckError,
)

__all__ = ["BACKENDS", "read_drop_file", "read_text_table", "source_name", "with_file_rows"]

BACKENDS = ("polars", "pandas")
BLOCK = 1 << 20  # bytes read at a time when checking or transcoding text
_UTF8 = ("utf-8", "utf-8-sig")
_BOMS = {
    codecs.BOM_UTF32_LE: "utf-32",  # before UTF-16: it starts with the UTF-16 LE mark
    codecs.BOM_UTF32_BE: "utf-32",
    codecs.BOM_UTF16_LE: "utf-16",
    codecs.BOM_UTF16_BE: "utf-16",
}
# Codecs whose byte order is read from a byte-order mark; without one it would be a guess.
_NEEDS_BOM = ("utf-16", "utf-32")
# Whole floats below this print the same way on every backend once written as digits + ".0".
_WHOLE_LIMIT = 1e16


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
    wanted = list(dict.fromkeys(columns)) if columns is not None else None
    if spec.database is not None:
        frame, where = _read_database(path, spec, backend, wanted, database_url)
        return _typed_as_text(frame, set(keep_numbers), set(keep_dates), where)
    if path.stat().st_size == 0:
        raise EMPTY_FILE("the file is empty", location=Location(file=str(path)))
    if spec.format == "parquet":
        frame = _read_parquet(path, backend, wanted)
    else:
        with _as_utf8(path, spec) as text_file:
            if spec.format == "csv":
                frame = _read_csv(path, text_file, spec, backend, wanted)
            else:
                frame = _read_json(path, text_file, spec.format, backend, wanted)
    if frame.columns and len(frame) == 0:
        raise _no_rows(path, spec)
    return _typed_as_text(frame, set(keep_numbers), set(keep_dates), path)


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


# --- encodings --------------------------------------------------------------------------


@contextmanager
def _as_utf8(path: Path, spec: DropFile) -> Iterator[Path]:
    """The file as UTF-8: the file itself once checked, or a temporary transcoded copy.

    A CSV whose lines end in a lone carriage return (old Mac files, or a mix of endings)
    is copied with every line ending made ``\n``: the parsers would otherwise read it as
    one long line."""
    codec = _codec(path, spec.encoding)
    with path.open("rb") as fh:
        head = fh.read(4)
    if codec in _NEEDS_BOM and not any(head.startswith(b) for b in _BOMS):
        raise INVALID_ENCODING(
            f"the file has no byte-order mark, so its {codec} byte order is unknown",
            location=Location(file=str(path), line=1),
            hint=f"declare encoding: {codec}-le or {codec}-be",
        )
    is_csv = spec.format == "csv"
    # polars reads a UTF-8 CSV or JSON array with a byte-order mark, but not JSON Lines.
    if codec in _UTF8 and not (spec.format == "jsonl" and head.startswith(codecs.BOM_UTF8)):
        lone_cr = _decode_blocks(path, "utf-8", None)
        if not (is_csv and lone_cr):
            yield path
            return
    with tempfile.TemporaryDirectory(prefix="statcheck-") as tmp:
        copy = Path(tmp) / f"utf8{path.suffix}"
        with copy.open("w", encoding="utf-8", newline="") as out:
            _decode_blocks(path, codec, out.write, translate_newlines=is_csv)
        yield copy


def _codec(path: Path, encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
        "".encode(name)  # a text encoding, not a bytes-to-bytes codec such as base64
    except LookupError:
        raise UNSUPPORTED_ENCODING(
            f"encoding {encoding!r} is not one Python knows",
            location=Location(file=str(path)),
            hint="use a name such as utf-8, cp1252, latin-1 or utf-16",
        ) from None
    return name


def _decode_blocks(
    path: Path,
    codec: str,
    sink: Callable[[str], Any] | None,
    translate_newlines: bool = False,
) -> bool:
    """Decode the file block by block, passing the text to ``sink`` (if any), with every
    line ending made ``\n`` if ``translate_newlines``. The first undecodable byte is an
    ``invalid-encoding`` error with its offset and line, and so is a NUL byte, which no
    text file holds. Returns whether a line ends in a lone carriage return (checked when
    there is no sink)."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    newlines = io.IncrementalNewlineDecoder(None, translate=True) if translate_newlines else None
    offset = 0  # bytes of the file handed to the decoder so far
    lines = 0  # line breaks decoded so far (with a sink)
    first = True
    lone_cr = after_cr = False
    with path.open("rb") as fh:
        for block in iter(partial(fh.read, BLOCK), b""):
            pending = len(decoder.getstate()[0])
            if sink is None:
                if b"\x00" in block:
                    if offset == 0 and any(block.startswith(b) for b in _BOMS):
                        raise _encoding_error(
                            path, codec, 0, "a byte-order mark of another encoding"
                        )
                    at = offset + block.index(b"\x00")
                    raise _nul_error(path, at, _line_at(path, codec, at))
                if not lone_cr and (after_cr or b"\r" in block):
                    lone_cr, after_cr = _lone_cr(block, after_cr)
                if not pending and block.isascii():
                    offset += len(block)  # ASCII is valid UTF-8: nothing to decode
                    continue
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                raise _encoding_error(
                    path, codec, offset - pending + exc.start, exc.reason
                ) from None
            if sink is not None:
                if first and text.startswith("\ufeff"):
                    text = text[1:]
                lines += _sink_text(path, text, lines, sink, newlines)
                first = first and not text
            offset += len(block)
        pending = len(decoder.getstate()[0])
        try:
            tail = decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, codec, offset - pending + exc.start, exc.reason) from None
        if sink is not None:
            _sink_text(path, tail, lines, sink, newlines, final=True)
    return lone_cr or after_cr


def _sink_text(
    path: Path,
    text: str,
    lines: int,
    sink: Callable[[str], Any],
    newlines: io.IncrementalNewlineDecoder | None,
    final: bool = False,
) -> int:
    """Hand decoded text on (line endings made ``\n`` if ``newlines``); the line
    breaks it held. ``lines``: the line breaks handed on before it."""
    if newlines is not None:
        text = newlines.decode(text, final=final)
    if "\x00" in text:
        raise _nul_error(path, None, lines + text[: text.index("\x00")].count("\n") + 1)
    if text:
        sink(text)
    return text.count("\n")


def _lone_cr(block: bytes, after_cr: bool) -> tuple[bool, bool]:
    """Whether ``block`` holds a carriage return not followed by a line feed, and whether
    it ends in one (the next block decides). ``after_cr``: the block before ended in one."""
    if after_cr and not block.startswith(b"\n"):
        return True, False
    rest = block.replace(b"\r\n", b"")
    ends = rest.endswith(b"\r") and block.endswith(b"\r")
    if ends:
        rest = rest[:-1]
    return b"\r" in rest, ends


def _nul_error(path: Path, offset: int | None, line: int) -> StatcheckError:
    at = f"byte {offset}, line {line}" if offset is not None else f"line {line}"
    return INVALID_ENCODING(
        f"the file holds a NUL byte ({at}), which no text file does",
        location=Location(file=str(path), line=line),
        hint="the file may be UTF-16 without a byte-order mark (declare encoding: utf-16-le), "
        "a binary file, or a copy cut short and padded",
    )


def _encoding_error(path: Path, codec: str, offset: int, reason: str) -> StatcheckError:
    line = _line_at(path, codec, offset)
    with path.open("rb") as fh:
        head = fh.read(4)
    found = next((name for bom, name in _BOMS.items() if head.startswith(bom)), None)
    if codec in _UTF8 and found:
        hint = f"the file starts with a {found.upper()} byte-order mark: declare encoding: {found}"
    else:
        hint = "declare the file's encoding in the manifest (e.g. encoding: cp1252), or re-save it as UTF-8"
    return INVALID_ENCODING(
        f"the file is not valid {codec} (byte {offset}, line {line}: {reason})",
        location=Location(file=str(path), line=line),
        hint=hint,
    )


def _line_at(path: Path, codec: str, offset: int) -> int:
    """The line holding byte ``offset``: the newlines decoded before it, plus one."""
    decoder = codecs.getincrementaldecoder(codec)("replace")
    newlines = io.IncrementalNewlineDecoder(None, translate=True)  # CR, CR LF and LF alike
    lines, left = 1, offset
    with path.open("rb") as fh:
        while left > 0:
            block = fh.read(min(BLOCK, left))
            if not block:
                break
            lines += newlines.decode(decoder.decode(block)).count("\n")
            left -= len(block)
    return lines + newlines.decode("", final=True).count("\n")


# --- CSV --------------------------------------------------------------------------------


def _skip_lines(fh: IO[bytes], n: int) -> int:
    """Skip ``n`` lines of an open file, whatever they hold; the number actually skipped."""
    for i in range(n):
        if not fh.readline():
            return i
    return n


def _csv_header(path: Path, text_file: Path, spec: DropFile) -> list[str]:
    """The header row's names, read by the csv module from line ``spec.header``: the
    parsers rename repeated names (``a_duplicated_0``, ``a.1``), so they are checked here."""
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
    return _check_names(names, path, where)


def _only_whitespace(text_file: Path) -> bool:
    if text_file.stat().st_size > BLOCK:
        return False
    return not text_file.read_bytes().lstrip(codecs.BOM_UTF8).strip()


def _check_names(raw: Sequence[str], path: Path | str, where: Location) -> list[str]:
    names = [str(c).lstrip("\ufeff").strip() for c in raw]
    blank = [i + 1 for i, n in enumerate(names) if not n]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    folded = [n.casefold() for n in names]
    by_case = sorted(
        {n for n, f in zip(names, folded, strict=True) if n and folded.count(f) > 1} - set(repeated)
    )
    if blank or repeated or by_case:
        problems = []
        if blank:
            problems.append(f"blank name in column(s) {', '.join(map(str, blank))}")
        if repeated:
            problems.append(f"repeated name(s) {', '.join(map(repr, repeated))}")
        if by_case:
            problems.append(f"names that differ only by case {', '.join(map(repr, by_case))}")
        raise BAD_HEADER(
            f"the header has {' and '.join(problems)}: {names}",
            location=where,
            hint="every column needs its own name; if the names are on another line, set `header:` in drop.yml",
        )
    return names


def _select(names: list[str], wanted: list[str] | None, path: Path | str) -> list[int] | None:
    """Positions of the wanted columns (in file order), or None for every column."""
    if wanted is None:
        return None
    missing = [c for c in wanted if c not in names]
    if missing:
        raise MISSING_COLUMN(
            f"the table lacks the column(s) it is read for: {', '.join(missing)}",
            location=Location(file=str(path)),
            hint=f"the file's columns are: {', '.join(names)}",
        )
    return sorted(names.index(c) for c in wanted)


def _read_csv(
    path: Path, text_file: Path, spec: DropFile, backend: str, wanted: list[str] | None
) -> nw.DataFrame[Any]:
    """Every column is parsed (a parser asked for some columns drops a row's extra cells
    without a word), then the wanted ones are kept."""
    names = _csv_header(path, text_file, spec)
    positions = _select(names, wanted, path)
    frame: Any
    try:
        if backend == "polars":
            import polars as pl

            frame = pl.read_csv(
                text_file,
                infer_schema=False,
                separator=spec.delimiter,
                encoding="utf8",
                skip_lines=spec.header - 1,
                truncate_ragged_lines=False,
            )
        else:
            import warnings

            import pandas as pd

            with text_file.open("rb") as fh, warnings.catch_warnings():
                # "Length of header ... does not match": a row with extra cells.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                _skip_lines(fh, spec.header - 1)
                # pyarrow-backed text: narwhals needs it for list operations (split, explode).
                frame = pd.read_csv(
                    fh,
                    dtype="string[pyarrow]",
                    keep_default_na=False,
                    sep=spec.delimiter,
                    encoding="utf-8-sig",
                    index_col=False,  # never take a row's extra first cell as an index
                    skip_blank_lines=False,  # rows keep their line numbers
                )
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
    empty = [(nw.col(c).str.strip_chars() == "").fill_null(True) for c in table.columns]
    breaks = [
        (
            nw.col(c).str.len_chars()
            - nw.col(c).str.replace_all("\n", "", literal=True).str.len_chars()
        ).fill_null(0)
        for c in table.columns
    ]
    blank_row = nw.all_horizontal(*empty, ignore_nulls=False)
    line_breaks = nw.sum_horizontal(*breaks)
    any_blank, any_break = table.select(
        blank_row.any().alias("b"), (line_breaks > 0).any().alias("n")
    ).row(0)
    if not (any_blank or any_break):
        return table
    numbered = table.with_row_index("_source_row").with_columns(nw.col("_source_row") + 2)
    if any_break:
        earlier = line_breaks.cum_sum() - line_breaks  # line breaks in the rows before
        numbered = numbered.with_columns(nw.col("_source_row") + earlier)
    if any_blank:
        numbered = numbered.filter(~blank_row)
        if numbered.is_empty():
            raise _no_rows(path, spec)
    return numbered


def _no_rows(path: Path, spec: DropFile) -> StatcheckError:
    return EMPTY_FILE(
        "the file names its columns but holds no rows",
        location=Location(file=str(path), line=spec.header if spec.format == "csv" else None),
        hint="a drop lists a file once it holds its figures",
    )


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


# --- Parquet ----------------------------------------------------------------------------


def _read_parquet(path: Path, backend: str, wanted: list[str] | None) -> nw.DataFrame[Any]:
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
            f"cannot read the Parquet footer: {_first_line(exc)}",
            location=where,
        ) from None
    raw_names = list(schema.names)
    names = _check_names(raw_names, path, where)
    positions = _select(names, wanted, path)
    chosen = raw_names if positions is None else [raw_names[i] for i in positions]
    frame: Any
    try:
        if backend == "polars":
            import polars as pl

            frame = pl.read_parquet(path, columns=chosen, hive_partitioning=False)
        else:
            frame = _arrow_to_pandas(pq.read_table(path, columns=chosen))
    except Exception as exc:
        raise UNREADABLE_PARQUET(
            f"cannot read the Parquet file: {_first_line(exc)}",
            location=where,
        ) from None
    table: nw.DataFrame[Any] = nw.from_native(frame, eager_only=True)
    final = names if positions is None else [names[i] for i in positions]
    return table.rename(dict(zip(table.columns, final, strict=True)))


def _arrow_to_pandas(table: Any) -> Any:
    """A pyarrow table as pandas with Arrow-backed columns: integers with gaps stay
    integers, text is ``string[pyarrow]`` as from the CSV reader."""
    import pandas as pd
    import pyarrow as pa

    fields = [
        f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in table.schema
    ]
    table = table.cast(pa.schema(fields))

    def pandas_type(t: Any) -> Any:
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
            return pd.StringDtype("pyarrow")
        return pd.ArrowDtype(t)

    return table.to_pandas(types_mapper=pandas_type, ignore_metadata=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --- databases --------------------------------------------------------------------------


def _read_database(
    path: Path, spec: DropFile, backend: str, wanted: list[str] | None, database_url: str | None
) -> tuple[nw.DataFrame[Any], str]:
    """A database entry's table or query, with the same column checks as a Parquet file:
    the names first (described, not read), then only the wanted columns."""
    from statcheck.drops.database import open_source

    with open_source(spec, path, database_url) as source:
        where = Location(file=source.where)
        names = _check_names(source.names, source.where, where)
        positions = _select(names, wanted, source.where)
        chosen = None if positions is None else [source.names[i] for i in positions]
        table = source.read(chosen)
    if table.num_rows == 0:  # as for a file that names its columns but holds no rows
        raise EMPTY_TABLE(
            "the table names its columns but holds no rows",
            location=where,
            hint="a drop lists a table once it holds its figures (a query: check its WHERE)",
        )
    if backend == "polars":
        import polars as pl

        frame: Any = pl.from_arrow(table)
    else:
        frame = _arrow_to_pandas(table)
    native: nw.DataFrame[Any] = nw.from_native(frame, eager_only=True)
    final = names if positions is None else [names[i] for i in positions]
    return native.rename(dict(zip(native.columns, final, strict=True))), source.where


# --- JSON -------------------------------------------------------------------------------


def _read_json(
    path: Path, text_file: Path, fmt: str, backend: str, wanted: list[str] | None
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
        names = _check_names(raw_names, path, where)
        positions = _select(names, wanted, path)
        chosen = raw_names if positions is None else [raw_names[i] for i in positions]
        native = native.select(chosen) if fmt == "json" else lazy.select(chosen).collect()
    except DataError:
        raise
    except Exception as exc:
        raise _json_error(path, text_file, fmt, exc) from None
    final = names if positions is None else [names[i] for i in positions]
    native = native.rename(dict(zip(native.columns, final, strict=True)))
    if backend == "pandas":
        return nw.from_native(
            _arrow_to_pandas(native.to_arrow(compat_level=pl.CompatLevel.oldest())),
            eager_only=True,
        )
    return nw.from_native(native, eager_only=True)


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
        f"cannot read the JSON: {_first_line(exc)}",
        location=where,
        hint="cells must be text, numbers, true/false or null, and a column one kind of them",
    )


def _bad_json(path: Path, message: str, line: int, column: int) -> StatcheckError:
    return UNREADABLE_JSON(
        f"the JSON is not well formed: {message} (line {line}, column {column})",
        location=Location(file=str(path), line=line),
    )


# --- typed cells ------------------------------------------------------------------------


def _typed_as_text(
    frame: nw.DataFrame[Any], keep_numbers: set[str], keep_dates: set[str], path: Path | str
) -> nw.DataFrame[Any]:
    """Text columns as they are; numbers and dates kept where asked; every other typed
    column as text, the same on every backend."""
    convert = []
    for name, dtype in frame.schema.items():
        if dtype == nw.String or name == "_source_row":  # row numbers stay numbers
            continue
        if name in keep_numbers and dtype.is_numeric():
            continue
        if name in keep_dates and (dtype == nw.Date or dtype == nw.Datetime):
            continue
        convert.append(_text_of(frame, name, dtype, path))
    return frame.with_columns(convert) if convert else frame


def _text_of(frame: nw.DataFrame[Any], name: str, dtype: Any, path: Path | str) -> nw.Expr:
    col = nw.col(name)
    if dtype.is_float():
        # polars prints 56.0 as "56.0", pyarrow as "56": whole numbers are written here.
        x = col.cast(nw.Float64)
        whole = x.is_finite() & (x == x.floor()) & (x.abs() < _WHOLE_LIMIT)
        digits = nw.when(whole).then(x).otherwise(nw.lit(0.0)).cast(nw.Int64).cast(nw.String)
        printed = (
            nw.when(x.is_nan())
            .then(nw.lit("NaN"))
            .otherwise(
                nw.when(whole)
                .then(nw.concat_str([digits, nw.lit(".0")]))
                .otherwise(col.cast(nw.String))
            )
        )
        return printed.alias(name)
    if dtype == nw.Datetime:
        midnight = (
            (col.dt.hour() == 0)
            & (col.dt.minute() == 0)
            & (col.dt.second() == 0)
            & (col.dt.nanosecond() == 0)
        )
        return (
            nw.when(midnight)
            .then(col.cast(nw.Date).cast(nw.String))
            .otherwise(col.cast(nw.String))
            .alias(name)
        )
    if (
        dtype.is_numeric()
        or dtype.is_boolean()
        or dtype == nw.Date
        or dtype in (nw.Categorical, nw.Enum, nw.Unknown)
    ):
        return col.cast(nw.String).alias(name)
    found = frame.with_row_index("_i").filter(~col.is_null())
    row = int(found.item(0, "_i")) + 2 if len(found) else None
    raise UNSUPPORTED_COLUMN_TYPE(
        f"column {name!r} holds {dtype} values, which cannot be read as figures",
        location=Location(file=str(path), row=row, column=name),
        hint="cells must be text, numbers, true/false, dates or empty",
    )
