"""Sites built from real reports: the seed drop's, and a hostile drop's whose ids, notes
and source names are markup and spreadsheet formulas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.contract.suite import load_suite
from statcheck.docsite import SiteBuild, build_site
from tests.conftest import REPO, SEED_DROP, SEED_SUITE, MakeDrop, figure

DROPS = REPO / "fixtures" / "drops"
SUITES = REPO / "expectations"
BLS_DROP, BLS_SUITE = DROPS / "bls-cps-aat1-2025", SUITES / "bls-cps-aat1.yml"
WB_OLD, WB_NEW = (DROPS / f"worldbank-population-{v}" for v in ("2020-04-14", "2026-03-06"))
WB_SUITE = SUITES / "worldbank-population.yml"

SCRIPT = "<script>document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"document.title='PWNED'\">"
FORMULA = '=HYPERLINK("http://evil.example/","click me")'

HOSTILE_TOTAL = f"total{SCRIPT}"
HOSTILE_PART = f"part{IMG}"
HOSTILE_FORMULA = FORMULA


def write_report(reports: Path, drop: Path, suite: Path, earlier: tuple[Path, ...] = ()) -> Path:
    report = validate_drop(drop, load_suite(suite), earlier=earlier)
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


@pytest.fixture(scope="session")
def bls_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """BLS CPS table A-1 as published: 1947 printed twice (rows 8 and 9), sums a few
    thousand off, one participation rate off beyond its rounding."""
    tmp = tmp_path_factory.mktemp("bls")
    write_report(tmp / "reports", BLS_DROP, BLS_SUITE)
    return build_site(tmp / "reports", tmp / "site")


@pytest.fixture(scope="session")
def worldbank_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The bundled World Bank vintages: the newer one's world total is not the sum of the
    four income groups in any year, and most figures were revised since the older one."""
    tmp = tmp_path_factory.mktemp("worldbank")
    write_report(tmp / "reports", WB_OLD, WB_SUITE)
    write_report(tmp / "reports", WB_NEW, WB_SUITE, earlier=(WB_OLD,))
    return build_site(tmp / "reports", tmp / "site")
