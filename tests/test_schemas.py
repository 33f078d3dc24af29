"""The pandera models pipelines import accept the seed drop and reject broken tables."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest

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
