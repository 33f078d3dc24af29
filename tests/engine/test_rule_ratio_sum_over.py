"""ratio with a whole the table never printed: ``whole: {sum_over: [...]}``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.errors import SuiteError
from statcheck.model.interval import Interval
from statcheck.report import Counts, Report, Status
from tests.conftest import MakeDrop, figure

COUNTS = {("a", "men"): "30", ("b", "men"): "10", ("a", "women"): "20", ("b", "women"): "40"}


def jobs(shares: dict[tuple[str, str], str], precision: str = "0") -> list[dict[str, str]]:
    """Workers by job and sex (exact counts, 100 in all) and their printed shares."""
    rows = [
        figure(f"n|{j}|{s}", v, metric="workers", job=j, sex=s, precision=precision)
        for (j, s), v in COUNTS.items()
    ]
    rows += [
        figure(f"p|{j}|{s}", v, metric="share", unit="percent", job=j, sex=s)
        for (j, s), v in shares.items()
    ]
    return rows


def run(drop: Path, rule: str, backend: str, skipped: str = "count") -> Report:
    suite = suite_from_yaml("suite: t\nrules:\n  - " + rule + "\n")
    if skipped != "count":
        rules = tuple(dataclasses.replace(r, skipped=skipped) for r in suite.rules)
        suite = dataclasses.replace(suite, rules=rules)
    return validate_drop(drop, suite, engine=backend)


GRAND = (
    "{id: r, kind: ratio, over: metric, part: workers, share: share, whole: {sum_over: [job, sex]}}"
)
WITHIN_SEX = (
    "{id: r, kind: ratio, over: metric, part: workers, share: share, whole: {sum_over: [job]}}"
)
OF_GRAND = {("a", "men"): "30", ("b", "men"): "10", ("a", "women"): "20", ("b", "women"): "40"}
OF_SEX = {("a", "men"): "75", ("b", "men"): "25", ("a", "women"): "33.3", ("b", "women"): "66.7"}


def make(make_drop: MakeDrop, shares: dict[tuple[str, str], str]) -> Path:
    return make_drop(jobs(shares), extra_columns=["job", "sex", "precision"])


def test_shares_of_the_grand_total_pass(make_drop: MakeDrop, backend: str) -> None:
    result = run(make(make_drop, OF_GRAND), GRAND, backend).result("r")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts.of(4, 0)


def test_shares_within_sex_pass_when_summed_over_job(make_drop: MakeDrop, backend: str) -> None:
    result = run(make(make_drop, OF_SEX), WITHIN_SEX, backend).result("r")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts.of(4, 0)


def test_shares_within_sex_checked_as_shares_of_the_grand_total_fail(
    make_drop: MakeDrop, backend: str
) -> None:
    # The classic wrong grouping: 75% of men are in job a, but 30 is 30% of all 100.
    result = run(make(make_drop, OF_SEX), GRAND, backend).result("r")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(4, 4)
    first = min(result.findings, key=lambda f: f.figures)
    assert first.slug == "ratio-mismatch"
    assert first.figures == ("p|a|men", "n|a|men")
    assert first.expected == Interval(30.0, 30.0)
    assert first.reported == Interval(74.5, 75.5)
    assert first.gap == pytest.approx(44.5)
    assert "the sum of 4 figures over job and sex, 100, which is 30," in first.explanation
    assert "44.5 away" in first.explanation


def test_shares_of_the_grand_total_checked_within_sex_fail(
    make_drop: MakeDrop, backend: str
) -> None:
    # ... and the other way round: 20 of the 60 women is 33.3%, not 20%.
    result = run(make(make_drop, OF_GRAND), WITHIN_SEX, backend).result("r")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(4, 4)
    women_a = next(f for f in result.findings if f.figures[0] == "p|a|women")
    assert "the sum of 2 figures over job, 60, which" in women_a.explanation
    assert women_a.expected is not None
    assert women_a.expected.low == pytest.approx(100 / 3)


def test_a_summed_whole_is_an_interval_sum_of_rounded_parts(
    make_drop: MakeDrop, backend: str
) -> None:
    # Counts rounded to tens: the whole 100 can be 80 to 120, so 30 of it 20.8% to 43.75%.
    drop = make_drop(
        jobs({("a", "men"): "40", ("b", "men"): "47"}, precision="10"),
        extra_columns=["job", "sex", "precision"],
    )
    result = run(drop, GRAND, backend).result("r")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(2, 1)
    [finding] = result.findings
    assert finding.figures == ("p|b|men", "n|b|men")
    assert finding.expected is not None  # computed bounds: 14 significant digits
    bounds = [5 / 120 * 100, 15 / 80 * 100]
    assert finding.expected.to_list() == pytest.approx(bounds, rel=1e-13)
    assert (
        "the sum of 4 figures over job and sex, 100 (80 to 120 allowing for rounding), which"
        in (finding.explanation)
    )


def test_a_part_printed_twice_skips_the_shares_of_its_whole(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = jobs(OF_GRAND)
    rows.append(figure("n|a|men@2", "31", metric="workers", job="a", sex="men", precision="0"))
    drop = make_drop(rows, extra_columns=["job", "sex", "precision"])
    result = run(drop, WITHIN_SEX, backend).result("r")
    # The men's whole adds a part printed twice: their shares are not checked; the
    # women's are, and fail (they are shares of all 100).
    assert result.counts == Counts.of(2, 2, {"duplicate": 2})


@pytest.mark.parametrize(
    ("whole", "message"),
    [
        ("{sum_over: [metric]}", "which `over` uses"),
        ("{sum_over: []}", "must list under `sum_over` the columns"),
        ("{sum_over: [job, job]}", "lists a column twice"),
        ("{sum_over: [job], metric: x}", "which stands alone"),
    ],
)
def test_sum_over_mistakes_are_refused_when_read(whole: str, message: str) -> None:
    with pytest.raises(SuiteError, match="whole") as err:
        suite_from_yaml(
            "suite: t\nrules:\n  - {id: r, kind: ratio, over: metric, part: workers, "
            f"share: share, whole: {whole}}}\n"
        )
    assert message in str(err.value)


def test_sum_over_needs_the_table_form() -> None:
    with pytest.raises(SuiteError, match="needs `over:`"):
        suite_from_yaml(
            "suite: t\nrules:\n  - {id: r, kind: ratio, part: p, share: s, whole: {sum_over: [job]}}\n"
        )


def test_sum_over_a_column_the_table_lacks_is_an_error(make_drop: MakeDrop, backend: str) -> None:
    rule = GRAND.replace("[job, sex]", "[job, age]")
    result = run(make(make_drop, OF_GRAND), rule, backend).result("r")
    assert result.status is Status.ERROR
    assert result.error_slug == "unknown-column"
    assert result.error is not None and "'age' is not a column" in result.error


def test_sum_over_reads_back_as_written() -> None:
    suite = suite_from_yaml("suite: t\nrules:\n  - " + GRAND + "\n")
    [rule] = suite.rules
    assert rule.to_mapping()["whole"] == {"sum_over": ["job", "sex"]}


def test_sum_over_with_operands_over_several_columns(make_drop: MakeDrop, backend: str) -> None:
    # Two metrics (workers, hours), each with its own shares: {m} keeps them apart, so
    # each share's whole is the sum of its own metric over job and sex.
    rows = jobs(OF_GRAND)
    rows += [
        figure(f"h|{j}|{s}", str(2 * int(v)), metric="hours", job=j, sex=s, precision="0")
        for (j, s), v in COUNTS.items()
    ]
    rows += [
        figure(f"hp|{j}|{s}", v, metric="hours_share", unit="percent", job=j, sex=s)
        for (j, s), v in OF_GRAND.items()
    ]
    for row in rows:
        row["metric"] = {"workers": "workers", "share": "workers_share"}.get(
            row["metric"], row["metric"]
        )
    rule = (
        "{id: r, kind: ratio, over: [metric], part: {metric: '{m}'}, "
        "share: {metric: '{m}_share'}, whole: {sum_over: [job, sex]}}"
    )
    drop = make_drop(rows, extra_columns=["job", "sex", "precision"])
    result = run(drop, rule, backend).result("r")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts.of(8, 0)


def test_figures_narrow_what_is_summed(make_drop: MakeDrop, backend: str) -> None:
    # Only the men's rows in scope: their whole is 40, so 30 is 75%, not 30%.
    rule = GRAND.replace("whole:", "figures: {sex: men}, whole:")
    result = run(make(make_drop, OF_SEX), rule, backend).result("r")
    assert result.status is Status.PASS, result.findings
    assert result.counts == Counts.of(2, 0)


def test_a_whole_with_a_part_missing_is_not_summed(make_drop: MakeDrop, backend: str) -> None:
    # b|women's count is not printed (suppressed): the whole would be 60 instead of 100
    # and every share would fail against it. The parts seen elsewhere in scope say four
    # are expected, so the year's shares are skipped: its own for its part, the others
    # for their whole.
    rows = [r for r in jobs(OF_GRAND) if r["figure_id"] != "n|b|women"]
    drop = make_drop(rows, extra_columns=["job", "sex", "precision"])
    result = run(drop, GRAND, backend, skipped="report").result("r")
    assert result.status is Status.UNDETERMINED
    assert result.counts == Counts.of(0, 0, {"missing-part": 1, "missing-whole": 3})
    skipped = {f.details: f.figures for f in result.findings if f.slug == "skipped-items"}
    assert skipped == {
        (("reason", "missing-part"),): ("p|b|women",),
        (("reason", "missing-whole"),): ("p|a|men", "p|a|women", "p|b|men"),
    }


def test_a_year_missing_a_job_leaves_only_that_year_unchecked(
    make_drop: MakeDrop, backend: str
) -> None:
    # 2023 lacks job b for women (count and share): its whole is incomplete; 2024 passes.
    rows = jobs(OF_GRAND)
    last_year = {"period_start": "2023-01-01", "period_end": "2023-12-31"}
    rows += [
        {**r, "figure_id": r["figure_id"] + "|2023", **last_year}
        for r in jobs(OF_GRAND)
        if not r["figure_id"].endswith("b|women")
    ]
    drop = make_drop(rows, extra_columns=["job", "sex", "precision"])
    result = run(drop, GRAND, backend).result("r")
    assert result.status is Status.PASS
    assert result.counts == Counts.of(4, 0, {"missing-whole": 3})
