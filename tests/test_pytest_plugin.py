"""`pytest --statcheck expectations/`: one test item per suite x drop x rule, its outcome the
rule's verdict (fail: failed, with the explanations; undetermined: skipped, or failed on
request; error: an error), with -k, xdist and --junitxml as for any test. Run in a
subprocess, as a CI job runs it, through the plugin's pytest11 entry point."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

import statcheck
from statcheck.runner import drops_for, find_suites, suite_reports
from tests.conftest import REPO

EXPECTATIONS = REPO / "expectations"
OUTCOME = {"pass": "passed", "fail": "failed", "undetermined": "skipped", "error": "error"}


def _pytest(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """pytest in a fresh process in an empty folder; the outcome of each item by its name
    (suite file::drop::rule) from the JUnit XML it wrote."""
    junit = tmp_path / "junit.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={junit}",
         *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    outcomes: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        kind = next((t for t in ("failure", "error", "skipped") if t in tags), "passed")
        outcome = {"failure": "failed"}.get(kind, kind)
        # JUnit's classname is the node id's path and drop, dotted: expectations.s.yml.drop
        suite, drop = str(case.get("classname")).split(".yml.")
        outcomes[f"{suite.split('.')[-1]}.yml::{drop}::{case.get('name')}"] = outcome
    return done, outcomes


def _expected() -> dict[str, str]:
    """Each rule's verdict on each drop, from statcheck's own reports."""
    expected: dict[str, str] = {}
    for path in find_suites(EXPECTATIONS):
        suite = statcheck.load_suite(path)
        for folder, report in suite_reports(suite, drops_for(suite)).items():
            for result in report.results:
                expected[f"{path.name}::{folder.name}::{result.rule}"] = OUTCOME[
                    result.status.value
                ]
    return expected


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    return _expected()


def test_the_plugin_is_registered_for_pytest() -> None:
    names = {ep.value for ep in entry_points(group="pytest11")}
    assert "statcheck.pytest_plugin" in names


def test_every_suite_drop_and_rule_is_an_item_with_the_rules_verdict(
    tmp_path: Path, expected: dict[str, str]
) -> None:
    done, outcomes = _pytest(tmp_path, "--statcheck", str(EXPECTATIONS), "-rA")
    assert done.returncode == 1, done.stdout[-2000:]  # some bundled figures fail, by design
    assert outcomes == expected
    # A failure's message is the explanations, each naming its figures and gap.
    assert "[sum-mismatch] labor_force|1948 is 60,621,000" in done.stdout
    assert "Traceback" not in done.stdout


def test_under_xdist_the_outcomes_are_the_same(tmp_path: Path, expected: dict[str, str]) -> None:
    done, outcomes = _pytest(tmp_path, "--statcheck", str(EXPECTATIONS), "-n", "2")
    assert done.returncode == 1
    assert outcomes == expected


def test_k_selects_rules_and_undetermined_can_fail(tmp_path: Path) -> None:
    done, outcomes = _pytest(
        tmp_path, "--statcheck", str(EXPECTATIONS), "-k", "revised", "--statcheck-undetermined=fail"
    )
    assert outcomes and all("revised" in name for name in outcomes)
    # The first vintage has no earlier drop: undetermined, here a failure that says so.
    first = [n for n in outcomes if "worldbank-population-2020-04-14" in n]
    assert first and all(outcomes[n] == "failed" for n in first)
    assert "undetermined: [no-earlier-drop]" in done.stdout


def test_a_drop_that_cannot_be_read_is_an_error_not_a_failure(tmp_path: Path) -> None:
    drop = tmp_path / "data" / "d1"
    drop.mkdir(parents=True)
    (drop / "figures.csv").write_text("figure_id,metric,value\n")
    (drop / "drop.yml").write_text(
        "id: d1\nfiles:\n  - {path: figures.csv, role: figures, format: csv}\n"
    )  # no sha256: not ready
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "s.yml").write_text(
        "suite: s\ndrops: [../data/d1]\nrules:\n"
        "  - {id: total, kind: sum, total: t, parts: [a, b]}\n"
    )
    done, outcomes = _pytest(tmp_path, "--statcheck", str(suites))
    assert outcomes == {"s.yml::d1::total": "error"}
    assert "checksum-missing" in done.stdout


def test_the_statcheck_report_fixture_gives_a_drops_report(statcheck_report: Any) -> None:
    report = statcheck_report(
        REPO / "fixtures" / "drops" / "bls-cps-aat1-2025", EXPECTATIONS / "bls-cps-aat1.yml"
    )
    failed = {r.rule: r.findings[0].explanation for r in report.failures}
    assert failed["labor-force-is-employed-plus-unemployed"].startswith(
        "labor_force|1948 is 60,621,000 but its 2 parts"
    )
