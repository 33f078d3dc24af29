"""compare in table form (every group of figures) and with a plain number on either side."""

from __future__ import annotations

from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.errors import StatcheckError
from statcheck.report import Counts, RuleResult, Status
from tests.conftest import MakeDrop, figure


def run(drop: Path, rule: str, backend: str) -> RuleResult:
    suite = suite_from_yaml("suite: t\nrules:\n  - " + rule + "\n")
    return validate_drop(drop, suite, engine=backend).result("r")


def year(y: int, **metrics: str) -> list[dict[str, str]]:
    period = {"period_start": f"{y}-01-01", "period_end": f"{y}-12-31"}
    return [figure(f"{m}|{y}", v, metric=m, precision="0", **period) for m, v in metrics.items()]


MORE_BOYS = "{id: r, kind: compare, over: metric, left: males, op: '>', right: females}"


def test_every_year_is_compared_and_only_failing_ones_reported(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = year(1629, males="5218", females="4683") + year(1630, males="4400", females="4457")
    rows += year(1631, males="4422")  # no females: not compared
    result = run(make_drop(rows), MORE_BOYS, backend)
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(2, 1, {"missing-side": 1})
    [f] = result.findings
    assert f.slug == "comparison-mismatch" and f.figures == ("males|1630", "females|1630")
    assert f.explanation == (
        "males|1630 (4,400) should be more than females|1630 (4,457), but 4,400 against "
        "4,457 falls short by 57."
    )
    assert f.gap == 57


def test_sums_factor_and_tolerance(make_drop: MakeDrop, backend: str) -> None:
    rows = year(2020, a="10", b="3", c="4") + year(2021, a="10", b="3", c="3")
    # a <= 1.5 × (b + c): 10 <= 10.5 holds; 10 <= 9 does not, even with 0.5 of room.
    rule = (
        "{id: r, kind: compare, over: metric, left: a, op: '<=', factor: 1.5, right: [b, c],"
        " tolerance: {absolute: 0.5}}"
    )
    result = run(make_drop(rows), rule, backend)
    assert result.counts == Counts.of(2, 1)
    [f] = result.findings
    assert f.figures == ("a|2021", "b|2021", "c|2021")
    assert "the sum of b|2021 (3) and c|2021 (3)" in f.explanation
    assert f.gap == pytest.approx(0.5) and f.tolerance == 0.5


@pytest.mark.parametrize(("op", "failed"), [(">", 1), (">=", 0), ("==", 1), ("<", 2), ("<=", 1)])
def test_a_plain_number_on_the_right(
    make_drop: MakeDrop, backend: str, op: str, failed: int
) -> None:
    rows = year(2020, deaths="0") + year(2021, deaths="5")
    rule = f"{{id: r, kind: compare, over: metric, left: deaths, op: '{op}', right: 0}}"
    assert run(make_drop(rows), rule, backend).counts == Counts.of(2, failed)


def test_a_plain_number_on_the_left_in_the_explicit_form(make_drop: MakeDrop, backend: str) -> None:
    rows = [figure("share", "104", precision="0")]
    result = run(
        make_drop(rows), "{id: r, kind: compare, left: 100, op: '>=', right: share}", backend
    )
    assert result.status is Status.FAIL
    assert result.findings[0].explanation.startswith(
        "100 should be at least share (104, 2024), but 100 against 104 falls short by 4."
    )
    ok = run(
        make_drop(rows, name="ok"),
        "{id: r, kind: compare, left: share, op: '>', right: 0}",
        backend,
    )
    assert ok.status is Status.PASS and ok.counts == Counts.of(1, 0)


def test_over_two_columns_with_a_variable(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        figure("a-n", "6", metric="a", region="N", precision="0"),
        figure("a-all", "10", metric="a", region="ALL", precision="0"),
        figure("b-n", "12", metric="b", region="N", precision="0"),
        figure("b-all", "10", metric="b", region="ALL", precision="0"),
    ]
    rule = (
        "{id: r, kind: compare, over: [metric, region], left: {metric: '{m}', region: N},"
        " op: '<=', right: {metric: '{m}', region: ALL}}"
    )
    result = run(make_drop(rows, extra_columns=["region"]), rule, backend)
    assert result.counts == Counts.of(2, 1)
    assert result.findings[0].figures == ("b-n", "b-all")


def test_no_group_checked_is_never_a_pass(make_drop: MakeDrop, backend: str) -> None:
    rows = year(2020, males="1") + year(2021, females="1")
    result = run(make_drop(rows), MORE_BOYS, backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts == Counts.of(0, 0, {"missing-side": 2})
    none = run(make_drop(year(2020, other="1"), name="none"), MORE_BOYS, backend)
    assert none.status is Status.UNDETERMINED and none.findings[0].slug == "missing-figure"


def test_skipped_report_names_the_groups(make_drop: MakeDrop, backend: str) -> None:
    rows = year(2020, males="2", females="1") + year(2021, males="1")
    result = run(make_drop(rows), MORE_BOYS.replace("}", ", skipped: report}"), backend)
    assert result.status is Status.UNDETERMINED
    [f] = result.findings
    assert f.slug == "skipped-items" and f.figures == ("males|2021",)


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("{id: r, kind: compare, left: 1, op: '<', right: 2}", "both numbers"),
        ("{id: r, kind: compare, left: a, op: '<', right: b, figures: {unit: x}}", "needs `over:`"),
        ("{id: r, kind: compare, over: metric, left: [a, a], op: '<', right: b}", "a value twice"),
        (
            "{id: r, kind: compare, over: metric, left: {x: 1}, op: '<', right: b}",
            "must be a value",
        ),
        (
            "{id: r, kind: compare, over: [metric, region], left: {metric: '{m}', region: N},"
            " op: '<', right: {metric: x, region: ALL}}",
            "do not bind the same variables",
        ),
    ],
)
def test_suite_mistakes_are_named(rule: str, says: str) -> None:
    with pytest.raises(StatcheckError) as exc:
        suite_from_yaml("suite: t\nrules:\n  - " + rule + "\n")
    assert says in exc.value.message


def test_table_form_round_trips_through_yaml() -> None:
    text = (
        "suite: t\nrules:\n"
        "  - {id: r, kind: compare, over: metric, left: [a, b], op: '<=', right: 0, factor: 2}\n"
        "  - {id: s, kind: compare, over: [metric, region], left: {metric: '{m}', region: N},"
        " op: '==', right: [{metric: '{m}', region: S}, {metric: '{m}', region: E}],"
        " figures: {unit: persons}}\n"
    )
    suite = suite_from_yaml(text)
    assert suite_from_yaml(suite.to_yaml()) == suite


def test_figures_narrows_the_rows_compared(make_drop: MakeDrop, backend: str) -> None:
    period = {"period_start": "2020-01-01", "period_end": "2020-12-31", "precision": "0"}
    rows = [
        *year(2020, males="3", females="4"),
        figure("males-share|2020", "60", metric="males", unit="percent", region="s", **period),
        figure("females-share|2020", "40", metric="females", unit="percent", region="s", **period),
    ]
    drop = make_drop(rows, extra_columns=["region"])
    everything = run(drop, MORE_BOYS, backend)
    assert everything.counts == Counts.of(2, 1)
    counts_only = run(drop, MORE_BOYS.replace("}", ", figures: {unit: percent}}"), backend)
    assert counts_only.status is Status.PASS and counts_only.counts == Counts.of(1, 0)
