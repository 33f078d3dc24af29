"""Frames a pipeline hands over with numbers already numbers: exact unless a precision says
otherwise (there is no printing to infer a precision from)."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from statcheck.checking import check_frames
from statcheck.contract import suite_from_yaml
from statcheck.report import Status

SUITE = suite_from_yaml(
    "suite: t\nrules:\n  - id: s\n    kind: sum\n    over: region\n    total: T\n"
)


def frame(library: str, values: list[float], precision: list[float | None]) -> object:
    data = {
        "figure_id": ["t", "a", "b"], "metric": ["m"] * 3, "value": values, "unit": ["u"] * 3,
        "period": ["2024"] * 3, "source_id": ["s"] * 3, "region": ["T", "A", "B"], "precision": precision,
    }  # fmt: skip
    return pl.DataFrame(data) if library == "polars" else pd.DataFrame(data)


@pytest.mark.parametrize("library", ["polars", "pandas"])
def test_numbers_are_exact_by_default(library: str) -> None:
    [f] = (
        check_frames(frame(library, [10.0, 4.0, 6.5], [None, None, None]), SUITE)
        .result("s")
        .findings
    )
    assert f.gap == 0.5 and f.reported is not None and f.reported.low == f.reported.high == 10


@pytest.mark.parametrize("library", ["polars", "pandas"])
def test_a_precision_column_widens_them(library: str) -> None:
    report = check_frames(frame(library, [10.0, 4.0, 6.5], [1.0, None, None]), SUITE)
    assert report.result("s").status is Status.PASS


@pytest.mark.parametrize("library", ["polars", "pandas"])
def test_non_finite_numbers_are_refused_with_their_row(library: str) -> None:
    from statcheck.errors import DataError

    with pytest.raises(DataError) as exc:
        check_frames(frame(library, [10.0, float("inf"), 6.5], [None, None, None]), SUITE)
    assert exc.value.slug == "not-finite" and exc.value.location.row == 3


@pytest.mark.parametrize("library", ["polars", "pandas"])
def test_dates_and_datetimes_are_taken_as_they_are(library: str) -> None:
    import datetime as dt

    data = {
        "figure_id": ["early", "ok"], "metric": ["m"] * 2, "value": [1.0, 2.0], "unit": ["u"] * 2,
        "period_start": [dt.date(2024, 1, 1)] * 2, "period_end": [dt.date(2024, 12, 31)] * 2,
        "source_id": ["s"] * 2, "published_at": [dt.datetime(2024, 6, 1), dt.datetime(2025, 1, 1)],
    }  # fmt: skip
    native = pl.DataFrame(data) if library == "polars" else pd.DataFrame(data)
    suite = suite_from_yaml("suite: t\nrules:\n  - id: p\n    kind: period\n")
    [f] = check_frames(native, suite).result("p").findings
    assert (f.slug, f.figures) == ("published-before-period-end", ("early",))


@pytest.mark.parametrize("library", ["polars", "pandas"])
def test_an_entirely_empty_date_column_is_no_date(library: str) -> None:
    # Every published_at blank: no figure has a publication date, and no engine crashes.
    data = {
        "figure_id": ["a", "b"], "metric": ["m", "m"], "value": ["1", "2"], "unit": ["u", "u"],
        "period": ["2024", "2023"], "source_id": ["s", "s"], "published_at": ["", ""],
    }  # fmt: skip
    table = pl.DataFrame(data) if library == "polars" else pd.DataFrame(data)
    suite = suite_from_yaml("suite: t\nrules: [{id: p, kind: period}]\n")
    report = check_frames(table, suite)
    assert report.errors == ()
    assert [r.status for r in report.results] == [Status.PASS]
