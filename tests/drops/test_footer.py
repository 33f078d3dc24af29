"""`footer:` in a CSV's manifest entry: the lines below a publisher's table (a totals row,
a source line, notes) are skipped, so the table is read exactly as published."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import statcheck
from statcheck.drops.manifest import read_drop
from statcheck.errors import ExitCode
from tests.conftest import REPO

DROP = REPO / "fixtures" / "drops" / "bls-cps-aat1-2025"
SUITE = REPO / "expectations" / "bls-cps-aat1.yml"
# What BLS prints below its tables, and a totals row (commas and all: never parsed).
BELOW = [
    "Total,1,2,3,4,5,6,7,8,9,10,",
    "",
    'Source: U.S. Bureau of Labor Statistics, "Current Population Survey", 2025',
    "NOTE: Numbers in thousands.",
]


def _drop(tmp_path: Path, footer: str, below: list[str] = BELOW, crlf: bool = False) -> Path:
    drop = Path(shutil.copytree(DROP, tmp_path / "drop"))
    table = drop / "aat1.csv"
    text = table.read_text(encoding="utf-8") + "\n".join(below) + "\n"
    table.write_bytes(text.replace("\n", "\r\n").encode() if crlf else text.encode())
    sha = hashlib.sha256(table.read_bytes()).hexdigest()
    manifest = (drop / "drop.yml").read_text(encoding="utf-8")
    manifest = manifest.split("    sha256:")[0] + f"    sha256: {sha}\n{footer}"
    (drop / "drop.yml").write_text(manifest, encoding="utf-8")
    return drop


def _verdicts(report: statcheck.Report) -> dict[str, tuple[str, int | None]]:
    return {r.rule: (r.status.value, r.counts.failed if r.counts else None) for r in report.results}


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_the_lines_below_the_table_are_skipped_and_the_verdicts_are_the_tables(
    tmp_path: Path, crlf: bool
) -> None:
    drop = _drop(tmp_path, "    footer: 3\n", crlf=crlf)  # the blank line is not counted
    assert read_drop(drop).file("figures").footer == 3  # type: ignore[union-attr]
    report = statcheck.validate(drop, SUITE)
    assert report.errors == ()
    assert _verdicts(report) == _verdicts(statcheck.validate(DROP, SUITE))
    assert report.rows is not None and report.rows.read == statcheck.validate(DROP, SUITE).rows.read  # type: ignore[union-attr]


def test_without_footer_the_totals_row_is_refused_at_its_row(tmp_path: Path) -> None:
    report = statcheck.validate(_drop(tmp_path, ""), SUITE)
    [error] = report.errors
    assert error.location.row == 87 and "'Total'" in error.message


@pytest.mark.parametrize(
    ("footer", "says"),
    [
        ("    footer: -1\n", "footer -1 must be the number of lines"),
        ("    footer: yes\n", "footer 'yes' must be the number of lines"),
        ("    footer: 500\n", "footer: 500 skips more lines than the file holds"),
    ],
)
def test_a_bad_footer_is_a_manifest_error(tmp_path: Path, footer: str, says: str) -> None:
    report = statcheck.validate(_drop(tmp_path, footer), SUITE)
    [error] = report.errors
    assert (error.slug, error.exit_code) == ("invalid-manifest", ExitCode.CONTRACT)
    assert says in error.message


def test_suggest_reads_the_table_above_the_footer(tmp_path: Path) -> None:
    found = statcheck.suggest(_drop(tmp_path, "    footer: 3\n"))
    assert found.suite is not None and len(found.suite.rules) >= 3
