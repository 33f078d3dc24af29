"""Every bad file or manifest entry is a report error with a stable slug, the file, the
line or row where known, and a hint: never a traceback, never a guess."""

from __future__ import annotations

import pytest

from statcheck.checking import validate_drop
from statcheck.errors import ExitCode
from tests.drops.conftest import WriteDrop
from tests.drops.helpers import SUITE, TEXT_FIGURES, encode, only_error

PARQUET = encode(TEXT_FIGURES, "parquet")
CSV = encode(TEXT_FIGURES, "csv")


def error_of(
    write_drop: WriteDrop, name: str, data: bytes, backend: str = "polars", **fields: object
) -> dict[str, object]:
    return only_error(validate_drop(write_drop((name, data, fields)), SUITE, engine=backend))


# --- Parquet ----------------------------------------------------------------------------


def test_a_truncated_parquet_file(backend: str, write_drop: WriteDrop) -> None:
    error = error_of(write_drop, "f.parquet", PARQUET[: len(PARQUET) // 2], backend)
    assert error["slug"] == "unreadable-parquet" and "cut short" in str(error["message"])
    assert error["exit_code"] == ExitCode.CONTRACT and error["hint"]


def test_a_csv_named_parquet(backend: str, write_drop: WriteDrop) -> None:
    error = error_of(write_drop, "f.parquet", CSV, backend)
    assert error["slug"] == "unreadable-parquet" and "format: csv" in str(error["hint"])


def test_a_damaged_parquet_footer(backend: str, write_drop: WriteDrop) -> None:
    # Right markers, garbage between them.
    error = error_of(write_drop, "f.parquet", b"PAR1" + b"\x00" * 64 + b"PAR1", backend)
    assert error["slug"] == "unreadable-parquet"


def test_parquet_with_repeated_column_names(backend: str, write_drop: WriteDrop) -> None:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["value", "value "]), buf)
    error = error_of(write_drop, "f.parquet", buf.getvalue(), backend)
    assert error["slug"] == "bad-header" and "'value'" in str(error["message"])


# --- JSON -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b'{"figure_id": "t"}', "is an object"),
        (b"[1, 2, 3]", "element 1 of the array is a JSON int"),
        (b'[{"a": 1}, "x"]', "element 2 of the array is a JSON str"),
        (b'[{"a": 1},\n {"a": }]', "line 2, column 8"),
        (b'[{"a": 1}', "line 1, column 10"),
        (b'"just text"', "not an array"),
    ],
)
def test_json_that_is_not_records(
    data: bytes, says: str, backend: str, write_drop: WriteDrop
) -> None:
    error = error_of(write_drop, "f.json", data, backend)
    assert error["slug"] == "unreadable-json" and says in str(error["message"]), error


@pytest.mark.parametrize(
    ("data", "line", "says"),
    [
        (b'{"a": 1}\n{"a": 2,}\n', 2, "not well formed"),
        (b'{"a": 1}\n\n[1, 2]\n', 3, "line 3 is a JSON list"),
    ],
)
def test_json_lines_errors_name_the_line(
    data: bytes, line: int, says: str, backend: str, write_drop: WriteDrop
) -> None:
    error = error_of(write_drop, "f.jsonl", data, backend)
    assert error["slug"] == "unreadable-json" and says in str(error["message"])
    assert error["location"]["line"] == line  # type: ignore[index]


def test_nested_json_cells_are_refused_with_their_row(backend: str, write_drop: WriteDrop) -> None:
    data = b'[{"figure_id": "t", "region": null}, {"figure_id": "a", "region": {"name": "A"}}]'
    error = error_of(write_drop, "f.json", data, backend)
    assert error["slug"] == "unsupported-column-type"
    assert error["location"] == {"file": error["location"]["file"], "row": 3, "column": "region"}  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "data"), [("f.json", b"  \n"), ("f.jsonl", b""), ("f.parquet", b"")]
)
def test_empty_json_and_parquet(name: str, data: bytes, write_drop: WriteDrop) -> None:
    assert error_of(write_drop, name, data)["slug"] == "empty-file"


def test_an_empty_array_is_a_table_without_columns(write_drop: WriteDrop) -> None:
    error = error_of(write_drop, "f.json", b"[]")
    assert error["slug"] == "missing-column"


# --- the manifest -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fields", "slug", "says"),
    [
        ("f.xlsx", {}, "unsupported-format", "'.xlsx'"),
        ("f.csv.gz", {}, "unsupported-format", "'.gz'"),
        ("f.csv", {"format": "excel"}, "unsupported-format", "'excel'"),
        (
            "f.parquet",
            {"delimiter": ";"},
            "invalid-manifest",
            "`delimiter` does not apply to a parquet",
        ),
        ("f.parquet", {"encoding": "utf-8"}, "invalid-manifest", "`encoding` does not apply"),
        ("f.json", {"header": 2}, "invalid-manifest", "`header` does not apply to a json"),
        ("f.csv", {"header": 0}, "invalid-manifest", "header 0"),
        ("f.csv", {"header": "2"}, "invalid-manifest", "header '2'"),
        ("f.csv", {"header": True}, "invalid-manifest", "header True"),
        ("f.csv", {"delimiter": '"'}, "invalid-manifest", "delimiter"),
        ("f.csv", {"delimiter": ";;"}, "invalid-manifest", "delimiter"),
    ],
)
def test_manifest_fields_are_checked(
    name: str, fields: dict[str, object], slug: str, says: str, write_drop: WriteDrop
) -> None:
    error = error_of(write_drop, name, CSV, **fields)
    assert error["slug"] == slug and says in str(error["message"]), error
    assert str(error["location"]["file"]).endswith("drop.yml")  # type: ignore[index]
    assert error["location"]["line"] == 4  # type: ignore[index]


def test_a_file_without_suffix_is_csv(write_drop: WriteDrop) -> None:
    assert validate_drop(write_drop(("figures", CSV, {})), SUITE).errors == ()


def test_unknown_engine_is_refused(write_drop: WriteDrop) -> None:
    error = only_error(validate_drop(write_drop(("f.csv", CSV, {})), SUITE, engine="dask"))
    assert error["slug"] == "unknown-engine"
