"""Real vintages, each its own drop: statcheck finds exactly the revisions between them,
computed here independently with plain pandas from the files as published."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
import yaml

from statcheck.checking import validate_drop
from statcheck.contract import load_suite
from statcheck.report import Report, Status
from tests.conftest import REPO

DROPS = REPO / "fixtures" / "drops"
SUITES = REPO / "expectations"

JHU_VINTAGES = ["2020-12-01", "2021-01-01", "2021-02-01", "2021-03-01", "2021-04-01"]
JHU_COUNTS = ["Confirmed", "Recovered", "Deaths"]
JHU_RULE = "counts-not-revised-since-the-last-vintage"
WB_VINTAGES = ["2020-04-14", "2026-03-06"]
WB_RULE = "population-not-revised-since-the-last-vintage"

Revision = tuple[str, float, float]  # figure id, old value, new value


def jhu(vintage: str) -> Path:
    return DROPS / f"jhu-covid-worldwide-{vintage}"


def wb(vintage: str) -> Path:
    return DROPS / f"worldbank-population-{vintage}"


@cache
def report(suite: str, folder: Path, earlier: tuple[Path, ...], backend: str = "polars") -> Report:
    return validate_drop(
        folder, load_suite(SUITES / f"{suite}.yml"), engine=backend, earlier=earlier
    )


def found(r: Report, rule: str) -> set[Revision]:
    out = set()
    for f in r.result(rule).findings:
        assert f.slug == "revision", f.explanation
        details = dict(f.details)
        out.add((f.figures[0], details["old"], details["new"]))
    return out


def published_at(folder: Path) -> str:
    return str(yaml.safe_load((folder / "drop.yml").read_text())["published_at"])


# --- JHU: five monthly vintages, each revising many earlier days ------------------------


def jhu_long(vintage: str) -> pd.DataFrame:
    """One row per published count: date, metric, value (an empty cell is no figure)."""
    t = pd.read_csv(jhu(vintage) / "worldwide-aggregate.csv", dtype=str)
    long = t.melt(id_vars="Date", value_vars=JHU_COUNTS, var_name="metric", value_name="value")
    long = long.dropna(subset=["value"])
    return long.assign(value=long["value"].astype(float), metric=long["metric"].str.lower())


def jhu_expected(index: int) -> set[Revision]:
    """Each count compared with the most recent earlier vintage that printed it, unless that
    vintage was published before the day ended (the suite allows open periods)."""
    earlier = pd.concat(
        [jhu_long(v).assign(vintage=i, published=published_at(jhu(v)))
         for i, v in enumerate(JHU_VINTAGES[:index])]
    )  # fmt: skip
    latest = earlier.sort_values("vintage").drop_duplicates(["Date", "metric"], keep="last")
    pairs = jhu_long(JHU_VINTAGES[index]).merge(
        latest, on=["Date", "metric"], suffixes=("", "_old")
    )
    closed = pairs["Date"] < pairs["published"]  # ISO dates compare as text
    revised = pairs[(pairs["value"] != pairs["value_old"]) & closed]
    return {
        (f"{m}|{d}", old, new)
        for m, d, old, new in zip(
            revised["metric"], revised["Date"], revised["value_old"], revised["value"], strict=True
        )
    }


@pytest.mark.parametrize("index", range(1, len(JHU_VINTAGES)), ids=JHU_VINTAGES[1:])
def test_jhu_revisions_against_the_vintage_before(index: int) -> None:
    folders = tuple(jhu(v) for v in JHU_VINTAGES)
    r = report("jhu-covid-worldwide", folders[index], folders[:index])
    expected = jhu_expected(index)
    assert found(r, JHU_RULE) == expected
    assert len(expected) == len(r.result(JHU_RULE).findings)  # one finding per revised figure
    assert r.result(JHU_RULE).status is Status.FAIL
    # Each vintage only extends the one before, so "the most recent earlier vintage that
    # reports a day" is always the one just before: consecutive pairs.
    assert {dict(f.details)["earlier_drop"] for f in r.result(JHU_RULE).findings} == {
        f"jhu-covid-worldwide-{JHU_VINTAGES[index - 1]}"
    }
    # Exact counts: the gap between the two intervals is the whole change.
    assert all(f.gap == abs(dict(f.details)["new"] - dict(f.details)["old"])
               for f in r.result(JHU_RULE).findings)  # fmt: skip


def test_jhu_revisions_per_pair_and_metric() -> None:
    """The numbers docs/data.md quotes: revised days per consecutive pair of vintages."""
    counts = {}
    for index in range(1, len(JHU_VINTAGES)):
        revised = jhu_expected(index)
        counts[JHU_VINTAGES[index]] = tuple(
            sum(1 for fid, _, _ in revised if fid.startswith(m.lower() + "|")) for m in JHU_COUNTS
        )
    assert counts == {  # (confirmed, recovered, deaths)
        "2021-01-01": (277, 277, 260),
        "2021-02-01": (293, 119, 289),
        "2021-03-01": (324, 318, 321),
        "2021-04-01": (310, 2, 344),
    }


def test_jhu_no_day_was_open_when_its_vintage_was_published() -> None:
    """Each vintage ends the day before it was published, so `allow: [open]` excuses none."""
    for v in JHU_VINTAGES:
        dates = pd.read_csv(jhu(v) / "worldwide-aggregate.csv", dtype=str)["Date"]
        assert dates.max() < published_at(jhu(v))


def test_jhu_first_vintage_has_nothing_to_compare_with() -> None:
    r = report("jhu-covid-worldwide", jhu(JHU_VINTAGES[0]), ())
    assert r.result(JHU_RULE).status is Status.UNDETERMINED
    assert [f.slug for f in r.result(JHU_RULE).findings] == ["no-earlier-drop"]
    # The other rules are unchanged by the revision rule.
    assert r.result("increase-rate-is-the-growth-of-confirmed").status is Status.PASS


# --- World Bank population: 2020 and 2026 vintages --------------------------------------


def wb_expected() -> set[Revision]:
    old, new = (
        pd.read_csv(wb(v) / "population.csv", dtype={"Value": float, "Year": str})
        for v in WB_VINTAGES
    )
    both = new.merge(old, on=["Country Code", "Year"], suffixes=("", "_old"))
    revised = both[both["Value"] != both["Value_old"]]  # exact counts (precision 0)
    return {
        (f"population|{c}|{y}", o, n)
        for c, y, o, n in zip(
            revised["Country Code"], revised["Year"], revised["Value_old"], revised["Value"],
            strict=True,
        )
    }  # fmt: skip


def test_world_bank_revisions_between_vintages() -> None:
    r = report("worldbank-population", wb(WB_VINTAGES[1]), (wb(WB_VINTAGES[0]),))
    expected = wb_expected()
    assert len(expected) == 12_605
    assert found(r, WB_RULE) == expected
    assert r.result(WB_RULE).status is Status.FAIL
    # The rules that were there keep their verdicts.
    assert r.result("world-is-the-sum-of-the-seven-regions").status is Status.PASS
    assert r.result("world-is-the-sum-of-the-four-income-groups").status is Status.FAIL


def test_world_bank_revisions_are_identical_on_pandas() -> None:
    earlier = (wb(WB_VINTAGES[0]),)
    a = report("worldbank-population", wb(WB_VINTAGES[1]), earlier).to_dict()
    b = report("worldbank-population", wb(WB_VINTAGES[1]), earlier, "pandas").to_dict()
    a.pop("generated_at")
    b.pop("generated_at")
    assert a == b


def test_jhu_revisions_are_identical_on_pandas() -> None:
    folders = tuple(jhu(v) for v in JHU_VINTAGES)
    a = report("jhu-covid-worldwide", folders[-1], folders[:-1]).to_dict()
    b = report("jhu-covid-worldwide", folders[-1], folders[:-1], "pandas").to_dict()
    a.pop("generated_at")
    b.pop("generated_at")
    assert a == b
