"""Building the figure table through distinct values gives what reading every row gives.

Text columns with few distinct values are cleaned and checked on those values, and
printed values that repeat are read once per text (statcheck.prepare); whether a column is
read that way is judged on its first rows. Which way a column goes must change nothing:
not the table, not the error a bad table gets.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import pandas as pd
import polars as pl
import pytest

from statcheck import prepare
from statcheck.errors import DataError
from statcheck.prepare import _text

BASE = {
    "figure_id": ["a", " b", "c ", "d", "e", "f"],
    "metric": ["cases", "cases ", "Cases", "cases", "deaths", "deaths"],
    "value": ["1,200", "about 5", "1,200", "7%", "3.5", " 1 000 "],
    "unit": ["people", "people", "people", "Percent", "people", "people"],
    "period": ["2024", "2024-Q1", " 2024", "2024-03", "2024", "2024"],
    "source_id": ["stats"] * 6,
    "qualifier": [None, "About", "", "exact", "more_than", "  "],
    "precision": ["1", None, "10", "", "0.5", "1e2"],
    "status": ["final", "PROVISIONAL", None, "", "forecast", "Final"],
    "region": ["R1", " R2", "", None, "R1", "R1 "],
}


def frame(data: dict[str, list[Any]], backend: str) -> nw.DataFrame[Any]:
    if backend == "polars":
        native: Any = pl.DataFrame(data, schema={c: pl.String for c in data})
    else:
        native = pd.DataFrame(data, dtype="str")
    return nw.from_native(native, eager_only=True)


def outcome(data: dict[str, list[Any]], backend: str) -> Any:
    try:
        built = prepare.normalise_figures(frame(data, backend), "f.csv")
    except DataError as exc:
        return (exc.slug, exc.message, exc.location.to_dict(), exc.hint)
    native = built.frame.to_native()
    as_polars = native if backend == "polars" else pl.from_pandas(native)
    return as_polars.to_dicts(), built.dimensions, [str(t) for t in native.dtypes]


def bad(**columns: list[Any]) -> dict[str, list[Any]]:
    return {**BASE, **columns}


CASES = {
    "clean": BASE,
    "unknown status": bad(status=["final", "bogus", None, "", "Later", "final"]),
    "unknown qualifier": bad(qualifier=[None, "circa", "", "exact", "more_than", ""]),
    "bad precision text": bad(precision=["1", "one", "10", "", "0.5", "-1"]),
    "negative precision": bad(precision=["1", "-1", "10", "", "0.5", "1"]),
    "unreadable values": bad(value=["1,200", "(5)", "1,200", "7%", "x", "(5)"]),
    "inexact value": bad(value=["1,200", "9007199254740993", "1,200", "7%", "3.5", "1"]),
    "too large": bad(value=["1,200", "1" + "0" * 400, "1,200", "7%", "3.5", "1"]),
    "percent, unit not": bad(unit=["people", "people", "people", "people", "people", "people"]),
    "bad periods": bad(period=["2024", "2024-Q5", "2024", "soon", "2024-Q5", "2024"]),
    "empty id": bad(figure_id=["a", "  ", "c", "d", "e", "f"]),
    "duplicate id": bad(figure_id=["a", "b", "a ", "d", "e", "f"]),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_distinct_values_change_nothing(
    case: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_row = outcome(CASES[case], backend)  # six rows: no sample, every row is read
    # A sample of five of the six rows: the columns that repeat in it (values too) are
    # read through their distinct values.
    monkeypatch.setattr(_text, "_SAMPLE_ROWS", 5)
    assert outcome(CASES[case], backend) == every_row
    monkeypatch.setattr(_text, "_SAMPLE_ROWS", 1)
    monkeypatch.setattr(_text, "_FEW_DISTINCT", 0)
    assert outcome(CASES[case], backend) == every_row


@pytest.mark.parametrize("backend", ["polars", "pandas"])
@pytest.mark.parametrize("column", ["period", "published_at"])
def test_the_first_bad_date_in_the_file_is_the_one_reported(backend: str, column: str) -> None:
    # Several distinct bad texts: the error names the earliest row, whatever order the
    # distinct texts come in (polars' is random).
    cells = ["2024", "2024", "later", "2024", "2024-13", "never", "later"]
    if column == "published_at":
        cells = [c if c != "2024" else "2025-01-31" for c in cells]
    n = len(cells)
    data = {
        "figure_id": [f"f{i}" for i in range(n)],
        "metric": ["m"] * n,
        "value": ["1"] * n,
        "unit": ["u"] * n,
        "period": cells if column == "period" else ["2024"] * n,
        "source_id": ["s"] * n,
        **({"published_at": cells} if column == "published_at" else {}),
    }
    for _ in range(5):
        with pytest.raises(DataError) as err:
            prepare.normalise_figures(frame(data, backend), "f.csv")
        assert err.value.location.row == 4  # "later", the third record (header is row 1)
        assert "'later'" in err.value.message
