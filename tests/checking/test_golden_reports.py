"""The checking layer changed where inputs are read, not what a report says: every bundled
drop's report, from `statcheck run` and from `statcheck.validate` on its figures file, is
byte for byte the one made before the layer existed (``golden_reports.json``: the SHA-256
of each report without ``generated_at`` and ``cache_key``, which hashes statcheck's own
source). Regenerate the digests only for a change meant to alter reports."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

import statcheck
from statcheck import runner
from tests.conftest import REPO

GOLDEN = json.loads(Path(__file__).with_name("golden_reports.json").read_text(encoding="utf-8"))
DROPS = Path("fixtures") / "drops"
ENGINES = ("polars", "pandas")


def digest(text: str) -> str:
    """The report's SHA-256 without the lines that change from run to run."""
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if not line.lstrip().startswith(('"generated_at"', '"cache_key"'))
    ]
    return hashlib.sha256("".join(kept).encode("utf-8")).hexdigest()


@pytest.fixture
def at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # reports name drops by the relative paths the golden ones have


@pytest.mark.parametrize("engine", ENGINES)
def test_statcheck_run_reports_are_unchanged(engine: str, at_repo: None, tmp_path: Path) -> None:
    runner.run(Path("expectations"), tmp_path, engine=engine, force=True)
    made = {
        p.relative_to(tmp_path).as_posix(): digest(p.read_text(encoding="utf-8"))
        for p in sorted(tmp_path.rglob("*.json"))
    }
    assert made == GOLDEN[f"run-{engine}"]


@pytest.mark.parametrize("engine", ENGINES)
def test_validate_on_a_figures_file_reports_are_unchanged(engine: str, at_repo: None) -> None:
    for name, expected in GOLDEN[f"file-{engine}"].items():
        folder = DROPS / Path(name).stem
        manifest = yaml.safe_load((folder / "drop.yml").read_text(encoding="utf-8"))
        by_role = {f.get("role", "figures"): f["path"] for f in manifest["files"]}
        suite = _suite_of(folder.name)
        sources = {"sources": folder / by_role["sources"]} if "sources" in by_role else {}
        report = statcheck.validate(folder / by_role["figures"], suite, engine=engine, **sources)
        assert digest(report.to_json()) == expected, name


def _suite_of(drop: str) -> Path:
    for suite in sorted(Path("expectations").glob("*.yml")):
        if drop in {p.name for p in statcheck.load_suite(suite).drop_folders()}:
            return suite
    raise AssertionError(f"no suite targets {drop}")
