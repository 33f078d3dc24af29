"""ratio and sum over several columns: operands as mappings of `{name}` templates.

The table is shaped like the independent benchmark's: metrics × categories × years,
each metric's `ALL` the total of ten categories c01..c10, and share rows `mXX_share` per
category. One rule checks every share (or every total) of every metric and category.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.report import Counts, Report, RuleResult, Status
from tests.conftest import MakeDrop, figure

CATEGORIES = [f"c{i:02d}" for i in range(1, 11)]
METRICS = ("m01", "m02", "m03")
YEARS = ("2023", "2024")

SHARES = """\
  - id: r
    kind: ratio
    over: [metric, category]
    part:  {metric: "{m}", category: "{c}"}
    whole: {metric: "{m}", category: ALL}
    share: {metric: "{m}_share", category: "{c}"}
"""
TOTALS = """\
  - id: s
    kind: sum
    over: [metric, category]
    total: {metric: "{m}", category: ALL}
    parts: {metric: "{m}", category: "{c}"}
    figures: {unit: cases}
"""


def _year(y: str) -> dict[str, str]:
    return {"period_start": f"{y}-01-01", "period_end": f"{y}-12-31"}


def count(m: str, c: str, y: str) -> int:
    """A part's value: different for every metric, category and year."""
    return 100 + 37 * CATEGORIES.index(c) + 11 * METRICS.index(m) + 5 * YEARS.index(y)


def table(shift: dict[str, float] | None = None) -> dict[str, dict[str, str]]:
    """Every row by id: parts ``m01-c01-2023``, wholes ``m01-ALL-2023``, shares
    ``m01_share-c01-2023`` printed to one decimal (``shift`` moves a value)."""
    shift = shift or {}
    rows: dict[str, dict[str, str]] = {}
    for y in YEARS:
        for m in METRICS:
            whole = sum(count(m, c, y) for c in CATEGORIES)
            for c in CATEGORIES:
                rows[f"{m}-{c}-{y}"] = figure(
                    f"{m}-{c}-{y}", str(count(m, c, y)), metric=m, category=c, precision="0",
                    **_year(y),
                )  # fmt: skip
                share = count(m, c, y) / whole * 100 + shift.get(f"{m}_share-{c}-{y}", 0)
                rows[f"{m}_share-{c}-{y}"] = figure(
                    f"{m}_share-{c}-{y}", f"{share:.1f}", metric=f"{m}_share", category=c,
                    unit="percent", **_year(y),
                )  # fmt: skip
            total = whole + shift.get(f"{m}-ALL-{y}", 0)
            rows[f"{m}-ALL-{y}"] = figure(
                f"{m}-ALL-{y}", f"{total:.0f}", metric=m, category="ALL", precision="0", **_year(y)
            )
    return rows


def run(drop: Path, rules: str, backend: str, skipped: str = "count") -> Report:
    suite = suite_from_yaml("suite: t\nrules:\n" + rules)
    rules_ = tuple(dataclasses.replace(r, skipped=skipped) for r in suite.rules)
    return validate_drop(drop, dataclasses.replace(suite, rules=rules_), engine=backend)


def drop_of(
    make_drop: MakeDrop,
    rows: dict[str, dict[str, str]],
    extra: list[dict[str, str]] | None = None,
    name: str = "drop",
) -> Path:
    return make_drop([*rows.values(), *(extra or [])], name=name, extra_columns=["category"])


def skipped_of(result: RuleResult) -> dict[str, list[str]]:
    """The skipped-items findings: reason -> the ids they name."""
    return {
        dict(f.details)["reason"]: list(f.figures)
        for f in result.findings
        if f.slug == "skipped-items"
    }


# ---------------------------------------------------------------- ratio


def test_one_rule_checks_every_share_of_every_metric_and_category(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = table(shift={"m02_share-c03-2024": 5.0})
    result = run(drop_of(make_drop, rows), SHARES, backend).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "ratio-mismatch"
    assert f.figures == ("m02_share-c03-2024", "m02-c03-2024", "m02-ALL-2024")
    whole = sum(count("m02", c, "2024") for c in CATEGORIES)
    exact = count("m02", "c03", "2024") / whole * 100
    printed = float(rows["m02_share-c03-2024"]["value"])
    assert f.gap == pytest.approx(printed - 0.05 - exact)
    assert f"m02-c03-2024 ({count('m02', 'c03', '2024')}, 2024)" in f.explanation
    assert "as a percentage of m02-ALL-2024" in f.explanation
    assert result.counts == Counts.of(checked=60, failed=1)


def test_shares_pass_when_they_agree(make_drop: MakeDrop, backend: str) -> None:
    result = run(drop_of(make_drop, table()), SHARES, backend).result("r")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts(checked=60, passed=60, failed=0)


def test_shares_for_some_metrics_and_categories_only(make_drop: MakeDrop, backend: str) -> None:
    # m02 has no share row and m03 shares for five categories: the parts no share names
    # are never joined (picked out by their codes first), and change nothing.
    rows = table(shift={"m01_share-c02-2023": 4.0, "m03_share-c09-2024": -3.0})
    for key in [
        k for k in rows if k.startswith("m02_share") or (k[10:13] < "c06" and "m03_share" in k)
    ]:
        del rows[key]
    result = run(drop_of(make_drop, rows), SHARES, backend).result("r")
    assert [f.figures[0] for f in result.findings] == ["m01_share-c02-2023", "m03_share-c09-2024"]
    assert result.counts == Counts.of(checked=20 + 10, failed=2)


def skips_table(make_drop: MakeDrop) -> Path:
    """Every reason a share is not checked, once or more: m01 c05 2023 has no part, m02
    2024 no whole (ten shares), m03 c07 2024's part and m03 c08 2024's share are printed
    twice."""
    rows = table(shift={"m01_share-c01-2023": 5.0})
    del rows["m01-c05-2023"], rows["m02-ALL-2024"]
    again = [
        {**rows["m03-c07-2024"], "figure_id": "m03-c07-2024-again"},
        {**rows["m03_share-c08-2024"], "figure_id": "m03_share-c08-2024-again"},
    ]
    return drop_of(make_drop, rows, again)


def test_shares_not_checked_are_counted_by_reason(make_drop: MakeDrop, backend: str) -> None:
    result = run(skips_table(make_drop), SHARES, backend).result("r")
    assert result.status is Status.FAIL  # m01 c01 2023 still fails
    assert [f.slug for f in result.findings] == ["duplicate-figure", "ratio-mismatch"]
    assert result.counts == Counts.of(
        checked=61 - 14,
        failed=1,
        skipped={"missing-part": 1, "missing-whole": 10, "duplicate": 3},
    )
    assert result.counts is not None and result.counts.items == 61


def test_skipped_report_names_the_shares(make_drop: MakeDrop, backend: str) -> None:
    result = run(skips_table(make_drop), SHARES, backend, skipped="report").result("r")
    skipped = skipped_of(result)
    assert skipped["missing-part"] == ["m01_share-c05-2023"]
    assert skipped["missing-whole"] == [f"m02_share-{c}-2024" for c in CATEGORIES]
    assert skipped["duplicate"] == [
        "m03_share-c07-2024",
        "m03_share-c08-2024",
        "m03_share-c08-2024-again",
    ]
    missing = next(f for f in result.findings if dict(f.details).get("reason") == "missing-part")
    assert missing.explanation.startswith("1 item not checked (the part is not in the drop")
    assert "the part is not in the drop" in missing.explanation


def test_whole_with_no_variable_of_its_own_and_literal_operands(
    make_drop: MakeDrop, backend: str
) -> None:
    # One metric's shares of its own total, written with a literal metric: the whole
    # binds no variable and joins every share of its group.
    rule = (
        "  - {id: r, kind: ratio, over: [metric, category], part: {metric: m03, category: '{c}'},"
        " whole: {metric: m03, category: ALL}, share: {metric: m03_share, category: '{c}'}}\n"
    )
    rows = table(shift={"m03_share-c10-2023": -3.0, "m02_share-c10-2023": -3.0})
    result = run(drop_of(make_drop, rows), rule, backend).result("r")
    assert [f.figures[0] for f in result.findings] == ["m03_share-c10-2023"]
    assert result.counts == Counts.of(checked=20, failed=1)


def test_a_variable_named_twice_in_one_operand_means_equal_values(
    make_drop: MakeDrop, backend: str
) -> None:
    # A share of a region within itself ("home" share): the part is the row whose
    # region and origin are the same.
    rows = [
        figure("n-n", "30", precision="0", metric="trips", region="N", origin="N"),
        figure("n-s", "70", precision="0", metric="trips", region="N", origin="S"),
        figure("n-all", "100", precision="0", metric="trips", region="N", origin="ALL"),
        figure("n-home", "30.0", unit="percent", metric="home_share", region="N", origin="ALL"),
        figure("s-s", "20", precision="0", metric="trips", region="S", origin="S"),
        figure("s-all", "80", precision="0", metric="trips", region="S", origin="ALL"),
        figure("s-home", "20.0", unit="percent", metric="home_share", region="S", origin="ALL"),
    ]
    drop = make_drop(rows, extra_columns=["region", "origin"])
    rule = (
        "  - {id: r, kind: ratio, over: [metric, region, origin],"
        " part: {metric: trips, region: '{r}', origin: '{r}'},"
        " whole: {metric: trips, region: '{r}', origin: ALL},"
        " share: {metric: home_share, region: '{r}', origin: ALL}}\n"
    )
    result = run(drop, rule, backend).result("r")
    [f] = result.findings
    assert f.figures == ("s-home", "s-s", "s-all")  # 20 of 80 is 25%, not 20%
    assert result.counts == Counts.of(checked=2, failed=1)


def test_an_operand_with_no_rows_leaves_the_rule_undetermined(
    make_drop: MakeDrop, backend: str
) -> None:
    rule = SHARES.replace("{m}_share", "{m}_pct")
    result = run(drop_of(make_drop, table()), rule, backend).result("r")
    assert result.status is Status.UNDETERMINED
    [f] = result.findings
    assert "'metric={m}_pct, category={c}'" in f.explanation
    assert result.counts == Counts()


def test_over_a_column_the_table_lacks_is_an_error(make_drop: MakeDrop, backend: str) -> None:
    rule = SHARES.replace("[metric, category]", "[metric, sector]").replace("category:", "sector:")
    result = run(drop_of(make_drop, table()), rule, backend).result("r")
    assert (result.status, result.error_slug) == (Status.ERROR, "unknown-column")
    assert "`over: sector`" in (result.error or "")


# ---------------------------------------------------------------- sum


def test_one_rule_checks_every_total_of_every_metric(make_drop: MakeDrop, backend: str) -> None:
    rows = table(shift={"m01-ALL-2023": 7})
    result = run(drop_of(make_drop, rows), TOTALS, backend).result("s")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "sum-mismatch"
    assert f.figures == ("m01-ALL-2023", *(f"m01-{c}-2023" for c in CATEGORIES))
    assert f.gap == 7
    assert "its 10 parts (m01-c01-2023, m01-c02-2023" in f.explanation
    assert "and 4 more" in f.explanation and "the total is larger" in f.explanation
    assert result.counts == Counts.of(checked=6, failed=1)


def test_sum_parts_whose_total_is_absent_are_counted(make_drop: MakeDrop, backend: str) -> None:
    # Without `figures`, the share rows match the parts' pattern too ({m} = m01_share):
    # each metric's shares in a year are a group of parts with no total.
    rule = TOTALS.replace("    figures: {unit: cases}\n", "")
    result = run(drop_of(make_drop, table()), rule, backend, skipped="report").result("s")
    assert result.counts == Counts.of(checked=6, failed=0, skipped={"missing-total": 6})
    assert result.status is Status.UNDETERMINED  # reported, so no pass
    [f] = result.findings
    assert (f.slug, dict(f.details)["reason"]) == ("skipped-items", "missing-total")
    assert f.figures == tuple(f"{m}_share-c01-{y}" for m in METRICS for y in YEARS)


def test_sum_totals_not_checked_are_counted_by_reason(make_drop: MakeDrop, backend: str) -> None:
    rows = table()
    del rows["m01-c05-2023"], rows["m02-ALL-2024"]
    again = [{**rows["m03-c07-2024"], "figure_id": "m03-c07-2024-again"}]
    result = run(drop_of(make_drop, rows, again), TOTALS, backend, skipped="report").result("s")
    assert result.counts == Counts.of(
        checked=3,
        failed=0,
        skipped={"missing-parts": 1, "duplicate": 1, "missing-total": 1},
    )
    incomplete = next(f for f in result.findings if f.slug == "missing-figure")
    assert "m01-ALL-2023 cannot be checked: only 9 of its 10 parts" in incomplete.explanation
    skipped = skipped_of(result)
    assert skipped == {
        "duplicate": ["m03-ALL-2024"],
        "missing-parts": ["m01-ALL-2023"],
        "missing-total": ["m02-c01-2024"],
    }


def test_sum_with_listed_parts_and_with_a_numeric_total(make_drop: MakeDrop, backend: str) -> None:
    listed = (
        "  - {id: s, kind: sum, over: [metric, category], total: {metric: '{m}', category: ALL},"
        " parts: [{metric: '{m}', category: c01}, {metric: '{m}', category: c02}],"
        " figures: {unit: cases}}\n"
    )
    rows = table()
    for m in METRICS:  # make each total the sum of c01 and c02 only, for 2023
        rows[f"{m}-ALL-2023"]["value"] = str(count(m, "c01", "2023") + count(m, "c02", "2023"))
    result = run(drop_of(make_drop, rows), listed, backend).result("s")
    assert sorted(f.figures[0] for f in result.findings) == [f"{m}-ALL-2024" for m in METRICS]
    assert result.counts == Counts.of(checked=6, failed=3)
    # The shares of one metric add up to 100, within their rounding, in every year.
    hundred = (
        "  - {id: h, kind: sum, over: [metric, category], total: 100,"
        " parts: {metric: m02_share, category: '{c}'}}\n"
    )
    result = run(drop_of(make_drop, table(), name="d2"), hundred, backend).result("h")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts.of(checked=2, failed=0)


# ---------------------------------------------------------------- codes and text


def test_operands_matched_by_codes_find_what_text_finds(
    make_drop: MakeDrop, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the table has codes for its identity columns, operands and hierarchies are
    matched by them (worked out on the distinct values); every outcome is the one
    matching the text gives: shares with no part or whole, duplicates, a value the
    table lacks (c11, gone_share), a value under two parents."""
    from statcheck.engine import context
    from statcheck.engine.context import Context

    rules = (
        SHARES
        + TOTALS.replace("id: s", "id: t")
        + "  - {id: h, kind: sum, over: category, figures: {metric: m01},"
        " hierarchy: {ALL: [c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11]}}\n"
        "  - {id: p, kind: sum, over: category, figures: {metric: m02},"
        " hierarchy: {ALL: [c01, c02], c01: [c03], c02: [c03]}}\n"
        "  - {id: g, kind: ratio, over: [metric, category], part: {metric: gone, category: '{c}'},"
        " whole: {metric: gone, category: ALL}, share: {metric: m01_share, category: '{c}'}}\n"
    )
    extra = [figure("odd", "7", metric="m01", category="c11", precision="0", **_year("2023"))]

    def outcomes(name: str) -> list[tuple[object, ...]]:
        rows = table(shift={"m01_share-c01-2023": 5.0, "m02-ALL-2023": 3})
        del rows["m01-c05-2023"], rows["m02-ALL-2024"]
        again = [{**rows["m03-c07-2024"], "figure_id": "m03-c07-2024-again"}, *extra]
        report = run(drop_of(make_drop, rows, again, name=name), rules, backend, "report")
        return [
            (
                r.rule,
                r.status,
                r.counts,
                [(f.slug, f.figures, f.gap, f.explanation) for f in r.findings],
            )
            for r in report.results
        ]

    coded = outcomes("coded")
    if backend != "spark":  # (a table on a cluster has no codes: the three runs are one)
        # A column of more values than the engine looks up in Python keeps its text.
        monkeypatch.setattr(context, "FEW_CODED", 2)
        assert coded == outcomes("wide")
        monkeypatch.setattr(Context, "code_keys", lambda self: None)
        assert coded == outcomes("text")
    counts = {rule: counts for rule, _, counts, _ in coded}
    assert counts["r"] == Counts.of(
        checked=48, failed=1, skipped={"duplicate": 1, "missing-part": 1, "missing-whole": 10}
    )
    # c11 is in m01's 2023 only: each year lacks a part (c05 in 2023, c11 in 2024).
    assert counts["h"] == Counts.of(checked=0, failed=0, skipped={"missing-parts": 2})
    # c03 under both c01 and c02 (neither adds up), and m02's 2023 ALL moved by 3.
    failing = [f[1][:2] for f in coded[3][3] if f[0] == "sum-mismatch"]
    assert failing == [
        ("m02-ALL-2023", "m02-c01-2023"),
        ("m02-c01-2023", "m02-c03-2023"),
        ("m02-c01-2024", "m02-c03-2024"),
        ("m02-c02-2023", "m02-c03-2023"),
        ("m02-c02-2024", "m02-c03-2024"),
    ]
    assert counts["g"] == Counts.of(checked=0, failed=0, skipped={"missing-part": 20})
