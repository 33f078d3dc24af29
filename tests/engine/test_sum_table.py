"""sum over a whole table: totals against parts in every group, hierarchies, margins."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.report import Counts, Report, Status
from tests.conftest import MakeDrop, figure


def run(drop: Path, rules: str, backend: str, skipped: str = "count") -> Report:
    suite = suite_from_yaml("suite: t\nrules:\n" + rules)
    if skipped != "count":  # how a suite says it is not this module's to test
        rules_ = tuple(dataclasses.replace(r, skipped=skipped) for r in suite.rules)
        suite = dataclasses.replace(suite, rules=rules_)
    return validate_drop(drop, suite, engine=backend)


def region_rows(year: str, total: str, parts: dict[str, str], **kw: str) -> list[dict[str, str]]:
    period = {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31"}
    rows = [figure(f"{year}-TOTAL", total, region="TOTAL", precision="0", **period, **kw)]
    rows += [
        figure(f"{year}-{r}", v, region=r, precision="0", **period, **kw) for r, v in parts.items()
    ]
    return rows


TOTAL_OF_OTHERS = "  - id: s\n    kind: sum\n    over: region\n    total: TOTAL\n"


def test_every_group_is_checked_and_only_failing_ones_reported(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = region_rows("2023", "10", {"N": "4", "S": "6"}) + region_rows(
        "2024", "12", {"N": "4", "S": "7"}
    )
    drop = make_drop(rows, extra_columns=["region"])
    result = run(drop, TOTAL_OF_OTHERS, backend).result("s")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "sum-mismatch"
    assert f.figures == ("2024-TOTAL", "2024-N", "2024-S")
    assert f.gap == 1 and f.expected is not None and f.expected.low == 11
    assert "the total is larger" in f.explanation


def test_failing_totals_are_written_only_when_read_and_each_names_its_gap(
    make_drop: MakeDrop, backend: str
) -> None:
    """A table with many failing totals: the rule hands back slug and figures at once; the
    sentences (Python work per finding) are written when one is first read, each with its
    own total, parts and gap."""
    years = range(2000, 2030)
    rows = [r for y in years for r in region_rows(str(y), str(20 + y % 7), {"N": "4", "S": "6"})]
    drop = make_drop(rows, extra_columns=["region"])
    result = run(drop, TOTAL_OF_OTHERS, backend).result("s")
    assert result.counts == Counts.of(
        30, 30, {"duplicate": 0, "missing-parts": 0, "not-a-figure": 0, "missing-total": 0}
    )
    assert [f.figures for f in result.findings] == [
        (f"{y}-TOTAL", f"{y}-N", f"{y}-S") for y in years
    ]
    assert all("explanation" not in vars(f) for f in result.findings)  # none written yet
    for y, f in zip(years, result.findings, strict=True):
        gap = 20 + y % 7 - 10
        assert f.gap == gap and f.reported is not None and f.reported.low == 20 + y % 7
        assert f.explanation.startswith(
            f"{y}-TOTAL is {20 + y % 7} but its 2 parts ({y}-N, {y}-S) add up to 10, {gap} apart"
        )


def test_rounded_parts_within_rounding_pass(make_drop: MakeDrop, backend: str) -> None:
    # In thousands: 10 vs 4 + 7 = 11 is within 3 x 0.5 thousand; 10 vs 4 + 8 = 12 is not.
    rows = [
        figure("t", "10", region="TOTAL", scale="1000", precision="1"),
        figure("n", "4", region="N", scale="1000", precision="1"),
        figure("s", "7", region="S", scale="1000", precision="1"),
    ]
    assert (
        run(make_drop(rows, extra_columns=["region", "scale"]), TOTAL_OF_OTHERS, backend)
        .result("s")
        .status
        is Status.PASS
    )
    rows[2] = figure("s", "8", region="S", scale="1000", precision="1")
    [f] = (
        run(make_drop(rows, name="d2", extra_columns=["region", "scale"]), TOTAL_OF_OTHERS, backend)
        .result("s")
        .findings
    )
    assert (
        f.gap == 500
        and f.reported is not None
        and (f.reported.low, f.reported.high) == (9_500, 10_500)
    )


def test_listed_parts_missing_are_undetermined_or_zero(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(region_rows("2024", "10", {"N": "10"}), extra_columns=["region"])
    listed = "  - id: s\n    kind: sum\n    over: region\n    total: TOTAL\n    parts: [N, S]\n"
    result = run(drop, listed, backend).result("s")
    assert result.status is Status.UNDETERMINED
    assert (
        result.findings[0].slug == "missing-figure"
        and "only 1 of its 2 parts" in result.findings[0].explanation
    )
    assert run(drop, listed + "    missing: zero\n", backend).result("s").status is Status.PASS


def test_multi_level_hierarchy_checks_every_level(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        figure("w", "100", region="WORLD", precision="0"),
        figure("eu", "30", region="EUROPE", precision="0"),
        figure("as", "70", region="ASIA", precision="0"),
        figure("fr", "10", region="FR", precision="0"),
        figure("de", "21", region="DE", precision="0"),  # Europe's parts add to 31, not 30
        figure("cn", "70", region="CN", precision="0"),
    ]
    rule = (
        "  - id: h\n    kind: sum\n    over: region\n    hierarchy:\n"
        "      WORLD: [EUROPE, ASIA]\n      EUROPE: [FR, DE]\n      ASIA: [CN]\n"
    )
    [f] = run(make_drop(rows, extra_columns=["region"]), rule, backend).result("h").findings
    assert f.figures == ("eu", "de", "fr") and f.gap == 1
    assert "parts add up to more" in f.explanation


def test_cross_classified_table_both_margins(make_drop: MakeDrop, backend: str) -> None:
    cells = {("F", "N"): "3", ("F", "S"): "4", ("M", "N"): "5", ("M", "S"): "6"}
    rows = [figure(f"{s}{r}", v, sex=s, region=r, precision="0") for (s, r), v in cells.items()]
    rows += [
        figure("TN", "8", sex="ALL", region="N", precision="0"),
        figure("TS", "10", sex="ALL", region="S", precision="0"),
    ]
    rows += [
        figure("FT", "7", sex="F", region="ALL", precision="0"),
        figure("MT", "11", sex="M", region="ALL", precision="0"),
    ]
    rows += [figure("TT", "18", sex="ALL", region="ALL", precision="0")]
    drop = make_drop(rows, extra_columns=["sex", "region"])
    margins = (
        "  - id: by-sex\n    kind: sum\n    over: sex\n    total: ALL\n"
        "  - id: by-region\n    kind: sum\n    over: region\n    total: ALL\n"
    )
    report = run(drop, margins, backend)
    assert report.result("by-sex").status is Status.PASS  # TN = 3 + 5, TS = 4 + 6, TT = 7 + 11
    assert report.result("by-region").status is Status.PASS  # FT = 3 + 4, MT = 5 + 6, TT = 8 + 10
    rows[1] = figure(
        "FS", "5", sex="F", region="S", precision="0"
    )  # one inner cell breaks both margins
    report = run(make_drop(rows, name="d2", extra_columns=["sex", "region"]), margins, backend)
    assert [f.figures for f in report.result("by-sex").findings] == [("TS", "FS", "MS")]
    assert [f.figures for f in report.result("by-region").findings] == [("FT", "FN", "FS")]


def test_shares_sum_to_100_within_their_rounding(make_drop: MakeDrop, backend: str) -> None:
    # 33.3 + 33.3 + 33.3 = 99.9, and each may be 0.05 higher: consistent with 100.
    rows = [figure(k, "33.3%", unit="percent", group=k) for k in ("a", "b", "c")]
    rule = "  - id: s\n    kind: sum\n    over: group\n    total: 100\n    parts: [a, b, c]\n"
    assert (
        run(make_drop(rows, extra_columns=["group"]), rule, backend).result("s").status
        is Status.PASS
    )
    rows[2] = figure("c", "33.0%", unit="percent", group="c")
    [f] = (
        run(make_drop(rows, name="d2", extra_columns=["group"]), rule, backend).result("s").findings
    )
    assert round(f.gap or 0, 9) == 0.25  # 99.6 at most 99.75 vs 100


def test_duplicated_figures_are_reported_not_merged(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        *region_rows("2024", "10", {"N": "4", "S": "6"}),
        figure("2024-N-again", "5", region="N", precision="0"),
    ]
    result = run(make_drop(rows, extra_columns=["region"]), TOTAL_OF_OTHERS, backend).result("s")
    assert result.status is Status.UNDETERMINED
    slugs = sorted(f.slug for f in result.findings)
    assert slugs == ["duplicate-figure", "missing-figure", "nothing-checked"]
    dup = next(f for f in result.findings if f.slug == "duplicate-figure")
    assert set(dup.figures) == {"2024-N", "2024-N-again"}


# ---------------------------------------------------------------- counts


def test_counts_totals_checked_and_skipped(make_drop: MakeDrop, backend: str) -> None:
    rows = region_rows("2023", "10", {"N": "4", "S": "6"}) + region_rows(
        "2024", "12", {"N": "4", "S": "7"}
    )
    rows += [  # 2022 has parts and no total: never mentioned before counts
        figure("2022-N", "3", region="N", precision="0", period_start="2022-01-01", period_end="2022-12-31"),
        figure("2022-S", "3", region="S", precision="0", period_start="2022-01-01", period_end="2022-12-31"),
    ]  # fmt: skip
    drop = make_drop(rows, extra_columns=["region"])
    result = run(drop, TOTAL_OF_OTHERS, backend).result("s")
    assert [f.slug for f in result.findings] == ["sum-mismatch"]
    assert result.counts == Counts.of(checked=2, failed=1, skipped={"missing-total": 1})
    reported = run(drop, TOTAL_OF_OTHERS, backend, skipped="report").result("s")
    lonely = reported.findings[-1]
    assert (lonely.slug, lonely.figures) == ("skipped-items", ("2022-N",))
    assert "parts whose total is not in the drop" in lonely.explanation


def test_counts_of_incomplete_and_duplicated_parts(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        *region_rows("2023", "10", {"N": "4", "S": "6"}),
        *region_rows("2024", "10", {"N": "10"}),  # S missing
        figure("2023-N-again", "5", region="N", precision="0", period_start="2023-01-01", period_end="2023-12-31"),
    ]  # fmt: skip
    drop = make_drop(rows, extra_columns=["region"])
    listed = "  - id: s\n    kind: sum\n    over: region\n    total: TOTAL\n    parts: [N, S]\n"
    result = run(drop, listed, backend, skipped="report").result("s")
    assert result.counts == Counts.of(
        checked=0, failed=0, skipped={"duplicate": 1, "missing-parts": 1}
    )
    slugs = [f.slug for f in result.findings]
    assert slugs == [
        "missing-figure",
        "missing-figure",
        "duplicate-figure",
        "skipped-items",
        "skipped-items",
        "nothing-checked",
    ]
    # `missing: zero` checks 2024 with S as 0; 2023 stays out, its N printed twice.
    zero = run(drop, listed + "    missing: zero\n", backend).result("s")
    assert zero.status is Status.UNDETERMINED
    assert [f.slug for f in zero.findings] == ["duplicate-figure"]
    assert zero.counts == Counts.of(checked=1, failed=0, skipped={"duplicate": 1})


def test_a_total_with_none_of_its_parts_is_not_checked_even_as_zero(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [*region_rows("2024", "10", {}), figure("x", "1", region="X")]
    drop = make_drop(rows, extra_columns=["region"])
    listed = "  - id: s\n    kind: sum\n    over: region\n    total: TOTAL\n    parts: [N, S]\n    missing: zero\n"
    result = run(drop, listed, backend).result("s")
    assert result.status is Status.UNDETERMINED
    f, nothing = result.findings
    assert "only 0 of its 2 parts" in f.explanation
    assert nothing.slug == "nothing-checked"
    assert result.counts == Counts.of(checked=0, failed=0, skipped={"missing-parts": 1})


def test_counts_of_a_numeric_total_are_its_groups(make_drop: MakeDrop, backend: str) -> None:
    rows = [figure(k, "33.3%", unit="percent", group=k) for k in ("a", "b", "c")]
    year = {"period_start": "2023-01-01", "period_end": "2023-12-31"}
    rows += [figure(f"{k}-23", "31%", unit="percent", group=k, **year) for k in ("a", "b", "c")]
    rule = "  - id: s\n    kind: sum\n    over: group\n    total: 100\n    parts: [a, b, c]\n"
    result = run(make_drop(rows, extra_columns=["group"]), rule, backend).result("s")
    assert result.counts == Counts.of(checked=2, failed=1)


def test_an_open_ended_part_still_fails_a_total_it_exceeds(
    make_drop: MakeDrop, backend: str
) -> None:
    # "more than 1,000" stands for [1,000.5, ∞): its infinite bound once made the table
    # form's tolerance NaN, and the group passed where the explicit form fails.
    rows = [
        figure("t", "500", region="ALL", precision="1"),
        figure("a", "more than 1,000", region="N"),
        figure("b", "10", region="S", precision="1"),
    ]
    drop = make_drop(rows, extra_columns=["region"])
    rules = "  - {id: r, kind: sum, over: region, total: ALL}\n"
    result = run(drop, rules, backend).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "sum-mismatch" and f.figures == ("t", "a", "b")
    assert f.gap == 509.0
