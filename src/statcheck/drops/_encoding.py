"""A drop file's text as UTF-8: checked in one streaming pass, or transcoded once to a
temporary copy; undecodable bytes, NUL bytes and missing byte-order marks are errors
with their byte offset and line."""

from __future__ import annotations

import codecs
import io
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from statcheck.drops.manifest import DropFile
from statcheck.errors import (
    INVALID_ENCODING,
    INVALID_MANIFEST,
    UNSUPPORTED_ENCODING,
    Location,
    StatcheckError,
)

BLOCK = 1 << 20  # bytes read at a time when checking or transcoding text
_TAIL_BLOCK = 1 << 16  # bytes of a file's end read first for its footer (then twice as many)


_UTF8 = ("utf-8", "utf-8-sig")


_BOMS = {
    codecs.BOM_UTF32_LE: "utf-32",  # before UTF-16: it starts with the UTF-16 LE mark
    codecs.BOM_UTF32_BE: "utf-32",
    codecs.BOM_UTF16_LE: "utf-16",
    codecs.BOM_UTF16_BE: "utf-16",
}


# Codecs whose byte order is read from a byte-order mark; without one it would be a guess.
_NEEDS_BOM = ("utf-16", "utf-32")


@contextmanager
def as_utf8(path: Path, spec: DropFile) -> Iterator[Path]:
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
    footer = spec.footer if is_csv else 0
    # polars reads a UTF-8 CSV or JSON array with a byte-order mark, but not JSON Lines.
    if codec in _UTF8 and not (spec.format == "jsonl" and head.startswith(codecs.BOM_UTF8)):
        lone_cr = _decode_blocks(path, "utf-8", None)
        if not (is_csv and lone_cr) and not footer:
            yield path
            return
    with tempfile.TemporaryDirectory(prefix="statcheck-") as tmp:
        copy = Path(tmp) / f"utf8{path.suffix}"
        with copy.open("w", encoding="utf-8", newline="") as out:
            _decode_blocks(path, codec, out.write, translate_newlines=is_csv)
        if footer:
            _cut_footer(copy, footer, path)
        yield copy


def _cut_footer(copy: Path, lines: int, path: Path) -> None:
    """Cut the last ``lines`` lines that are not blank (a publisher's totals row, source
    line, notes) off the UTF-8 copy: its end read backwards, a block at a time."""
    with copy.open("r+b") as fh:
        size, block = fh.seek(0, io.SEEK_END), _TAIL_BLOCK
        while True:
            start, block = max(0, size - block), 2 * block  # reads grow: linear in the file
            fh.seek(start)
            tail = fh.read(size - start)
            begin = _footer_begins(tail, lines, whole=start == 0)
            if begin is not None:
                fh.truncate(start + begin)
                return
            if start == 0:
                raise INVALID_MANIFEST(
                    f"footer: {lines} skips more lines than the file holds",
                    location=Location(file=str(path)),
                    hint="footer counts the lines below the table's last row (blank ones not counted)",
                )


def _footer_begins(tail: bytes, lines: int, whole: bool) -> int | None:
    """Where the last ``lines`` non-blank lines of ``tail`` begin; None when ``tail`` does
    not hold them all (``whole``: it is the file from its first byte)."""
    end = len(tail) - 1 if tail.endswith(b"\n") else len(tail)
    found = 0
    while True:
        newline = tail.rfind(b"\n", 0, end)
        if newline < 0 and not whole:
            return None  # the line begins before the part read
        begin = newline + 1
        if tail[begin:end].strip():
            found += 1
            if found == lines:
                return begin
        if newline < 0:
            return None
        end = newline


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
