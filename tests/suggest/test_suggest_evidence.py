"""Evidence, not coincidence: random tables get no sums or shares, a small table is told
it cannot tell, and bad input is a clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statcheck.cli import main
from statcheck.errors import ExitCode, StatcheckError
from statcheck.suggest import suggest


def _table(columns: dict[str, list[str]], years: int) -> pd.DataFrame:
    return pd.DataFrame({"year": [str(2000 + i) for i in range(years)], **columns})


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_columns=st.integers(3, 8),
    rows=st.integers(6, 60),
    digits=st.integers(1, 6),
)
def test_random_tables_get_no_sums_or_shares(
    seed: int, n_columns: int, rows: int, digits: int
) -> None:
    rng = np.random.default_rng(seed)
    # each column its own magnitude, some printed with one decimal
    columns = {
        f"c{j}": [
            f"{v:.{j % 2}f}" for v in rng.uniform(0, 10.0 ** rng.integers(1, digits + 1), size=rows)
        ]
        for j in range(n_columns)
    }
    found = suggest(_table(columns, rows))
    assert found.relations == ()
    assert found.suite is None and found.to_yaml() == ""


def test_a_sum_on_two_rows_of_three_is_never_proposed() -> None:
    table = _table({"a": ["10", "20", "30"], "b": ["5", "7", "1"], "total": ["15", "27", "99"]}, 3)
    found = suggest(table)
    assert found.relations == () and found.undecided == ()


def test_a_sum_on_every_row_of_a_small_table_is_one_it_cannot_tell() -> None:
    table = _table({"a": ["10", "20", "30"], "b": ["5", "7", "1"], "total": ["15", "27", "31"]}, 3)
    found = suggest(table)
    assert found.relations == () and found.suite is None
    assert [u.split(":")[0] for u in found.undecided] == ["total-is-a-plus-b"]
    assert "holds in 3 of 3 years" in found.undecided[0]


def test_the_same_sum_on_enough_rows_is_proposed() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.integers(100, 1000, 12), rng.integers(100, 1000, 12)
    table = _table(
        {"a": list(map(str, a)), "b": list(map(str, b)), "total": list(map(str, a + b))}, 12
    )
    found = suggest(table)
    assert [r.rule.id for r in found.relations] == ["total-is-a-plus-b"]
    assert found.relations[0].comment().startswith("holds in 12 of 12 years")


def test_a_table_without_a_period_column_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "counts.csv"
    csv.write_text("region,a,b\nnorth,1,2\nsouth,3,4\n", encoding="utf-8")
    with pytest.raises(StatcheckError, match="no period column"):
        suggest(csv)
    assert main(["suggest", str(csv)]) == ExitCode.CONTRACT
    err = capsys.readouterr().err
    assert "missing-column" in err and "counts.csv" in err and "region, a, b" in err


def test_a_table_with_nothing_to_suggest_writes_no_suite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "two.csv"
    csv.write_text("year,a,b\n2000,1,200\n2001,3,400\n", encoding="utf-8")
    out = tmp_path / "suite.yml"
    assert main(["suggest", str(csv), "--out", str(out)]) == ExitCode.OK
    assert not out.exists()
    assert "no sum or share found" in capsys.readouterr().out  # with --out: messages on stdout


def test_a_sum_with_a_negative_part_is_found() -> None:
    # a net figure: the total is smaller than one of its parts (regression: parts larger
    # than the total were pruned as for counts)
    years = 10
    table = _table(
        {
            "losses": [str(-i) for i in range(years)],
            "gains": [str(3 * i) for i in range(years)],
            "net": [str(2 * i) for i in range(years)],
        },
        years,
    )
    found = suggest(table)
    assert [r.rule.id for r in found.relations] == ["net-is-losses-plus-gains"]


def test_an_empty_table_and_a_missing_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StatcheckError, match="holds no rows") as empty:
        suggest(pd.DataFrame({"year": [], "a": []}))
    assert empty.value.slug == "empty-file"
    with pytest.raises(StatcheckError, match="does not exist") as missing:
        suggest(tmp_path / "nowhere.csv")
    assert missing.value.slug == "file-missing"
    with pytest.raises(StatcheckError, match="names no format") as xlsx:
        suggest(tmp_path / "table.xlsx")
    assert xlsx.value.slug == "unsupported-format"


finite = st.integers(-(10**7), 10**7).map(lambda i: i / 10)  # figures printed to a tenth


@settings(max_examples=200, deadline=None)
@given(
    part=finite,
    whole=finite,
    half_part=st.sampled_from([0.0, 0.05, 0.5, 5.0]),
    half_whole=st.sampled_from([0.0, 0.05, 0.5, 5.0]),
)
def test_a_share_interval_holds_every_quotient_its_figures_can_stand_for(
    part: float, whole: float, half_part: float, half_whole: float
) -> None:
    from statcheck.suggest._shares import _interval_ratio

    lo_p, hi_p, lo_w, hi_w = (
        np.array([part - half_part]),
        np.array([part + half_part]),
        np.array([whole - half_whole]),
        np.array([whole + half_whole]),
    )
    low, high = _interval_ratio(lo_p, hi_p, lo_w, hi_w)
    if lo_w[0] <= 0 <= hi_w[0]:
        assert np.isnan(low[0]) and np.isnan(high[0])
        return
    for p in np.linspace(lo_p[0], hi_p[0], 5):
        for w in np.linspace(lo_w[0], hi_w[0], 5):
            q = p / w
            assert low[0] - 1e-9 * abs(q) <= q <= high[0] + 1e-9 * abs(q)


def test_a_rate_per_100000_is_found_in_its_unit() -> None:
    rng = np.random.default_rng(3)
    years = 15
    population = rng.integers(1_000_000, 9_000_000, years)
    deaths = rng.integers(100, 5_000, years)
    table = _table(
        {
            "population": list(map(str, population)),
            "deaths": list(map(str, deaths)),
            "death_rate": [f"{r:.1f}" for r in deaths / population * 100_000],
        },
        years,
    )
    found = suggest(table)
    assert [r.rule.id for r in found.relations] == ["death-rate-is-deaths-over-population"]
    assert found.suite is not None and found.suite.table is not None
    units = {s.column: s.unit for s in found.suite.table.series}
    assert units == {"population": "number", "deaths": "number", "death_rate": "per 100000"}
