"""`statcheck --version`, and the Great Expectations extra: missing, it is the documented
`missing-extra` error (exit 2) with no traceback; present, `docs --out DIR --gx` puts the
Data Docs under DIR, where the site links to them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from statcheck import cli
from statcheck.gx import build as gx_build
from tests.conftest import REPO


def _run(args: list[str], tmp_path: Path, block_gx: bool) -> subprocess.CompletedProcess[str]:
    """statcheck in a fresh interpreter; with ``block_gx`` as if the extra were not installed."""
    env = {k: v for k, v in os.environ.items() if k != "STATCHECK_DEBUG"}
    if block_gx:
        shim = tmp_path / "shim"
        shim.mkdir(exist_ok=True)
        (shim / "sitecustomize.py").write_text(
            "import sys\nsys.modules['great_expectations'] = None  # as if not installed\n"
        )
        env["PYTHONPATH"] = os.pathsep.join([str(shim), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def test_version_names_the_installed_distribution(tmp_path: Path) -> None:
    done = _run(["-m", "statcheck", "--version"], tmp_path, block_gx=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"statcheck {version('statcheck-contracts')}"


@pytest.mark.parametrize(
    "command",
    [["-m", "statcheck", "docs", "--gx"], ["-m", "statcheck.gx"]],
    ids=["statcheck docs --gx", "python -m statcheck.gx"],
)
def test_without_the_gx_extra_the_error_is_missing_extra(
    command: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "site"
    done = _run([*command, "--out", str(out)], tmp_path, block_gx=True)
    assert done.returncode == 2
    assert "error [missing-extra] Great Expectations is not installed" in done.stderr
    assert "pip install 'statcheck-contracts[gx]'" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_docs_gx_builds_the_data_docs_inside_the_site_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Path] = []

    def fake_build_all(expectations: Any, out_dir: Path, drops: Any) -> tuple[Path, list[Any]]:
        asked.append(Path(out_dir))
        index = Path(out_dir) / "data_docs" / "local_site" / "index.html"
        index.parent.mkdir(parents=True)
        index.write_text("<html></html>")
        return index, []

    monkeypatch.setattr(gx_build, "build_all", fake_build_all)
    monkeypatch.chdir(REPO)
    site = tmp_path / "site"
    code = cli.main(["docs", "--gx", "--out", str(site), "--reports", str(_reports(tmp_path))])
    assert code == 0
    assert asked == [site / "gx"]
    assert 'href="gx/data_docs/local_site/index.html"' in (site / "index.html").read_text()


def _reports(tmp_path: Path) -> Path:
    """One real report to build a site from: the seed drop's."""
    out = tmp_path / "reports"
    code = cli.main(
        [
            "validate",
            str(REPO / "fixtures" / "drops" / "2025-01-06-kyivpost-desertion"),
            "--suite",
            str(REPO / "expectations" / "kyivpost-desertion.yml"),
            "--out",
            str(out / "seed.json"),
        ]
    )
    assert code in (0, 1)
    return out


def test_check_suite_reports_every_mistake_in_line_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "bad.yml"
    suite.write_text(
        "suite: bad\n"
        "skipped: sometimes\n"
        "rules:\n"
        "  - {id: a, kind: sum, totl: x, parts: [y]}\n"
        "  - {id: b, kind: ratio, part: p}\n"
        "  - {id: c, kind: period}\n"
        "  - {id: c, kind: period}\n"
        "  - {id: d, kind: nosuch}\n"
    )
    assert cli.main(["check-suite", str(suite)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("]")[0] for line in lines[:-1]] == [
        "error [invalid-suite",
        "error [unknown-field",
        "error [missing-field",
        "error [duplicate-rule-id",
        "error [unknown-rule-kind",
    ]
    assert ":4, rule 'a': unknown field 'totl' (did you mean 'total'?)" in lines[1]
    assert ":7, rule 'c': rule id 'c' is used twice (also at line 6)" in lines[3]
    assert lines[-1] == "5 problems found"


def test_terminal_lines_wrap_within_the_width_with_a_hanging_indent() -> None:
    from rich.console import Console

    from statcheck.outputs import fit_terminal

    line = (
        "    FAIL labor-force-is-employed-plus-unemployed: sum-mismatch: labor_force|1948 is "
        "60,621,000 but its 2 parts (employed|1948, unemployed|1948) add up to 60,619,000, "
        "500 apart beyond their rounding. [checked 83 · failed 8]"
    )
    terminal = Console(force_terminal=True, width=60)
    lines = fit_terminal(terminal, line).split("\n")
    assert len(lines) > 2 and all(len(x) <= 60 for x in lines)
    assert lines[0].startswith("    FAIL labor-force")
    assert all(x.startswith(" " * 9) and x[9] != " " for x in lines[1:])  # under the rule id
    assert "labor_force|1948" in " ".join(lines)  # ids are never broken
    log = Console(force_terminal=False, width=60, file=io.StringIO())
    assert fit_terminal(log, line) == line  # a log keeps each line whole
