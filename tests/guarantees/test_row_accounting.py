"""Guarantee: row accounting. Every data row of a drop's figures file is read, and every
value cell in it is a figure the rules run on or is counted as no figure, with a reason:
the report's ``rows`` section, checked here against an independent count of the files."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from statcheck.checking import validate_drop
from statcheck.contract.suite import load_suite, suite_from_yaml
from tests.conftest import REPO


def _count_cells(folder: Path, suite: Any) -> dict[str, int]:
    """Rows, value cells and empty cells of a drop's figures file, counted with Python's
    csv (or json) module: the expected ``rows`` section."""
    manifest = (folder / "drop.yml").read_text(encoding="utf-8")
    name = next(
        line.split(":", 1)[1].strip()
        for line in manifest.splitlines()
        if line.strip().startswith("- path:")
    )
    if name.endswith(".json"):  # records: a key left out or null is an empty cell
        objects = json.loads((folder / name).read_text(encoding="utf-8"))
        header = list(dict.fromkeys(k for o in objects for k in o))
        records = [["" if o.get(k) is None else str(o[k]) for k in header] for o in objects]
    else:
        with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
            header, *records = list(csv.reader(fh))
    rows = [r for r in records if any(cell.strip() for cell in r)]  # blank lines are no rows
    if suite.table is None:
        return {"read": len(rows), "cells": len(rows), "not_figures": 0}
    m = suite.table
    value_columns = [s.column for s in m.series] if m.series else [m.value]
    positions = [header.index(c) for c in value_columns]
    # An empty cell is no figure, and so is one holding a marker the mapping declares.
    markers = m.markers()
    empty = sum(
        1
        for r in rows
        for c, i in zip(value_columns, positions, strict=True)
        if not r[i].strip() or r[i].strip() in markers.get(c or "", {})
    )
    return {"read": len(rows), "cells": len(rows) * len(positions), "not_figures": empty}


def test_every_row_of_every_bundled_drop_is_accounted_for(bundled_runs: dict[str, Path]) -> None:
    reports = sorted(bundled_runs["polars-a"].rglob("*.json"))
    assert reports
    for path in reports:
        report = json.loads(path.read_text(encoding="utf-8"))
        suite = load_suite(REPO / report["suite"]["file"])
        rows = report["rows"]
        assert rows["cells"] == rows["figures"] + rows["not_figures"], path.name
        assert rows["not_figures"] == sum(rows["reasons"].values()), path.name
        expected = _count_cells(REPO / report["drop"]["path"], suite)
        assert {k: rows[k] for k in expected} == expected, path.name


def test_the_reports_say_where_the_rows_went(bundled_runs: dict[str, Path]) -> None:
    """The bundled drops as they are: JHU's first day has no growth rate (an empty cell),
    BLS prints 1947 twice (figures left out of table-wide rules as duplicates)."""
    out = bundled_runs["polars-a"]
    jhu = json.loads(
        (out / "jhu-covid-worldwide" / "jhu-covid-worldwide-2021-04-01.json").read_text()
    )
    assert jhu["rows"]["reasons"] == {"empty-cell": 1}
    assert jhu["rows"]["cells"] == 4 * jhu["rows"]["read"]
    bls = json.loads((out / "bls-cps-aat1" / "bls-cps-aat1-2025.json").read_text())
    assert bls["rows"]["duplicates"] == 20  # 1947's ten series, on both age bases
    kyiv = json.loads(
        (out / "kyivpost-desertion" / "2025-01-06-kyivpost-desertion.json").read_text()
    )
    assert kyiv["rows"] == {
        "read": 14, "cells": 14, "figures": 14, "duplicates": 0, "not_figures": 0, "reasons": {},
    }  # fmt: skip


WIDE = suite_from_yaml(
    """
suite: wide
table:
  source: {source_id: pub, name: Publisher, kind: official}
  period: {year: year}
  dimensions: {region: region}
  series:
    cases: {unit: persons}
    deaths: {unit: persons}
    rate: {unit: percent}
rules:
  - {id: regions, kind: sum, over: region, total: W, parts: [X, Y]}
""",
    "wide.yml",
)
# 6 rows x 3 series = 18 cells: 7 empty (blank, spaces, a tab, a row with no figure at all).
WIDE_CSV = (
    "year,region,cases,deaths,rate,note\n"
    "2023,W,100,10,1.5,\n"
    "2023,X,60,,1.2,no deaths yet\n"
    "2023,Y,40,  ,,\n"
    "2024,W,,,,not yet published\n"
    "2024,X,70,7,\t,\n"
    '2024,Y,"1,000",3,0.5,"a, b"\n'
)


def _drop(folder: Path, text: str) -> Path:
    folder.mkdir()
    data = text.encode("utf-8")
    (folder / "table.csv").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    (folder / "drop.yml").write_text(
        f"id: {folder.name}\nfiles:\n  - path: table.csv\n    role: figures\n    sha256: {sha}\n"
    )
    return folder


def test_a_wide_table_with_blanks(tmp_path: Path, backend: str) -> None:
    report = validate_drop(_drop(tmp_path / "wide", WIDE_CSV), WIDE, engine=backend)
    assert not report.errors
    assert report.rows is not None
    assert report.rows.to_dict() == {
        "read": 6, "cells": 18, "figures": 11, "duplicates": 0, "not_figures": 7,
        "reasons": {"empty-cell": 7},
    }  # fmt: skip
    assert report.to_dict()["rows"] == report.rows.to_dict()


def test_a_long_table_with_blank_lines(tmp_path: Path, backend: str) -> None:
    """Blank lines between records are no rows; every record is a figure."""
    text = (
        "figure_id,metric,value,unit,period,source_id\n"
        "a,cases,1,cases,2024,stats\n\n"
        "b,cases,2,cases,2024,stats\n,,,,,\n"
        "c,cases,3,cases,2023,stats\n"
    )
    suite = suite_from_yaml("suite: s\nrules:\n  - {id: p, kind: period}\n")
    report = validate_drop(_drop(tmp_path / "long", text), suite, engine=backend)
    assert not report.errors
    assert report.rows is not None
    assert (report.rows.read, report.rows.cells, report.rows.figures) == (3, 3, 3)


def test_a_row_blank_in_its_first_cell_is_kept_and_line_breaks_move_the_lines_after(
    tmp_path: Path, backend: str
) -> None:
    """Only a row blank in every cell is no row: one whose first cell alone is blank is
    read (and refused for it, at its line); a quoted line break in a later column moves
    the lines of the rows after it."""
    text = (
        "figure_id,metric,value,unit,period,source_id,note\n"
        'a,cases,1,cases,2024,stats,"two\nlines"\n'
        " ,,,,,,\n"
        "b,cases,2,cases,2024,stats,\n"
        "  ,cases,3,cases,2023,stats,\n"
    )
    suite = suite_from_yaml("suite: s\nrules:\n  - {id: p, kind: period}\n")
    report = validate_drop(_drop(tmp_path / "long", text), suite, engine=backend)
    (error,) = report.errors
    assert error.slug == "missing-value"
    assert "figure_id" in error.message
    # Header line 1, "a" lines 2-3, the blank row line 4, "b" line 5, the row without
    # an id line 6.
    assert error.location.row == 6


def test_no_rows_section_when_the_figures_cannot_be_read(tmp_path: Path) -> None:
    suite = suite_from_yaml("suite: s\nrules:\n  - {id: p, kind: period}\n")
    report = validate_drop(_drop(tmp_path / "bad", "figure_id,metric\na,cases\n"), suite)
    assert report.errors and report.rows is None
    assert "rows" not in report.to_dict()


@pytest.mark.parametrize("series", [1, 3])
def test_cells_are_rows_times_series(tmp_path: Path, series: int) -> None:
    columns = ["cases", "deaths", "rate"][:series]
    mapping = "\n".join(f"    {c}: {{unit: persons}}" for c in columns)
    suite = suite_from_yaml(
        "suite: s\ntable:\n  source: {source_id: p, name: P, kind: official}\n"
        f"  period: {{year: year}}\n  series:\n{mapping}\n"
        "rules:\n  - {id: p, kind: period}\n"
    )
    lines = ["year," + ",".join(columns)] + [
        f"{y}," + ",".join("1" for _ in columns) for y in (2020, 2021)
    ]
    report = validate_drop(_drop(tmp_path / "t", "\n".join(lines) + "\n"), suite)
    assert report.rows is not None
    assert (report.rows.read, report.rows.cells, report.rows.figures) == (2, 2 * series, 2 * series)
