"""statcheck suggest on the bundled wide tables (BLS, BEA via Ecdat, statsmodels): the identities the publisher states are
found, each near-miss with exactly the years it fails in (checked here with plain
pandas), and the suite it writes runs in validate with exactly those failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest

import statcheck
from statcheck.cli import main
from statcheck.contract.suite import load_suite, suite_from_yaml
from statcheck.suggest import Suggestion, suggest
from tests.conftest import BACKENDS, REPO

AAT1 = REPO / "fixtures" / "drops" / "bls-cps-aat1-2025"
CES = REPO / "fixtures" / "drops" / "bls-ces-us-employment-2018"
ECDAT = REPO / "fixtures" / "drops" / "ecdat-us-finance-industry"
MACRO = REPO / "fixtures" / "drops" / "statsmodels-macrodata-2009"
DROPS = {"aat1": AAT1, "ces": CES, "ecdat": ECDAT, "macrodata": MACRO}

# The accounting identities of CPS table aat1 (BLS's definitions of the labour force).
AAT1_SUMS = {
    "labor_force": ("employed_total", "unemployed"),
    "population": ("labor_force", "not_in_labor"),
    "employed_total": ("agrictulture_ratio", "nonagriculture_ratio"),
}
AAT1_SHARES = {
    "population_percent": ("labor_force", "population"),
    "employed_percent": ("employed_total", "population"),
    "unemployed_percent": ("unemployed", "labor_force"),
}


@pytest.fixture(scope="module")
def aat1() -> Suggestion:
    return suggest(AAT1)


@pytest.fixture(scope="module")
def ces() -> Suggestion:
    return suggest(CES)


def _sums(found: Suggestion) -> dict[str, tuple[str, ...]]:
    # a table-form sum is read as a one-level hierarchy: ((total, parts),)
    return {
        total: tuple(parts)
        for r in found.relations
        if r.rule.KIND == "sum"
        for total, parts in r.rule.hierarchy  # type: ignore[attr-defined]
    }


def _failing_years(found: Suggestion, total: str) -> list[str]:
    (relation,) = (
        r
        for r in found.relations
        if r.rule.KIND == "sum" and r.rule.hierarchy[0][0] == total  # type: ignore[attr-defined]
    )
    return [f.period for f in relation.support.failures]


def _aat1_frame() -> pd.DataFrame:
    table = pd.read_csv(AAT1 / "aat1.csv")
    return table[~table.year.duplicated(keep=False)]  # 1947 is printed twice: left out


def test_aat1_sums_are_found_each_failing_in_the_years_pandas_finds(aat1: Suggestion) -> None:
    table = _aat1_frame()
    assert _sums(aat1) == AAT1_SUMS
    for total, parts in AAT1_SUMS.items():
        gap = table[total] - table[list(parts)].sum(axis=1)
        beyond_rounding = gap.abs() > 0.5 * (1 + len(parts))  # integers: half a unit each
        assert _failing_years(aat1, total) == table.year[beyond_rounding].astype(str).tolist()
    assert _failing_years(aat1, "population") == ["1975"]
    assert len(_failing_years(aat1, "labor_force")) == 8


def test_aat1_shares_are_the_three_rates(aat1: Suggestion) -> None:
    shares = {
        r.rule.share: (r.rule.part, r.rule.whole)  # type: ignore[attr-defined]
        for r in aat1.relations
        if r.rule.KIND == "ratio"
    }
    assert shares == AAT1_SHARES
    table = _aat1_frame()
    # independently: the percentage the rounded counts can give, against 59.2 ± 0.05
    low = (table.labor_force - 0.5) / (table.population + 0.5) * 100
    high = (table.labor_force + 0.5) / (table.population - 0.5) * 100
    off = (high < table.population_percent - 0.05) | (low > table.population_percent + 0.05)
    assert table.year[off].tolist() == [1951]
    (participation,) = (r for r in aat1.relations if r.rule.id.startswith("population-percent"))
    assert [f.period for f in participation.support.failures] == ["1951"]


def test_ces_finds_the_supersector_hierarchy_the_hand_written_suite_states(
    ces: Suggestion,
) -> None:
    written = load_suite(REPO / "expectations" / "bls-ces-us-employment.yml")
    assert written.table is not None
    column = {s.metric: s.column for s in written.table.series}
    expected = {
        (column[total], tuple(sorted(column[p] for p in parts)))
        for r in written.rules
        if r.KIND == "sum"
        for total, parts in r.hierarchy  # type: ignore[attr-defined]
    }
    found = {
        (total, tuple(sorted(parts)))
        for r in ces.relations
        if r.rule.KIND == "sum"
        for total, parts in r.rule.hierarchy  # type: ignore[attr-defined]
    }
    # one hierarchy (tests/suggest/test_suggest_hierarchy.py), nonfarm's second breakdown
    # (private + government), and the monthly change (tests/suggest/test_suggest_series_real.py)
    assert len(ces.relations) == 3
    assert found == expected
    assert ces.near_misses == () and ces.undecided == ()
    assert all(level.support.holds == 120 for level in ces.relations[0].levels)
    assert ces.relations[1].support.holds == ces.relations[1].support.rows == 120


def test_the_table_mapping_has_each_column_at_its_printed_precision(ces: Suggestion) -> None:
    assert ces.suite is not None and ces.suite.table is not None
    precision = {s.column: s.precision for s in ces.suite.table.series}
    assert precision["nonfarm"] == 1.0
    assert precision["wholesale_trade"] == 0.1  # 5840.4, and 4420 with its zero dropped
    assert ces.suite.table.period.to_mapping() == {"month": "month"}


@pytest.mark.parametrize("drop", DROPS.values(), ids=DROPS.keys())
def test_the_written_suite_reads_back_and_passes_check_suite(drop: Path, tmp_path: Path) -> None:
    out = tmp_path / "suggested.yml"
    assert main(["suggest", str(drop), "--out", str(out)]) == 0
    found = suggest(drop)
    assert out.read_text(encoding="utf-8") == found.to_yaml()
    assert suite_from_yaml(out.read_text(encoding="utf-8")) == found.suite
    assert main(["check-suite", str(out)]) == 0


@pytest.mark.parametrize("engine", BACKENDS)
@pytest.mark.parametrize("drop", DROPS.values(), ids=DROPS.keys())
def test_validate_fails_exactly_where_the_suggestion_said(
    drop: Path, engine: str, tmp_path: Path
) -> None:
    found = suggest(drop)
    suite_file = tmp_path / "suggested.yml"
    suite_file.write_text(found.to_yaml(), encoding="utf-8")
    report = statcheck.validate(drop, suite_file, engine=engine)
    results = {r.rule: r for r in report.results}
    assert results.pop("schema").status.value == "pass"  # the suggested `schema:` section
    assert set(results) == {r.rule.id for r in found.relations}
    for relation in found.relations:
        result = results[relation.rule.id]
        assert result.counts is not None
        failed = [
            f.figures[0].split("|")[1] for f in result.findings if f.slug.endswith("-mismatch")
        ]
        assert failed == [f.period for f in relation.support.failures]
        assert (result.counts.checked, result.counts.failed) == (
            relation.support.rows,
            len(relation.support.failures),
        )
        assert result.status.value == ("fail" if relation.near_miss else "pass") or (
            result.status.value == "undetermined" and not relation.near_miss  # 1947 twice
        )


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_a_dataframe_gives_the_suite_the_file_gives(library: str) -> None:
    csv = AAT1 / "aat1.csv"
    frame = (
        pd.read_csv(csv, dtype=str) if library == "pandas" else pl.read_csv(csv, infer_schema=False)
    )
    from_frame = suggest(frame, suite_id="aat1")
    from_file = suggest(csv, suite_id="aat1")
    assert from_frame.relations == from_file.relations
    assert from_frame.suite is not None and from_file.suite is not None
    assert from_frame.suite.rules == from_file.suite.rules
    assert from_frame.suite.table is not None and from_file.suite.table is not None
    assert from_frame.suite.table.series == from_file.suite.table.series


def test_ecdat_finds_the_bea_identities_the_hand_written_suite_states() -> None:
    found = suggest(ECDAT)
    written = load_suite(REPO / "expectations" / "ecdat-us-finance-industry.yml")
    assert written.table is not None
    column = {s.metric: s.column for s in written.table.series}

    def operands(rule: Any) -> list[tuple[str, ...]]:
        if rule.KIND == "sum":  # a hierarchy level by level
            return [(total, *sorted(parts)) for total, parts in rule.hierarchy]
        return [(rule.share, rule.part, rule.whole)]

    expected = {
        tuple(column.get(c, c) for c in each)
        for r in written.rules
        if r.KIND in ("sum", "ratio")
        for each in operands(r)
    }
    assert {each for r in found.relations for each in operands(r.rule)} == expected
    # its two sums chain (a part of one is the other's total): one hierarchy rule
    assert [len(r.levels) for r in found.relations if r.rule.KIND == "sum"] == [2]
    # independently, at the tenth of a billion the figures are printed to
    table = pd.read_csv(ECDAT / "USFinanceIndustry.csv").dropna(subset=["year", "Domestic"])
    gap = table.Domestic - table.Financial - table.Nonfinancial
    assert (gap.abs() <= 0.15 + 1e-9).all()
    assert found.suite is not None and found.suite.table is not None
    assert found.suite.table.missing_values == (("NA", "not-available"),)  # 2012, unpublished


def test_macrodata_treasury_bill_rate_is_inflation_plus_real_rate_but_in_1959q1() -> None:
    found = suggest(MACRO)
    (relation,) = (r for r in found.relations if r.rule.KIND == "sum")
    assert relation.rule.hierarchy == (("tbilrate", ("infl", "realint")),)  # type: ignore[attr-defined]
    table = pd.read_csv(MACRO / "macrodata.csv")
    gap = table.tbilrate - table.infl - table.realint
    off = gap.abs() > 0.005 * 3 + 1e-9
    assert table[off][["year", "quarter"]].values.tolist() == [[1959, 1]]  # no inflation yet: 0
    assert [f.period for f in relation.support.failures] == ["1959-Q1"]
    assert found.suite is not None and found.suite.table is not None
    assert found.suite.table.period.to_mapping() == {"year": "year", "quarter": "quarter"}
