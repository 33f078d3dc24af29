"""statcheck.suggest on a DataFrame reads it as validate does: dates a pandas frame holds
as timestamps are periods, and a frame that is no table of plain cells is refused with a
StatcheckError naming what is wrong, never another library's exception."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pandas as pd
import polars as pl
import pytest

import statcheck
from statcheck.errors import StatcheckError


def _daily(dates: Any) -> pd.DataFrame:
    frame = pd.DataFrame({"date": dates, "a": range(30), "b": [3 * i + 1 for i in range(30)]})
    frame["total"] = frame.a + frame.b
    return frame


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_dates_held_as_timestamps_are_the_period(library: str) -> None:
    frame: Any = _daily(pd.date_range("2020-01-01", periods=30))
    if library == "polars":
        frame = pl.from_pandas(frame)
    found = statcheck.suggest(frame)
    assert found.suite is not None
    assert "total-is-a-plus-b" in [r.id for r in found.suite.rules]


@pytest.mark.parametrize(
    ("frame", "slug"),
    [
        (None, "unsupported-input"),
        ([[2000, 1, 2]], "unsupported-input"),
        (pd.DataFrame([[2000, 1, 2], [2001, 3, 4]], columns=["year", "a", "a"]), "bad-header"),
    ],
    ids=["None", "a list", "a repeated column"],
)
def test_what_is_no_table_is_refused_as_statchecks_error(frame: Any, slug: str) -> None:
    with pytest.raises(StatcheckError) as caught:
        statcheck.suggest(frame)
    assert caught.value.slug == slug


def test_a_column_of_numbers_and_text_is_left_out_not_a_crash() -> None:
    # read_excel gives an object column where one cell carries a footnote mark.
    frame = pd.DataFrame(
        {"year": range(2000, 2010), "a": [*range(1, 10), "10*"], "b": range(10), "c": range(10)}
    )
    frame["total"] = frame.b + frame.c
    found = statcheck.suggest(frame)
    assert found.suite is not None
    assert [r.id for r in found.suite.rules if "total" in r.id] == ["total-is-b-plus-c"]


def test_statcheck_suggest_is_callable_once_its_package_is_imported() -> None:
    # Importing the package first makes it statcheck's attribute `suggest` (a fresh process:
    # in this one, the function may be cached already).
    code = (
        "from statcheck.suggest import Suggestion\n"
        "import statcheck\n"
        "found = statcheck.suggest(__import__('pandas').DataFrame("
        "{'year': range(2000, 2012), 'a': range(12), 'b': range(12), 'c': range(0, 24, 2)}))\n"
        "print(found.suite.rules[0].id)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "c-is-a-plus-b"), done.stderr
