"""A real published table checked with agreement and table-form compare: deaths from
natural disasters, 1900-2017 (EM-DAT via Our World in Data, as shipped by vega-datasets).
What statcheck finds is computed here independently, with plain pandas on the CSV."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from statcheck.checking import validate_drop
from statcheck.cli import main
from statcheck.contract import load_suite
from statcheck.report import Counts, Report, Status
from tests.conftest import REPO

DROP = REPO / "fixtures" / "drops" / "emdat-disasters-1900-2017"
SUITE = REPO / "expectations" / "emdat-disasters.yml"
TOTAL = "All natural disasters"


@cache
def report(backend: str) -> Report:
    return validate_drop(DROP, load_suite(SUITE), engine=backend)


@cache
def table() -> pd.DataFrame:
    return pd.read_csv(DROP / "disasters.csv")


def by_year() -> pd.DataFrame:
    """Each year's printed total, the sum of its types (none printed: 0) and how many."""
    t = table()
    total = t[t["Entity"] == TOTAL].set_index("Year")["Deaths"]
    types = t[t["Entity"] != TOTAL].groupby("Year")["Deaths"].agg(["sum", "size"])
    out = types.reindex(total.index, fill_value=0).assign(total=total)
    return out.assign(diff=out["total"] - out["sum"])


def test_the_total_disagrees_with_its_types_in_exactly_the_years_pandas_finds(
    backend: str,
) -> None:
    years = by_year()
    # Counts printed to the person stand for +-0.5 each: a year's total and its n types
    # may differ by 0.5 * (n + 1) and still agree.
    beyond = years[years["diff"].abs() > 0.5 * (years["size"] + 1)]
    assert list(beyond.index) == [2014]  # the one known inconsistency (README)
    result = report(backend).result("the-total-agrees-with-the-deaths-by-type")
    assert result.status is Status.FAIL
    assert result.counts == Counts.of(len(years), len(beyond))
    [f] = result.findings
    assert f.slug == "disagreement"
    assert f.figures[0] == "deaths|All natural disasters|2014"
    assert len(f.figures) == 1 + beyond["size"].iloc[0]
    assert f.gap == abs(beyond["diff"].iloc[0]) - 0.5 * (beyond["size"].iloc[0] + 1)
    assert "reported_total is higher by 12" in f.explanation
    summary = dict(result.summary)
    assert summary["max_abs_difference"] == years["diff"].abs().max() == 12
    assert summary["mean_abs_difference"] == pytest.approx(years["diff"].abs().mean())
    assert summary["higher"] == {
        "reported_total": int((years["diff"] > 0).sum()),
        "by_type": int((years["diff"] < 0).sum()),
        "neither": int((years["diff"] == 0).sum()),
    }


def test_table_form_compare_on_every_year(backend: str) -> None:
    t = table()
    years = by_year()
    positive = report(backend).result("every-year-has-deaths")
    assert (years["total"] > 0).all()
    assert positive.status is Status.PASS and positive.counts == Counts.of(len(years), 0)
    epidemics = t[t["Entity"] == "Epidemic"].set_index("Year")["Deaths"]
    assert (epidemics <= years["total"].reindex(epidemics.index)).all()
    within = report(backend).result("epidemics-never-exceed-the-total")
    # A year with no epidemic row lacks a side: counted, not compared.
    assert within.status is Status.PASS
    assert within.counts == Counts.of(
        len(epidemics), 0, {"missing-side": len(years) - len(epidemics)}
    )


def test_the_same_report_on_every_engine() -> None:
    made = {}
    for backend in ("polars", "pandas"):
        data = report(backend).to_dict()
        data.pop("generated_at")
        made[backend] = json.dumps(data, indent=2, ensure_ascii=False)
    assert made["polars"] == made["pandas"]


def test_statcheck_validate_prints_the_summary_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    code = main(["validate", str(DROP), "--suite", str(SUITE), "--out", str(out)])
    assert code == 1  # a rule failed
    printed = " ".join(capsys.readouterr().out.split())
    assert (
        "the-total-agrees-with-the-deaths-by-type checked 117 · failed 1 · difference: mean "
        "0.1026, largest 12 (0.05747%) · higher: reported_total 1, by_type 0, neither 116"
    ) in printed
    written = json.loads(out.read_text(encoding="utf-8"))
    [agreement] = [r for r in written["results"] if r["kind"] == "agreement"]
    assert agreement["summary"]["max_abs_difference"] == 12
