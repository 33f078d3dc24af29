"""A JSON report reads back as the Report it was written from (Report.from_dict)."""

from __future__ import annotations

from pathlib import Path

import pytest

import statcheck
from statcheck.report import Counts, Report

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


def test_counts_read_back_and_hold_their_sums() -> None:
    data = {
        "suite": {"id": "s"},
        "drop": {"id": "d"},
        "results": [
            {
                "rule": "shares",
                "kind": "ratio",
                "status": "fail",
                "counts": {
                    "items": 10748,
                    "checked": 9874,
                    "passed": 9862,
                    "failed": 12,
                    # read back in the order reports write them: by reason
                    "skipped": {"missing-whole": 74, "missing-part": 800},
                },
                "findings": [],
            },
            {"rule": "broken", "kind": "sum", "status": "error", "error": {"message": "x"}},
        ],
    }
    report = Report.from_dict(data)
    counts = report.result("shares").counts
    assert counts == Counts.of(9874, 12, {"missing-part": 800, "missing-whole": 74})
    assert report.result("broken").counts is None
    again = Report.from_json(report.to_json())
    assert again == report
    written = again.to_dict()["results"]
    assert written[0]["counts"] == {
        "items": 10748,
        "checked": 9874,
        "passed": 9862,
        "failed": 12,
        "skipped": {"missing-part": 800, "missing-whole": 74},
    }
    assert "counts" not in written[1]


def test_counts_in_one_line_for_people() -> None:
    assert (
        Counts.of(9874, 12, {"missing-part": 800, "missing-whole": 74}).describe()
        == "checked 9,874 · failed 12 · skipped 874 (missing part 800, missing whole 74)"
    )
    assert Counts.of(3, 0).describe() == "checked 3 · failed 0"
    assert (
        Counts.of(0, 0, {"missing-input": 1}).describe()
        == "checked 0 · skipped 1 (missing input 1)"
    )
    assert Counts.of(5, 1, {"duplicate": 0}).skipped == ()  # reasons without items are left out


def test_every_result_of_a_real_drop_carries_counts_but_errors() -> None:
    report = statcheck.validate(
        ROOT / "fixtures/drops/2025-01-06-kyivpost-desertion",
        ROOT / "expectations/kyivpost-desertion.yml",
    )
    by_rule = {r.rule: r.counts for r in report.results}
    assert by_rule["figures-trace-to-a-primary-source"] == Counts.of(14, 4)
    assert by_rule["more-than-two-previous-years-combined"] == Counts.of(0, 0, {"missing-input": 1})
    assert by_rule["active-duty-within-the-force"] == Counts.of(1, 0)


def test_each_finding_is_one_line_of_the_same_json() -> None:
    """The report's text is what ``json.dumps(indent=2)`` writes, but each finding is on a
    line of its own: the same data, and a report without findings the same bytes."""
    import json

    report = statcheck.validate(
        ROOT / "fixtures/drops/worldbank-population-2026-03-06",
        ROOT / "expectations/worldbank-population.yml",
    )
    text = report.to_json()
    data = report.to_dict()
    assert json.loads(text) == data
    findings = [f for r in data["results"] for f in r["findings"]]
    assert len(findings) > 10
    lines = text.splitlines()
    one_line = [json.loads(line.strip().rstrip(",")) for line in lines if '{"slug": ' in line]
    assert one_line == findings
    assert all(line.startswith(" " * 8 + '{"slug": ') for line in lines if '{"slug": ' in line)
    bare = Report.from_dict({**data, "results": [{**r, "findings": []} for r in data["results"]]})
    assert bare.to_json() == json.dumps(bare.to_dict(), indent=2, ensure_ascii=False) + "\n"
