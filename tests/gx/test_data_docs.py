"""Great Expectations Data Docs: every statcheck rule, with its outcome, as GE shows it.

One GE project is built per module (GE is slow to start): the seed drop against its suite,
and a small drop whose suite has a column-level schema. The pages GE wrote are parsed and
compared with statcheck's own report, rule by rule.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from statcheck.checking import validate_drop
from statcheck.contract.rules import RULE_KINDS
from statcheck.contract.suite import load_suite
from statcheck.gx import build_data_docs
from statcheck.gx.expectations import EXPECTATION_CLASSES, rule_outcomes

REPO = Path(__file__).resolve().parents[2]
SEED_DROP = REPO / "fixtures" / "drops" / "2025-01-06-kyivpost-desertion"
SEED_SUITE = REPO / "expectations" / "kyivpost-desertion.yml"

SCHEMA_SUITE = """\
suite: gx-regions
schema:
  units: [cases]
  dimensions: {region: [north, south, all]}
  value: {min: 0}
  unique: [metric, region, period, source]
rules:
  - id: all-is-north-plus-south
    kind: sum
    over: region
    total: all
    parts: [north, south]
"""
SCHEMA_FIGURES = """\
figure_id,metric,region,value,unit,precision,period_start,period_end,source_id
all,cases,all,10,cases,0,2024-01-01,2024-12-31,stats
north,cases,north,4,cases,0,2024-01-01,2024-12-31,stats
south,cases,south,6,cases,0,2024-01-01,2024-12-31,stats
odd,spend,east,-1,dollars,0,2024-01-01,2024-12-31,stats
"""


def _schema_drop(folder: Path) -> Path:
    folder.mkdir()
    (folder / "figures.csv").write_text(SCHEMA_FIGURES)
    (folder / "sources.csv").write_text("source_id,name,kind\nstats,Statistics office,official\n")
    lines = [f"id: {folder.name}", "files:"]
    for name, role in (("figures.csv", "figures"), ("sources.csv", "sources")):
        sha = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        lines += [f"  - path: {name}", f"    role: {role}", f"    sha256: {sha}"]
    (folder / "drop.yml").write_text("\n".join(lines) + "\n")
    return folder


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts; a nested table's text also counts
    toward the cell that holds it."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._open: list[list[list[str]]] = []  # tables being read, innermost last
        self._cells: list[list[str]] = []  # text of every open cell
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._open.append([])
        elif tag == "tr" and self._open:
            self._open[-1].append([])
        elif tag in ("td", "th") and self._open and self._open[-1]:
            self._cells.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "table" and self._open:
            self.tables.append(self._open.pop())
        elif tag in ("td", "th") and self._cells and self._open and self._open[-1]:
            text = " ".join(" ".join(self._cells.pop()).split())
            self._open[-1][-1].append(text)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            for cell in self._cells:
                cell.append(data)


def _results_rows(page: Path) -> list[list[str]]:
    """The rows of the validation page's results table: status, expectation, observed."""
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    rows = [
        row
        for table in parser.tables
        if table and table[0][:3] == ["Status", "Expectation", "Observed Value"]
        for row in table[1:]
    ]
    assert rows, "no results table on the validation page"
    return rows


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gx")
    index = build_data_docs(SEED_SUITE, SEED_DROP, out)
    schema_suite = out / "gx-regions.yml"
    schema_suite.write_text(SCHEMA_SUITE)
    assert build_data_docs(schema_suite, _schema_drop(out / "regions-2024"), out) == index
    assert index == out / "data_docs" / "local_site" / "index.html"
    return out


def _page(project: Path, suite: str) -> Path:
    (page,) = (project / "data_docs" / "local_site" / "validations" / suite).rglob("*.html")
    return page


def _stored_result(project: Path, suite: str) -> dict:
    (path,) = (project / "gx" / "uncommitted" / "validations" / suite).rglob("*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_data_docs_list_every_seed_rule_with_its_outcome(project: Path) -> None:
    report = validate_drop(SEED_DROP, load_suite(SEED_SUITE))
    expected = {r.rule: r.status.value for r in report.results}
    assert set(expected.values()) == {"pass", "fail", "undetermined"}  # the seed shows all three
    shown: dict[str, str] = {}
    for _, expectation, observed in (
        row[:3] for row in _results_rows(_page(project, "kyivpost-desertion"))
    ):
        rule = expectation.split("statcheck rule ", 1)[1].split(" ", 1)[0]
        shown[rule] = observed.split(":", 1)[0]
    assert shown == expected


def test_failing_rule_names_its_figures_and_the_gap(project: Path) -> None:
    rows = _results_rows(_page(project, "kyivpost-desertion"))
    (row,) = [r for r in rows if "ft-60000-is-desertion-plus-awol" in r[1]]
    assert row[2] == "fail: period-mismatch"
    for fig in ("kp-ft-abandoning-cases", "kp-odb-desertion-jan-oct", "kp-odb-awol-2024"):
        assert fig in row[1]
    assert "61,872" in row[1] and "55,000 to 65,000" in row[1]


def test_ge_success_matches_statcheck_for_every_rule(project: Path) -> None:
    report = validate_drop(SEED_DROP, load_suite(SEED_SUITE))
    stored = _stored_result(project, "kyivpost-desertion")
    assert rule_outcomes(stored) == {r.rule: r.status.value for r in report.results}
    for r in stored["results"]:
        rule = r["expectation_config"]["meta"]["attributes"]["statcheck"]["rule"]
        assert r["success"] is (report.result(rule).status.value == "pass"), rule
    ft = next(r for r in stored["results"] if r["result"]["observed_value"] == "fail")
    assert "kp-ft-abandoning-cases" in ft["result"]["partial_unexpected_list"]


def test_column_level_schema_runs_as_ge_built_ins(project: Path) -> None:
    suite = load_suite(project / "gx-regions.yml")
    report = validate_drop(project / "regions-2024", suite)
    stored = _stored_result(project, "gx-regions")
    assert rule_outcomes(stored) == {r.rule: r.status.value for r in report.results}
    assert report.result("schema").status.value == "fail"
    types = {r["expectation_config"]["type"]: r["success"] for r in stored["results"]}
    assert types["expect_column_values_to_be_in_set"] is False  # unit dollars, region east
    assert types["expect_column_values_to_be_between"] is False  # value -1
    assert types["expect_column_to_exist"] is True
    rows = _results_rows(_page(project, "gx-regions"))
    assert any("statcheck rule schema: unit is one of cases" in r[1] for r in rows)
    assert any("statcheck rule all-is-north-plus-south" in r[1] for r in rows)


def test_index_links_to_every_run(project: Path) -> None:
    index = (project / "data_docs" / "local_site" / "index.html").read_text(encoding="utf-8")
    assert "validations/kyivpost-desertion/2025-01-06-kyivpost-desertion/" in index
    assert "validations/gx-regions/regions-2024/" in index


def test_every_rule_kind_has_an_expectation_class() -> None:
    assert set(EXPECTATION_CLASSES) == set(RULE_KINDS)


def test_importing_statcheck_gx_does_not_import_great_expectations() -> None:
    code = "import sys, statcheck, statcheck.gx\nprint('great_expectations' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
