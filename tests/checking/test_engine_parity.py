"""Every drop in the tests gives the same JSON report, byte for byte, on polars and on pandas.

The pairs are found, not listed: every suite in ``expectations/`` with every drop folder
its ``drops:`` globs name, so a drop added with its suite is checked here at once. Each
engine runs the bundled suites once through ``statcheck run`` (revision rules see their
earlier drops as a run gives them). Two top-level fields may differ and are blanked:
``generated_at`` (the time the report was made) and ``cache_key`` (the digest of the
inputs a stored report was made from, which names the engine so that a run on one engine
never reuses the other's report). Everything else, every explanation and number, must
be the same bytes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from statcheck import load_suite, runner
from statcheck.checking import report_path
from tests.conftest import REPO

EXPECTATIONS = REPO / "expectations"
DROPS = REPO / "fixtures" / "drops"
ENGINES = ("polars", "pandas")
DIFFERING = ("generated_at", "cache_key")  # see the module docstring for why


def _pairs() -> list[tuple[Path, Path]]:
    """(suite file, drop folder) for every suite and every drop it names."""
    return [
        (suite, folder)
        for suite in sorted(EXPECTATIONS.glob("*.y*ml"))
        for folder in load_suite(suite).drop_folders()
    ]


PAIRS = _pairs()


def _drop_id(folder: Path) -> str:
    manifest = yaml.safe_load((folder / "drop.yml").read_text(encoding="utf-8"))
    return str(manifest["id"])


def _blanked(text: bytes) -> bytes:
    """The report's bytes with the values of the fields allowed to differ blanked out."""
    for name in DIFFERING:
        text = re.sub(rb'(\n  "%s": )"[^"\n]*"' % name.encode(), rb'\1"-"', text)
    return text


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every suite over its drops, validated from scratch once per engine."""
    base = tmp_path_factory.mktemp("parity")
    for engine in ENGINES:
        runner.run(EXPECTATIONS, base / engine, engine=engine, force=True)
    return {engine: base / engine for engine in ENGINES}


def test_every_drop_folder_is_named_by_a_suite() -> None:
    """A drop no suite names would be left out of the parity check below."""
    named = {folder.resolve() for _, folder in PAIRS}
    folders = {p.parent.resolve() for p in DROPS.glob("*/drop.yml")}
    assert folders - named == set()


@pytest.mark.parametrize(("suite", "folder"), PAIRS, ids=[f"{s.stem}/{f.name}" for s, f in PAIRS])
def test_polars_and_pandas_reports_are_byte_identical(
    runs: dict[str, Path], suite: Path, folder: Path
) -> None:
    suite_id = load_suite(suite).id
    made = {
        engine: report_path(out, suite_id, _drop_id(folder)).read_bytes()
        for engine, out in runs.items()
    }
    report = json.loads(made["polars"])
    assert report["results"] or report["errors"]  # something was checked or refused
    assert _blanked(made["polars"]) == _blanked(made["pandas"])
