"""What a pipeline gets back from the API: `ValidationFailed` says why (each rule that did
not pass, with its first finding or error), `raise_for_failures(raise_on=...)` as the
decorator takes it, `report.findings()` as a DataFrame, and `dir(statcheck)` the public
API only."""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import polars as pl
import pytest

import statcheck
from statcheck import ValidationFailed
from tests.conftest import REPO

BLS = (
    REPO / "fixtures" / "drops" / "bls-cps-aat1-2025",
    REPO / "expectations" / "bls-cps-aat1.yml",
)


@pytest.fixture(scope="module")
def bls() -> statcheck.Report:
    return statcheck.validate(*BLS)


def test_validation_failed_names_each_rule_and_its_first_failing_finding(
    bls: statcheck.Report,
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        bls.raise_for_failures()
    message = str(raised.value)
    assert message.startswith("5 rule(s) did not pass:\n  - schema (fail): [duplicate-key]")
    assert (
        "labor-force-is-employed-plus-unemployed (fail): [sum-mismatch] labor_force|1948 is "
        "60,621,000 but its 2 parts (employed|1948, unemployed|1948) add up to 60,619,000"
    ) in message
    assert "(and 8 more)" in message  # nine years fail that rule: the rest are in the report
    # A failed rule's reason is its own finding, not the duplicate-figure note it also has.
    participation = message.split(
        "\n  - participation-rate-is-labor-force-over-population (fail): "
    )[1]
    assert participation.startswith("[ratio-mismatch]")
    assert raised.value.report is bls


def test_raise_on_picks_the_statuses_that_raise(bls: statcheck.Report) -> None:
    with pytest.raises(ValidationFailed) as raised:
        bls.raise_for_failures(raise_on="undetermined")
    assert str(raised.value).startswith("2 rule(s) did not pass:\n  - ")
    assert "(undetermined): [duplicate-figure]" in str(raised.value)
    with pytest.raises(statcheck.UnsupportedInput, match="raise_on has 'failed'"):
        bls.raise_for_failures(raise_on=["failed"])


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_findings_is_a_frame_of_every_finding(bls: statcheck.Report, library: str) -> None:
    frame = bls.findings(library)
    assert isinstance(frame, pd.DataFrame if library == "pandas" else pl.DataFrame)
    rows = pl.from_pandas(frame) if library == "pandas" else frame
    assert rows.height == sum(len(r.findings) for r in bls.results)
    first = rows.filter(pl.col("figures").str.starts_with("labor_force|1948")).row(0, named=True)
    assert first["rule"] == "labor-force-is-employed-plus-unemployed"
    assert first["slug"] == "sum-mismatch"
    assert first["figures"] == "labor_force|1948;employed|1948;unemployed|1948"
    assert (first["reported_low"], first["reported_high"]) == (60_620_500, 60_621_500)
    assert first["gap"] == 500


def test_dir_shows_only_the_public_api() -> None:
    assert dir(statcheck) == sorted(statcheck.__all__)
    assert "importlib" not in dir(statcheck) and "TYPE_CHECKING" not in dir(statcheck)


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_numbers_without_a_precision_are_said_to_be_taken_as_exact(library: str) -> None:
    columns = {
        "figure_id": ["total", "a", "b"],
        "metric": ["total", "a", "b"],
        "value": [4420.0, 2210.0, 2209.6],
        "unit": ["persons"] * 3,
        "source_id": ["bls"] * 3,
        "period": ["2024"] * 3,
    }
    suite = statcheck.suite("s", [statcheck.rules.sum("t", total="total", parts=["a", "b"])])
    frame = pd.DataFrame(columns) if library == "pandas" else pl.DataFrame(columns)
    with pytest.warns(statcheck.ExactNumbersWarning, match="taken as exact"):
        typed = statcheck.validate(frame, suite)
    # The same figures as printed text stand for their last digit, and the sum holds.
    printed = {**columns, "value": ["4420", "2210", "2209.6"]}
    as_text = pd.DataFrame(printed) if library == "pandas" else pl.DataFrame(printed)
    assert statcheck.validate(as_text, suite).result("t").status.value == "pass"
    assert typed.result("t").status.value == "fail"
    with_precision = {**columns, "precision": [1.0, 1.0, 0.1]}
    frame = pd.DataFrame(with_precision) if library == "pandas" else pl.DataFrame(with_precision)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert statcheck.validate(frame, suite).result("t").status.value == "pass"


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_sentences_about_a_frame_say_the_frame(library: str) -> None:
    columns = {
        "figure_id": ["t", "a"],
        "metric": ["cases", "cases"],
        "region": ["ALL", "north"],
        "value": ["10", "4"],
        "unit": ["cases"] * 2,
        "source_id": ["x"] * 2,
        "period": ["2024"] * 2,
    }
    frame = pd.DataFrame(columns) if library == "pandas" else pl.DataFrame(columns)
    rules = [
        statcheck.rules.sum("by-region", over="region", total="ALL", parts=["north", "south"]),
        statcheck.rules.compare("named", left="t", op=">=", right="nowhere"),
    ]
    report = statcheck.validate(frame, statcheck.suite("s", rules))
    first = report.result("by-region").findings[0]
    assert first.explanation == "t cannot be checked: only 1 of its 2 parts are in the frame (a)."
    assert "are not in the frame" in str(report.result("named").error)


def test_a_suite_built_in_code_names_the_callers_file_and_line() -> None:
    columns = {
        "figure_id": ["t"],
        "metric": ["cases"],
        "value": ["10"],
        "unit": ["cases"],
        "source_id": ["x"],
        "period": ["2024"],
    }
    line = sys._getframe().f_lineno + 1
    rules = [statcheck.rules.compare("named", left="t", op=">=", right="nowhere")]
    report = statcheck.validate(pl.DataFrame(columns), statcheck.suite("s", rules))
    assert f"({__file__}:{line})" in str(report.result("named").error)


def test_a_misspelled_builder_keyword_gets_a_did_you_mean_at_the_callers_line() -> None:
    line = sys._getframe().f_lineno + 2
    with pytest.raises(TypeError) as raised:
        statcheck.rules.sum("x", totl="a", parts=["b"])
    error = raised.value
    assert isinstance(error, statcheck.SuiteError)
    assert str(error) == (
        f"{__file__}:{line}: rules.sum() has no field 'totl' (did you mean 'total'?)"
    )
