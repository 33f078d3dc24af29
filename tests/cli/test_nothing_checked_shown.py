"""A rule that checked nothing is visible wherever a run is summed up: its line under the
drop on the terminal and in the CI summary (with why and its counts), its skipped JUnit
case, while a rule that checked something and passed stays quiet."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console

from statcheck import runner
from statcheck.outputs import Echo, junit_xml, markdown_summary
from tests.conftest import MakeDrop, figure

WHY = (
    "nothing-checked: Nothing was checked, so the rule is undetermined, not passed. All 2 "
    "items were skipped: 2 for `missing-total`, parts whose total is not in the drop."
)
COUNTS = "[checked 0 · skipped 2 (missing total 2)]"


def test_a_run_shows_the_rule_that_checked_nothing(make_drop: MakeDrop, tmp_path: Path) -> None:
    # Regional parts for two years; the national total is printed for neither.
    year = {"2023": ("2023-01-01", "2023-12-31"), "2024": ("2024-01-01", "2024-12-31")}
    rows = [
        figure(f"{r}-{y}", "5", precision="0", region=r, period_start=s, period_end=e)
        for r in ("N", "S")
        for y, (s, e) in year.items()
    ]
    make_drop(rows, name="regions", extra_columns=["region"])
    suites = tmp_path / "expectations"
    suites.mkdir()
    (suites / "regions.yml").write_text(
        "suite: regions\ndrops: ['../regions']\nrules:\n"
        "  - {id: national-total, kind: sum, over: region, total: TOTAL}\n"
        "  - {id: periods, kind: period}\n"
    )
    result = runner.run(suites, tmp_path / "out", force=True)
    [drop] = result.drops
    assert drop.report.summary == {"pass": 1, "fail": 0, "undetermined": 1, "error": 0, "rules": 2}

    buf = io.StringIO()
    Echo(Console(file=buf, width=400)).finished(drop, rules=2)
    lines = [" ".join(line.split()) for line in buf.getvalue().splitlines()]
    assert lines == [
        "suite regions drop regions: pass (1 pass, 1 undetermined)",
        f"UNDETERMINED national-total: {WHY} {COUNTS}",
    ]

    md = " ".join(markdown_summary(result).split())
    assert "### Failing rules, errors and rules that checked nothing" in md
    assert "UNDETERMINED **national-total**: nothing-checked: Nothing was checked" in md

    root = ET.fromstring(junit_xml(result).encode("utf-8"))
    skipped = {c.get("name"): c.find("skipped") for c in root.iter("testcase")}
    assert skipped["periods"] is None
    node = skipped["national-total"]
    assert node is not None
    assert node.get("message") == (
        f"undetermined (checked 0 · skipped 2 (missing total 2)): {WHY.split(': ', 1)[1]}"
    )
