"""agreement: the same thing reported twice (two publishers, two breakdowns of a total)
agrees in every group; the result counts the groups and summarises the differences."""

from __future__ import annotations

from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.errors import StatcheckError
from statcheck.report import Counts, Report, RuleResult, Status
from tests.conftest import MakeDrop, figure

SOURCES = [
    {"source_id": "cdc", "name": "Centers for Disease Control", "kind": "official"},
    {"source_id": "ssa", "name": "Social Security Administration", "kind": "official"},
]


def run(drop: Path, rule: str, backend: str) -> RuleResult:
    suite = suite_from_yaml("suite: t\nrules:\n  - " + rule + "\n")
    return validate_drop(drop, suite, engine=backend).result("r")


def day(source: str, d: int, value: str, **kw: str) -> dict[str, str]:
    date = f"2001-01-{d:02d}"
    kw.setdefault("precision", "0")
    return figure(
        f"births|{source}|{date}", value, metric="births", source_id=source,
        period_start=date, period_end=date, **kw,
    )  # fmt: skip


PUBLISHERS = "{id: r, kind: agreement, over: source, sides: [cdc, ssa]}"


def test_two_publishers_agree_day_by_day_except_where_they_do_not(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [day("cdc", 1, "100"), day("ssa", 1, "100"), day("cdc", 2, "110"), day("ssa", 2, "104")]
    rows += [day("cdc", 3, "90"), day("ssa", 3, "95"), day("cdc", 4, "80")]  # day 4: cdc only
    result = run(make_drop(rows, SOURCES), PUBLISHERS, backend)
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(3, 2, {"missing-side": 1})
    second, third = result.findings
    assert second.slug == "disagreement" and second.gap == 6
    assert second.figures == ("births|cdc|2001-01-02", "births|ssa|2001-01-02")
    assert second.explanation == (
        "cdc (births|cdc|2001-01-02) = 110 and ssa (births|ssa|2001-01-02) = 104 disagree: "
        "cdc is higher by 6 (5.45% of the larger)."
    )
    assert "ssa is higher by 5" in third.explanation
    summary = dict(result.summary)
    assert summary["max_abs_difference"] == 6
    assert summary["mean_abs_difference"] == pytest.approx(11 / 3)
    assert summary["mean_difference"] == pytest.approx(1 / 3)
    assert summary["max_rel_difference"] == pytest.approx(6 / 110)
    assert summary["higher"] == {"cdc": 1, "ssa": 1, "neither": 1}


def test_a_relative_tolerance_is_of_the_larger_side(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        day("cdc", 1, "1000"),
        day("ssa", 1, "990"),
        day("cdc", 2, "1000"),
        day("ssa", 2, "989"),
    ]
    rule = PUBLISHERS.replace("}", ", tolerance: {relative: 0.01}}")
    result = run(make_drop(rows, SOURCES), rule, backend)
    # 10 is within 1% of 1,000; 11 is not.
    assert result.counts == Counts.of(2, 1)
    [f] = result.findings
    assert f.tolerance == 10 and f.gap == 11
    assert "even with the tolerance of 10" in f.explanation


def test_rounded_figures_agree_within_their_rounding(make_drop: MakeDrop, backend: str) -> None:
    # Printed in thousands: 12 and 13 can both stand for 12,500.
    rows = [
        day("cdc", 1, "12", precision="1", scale="1000"),
        day("ssa", 1, "13", precision="1", scale="1000"),
    ]
    result = run(make_drop(rows, SOURCES, extra_columns=["scale"]), PUBLISHERS, backend)
    assert result.status is Status.PASS and result.counts == Counts.of(1, 0)
    assert dict(result.summary)["higher"] == {"cdc": 0, "ssa": 1, "neither": 0}


def units(month: str, **by: str) -> list[dict[str, str]]:
    start, end = f"2024-{month}-01", f"2024-{month}-28"
    return [
        figure(f"units|{c}|{month}", v, metric="units", category=c, precision="0",
               period_start=start, period_end=end)
        for c, v in by.items()
    ]  # fmt: skip


BREAKDOWNS = (
    "{id: r, kind: agreement, over: category, "
    "sides: {by_type: [flats, houses, other], by_region: [north, south]}}"
)


def test_two_breakdowns_of_an_unprinted_total(make_drop: MakeDrop, backend: str) -> None:
    rows = units("01", flats="5", houses="3", other="2", north="6", south="4")
    rows += units("02", flats="5", houses="4", other="2", north="6", south="4")
    rows += units("03", flats="5", houses="4", north="5", south="4")  # no `other`
    drop = make_drop(rows, extra_columns=["category"])
    result = run(drop, BREAKDOWNS, backend)
    assert result.counts == Counts.of(2, 1, {"missing-side": 1})
    [f] = result.findings
    assert f.explanation.startswith(
        "by_type (the sum of units|flats|02, units|houses|02 and units|other|02) = 11 and "
        "by_region (the sum of units|north|02 and units|south|02) = 10 disagree: by_type is "
        "higher by 1"
    )
    # A category a breakdown prints no row for had none: March checks, and agrees.
    zero = run(drop, BREAKDOWNS.replace("}}", "}, missing: zero}"), backend)
    assert zero.counts == Counts.of(3, 1)


def test_over_two_columns_with_a_variable(make_drop: MakeDrop, backend: str) -> None:
    # Each metric m: the sum over regions printed by the paper agrees with the office's.
    rows = [
        figure("a-stats", "10", metric="a", region="ALL", precision="0"),
        figure("a-n", "6", metric="a", region="N", source_id="paper", precision="0"),
        figure("a-s", "4", metric="a", region="S", source_id="paper", precision="0"),
        figure("b-stats", "10", metric="b", region="ALL", precision="0"),
        figure("b-n", "6", metric="b", region="N", source_id="paper", precision="0"),
        figure("b-s", "5", metric="b", region="S", source_id="paper", precision="0"),
    ]
    rule = (
        "{id: r, kind: agreement, over: [metric, region, source], sides: {"
        "office: {metric: '{m}', region: ALL, source: stats}, "
        "paper: [{metric: '{m}', region: N, source: paper}, {metric: '{m}', region: S, source: paper}]}}"
    )
    result = run(make_drop(rows, extra_columns=["region"]), rule, backend)
    assert result.counts == Counts.of(2, 1)
    assert result.findings[0].figures == ("b-stats", "b-n", "b-s")


def test_a_duplicate_leaves_its_group_out(make_drop: MakeDrop, backend: str) -> None:
    rows = [day("cdc", 1, "100"), day("ssa", 1, "100"), day("cdc", 2, "110"), day("ssa", 2, "104")]
    rows.append({**day("ssa", 2, "105"), "figure_id": "births|ssa|2001-01-02@again"})
    result = run(make_drop(rows, SOURCES), PUBLISHERS, backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts == Counts.of(1, 0, {"duplicate": 1})
    assert [f.slug for f in result.findings] == ["duplicate-figure"]


def test_nothing_in_scope_is_undetermined(make_drop: MakeDrop, backend: str) -> None:
    rule = "{id: r, kind: agreement, over: source, sides: [other, nobody]}"
    result = run(make_drop([day("cdc", 1, "1")], SOURCES), rule, backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts == Counts()
    assert result.findings[0].slug == "missing-figure"


def test_summary_round_trips_through_json(make_drop: MakeDrop, backend: str) -> None:
    rows = [day("cdc", 1, "100"), day("ssa", 1, "103")]
    suite = suite_from_yaml("suite: t\nrules:\n  - " + PUBLISHERS + "\n")
    report = validate_drop(make_drop(rows, SOURCES), suite, engine=backend)
    assert Report.from_json(report.to_json()) == report
    assert report.to_dict()["results"][0]["summary"]["higher"] == {"cdc": 0, "ssa": 1, "neither": 0}
    line = report.result("r").describe()
    assert line is not None and "difference: mean 3, largest 3 (2.913%)" in line
    assert "higher: cdc 0, ssa 1, neither 0" in line


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("{id: r, kind: agreement, over: source, sides: [cdc]}", "a list of two values"),
        ("{id: r, kind: agreement, over: source, sides: [cdc, cdc]}", "both sides are 'cdc'"),
        ("{id: r, kind: agreement, over: source, sides: {a: x, b: y, c: z}}", "two reports, not 3"),
        ("{id: r, kind: agreement, over: source, sides: [[a, b], c]}", "one value each"),
        ("{id: r, kind: agreement, sides: [a, b]}", "missing field 'over'"),
        (
            "{id: r, kind: agreement, over: [metric, region], sides: "
            "{a: {metric: '{m}', region: ALL}, b: {metric: x, region: '{r}'}}}",
            "do not bind the same variables",
        ),
    ],
)
def test_suite_mistakes_are_named(rule: str, says: str) -> None:
    with pytest.raises(StatcheckError) as exc:
        suite_from_yaml("suite: t\nrules:\n  - " + rule + "\n")
    assert says in exc.value.message
