"""The README stays short, its links lead somewhere, and the outputs it shows are what the
commands print."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

README = REPO / "README.md"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _block(marker: str, language: str = "") -> str:
    """The fenced block right after ``<!-- marker -->`` in the README."""
    text = README.read_text(encoding="utf-8")
    found = re.findall(rf"<!-- {re.escape(marker)} -->\n```{language}\n(.*?)\n```\n", text, re.S)
    assert len(found) == 1, f"expected one block marked {marker!r} in the README"
    return str(found[0])


def _statcheck(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "statcheck", *args],
        cwd=cwd, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip


def _workdir(tmp_path: Path) -> Path:
    """A folder that sees the repository's suites and drops, so reports land in it."""
    for name in ("expectations", "fixtures"):
        (tmp_path / name).symlink_to(REPO / name, target_is_directory=True)
    return tmp_path


def test_readme_is_at_most_10_kb() -> None:
    assert README.stat().st_size <= 10 * 1024


def test_every_relative_link_in_the_readme_exists() -> None:
    links = LINK.findall(README.read_text(encoding="utf-8"))
    relative = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert relative, "the README links into docs/"
    missing = [link for link in relative if not (REPO / link.split("#")[0]).exists()]
    assert missing == []
    assert any(link.startswith("docs/") for link in relative)


def test_readme_validate_output_is_what_the_command_prints(tmp_path: Path) -> None:
    command = _block("validate-command", "bash").split()
    assert command[:2] == ["statcheck", "validate"]
    run = _statcheck(command[1:], _workdir(tmp_path))
    assert run.returncode == 1, run.stderr
    assert run.stdout.rstrip("\n") == _block("validate-output")


def test_readme_quickstart_lines_are_what_the_main_job_prints(tmp_path: Path) -> None:
    # `nox -s validate` runs `statcheck run`; on a fresh clone nothing is cached yet.
    run = _statcheck(["run"], _workdir(tmp_path))
    assert run.returncode == 1, run.stderr
    printed = run.stdout.splitlines()
    shown = _block("quickstart-output").splitlines()
    assert [line for line in shown if line not in printed] == []
