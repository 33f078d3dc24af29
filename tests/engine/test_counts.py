"""Every result says what its rule checked (issue 16): items checked, passed and failed,
and those it could not check by reason; with `skipped: report` the reasons are findings.

One test per kind on a small table whose counts can be worked out by hand, on every
backend. Ratio and sum (and partition) count in their own tests.
"""

from __future__ import annotations

from pathlib import Path

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.report import Counts, Report, RuleResult, Status
from tests.conftest import MakeDrop, figure


def run(
    drop: Path, rules: str, backend: str, top: str = "", earlier: list[Path] | None = None
) -> Report:
    suite = suite_from_yaml(f"suite: t\n{top}rules:\n" + rules)
    return validate_drop(drop, suite, engine=backend, earlier=earlier or [])


def month(fid: str, m: int, value: str, **kw: str) -> dict[str, str]:
    """An exact figure for month ``m`` (1 to 9) of 2024."""
    ends = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30}
    return figure(
        fid,
        value,
        **{
            "precision": "0",
            "period_start": f"2024-{m:02d}-01",
            "period_end": f"2024-{m:02d}-{ends[m]}",
            "published_at": "2024-12-01",
            **kw,
        },
    )


def skipped_items(result: RuleResult) -> dict[str, tuple[str, ...]]:
    """The `skipped-items` findings of a result: reason -> the figures named."""
    return {
        dict(f.details)["reason"]: f.figures for f in result.findings if f.slug == "skipped-items"
    }


# ---------------------------------------------------------------- period


def test_period_counts_each_figure_once_however_many_checks_it_fails(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [figure(f"f{i}", str(i), precision="0") for i in range(8)]
    # Reversed, and outside `within` too: one failed item, two findings.
    rows.append(figure("r1", "1", period_start="2024-12-31", period_end="2024-01-01"))
    rows.append(figure("r2", "2", period_start="2025-03-01", period_end="2025-02-01"))
    result = run(make_drop(rows), "  - {id: p, kind: period, within: '2024'}\n", backend).result(
        "p"
    )
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(10, 2)
    assert (result.counts.passed, result.counts.items) == (8, 10)
    assert sorted(f.slug for f in result.findings if "r2" in f.figures) == [
        "period-outside",
        "period-reversed",
    ]


def test_period_without_a_publication_date_is_skipped_when_that_is_all_it_checks(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [
        figure("dated", "1", published_at="2025-02-01"),
        figure("early", "2", published_at="2024-06-01"),
        figure("undated-1", "3", published_at=""),
        figure("undated-2", "4", published_at=""),
        figure("forecast", "5", published_at="", status="forecast"),  # not final: checked
    ]
    drop = make_drop(rows)
    rule = "  - {id: p, kind: period, checks: [published-after-end]%s}\n"
    counted = run(drop, rule % "", backend).result("p")
    assert counted.status is Status.FAIL
    assert counted.counts == Counts.of(3, 1, {"no-publication-date": 2})
    assert skipped_items(counted) == {}
    reported = run(drop, rule % ", skipped: report", backend).result("p")
    assert reported.counts == counted.counts
    assert skipped_items(reported) == {"no-publication-date": ("undated-1", "undated-2")}
    # With `ordered` as well every figure is checked by something: nothing is skipped.
    both = run(drop, "  - {id: p, kind: period}\n", backend).result("p")
    assert both.counts == Counts.of(5, 1)


def test_period_report_turns_a_pass_with_skips_into_undetermined(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = make_drop([figure("dated", "1"), figure("undated", "2", published_at="")])
    rule = "  - {id: p, kind: period, checks: [published-after-end]%s}\n"
    assert run(drop, rule % "", backend).result("p").status is Status.PASS
    reported = run(drop, rule % ", skipped: report", backend).result("p")
    assert reported.status is Status.UNDETERMINED
    [finding] = reported.findings
    assert finding.figures == ("undated",)
    assert "1 item not checked" in finding.explanation
    assert "no publication date" in finding.explanation


# ---------------------------------------------------------------- compare and rate


COMPARE = "  - {id: c, kind: compare, left: a, op: '>', right: %s}\n"


def test_compare_is_one_item_checked_failed_or_skipped(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([figure("a", "10", precision="0"), figure("b", "20", precision="0")])
    assert run(drop, COMPARE % "b", backend).result("c").counts == Counts.of(1, 1)
    assert run(drop, COMPARE.replace(">", "<") % "b", backend).result("c").counts == Counts.of(1, 0)
    missing = run(drop, COMPARE % "{metric: cases, period: '2023'}", backend).result("c")
    assert missing.status is Status.UNDETERMINED
    assert missing.counts == Counts.of(0, 0, {"missing-input": 1})
    assert [f.slug for f in missing.findings] == ["missing-figure"]


def test_rate_is_one_item(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            month("monthly", 1, "10", unit="cases per month"),
            figure("year", "120", precision="0"),
            figure("bad-year", "200", precision="0", metric="other"),
        ]
    )
    rule = "  - {id: r, kind: rate, rate: monthly, total: %s, per: month}\n"
    assert run(drop, rule % "year", backend).result("r").counts == Counts.of(1, 0)
    assert run(drop, rule % "bad-year", backend).result("r").counts == Counts.of(1, 1)
    missing = run(drop, rule % "{metric: nothing}", backend).result("r")
    assert missing.counts == Counts.of(0, 0, {"missing-input": 1})


def test_a_rule_in_error_has_no_counts(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([figure("a", "10")])
    result = run(drop, COMPARE % "not-a-figure", backend).result("c")
    assert result.status is Status.ERROR and result.counts is None


# ---------------------------------------------------------------- series


def test_cumulative_series_counts_steps_not_first_figures(
    make_drop: MakeDrop, backend: str
) -> None:
    north = [month(f"n{m}", m, v, region="north") for m, v in ((1, "10"), (2, "20"), (3, "15"))]
    south = [month(f"s{m}", m, v, region="south") for m, v in ((1, "5"), (2, "6"))]
    twice = [month("w1", 1, "1", region="west"), month("w1b", 1, "2", region="west")]
    drop = make_drop([*north, *south, *twice], extra_columns=["region"])
    result = run(drop, "  - {id: s, kind: series, cumulative: true}\n", backend).result("s")
    assert result.status is Status.FAIL
    # Steps: n1->n2, n2->n3 (a fall), s1->s2; the west figures are printed twice.
    assert result.counts == Counts.of(3, 1, {"duplicate": 2})
    assert [f.slug for f in result.findings] == ["series-decrease", "duplicate-figure"]


def test_change_figures_without_levels_are_skipped_by_reason(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [
        month("l1", 1, "100"),
        month("l2", 2, "110"),
        month("l4", 4, "150"),  # no level for March: April's has no predecessor
        month("l5", 5, "160"),
        month("d1", 1, "5", metric="change"),  # the first level: no predecessor
        month("d2", 2, "10", metric="change"),  # checked, right
        month("d3", 3, "7", metric="change"),  # no level for March at all
        month("d4", 4, "9", metric="change"),
        month("d5", 5, "11", metric="change"),  # checked, wrong (should be 10)
    ]
    drop = make_drop(rows)
    rule = "  - {id: s, kind: series, change: {metric: change, of: cases, as: absolute}%s}\n"
    counted = run(drop, rule % "", backend).result("s")
    assert counted.status is Status.FAIL
    expected = Counts.of(2, 1, {"missing-level": 1, "no-predecessor": 2})
    assert counted.counts == expected and counted.counts.items == 5
    assert [f.slug for f in counted.findings] == ["change-mismatch"]
    reported = run(drop, rule % ", skipped: report", backend).result("s")
    assert reported.status is Status.FAIL and reported.counts == expected
    assert skipped_items(reported) == {"missing-level": ("d3",), "no-predecessor": ("d1", "d4")}


def test_a_series_with_skips_passes_when_counted_and_is_undetermined_when_reported(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [
        month("l1", 1, "100"),
        month("l2", 2, "110"),
        month("d1", 1, "5", metric="change"),
        month("d2", 2, "10", metric="change"),
    ]
    drop = make_drop(rows)
    rule = "  - {id: s, kind: series, change: {metric: change, of: cases, as: absolute}}\n"
    counted = run(drop, rule, backend).result("s")
    assert counted.status is Status.PASS
    assert counted.counts == Counts.of(1, 0, {"no-predecessor": 1})
    # The suite's default applies to the rule, which does not set its own.
    reported = run(drop, rule, backend, top="skipped: report\n").result("s")
    assert reported.status is Status.UNDETERMINED
    assert skipped_items(reported) == {"no-predecessor": ("d1",)}
    # A rule's own `skipped: count` wins over the suite's default.
    own = rule.replace("}}", "}, skipped: count}")
    assert run(drop, own, backend, top="skipped: report\n").result("s").status is Status.PASS


def test_a_series_selector_matching_nothing_counts_nothing(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = make_drop([month("c1", 1, "1")])
    rule = "  - {id: s, kind: series, cumulative: true, figures: {metric: nothing}}\n"
    result = run(drop, rule, backend).result("s")
    assert result.status is Status.UNDETERMINED and result.counts == Counts()


# ---------------------------------------------------------------- revision


def test_revision_counts_figures_an_earlier_drop_reported(
    make_drop: MakeDrop, backend: str
) -> None:
    exact = {"precision": "0"}
    v1 = make_drop(
        [
            figure("a", "100", **exact),
            figure("b", "200", **exact, metric="b"),
            figure("c", "300", **exact, metric="c"),
            figure("d", "1", **exact, metric="d"),
            figure("d-again", "2", **exact, metric="d"),  # printed twice before
        ],
        name="v1",
    )
    v2 = make_drop(
        [
            figure("a", "100", **exact),
            figure("b", "250", **exact, metric="b"),  # revised
            figure("c", "300", **exact, metric="c"),
            figure("d", "1", **exact, metric="d"),
            figure("new", "5", **exact, metric="new"),  # only now: no item
        ],
        name="v2",
    )
    result = run(v2, "  - {id: r, kind: revision}\n", backend, earlier=[v1]).result("r")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(3, 1, {"duplicate": 1})
    assert sorted(f.slug for f in result.findings) == ["duplicate-figure", "revision"]


def test_revision_without_an_earlier_drop_counts_nothing(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([figure("a", "1")])
    result = run(drop, "  - {id: r, kind: revision}\n", backend).result("r")
    assert result.status is Status.UNDETERMINED and result.counts == Counts()


# ---------------------------------------------------------------- attribution


def test_attribution_counts_the_figures_it_reads_and_those_a_finding_names(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [
        figure("ok-1", "1"),
        figure("ok-2", "2", metric="b"),
        figure("who-1", "3", source_id="nobody"),
        figure("who-2", "4", source_id="nobody", metric="b"),
        figure("cites-nobody", "5", source_id="paper", cites="ghost", metric="c"),
    ]
    drop = make_drop(rows)
    rule = "  - {id: a, kind: attribution, checks: [known-source, citations-resolve]%s}\n"
    result = run(drop, rule % "", backend).result("a")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(5, 3)
    # A selector narrows the items: only metric b's two figures, one of them failing.
    narrowed = run(drop, rule % ", figures: {metric: b}", backend).result("a")
    assert narrowed.counts == Counts.of(2, 1)
