"""Issue 16's benchmark cannot rot: on a small grid table (benchmarks/grid.py) the numpy
floor and statcheck, on every backend, flag exactly the injected violations, and count
the skips the generator built in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import statcheck
from statcheck.contract import suite_from_yaml

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_grid  # noqa: E402
import floor_numpy  # noqa: E402
import grid  # noqa: E402

ROWS = 2_000
CURRENT = tuple(k for k in grid.SUITE_RULES if k not in grid.NEW_FORMS)
EVERY = tuple(grid.SUITE_RULES)
# Slugs no injection gives: the checks must find none.
NEVER_INJECTED = {"zero-denominator", "unknown-source"}


@pytest.fixture(scope="module")
def table() -> grid.Grid:
    return grid.generate(ROWS)


def kinds_for(forms: str) -> tuple[str, ...]:
    """The suite's rule kinds: without the forms being built next to the benchmark (the
    ratio over two columns, the partition rule), or with them once statcheck reads them."""
    if forms == "current":
        return CURRENT
    missing = [k for k in grid.NEW_FORMS if k not in bench_grid.readable_kinds()]
    if missing:
        pytest.skip(f"this statcheck does not read the suite's {', '.join(missing)} rule yet")
    return EVERY


def frames(table: grid.Grid, backend: str) -> tuple[Any, Any]:
    if backend == "pandas":
        return table.figures.to_pandas(), table.sources.to_pandas()
    if backend == "polars":
        return table.figures, table.sources
    pytest.skip(f"the benchmark runs on polars and pandas, not {backend}")


def test_every_kind_of_violation_is_injected(table: grid.Grid) -> None:
    assert 1_800 <= table.figures.height <= 2_300
    for slug, keys in table.expected.items():
        if slug in NEVER_INJECTED:
            assert keys == [], slug
        elif slug != "partition-overlap":  # a coin flip per misprinted quarter
            assert keys, f"no {slug} injected"
    assert table.expected["citation-cycle"] == table.expected["source-cycle"]
    ring_sizes = sorted(len(k.split()) for k in table.expected["citation-cycle"])
    assert ring_sizes == [1, 2, 3]  # one source citing itself, a ring of two, one of three
    assert table.skips["ratio"]["missing-part"] >= 1
    assert table.skips["ratio"]["missing-whole"] == 10  # one year's ALL: its ten shares


def test_the_table_is_the_same_for_the_same_size_and_seed(table: grid.Grid) -> None:
    again = grid.generate(ROWS)
    assert again.figures.equals(table.figures)
    assert again.sources.equals(table.sources)
    assert again.expected == table.expected
    assert not grid.generate(ROWS, seed=1).figures.equals(table.figures)


def test_the_floor_flags_exactly_the_injected_violations(table: grid.Grid) -> None:
    out = floor_numpy.run_floor(
        floor_numpy.columns_of(table.figures),
        floor_numpy.columns_of(table.sources),
        primary_kinds=grid.PRIMARY_KINDS,
    )
    assert bench_grid.compare("floor", out.flags, table.expected) == []
    counts = {k: {**out.items.get(k, {}), "skipped": out.skips.get(k, {})} for k in EVERY}
    assert bench_grid.count_notes("floor", counts, _as_meta(table), EVERY) == []


def test_the_floor_numbers_periods_when_days_make_the_key_too_wide(
    table: grid.Grid, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(floor_numpy, "KEY_BITS", 24)  # start and end in days need 31 bits
    out = floor_numpy.run_floor(
        floor_numpy.columns_of(table.figures),
        floor_numpy.columns_of(table.sources),
        primary_kinds=grid.PRIMARY_KINDS,
    )
    assert bench_grid.compare("floor", out.flags, table.expected) == []


def test_the_floor_runs_only_the_rules_asked_for(table: grid.Grid) -> None:
    out = floor_numpy.run_floor(
        floor_numpy.columns_of(table.figures),
        floor_numpy.columns_of(table.sources),
        kinds=CURRENT,
    )
    assert set(out.flags) == {s for k in CURRENT for s in grid.CHECKS[k]}
    assert bench_grid.compare("floor", out.flags, table.expected_for(CURRENT)) == []


@pytest.mark.parametrize("forms", ["current", "new"])
def test_statcheck_flags_exactly_the_injected_violations(
    table: grid.Grid, backend: str, forms: str
) -> None:
    kinds = kinds_for(forms)
    figures, sources = frames(table, backend)
    suite = suite_from_yaml(grid.suite_yaml(kinds), "<bench-grid suite>")
    report = statcheck.validate(figures, suite, sources=sources)
    found, problems = bench_grid.statcheck_found(report, kinds)
    assert problems == []
    assert bench_grid.compare(backend, found, table.expected_for(kinds)) == []
    assert [r.rule for r in report.results] == [grid.RULES[k] for k in kinds]


@pytest.mark.parametrize("forms", ["current", "new"])
def test_statcheck_counts_what_the_generator_built_in(
    table: grid.Grid, backend: str, forms: str
) -> None:
    kinds = kinds_for(forms)
    figures, sources = frames(table, backend)
    suite = suite_from_yaml(grid.suite_yaml(kinds), "<bench-grid suite>")
    by_rule = {r.rule: r for r in statcheck.validate(figures, suite, sources=sources).results}
    counts = {
        k: by_rule[grid.RULES[k]].counts.to_dict()  # type: ignore[union-attr]
        for k in kinds
        if by_rule[grid.RULES[k]].counts is not None
    }
    if not counts:
        pytest.skip("this statcheck's results carry no counts yet")
    assert bench_grid.count_notes(backend, counts, _as_meta(table), kinds) == []


def test_pandas_two_rules_at_a_time_gives_the_report_of_one_at_a_time(
    table: grid.Grid, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long tables run pandas' rules in threads that share the table; the grid's every
    # kind is run both ways on a short one.
    import statcheck.engine

    suite = suite_from_yaml(grid.suite_yaml(EVERY), "<bench-grid suite>")
    figures, sources = table.figures.to_pandas(), table.sources.to_pandas()

    def report(threads_from: int) -> str:
        monkeypatch.setattr(statcheck.engine, "PANDAS_THREADS_FROM", threads_from)
        out = statcheck.validate(figures, suite, sources=sources)
        return out.to_json().replace(out.generated_at, "-")

    alone, threaded = report(10**9), report(0)
    assert threaded == alone
    assert '"status": "fail"' in alone


def test_polars_streaming_engine_gives_the_report_of_its_in_memory_engine(
    table: grid.Grid, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A short table's queries run on polars' in-memory engine, a long one's streaming:
    # the grid's every kind is run on both.
    from statcheck.backends import _polars

    suite = suite_from_yaml(grid.suite_yaml(EVERY), "<bench-grid suite>")

    def report(in_memory_below: int) -> str:
        monkeypatch.setattr(_polars, "IN_MEMORY_BELOW", in_memory_below)
        out = statcheck.validate(table.figures, suite, sources=table.sources)
        return out.to_json().replace(out.generated_at, "-")

    streaming, in_memory = report(0), report(10**9)
    assert streaming == in_memory
    assert '"slug": "partition-gap"' in in_memory and '"slug": "source-cycle"' in in_memory


def test_a_run_that_misses_or_adds_a_violation_is_caught(table: grid.Grid) -> None:
    expected = table.expected_for(CURRENT)
    found = {slug: list(keys) for slug, keys in expected.items()}
    missed = found["sum-mismatch"].pop()
    found["period-reversed"].append("not-a-figure")
    problems = bench_grid.compare("x", found, expected)
    assert len(problems) == 2
    extra, miss = problems  # by slug
    assert "sum-mismatch: missed 1 of" in miss and missed in miss
    assert "period-reversed: 1 flagged that were not injected" in extra and "not-a-figure" in extra


def test_findings_are_keyed_as_the_generator_keys_them() -> None:
    key = bench_grid.finding_key
    ids = ("m01-R001-ALL-2015Q1", "m01-R001-c01-2015Q1", "m01-R001-c02-2015Q1")
    assert key("sum-mismatch", ids) == "m01-R001-ALL-2015Q1"
    share = ("m01_share-R001-c03-2015", "m01-R001-c03-2015", "m01-R001-ALL-2015")
    assert key("ratio-mismatch", share[::-1]) == "m01_share-R001-c03-2015"
    assert key("partition-gap", ("m01-R001-c01-2015Q2", "m01-R001-c01-2015")) == "m01-R001-c01-2015"
    assert key("citation-cycle", ("b:x", "a:x", "b:x")) == "a:x b:x"
    assert key("period-reversed", ("m01-R001-c01-2015",)) == "m01-R001-c01-2015"


def _as_meta(table: grid.Grid) -> dict[str, Any]:
    return {"skips": table.skips, "items": table.items}
