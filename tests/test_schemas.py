"""The pandera schemas pipelines import, for pandas and polars, accept exactly the frames
`statcheck.validate` reads: the seed drop, numbers, period labels, dates; and a frame
synthesised from the schema by pandera's strategies is read by validate."""

from __future__ import annotations

import datetime as dt

import hypothesis
import pandas as pd
import pandera.errors
import polars as pl
import pytest
from hypothesis import given

import statcheck
from statcheck.published_tables import figure_table
from statcheck.schemas import FigureTable, SourceTable
from tests.conftest import SEED_DROP


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(SEED_DROP / name, dtype=str, keep_default_na=False).replace("", None)


def test_seed_tables_conform() -> None:
    FigureTable.validate(read("figures.csv"))
    SourceTable.validate(read("sources.csv"))


def test_broken_figure_table_lists_every_problem() -> None:
    df = read("figures.csv")
    df.loc[1, "figure_id"] = df.loc[0, "figure_id"]  # duplicate id
    df.loc[2, "period_end"] = "31/10/2024"  # not ISO
    df.loc[3, "status"] = "final-ish"
    with pytest.raises(pandera.errors.SchemaErrors) as exc:
        FigureTable.validate(df, lazy=True)
    failed = set(exc.value.failure_cases["column"])
    assert {"figure_id", "period_end", "status"} <= failed


def test_unknown_source_kind_is_rejected() -> None:
    df = read("sources.csv")
    df.loc[0, "kind"] = "tabloid"
    with pytest.raises(pandera.errors.SchemaError):
        SourceTable.validate(df)


def test_the_old_names_are_the_published_table_models() -> None:
    from statcheck.published_tables import PublishedFigureTable, PublishedSourceTable

    assert FigureTable is PublishedFigureTable and SourceTable is PublishedSourceTable


# ---------------------------------------------------------------- what validate accepts


SUITE = statcheck.suite("periods", [statcheck.rules.period("periods-are-sound")])
BASE: dict[str, list[object]] = {
    "figure_id": ["a", "b"],
    "metric": ["cases", "cases"],
    "value": ["60,000", "about 1.2 million"],
    "unit": ["cases", "cases"],
    "source_id": ["ft", "kp"],
    "period": ["2024", "2024-Q3"],
}
# name -> (changes to BASE, whether validate reads the table)
TABLES: dict[str, tuple[dict[str, list[object] | None], bool]] = {
    "printed values, period labels": ({}, True),
    "numeric values": ({"value": [60000.0, 1.5e-6]}, True),
    "integer values and ids": ({"value": [60000, 3], "figure_id": [1, 2]}, True),
    "start and end as text": (
        {"period": None, "period_start": ["2024-01-01", "2024-07-01"],
         "period_end": ["2024-12-31", "2024-09-30"]}, True),
    "a dimension and a precision": ({"region": ["N", "S"], "precision": ["1", "0.5"]}, True),
    "boolean values": ({"value": [True, False]}, False),
    "infinite value": ({"value": [float("inf"), 1.0]}, False),
    "no period": ({"period": None}, False),
    "half a period": ({"period": None, "period_start": ["2024-01-01", "2024-01-01"]}, False),
    "a duplicated id": ({"figure_id": ["a", "a"]}, False),
    "a blank metric": ({"metric": ["cases", "  "]}, False),
    "no unit column": ({"unit": None}, False),
    "an unknown status": ({"status": ["final", "final-ish"]}, False),
    "a date that is no day": (
        {"period": None, "period_start": ["2023-02-29", "2024-01-01"],
         "period_end": ["2024-12-31", "2024-12-31"]}, False),
    "a negative precision": ({"precision": [-1.0, 1.0]}, False),
}  # fmt: skip


def _table(changes: dict[str, list[object] | None]) -> dict[str, list[object]]:
    columns = {**BASE, **changes}
    return {k: v for k, v in columns.items() if v is not None}


def _accepts(schema: object, frame: object) -> bool:
    try:
        schema.validate(frame, lazy=True)  # type: ignore[attr-defined]
    except (pandera.errors.SchemaErrors, pandera.errors.SchemaError):
        return False
    return True


@pytest.mark.parametrize("library", ["pandas", "polars"])
@pytest.mark.parametrize("name", list(TABLES))
def test_the_schema_accepts_exactly_what_validate_reads(name: str, library: str) -> None:
    changes, readable = TABLES[name]
    columns = _table(changes)
    frame = pd.DataFrame(columns) if library == "pandas" else pl.DataFrame(columns, strict=False)
    report = statcheck.validate(frame, SUITE)
    assert (report.errors == ()) is readable, [e.message for e in report.errors]
    assert _accepts(figure_table(library), frame) is readable


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_dates_as_dates_are_accepted(library: str) -> None:
    columns = _table(
        {
            "period": None,
            "period_start": [dt.date(2024, 1, 1)] * 2,
            "period_end": [dt.date(2024, 12, 31)] * 2,
        }
    )
    frame = pl.DataFrame(columns)
    frame = (
        frame.to_pandas().astype({"period_start": "datetime64[ns]", "period_end": "datetime64[ns]"})
        if library == "pandas"
        else frame
    )
    assert statcheck.validate(frame, SUITE).errors == ()
    assert _accepts(figure_table(library), frame)


SYNTHESISABLE = figure_table("pandas", values="number", dates="text", ids="text")


# No shrinking: a frame's failing example is shown as it was found (shrinking frames is slow).
@hypothesis.settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    phases=(hypothesis.Phase.explicit, hypothesis.Phase.generate),
)
@given(SYNTHESISABLE.strategy(size=4))
def test_a_table_synthesised_from_the_schema_is_read_by_validate(frame: pd.DataFrame) -> None:
    # pandera's synthesis can yield a cell its own checks refuse ('' for a pattern)
    hypothesis.assume(_accepts(SYNTHESISABLE, frame))
    report = statcheck.validate(frame, SUITE)
    assert report.errors == (), [e.message for e in report.errors] + [frame.to_dict("list")]
