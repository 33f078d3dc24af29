"""rate: a rate per period against a total over a period of another length."""

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


def run(drop: Path, rules: str, backend: str) -> Report:
    return validate_drop(drop, suite_from_yaml("suite: t\nrules:\n" + rules), engine=backend)


def rule(per: str = "month", extra: str = "") -> str:
    return f"  - {{id: r, kind: rate, rate: rate, total: total, per: {per}{extra}}}\n"


def rate_and_total(rate: str, total: str, **total_kw: str) -> list[dict[str, str]]:
    return [
        figure("rate", rate, metric="deserters_per_month"),
        figure("total", total, **{"metric": "deserters", **total_kw}),
    ]


def test_about_twelve_a_month_agrees_with_a_yearly_total(make_drop: MakeDrop, backend: str) -> None:
    # about 12 (11.5 to 12.5) a month over 12 months: 138 to 150; "150" stands for 145 to 155.
    drop = make_drop(rate_and_total("about 12", "150"))
    result = run(drop, rule(), backend).result("r")
    assert result.status is Status.PASS, result.findings


def test_rate_far_from_the_total_fails(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(rate_and_total("about 12", "1,200", precision="0"))
    result = run(drop, rule(), backend).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "rate-mismatch"
    assert f.figures == ("total", "rate")
    assert f.expected == Interval(138, 150)
    assert f.reported == Interval(1200, 1200)
    assert (f.gap, f.tolerance) == (1050, 0)
    assert f.explanation == (
        "rate (about 12 a month, 2024) over the 12 months of 2024 comes to 144 "
        "(138 to 150 allowing for rounding), but total (1,200, 2024) is 1,050 away from that."
    )


@pytest.mark.parametrize(
    ("total", "status", "gap"),
    [("120", Status.PASS, 0.0), ("144", Status.FAIL, 19.0)],
)
def test_a_total_for_ten_months_counts_ten_months(
    make_drop: MakeDrop, backend: str, total: str, status: Status, gap: float
) -> None:
    # Jan–Oct 2024 is 10 calendar months, whatever their days: 115 to 125.
    drop = make_drop(rate_and_total("about 12", total, precision="0", period_end="2024-10-31"))
    result = run(drop, rule(), backend).result("r")
    assert result.status is status
    if status is Status.FAIL:
        [f] = result.findings
        assert f.gap == gap and f.expected == Interval(115, 125)
        assert "over the 10 months of Jan–Oct 2024" in f.explanation


def test_weeks_and_days_count_days(make_drop: MakeDrop, backend: str) -> None:
    two_weeks = {"period_start": "2024-01-01", "period_end": "2024-01-14", "precision": "0"}
    drop = make_drop(rate_and_total("5", "70", **two_weeks))
    assert run(drop, rule("day"), backend).result("r").status is Status.PASS  # 4.5..5.5 x 14
    [f] = run(drop, rule("week"), backend).result("r").findings  # 4.5..5.5 x 2
    assert f.expected == Interval(9, 11) and f.gap == 59
    assert "rate (5 a week, 2024) over the 2 weeks of 2024-01-01 to 2024-01-14" in f.explanation


def test_a_period_of_part_months_counts_days(make_drop: MakeDrop, backend: str) -> None:
    # 15 Jan to 14 Feb is 31 days: 31 / (365.25 / 12) = 1.0185 months.
    span = {"period_start": "2024-01-15", "period_end": "2024-02-14", "precision": "0"}
    drop = make_drop(rate_and_total("100.0", "103", **span))
    result = run(drop, rule(), backend).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    months = 31 / (365.25 / 12)
    assert f.expected is not None
    assert f.expected.to_list() == pytest.approx(
        Interval(99.95 * months, 100.05 * months).to_list(), rel=1e-13
    )
    assert f.gap == pytest.approx(103 - 100.05 * months)
    assert "over the 1.02 months of 2024-01-15 to 2024-02-14" in f.explanation


def test_tolerance(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(rate_and_total("about 12", "160", precision="0"))
    assert run(drop, rule(extra=", tolerance: {absolute: 10}"), backend).result("r").status is (
        Status.PASS
    )
    [f] = run(drop, rule(extra=", tolerance: {relative: 0.02}"), backend).result("r").findings
    assert f.gap == 10 and f.tolerance == pytest.approx(3.0)  # 2% of 150


def test_missing_total_is_undetermined(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(rate_and_total("about 12", "150"))
    rules = "  - {id: r, kind: rate, rate: rate, total: {metric: deserters, period: '2023'}, per: year}\n"
    result = run(drop, rules, backend).result("r")
    assert result.status is Status.UNDETERMINED
    [f] = result.findings
    assert f.slug == "missing-figure" and f.figures == ("rate",)


def test_reports_are_identical_on_both_backends(make_drop: MakeDrop) -> None:
    drop = make_drop(
        [
            *rate_and_total("about 12", "1,200", precision="0"),
            figure("jan-oct", "120", metric="deserters", precision="0", period_end="2024-10-31"),
        ]
    )
    rules = (
        rule()
        + rule("quarter").replace("id: r,", "id: q,")
        + ("  - {id: j, kind: rate, rate: rate, total: jan-oct, per: month}\n")
    )

    def as_dict(backend: str) -> dict[str, Any]:
        out = run(drop, rules, backend).to_dict()
        out.pop("generated_at")
        return out

    polars = as_dict("polars")
    assert polars == as_dict("pandas")
    assert [r["status"] for r in polars["results"]] == ["fail", "fail", "pass"]


@pytest.mark.parametrize(
    ("text", "slug", "says"),
    [
        ("{id: r, kind: rate, rate: a, total: b}", "missing-field", "'per'"),
        ("{id: r, kind: rate, rate: a, total: b, per: fortnight}", "invalid-rule", "'fortnight'"),
        ("{id: r, kind: rate, rate: a, per: month}", "missing-field", "'total'"),
        (
            "{id: r, kind: rate, rate: a, total: b, per: month, over: metric}",
            "invalid-rule",
            "a table-form rate needs `of:`",
        ),
        (
            "{id: r, kind: rate, rate: a, total: b, of: c, per: month, over: period}",
            "invalid-rule",
            "`over` cannot name it",
        ),
        (
            "{id: r, kind: rate, rate: a, total: b, per: month, scale: 1000}",
            "invalid-rule",
            "`scale` needs `of:`",
        ),
        (
            "{id: r, kind: rate, rate: a, total: b, of: c, per: month, scale: 0}",
            "invalid-rule",
            "scale must be above 0",
        ),
    ],
)
def test_contract_errors(text: str, slug: str, says: str) -> None:
    with pytest.raises(SuiteError) as excinfo:
        suite_from_yaml(f"suite: t\nrules:\n  - {text}\n")
    assert excinfo.value.slug == slug and says in excinfo.value.message


def test_schema() -> None:
    jsonschema.validate(load_yaml("suite: t\nrules:\n" + rule("quarter"), "x"), SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(load_yaml("suite: t\nrules:\n" + rule("fortnight"), "x"), SCHEMA)
