"""`statcheck init DIR`: a manifest for the files in a folder, with their SHA-256, that makes
the folder a ready drop; `--refresh` updates only the checksums of an existing one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from statcheck.cli import main
from statcheck.drops.manifest import read_drop
from tests.conftest import SEED_DROP, SEED_SUITE


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The seed drop's two tables, without their manifest."""
    out = tmp_path / "new-drop"
    out.mkdir()
    for name in ("figures.csv", "sources.csv"):
        shutil.copy(SEED_DROP / name, out / name)
    return out


def _verdicts(report: Path) -> dict[str, str]:
    return {r["rule"]: r["status"] for r in json.loads(report.read_text())["results"]}


def test_init_makes_a_ready_drop_with_the_seed_drops_verdicts(folder: Path, tmp_path: Path) -> None:
    assert main(["init", str(folder)]) == 0
    drop = read_drop(folder)  # ready: every file present with the SHA-256 listed
    assert {(f.path, f.role, f.format) for f in drop.files} == {
        ("figures.csv", "figures", "csv"),
        ("sources.csv", "sources", "csv"),
    }
    main(["validate", str(folder), "-s", str(SEED_SUITE), "-o", str(tmp_path / "new.json")])
    main(["validate", str(SEED_DROP), "-s", str(SEED_SUITE), "-o", str(tmp_path / "seed.json")])
    assert _verdicts(tmp_path / "new.json") == _verdicts(tmp_path / "seed.json")


def test_an_existing_manifest_is_never_overwritten(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "drop.yml").write_text("id: mine\n")
    assert main(["init", str(folder)]) == 2
    assert "error [init-refused]" in capsys.readouterr().err
    assert (folder / "drop.yml").read_text() == "id: mine\n"


def test_refresh_changes_only_the_checksums_and_adds_missing_ones(folder: Path) -> None:
    manifest = folder / "drop.yml"
    manifest.write_text(
        "# our own notes stay\n"
        "id: seed-copy\n"
        "publisher: Kyiv Post\n"
        "files:\n"
        "  - {path: figures.csv, role: figures, format: csv}   # no sha256 yet\n"
        "  - path: sources.csv\n"
        "    role: sources\n"
        "    sha256: " + "0" * 64 + "\n"
    )
    assert main(["init", str(folder), "--refresh"]) == 0
    lines = manifest.read_text().splitlines()
    drop = read_drop(folder)  # now ready
    sha = {f.path: f.sha256 for f in drop.files}
    assert lines[0] == "# our own notes stay" and lines[2] == "publisher: Kyiv Post"
    assert lines[4] == (
        f"  - {{path: figures.csv, role: figures, format: csv, sha256: {sha['figures.csv']}}}"
        "   # no sha256 yet"
    )
    assert lines[7] == f"    sha256: {sha['sources.csv']}"
    assert len(lines) == 8
    assert main(["init", str(folder), "--refresh"]) == 0  # current: nothing to write
    assert len(manifest.read_text().splitlines()) == 8


def test_refresh_inserts_a_missing_checksum_after_the_path_line(folder: Path) -> None:
    (folder / "drop.yml").write_text("id: x\nfiles:\n  - path: figures.csv\n    role: figures\n")
    assert main(["init", str(folder), "--refresh"]) == 0
    assert read_drop(folder).files[0].sha256 is not None


def test_several_candidate_figures_tables_need_one_named(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(folder / "figures.csv", folder / "other.csv")
    assert main(["init", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "2 candidate figures tables (figures.csv, other.csv)" in err and "--figures" in err
    assert not (folder / "drop.yml").exists()
    assert main(["init", str(folder), "--figures", "other.csv"]) == 0
    assert [f.path for f in read_drop(folder).files] == ["other.csv", "sources.csv"]


def test_a_file_name_that_looks_like_yaml_is_listed_as_a_name(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    name = 'a: "b" #1.csv'
    shutil.copy(SEED_DROP / "figures.csv", folder / name)
    assert main(["init", str(folder)]) == 0
    assert [f.path for f in read_drop(folder).files] == [name]


@pytest.mark.parametrize("given", [".", "./"])
def test_a_drop_given_as_the_current_folder_is_named_after_it(
    folder: Path, given: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(folder)
    assert main(["init", given]) == 0
    assert read_drop(folder).id == "new-drop"
    main(["validate", given, "-s", str(SEED_SUITE), "-o", str(tmp_path / "r.json")])
    assert json.loads((tmp_path / "r.json").read_text())["drop"]["id"] == "new-drop"
