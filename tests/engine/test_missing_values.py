"""A publisher's markers for a figure it does not give (``NA``, ``..``, ``(D)``), declared in
the suite's ``table:`` mapping as ``missing_values``: each such cell is no figure, counted
by its reason, and a rule that needs one is undetermined and names it. Undeclared, such a
cell stops the drop (exit 2) with a hint to declare it; every value error of a mapped table
names the publisher's column, not the figure table's ``value``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statcheck.checking import validate_drop
from statcheck.contract.suite import suite_from_yaml
from statcheck.errors import SuiteError
from statcheck.report import Report, Status

MAPPING = """
table:
  source: {source_id: census, name: Census of Agriculture, kind: official}
  period: {year: year}
  dimensions: {state: state}
  series:
    farms: {unit: farms}
    value: {metric: sales, unit: usd}
"""
# Farms and sales by state, as an agriculture census prints them: "(D)" withheld to avoid
# disclosing one operation, "-" none reported, "NA" not available. The column named
# `value` is the publisher's own.
CSV = (
    "year,state,farms,value\n"
    "2017,US,30,(D)\n"
    "2017,A,10,400\n"
    "2017,B,(D),500\n"
    "2017,C,12,-\n"
    "2022,US,31,1000\n"
    "2022,A,NA,600\n"
    "2022,B,9,400\n"
    "2022,C,10,\n"
)
DECLARED = 'missing_values: {"(D)": suppressed, "-": nil, NA: not-available}'


def drop(folder: Path, text: str) -> Path:
    folder.mkdir()
    data = text.encode("utf-8")
    (folder / "table.csv").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    (folder / "drop.yml").write_text(
        f"id: {folder.name}\nfiles:\n  - path: table.csv\n    role: figures\n    sha256: {sha}\n"
    )
    return folder


def check(
    tmp_path: Path, backend: str, rules: str, declared: str = DECLARED, text: str = CSV
) -> Report:
    mapping = MAPPING + (f"  {declared}\n" if declared else "")
    suite = suite_from_yaml(f"suite: s\n{mapping}rules:\n{rules}")
    return validate_drop(drop(tmp_path / "d", text), suite, engine=backend)


PERIOD_RULE = "rules:\n  - {id: p, kind: period}\n"
STATES = "  - {id: states, kind: sum, over: state, total: US, parts: [A, B, C]}\n"


def test_marked_cells_are_no_figures_counted_by_reason(tmp_path: Path, backend: str) -> None:
    report = check(tmp_path, backend, STATES)
    assert not report.errors
    assert report.rows is not None
    assert report.rows.to_dict() == {
        "read": 8, "cells": 16, "figures": 11, "duplicates": 0, "not_figures": 5,
        "reasons": {"empty-cell": 1, "suppressed": 2, "nil": 1, "not-available": 1},
    }  # fmt: skip


def test_a_sum_missing_a_part_names_the_marked_cell(tmp_path: Path, backend: str) -> None:
    """Table form: 2022's farms lack state A (NA), 2017's lack B ((D)); 2017's sales total
    is itself withheld, so it is skipped and counted, and 2022's sales lack C (empty)."""
    result = check(tmp_path, backend, STATES).result("states")
    assert result.status is Status.UNDETERMINED
    said = sorted(f.explanation for f in result.findings if f.slug != "nothing-checked")
    assert said == [
        "farms|US|2017 cannot be checked: only 2 of its 3 parts are in the drop "
        "(farms|A|2017, farms|C|2017); farms|B|2017 is not a figure: the publisher printed "
        "'(D)' (suppressed).",
        "farms|US|2022 cannot be checked: only 2 of its 3 parts are in the drop "
        "(farms|B|2022, farms|C|2022); farms|A|2022 is not a figure: the publisher printed "
        "'NA' (not-available).",
        "sales|US|2022 cannot be checked: only 2 of its 3 parts are in the drop "
        "(sales|A|2022, sales|B|2022).",
    ]
    assert dict(result.counts.skipped) == {"not-a-figure": 3, "missing-parts": 1}
    assert result.counts.checked == 0


def test_missing_zero_does_not_make_a_marked_part_zero(tmp_path: Path, backend: str) -> None:
    """`missing: zero` counts an absent part as 0; a part the publisher withheld is not
    known to be 0. 2022's sales (empty C) add up; 2017's farms (B withheld) are skipped."""
    rules = "  - {id: states, kind: sum, over: state, total: US, parts: [A, B, C], missing: zero}\n"
    result = check(tmp_path, backend, rules).result("states")
    assert result.counts.checked == 1  # sales 2022: 600 + 400 + (C absent: 0) = 1000
    assert dict(result.counts.skipped) == {"not-a-figure": 3}
    assert result.status is Status.UNDETERMINED


def test_a_rule_naming_a_marked_cell_by_id_names_the_marker(tmp_path: Path, backend: str) -> None:
    rules = (
        "  - {id: by-id, kind: sum, total: farms|US|2017, parts: [farms|A|2017, farms|B|2017, farms|C|2017]}\n"
        "  - {id: nil-part, kind: compare, left: [sales|A|2017], op: '>', right: [sales|C|2017]}\n"
        "  - {id: selector, kind: compare, left: {metric: sales, state: US, period: '2017'},"
        " op: '>', right: [sales|A|2017]}\n"
    )
    report = check(tmp_path, backend, rules)
    explanations = {
        r.rule: [f.explanation for f in r.findings]
        for r in report.results
        if r.status is Status.UNDETERMINED
    }
    assert explanations == {
        "by-id": [
            "The sum cannot be checked: farms|B|2017 is not a figure: the publisher printed "
            "'(D)' (suppressed)."
        ],
        "nil-part": [
            "The compare cannot be checked: sales|C|2017 is not a figure: the publisher "
            "printed '-' (nil)."
        ],
        "selector": [
            "The compare cannot be checked: sales|US|2017 is not a figure: the publisher "
            "printed '(D)' (suppressed)."
        ],
    }
    assert report.result("by-id").findings[0].figures == (
        "farms|US|2017",
        "farms|A|2017",
        "farms|C|2017",
    )
    assert dict(report.result("by-id").counts.skipped) == {"not-a-figure": 1}


def test_an_id_that_is_neither_a_figure_nor_a_marked_cell_is_still_an_error(
    tmp_path: Path, backend: str
) -> None:
    rules = "  - {id: typo, kind: compare, left: [farms|A|2071], op: '>', right: [farms|B|2022]}\n"
    result = check(tmp_path, backend, rules).result("typo")
    assert result.status is Status.ERROR
    assert result.error_slug == "unknown-figure"


def test_a_list_of_markers_is_its_own_reasons(tmp_path: Path, backend: str) -> None:
    report = check(tmp_path, backend, STATES, declared='missing_values: ["(D)", "-", NA]')
    assert report.rows is not None
    assert dict(report.rows.reasons) == {"empty-cell": 1, "(D)": 2, "-": 1, "NA": 1}
    said = [f.explanation for f in report.result("states").findings]
    assert any("farms|A|2022 is not a figure: the publisher printed 'NA'." in s for s in said)


def test_markers_are_compared_as_printed_case_and_all(tmp_path: Path, backend: str) -> None:
    """`NA` declared does not make `na` a marker: that cell stops the drop, as any
    undeclared marker does."""
    text = CSV.replace("2022,A,NA,600", "2022,A, na ,600")
    report = check(tmp_path, backend, STATES, text=text)
    assert [e.slug for e in report.errors] == ["missing-value"]
    assert (report.errors[0].location.row, report.errors[0].location.column) == (7, "farms")


def test_an_undeclared_marker_stops_the_drop_naming_the_publishers_column(
    tmp_path: Path, backend: str
) -> None:
    report = check(
        tmp_path, backend, STATES, declared='missing_values: {"(D)": suppressed, "-": nil}'
    )
    assert report.exit_code == 2
    [error] = report.errors
    assert error.slug == "missing-value"
    assert (error.location.row, error.location.column) == (7, "farms")
    assert error.hint is not None
    assert "missing_values: {'NA': not-available}" in error.hint
    assert "`table:` mapping" in error.hint


def test_an_unreadable_value_names_the_publishers_column(tmp_path: Path, backend: str) -> None:
    """Every value error of a wide table: the column the publisher printed it in."""
    text = CSV.replace("2022,B,9,400", "2022,B,9,4OO")
    report = check(tmp_path, backend, STATES, text=text)
    [error] = report.errors
    assert error.slug == "invalid-number"
    assert (error.location.row, error.location.column) == (8, "value")  # the publisher's `value`
    (tmp_path / "pct").mkdir()
    text = CSV.replace("2022,B,9,400", "2022,B,9%,400")
    [error] = check(tmp_path / "pct", backend, STATES, text=text).errors
    assert error.slug == "unit-mismatch"
    assert (error.location.row, error.location.column) == (8, "farms")
    assert "in 1 row(s): row 8 (farms): '9%'" in error.message  # the cell as printed


def test_a_long_table_names_its_value_column(tmp_path: Path, backend: str) -> None:
    text = "year,state,farms\n2022,A,12\n2022,B,NA\n"
    suite = suite_from_yaml(
        "suite: s\ntable:\n  source: {source_id: c, name: C, kind: official}\n"
        "  period: {year: year}\n  dimensions: {state: state}\n"
        "  value: farms\n  metric: farms\n  unit: farms\n"
        "rules:\n  - {id: p, kind: period}\n"
    )
    [error] = validate_drop(drop(tmp_path / "long", text), suite, engine=backend).errors
    assert (error.slug, error.location.row, error.location.column) == ("missing-value", 3, "farms")


@pytest.mark.parametrize(
    ("declared", "problem"),
    [
        ("missing_values: {0: zero}", "is a number"),
        ("missing_values: [1]", "is not text"),
        ('missing_values: {"0": zero}', "is a number"),
        ('missing_values: ["1,000"]', "is a number"),
        ('missing_values: {"  ": blank}', "is not text"),
        ('missing_values: {"x": ""}', "needs its reason"),
        ('missing_values: ["x", " x "]', "given twice"),
        ("missing_values: NA", "a mapping of each marker"),
    ],
)
def test_a_marker_that_cannot_be_one_is_a_suite_error(declared: str, problem: str) -> None:
    with pytest.raises(SuiteError) as raised:
        suite_from_yaml(f"suite: s\n{MAPPING}  {declared}\n{PERIOD_RULE}", "s.yml")
    assert raised.value.slug == "invalid-table-mapping"
    assert problem in raised.value.message
    assert raised.value.location.line == 10


def test_missing_values_round_trip() -> None:
    suite = suite_from_yaml(f"suite: s\n{MAPPING}  {DECLARED}\n{PERIOD_RULE}")
    assert suite.table is not None
    assert suite.table.missing_values == (
        ("(D)", "suppressed"),
        ("-", "nil"),
        ("NA", "not-available"),
    )
    again = suite_from_yaml(suite.to_yaml())
    assert again.table == suite.table


def test_an_unnamed_column_the_mapping_does_not_read(tmp_path: Path, backend: str) -> None:
    """R's write.csv prints its row names under a blank name: a mapped table that does not
    read that column is read; a table read whole still refuses the blank name."""
    text = '"","year","state","farms","value"\n"1",2022,"A",12,400\n"2",2022,"B",NA,500\n'
    report = check(tmp_path, backend, "  - {id: p, kind: period}\n", text=text)
    assert not report.errors
    assert report.rows is not None
    assert (report.rows.figures, dict(report.rows.reasons)["not-available"]) == (3, 1)


def test_a_dataframe_with_markers_through_the_public_api(backend: str) -> None:
    """statcheck.validate on a pipeline's frame, text cells as printed: the same counts and
    the same explanation as from a drop, on either library."""
    import io

    import pandas as pd
    import polars as pl

    import statcheck

    frame: object = pl.read_csv(io.StringIO(CSV), infer_schema=False)
    if backend == "pandas":
        frame = pd.read_csv(io.StringIO(CSV), dtype=str, keep_default_na=False)
    suite = suite_from_yaml(f"suite: s\n{MAPPING}  {DECLARED}\nrules:\n{STATES}")
    report = statcheck.validate(frame, suite)
    assert report.rows is not None
    assert dict(report.rows.reasons) == {
        "empty-cell": 1, "suppressed": 2, "nil": 1, "not-available": 1,
    }  # fmt: skip
    said = [f.explanation for f in report.result("states").findings]
    assert any("farms|B|2017 is not a figure: the publisher printed '(D)'" in s for s in said)


CELLS = ["1", "2.5", "1,000", "", "  ", "NA", " NA ", "na", "(D)", "-", "x", "X"]


@settings(
    deadline=None, max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(*[st.sampled_from(CELLS)] * 2), min_size=1, max_size=8),
    declared=st.lists(st.sampled_from(["NA", "na", "(D)", "-", "x", "X"]), unique=True, min_size=1),
)
def test_every_cell_is_a_figure_or_counted_by_its_reason(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]], declared: list[str]
) -> None:
    """Generated wide tables: each value cell is a figure, empty, or holds a declared
    marker (as printed, spaces stripped, case and all), counted as a plain Python loop
    counts it; an undeclared marker stops the drop; polars and pandas agree."""
    text = "year,state,farms,value\n" + "".join(
        f'{2000 + i},S,"{a}","{b}"\n' for i, (a, b) in enumerate(rows)
    )
    reasons = {m: f"r{m}" for m in declared}
    cells = [c.strip() for row in rows for c in row]
    readable = {"1", "2.5", "1,000"}
    expected = {"empty-cell": sum(1 for c in cells if not c)}
    for m in declared:
        if m in cells:
            expected[f"r{m}"] = cells.count(m)
    stopped = any(c and c not in readable and c not in reasons for c in cells)
    mapping = "missing_values: {" + ", ".join(f'"{m}": r{m}' for m, _ in reasons.items()) + "}"
    reports = []
    for backend in ("polars", "pandas"):
        folder = tmp_path_factory.mktemp(backend)
        reports.append(check(folder, backend, STATES, declared=mapping, text=text))
    polars, pandas = reports
    assert [e.slug for e in polars.errors] == [e.slug for e in pandas.errors]
    if stopped:  # NA-like (missing-value) or text with no digit at all (invalid-number)
        [error] = polars.errors
        assert error.slug in ("missing-value", "invalid-number")
        assert error.hint is not None and "missing_values:" in error.hint
        return
    assert polars.rows is not None and pandas.rows is not None
    assert polars.rows.to_dict() == pandas.rows.to_dict()
    assert dict(polars.rows.reasons) == expected
    assert polars.rows.figures == sum(1 for c in cells if c in readable)


def test_a_series_may_have_markers_of_its_own(tmp_path: Path, backend: str) -> None:
    """`-` means nil in the sales column only, and there `(D)` has a reason of its own; in
    the farms column `-` is declared nowhere and stops the drop."""
    own = "{unit: usd, metric: sales, missing_values: {'-': nil, '(D)': withheld-sales}}"
    mapping = MAPPING.replace("{metric: sales, unit: usd}", own)
    suite = suite_from_yaml(
        f"suite: s\n{mapping}  missing_values: {{'(D)': suppressed, NA: not-available}}\nrules:\n{STATES}"
    )
    assert suite.table is not None and suite.table.markers() == {
        "farms": {"(D)": "suppressed", "NA": "not-available"},
        "value": {"(D)": "withheld-sales", "NA": "not-available", "-": "nil"},
    }
    assert suite_from_yaml(suite.to_yaml()).table == suite.table
    report = validate_drop(drop(tmp_path / "d", CSV), suite, engine=backend)
    assert report.rows is not None
    assert dict(report.rows.reasons) == {
        "empty-cell": 1, "suppressed": 1, "not-available": 1, "withheld-sales": 1, "nil": 1,
    }  # fmt: skip
    (tmp_path / "farms").mkdir()
    text = CSV.replace("2017,C,12,-", "2017,C,-,-")
    [error] = validate_drop(drop(tmp_path / "farms" / "d", text), suite, engine=backend).errors
    assert (error.slug, error.location.row, error.location.column) == ("missing-value", 5, "farms")
