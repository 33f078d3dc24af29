"""Where `statcheck suggest --out` writes: never over the table it reads nor into the drop,
and a path it cannot write to is the user's to change (exit 2), never an internal error."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from statcheck.cli import main
from statcheck.errors import ExitCode
from statcheck.suggest import suggest
from tests.conftest import REPO

DROP = REPO / "fixtures" / "drops" / "bls-cps-aat1-2025"


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DROP, tmp_path / "drop"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("target", ["the table", "the manifest", "a new file in the drop"])
def test_suggest_refuses_to_write_over_its_input_or_into_the_drop(
    drop: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table = next(p for p in drop.iterdir() if p.suffix == ".csv")
    out, data = {
        "the table": (table, table),
        "the manifest": (drop / "drop.yml", drop),
        "a new file in the drop": (drop / "suite.yml", drop),
    }[target]
    before = _files(drop)
    assert main(["suggest", str(data), "--out", str(out)]) == ExitCode.CONTRACT
    assert "[output-on-input]" in capsys.readouterr().err
    assert _files(drop) == before


def test_suggest_into_a_folder_is_an_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", str(DROP), "--out", str(tmp_path)]) == ExitCode.CONTRACT
    err = capsys.readouterr().err
    assert "[unwritable-output]" in err and "it is a folder" in err


def test_a_drop_given_as_the_current_folder_names_the_suite(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(drop)
    assert main(["suggest", ".", "--out", str(tmp_path / "s.yml")]) == 0
    text = (tmp_path / "s.yml").read_text(encoding="utf-8")
    assert "\nsuite: drop\n" in text  # the folder's name, as for `suggest drop`


def _as_printed(text: str, group: str) -> str:
    """aat1 (BLS CPS) printed as a European publisher would: thousands apart by ``group``,
    percentages with a % sign."""
    import polars as pl

    frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    counts = [c for c in frame.columns if c not in ("year", "footnotes") and "percent" not in c]
    spaced = [
        pl.col(c).str.replace(r"^(\d+)(\d{3})$", f"${{1}}{group}${{2}}").alias(c) for c in counts
    ]
    percents = [(pl.col(c) + "%").alias(c) for c in frame.columns if "percent" in c]
    return frame.with_columns(*spaced, *percents).write_csv()


@pytest.mark.parametrize("group", [" ", "\u00a0", ","], ids=["space", "no-break space", "comma"])
def test_numbers_as_publishers_print_them_are_read_and_the_suite_holds(
    tmp_path: Path, group: str
) -> None:
    import statcheck

    table = tmp_path / "aat1.csv"
    table.write_text(_as_printed((DROP / "aat1.csv").read_text(), group), encoding="utf-8")
    assert "\u00a0" in table.read_text() or group != "\u00a0"
    found = statcheck.suggest(table)
    assert found.suite is not None
    kinds = sorted(r.KIND for r in found.suite.rules)
    assert kinds.count("ratio") == 3 and "sum" in kinds  # the three rates, the sums
    units = {s.column: s.unit for s in found.suite.table.series}  # type: ignore[union-attr]
    assert {c for c, u in units.items() if u == "percent"} == {
        "population_percent", "employed_percent", "unemployed_percent"
    }  # fmt: skip
    report = statcheck.validate(table, found.suite)
    assert report.errors == ()
    # what suggest proposed holds, or fails only where it said (its near-misses)
    failing = {r.rule for r in report.results if r.status.value == "fail"}
    assert failing <= {r.rule.id for r in found.near_misses}


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda lines: [*lines, "Total," + ",".join(["1"] * 11)], "row 87: 'Total'"),
        (lambda lines: [*lines, "Source: BLS, Current Population Survey"], "row 87: 'Source: BLS"),
        (
            lambda lines: [lines[0], lines[1].replace("1941", "1941 (p)", 1), *lines[2:]],
            "row 2: '1941 (p)'",
        ),
        (lambda lines: [line.replace("19", "", 1) for line in lines], "'year' holds neither years"),
        (
            lambda lines: [lines[0].replace("year", ""), *lines[1:]],
            "column 1 of the header has no name",
        ),
    ],
    ids=["a totals row", "a note below", "a footnoted year", "two-digit years", "no name"],
)
def test_why_no_period_column_is_said(
    tmp_path: Path, edit: Any, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (DROP / "aat1.csv").read_text(encoding="utf-8").splitlines()
    table = tmp_path / "aat1.csv"
    table.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    assert main(["suggest", str(table)]) == ExitCode.CONTRACT
    err = capsys.readouterr().err
    assert "no period column" in err and says in err


def test_a_search_stopped_at_its_time_limit_is_a_note_not_silence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import scipy.optimize
    from scipy.optimize import OptimizeResult

    import statcheck

    def out_of_time(*_: Any, **__: Any) -> OptimizeResult:  # as HiGHS stops at time_limit
        return OptimizeResult(x=None, status=1, message="Time limit reached")

    monkeypatch.setattr(scipy.optimize, "milp", out_of_time)
    found = statcheck.suggest(DROP)
    [note] = [n for n in found.notes if "time limit" in n]
    assert note.startswith("the search for the parts of ") and "labor_force" in note


def test_the_notes_say_why_a_column_is_no_series(tmp_path: Path) -> None:
    """A column of numbers with a footnote mark in one cell, or one in parentheses, is no
    series: the note says which cell, in validate's words; a column of notes says how few
    rows it fills."""
    table = tmp_path / "t.csv"
    table.write_text(
        "year,total,men,women,net,notes,remark\n"
        '2019,"6,662(r)","3,500","3,162",5,,1\n'
        f'2020,"6,800","3,600","3,200",(7),revised,{"see note " * 500}\n'
        '2021,"7,000","3,700","3,300",8,,3\n'
        '2022,"7,100","3,750","3,350",9,,4\n'
    )
    result = suggest(table)
    (note,) = [n for n in result.notes if n.startswith("not series")]
    assert (
        "total (row 2: '6,662(r)' is the number '6,662' followed by '(r)', a footnote mark)" in note
    )
    assert "net (row 3: '(7)' is ambiguous" in note
    assert "notes (filled on 1 of 4 rows)" in note
    # A long cell is quoted by its start (stripped, as validate reads it): a note is one
    # line a reader takes in.
    assert "remark (row 3: 'see note see note see note see note see '... (4,499 characters)" in note
    assert len(note) < 600
