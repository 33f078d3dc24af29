"""statcheck suggest writes a nested hierarchy (a total of subtotals of parts) as one
``sum`` rule with ``hierarchy:``, its evidence each level's; and that rule, run with
validate, checks exactly what a rule per level checked (the World Bank's, slower, is in
test_suggest_long.py, where its suggestion is computed once)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import statcheck
from statcheck.contract import build
from statcheck.contract.suite import Suite
from statcheck.suggest import Relation, Suggestion, suggest
from statcheck.suggest._evidence import Support, Verdict
from statcheck.suggest._hierarchy import as_hierarchies
from tests.conftest import BACKENDS, REPO

CES = REPO / "fixtures" / "drops" / "bls-ces-us-employment-2018"
# The supersectors within nonfarm, as BLS publishes them (the CES table's columns).
CES_LEVELS = {
    "nonfarm": ("goods_producing", "service_providing"),
    "goods_producing": ("mining_and_logging", "construction", "manufacturing"),
    "manufacturing": ("durable_goods", "nondurable_goods"),
    "service_providing": ("private_service_providing", "government"),
    "private_service_providing": (
        "trade_transportation_utilties", "information", "financial_activities",
        "professional_and_business_services", "education_and_health_services",
        "leisure_and_hospitality", "other_services",
    ),
    "trade_transportation_utilties": (
        "wholesale_trade", "retail_trade", "transportation_and_warehousing", "utilities",
    ),
    "private": ("goods_producing", "private_service_providing"),
}  # fmt: skip


@pytest.fixture(scope="module")
def ces() -> Suggestion:
    return suggest(CES)


def _hierarchies(found: Suggestion) -> list[Relation]:
    return [r for r in found.relations if r.levels]


def per_level_suite(relation: Relation, base: Suite) -> Suite:
    """The suite that states ``relation``'s hierarchy a rule per level, as suggest wrote it
    before: the same ``over`` and ``figures``, each level's own ``missing``."""
    rule: Any = relation.rule
    options: dict[str, Any] = {}
    if rule.figures is not None:
        options["figures"] = rule.figures.to_yaml()
    rules = [
        build.sum(
            f"level-{i}",
            over=rule.over,
            total=level.total,
            parts=list(level.parts),
            missing=level.missing,
            **options,
        )
        for i, level in enumerate(relation.levels)
    ]
    assert [(lv.total, lv.parts) for lv in relation.levels] == list(rule.hierarchy)
    return build.suite("per-level", rules, table=base.table)


def assert_checks_what_its_levels_check(
    drop: Path, relation: Relation, found: Suggestion, engine: str
) -> tuple[int, int]:
    """Validate the hierarchy rule and a rule per level: the same totals checked and
    failed, summed over the levels; returns (checked, failed)."""
    assert found.suite is not None
    one = build.suite("one", [relation.rule], table=found.suite.table)
    (whole,) = statcheck.validate(drop, one, engine=engine).results
    levels = statcheck.validate(drop, per_level_suite(relation, found.suite), engine=engine)
    assert whole.counts is not None and all(r.counts is not None for r in levels.results)
    summed = (
        sum(r.counts.checked for r in levels.results if r.counts),
        sum(r.counts.failed for r in levels.results if r.counts),
        Counter({k: n for r in levels.results if r.counts for k, n in r.counts.skipped}),
    )
    skipped = Counter(dict(whole.counts.skipped))
    assert (whole.counts.checked, whole.counts.failed, skipped) == summed
    assert whole.status.value == ("pass" if summed[1] == 0 else "fail")
    assert {f.slug for f in whole.findings} == {f.slug for r in levels.results for f in r.findings}
    assert (whole.counts.checked, whole.counts.failed) == (
        relation.support.rows,
        len(relation.support.failures),
    )
    return whole.counts.checked, whole.counts.failed


def test_ces_supersectors_are_one_hierarchy_rule_its_comment_each_level(ces: Suggestion) -> None:
    (relation,) = _hierarchies(ces)
    rule: Any = relation.rule
    assert rule.id == "nonfarm-hierarchy"  # named for its root
    assert {t: tuple(p) for t, p in rule.hierarchy} == CES_LEVELS
    assert rule.hierarchy[0] == ("nonfarm", CES_LEVELS["nonfarm"])  # the root first
    # pandas: every level holds in every month at the printed thousand (sectors' tenths)
    table = pd.read_csv(CES / "us-employment.csv")
    for total, parts in CES_LEVELS.items():
        assert (table[total] - table[list(parts)].sum(axis=1)).abs().max() <= 0.5 * (1 + len(parts))
    assert [level.support.holds for level in relation.levels] == [120] * 7
    assert relation.support.holds == relation.support.rows == 7 * 120
    comment = relation.comment()
    assert comment.startswith("holds in 120 of 120 months at every level: nonfarm = ")
    assert "goods_producing = mining_and_logging + construction + manufacturing;" in comment
    # nonfarm's second breakdown stays its own rule: a parent has one list of children
    others = {r.rule.id for r in ces.relations if not r.levels}
    assert others == {
        "nonfarm-is-private-plus-government",
        "nonfarm-change-is-the-change-of-nonfarm",
    }


@pytest.mark.parametrize("engine", BACKENDS)
def test_ces_hierarchy_checks_exactly_what_a_rule_per_level_checks(
    ces: Suggestion, engine: str
) -> None:
    (relation,) = _hierarchies(ces)
    assert assert_checks_what_its_levels_check(CES, relation, ces, engine) == (840, 0)


def test_the_written_hierarchy_reads_back_as_the_suite(ces: Suggestion, tmp_path: Path) -> None:
    from statcheck.contract.suite import suite_from_yaml

    text = ces.to_yaml()
    assert "    hierarchy:\n      nonfarm:\n      - goods_producing\n" in text
    assert suite_from_yaml(text) == ces.suite


def _sum(
    total: str, parts: tuple[str, ...], verdict: Verdict = Verdict.PROPOSED, over: str = "region"
) -> Relation:
    holds = 10 if verdict is Verdict.PROPOSED else 9
    s = Support(10, holds, (), -30.0, verdict)
    rule = build.sum(f"{total}-sum", over=over, total=total, parts=list(parts))
    return Relation(rule, s, "years")


def test_independent_sums_and_near_misses_stay_their_own_rules() -> None:
    found = (
        _sum("A", ("a1", "a2")),
        _sum("B", ("b1", "b2")),  # shares no value with A: independent
        _sum("W", ("A", "B")),  # chains A and B under W
        _sum("X", ("x1", "x2")),
        _sum("Y", ("X", "y"), Verdict.NEAR_MISS),  # its failing rows are findings
        _sum("Z", ("a1", "z")),  # shares a part with A, but no part is a total
    )
    merged = as_hierarchies(found)
    assert [r.rule.id for r in merged] == ["w-hierarchy", "X-sum", "Y-sum", "Z-sum"]
    rule: Any = merged[0].rule
    assert rule.hierarchy == (("W", ("A", "B")), ("A", ("a1", "a2")), ("B", ("b1", "b2")))
    assert merged[0].support.rows == 30 and merged[0].support.failures == ()
    assert as_hierarchies(found[:2]) == found[:2]  # nothing chains: unchanged


def test_a_hierarchy_of_levels_with_different_support_says_each() -> None:
    low = Relation(
        build.sum("lmy", over="economy", total="LMY", parts=["LIC", "MIC"]),
        Support(60, 60, (), -40.0, Verdict.PROPOSED),
        "years",
    )
    (merged,) = as_hierarchies((low, _sum("WLD", ("HIC", "LMY"), over="economy")))
    assert merged.rule.id == "wld-hierarchy"
    assert merged.comment() == (
        "holds at every level, in all of its years: WLD = HIC + LMY (in 10 of 10); "
        "LMY = LIC + MIC (in 60 of 60) (chance of a coincidence at the weakest level: 1e-30)"
    )
