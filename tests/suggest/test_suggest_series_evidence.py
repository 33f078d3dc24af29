"""Evidence for series, rates and constant factors: random tables get none, planted ones
are found with their failing rows, and what no rule can state is a note."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import statcheck
from statcheck.suggest import suggest
from tests.conftest import REPO


def _monthly(columns: dict[str, list[str]], months: int) -> pd.DataFrame:
    periods = pd.period_range("2001-01", periods=months, freq="M").astype(str)
    return pd.DataFrame({"month": list(periods), **columns})


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_columns=st.integers(3, 8),
    rows=st.integers(6, 80),
    digits=st.integers(1, 6),
)
def test_random_monthly_tables_get_no_sums_ratios_rates_or_changes(
    seed: int, n_columns: int, rows: int, digits: int
) -> None:
    rng = np.random.default_rng(seed)
    # each column its own magnitude and sign, some printed to a decimal or to thousandths;
    # every fourth a random walk (a level whose steps go either way), as series are
    drawn = [
        rng.uniform(-(j % 2), 1, size=rows) * 10.0 ** rng.integers(0, digits + 1)
        for j in range(n_columns)
    ]
    walks = [np.cumsum(d) + 10.0**digits if j % 4 == 3 else d for j, d in enumerate(drawn)]
    columns = {
        f"c{j}": [f"{v:.{(0, 1, 3)[j % 3]}f}" for v in values] for j, values in enumerate(walks)
    }
    found = suggest(_monthly(columns, rows))
    assert found.relations == () and found.suite is None
    assert not any(n.startswith("series (note only)") for n in found.notes)


def test_a_planted_change_and_percent_change_are_found_with_the_month_that_fails() -> None:
    rng = np.random.default_rng(11)
    months = 40
    level = np.cumsum(rng.integers(-500, 900, months)) + 100_000
    change = np.r_[0, np.diff(level)]
    change[17] += 40  # a misprint: fails by 40 less the rounding
    growth = np.r_[0.0, np.diff(level) / level[:-1] * 100]
    table = _monthly(
        {
            "level": list(map(str, level)),
            "change": ["", *map(str, change[1:])],
            "growth": ["", *(f"{g:.2f}" for g in growth[1:])],
        },
        months,
    )
    found = suggest(table)
    rules = {r.rule.id: r for r in found.relations}
    assert set(rules) == {"change-is-the-change-of-level", "growth-is-the-percent-change-of-level"}
    near_miss = rules["change-is-the-change-of-level"]
    assert near_miss.near_miss
    assert near_miss.comment().startswith(
        "near-miss: holds in 38 of 39 months; fails in 2002-06 by 38.5"
    )
    assert not rules["growth-is-the-percent-change-of-level"].near_miss


def test_a_month_after_a_gap_has_no_month_before_as_in_validate() -> None:
    rng = np.random.default_rng(5)
    months = 30
    level = np.cumsum(rng.integers(100, 900, months))
    change = np.r_[0, np.diff(level)].astype(object)
    table = _monthly({"level": list(map(str, level)), "change": list(map(str, change))}, months)
    table = table.drop(index=[10]).reset_index(drop=True)  # March 2001... a month left out
    found = suggest(table)
    (change_rule,) = (r for r in found.relations if r.rule.KIND == "series" and r.rule.change)  # type: ignore[attr-defined]
    # 29 months printed; the first and the one after the gap have no month before
    assert change_rule.support.rows == 27 and change_rule.support.holds == 27


def test_a_change_from_the_same_month_a_year_before_is_a_note_only() -> None:
    rng = np.random.default_rng(2)
    months = 48
    level = rng.integers(1_000, 9_000, months)
    yoy = np.r_[[np.nan] * 12, level[12:] - level[:-12]]
    table = _monthly(
        {
            "level": list(map(str, level)),
            "on_year": [""] * 12 + [str(int(v)) for v in yoy[12:]],
        },
        months,
    )
    found = suggest(table)
    assert found.relations == ()
    (note,) = (n for n in found.notes if n.startswith("series (note only)"))
    assert "on_year is the absolute change of level from 12 months before" in note
    assert "holds in 36 of 36 months" in note


def test_a_running_total_is_proposed_and_a_level_that_falls_once_is_not() -> None:
    rng = np.random.default_rng(9)
    years = 25
    running = np.cumsum(rng.integers(0, 50, years))
    level = running.copy()
    level[12] -= 80  # falls once
    table = pd.DataFrame(
        {
            "year": [str(2000 + i) for i in range(years)],
            "running": list(map(str, running)),
            "level": list(map(str, level)),
        }
    )
    found = suggest(table)
    assert [r.rule.id for r in found.relations] == ["running-never-falls"]
    assert (
        found.relations[0]
        .comment()
        .startswith("holds in 24 of 24 years (chance of a coincidence: 1e-7")
    )


def test_a_short_running_total_is_too_few_steps_to_tell() -> None:
    table = pd.DataFrame(
        {
            "year": ["2001", "2002", "2003", "2004", "2005", "2006"],
            "n": ["1", "4", "9", "12", "20", "31"],
        }
    )
    assert suggest(table).relations == ()


def test_a_quarterly_rate_a_year_is_written_as_a_rate_per_year() -> None:
    rng = np.random.default_rng(4)
    quarters = 24
    population = rng.integers(2_000_000, 3_000_000, quarters)
    deaths = rng.integers(3_000, 9_000, quarters)
    labels = [f"{2000 + q // 4}-Q{q % 4 + 1}" for q in range(quarters)]
    table = pd.DataFrame(
        {
            "year": [lbl[:4] for lbl in labels],
            "quarter": [lbl[-1] for lbl in labels],
            "population": list(map(str, population)),
            "deaths": list(map(str, deaths)),
            "rate": [f"{r:.1f}" for r in 4 * 100_000 * deaths / population],
        }
    )
    found = suggest(table)
    (relation,) = found.relations
    assert relation.rule.to_mapping() == {
        "id": "rate-is-deaths-per-population-a-year",
        "kind": "rate",
        "over": "metric",
        "rate": "rate",
        "total": "deaths",
        "of": "population",
        "per": "year",
        "scale": 100000,
    }
    assert found.suite is not None and found.suite.table is not None
    units = {s.column: s.unit for s in found.suite.table.series}
    assert units["rate"] == "per 100,000 a year"


def test_a_change_on_three_months_is_one_it_cannot_tell() -> None:
    table = _monthly({"level": ["120", "180", "150", "390"], "change": ["", "60", "-30", "240"]}, 4)
    found = suggest(table)
    assert found.relations == () and found.suite is None
    (undecided,) = found.undecided
    assert undecided.startswith("change-is-the-change-of-level: holds in 3 of 3 months")
    assert "too few to tell it from chance" in undecided


def test_months_that_add_up_to_their_year_are_a_partition_and_levels_a_note(
    tmp_path: Path,
) -> None:
    # BLS CES nonfarm employment: each month's printed change, and each year's change
    # from December to December worked out from the printed levels (not from the
    # months); the year's level is the mean of its months: a level, no sum
    ces = pd.read_csv(
        REPO / "fixtures" / "drops" / "bls-ces-us-employment-2018" / "us-employment.csv"
    )
    ces["year"] = ces.month.str[:4]
    december = ces[ces.month.str[5:7] == "12"].set_index("year").nonfarm
    years = [str(y) for y in range(2007, 2016)]
    rows = [
        (
            y,
            str(int(december[y] - december[str(int(y) - 1)])),
            str(round(ces[ces.year == y].nonfarm.mean())),
        )
        for y in years
    ]
    rows += [
        (m[:7], str(c), str(n))
        for m, c, n in ces[ces.year.isin(years)][["month", "nonfarm_change", "nonfarm"]].itertuples(
            index=False
        )
    ]
    table = pd.DataFrame(rows, columns=["period", "change", "level"])
    csv = tmp_path / "ces-years-and-months.csv"
    table.to_csv(csv, index=False)
    found = suggest(csv)
    (relation,) = found.relations
    assert relation.rule.to_mapping() == {
        "id": "change-months-make-up-each-year",
        "kind": "partition",
        "whole": "year",
        "parts": "month",
        "add_up": True,
        "figures": {"metric": "change"},
    }
    assert relation.comment().startswith("holds in 9 of 9 years")
    assert (
        "schema (note only): every year of level has all its months printed, but they do "
        "not add up to it (a level or a rate: the year is no sum)"
    ) in found.notes
    assert found.suite is not None and found.suite.table is not None
    assert found.suite.table.period.to_mapping() == {"label": "period"}
    suite = tmp_path / "suite.yml"
    suite.write_text(found.to_yaml(), encoding="utf-8")
    report = statcheck.validate(csv, suite)
    assert [(r.rule, r.status.value) for r in report.results] == [
        ("schema", "pass"),
        ("change-months-make-up-each-year", "pass"),
    ]
    assert report.results[1].counts is not None and report.results[1].counts.checked == 9
    # docs/suggest.md shows this output
    page = (REPO / "docs" / "suggest.md").read_text(encoding="utf-8")
    excerpts = re.findall(r"<!-- suggest-excerpt-partition -->\n```yaml\n(.*?)```", page, re.S)
    assert len(excerpts) == 2 and all(e in found.to_yaml() for e in excerpts)
