"""A JSON report reads back as the Report it was written from (Report.from_dict)."""

from __future__ import annotations

from pathlib import Path

import pytest

import statcheck
from statcheck.report import Report

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    ("2025-01-06-kyivpost-desertion", "kyivpost-desertion"),
    ("bls-cps-aat1-2025", "bls-cps-aat1"),
    ("worldbank-population-2026-03-06", "worldbank-population"),
]


@pytest.mark.parametrize(("drop", "suite"), CASES)
def test_a_report_reads_back_as_it_was_written(drop: str, suite: str) -> None:
    report = statcheck.validate(ROOT / "fixtures/drops" / drop, ROOT / f"expectations/{suite}.yml")
    again = Report.from_json(report.to_json())
    assert again == report
    assert again.to_json() == report.to_json()
    assert again.summary == report.summary and again.exit_code == report.exit_code


def test_a_report_of_a_drop_that_could_not_be_read_reads_back(tmp_path: Path) -> None:
    report = statcheck.validate(tmp_path / "absent", ROOT / "expectations/kyivpost-desertion.yml")
    again = Report.from_dict(report.to_dict())
    assert again == report
    assert [e.slug for e in again.errors] == ["drop-missing"]
