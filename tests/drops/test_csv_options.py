"""A CSV as published: its delimiter, its decimal mark, and title lines above the header."""

from __future__ import annotations

import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.report import Status
from tests.drops.conftest import WriteDrop
from tests.drops.helpers import SUITE, TEXT_FIGURES, encode, only_error, outcome

CSV = encode(TEXT_FIGURES, "csv").decode()
TITLE = 'Table 1: "Cases", by region\nSource: statistics office;;;\n'  # quotes, ragged

SHARE = suite_from_yaml(
    "suite: t\nrules:\n  - {id: s, kind: sum, over: region, total: T, parts: [A, B]}\n"
)


def test_semicolons_and_a_decimal_comma(backend: str, write_drop: WriteDrop) -> None:
    text = (
        "figure_id;metric;value;unit;period;source_id;region\n"
        "t;m;2,5;u;2024;s;T\n"
        "a;m;1,25;u;2024;s;A\n"
        "b;m;1,25;u;2024;s;B\n"
    )
    drop = write_drop(("f.csv", text.encode(), {"delimiter": ";", "decimal": ","}))
    assert validate_drop(drop, SHARE, engine=backend).result("s").status is Status.PASS
    wrong = write_drop(
        ("f.csv", text.replace("1,25", "1,35").encode(), {"delimiter": ";", "decimal": ","}),
        name="w",
    )
    assert validate_drop(wrong, SHARE, engine=backend).result("s").status is Status.FAIL


def test_tabs(backend: str, write_drop: WriteDrop) -> None:
    drop = write_drop(
        (
            "f.tsv",
            CSV.replace(",", "\t").replace("\t000", ",000").encode(),
            {"format": "csv", "delimiter": "\t"},
        )
    )
    expected = validate_drop(write_drop(("f.csv", CSV.encode(), {}), name="plain"), SUITE)
    assert outcome(validate_drop(drop, SUITE, engine=backend)) == outcome(expected)


def test_title_lines_above_the_header_are_skipped(backend: str, write_drop: WriteDrop) -> None:
    drop = write_drop(("f.csv", (TITLE + CSV).encode(), {"header": 3}))
    expected = validate_drop(write_drop(("f.csv", CSV.encode(), {}), name="plain"), SUITE)
    assert outcome(validate_drop(drop, SUITE, engine=backend)) == outcome(expected)


def test_rows_are_counted_from_the_top_of_the_file(backend: str, write_drop: WriteDrop) -> None:
    bad = CSV.replace("4,000", "four", 1)  # first data row after the total: line 3 without titles
    drop = write_drop(("f.csv", (TITLE + bad).encode(), {"header": 3}))
    error = only_error(validate_drop(drop, SUITE, engine=backend))
    assert error["slug"] == "invalid-number"
    assert error["location"]["row"] == 5 and error["location"]["column"] == "value"


def test_mapped_rows_are_counted_from_the_top_of_the_file(
    backend: str, write_drop: WriteDrop
) -> None:
    suite = suite_from_yaml(
        """
suite: t
table:
  source: {source_id: office, name: Statistics office, kind: official}
  period: {year: year}
  value: cases
  metric: cases
  unit: cases
rules:
  - {id: p, kind: period, checks: [ordered]}
"""
    )
    text = "Cases per year\n\nyear,cases\n2023,10\n2024,ten\n"
    error = only_error(
        validate_drop(write_drop(("f.csv", text.encode(), {"header": 3})), suite, engine=backend)
    )
    assert error["slug"] == "invalid-number" and error["location"]["row"] == 5


@pytest.mark.parametrize(
    ("text", "header", "says"),
    [
        ("a,b,a\n1,2,3\n", 1, "repeated name(s) 'a'"),
        ("a, ,c\n1,2,3\n", 1, "blank name in column(s) 2"),
        ("a,b,\n1,2,3\n", 1, "blank name in column(s) 3"),
        ("Title\n,,\na,b\n", 2, "line 2) is blank"),
        ("Title\na,b\n", 5, "on line 5, but the file has 2 line(s)"),
    ],
)
def test_bad_headers(
    text: str, header: int, says: str, backend: str, write_drop: WriteDrop
) -> None:
    drop = write_drop(("f.csv", text.encode(), {"header": header}))
    error = only_error(validate_drop(drop, SUITE, engine=backend))
    assert error["slug"] == "bad-header" and says in error["message"]
    assert error["location"]["line"] == header and error["exit_code"] == 2


def test_ragged_rows_are_refused(backend: str, write_drop: WriteDrop) -> None:
    drop = write_drop(("f.csv", (CSV + "x,y,z,1,2,3,4,5,6\n").encode(), {}))
    error = only_error(validate_drop(drop, SUITE, engine=backend))
    assert error["slug"] == "unreadable-csv"


@pytest.mark.parametrize("data", [b"", b"  \n\n", b"\xef\xbb\xbf\n"])
def test_empty_files(data: bytes, backend: str, write_drop: WriteDrop) -> None:
    error = only_error(validate_drop(write_drop(("f.csv", data, {})), SUITE, engine=backend))
    assert error["slug"] == "empty-file"
