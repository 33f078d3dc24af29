"""statcheck suggest on long tables (a row per period and category): the World Bank's
population by economy (two vintages), EM-DAT's deaths by disaster type, IPUMS's workers
by job and sex, JHU's counts melted long. Each identity found is verified here with a few
lines of pandas; the suite written passes check-suite, and validate on the same data
passes every proposed rule and fails each near-miss exactly where the suggestion said."""

from __future__ import annotations

import json
import os
import pickle
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statcheck.cli import main
from statcheck.suggest import Relation, Suggestion, suggest
from statcheck.suggest._evidence import Support
from tests.conftest import BACKENDS, REPO

DROPS = REPO / "fixtures" / "drops"
WB_OLD = DROPS / "worldbank-population-2020-04-14"
WB_NEW = DROPS / "worldbank-population-2026-03-06"
EMDAT = DROPS / "emdat-disasters-1900-2017"
IPUMS = DROPS / "ipums-usa-jobs-1850-2000"
JHU = DROPS / "jhu-covid-worldwide-2021-04-01"
REGIONS = ("EAS", "ECS", "LCN", "MEA", "NAC", "SAS", "SSF")
TYPES = (
    "Drought", "Earthquake", "Epidemic", "Extreme temperature", "Extreme weather", "Flood",
    "Landslide", "Mass movement (dry)", "Volcanic activity", "Wildfire",
)  # fmt: skip


class _Found(dict[str, Suggestion]):
    """Each real long table's suggestion, computed once when first asked for (the World
    Bank's take a couple of minutes each). Under xdist the workers share them through
    ``shared``, the run's temporary folder: the first worker to ask computes one, under a
    lock, and the others read it."""

    def __init__(self, shared: Path | None) -> None:
        super().__init__()
        self.shared = shared

    def __missing__(self, name: str) -> Suggestion:
        if self.shared is None:
            self[name] = suggest(DROPS / name)
            return self[name]
        path = self.shared / f"suggestion-{name}.pickle"
        with FileLock(f"{path}.lock"):
            if not path.is_file():
                path.write_bytes(pickle.dumps(suggest(DROPS / name)))
            self[name] = pickle.loads(path.read_bytes())
        return self[name]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> _Found:
    # A worker's temporary folder is in the run's, fresh for each run.
    under_xdist = "PYTEST_XDIST_WORKER" in os.environ
    return _Found(tmp_path_factory.getbasetemp().parent if under_xdist else None)


def _sums(s: Suggestion) -> dict[tuple[str, tuple[str, ...]], Relation]:
    return {
        (total, tuple(sorted(parts))): r
        for r in s.relations
        if r.rule.KIND == "sum"
        for total, parts in r.rule.hierarchy  # type: ignore[attr-defined]
    }


def _level_support(relation: Relation, total: str, parts: tuple[str, ...]) -> Support:
    """The support of one level: a hierarchy's own, else the relation's."""
    for level in relation.levels:
        if (level.total, tuple(sorted(level.parts))) == (total, parts):
            return level.support
    return relation.support


def _wb(drop: Path) -> pd.DataFrame:
    table = pd.read_csv(drop / "population.csv")
    return table.pivot(index="Year", columns="Country Code", values="Value")


def test_the_world_bank_world_is_the_sum_of_its_seven_regions_in_both_vintages(
    found: dict[str, Suggestion],
) -> None:
    for drop in (WB_OLD, WB_NEW):
        wb = _wb(drop)
        assert (wb["WLD"] == wb[list(REGIONS)].sum(axis=1)).all()  # pandas agrees
        relation = _sums(found[drop.name])[("WLD", REGIONS)]
        assert not relation.near_miss and not relation.candidate
        support = _level_support(relation, "WLD", REGIONS)
        assert support.holds == support.rows == len(wb)


def test_aggregates_of_hundreds_of_economies_are_found_as_the_sums_they_are(
    found: dict[str, Suggestion],
) -> None:
    """Europe & Central Asia, the early-demographic-dividend countries and the heavily
    indebted poor countries: each a total with over 200 candidate parts, found as the sum
    of its economies (and aggregates of them) that pandas confirms every year."""
    wb = _wb(WB_NEW).fillna(0)  # an economy with no figure in a year adds nothing
    sums = _sums(found[WB_NEW.name])
    for total in ("ECS", "EAR", "HPC"):
        breakdowns = [parts for t, parts in sums if t == total]
        assert breakdowns, total
        for parts in breakdowns:
            assert (wb[total] == wb[list(parts)].sum(axis=1)).all(), (total, parts)
            assert not sums[(total, parts)].near_miss and not sums[(total, parts)].candidate
    (ecs,) = [parts for t, parts in sums if t == "ECS"]
    assert {"DEU", "FRA", "GBR", "ITA", "RUS"} <= set(ecs)  # economies, not a region twice


def test_the_income_groups_hold_in_2020_and_fail_every_year_in_2026(
    found: dict[str, Suggestion],
) -> None:
    # The income groups at their top level: high income, and low and middle income (itself
    # low plus middle, middle lower-middle plus upper-middle, both found as sums).
    old, new = _wb(WB_OLD), _wb(WB_NEW)
    income = ("HIC", "LMY")
    assert (old["WLD"] == old[list(income)].sum(axis=1)).all()
    for parts in (("LIC", "MIC"), ("LMC", "UMC")):
        total = "LMY" if "LIC" in parts else "MIC"
        assert (new[total] == new[list(parts)].sum(axis=1)).all()
        assert ("LMY" if "LIC" in parts else "MIC", parts) in _sums(found[WB_NEW.name])
    assert not _sums(found[WB_OLD.name])[("WLD", income)].candidate
    # 2026: two economies the World Bank left unclassified (Ethiopia, Venezuela) are in the
    # world and in no income group; the identity fails in every year, by them.
    gap = new["WLD"] - new[list(income)].sum(axis=1)
    assert (gap == new["ETH"] + new["VEN"]).all() and (gap > 0).all()
    relation = _sums(found[WB_NEW.name])[("WLD", income)]
    assert relation.candidate.startswith("without VEN, ETH,")  # the smaller first
    assert [f.period for f in relation.support.failures] == [str(y) for y in new.index]
    assert [f.gap for f in relation.support.failures] == pytest.approx(gap.tolist())


@pytest.mark.parametrize("engine", BACKENDS)
def test_the_2020_income_groups_are_one_hierarchy_checking_what_its_levels_check(
    engine: str, found: dict[str, Suggestion]
) -> None:
    from tests.suggest.test_suggest_hierarchy import assert_checks_what_its_levels_check

    suggestion = found[WB_OLD.name]
    income = {"WLD": ("HIC", "LMY"), "LMY": ("LIC", "MIC"), "MIC": ("LMC", "UMC")}
    (relation,) = (
        r for r in suggestion.relations if r.rule.hierarchy[:1] == (("WLD", ("HIC", "LMY")),)
    )  # type: ignore[attr-defined]
    rule: Any = relation.rule
    assert dict(rule.hierarchy) == income  # the world's income groups, root first
    assert rule.id == "wld-hierarchy" and rule.over == "country_code"
    assert all(level.support.holds == level.support.rows == 59 for level in relation.levels)
    assert relation.comment().startswith(
        "holds in 59 of 59 years at every level: WLD = HIC + LMY; LMY = LIC + MIC; MIC = LMC + UMC"
    )
    wb = _wb(WB_OLD)  # pandas: each level exactly, every year
    assert all((wb[t] == wb[list(p)].sum(axis=1)).all() for t, p in income.items())
    # validate: the one rule counts what a rule per level counts, for every hierarchy
    for r in suggestion.relations:
        if r.levels:
            assert_checks_what_its_levels_check(WB_OLD, r, suggestion, engine)
    checked = assert_checks_what_its_levels_check(WB_OLD, relation, suggestion, engine)
    assert checked == (3 * 59, 0)
    page = (REPO / "docs" / "suggest.md").read_text(encoding="utf-8")
    (excerpt,) = re.findall(r"<!-- suggest-excerpt-hierarchy -->\n```yaml\n(.*?)```", page, re.S)
    assert excerpt in suggestion.to_yaml()  # docs/suggest.md shows this rule


def test_emdat_total_is_the_sum_of_its_types_but_in_2014_by_12(
    found: dict[str, Suggestion],
) -> None:
    table = pd.read_csv(EMDAT / "disasters.csv")
    wide = table.pivot(index="Year", columns="Entity", values="Deaths")
    gap = wide["All natural disasters"] - wide[list(TYPES)].fillna(0).sum(axis=1)
    assert gap[gap != 0].to_dict() == {2014: 12}  # pandas: a type with no row had none
    relation = _sums(found[EMDAT.name])[("All natural disasters", TYPES)]
    assert relation.near_miss
    assert [(f.period, f.gap) for f in relation.support.failures] == [("2014", 12.0)]
    assert relation.rule.missing == "zero"  # type: ignore[attr-defined]
    assert len(found[EMDAT.name].relations) == 1


def test_ipums_share_is_the_count_over_the_years_count_of_every_job_and_sex(
    found: dict[str, Suggestion],
) -> None:
    jobs = pd.read_json(IPUMS / "jobs.json")
    whole = jobs.groupby("year")["count"].transform("sum")
    assert np.allclose(jobs["perc"], jobs["count"] / whole, rtol=1e-9, atol=1e-15)
    (relation,) = found[IPUMS.name].relations
    rule: Any = relation.rule
    assert (rule.KIND, rule.part, rule.share) == ("ratio", "count", "perc")
    assert sorted(rule.whole.columns) == ["job", "sex"]
    assert relation.support.holds == relation.support.rows == len(jobs)


def test_a_wide_table_is_not_read_as_long_and_jhu_melted_long_has_no_sum() -> None:
    assert not any("long table" in n for n in suggest(JHU).notes)
    wide = pd.read_csv(JHU / "worldwide-aggregate.csv", dtype=str)
    long = wide.melt(id_vars="Date", var_name="series", value_name="value").dropna()
    melted = suggest(long)
    assert any("long table" in n for n in melted.notes)
    # pandas: no count is the sum of the others on most days
    counts = wide[["Confirmed", "Recovered", "Deaths"]].astype(float)
    for total in counts:
        rest = counts.drop(columns=total).sum(axis=1)
        assert (counts[total] == rest).mean() < 0.5
    assert melted.relations == ()


@pytest.mark.parametrize("drop", [WB_NEW, EMDAT, IPUMS], ids=["worldbank", "emdat", "ipums"])
def test_the_written_suite_passes_check_suite_and_validate_fails_exactly_where_it_said(
    drop: Path, found: dict[str, Suggestion], tmp_path: Path
) -> None:
    suggestion = found[drop.name]
    suite = tmp_path / "suggested.yml"
    if drop == EMDAT:  # the CLI itself, on the small table
        assert main(["suggest", str(drop), "--out", str(suite)]) == 0
        assert suite.read_text(encoding="utf-8") == suggestion.to_yaml()
    else:
        suite.write_text(suggestion.to_yaml(), encoding="utf-8")
    assert main(["check-suite", str(suite)]) == 0
    report = tmp_path / "report.json"
    failing = any(r.near_miss or r.candidate for r in suggestion.relations)
    code = main(["validate", str(drop), "--suite", str(suite), "--out", str(report)])
    assert code == (1 if failing else 0)
    results = {r["rule"]: r for r in json.loads(report.read_text(encoding="utf-8"))["results"]}
    assert set(results) == {r.rule.id for r in suggestion.relations}
    for relation in suggestion.relations:
        result = results[relation.rule.id]
        said = [f.period.split(", ")[0] for f in relation.support.failures]
        failed = [
            f["figures"][0].split("|")[-1]
            for f in result["findings"]
            if f["slug"].endswith("-mismatch")
        ]
        assert failed == said
        assert result["status"] == ("fail" if said else "pass")


@pytest.mark.parametrize("engine", BACKENDS)
def test_validate_on_each_backend_agrees_with_the_emdat_suggestion(
    engine: str, found: dict[str, Suggestion], tmp_path: Path
) -> None:
    import statcheck

    suite = tmp_path / "suggested.yml"
    suite.write_text(found[EMDAT.name].to_yaml(), encoding="utf-8")
    (result,) = statcheck.validate(EMDAT, suite, engine=engine).results
    assert result.counts is not None
    assert (result.counts.checked, result.counts.failed) == (117, 1)


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_a_long_dataframe_gives_the_suite_the_file_gives(library: str) -> None:
    csv = EMDAT / "disasters.csv"
    frame = (
        pd.read_csv(csv, dtype=str) if library == "pandas" else pl.read_csv(csv, infer_schema=False)
    )
    from_frame, from_file = suggest(frame, suite_id="d"), suggest(csv, suite_id="d")
    assert from_frame.relations == from_file.relations
    assert from_frame.suite is not None and from_file.suite is not None
    assert from_frame.suite.rules == from_file.suite.rules


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    seed=st.integers(0, 2**32 - 1),
    categories=st.integers(3, 7),
    periods=st.integers(6, 40),
    digits=st.integers(1, 6),
    sexes=st.booleans(),
)
def test_random_long_tables_get_no_sums_or_ratios(
    seed: int, categories: int, periods: int, digits: int, sexes: bool
) -> None:
    rng = np.random.default_rng(seed)
    groups = [("all",)] if not sexes else [("men",), ("women",)]
    rows = [
        (str(2000 + y), f"cat{c}", g[0])
        for y in range(periods)
        for c in range(categories)
        for g in groups
    ]
    scale = 10.0 ** rng.integers(1, digits + 1, size=categories)  # each category its own size
    n = len(rows)
    counts = rng.uniform(0, 1, n) * np.tile(np.repeat(scale, len(groups)), periods)
    table = pd.DataFrame(rows, columns=["year", "category", "sex"])
    table["count"] = [f"{v:.0f}" for v in counts]
    table["percent"] = [f"{v:.1f}" for v in rng.uniform(0, 100, n)]  # no count's share
    found = suggest(table if sexes else table.drop(columns="sex"))
    assert any("long table" in n for n in found.notes)
    assert found.relations == ()
    assert found.suite is None


def test_the_docs_show_what_suggest_writes_for_the_emdat_table(
    found: dict[str, Suggestion],
) -> None:
    page = (REPO / "docs" / "suggest.md").read_text(encoding="utf-8")
    long_part = page.split("## Long tables", 1)[1]
    block = re.findall(r"```yaml\n(.*?)```", long_part, re.S)[0]
    assert block == found[EMDAT.name].to_yaml()


def test_groups_whose_labels_join_alike_are_kept_apart() -> None:
    # ("x, y", "z") and ("x", "y, z") would both read "x, y, z" once joined with ", ": the
    # total must be found in each group as printed, not in a mix of the two.
    rng = np.random.default_rng(7)
    rows = []
    for year in range(2000, 2016):
        a, b = rng.integers(100, 10_000, (2, 3)).tolist()
        g1, g2, g3 = (("x, y", "z"), ("x", "y, z"), ("x", "z"))
        # The first group's total and a before the second's b: mixed, they would not add up.
        for (place, sex), category, count in (
            (g1, "T", a[0] + b[0]), (g1, "a", a[0]), (g2, "b", b[1]), (g2, "T", a[1] + b[1]),
            (g2, "a", a[1]), (g1, "b", b[0]), (g3, "T", a[2] + b[2]), (g3, "a", a[2]),
            (g3, "b", b[2]),
        ):  # fmt: skip
            rows.append((year, place, sex, category, count))
    frame = pl.DataFrame(rows, schema=["year", "place", "sex", "category", "count"], orient="row")
    found = _sums(suggest(frame))[("T", ("a", "b"))]
    assert not found.near_miss and found.support.rows == 48  # 16 years x 3 groups, all hold


def test_a_column_whose_values_each_come_in_few_groups_is_searched_for_nothing() -> None:
    """A release date printed beside each figure reads as a dimension (text, repeated),
    but each of its values comes in few of the table's groups: the matrix of groups x
    values the sum search builds would grow with the square of the table (10^5 rows of
    statcheck's own figure table: 8.7 GB, 150 s). It is named in the notes, with its
    counts, and searched for no sum or share; so is the item, whose groups it splits."""
    rng = np.random.default_rng(7)
    years, items = 4, 1000
    rows = years * items
    released = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.permutation(rows) // 2, unit="D")
    table = pd.DataFrame(
        {
            "year": np.repeat(np.arange(2020, 2020 + years), items).astype(str),
            "item": np.tile([f"i{k:04d}" for k in range(items)], years),
            "released": released.strftime("%Y-%m-%d"),
            "value": rng.integers(1, 1000, rows),
        }
    )
    found = suggest(table)
    skipped = {
        m.group(1): n
        for n in found.notes
        if (m := re.match(r"no sum or share searched over '(\w+)'", n))
    }
    assert set(skipped) == {"item", "released"}
    assert "its 2,000 values each come in few of its 4,000 groups" in skipped["released"]
    assert found.suite is None and not found.relations


def test_what_it_cannot_tell_names_the_value_column_it_is_about() -> None:
    # HistData's Prostitutes, shaped: the month's number beside the count makes Mar = Feb +
    # Jan hold on every year, true of `mon` and not of `count`.
    rows = [
        {"year": str(y), "month": m, "count": str(1000 + 37 * y % 101 + 11 * i), "mon": str(i)}
        for y in range(1812, 1817)
        for i, m in enumerate(["Jan", "Feb", "Mar"], start=1)
    ]
    found = suggest(pl.DataFrame(rows))
    assert any(u.startswith("mar-is-feb-plus-jan (metric=mon): ") for u in found.undecided)
    assert not any("metric=count" in u and "mar-is-feb-plus-jan" in u for u in found.undecided)


def test_a_total_whose_search_stops_at_its_limit_is_named_in_the_notes(
    found: _Found, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search for a total's parts that reaches its limit may miss a sum: the notes name
    the totals (forced here: a microsecond a search on EM-DAT's disasters by type). Run as
    it is, no search of that table stops."""
    from statcheck.suggest import _long_search

    assert not any("stopped at its limit" in n for n in found[EMDAT.name].notes)
    monkeypatch.setattr(_long_search, "SAFETY_SECONDS", 1e-6)
    (note,) = [n for n in suggest(EMDAT).notes if "stopped at its limit" in n]
    assert note.startswith("the search for the parts of ") and "(Entity)" in note
    assert "with a sum possibly missed" in note
