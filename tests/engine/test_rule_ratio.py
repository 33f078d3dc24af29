"""ratio: a share equals part / whole times its scale, compared as intervals (GRIM-style)."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from statcheck.checking import validate_drop
from statcheck.contract import RatioRule, suite_from_yaml
from statcheck.contract.yamlio import load_yaml
from statcheck.errors import ExitCode, SuiteError
from statcheck.model.interval import Interval
from statcheck.report import Counts, Report, Status
from tests.conftest import MakeDrop, figure

SCHEMA = json.loads(resources.files("statcheck.contract").joinpath("suite.schema.json").read_text())


def run(drop: Path, rules: str, backend: str, skipped: str = "count") -> Report:
    suite = suite_from_yaml("suite: t\nrules:\n" + rules)
    if skipped != "count":  # how a suite says it is not this module's to test
        rules_ = tuple(dataclasses.replace(r, skipped=skipped) for r in suite.rules)
        suite = dataclasses.replace(suite, rules=rules_)
    return validate_drop(drop, suite, engine=backend)


EXPLICIT = "  - {id: r, kind: ratio, part: p, whole: w, share: s}\n"


def counts(
    part: str, whole: str, share: str, precision: str = "1000", **share_kw: str
) -> list[dict[str, str]]:
    return [
        figure("p", part, metric="deserters", precision=precision),
        figure("w", whole, metric="cases", precision=precision),
        figure("s", share, **{"metric": "share", "unit": "percent", **share_kw}),
    ]


# ---------------------------------------------------------------- explicit form


def test_share_reachable_from_counts_rounded_to_thousands_passes(
    make_drop: MakeDrop, backend: str
) -> None:
    # 12,000 / 20,000 rounded to thousands: anything from 11,500/20,500 = 56.1% to
    # 12,500/19,500 = 64.1%. 58.6 (58.55 to 58.65) is reachable though 60 is the midpoint.
    drop = make_drop(counts("12,000", "20,000", "58.6"))
    result = run(drop, EXPLICIT, backend).result("r")
    assert result.status is Status.PASS, result.findings


def test_share_unreachable_from_counts_rounded_to_thousands_fails(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = make_drop(counts("12,000", "20,000", "66.2"))
    result = run(drop, EXPLICIT, backend).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "ratio-mismatch"
    assert f.figures == ("s", "p", "w")
    assert f.expected is not None
    assert f.expected.to_list() == pytest.approx(
        Interval(11_500 / 20_500 * 100, 12_500 / 19_500 * 100).to_list(), rel=1e-13
    )
    assert f.reported == Interval(66.15, 66.25)
    assert f.gap == pytest.approx(66.15 - 12_500 / 19_500 * 100)
    assert f.tolerance == 0
    assert (
        "s (66.2, 2024)" in f.explanation and "as a percentage of w (20,000, 2024)" in f.explanation
    )
    assert "56.097561 to 64.102564" in f.explanation and "2.047436 away" in f.explanation


@pytest.mark.parametrize(("share", "status"), [("53.8", Status.PASS), ("54.0", Status.FAIL)])
def test_grim_exact_counts(make_drop: MakeDrop, backend: str, share: str, status: Status) -> None:
    # 7 of 13 is 53.846...%: printed to one decimal that is 53.8, never 54.0.
    drop = make_drop(counts("7", "13", share, precision="0"))
    result = run(drop, EXPLICIT, backend).result("r")
    assert result.status is status
    if status is Status.FAIL:
        [f] = result.findings
        assert f.gap == pytest.approx(53.95 - 700 / 13)


@pytest.mark.parametrize(
    ("unit", "share"),
    [
        ("percent", "53.8"),
        ("%", "53.8%"),
        ("pct", "53.8"),
        ("per_1000", "538"),
        ("per 1,000", "538"),
        ("per thousand", "538"),
        ("per_100000", "53,846"),
        ("per 100,000", "53,846"),
        ("fraction", "0.54"),
        ("ratio", "0.538"),
    ],
)
def test_scale_follows_the_share_unit(
    make_drop: MakeDrop, backend: str, unit: str, share: str
) -> None:
    drop = make_drop(counts("7", "13", share, precision="0", unit=unit))
    result = run(drop, EXPLICIT, backend).result("r")
    assert result.status is Status.PASS, result.findings


def test_unknown_share_unit_is_an_error_unless_the_rule_gives_a_scale(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = make_drop(counts("7", "13", "538", precision="0", unit="per mil people"))
    result = run(drop, EXPLICIT, backend).result("r")
    assert result.status is Status.ERROR
    assert result.error_slug == "unknown-share-unit"
    assert "scale" in (result.error or "")
    with_scale = "  - {id: r, kind: ratio, part: p, whole: w, share: s, scale: 1000}\n"
    assert run(drop, with_scale, backend).result("r").status is Status.PASS


def test_whole_that_can_be_zero(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(counts("0", "0", "50", precision="1"))
    result = run(drop, EXPLICIT, backend).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert (f.slug, f.figures) == ("zero-denominator", ("s", "p", "w"))
    assert "can stand for 0 (-0.5 to 0.5)" in f.explanation.replace("−", "-")


def test_tolerance_is_added_and_reported(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(counts("7", "13", "54.0", precision="0"))
    loose = "  - {id: r, kind: ratio, part: p, whole: w, share: s, tolerance: {absolute: 0.2}}\n"
    assert run(drop, loose, backend).result("r").status is Status.PASS
    tight = "  - {id: r, kind: ratio, part: p, whole: w, share: s, tolerance: {absolute: 0.05}}\n"
    [f] = run(drop, tight, backend).result("r").findings
    assert f.tolerance == 0.05 and f.gap == pytest.approx(53.95 - 700 / 13)
    assert "even with the tolerance of 0.05" in f.explanation


def test_missing_figure_is_undetermined(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(counts("7", "13", "53.8", precision="0"))
    rules = "  - {id: r, kind: ratio, part: p, whole: {metric: cases, period: '2023'}, share: s}\n"
    result = run(drop, rules, backend).result("r")
    assert result.status is Status.UNDETERMINED
    [f] = result.findings
    assert f.slug == "missing-figure" and f.figures == ("p", "s")
    assert "metric=cases, period=2023" in f.explanation


# ---------------------------------------------------------------- table form

REGIONS = ["region"]
TABLE = "  - {id: r, kind: ratio, over: metric, part: deserters, whole: cases, share: share}\n"


def region_rows(
    region: str, part: str, whole: str, share: str | None, **kw: str
) -> list[dict[str, str]]:
    rows = [
        figure(f"{region}-p", part, metric="deserters", precision="1000", region=region, **kw),
        figure(f"{region}-w", whole, metric="cases", precision="1000", region=region, **kw),
    ]
    if share is not None:
        rows.append(
            figure(f"{region}-s", share, metric="share", unit="percent", region=region, **kw)
        )
    return rows


def table_drop(make_drop: MakeDrop) -> Path:
    return make_drop(
        [
            *region_rows("north", "12,000", "20,000", "58.6"),  # reachable
            *region_rows("south", "12,000", "20,000", "66.2"),  # not reachable
            *region_rows("east", "5,000", "10,000", None),  # no share: skipped
            *region_rows("west", "1,000", "10,000", "10.0", source_id="paper"),
            figure("lonely-share", "60", metric="share", unit="percent", region="nowhere"),
        ],
        extra_columns=REGIONS,
    )


def test_table_form_checks_every_group(make_drop: MakeDrop, backend: str) -> None:
    result = run(table_drop(make_drop), TABLE, backend).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "ratio-mismatch"
    assert f.figures == ("south-s", "south-p", "south-w")
    assert f.gap == pytest.approx(66.15 - 12_500 / 19_500 * 100)


def test_table_form_figures_narrow_the_rows(make_drop: MakeDrop, backend: str) -> None:
    drop = table_drop(make_drop)
    paper_only = TABLE.replace("}\n", ", figures: {source: paper}}\n")
    assert run(drop, paper_only, backend).result("r").status is Status.PASS
    nothing = TABLE.replace("}\n", ", figures: {source: paper, region: north}}\n")
    result = run(drop, nothing, backend).result("r")
    assert result.status is Status.UNDETERMINED
    assert "metric=deserters" in result.findings[0].explanation


def test_table_form_no_complete_group_is_undetermined(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            *region_rows("east", "5,000", "10,000", None),
            figure("s", "50", metric="share", unit="percent", region="west"),
        ],
        extra_columns=REGIONS,
    )
    result = run(drop, TABLE, backend).result("r")
    assert result.status is Status.UNDETERMINED
    [f] = result.findings
    assert f.slug == "missing-figure" and "no group of figures has all of" in f.explanation


def test_table_form_over_a_dimension(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        figure("a-n", "30", precision="0", measure="count", region="a"),
        figure("a-d", "120", precision="0", measure="base", region="a"),
        figure("a-s", "0.25", unit="fraction", measure="rate", region="a"),
        figure("b-n", "30", precision="0", measure="count", region="b"),
        figure("b-d", "120", precision="0", measure="base", region="b"),
        figure("b-s", "0.30", unit="fraction", measure="rate", region="b"),
    ]
    drop = make_drop(rows, extra_columns=["measure", "region"])
    rules = "  - {id: r, kind: ratio, over: measure, part: count, whole: base, share: rate}\n"
    [f] = run(drop, rules, backend).result("r").findings
    assert f.figures == ("b-s", "b-n", "b-d")
    assert f.gap == pytest.approx(0.045)
    assert "as a fraction of" in f.explanation


def test_table_form_unknown_column_and_unit_are_errors(make_drop: MakeDrop, backend: str) -> None:
    drop = table_drop(make_drop)
    bad_over = TABLE.replace("over: metric", "over: colour")
    result = run(drop, bad_over, backend).result("r")
    assert (result.status, result.error_slug) == (Status.ERROR, "unknown-column")
    drop2 = make_drop(
        [
            figure("p", "1", metric="deserters", precision="0"),
            figure("w", "2", metric="cases", precision="0"),
            figure("s", "50", metric="share", unit="points"),
        ],
        name="d2",
    )
    result2 = run(drop2, TABLE, backend).result("r")
    assert (result2.status, result2.error_slug) == (Status.ERROR, "unknown-share-unit")
    assert "'points'" in (result2.error or "")


def test_reports_are_identical_on_both_backends(make_drop: MakeDrop) -> None:
    drop = table_drop(make_drop)
    rules = (
        TABLE
        + "  - {id: e, kind: ratio, part: south-p, whole: south-w, share: south-s}\n"
        + "  - {id: z, kind: ratio, part: north-p, whole: north-w, share: lonely-share, scale: 100}\n"
    )

    def as_dict(backend: str) -> dict[str, Any]:
        out = run(drop, rules, backend).to_dict()
        out.pop("generated_at")
        return out

    polars, pandas = as_dict("polars"), as_dict("pandas")
    assert polars == pandas
    assert [r["status"] for r in polars["results"]] == ["fail", "fail", "pass"]
    # the explicit and the table form explain the same mismatch in the same words
    assert polars["results"][0]["findings"] == polars["results"][1]["findings"]


# ---------------------------------------------------------------- the contract


@pytest.mark.parametrize(
    ("rule", "slug", "says"),
    [
        ("{part: p, whole: w, share: s, figures: {metric: x}}", "invalid-rule", "needs `over:`"),
        ("{part: p, whole: w, share: s, scale: 0}", "invalid-rule", "scale must be above 0"),
        ("{over: metric, part: {metric: x}, whole: w, share: s}", "invalid-rule", "value of the"),
        ("{part: p, whole: w}", "missing-field", "'share'"),
        ("{part: p, whole: w, share: s, per: month}", "unknown-field", "'per'"),
    ],
)
def test_contract_errors(rule: str, slug: str, says: str) -> None:
    with pytest.raises(SuiteError) as excinfo:
        suite_from_yaml(f"suite: t\nrules:\n  - {{id: r, kind: ratio, {rule[1:]}\n")
    assert excinfo.value.slug == slug
    assert says in excinfo.value.message


def test_table_values_may_be_numbers_and_round_trip() -> None:
    suite = suite_from_yaml(
        "suite: t\nrules:\n  - {id: r, kind: ratio, over: age, part: 18, whole: all, share: '18s'}\n"
    )
    rule = suite.rule("r")
    assert isinstance(rule, RatioRule) and rule.part == "18" and rule.refs() == ()
    assert suite_from_yaml(suite.to_yaml()) == suite


def test_schema_accepts_both_forms_and_rejects_figures_without_over() -> None:
    for rules in (EXPLICIT, TABLE, TABLE.replace("}\n", ", figures: {source: x}, scale: 100}\n")):
        jsonschema.validate(load_yaml("suite: t\nrules:\n" + rules, "x"), SCHEMA)
    bad = EXPLICIT.replace("}\n", ", figures: {source: x}}\n")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(load_yaml("suite: t\nrules:\n" + bad, "x"), SCHEMA)


def test_report_exit_code_for_a_mismatch(make_drop: MakeDrop) -> None:
    drop = make_drop(counts("12,000", "20,000", "66.2"))
    assert run(drop, EXPLICIT, "polars").exit_code is ExitCode.FAILED


# ---------------------------------------------------------------- counts


def test_table_form_counts_each_share_row_and_why_one_is_skipped(
    make_drop: MakeDrop, backend: str
) -> None:
    # north, south and west are checked (south fails); east has no share (no item);
    # lonely-share has neither part nor whole: the part is missing first.
    drop = table_drop(make_drop)
    result = run(drop, TABLE, backend).result("r")
    assert result.counts == Counts.of(checked=3, failed=1, skipped={"missing-part": 1})
    assert [f.slug for f in result.findings] == ["ratio-mismatch"]  # counted, not reported
    reported = run(drop, TABLE, backend, skipped="report").result("r")
    assert reported.counts == result.counts
    skipped = reported.findings[-1]
    assert (skipped.slug, skipped.figures) == ("skipped-items", ("lonely-share",))
    assert dict(skipped.details) == {"reason": "missing-part"}


def test_table_form_share_with_a_duplicated_part_is_skipped_as_duplicate(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [
        *region_rows("north", "12,000", "20,000", "58.6"),
        *region_rows("south", "12,000", "20,000", "60.0"),
        figure("south-p-again", "13,000", metric="deserters", precision="1000", region="south"),
    ]
    result = run(make_drop(rows, extra_columns=REGIONS), TABLE, backend).result("r")
    assert result.status is Status.UNDETERMINED
    assert [f.slug for f in result.findings] == ["duplicate-figure"]
    assert result.counts == Counts.of(checked=1, failed=0, skipped={"duplicate": 1})


def test_explicit_form_counts_the_one_share(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(counts("12,000", "20,000", "66.2"))
    assert run(drop, EXPLICIT, backend).result("r").counts == Counts.of(checked=1, failed=1)
    absent = "  - {id: r, kind: ratio, part: p, whole: {metric: cases, period: '2023'}, share: s}\n"
    result = run(drop, absent, backend).result("r")
    assert result.status is Status.UNDETERMINED
    assert result.counts == Counts.of(checked=0, failed=0, skipped={"missing-whole": 1})


def test_a_failing_share_printed_with_its_period_backwards_is_explained(
    make_drop: MakeDrop, backend: str
) -> None:
    # The period rule reports the reversed year; the ratio must still name the figures.
    backwards = {"period_start": "2024-12-31", "period_end": "2024-01-01", "precision": "1"}
    rows = [
        figure("p", "12", metric="deserters", **backwards),
        figure("w", "20", metric="cases", **backwards),
        figure("s", "70", metric="share", unit="percent", **backwards),
    ]
    rules = "  - {id: r, kind: ratio, over: metric, part: deserters, whole: cases, share: share}\n"
    result = run(make_drop(rows), rules, backend).result("r")
    assert result.status is Status.FAIL, result.error
    [f] = result.findings
    assert f.figures == ("s", "p", "w")
    assert (
        "s (70, 2024-12-31 to 2024-01-01 (ends before it starts)) should be p (12" in f.explanation
    )
