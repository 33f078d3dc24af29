"""Sites built from real reports: the seed drop's, and a hostile drop's whose ids, notes
and source names are markup and spreadsheet formulas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.contract.suite import load_suite
from statcheck.docsite import SiteBuild, build_site
from tests.conftest import SEED_DROP, SEED_SUITE, MakeDrop, figure

SCRIPT = "<script>document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"document.title='PWNED'\">"
FORMULA = '=HYPERLINK("http://evil.example/","click me")'

HOSTILE_TOTAL = f"total{SCRIPT}"
HOSTILE_PART = f"part{IMG}"
HOSTILE_FORMULA = FORMULA


def write_report(reports: Path, drop: Path, suite: Path) -> Path:
    report = validate_drop(drop, load_suite(suite))
    return report.write(reports / report.suite["id"] / f"{report.drop['id']}.json")


@pytest.fixture
def seed_site(tmp_path: Path) -> SiteBuild:
    reports = tmp_path / "reports"
    write_report(reports, SEED_DROP, SEED_SUITE)
    return build_site(reports, tmp_path / "site")


def make_hostile(make_drop: MakeDrop, tmp_path: Path) -> tuple[Path, Path]:
    """A drop and suite whose every free-text field is an attack; the sum fails and the
    attribution chain ends at a media source, so charts and graphs carry the strings."""
    sources = [
        {"source_id": "stats", "name": f"Stats {IMG}", "kind": "official"},
        {"source_id": "paper", "name": f"Paper {SCRIPT}", "kind": "media",
         "url": "javascript:document.title='PWNED'"},
        {"source_id": "blog", "name": FORMULA, "kind": "media"},
    ]  # fmt: skip
    figures = [
        figure(HOSTILE_TOTAL, "100", precision="0", source_id="paper", cites="blog",
               note=f"note {SCRIPT} {IMG} {FORMULA}"),
        figure(HOSTILE_PART, "30", precision="0", note=FORMULA),
        figure(HOSTILE_FORMULA, "40", precision="0", note=SCRIPT),
    ]  # fmt: skip
    drop = make_drop(figures, sources, name="hostile-drop", extra_columns=["note"])
    suite = tmp_path / "hostile.yml"
    suite.write_text(
        "suite: hostile\n"
        f"description: {json.dumps('A suite ' + SCRIPT)}\n"
        "rules:\n"
        "  - id: total-is-parts\n"
        "    kind: sum\n"
        f"    description: {json.dumps('Parts ' + IMG + ' ' + FORMULA)}\n"
        f"    total: {json.dumps(HOSTILE_TOTAL)}\n"
        f"    parts: [{json.dumps(HOSTILE_PART)}, {json.dumps(HOSTILE_FORMULA)}]\n"
        "  - id: traced\n"
        "    kind: attribution\n"
        "    checks: [reaches-primary]\n",
        encoding="utf-8",
    )
    return drop, suite


@pytest.fixture
def hostile_site(make_drop: MakeDrop, tmp_path: Path) -> SiteBuild:
    drop, suite = make_hostile(make_drop, tmp_path)
    reports = tmp_path / "reports"
    write_report(reports, drop, suite)
    return build_site(reports, tmp_path / "site")
