"""A real table with typed numbers: Playfair's 1821 wheat prices and weekly wages, as the
JSON vega_datasets ships (``fixtures/drops/playfair-wheat-1821``). Every number is read
as exactly the float the file holds, on both engines; what statcheck reports is checked
against a few lines of plain pandas reading the same file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import statcheck
from statcheck.checking import drop_inputs
from statcheck.drops.manifest import read_drop, sha256_of
from tests.conftest import REPO

DROP = REPO / "fixtures" / "drops" / "playfair-wheat-1821"
SUITE = REPO / "expectations" / "playfair-wheat.yml"
ENGINES = ("polars", "pandas")


def published() -> pd.DataFrame:
    return pd.read_json(DROP / "wheat.json", dtype={"year": str})


def _figures(drop: Path, engine: str) -> dict[str, tuple[float, float, float]]:
    suite = statcheck.load_suite(SUITE)
    inputs = drop_inputs(read_drop(drop), suite.table, engine, values=suite.values)
    rows = inputs.figures.frame.select("figure_id", "value", "low", "high").rows()
    return {r[0]: (float(r[1]), float(r[2]), float(r[3])) for r in rows}


@pytest.mark.parametrize("engine", ENGINES)
def test_every_typed_number_is_read_exactly(engine: str) -> None:
    table = published()
    figures = _figures(DROP, engine)
    expected = {
        f"{metric}|{row.year}": getattr(row, column)
        for row in table.itertuples()
        for column, metric in (("wheat", "wheat_price"), ("wages", "weekly_wages"))
        if pd.notna(getattr(row, column))
    }
    assert {k: v[0] for k, v in figures.items()} == expected
    # Typed, so exact: no rounding interval around 41.5 or 5.05.
    assert all(low == value == high for value, low, high in figures.values())


@pytest.mark.parametrize("engine", ENGINES)
def test_wages_never_fall_and_the_missing_wages_are_no_figures(engine: str) -> None:
    table = published()
    wages = table["wages"].dropna()
    steps = len(wages) - 1
    assert (wages.diff().dropna() > 0).all()  # pandas: every step rises
    report = statcheck.validate(DROP, suite=SUITE, engine=engine)
    assert report.errors == ()
    result = {r.rule: r for r in report.results}["wages-never-fall"]
    assert result.status == "pass" and result.counts is not None
    assert (result.counts.checked, result.counts.failed) == (steps, 0) == (49, 0)
    assert report.rows is not None
    assert report.rows.read == len(table) == 52
    assert (
        dict(report.rows.reasons)
        == {"empty-cell": int(table["wages"].isna().sum())}
        == {"empty-cell": 2}
    )


def test_both_engines_give_the_same_report() -> None:
    reports = [statcheck.validate(DROP, suite=SUITE, engine=e).to_dict() for e in ENGINES]
    for r in reports:
        r.pop("generated_at", None)
    assert reports[0] == reports[1]


def test_the_file_is_the_one_vega_datasets_ships() -> None:
    manifest = read_drop(DROP)
    [entry] = manifest.files
    assert entry.sha256 == sha256_of(DROP / "wheat.json")
    assert json.loads((DROP / "wheat.json").read_text())[0] == {
        "year": "1565",
        "wheat": 41,
        "wages": 5,
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_a_fall_of_one_hundredth_is_found_exactly_where_pandas_finds_it(
    engine: str, tmp_path: Path
) -> None:
    """The same file with 1705's wages lowered below 1700's by 0.01: typed numbers are
    exact, so the one fall pandas sees is the one fall statcheck reports."""
    records = json.loads((DROP / "wheat.json").read_text())
    by_year = {r["year"]: r for r in records}
    by_year["1705"]["wages"] = by_year["1700"]["wages"] - 0.01
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "wheat.json").write_text(json.dumps(records))
    (drop / "drop.yml").write_text(
        "id: changed\nfiles:\n  - {path: wheat.json, role: figures, format: json, "
        f"sha256: {sha256_of(drop / 'wheat.json')}}}\n"
    )
    changed = pd.read_json(drop / "wheat.json", dtype={"year": str}).dropna(subset=["wages"])
    falls = changed.loc[changed["wages"].diff() < 0, "year"].tolist()
    assert falls == ["1705"]
    report = statcheck.validate(drop, suite=SUITE, engine=engine)
    result = {r.rule: r for r in report.results}["wages-never-fall"]
    assert result.status == "fail"
    assert [f.figures[0] for f in result.findings] == [f"weekly_wages|{y}" for y in falls]
