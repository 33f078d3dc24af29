"""`statcheck run` reads each drop once per run: the readiness check's drop is the one
validated, and an earlier vintage a revision rule compares with is not read again."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from statcheck.cli import main
from statcheck.drops import manifest, reader
from tests.conftest import REPO

SUITE = REPO / "expectations" / "jhu-covid-worldwide.yml"
VINTAGES = sorted((REPO / "fixtures" / "drops").glob("jhu-covid-worldwide-*"))


def test_run_over_the_jhu_vintages_hashes_and_parses_each_figures_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(VINTAGES) == 5
    hashed: Counter[str] = Counter()
    parsed: Counter[str] = Counter()
    sha256_of, read_drop_file = manifest.sha256_of, reader.read_drop_file

    def counted_hash(path: Path) -> str:
        hashed[Path(path).parent.name] += 1
        return sha256_of(path)

    def counted_read(path: Path, *args: Any, **kwargs: Any) -> Any:
        parsed[Path(path).parent.name] += 1
        return read_drop_file(path, *args, **kwargs)

    monkeypatch.setattr(manifest, "sha256_of", counted_hash)
    monkeypatch.setattr(reader, "read_drop_file", counted_read)
    expectations = tmp_path / "expectations"
    expectations.mkdir()
    shutil.copy(SUITE, expectations)
    code = main(
        ["run", "-e", str(expectations), "-d", str(VINTAGES[0].parent), "-o", str(tmp_path / "out")]
    )
    assert code == 1  # the later vintages revise figures: findings, not a broken run
    everyone = {v.name: 1 for v in VINTAGES}
    assert hashed == everyone
    assert parsed == everyone
