"""Data cannot steer the terminal: escape sequences in figure ids, cells and suites are
shown escaped on the terminal, in the Markdown summary and in JUnit, never obeyed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from statcheck.drops.manifest import sha256_of

ESC_ID = "t\x1b[2J\x1b[H\x1b]0;all passed\x07"  # clear screen, home, window title
FIGURES = (
    "figure_id,metric,value,unit,period,source_id\n"
    f"{ESC_ID},cases,5,cases,2024,stats\n"
    "u\u202e,cases,9,cases,2024,stats\n"
)
SUITE = (
    "suite: escapes\ndrops: [drop]\nrules:\n"
    '  - {id: "up\\e[1A\\e[2K", kind: compare, left: "t\\e[2J\\e[H\\e]0;all passed\\a", '
    'op: ">", right: "u\\u202e"}\n'
)


def make(tmp_path: Path) -> tuple[Path, Path]:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "figures.csv").write_text(FIGURES, encoding="utf-8")
    sha = sha256_of(drop / "figures.csv")
    (drop / "drop.yml").write_text(f"id: d\nfiles:\n  - {{path: figures.csv, sha256: {sha}}}\n")
    expectations = tmp_path / "expectations"
    expectations.mkdir()
    (expectations / "escapes.yml").write_text(SUITE.replace("[drop]", "[../drop]"))
    return drop, expectations / "escapes.yml"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "statcheck", *args], capture_output=True, text=True, cwd=cwd
    )


def unsafe(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or c in "\x7f\x9b\u202e"]


def test_validate_prints_escapes_visibly(tmp_path: Path) -> None:
    drop, suite = make(tmp_path)
    done = run("validate", str(drop), "--suite", str(suite), "--out", "r.json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert unsafe(done.stdout) == [] and unsafe(done.stderr) == []
    assert "up\\x1b[1A\\x1b[2K" in done.stdout  # the rule id, shown
    assert "t\\x1b[2J\\x1b[H" in done.stdout  # the figure id in the explanation


def test_run_terminal_summary_and_junit_are_inert(tmp_path: Path) -> None:
    make(tmp_path)
    done = run("run", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert unsafe(done.stdout) == [] and unsafe(done.stderr) == []
    summary = (tmp_path / "out/summary.md").read_text(encoding="utf-8")
    junit = (tmp_path / "out/junit.xml").read_text(encoding="utf-8")
    assert unsafe(summary) == [] and unsafe(junit) == []
    assert "x1b" in junit and "x1b" in summary


def test_the_progress_bar_shows_ids_as_text(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from statcheck.outputs import Echo

    screen = io.StringIO()
    bar = Console(file=screen, force_terminal=True, width=200, color_system=None)
    echo = Echo(Console(file=io.StringIO()), bar)
    echo.planned(drops=1, rules=1)
    echo.started("[bold]s\x1b[2J", tmp_path / "d\x1b]0;x\x07")
    echo._progress.refresh()  # type: ignore[union-attr]
    with echo:
        pass
    shown = screen.getvalue()
    assert "[bold]s\\x1b[2J" in shown  # markup shown as text, the escape made visible
    assert "\x1b[2J" not in shown and "\x1b]0;" not in shown
