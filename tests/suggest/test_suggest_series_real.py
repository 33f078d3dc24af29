"""statcheck suggest on real published tables, for what it finds beyond sums and shares:
rates a year and constant factors, change and cumulative columns, and the schema.

Four more tables with known identities than tests/suggest/test_suggest_real.py reads:
Klein's Model I (Ecdat: sums with a negative part, and the capital stock's change, a
note), Arbuthnot's christenings (HistData: a ratio, and a total printed in thousands), the
words of US tax law (Ecdat: six sums over six rows) and Nightingale's death rates (HistData:
12 × 1,000 × deaths / army, a rate a year); and the series of the bundled BLS CES, JHU and
statsmodels tables. Each identity is checked here with a few lines of pandas; suggest
must find exactly those, and the suite it writes must pass check-suite and fail in
validate exactly where it said (its near-misses) on every backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import statcheck
from statcheck.cli import main
from statcheck.suggest import Suggestion, suggest
from tests.conftest import BACKENDS, REPO

DATA = Path(__file__).parent / "data"
DROPS = REPO / "fixtures" / "drops"
KLEIN = DATA / "ecdat-klein-model-1920-1941"
ARBUTHNOT = DATA / "histdata-arbuthnot-1629-1710"
TAX_WORDS = DATA / "ecdat-us-tax-words-1955-2005"
NIGHTINGALE = DROPS / "nightingale-crimea-1854-1856"
CES = DROPS / "bls-ces-us-employment-2018"
JHU = DROPS / "jhu-covid-worldwide-2021-04-01"
MACRO = DROPS / "statsmodels-macrodata-2009"

CES_SUMS = {
    ("sum", "nonfarm", ("goods_producing", "service_providing")),
    ("sum", "nonfarm", ("government", "private")),
    ("sum", "private", ("goods_producing", "private_service_providing")),
    ("sum", "service_providing", ("government", "private_service_providing")),
    ("sum", "goods_producing", ("construction", "manufacturing", "mining_and_logging")),
    ("sum", "manufacturing", ("durable_goods", "nondurable_goods")),
    (
        "sum",
        "trade_transportation_utilties",
        ("retail_trade", "transportation_and_warehousing", "utilities", "wholesale_trade"),
    ),
    (
        "sum",
        "private_service_providing",
        (
            "education_and_health_services",
            "financial_activities",
            "information",
            "leisure_and_hospitality",
            "other_services",
            "professional_and_business_services",
            "trade_transportation_utilties",
        ),
    ),
}
EXPECTED: dict[Path, set[tuple[Any, ...]]] = {
    KLEIN: {("sum", "X", ("C", "G", "I")), ("sum", "X", ("P", "T", "Wp"))},
    ARBUTHNOT: {
        ("ratio", "Ratio", "Males", "Females", None),
        ("sum", "Total", ("Females", "Males")),
    },
    TAX_WORDS: {
        ("sum", f"Entire{what}", (f"Income{what}", f"other{what}"))
        for what in ("TaxCode", "TaxRegulations", "TaxCodeAndRegs")
    }
    | {
        ("sum", f"{who}TaxCodeAndRegs", (f"{who}TaxCode", f"{who}TaxRegulations"))
        for who in ("Entire", "Income", "other")
    },
    NIGHTINGALE: {
        ("rate", f"{cause}.rate", cause, "Army", "year", 1000.0)
        for cause in ("Disease", "Wounds", "Other")
    },
    CES: CES_SUMS | {("change", "nonfarm_change", "nonfarm", "absolute")},
    JHU: {
        ("change", "Increase rate", "Confirmed", "percent"),
        ("cumulative", "Confirmed"),
        ("cumulative", "Deaths"),
    },
    MACRO: {("sum", "tbilrate", ("infl", "realint")), ("cumulative", "pop")},
}
TABLES = {path.name: path for path in EXPECTED}


def _related(relations: Any) -> set[tuple[Any, ...]]:
    """What the rules relate, a hierarchy level by level: comparable with what pandas finds."""
    return {
        ("sum", total, tuple(sorted(parts)))
        for r in relations
        if r.rule.KIND == "sum"
        for total, parts in r.rule.hierarchy
    } | {_operands(r.rule) for r in relations if r.rule.KIND != "sum"}


def _operands(rule: Any) -> tuple[Any, ...]:
    """A rule as what it relates: comparable with what pandas finds."""
    if rule.KIND == "ratio":
        return ("ratio", rule.share, rule.part, rule.whole, rule.scale)
    if rule.KIND == "rate":
        return ("rate", rule.rate, rule.total, rule.of, rule.per, rule.scale)
    if rule.cumulative:
        return ("cumulative", rule.figures.to_yaml()["metric"])
    return ("change", rule.change.metric, rule.change.of, rule.change.as_)


@pytest.fixture(scope="module")
def found() -> dict[Path, Suggestion]:
    return {path: suggest(path) for path in EXPECTED}


def _csv(drop: Path) -> pd.DataFrame:
    (file,) = drop.glob("*.csv")
    return pd.read_csv(file)


def test_klein_model_identities_hold_in_pandas_and_are_what_suggest_finds(
    found: dict[Path, Suggestion],
) -> None:
    klein = _csv(KLEIN)
    # One decimal: each figure stands for ± 0.05, four of them ± 0.2.
    assert ((klein.X - klein.C - klein.I - klein.G).abs() <= 0.2 + 1e-9).all()
    assert ((klein.X - klein.P - klein.Wp - klein["T"]).abs() <= 0.2 + 1e-9).all()
    assert (klein.I < 0).sum() == 7  # net disinvestment in the depression: a negative part
    assert _related(found[KLEIN].relations) == EXPECTED[KLEIN]
    # K = K.lag + I: I is the change in K.lag to the next year, which no rule states
    step = (klein["K.lag"].shift(-1) - klein["K.lag"] - klein.I).dropna()
    assert (step.abs() <= 0.15 + 1e-9).all() and len(step) == 21
    (note,) = (n for n in found[KLEIN].notes if n.startswith("series (note only)"))
    assert "I is the absolute change of K.lag to the period after" in note
    assert "holds in 21 of 21 years" in note


def test_arbuthnot_total_is_found_in_thousands_and_the_ratio_as_a_fraction(
    found: dict[Path, Suggestion],
) -> None:
    arbuthnot = _csv(ARBUTHNOT)
    assert ((arbuthnot.Males + arbuthnot.Females) == (arbuthnot.Total * 1000).round()).all()
    assert ((arbuthnot.Ratio - arbuthnot.Males / arbuthnot.Females).abs() < 1e-9).all()
    suggestion = found[ARBUTHNOT]
    assert _related(suggestion.relations) == EXPECTED[ARBUTHNOT]
    assert suggestion.suite is not None and suggestion.suite.table is not None
    series = {s.column: s for s in suggestion.suite.table.series}
    assert (series["Total"].scale, series["Total"].precision) == (1000.0, 0.001)
    assert series["Ratio"].unit == "ratio"
    assert "Total is printed in 1,000s of its parts' unit: `scale: 1000` in the mapping" in (
        suggestion.notes
    )


def test_tax_words_six_sums_over_six_rows(found: dict[Path, Suggestion]) -> None:
    words = _csv(TAX_WORDS)
    for _, total, parts in EXPECTED[TAX_WORDS]:  # thousands of words: three figures ± 0.5
        gap = words[total] - words[list(parts)].sum(axis=1)
        assert (gap.abs() <= 1.5).all(), total
    assert _related(found[TAX_WORDS].relations) == EXPECTED[TAX_WORDS]
    # a grid: the entire count by kind of reader, or by code and regulations, each level
    # of which chains: two hierarchies under one root, a level holding on each of 6 rows
    relations = found[TAX_WORDS].relations
    assert [r.rule.id for r in relations] == [
        "entiretaxcodeandregs-hierarchy",
        "entiretaxcodeandregs-hierarchy-2",
    ]
    assert all(level.support.rows == 6 for r in relations for level in r.levels)
    assert all(r.support.rows == 3 * 6 for r in relations)


def test_nightingale_rates_are_twelve_thousand_times_deaths_over_army(
    found: dict[Path, Suggestion],
) -> None:
    table = _csv(NIGHTINGALE)
    for cause in ("Disease", "Wounds", "Other"):
        # deaths and army to the unit, the rate to a tenth
        low = 12_000 * (table[cause] - 0.5) / (table.Army + 0.5)
        high = 12_000 * (table[cause] + 0.5) / (table.Army - 0.5)
        rate = table[f"{cause}.rate"]
        assert ((rate + 0.05 >= low) & (rate - 0.05 <= high)).all()
        per_month = 1000 * table[cause] / table.Army  # read as a rate a month: off
        assert ((rate - per_month).abs() > 1).sum() >= 10
    relations = found[NIGHTINGALE].relations
    assert _related(relations) == EXPECTED[NIGHTINGALE]
    assert [r.rule.over for r in relations] == ["metric"] * 3  # type: ignore[attr-defined]


def test_ces_monthly_change_is_the_change_in_nonfarm(found: dict[Path, Suggestion]) -> None:
    ces = _csv(CES)
    change = (ces.nonfarm.diff() - ces.nonfarm_change).dropna()
    assert len(change) == 119 and (change.abs() <= 1.5).all()  # three figures ± 0.5
    assert _related(found[CES].relations) == EXPECTED[CES]
    (relation,) = (r for r in found[CES].relations if r.rule.KIND == "series")
    assert relation.comment().startswith("holds in 119 of 119 months")


def test_jhu_counts_never_fall_and_the_increase_rate_is_their_growth(
    found: dict[Path, Suggestion],
) -> None:
    jhu = _csv(JHU)
    falls = {c: int((jhu[c].diff() < -1).sum()) for c in ("Confirmed", "Recovered", "Deaths")}
    assert falls["Confirmed"] == falls["Deaths"] == 0 and falls["Recovered"] > 0
    growth = (jhu.Confirmed.pct_change() * 100 - jhu["Increase rate"]).dropna()
    assert len(growth) == 434 and (growth.abs() < 1e-3).all()
    assert _related(found[JHU].relations) == EXPECTED[JHU]


def test_macrodata_real_rate_is_a_near_miss_and_population_never_falls(
    found: dict[Path, Suggestion],
) -> None:
    macro = _csv(MACRO)
    never_fall = [
        c for c in macro.columns if c not in ("year", "quarter") and (macro[c].diff() >= 0).all()
    ]
    assert never_fall == []  # the first diff is NaN: look at the steps only
    rising = [
        c
        for c in macro.columns
        if c not in ("year", "quarter") and (macro[c].diff().dropna() >= -0.01).all()
    ]
    assert rising == ["pop"]
    assert _related(found[MACRO].relations) == EXPECTED[MACRO]
    (near_miss,) = found[MACRO].near_misses
    assert [f.period for f in near_miss.support.failures] == ["1959-Q1"]
    (cumulative,) = (r for r in found[MACRO].relations if r.rule.KIND == "series")
    assert "drop the rule if it is a level" in cumulative.comment()  # pop is a level


def test_the_schema_section_states_what_holds_and_the_rest_are_notes(
    found: dict[Path, Suggestion],
) -> None:
    klein, arbuthnot = found[KLEIN].suite, found[ARBUTHNOT].suite
    assert klein is not None and klein.schema is not None
    assert klein.schema.value_min is None  # investment falls below 0
    assert klein.schema.unique == ("metric", "period", "source")
    assert klein.schema.metrics == ("C", "P", "Wp", "I", "K.lag", "X", "Wg", "G", "T")
    assert "schema (note only): below zero in some rows, so no `value: {min: 0}`: I" in (
        found[KLEIN].notes
    )
    assert arbuthnot is not None and arbuthnot.schema is not None
    assert arbuthnot.schema.value_min == 0.0
    assert arbuthnot.schema.units == ("number", "ratio")


def test_bls_aat1_has_no_unique_key_and_its_percentages_are_within_0_to_100() -> None:
    aat1 = suggest(DROPS / "bls-cps-aat1-2025")
    assert aat1.suite is not None and aat1.suite.schema is not None
    assert aat1.suite.schema.unique == ()  # 1947 is printed twice
    assert (
        "schema (note only): percentages within 0 to 100: population_percent, "
        "employed_percent, unemployed_percent"
    ) in aat1.notes


@pytest.mark.parametrize("drop", TABLES.values(), ids=TABLES.keys())
def test_the_cli_writes_the_suite_the_api_gives_and_check_suite_passes_it(
    drop: Path, tmp_path: Path, found: dict[Path, Suggestion]
) -> None:
    out = tmp_path / "suggested.yml"
    assert main(["suggest", str(drop), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == found[drop].to_yaml()
    assert main(["check-suite", str(out)]) == 0


@pytest.mark.parametrize("engine", BACKENDS)
@pytest.mark.parametrize("drop", TABLES.values(), ids=TABLES.keys())
def test_validate_passes_every_rule_but_the_near_misses_which_fail_where_said(
    drop: Path, engine: str, tmp_path: Path, found: dict[Path, Suggestion]
) -> None:
    suggestion = found[drop]
    suite_file = tmp_path / "suggested.yml"
    suite_file.write_text(suggestion.to_yaml(), encoding="utf-8")
    report = statcheck.validate(drop, suite_file, engine=engine)
    assert report.errors == ()
    results = {r.rule: r for r in report.results}
    assert results.pop("schema").status.value == "pass"
    assert set(results) == {r.rule.id for r in suggestion.relations}
    for relation in suggestion.relations:
        result = results[relation.rule.id]
        assert result.counts is not None
        failed = [f.figures[0].split("|")[1] for f in result.findings if f.gap is not None]
        assert failed == [f.period for f in relation.support.failures], relation.rule.id
        assert (result.counts.checked, result.counts.failed) == (
            relation.support.rows,
            len(relation.support.failures),
        )
        assert result.status.value == ("fail" if relation.near_miss else "pass")


def test_validate_on_the_command_line_fails_only_for_the_near_miss(tmp_path: Path) -> None:
    for drop, code in ((KLEIN, 0), (MACRO, 1)):
        out = tmp_path / f"{drop.name}.yml"
        assert main(["suggest", str(drop), "--out", str(out)]) == 0
        assert main(["validate", str(drop), "--suite", str(out)]) == code


def test_the_docs_show_what_suggest_writes_for_each_new_finding() -> None:
    import re

    page = (REPO / "docs" / "suggest.md").read_text(encoding="utf-8")
    excerpts = re.findall(r"<!-- suggest-excerpt: (\S+) -->\n```yaml\n(.*?)```", page, re.S)
    assert len(excerpts) == 11  # one of them the CES hierarchy
    for path, text in excerpts:
        assert text in suggest(REPO / path).to_yaml(), path
