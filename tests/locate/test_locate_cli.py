"""`statcheck locate` on the command line: the sentence per finding, and --json."""

from __future__ import annotations

import json

import pytest

from statcheck.cli import main
from tests.conftest import REPO, SEED_DROP, SEED_SUITE

BLS = REPO / "fixtures" / "drops" / "bls-cps-aat1-2025"
BLS_SUITE = REPO / "expectations" / "bls-cps-aat1.yml"


def test_locate_says_which_figure_and_to_what(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["locate", str(BLS), "--suite", str(BLS_SUITE)])
    out = capsys.readouterr().out
    assert code == 1  # the data fails rules, as validate says
    [line] = [x for x in out.splitlines() if "[sum-mismatch] labor_force|1960" in x]
    assert (
        "most likely wrong: employed|1960; changing it to between 65,775,000 and 65,777,000 "
        "makes both rules that use it hold"
    ) in line
    [line] = [x for x in out.splitlines() if "[sum-mismatch] labor_force|1948" in x]
    assert "most likely wrong: employed|1948; changing it to 58,344,000" in line
    assert "alternative: labor_force|1948; or unemployed|1948" in line
    assert "left out: participation-rate-is-labor-force-over-population (ratio)" in out


def test_locate_json_names_the_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["locate", str(SEED_DROP), "--suite", str(SEED_SUITE), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"suite", "drop", "weights", "findings", "components", "left_out"}
    [ft] = [f for f in data["findings"] if f["rule"] == "ft-60000-is-desertion-plus-awol"]
    assert ft["slug"] == "period-mismatch" and ft["component"] is None
    assert "not a numeric failure" in ft["note"]
