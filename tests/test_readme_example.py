"""The Python examples of the README and of docs/python.md run as printed and print what
the page says they print."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

README = REPO / "README.md"
PIPELINE_PAGE = REPO / "docs" / "python.md"


def _block(page: Path, marker: str, language: str = "") -> str:
    """The fenced block right after ``<!-- marker -->`` on a page."""
    text = page.read_text(encoding="utf-8")
    pattern = rf"<!-- {re.escape(marker)} -->\n```{language}\n(.*?)\n```\n"
    found = re.findall(pattern, text, flags=re.DOTALL)
    assert len(found) == 1, f"expected one block marked {marker!r} in {page.name}"
    return str(found[0])


def _run(code: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_readme_validate_example_prints_what_the_readme_shows() -> None:
    stdout = _run(_block(README, "readme-example", "python"))
    assert stdout.rstrip("\n") == _block(README, "readme-example-output")
    assert "ft-60000-is-desertion-plus-awol ['period-mismatch']" in stdout


def test_pipeline_example_prints_what_the_page_shows() -> None:
    stdout = _run(_block(PIPELINE_PAGE, "pipeline-example", "python"))
    assert stdout.rstrip("\n") == _block(PIPELINE_PAGE, "pipeline-example-output")
    # What the example is there to show: the sum and the share fail, the comparison passes,
    # the corrected table goes through the decorator and the published one is stopped.
    assert "total-is-north-plus-south: sum-mismatch" in stdout
    assert "north-share: ratio-mismatch" in stdout
    assert "north-below-south" not in stdout
    assert "4 figures passed" in stdout
    assert "stopped: the figures published_figures() returned did not pass" in stdout
