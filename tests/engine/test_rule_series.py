"""series: cumulative figures never fall; change figures agree with the levels they describe."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.contract.yamlio import load_yaml
from statcheck.errors import SuiteError
from statcheck.model.interval import Interval
from statcheck.report import Report, Status
from tests.conftest import MakeDrop, figure

SCHEMA = json.loads(resources.files("statcheck.contract").joinpath("suite.schema.json").read_text())
MONTH_ENDS = {1: "31", 2: "29", 3: "31", 4: "30", 5: "31", 6: "30"}


def run(drop: Path, rules: str, backend: str) -> Report:
    return validate_drop(drop, suite_from_yaml("suite: t\nrules:\n" + rules), engine=backend)


def month(fid: str, m: int, value: str, **kw: str) -> dict[str, str]:
    """A figure for month ``m`` of 2024, exact unless told otherwise."""
    return figure(
        fid,
        value,
        **{
            "precision": "0",
            "period_start": f"2024-{m:02d}-01",
            "period_end": f"2024-{m:02d}-{MONTH_ENDS[m]}",
            "published_at": "2024-12-01",
            **kw,
        },
    )


CUMULATIVE = "  - {id: s, kind: series, cumulative: true}\n"
ABSOLUTE = "  - {id: s, kind: series, change: {metric: change, of: cases, as: absolute}}\n"
PERCENT = "  - {id: s, kind: series, change: {metric: change, of: cases, as: percent}}\n"


# ---------------------------------------------------------------- cumulative


def test_cumulative_series_that_never_falls_passes(make_drop: MakeDrop, backend: str) -> None:
    # Rows out of order on purpose: the rule orders by period, not by row.
    drop = make_drop([month("c3", 3, "150"), month("c1", 1, "100"), month("c2", 2, "150")])
    assert run(drop, CUMULATIVE, backend).result("s").status is Status.PASS


def test_cumulative_fall_within_rounding_passes(make_drop: MakeDrop, backend: str) -> None:
    # "1,000" to hundreds is 950 to 1,050; 980 (975 to 985) may be the same running total.
    drop = make_drop(
        [month("c1", 1, "1,000", precision="100"), month("c2", 2, "980", precision="10")]
    )
    assert run(drop, CUMULATIVE, backend).result("s").status is Status.PASS


def test_cumulative_fall_fails_naming_both_figures_and_periods(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = make_drop(
        [
            month("c3", 3, "120"),
            month("c1", 1, "100"),
            month("c2", 2, "1,000", precision="100"),  # 950 to 1,050
        ]
    )
    result = run(drop, CUMULATIVE, backend).result("s")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "series-decrease"
    assert f.figures == ("c3", "c2")
    assert f.reported == Interval(120, 120) and f.expected == Interval(950, float("inf"))
    assert (f.gap, f.tolerance) == (830, 0)
    assert f.explanation == (
        "c3 (120, Mar 2024) is below c2 (1,000, Feb 2024), but a cumulative figure cannot "
        "fall: it drops by 880, at least 830 allowing for rounding."
    )


def test_each_group_is_its_own_series(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            month("n1", 1, "100", region="north"),
            month("n2", 2, "90", region="north"),
            month("s1", 1, "50", region="south"),
            month("s2", 2, "95", region="south"),
            month("x1", 1, "500", region=""),  # no region is a group of its own
            month("x2", 2, "510", region=""),
            month("p1", 1, "10", region="north", source_id="paper"),  # another source
            month("p2", 2, "5", region="north", source_id="paper"),
        ],
        extra_columns=["region"],
    )
    result = run(drop, CUMULATIVE, backend).result("s")
    assert [(f.figures, f.gap) for f in result.findings] == [
        (("n2", "n1"), 10),
        (("p2", "p1"), 5),
    ]


def test_running_totals_since_one_date_are_ordered_by_their_end(
    make_drop: MakeDrop, backend: str
) -> None:
    since = {"period_start": "2022-02-24", "precision": "0"}
    drop = make_drop(
        [
            figure("to-feb", "900", period_end="2024-02-29", **since),
            figure("to-jan", "1,000", period_end="2024-01-31", **since),
            figure("to-mar", "1,100", period_end="2024-03-31", **since),
        ]
    )
    [f] = run(drop, CUMULATIVE, backend).result("s").findings
    assert f.figures == ("to-feb", "to-jan") and f.gap == 100


def test_year_to_date_totals_start_again_each_year(make_drop: MakeDrop, backend: str) -> None:
    # January to October and the whole year 2023, then January and January to February
    # 2024: January 2024 starts a new running total (it is no fall from the year before),
    # and a fall within 2024 is still one.
    def to_date(fid: str, year: int, end: str, value: str) -> dict[str, str]:
        span = {"period_start": f"{year}-01-01", "period_end": f"{year}-{end}"}
        return figure(fid, value, precision="0", published_at="2025-06-01", **span)

    drop = make_drop(
        [
            to_date("y23-oct", 2023, "10-31", "1,000"),
            to_date("y23", 2023, "12-31", "1,200"),
            to_date("y24-jan", 2024, "01-31", "100"),
            to_date("y24-feb", 2024, "02-29", "90"),
        ]
    )
    result = run(drop, CUMULATIVE, backend).result("s")
    assert [(f.figures, f.gap) for f in result.findings] == [(("y24-feb", "y24-jan"), 10)]
    assert (result.counts.items, result.counts.failed) == (2, 1)  # a step in each year


def test_cumulative_tolerance(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([month("c1", 1, "100"), month("c2", 2, "98")])
    loose = "  - {id: s, kind: series, cumulative: true, tolerance: {relative: 0.02}}\n"
    assert run(drop, loose, backend).result("s").status is Status.PASS
    tight = "  - {id: s, kind: series, cumulative: true, tolerance: {absolute: 1}}\n"
    [f] = run(drop, tight, backend).result("s").findings
    assert (f.gap, f.tolerance) == (2, 1)


def test_a_single_period_is_undetermined(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([month("c1", 1, "100"), month("c2", 1, "100", metric="other")])
    result = run(drop, CUMULATIVE, backend).result("s")
    assert result.status is Status.UNDETERMINED
    assert result.findings[0].slug == "missing-figure"
    assert "no series has two periods" in result.findings[0].explanation


def test_figures_selector_scopes_the_series(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([month("c1", 1, "100"), month("c2", 2, "90"), month("o", 1, "5", metric="o")])
    scoped = "  - {id: s, kind: series, cumulative: true, figures: {metric: o}}\n"
    assert run(drop, scoped, backend).result("s").status is Status.UNDETERMINED
    none = "  - {id: s, kind: series, cumulative: true, figures: {metric: zzz}}\n"
    result = run(drop, none, backend).result("s")
    assert result.status is Status.UNDETERMINED and "metric=zzz" in result.findings[0].explanation
    cases = "  - {id: s, kind: series, cumulative: true, figures: {metric: cases}}\n"
    [f] = run(drop, cases, backend).result("s").findings
    assert f.figures == ("c2", "c1")


# ---------------------------------------------------------------- change


def levels_and_changes(*changes: tuple[int, str], unit: str = "cases") -> list[dict[str, str]]:
    rows = [month("c1", 1, "100"), month("c2", 2, "120"), month("c3", 3, "90")]
    rows += [month(f"d{m}", m, v, metric="change", unit=unit) for m, v in changes]
    return rows


def test_absolute_changes_that_agree_pass(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(levels_and_changes((2, "20"), (3, "−30")))
    assert run(drop, ABSOLUTE, backend).result("s").status is Status.PASS


def test_absolute_change_mismatch(make_drop: MakeDrop, backend: str) -> None:
    # The first period has no predecessor: a change reported for it is not checked.
    drop = make_drop(levels_and_changes((1, "999"), (2, "20"), (3, "30")))
    result = run(drop, ABSOLUTE, backend).result("s")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "change-mismatch"
    assert f.figures == ("d3", "c2", "c3")
    assert f.expected == Interval(-30, -30) and f.reported == Interval(30, 30) and f.gap == 60
    assert f.explanation == (
        "d3 (30, Mar 2024) should be the change in cases from c2 (120, Feb 2024) to "
        "c3 (90, Mar 2024), which is -30, 60 away from what 30 can stand for (30)."
    )


@pytest.mark.parametrize(
    ("feb", "mar", "bad"),
    [
        ("20", "-25", []),  # +20% and -25%
        ("20.0", "-25.0", []),
        ("20%", "-25%", []),
        ("2", "-25", [("d2", 18.0)]),
        ("20", "-30", [("d3", 5.0)]),
    ],
)
def test_percent_changes(
    make_drop: MakeDrop, backend: str, feb: str, mar: str, bad: list[tuple[str, float]]
) -> None:
    drop = make_drop(levels_and_changes((2, feb), (3, mar), unit="percent"))
    result = run(drop, PERCENT, backend).result("s")
    assert [(f.figures[0], f.gap) for f in result.findings] == [
        (fid, pytest.approx(gap)) for fid, gap in bad
    ]
    assert result.status is (Status.FAIL if bad else Status.PASS)


def test_percent_change_is_rounding_aware(make_drop: MakeDrop, backend: str) -> None:
    # Levels rounded to thousands: 10,000 -> 12,000 is anything from +9.5% to +31.6%.
    rows = [
        month("c1", 1, "10,000", precision="1000"),
        month("c2", 2, "12,000", precision="1000"),
        month("d2", 2, "25", metric="change", unit="percent", precision="1"),
    ]
    assert run(make_drop(rows), PERCENT, backend).result("s").status is Status.PASS
    rows[2] = month("d2", 2, "33", metric="change", unit="percent", precision="1")
    [f] = run(make_drop(rows, name="d2"), PERCENT, backend).result("s").findings
    assert f.expected is not None
    bounds = [11_500 / 10_500 * 100 - 100, 12_500 / 9_500 * 100 - 100]
    assert f.expected.to_list() == pytest.approx(bounds, rel=1e-13)
    assert f.gap == pytest.approx(32.5 - (12_500 / 9_500 * 100 - 100))
    assert "percentage change in cases" in f.explanation


def test_percent_change_from_zero(make_drop: MakeDrop, backend: str) -> None:
    rows = [month("c1", 1, "0"), month("c2", 2, "5"), month("d2", 2, "10", metric="change")]
    [f] = run(make_drop(rows), PERCENT, backend).result("s").findings
    assert (f.slug, f.figures) == ("zero-denominator", ("d2", "c1", "c2"))


def test_change_skips_a_period_whose_predecessor_is_missing(
    make_drop: MakeDrop, backend: str
) -> None:
    # January and March: March's change is from February, which the drop does not have.
    rows = [month("c1", 1, "100"), month("c3", 3, "150"), month("d3", 3, "7", metric="change")]
    result = run(make_drop(rows), ABSOLUTE, backend).result("s")
    assert result.status is Status.UNDETERMINED
    assert "'change' has figures of 'cases' for its period and the period before" in (
        result.findings[0].explanation
    )


def test_change_groups_by_everything_but_period_and_metric(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [
        month("n1", 1, "100", region="north"),
        month("n2", 2, "110", region="north"),
        month("s1", 1, "200", region="south"),
        month("s2", 2, "180", region="south"),
        month("dn", 2, "10", metric="change", region="north"),
        month("ds", 2, "10", metric="change", region="south"),  # should be -20
    ]
    [f] = run(make_drop(rows, extra_columns=["region"]), ABSOLUTE, backend).result("s").findings
    assert f.figures == ("ds", "s1", "s2") and f.gap == 30


def test_cumulative_with_change_checks_the_levels_only(make_drop: MakeDrop, backend: str) -> None:
    # Changes may fall (20 then -30); the levels may not (120 then 90).
    drop = make_drop(levels_and_changes((2, "20"), (3, "-30")))
    both = "  - {id: s, kind: series, cumulative: true, change: {metric: change, of: cases, as: absolute}}\n"
    [f] = run(drop, both, backend).result("s").findings
    assert (f.slug, f.figures) == ("series-decrease", ("c3", "c2"))


def test_reports_are_identical_on_both_backends(make_drop: MakeDrop) -> None:
    rows = [
        *levels_and_changes((2, "20"), (3, "30")),
        month("n1", 1, "1,000", precision="100", region="north"),
        month("n2", 2, "900", precision="10", region="north"),
        month("n3", 3, "2,000", precision="1000", region="north"),
        month("dn3", 3, "122", metric="change", unit="percent", region="north"),
    ]
    drop = make_drop(rows, extra_columns=["region"])
    rules = CUMULATIVE + ABSOLUTE.replace("id: s,", "id: a,") + PERCENT.replace("id: s,", "id: p,")

    def as_dict(backend: str) -> dict[str, Any]:
        out = run(drop, rules, backend).to_dict()
        out.pop("generated_at")
        return out

    polars = as_dict("polars")
    assert polars == as_dict("pandas")
    assert [r["status"] for r in polars["results"]] == ["fail", "fail", "fail"]
    assert [f["figures"] for f in polars["results"][0]["findings"]] == [["c3", "c2"], ["n2", "n1"]]


# ---------------------------------------------------------------- the contract


@pytest.mark.parametrize(
    ("fields", "slug", "says"),
    [
        ("", "missing-field", "needs something to check"),
        ("cumulative: false", "missing-field", "needs something to check"),
        ("cumulative: yes", "invalid-rule", "true or false"),
        ("change: {metric: a, of: b}", "missing-field", "change.as"),
        ("change: {metric: a, of: b, as: ratio}", "invalid-rule", "'ratio'"),
        ("change: {metric: a, of: a, as: percent}", "invalid-rule", "different metrics"),
        ("change: {metric: a, of: b, as: percent, by: x}", "unknown-field", "change.by"),
        ("change: cases", "invalid-rule", "must be a mapping"),
    ],
)
def test_contract_errors(fields: str, slug: str, says: str) -> None:
    body = f", {fields}" if fields else ""
    with pytest.raises(SuiteError) as excinfo:
        suite_from_yaml(f"suite: t\nrules:\n  - {{id: s, kind: series{body}}}\n")
    assert excinfo.value.slug == slug and says in excinfo.value.message


def test_schema() -> None:
    for rules in (CUMULATIVE, PERCENT, CUMULATIVE.replace("}\n", ", figures: {metric: x}}\n")):
        jsonschema.validate(load_yaml("suite: t\nrules:\n" + rules, "x"), SCHEMA)
    for bad in ("{id: s, kind: series}", "{id: s, kind: series, cumulative: false}"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(load_yaml(f"suite: t\nrules:\n  - {bad}\n", "x"), SCHEMA)
