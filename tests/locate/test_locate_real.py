"""Localisation on the bundled real tables: it blames what the other rules do not clear."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import pytest

import statcheck
from statcheck.localisation import Localisation, locate
from tests.conftest import REPO, SEED_DROP, SEED_SUITE

WORLD_BANK = REPO / "fixtures" / "drops" / "worldbank-population-2026-03-06"
WORLD_BANK_SUITE = REPO / "expectations" / "worldbank-population.yml"
BLS = REPO / "fixtures" / "drops" / "bls-cps-aat1-2025"
BLS_SUITE = REPO / "expectations" / "bls-cps-aat1.yml"
INCOME_GROUPS = {"HIC", "UMC", "LMC", "LIC"}
# The three sum identities of aat1, in the CSV's own columns: total, parts.
IDENTITIES = {
    "labor_force": ("employed_total", "unemployed"),
    "population": ("labor_force", "not_in_labor"),
    "employed_total": ("agrictulture_ratio", "nonagriculture_ratio"),
}
METRIC_COLUMN = {  # the suite's metric names, as the CSV's columns
    "labor_force": "labor_force",
    "population": "population",
    "employed": "employed_total",
    "unemployed": "unemployed",
    "not_in_labor_force": "not_in_labor",
    "employed_agriculture": "agrictulture_ratio",
    "employed_nonagriculture": "nonagriculture_ratio",
}


@pytest.fixture(scope="module")
def world_bank() -> Localisation:
    return locate(WORLD_BANK, WORLD_BANK_SUITE)


@pytest.fixture(scope="module")
def bls() -> Localisation:
    return locate(BLS, BLS_SUITE)


def test_world_bank_never_blames_the_world_total_but_the_income_groups_every_year(
    world_bank: Localisation,
) -> None:
    failing = world_bank.for_rule("world-is-the-sum-of-the-four-income-groups")
    years = sorted({f.figures[0].rsplit("|", 1)[1] for f in failing})
    assert len(failing) == len(years) == 65 and years[0] == "1960"  # every year fails
    assert world_bank.for_rule("world-is-the-sum-of-the-seven-regions") == []
    for finding in failing:
        assert finding.component is not None
        component = world_bank.component(finding.component)
        assert component.failing == ("world-is-the-sum-of-the-four-income-groups",)
        # Each income group alone is a smallest fix; the world total never is one, nor
        # part of one (it would break the regional identity it satisfies).
        assert len(component.sets) == 4
        for found in component.sets:
            [culprit] = found.culprits
            assert culprit.figure_id.split("|")[1] in INCOME_GROUPS
            assert found.weight == 1.0


def test_world_bank_range_is_what_the_world_total_leaves_for_the_group(
    world_bank: Localisation,
) -> None:
    """Independently, with pandas: WLD minus the other three groups, give or take the
    sum's tolerance for floating-point noise (a billionth of the total)."""
    raw = pd.read_csv(WORLD_BANK / "population.csv")
    year = raw[raw["Year"] == 1960].set_index("Country Code")["Value"]
    needed = year["WLD"] - year["UMC"] - year["LMC"] - year["LIC"]
    [finding] = [
        f for f in world_bank.for_rule("world-is-the-sum-of-the-four-income-groups")
        if f.figures[0] == "population|WLD|1960"
    ]  # fmt: skip
    assert finding.component is not None
    sets = world_bank.component(finding.component).sets
    [hic] = [s.culprits[0] for s in sets if s.ids == ("population|HIC|1960",)]
    assert hic.low is not None and hic.high is not None
    assert hic.low <= needed <= hic.high
    assert hic.high - hic.low < 1e-8 * year["WLD"]


def _aat1() -> pd.DataFrame:
    raw = pd.read_csv(BLS / "aat1.csv")
    # 1947 is printed twice (two age bases): statcheck leaves those rows out of its sums.
    return raw[~raw["year"].duplicated(keep=False)].set_index("year")


def _holds(row: pd.Series, exact: set[str], total: str, parts: tuple[str, ...]) -> bool:
    """Whether total = Σ parts within the rounding of the printed figures (half a
    thousand each, in thousands), figures in ``exact`` counting as exact, and the
    billionth statcheck allows for floating-point noise."""
    rounding = sum(0.5 for c in (total, *parts) if c not in exact)
    return bool(abs(row[total] - sum(row[p] for p in parts)) <= rounding + 1e-9 * row[total])


def test_bls_every_failing_year_gets_a_culprit_set_that_mends_its_three_identities(
    bls: Localisation,
) -> None:
    table = _aat1()
    failing_years = {
        int(year)
        for year, row in table.iterrows()
        if not all(_holds(row, set(), t, p) for t, p in IDENTITIES.items())
    }
    placed = [f for f in bls.findings if f.slug == "sum-mismatch"]
    assert {int(f.figures[0].split("|")[1]) for f in placed} == failing_years
    assert failing_years == {1948, 1949, 1950, 1952, 1953, 1954, 1955, 1956, 1960, 1975}
    for finding in placed:
        assert finding.component is not None
        component = bls.component(finding.component)
        for found in component.sets:
            year = int(found.ids[0].split("|")[1])
            row = table.loc[year].copy()
            exact = set()
            for culprit in found.culprits:
                metric, _ = culprit.figure_id.split("|")
                ends = [e for e in (culprit.low, culprit.high) if e is not None]
                row[METRIC_COLUMN[metric]] = sum(ends) / len(ends) / 1000  # in thousands
                exact.add(METRIC_COLUMN[metric])
            if len(found.culprits) == 1:  # with two, one may move with the other
                assert all(_holds(row, exact, t, p) for t, p in IDENTITIES.items()), found


def test_bls_1956_needs_two_changes_and_says_so(bls: Localisation) -> None:
    [finding] = [
        f for f in bls.for_rule("labor-force-is-employed-plus-unemployed") if "1956" in f.figures[0]
    ]
    assert finding.component is not None
    component = bls.component(finding.component)
    assert all(len(s.culprits) == 2 and s.weight == 2.0 for s in component.sets)


def test_bls_ratios_are_left_out_and_said_so(bls: Localisation) -> None:
    left = {rule: (kind, why) for rule, kind, why in bls.left_out}
    assert set(left) == {
        "participation-rate-is-labor-force-over-population",
        "employment-ratio-is-employed-over-population",
        "unemployment-rate-is-unemployed-over-labor-force",
    }
    assert all(kind == "ratio" and "not linear" in why for kind, why in left.values())


def test_seed_period_mismatch_is_not_a_numeric_failure_to_locate() -> None:
    found = locate(SEED_DROP, SEED_SUITE)
    [finding] = found.for_rule("ft-60000-is-desertion-plus-awol")
    assert finding.slug == "period-mismatch"
    assert finding.component is None
    assert finding.note is not None and "not a numeric failure" in finding.note
    assert "periods" in finding.note


def test_locate_is_public_and_lazy() -> None:
    assert statcheck.locate is locate


def test_components_are_numbered_in_order(world_bank: Localisation) -> None:
    numbers = [c.number for c in world_bank.components]
    assert all(b == a + 1 for a, b in pairwise(numbers))
