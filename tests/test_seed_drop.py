"""The case statcheck started from: the FT's 60,000 desertion cases, as a fact-checker sees it."""

from __future__ import annotations

import json

import pytest

from statcheck.checking import validate_drop
from statcheck.contract import load_suite
from statcheck.errors import ExitCode
from statcheck.report import Report, Status
from tests.conftest import SEED_DROP, SEED_SUITE


@pytest.fixture(scope="module", params=["polars", "pandas"])
def report(request: pytest.FixtureRequest) -> Report:
    return validate_drop(SEED_DROP, load_suite(SEED_SUITE), engine=request.param)


def test_ft_sum_fails_as_a_period_mismatch_not_a_numeric_one(report: Report) -> None:
    result = report.result("ft-60000-is-desertion-plus-awol")
    assert result.status is Status.FAIL
    [finding] = result.findings  # numerically the sum fits "60,000"; only the periods are wrong
    assert finding.slug == "period-mismatch"
    assert finding.figures == (
        "kp-ft-abandoning-cases",
        "kp-odb-desertion-jan-oct",
        "kp-odb-awol-2024",
    )
    assert "61,872" in finding.explanation and "60,000" in finding.explanation
    assert "kp-odb-awol-2024 covers 2024" in finding.explanation
    assert "Jan–Oct 2024" in finding.explanation
    # 60,000 as printed stands for 55,000..65,000; the exact counts add to exactly 61,872.
    assert finding.reported is not None and finding.expected is not None
    assert (finding.reported.low, finding.reported.high) == (55_000, 65_000)
    assert (finding.expected.low, finding.expected.high) == (61_872, 61_872)
    assert finding.gap == 0


def test_two_previous_years_claim_is_undetermined_never_passed(report: Report) -> None:
    result = report.result("more-than-two-previous-years-combined")
    assert result.status is Status.UNDETERMINED
    assert "period=2022" in result.findings[0].explanation
    assert "period=2023" in result.findings[0].explanation


def test_attribution(report: Report) -> None:
    assert report.result("every-figure-has-a-known-source").status is Status.PASS
    assert report.result("relayed-figures-match-their-source").status is Status.PASS
    primary = report.result("figures-trace-to-a-primary-source")
    assert primary.status is Status.FAIL
    # Only the FT's figures stop short of a primary source; Opendatabot's reach the prosecutors.
    assert sorted(f.figures[0] for f in primary.findings) == [
        "ft-abandoning-cases",
        "kp-ft-abandoning-cases",
        "kp-ft-active-duty",
        "kp-ft-military-force",
    ]
    assert {f.slug for f in primary.findings} == {"no-primary-source"}


def test_other_claims_and_exit_code(report: Report) -> None:
    for rule in (
        "active-duty-within-the-force",
        "equipped-brigades-within-planned",
        "tanks-arrived-within-promised",
        "periods-are-sound",
    ):
        assert report.result(rule).status is Status.PASS, rule
    assert report.summary == {"pass": 6, "fail": 2, "undetermined": 1, "error": 0, "rules": 9}
    assert report.exit_code is ExitCode.FAILED


def test_backends_give_identical_reports() -> None:
    suite = load_suite(SEED_SUITE)
    a, b = (validate_drop(SEED_DROP, suite, engine=be).to_dict() for be in ("polars", "pandas"))
    a.pop("generated_at")
    b.pop("generated_at")
    assert a == b


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_frames_in_memory_give_the_same_results(library: str) -> None:
    """A pipeline that already holds the tables gets the same verdicts as from the drop."""
    from statcheck.checking import check_frames

    if library == "pandas":
        import pandas as pd

        figures = pd.read_csv(SEED_DROP / "figures.csv", dtype=str, keep_default_na=False)
        sources = pd.read_csv(SEED_DROP / "sources.csv", dtype=str, keep_default_na=False)
    else:
        import polars as pl

        figures = pl.read_csv(SEED_DROP / "figures.csv", infer_schema=False)
        sources = pl.read_csv(SEED_DROP / "sources.csv", infer_schema=False)
    suite = load_suite(SEED_SUITE)
    in_memory = check_frames(figures, suite, sources=sources)
    from_drop = validate_drop(SEED_DROP, suite)
    # The same, but that sentences name what held the figures ("the frame", "the drop").
    said = json.dumps([r.to_dict() for r in in_memory.results], ensure_ascii=False)
    assert said.replace(" the frame ", " the drop ") == json.dumps(
        [r.to_dict() for r in from_drop.results], ensure_ascii=False
    )
    assert " the frame " in said
