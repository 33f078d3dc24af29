"""The documentation site builds with ``mkdocs build --strict``: every page is in the nav,
and no link or anchor between pages is broken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytest.importorskip("mkdocs", reason="mkdocs is in the test extra: pip install -e '.[test]'")
pytest.importorskip("material", reason="mkdocs-material is in the test extra")


def test_mkdocs_build_strict_passes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (site / "index.html").is_file()
    assert (site / "errors" / "index.html").is_file()
    assert (site / "architecture" / "index.html").is_file()


def test_every_docs_page_is_in_the_nav() -> None:
    # mkdocs.yml's validation already warns (so --strict fails) on a page left out of the
    # nav; this names the page when it happens.
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (REPO / "docs").glob("*.md"))
    assert [p for p in pages if f": {p}" not in nav] == []
