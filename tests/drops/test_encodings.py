"""Declared encodings are decoded as declared; a byte that does not decode is an error
with its byte offset and line, never a guess."""

from __future__ import annotations

import codecs

import polars as pl
import pytest

from statcheck.checking import validate_drop
from statcheck.report import Status
from tests.drops.conftest import WriteDrop
from tests.drops.helpers import SUITE, TEXT_FIGURES, encode, only_error, outcome

# Dimension values only a declared encoding gets right.
NAMED = TEXT_FIGURES.with_columns(
    pl.Series("region", ["T", "A", "B", "T", "A", "B"]),
    pl.Series("note", ["Zürich – 5 €", "Genève", "Łódź", "", "", ""]),
)
CSV_TEXT = encode(NAMED, "csv").decode("utf-8")


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", CSV_TEXT.encode("utf-8")),
        ("utf-8", codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8")),
        ("utf-8-sig", codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8")),
        ("cp1252", CSV_TEXT.replace("Łódź", "Lodz").encode("cp1252")),
        (
            "latin-1",
            CSV_TEXT.replace("Łódź", "Lodz")
            .replace("€", "EUR")
            .replace("–", "-")
            .encode("latin-1"),
        ),
        ("utf-16", CSV_TEXT.encode("utf-16")),  # with its byte-order mark
        ("UTF-16LE", CSV_TEXT.encode("utf-16-le")),
        ("utf-16-be", codecs.BOM_UTF16_BE + CSV_TEXT.encode("utf-16-be")),
    ],
)
def test_declared_encodings_read_like_utf8(
    encoding: str, data: bytes, backend: str, write_drop: WriteDrop
) -> None:
    expected = validate_drop(write_drop(("f.csv", CSV_TEXT.encode(), {}), name="utf8"), SUITE)
    report = validate_drop(
        write_drop(("f.csv", data, {"encoding": encoding})), SUITE, engine=backend
    )
    assert report.errors == ()
    assert outcome(report) == outcome(expected)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_in_another_encoding(fmt: str, backend: str, write_drop: WriteDrop) -> None:
    text = encode(NAMED, fmt).decode("utf-8")
    drop = write_drop((f"f.{fmt}", text.encode("utf-16"), {"encoding": "utf-16"}))
    plain = write_drop((f"f.{fmt}", codecs.BOM_UTF8 + text.encode(), {}), name="bom")
    assert outcome(validate_drop(drop, SUITE, engine=backend)) == outcome(
        validate_drop(plain, SUITE, engine=backend)
    )
    assert validate_drop(drop, SUITE, engine=backend).result("total-is-sum").status is Status.FAIL


def test_cp1252_declared_as_utf8_names_byte_and_line(backend: str, write_drop: WriteDrop) -> None:
    data = CSV_TEXT.replace("Łódź", "Lodz").encode("cp1252")
    error = only_error(validate_drop(write_drop(("f.csv", data, {})), SUITE, engine=backend))
    offset = data.index("ü".encode("cp1252"))
    assert error["slug"] == "invalid-encoding" and error["exit_code"] == 2
    assert f"byte {offset}, line 2" in error["message"]
    assert error["location"] == {"file": error["location"]["file"], "line": 2}
    assert "encoding" in error["hint"]


def test_an_error_past_the_first_block_is_placed_exactly(write_drop: WriteDrop) -> None:
    # Rows of multi-byte text across the 1 MiB block boundary, then one bad byte.
    header = CSV_TEXT.splitlines()[0] + "\n"
    row = CSV_TEXT.splitlines()[1] + "\n"
    body = header + row * (2_000_000 // len(row.encode()))
    data = body.encode() + b"t-x,cases,1,cases,2024,stats,T,caf\xe9\n"
    error = only_error(validate_drop(write_drop(("f.csv", data, {})), SUITE))
    lines = body.count("\n") + 1
    assert f"byte {data.rindex(bytes([0xE9]))}, line {lines}" in error["message"]
    assert error["location"]["line"] == lines


def test_a_character_cut_by_the_block_boundary_is_fine(write_drop: WriteDrop) -> None:
    header = CSV_TEXT.splitlines()[0] + "\n"
    row = CSV_TEXT.splitlines()[1] + "\n"  # holds "ü", "–" and "€"
    rows = [row.replace("t-2024", f"t-{i}") for i in range(40_000)]  # > 1 MiB, many offsets
    data = (header + "".join(rows)).encode()
    assert len(data) > 1 << 20
    report = validate_drop(write_drop(("f.csv", data, {})), SUITE)
    assert report.errors == ()


def test_utf16_without_a_byte_order_mark_is_not_guessed(write_drop: WriteDrop) -> None:
    drop = write_drop(("f.csv", CSV_TEXT.encode("utf-16-le"), {"encoding": "utf-16"}))
    error = only_error(validate_drop(drop, SUITE))
    assert error["slug"] == "invalid-encoding" and "utf-16-le" in error["hint"]


def test_utf16_declared_as_utf8_says_so(write_drop: WriteDrop) -> None:
    error = only_error(validate_drop(write_drop(("f.csv", CSV_TEXT.encode("utf-16"), {})), SUITE))
    assert error["slug"] == "invalid-encoding" and "byte 0, line 1" in error["message"]
    assert "encoding: utf-16" in error["hint"]


def test_undefined_cp1252_byte(write_drop: WriteDrop) -> None:
    data = CSV_TEXT.replace("Łódź", "Lodz").encode("cp1252").replace(b"Gen", b"G\x81n")
    error = only_error(validate_drop(write_drop(("f.csv", data, {"encoding": "cp1252"})), SUITE))
    assert error["slug"] == "invalid-encoding"
    offset = data.index(bytes([0x81]))
    assert f"byte {offset}, line 3" in error["message"]


@pytest.mark.parametrize("encoding", ["klingon", "base64", "rot13"])
def test_unknown_or_non_text_encodings_are_refused_in_the_manifest(
    encoding: str, write_drop: WriteDrop
) -> None:
    error = only_error(validate_drop(write_drop(("f.csv", b"a\n", {"encoding": encoding})), SUITE))
    assert error["slug"] == "unsupported-encoding" and error["location"]["file"].endswith(
        "drop.yml"
    )
