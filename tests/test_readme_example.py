"""The README's pipeline example runs as printed and prints what the README says it prints."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO

README = REPO / "README.md"


def _block(marker: str, language: str = "") -> str:
    """The fenced block right after ``<!-- marker -->`` in the README."""
    text = README.read_text(encoding="utf-8")
    pattern = rf"<!-- {re.escape(marker)} -->\n```{language}\n(.*?)\n```\n"
    found = re.findall(pattern, text, flags=re.DOTALL)
    assert len(found) == 1, f"expected one block marked {marker!r} in the README"
    return str(found[0])


def test_readme_pipeline_example_prints_what_the_readme_shows() -> None:
    code = _block("pipeline-example", "python")
    expected = _block("pipeline-example-output")
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip("\n") == expected
    # What the example is there to show: the sum and the share fail, the comparison passes,
    # the corrected table goes through the decorator and the published one is stopped.
    assert "total-is-north-plus-south: sum-mismatch" in run.stdout
    assert "north-share: ratio-mismatch" in run.stdout
    assert "north-below-south" not in run.stdout
    assert "4 figures passed" in run.stdout
    assert "stopped: the figures published_figures() returned did not pass" in run.stdout
