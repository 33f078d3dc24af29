"""What a rule checked is shown wherever people read results: the CLI's summary, the
run's terminal lines, the Markdown summary, JUnit, the results site; a reason read from a
stored report is data, escaped like every other."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
from rich.console import Console

from statcheck.cli import main
from statcheck.docsite import build_site
from statcheck.outputs import Echo, junit_xml, markdown_summary
from statcheck.report import Report
from statcheck.runner import DropOutcome, RunResult, SuiteOutcome
from tests.conftest import SEED_DROP, SEED_SUITE, MakeDrop, figure
from tests.docsite.conftest import write_report

HOSTILE_REASON = "<b>bold</b>|`x`"
SHOWN = "checked 9,874 · failed 12 · skipped 874 (missing part 800, missing whole 74)"


def counts(checked: int, failed: int, skipped: dict[str, int]) -> dict[str, object]:
    items = checked + sum(skipped.values())
    passed = checked - failed
    return {
        "items": items,
        "checked": checked,
        "passed": passed,
        "failed": failed,
        "skipped": skipped,
    }


REPORT = Report.from_dict(
    {
        "suite": {"id": "s"},
        "drop": {"id": "d"},
        "results": [
            {
                "rule": "shares",
                "kind": "ratio",
                "status": "fail",
                "counts": counts(9874, 12, {"missing-part": 800, "missing-whole": 74}),
                "findings": [{"slug": "ratio-mismatch", "explanation": "off"}],
            },
            {
                "rule": "hostile",
                "kind": "series",
                "status": "undetermined",
                "counts": counts(0, 0, {HOSTILE_REASON: 2}),
                "findings": [{"slug": "skipped-items", "explanation": "two"}],
            },
            {
                "rule": "fine",
                "kind": "compare",
                "status": "pass",
                "counts": counts(1, 0, {}),
                "findings": [],
            },
            {"rule": "broken", "kind": "sum", "status": "error", "error": {"message": "x"}},
        ],
    }
)
RESULT = RunResult(
    (SuiteOutcome(Path("s.yml"), "s", (DropOutcome("s", "d", Path("d"), REPORT, None),)),)
)


def test_junit_gives_every_rule_its_counts_and_an_undetermined_rule_says_what_it_skipped() -> None:
    root = ET.fromstring(junit_xml(RESULT).encode("utf-8"))
    out = {c.get("name"): c.findtext("system-out") for c in root.iter("testcase")}
    assert out == {
        "shares": SHOWN,
        "hostile": f"checked 0 · skipped 2 ({HOSTILE_REASON} 2)",
        "fine": "checked 1 · failed 0",
        "broken": None,  # a rule in error counted nothing
    }
    [skipped] = root.iter("skipped")
    assert (
        skipped.get("message") == f"undetermined (checked 0 · skipped 2 ({HOSTILE_REASON} 2)): two"
    )
    # system-out comes after the outcome, as JUnit's schema has it
    case = next(c for c in root.iter("testcase") if c.get("name") == "shares")
    assert [child.tag for child in case] == ["failure", "system-out"]


def test_markdown_and_terminal_name_what_a_failing_rule_checked() -> None:
    md = markdown_summary(RESULT)
    assert f"**shares**: ratio-mismatch: off \\[{SHOWN}\\]" in md
    buf = io.StringIO()
    Echo(Console(file=buf, width=300)).finished(RESULT.drops[0], rules=4)
    assert f"FAIL shares: ratio-mismatch: off [{SHOWN}]" in buf.getvalue()


def test_validate_prints_each_rules_counts(
    make_drop: MakeDrop,
    write_suite: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    drop = make_drop([figure("a", "10", precision="0"), figure("b", "20", precision="0")])
    suite = write_suite(
        "suite: small\nrules:\n"
        "  - {id: a-above-b, kind: compare, left: a, op: '>', right: b}\n"
        "  - {id: periods, kind: period}\n"
        "  - {id: a-above-c, kind: compare, left: a, op: '>', right: {metric: none}}\n"
    )
    code = main(["validate", str(drop), "--suite", str(suite), "--out", str(tmp_path / "r.json")])
    assert code == 1
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert "FAIL a-above-b checked 1 · failed 1" in lines
    assert "PASS periods checked 2 · failed 0" in lines
    assert "UNDETERMINED a-above-c checked 0 · skipped 1 (missing input 1)" in lines


def test_the_results_site_shows_each_rules_counts_and_what_an_item_is(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    write_report(reports, SEED_DROP, SEED_SUITE)
    site = build_site(reports, tmp_path / "site")
    page = next(p for p in site.pages if p.name == "2025-01-06-kyivpost-desertion.html")
    html = page.read_text(encoding="utf-8")
    sections = dict(
        re.findall(r'<section class="card \w+" id="([^"]+)">(.*?)</section>', html, re.S)
    )

    def counted(rule: str) -> str:
        found = re.search(
            r'<p class="small muted counted">(.*?)</p>', sections[f"rule-{rule}"], re.S
        )
        assert found is not None, rule
        return unescape(found.group(1))

    assert counted("figures-trace-to-a-primary-source") == (
        "Items (a figure in scope, checked by every check the rule names): checked 14 · failed 4"
    )
    assert counted("more-than-two-previous-years-combined") == (
        "Items (a comparison (the one the rule names; in table form, each group with a figure "
        "on either side)): checked 0 · skipped 1 (missing input 1)"
    )


def test_a_hostile_reason_in_a_stored_report_is_escaped_on_the_site(tmp_path: Path) -> None:
    reports = tmp_path / "reports" / "s"
    REPORT.write(reports / "d.json")
    site = build_site(tmp_path / "reports", tmp_path / "site")
    html = next(p for p in site.pages if p.name == "d.html").read_text(encoding="utf-8")
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;|`x` 2" in html
