"""A rule that checked nothing never passes: on every kind with a table form, a table where
no item can be checked gives `undetermined` (counts say 0 checked) and a finding saying
why, naming how many items were skipped for which reason; the CLI prints both."""

from __future__ import annotations

from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.cli import main
from statcheck.contract import suite_from_yaml
from statcheck.report import RuleResult, Status
from tests.conftest import MakeDrop, figure


def exact(fid: str, value: str, **kw: str) -> dict[str, str]:
    return figure(fid, value, precision="0", **kw)


def month(fid: str, m: int, value: str, **kw: str) -> dict[str, str]:
    end = {1: "31", 2: "29", 3: "31", 4: "30"}[m]
    return exact(fid, value, period_start=f"2024-0{m}-01", period_end=f"2024-0{m}-{end}", **kw)


def run(drop: Path, rule: str, backend: str, earlier: list[Path] | None = None) -> RuleResult:
    suite = suite_from_yaml(f"suite: t\nrules:\n  - {rule}\n")
    return validate_drop(drop, suite, engine=backend, earlier=earlier or []).result("r")


def assert_nothing_checked(result: RuleResult, reason: str, items: int) -> str:
    """The result is undetermined with 0 checked, ``items`` skipped for ``reason``; the
    explanation of its ``nothing-checked`` finding."""
    assert result.status is Status.UNDETERMINED
    assert result.counts is not None
    assert (result.counts.checked, result.counts.items) == (0, items)
    assert dict(result.counts.skipped) == ({reason: items} if items else {})
    [finding] = [f for f in result.findings if f.slug == "nothing-checked"]
    assert finding.figures == ()
    return finding.explanation


def test_a_table_sum_whose_groups_all_lack_their_total(make_drop: MakeDrop, backend: str) -> None:
    # Two years of regional parts, the national total printed for neither.
    rows = [exact(f"{r}-{y}", "5", region=r, period_start=f"{y}-01-01", period_end=f"{y}-12-31")
            for r in ("N", "S") for y in ("2023", "2024")]  # fmt: skip
    drop = make_drop(rows, extra_columns=["region"])
    result = run(drop, "{id: r, kind: sum, over: region, total: TOTAL}", backend)
    why = assert_nothing_checked(result, "missing-total", 2)
    assert why == (
        "Nothing was checked, so the rule is undetermined, not passed. All 2 items were "
        "skipped: 2 for `missing-total`, parts whose total is not in the drop."
    )


def test_a_table_sum_whose_totals_all_lack_parts(make_drop: MakeDrop, backend: str) -> None:
    rows = [exact("t", "10", region="TOTAL"), exact("n", "4", region="N")]
    drop = make_drop(rows, extra_columns=["region"])
    rule = "{id: r, kind: sum, over: region, total: TOTAL, parts: [N, S]}"
    result = run(drop, rule, backend)
    why = assert_nothing_checked(result, "missing-parts", 1)
    assert "Its only item was skipped: 1 for `missing-parts`" in why
    # The group's own finding names what it lacks.
    assert "t cannot be checked: only 1 of its 2 parts are in the drop" in (
        result.findings[0].explanation
    )


def test_a_table_ratio_whose_shares_all_lack_their_whole(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        exact("p1", "1", metric="deaths", region="N"),
        exact("w1", "4", metric="population", region="N"),
        figure("s1", "25", metric="share", unit="percent", region="N"),
        exact("p2", "1", metric="deaths", region="S"),
        figure("s2", "25", metric="share", unit="percent", region="S"),
        figure("s3", "25", metric="share", unit="percent", region="E"),
    ]
    drop = make_drop(rows, extra_columns=["region"])
    rule = "{id: r, kind: ratio, over: metric, part: deaths, whole: population, share: share}"
    checked_one = run(drop, rule, backend)
    assert checked_one.status is Status.PASS and checked_one.counts is not None
    assert checked_one.counts.checked == 1
    # Without region N's population, no share has its whole.
    rows = [r for r in rows if r["figure_id"] != "w1"] + [
        exact("w4", "4", metric="population", region="W")
    ]
    without = make_drop(rows, extra_columns=["region"], name="d2")
    result = run(without, rule, backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts is not None and result.counts.checked == 0
    assert result.counts.items > 0
    [finding] = result.findings
    assert finding.explanation.startswith(
        "The ratio cannot be checked: no group of figures has all of metric=deaths, "
        "metric=population, metric=share"
    )


def test_a_partition_whose_wholes_have_no_parts(make_drop: MakeDrop, backend: str) -> None:
    rows = [exact("q1", "9", period_start="2024-01-01", period_end="2024-03-31")]
    result = run(make_drop(rows), "{id: r, kind: partition, whole: quarter}", backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts is not None and result.counts.checked == 0
    assert dict(result.counts.skipped) == {"missing-parts": 1}
    assert result.findings  # the partition says why in its own words


def test_a_cumulative_series_with_no_step(make_drop: MakeDrop, backend: str) -> None:
    rows = [month("c1", 1, "100"), month("d3", 3, "120", metric="deaths")]
    result = run(make_drop(rows), "{id: r, kind: series, cumulative: true}", backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts is not None and result.counts.checked == 0
    assert result.findings and all(f.slug != "series-decrease" for f in result.findings)


@pytest.mark.parametrize(
    "rule",
    [
        "{id: r, kind: period, figures: {metric: nothing}}",
        "{id: r, kind: attribution, figures: {metric: nothing}}",
    ],
    ids=["period", "attribution"],
)
def test_a_figure_rule_with_nothing_in_scope(make_drop: MakeDrop, backend: str, rule: str) -> None:
    result = run(make_drop([exact("a", "1")]), rule, backend)
    assert result.status is Status.UNDETERMINED
    assert result.counts is not None and result.counts.items == 0
    [finding] = result.findings
    assert (finding.slug, finding.explanation) == (
        "nothing-checked",
        "Nothing was checked, so the rule is undetermined, not passed. No figure matches its "
        "selector (metric=nothing).",
    )


def test_a_revision_where_every_figure_is_new(make_drop: MakeDrop, backend: str) -> None:
    earlier = make_drop([exact("old", "1")], name="v1")
    later = make_drop([exact("new", "2", metric="other")], name="v2")
    result = run(later, "{id: r, kind: revision}", backend, [earlier])
    assert result.status is Status.UNDETERMINED
    assert result.counts is not None and result.counts.checked == 0
    [finding] = result.findings  # the kind's own words for why nothing was checked
    assert finding.explanation == (
        "The revisions cannot be checked: no figure of v2 (any figure) is reported in v1."
    )


def test_a_rule_that_checked_something_still_passes(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        exact("t", "9", region="TOTAL"),
        exact("n", "4", region="N"),
        exact("s", "5", region="S"),
    ]
    drop = make_drop(rows, extra_columns=["region"])
    result = run(drop, "{id: r, kind: sum, over: region, total: TOTAL}", backend)
    assert result.status is Status.PASS and result.findings == ()
    assert result.counts is not None and result.counts.checked == 1


def test_the_cli_prints_the_count_and_the_reason(
    make_drop: MakeDrop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [exact("n", "5", region="N"), exact("s", "5", region="S")]
    drop = make_drop(rows, extra_columns=["region"])
    suite = tmp_path / "s.yml"
    suite.write_text("suite: t\nrules:\n  - {id: r, kind: sum, over: region, total: TOTAL}\n")
    code = main(["validate", str(drop), "--suite", str(suite), "--out", str(tmp_path / "r.json")])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0, out
    assert "UNDETERMINED r checked 0 · skipped 1 (missing total 1)" in out
    assert "nothing-checked: Nothing was checked" in out
