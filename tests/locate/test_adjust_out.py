"""`statcheck adjust --out DIR`: the adjusted drop is a drop statcheck validates with every
sum passing, each figure moved no further than its rounding beyond what the rules force,
the input untouched, and an occupied folder refused."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

import statcheck
from statcheck.cli import main
from statcheck.drops.describe import init_drop
from statcheck.errors import ADJUST_REFUSED, ExitCode, StatcheckError
from statcheck.localisation import adjust, locate
from tests.conftest import MakeDrop, figure
from tests.locate.test_locate_real import BLS, BLS_SUITE, WORLD_BANK, WORLD_BANK_SUITE

SUM_SLUGS = {"sum-mismatch"}
REAL = [
    pytest.param(BLS, BLS_SUITE, 11, id="bls-aat1"),
    pytest.param(WORLD_BANK, WORLD_BANK_SUITE, 65, id="world-bank-2026"),
]


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _sum_failures(report: statcheck.Report) -> list[str]:
    return [
        f.figures[0]
        for r in report.results
        if r.kind == "sum"
        for f in r.findings
        if f.slug in SUM_SLUGS
    ]


@pytest.mark.parametrize(("drop", "suite", "changed"), REAL)
def test_the_written_drop_passes_every_sum_and_the_input_is_untouched(
    drop: Path, suite: Path, changed: int, tmp_path: Path
) -> None:
    before = _hashes(drop)
    out = tmp_path / "adjusted"
    assert main(["adjust", str(drop), "--suite", str(suite), "--out", str(out)]) in (0, 1)
    assert _hashes(drop) == before
    assert _sum_failures(statcheck.validate(drop, suite)) != []
    report = statcheck.validate(out, suite)
    assert not report.errors and _sum_failures(report) == []
    assert report.drop["id"] == f"{drop.name}-adjusted"
    with (out / "adjustments.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == changed
    assert all(r["rules"] and float(r["old"]) != float(r["new"]) for r in rows)


@pytest.mark.parametrize(("drop", "suite", "changed"), REAL)
def test_no_figure_moves_beyond_its_rounding_and_what_localisation_allows(
    drop: Path, suite: Path, changed: int
) -> None:
    """Each changed figure lands inside the range localisation gives it as a culprit (the
    values that make every rule it is in hold), widened by its own rounding: the new
    value is printed rounded, and a whole figure of exact people by at most one."""
    found = adjust(drop, suite)
    located = locate(drop, suite)
    ranges: dict[str, list[tuple[float | None, float | None]]] = {}
    for component in located.components:
        for culprits in component.sets:
            for c in culprits.culprits:
                ranges.setdefault(c.figure_id, []).append((c.low, c.high))
    cells = {cell.figure_id: cell for cell in found.cells}
    assert len(found.changes) == changed
    for change in found.changes:
        cell = cells[change.figure_id]
        slack = max(cell.precision / 2, 1.0)
        printed = float(change.printed or "nan") * cell.scale
        assert abs(printed - change.new) <= slack
        assert any(
            (low is None or printed >= low - slack) and (high is None or printed <= high + slack)
            for low, high in ranges[change.figure_id]
        ), (change, ranges[change.figure_id])


def test_world_bank_adjusts_an_income_group_never_the_world_or_a_region() -> None:
    found = adjust(WORLD_BANK, WORLD_BANK_SUITE)
    moved = {c.figure_id.split("|")[1] for c in found.changes}
    assert moved <= {"HIC", "UMC", "LMC", "LIC"}
    assert all(c.rules == ("world-is-the-sum-of-the-four-income-groups",) for c in found.changes)
    # Exact counts of people stay whole numbers.
    assert all(c.new == round(c.new) and c.printed == str(int(c.new)) for c in found.changes)


def test_an_occupied_folder_is_refused_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    args = ["adjust", str(BLS), "--suite", str(BLS_SUITE), "--out", str(out)]
    assert main(args) == ExitCode.CONTRACT == ADJUST_REFUSED.exit_code
    assert "adjust-refused" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert main([*args, "--force"]) == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "aat1.csv", "adjustments.csv", "drop.yml", "notes.txt",
    ]  # fmt: skip
    assert (out / "notes.txt").read_text() == "mine"


def test_an_output_inside_the_drop_is_refused(tmp_path: Path) -> None:
    assert main(["adjust", str(BLS), "--suite", str(BLS_SUITE), "--out", str(BLS / "x")]) == 2
    assert not (BLS / "x").exists()


def test_the_changes_are_in_the_json_with_where_they_were_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "adjusted"
    main(["adjust", str(BLS), "--suite", str(BLS_SUITE), "--out", str(out), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["written"]["folder"] == str(out)
    change = next(c for c in data["changes"] if c["figure"] == "employed|1960")
    assert change["printed"] == "65777" and change["old"] == 65_778_000
    assert change["rules"] == [
        "labor-force-is-employed-plus-unemployed",
        "employed-is-agriculture-plus-non-agriculture",
    ]


def test_a_frame_cannot_be_written_as_a_drop(tmp_path: Path) -> None:
    suite = statcheck.suite("s", [statcheck.rules.sum("t", total="total", parts=["a", "b"])])
    frame = pl.DataFrame(
        {
            "figure_id": ["total", "a", "b"],
            "metric": ["total", "a", "b"],
            "value": ["30", "10", "25"],
            "unit": ["persons"] * 3,
            "source_id": ["stats"] * 3,
            "period": ["2024"] * 3,
        }
    )
    found = adjust(frame, suite)
    assert [c.figure_id for c in found.changes] == ["total"]  # any one: the first of a tie
    with pytest.raises(StatcheckError) as caught:
        found.write(tmp_path / "out")
    assert caught.value.slug == "adjust-refused"
    assert not (tmp_path / "out").exists()


def _table_drop(make_drop: MakeDrop) -> Path:
    return make_drop(
        [
            figure("total", "1,000", metric="total"),
            figure("a", "400", metric="a"),
            figure("b", "500", metric="b", precision="1"),
        ]
    )


SUITE = statcheck.suite("s", [statcheck.rules.sum("t", total="total", parts=["a", "b"])])


def test_a_figure_table_gets_its_cell_rewritten_and_nothing_else(
    make_drop: MakeDrop, tmp_path: Path
) -> None:
    drop = _table_drop(make_drop)
    found = adjust(drop, SUITE)
    written = found.write(tmp_path / "out")
    old = (drop / "figures.csv").read_text().splitlines()
    new = written.figures.read_text().splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].startswith(f"{found.changes[0].figure_id},")
    assert (written.folder / "sources.csv").read_bytes() == (drop / "sources.csv").read_bytes()
    assert statcheck.validate(written.folder, SUITE).result("t").status.value == "pass"


def test_a_parquet_figure_table_is_rewritten_typed(make_drop: MakeDrop, tmp_path: Path) -> None:
    drop = _table_drop(make_drop)
    frame = pl.read_csv(drop / "figures.csv", infer_schema=False)
    frame = frame.with_columns(pl.col("value").str.replace(",", "").cast(pl.Float64))
    frame.write_parquet(drop / "figures.parquet")
    (drop / "figures.csv").unlink()
    manifest = (drop / "drop.yml").read_text().replace("figures.csv", "figures.parquet")
    (drop / "drop.yml").write_text(manifest)
    init_drop(drop, refresh=True)
    found = adjust(drop, SUITE)
    assert len(found.changes) == 1
    written = found.write(tmp_path / "out")
    assert pl.read_parquet(written.figures).schema["value"] == pl.Float64
    assert statcheck.validate(written.folder, SUITE).result("t").status.value == "pass"


def test_a_drop_that_is_not_ready_is_reported_and_nothing_written(
    make_drop: MakeDrop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop = _table_drop(make_drop)
    (drop / "figures.csv").write_text((drop / "figures.csv").read_text() + "\n")  # changed
    out = tmp_path / "out"
    suite = tmp_path / "s.yml"
    suite.write_text(SUITE.to_yaml())
    code = main(["adjust", str(drop), "--suite", str(suite), "--out", str(out)])
    assert code == ExitCode.NOT_READY
    assert "checksum-mismatch" in capsys.readouterr().out
    assert not out.exists()
    with pytest.raises(StatcheckError, match="could not be read"):
        adjust(drop, SUITE).write(out)


def test_a_publishers_csv_keeps_its_title_lines_delimiter_decimal_comma_and_encoding(
    tmp_path: Path,
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    text = (
        "Table 1. Persons (é)\nSource: office\nfigure_id;metric;value;unit;period;source_id\n"
        "total;total;1000,0;persons;2024;stats\na;a;400,0;persons;2024;stats\n"
        "b;b;500,0;persons;2024;stats\n"
    )
    (drop / "figures.csv").write_bytes(text.encode("cp1252"))
    (drop / "drop.yml").write_text(
        'id: hdr\nfiles:\n  - {path: figures.csv, role: figures, encoding: cp1252, delimiter: ";", '
        'decimal: ",", header: 3}\n'
    )
    init_drop(drop, refresh=True)
    found = adjust(drop, SUITE)
    [change] = found.changes
    written = found.write(tmp_path / "out")
    lines = written.figures.read_bytes().decode("cp1252").splitlines()
    assert lines[:3] == text.splitlines()[:3]
    changed = {line.split(";")[0]: line for line in lines[3:]}
    assert changed[change.figure_id].split(";")[2] == change.printed.replace(".", ",")  # type: ignore[union-attr]
    assert sum(a != b for a, b in zip(lines, text.splitlines(), strict=True)) == 1
    assert statcheck.validate(written.folder, SUITE).result("t").status.value == "pass"
